package rtapi

import "context"

type retryCheckKey struct{}

// WithRetryCheck returns a context under which a call asks check before it
// sends a request again (after a 429's Retry-After, or a connection
// refused): when check fails, the call ends with its error instead. apply
// passes the check of a journal kept under a lease, so that a POST waiting
// to be retried is not sent once another run took the lease over while
// this one waited (or was stalled).
func WithRetryCheck(ctx context.Context, check func() error) context.Context {
	return context.WithValue(ctx, retryCheckKey{}, check)
}

// retryCheck is the context's check before a retry, nil when it has none.
func retryCheck(ctx context.Context) func() error {
	f, _ := ctx.Value(retryCheckKey{}).(func() error)
	return f
}
