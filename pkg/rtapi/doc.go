// Package rtapi is a typed client for the RescueTime API: the Analytic Data
// API (CSV and JSON, every parameter by its principle name, the restricted
// OAuth reports), the Daily Summary, Alerts, Highlights and FocusTime feeds,
// and the Highlights, FocusTime and Offline Time POST endpoints. It is usable
// as a library on its own; rtctl builds its plan and apply on it.
//
// # Connecting
//
// A Client is made with New from Options. Credentials are either an APIKey,
// sent as the key query parameter to /anapi/..., or an OAuth2 AccessToken,
// sent as access_token to /api/oauth/... . Authorize, CodeFromRedirect and
// ExchangeCode implement the OAuth2 authorization-code flow against
// /oauth/authorize and /oauth/token on golang.org/x/oauth2: a random state
// checked on the way back, PKCE (S256), a form-encoded token request, and
// the token checked (ValidateAccessToken) before it is returned. The base
// URL defaults to https://www.rescuetime.com; plain http:// is refused for
// every host but loopback.
//
// # Time
//
// The API speaks the account's local wall-clock time without an offset
// ("2025-11-21T06:00:00", "2025-11-21 09:00:00"). Options.Location is the
// account's time zone: naive times in answers are parsed in it and times in
// requests are formatted in it. Values that carry an offset are honoured.
// Options.Now is the account's present, used to refuse offline time in the
// future; it may be pinned. Options.Clock is the real time that measures
// the call's time limit and reads Retry-After dates; Options.Sleep waits
// between retries. Tests inject all three and never sleep for real. How
// rtctl sets the two clocks is written down in pkg/workspace ("Clocks").
//
// # Validation and errors
//
// Every request is validated before it is sent; a refused value comes back as
// a *ValidationError naming the field, e.g. "activity_name". Errors from the
// server are typed and work with errors.As: *BadRequestError,
// *PremiumRequiredError (a 400 from a premium-only endpoint; it also matches
// *BadRequestError), *UnauthorizedError, *RateLimitedError and *ServerError.
// The real API answers an invalid key with HTTP 200 and a JSON body carrying
// an "error" key, even when CSV was asked for: any such body is an error
// whatever the status.
//
// # Retries and at-most-once
//
// GET requests are retried with exponential backoff and jitter on 5xx, 429
// and network errors, honouring Retry-After. POST requests are retried only
// when the server provably did not act on them: the connection could not be
// made, or the server answered 429. MayHaveBeenApplied tells a caller whether
// a failed POST may nevertheless have been applied, which an at-most-once
// writer needs to decide between "failed" and "uncertain".
//
// # A success is proven, not assumed
//
// A 2xx status alone proves nothing: captive portals, proxies and
// maintenance pages answer 200 with a page of their own, and a connection
// cut mid-body leaves half an answer. A 2xx answer counts as a success only
// when its body is what the endpoint is known to answer (real-behaviour.md,
// the record of real answers); otherwise the call fails with an
// *UnexpectedAnswerError, for which MayHaveBeenApplied is true on a POST,
// so an at-most-once writer records the item as uncertain, never as done.
//
//   - Every endpoint: a body with an "error" key is an error, whatever the
//     status. An HTML or XML page (by its Content-Type, or a body starting
//     with '<') is never the API's answer; GETs answered so are retried.
//   - Every POST: the Content-Type is JSON, text/plain or absent (anything
//     else, such as image/png or application/octet-stream, is refused); a
//     body that claims or looks like JSON must parse (a truncated body is
//     refused).
//   - highlights_post: a JSON object with a non-null "message" key (its text
//     is not known and not checked); an empty body is refused.
//   - start_focustime, end_focustime: anything else, an empty or non-JSON
//     body included, as real answers may be empty or not JSON.
//   - offline_time_post: the same as FocusTime: its success body is not
//     known, and public clients check only the status.
//
// # Limits
//
//   - Options.Timeout (DefaultTimeout, 30 s) bounds each attempt, from
//     connecting to reading the whole body.
//   - Options.CallTimeout (DefaultCallTimeout, 60 s) bounds each call,
//     retries and the waits between them included: an attempt never gets
//     more than what is left, a retry whose wait would pass the limit is not
//     made, and the call fails with a *TimeoutError ("RescueTime did not
//     answer within 60 s ..."). A call is one request and its retries;
//     AnalyticDataChunked makes one call per chunk.
//   - Retry-After is read without overflow (a value beyond what a
//     time.Duration holds saturates) and honoured up to Options.MaxRetryAfter
//     (DefaultMaxRetryAfter, 5 min) and never beyond half of CallTimeout (so
//     30 s by default); a longer one fails the call at once with a
//     *RateLimitedError saying how long the server asked for.
//   - Response bodies are read through a size limit (Options.MaxBodyBytes,
//     32 MiB by default).
//   - Text from a server repeated in an error (a body, a status line, a
//     value a feed got wrong) is cut at 200 characters with "...", and its
//     control characters, terminal escapes included, are removed.
//
// # Secrets
//
// The API key and access token never appear in an error string, a log line or
// a formatted value: APIKey, AccessToken, Secret, Options' credentials and
// Client all format as "REDACTED", and errors from net/http (whose url.Error
// prints the request URL with its query string) are rewritten with the
// secret removed.
//
// # Choices where the documentation is silent
//
//   - A 400 from a premium-only endpoint (highlights_post, start_focustime,
//     end_focustime, the FocusTime feeds, offline_time_post) is a
//     *PremiumRequiredError when its message mentions the plan (premium, lite,
//     upgrade, subscription) or is empty, as the documentation describes a bare
//     400 for Lite accounts; otherwise it is a *BadRequestError.
//   - Highlights are posted with their fields in the query string, as the
//     documented example does; offline time is posted as a JSON body.
//   - Long minute-resolution Analytic Data ranges are reported to come back
//     truncated ("3 months usually works"): SplitDateRange and
//     AnalyticDataChunked use MinuteChunkDays (30 days) per request, well
//     inside that.
package rtapi
