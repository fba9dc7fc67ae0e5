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
// sent as access_token to /api/oauth/... . AuthorizeURL and ExchangeCode
// implement the OAuth2 authorization-code flow against /oauth/authorize and
// /oauth/token. The base URL defaults to https://www.rescuetime.com; plain
// http:// is refused for every host but loopback.
//
// # Time
//
// The API speaks the account's local wall-clock time without an offset
// ("2025-11-21T06:00:00", "2025-11-21 09:00:00"). Options.Location is the
// account's time zone: naive times in answers are parsed in it and times in
// requests are formatted in it. Values that carry an offset are honoured.
// Options.Now is the clock used to refuse offline time in the future and to
// read Retry-After dates; Options.Sleep waits between retries. Tests inject
// both and never sleep for real.
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
// Each attempt has a timeout (Options.Timeout) and response bodies are read
// through a size limit (Options.MaxBodyBytes).
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
