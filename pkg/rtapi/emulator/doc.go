// Package emulator is an in-memory implementation of the RescueTime API,
// written from its documentation (../shared/api/rescuetime-api.txt) and
// from what real responses are known to look like (real-behaviour.md). It
// is the other side of every rtctl test, of `rtctl emulator` and of the
// sandbox; it never talks to the real service.
//
// An Emulator is an http.Handler serving both URL families
// (/anapi/<endpoint>?key=... and /api/oauth/<endpoint>?access_token=...),
// the OAuth2 endpoints (/oauth/authorize, /oauth/token) and test hooks
// under /_emulator/. It holds accounts (key, plan, time zone, seed), what
// was posted to them, OAuth clients and tokens; it can persist all of it
// to a JSON file, and takes its notion of now from an injected Clock.
//
// # Where the documentation is silent
//
// Every choice below is the emulator's own; the client must not depend on
// any of them beyond what the documentation and real-behaviour.md say.
//
// Authentication
//   - An unknown or missing key answers HTTP 200 with
//     {"error": "# key not found", "messages": "key not found"} on GET
//     endpoints (recorded), even when CSV was asked for, and HTTP 400 with
//     the same body on POST endpoints (documented: POSTs answer every error
//     with 400). The key is read from the query string only.
//   - An unknown access token answers 401 {"error": "# invalid token", ...}
//     with WWW-Authenticate; a token without the endpoint's scope answers
//     403 {"error": "# insufficient scope", ...}. Tokens are also accepted
//     in an Authorization: Bearer header. Tokens never expire.
//   - Scopes: time_data for data, daily_summary_feed and offline_time_post;
//     category_data for overview_data and category_data; productivity_data
//     for productivity_data; alert_data; highlight_data for the highlights
//     feed and POST; focustime_data for the FocusTime trigger and feeds.
//     The restricted reports exist only under /api/oauth (404 under /anapi).
//   - /oauth/authorize has no login page: it grants at once. The account is
//     named by the `account` parameter (its API key), or is the only account
//     when there is one. The scope list may be separated by spaces, commas or
//     plus signs; unknown or no scopes redirect with error=invalid_scope. An
//     unknown client_id or a redirect_uri other than the registered one is
//     answered 400 without redirecting (RFC 6749 4.1.2.1); other errors
//     redirect with error= and state=. Codes are valid for 10 minutes by the
//     clock and are single use (consumed by any exchange attempt).
//   - /oauth/token takes the documented JSON body or a form-encoded one and
//     answers {access_token, token_type: "bearer", scope, created_at (Unix)};
//     errors use RFC 6749's {error, error_description}: 401 invalid_client,
//     400 invalid_grant / unsupported_grant_type / invalid_request.
//   - Methods: GET endpoints also take HEAD; any other method answers 405
//     with Allow. Unknown endpoints answer 404.
//
// Analytic Data
//   - Every parameter is accepted under its principle, short and alias
//     names; when several are given the first in that order wins. Unknown
//     parameters are ignored. format is required.
//   - Defaults: perspective rank, resolution_time hour, restrict_kind
//     activity. No restrict_end means today; no restrict_begin means the
//     restrict_end day. Dates are YYYY-MM-DD, local to the account.
//   - Bad or missing values (format, perspective, resolution, kind,
//     efficiency with rank, source type, dates, begin after end, schedule)
//     answer HTTP 400 with the reported body {"error": "# query error",
//     "messages": "Error: Likely a badly formatted or missing parameter"};
//     the parameter at fault is named in an X-Emulator-Detail header.
//   - A range longer than three years (maxRangeDays) is such a query error:
//     the history is computed per bucket, and real answers for long ranges
//     are reported to come back empty or truncated.
//   - Rows: Number of People is always 1. Rank rows are ordered by time
//     descending, then by name. Interval rows by bucket, then time
//     descending (recorded). Date is the bucket's naive local start
//     ("2026-11-20T09:05:00"): five minutes for minute, the hour, the day,
//     the week from Sunday, the month from the 1st.
//   - Efficiency (interval only) is one row per bucket: the time-weighted
//     mean productivity rounded to two decimals, and the percentage
//     (mean+2)/4*100 rounded to two decimals.
//   - Document kind: activities without a document show "No Details".
//   - restrict_thing: with overview or category kind, the activities inside
//     the named overview or sub-category (activity columns); with activity
//     kind, the named activity's documents in the Activity column ("No
//     Details" when it has none); with other kinds, a filter on activity,
//     sub-category or overview name. restrict_thingy filters on the document.
//   - The restricted reports force their kind (overview_data: overview,
//     category_data: category, productivity_data: productivity, or
//     efficiency when asked for) and ignore restrict_thing and
//     restrict_thingy, so they never reveal activities.
//   - restrict_schedule_id: every account has schedule 1 (Monday to Friday,
//     09:00-17:00) and 2 (weekends); other ids are a query error.
//   - Offline time appears with source type offline: Activity = the
//     activity_name, Document = activity_details, Category and overview
//     "Offline", Productivity 0, spread over the five-minute buckets it
//     overlaps. Without restrict_source_type all sources are included.
//
// Synthetic history
//   - A pure function of (seed, five-minute bucket, zone): a splitmix64
//     stream seeded by both decides whether the computer and the phone were
//     used and on what, following a work-week shape (busy and productive
//     09:00-17:00 on weekdays, lunch and evenings leaning to leisure, quiet
//     nights, light weekends). Computer time is 60-300 s per bucket (never
//     more than 300), phone time 30-300 s with activities named "mobile - ...".
//   - It has no beginning and ends with the last complete bucket before
//     now: moving the clock forward adds history and never changes the past.
//     History exposes the raw samples.
//
// Writes
//   - Offline time: JSON body (or form-encoded when so declared) with
//     start_time ('YYYY-MM-DD HH:MM:SS' local, or a Unix timestamp as number
//     or string), exactly one of end_time and duration (whole minutes,
//     number or string), activity_name (required, non-blank) and
//     activity_details; texts at most 255 characters (not bytes). Refused
//     with 400: blocks longer than 4 hours, shorter than 5 minutes, or
//     ending after now. Success: 200 {"message": ...}.
//   - Highlights: highlight_date (YYYY-MM-DD or Unix timestamp, any date),
//     description (required, at most 255 characters) and source (optional,
//     at most 255 characters), from the query string or a form body.
//     Success: 200 {"message": ...}.
//   - FocusTime: duration a positive multiple of 5 up to a day (1,440 minutes) or -1 (until local
//     midnight). One session runs at a time: a start while one runs is
//     refused with 400, and end_focustime with none running is refused with
//     400. A session ends when ended or when its duration has elapsed.
//   - Feed and event ids: offline blocks and highlights share one increasing
//     integer sequence; FocusTime ids are the event's Unix time, bumped by a
//     millisecond when two events of a feed share a second.
//   - Lite accounts: every POST answers 400 {"error": "# premium required"};
//     the highlights, alerts and FocusTime feeds answer 200 with [] (the
//     feed documentation says "zero results"; the overview's "400" is taken
//     to mean the POSTs).
//
// Feeds
//   - created_at values are RFC 3339 with the account zone's offset.
//   - Highlights and FocusTime feeds: items created in the last 30 days,
//     newest first; the highlights feed has no source field. The ended feed
//     lists explicit ends and elapsed sessions, dated when they ended.
//   - Daily summary: the 14 days before today (never today), newest first,
//     days with no time left out; computed from the same samples as
//     Analytic Data, offline time included (neutral, in no category field).
//     Pulse = time-weighted 100/75/50/25/0 by level, rounded to an integer;
//     durations "2h 32m", "5m 10s", "30s", "no time".
//   - Alerts: every premium account has three definitions (2h of Software
//     Development, 4h of All Productive Time, 1h of All Distracting Time a
//     day), ids derived from the seed. op=status (the default) lists, newest
//     first, each day of the last 14 (today included) on which one fired, at
//     the end of the bucket where it crossed its amount. alert_id filters
//     both ops. A bad op or alert_id is a query error.
//
// Test hooks and faults
//   - /_emulator/ answers loopback clients only and needs no credentials:
//     GET record (Record: everything posted, per account, in posting
//     order), GET and POST faults (Faults), GET and POST clock ({"now":
//     RFC 3339}; POST only with a ManualClock, else 409), POST reset.
//   - Faults never touch the hooks. Injected statuses are answered before
//     the request is handled (the server provably did not act); a lost
//     response is lost after the handler ran, for any outcome, on POSTs only.
//     Rates draw from a PRNG seeded per rule, so a sequence of requests
//     fails the same way every run.
//
// State file
//   - JSON, version 1: accounts with everything posted, OAuth clients, and
//     tokens as SHA-256 digests (the file holds no usable token; it does
//     hold the emulated accounts' keys). Written atomically (temporary
//     file, fsync, rename) after every write. Codes, faults and the clock
//     are not persisted.
package emulator
