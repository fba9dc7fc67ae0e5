// Package ctxtime holds the one way rtctl waits: for a duration, or until
// the context ends, whichever comes first. Packages take a Sleep function of
// this shape as an option so that tests replace it and never sleep for real;
// this is the real one.
package ctxtime

import (
	"context"
	"time"
)

// Sleep waits d, or returns ctx's error as soon as ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
