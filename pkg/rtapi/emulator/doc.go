// Package emulator is an in-memory implementation of the RescueTime API,
// written from RescueTime's published API documentation and from what real
// responses are known to look like (docs/real-api.md). It
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
// # What it follows, and what it assumes
//
// The emulator follows the documentation and the recorded answers
// (docs/real-api.md), and nothing else. Everything it does beyond them is a
// choice, listed in one place, docs/emulator.md, each entry marked
// "assumed" with the tests that lean on it: the 30-day reach of the
// highlights and FocusTime feeds, the member perspective's fixed Person
// name, and so on. A change to any of them changes that list too
// (TestAssumptionsDocumented checks the figures it quotes).
//
// # Models of the unknowns
//
// Where rtctl's correctness hangs on what nothing public settles, an
// account's Model picks one of several behaviours, each unknown on the real
// API and modelled for tests:
//
//   - SyncDelay: a post (offline block, highlight, FocusTime event) shows
//     in every report and feed exactly the delay after it was posted, by
//     the Clock; RealisticSyncDelay is the documented sync of the plan
//     (3 minutes Premium, 30 Lite). The zero value shows posts at once.
//   - OfflineReport: offline time reported as posted (Activity =
//     activity_name, Category "Offline", Productivity 0), under the fixed
//     OtherNameActivity and OtherNameCategory, or not at all.
//   - HighlightsCap: the highlights feed lists only the newest N.
//
// The zero Model is the emulator's original behaviour. Set it with
// Account.Model, SetModel, or POST /_emulator/model. Model.Devices is set
// the same way but models no unknown: with two computers logging at once a
// five-minute bucket holds more than 300 s, as recorded answers do.
//
// API answers carry the headers recorded on real ones (Server: nginx,
// X-Request-Id, X-Runtime, Cache-Control) and a Date by the Clock.
//
// # Test hooks and faults
//
//   - /_emulator/ answers loopback clients only and needs no credentials:
//     GET record (Record: everything posted, per account, in posting
//     order), GET and POST faults (Faults), GET and POST clock ({"now":
//     RFC 3339}; POST only with a ManualClock, else 409), GET and POST
//     model?account=KEY (a Model as JSON; account may be left out when
//     there is one), POST reset.
//   - Faults never touch the hooks. Injected statuses are answered before
//     the request is handled (the server provably did not act); a lost
//     response is lost after the handler ran, for any outcome, on POSTs only.
//     Rates draw from a PRNG seeded per rule, so a sequence of requests
//     fails the same way every run.
//
// # State file
//
//   - JSON lines, version 2. The first line is a snapshot: accounts (with
//     their Model) and everything posted, OAuth clients, and tokens as
//     SHA-256 digests (the file holds no usable token; it does hold the
//     emulated accounts' keys). Each item posted since is appended as one
//     more line and synced before the API answers, requests arriving
//     together sharing an fsync, so a write costs the same whatever the
//     state holds. Changes to accounts, clients and tokens, a reset, and
//     records that outgrow the snapshot rewrite the file as a new snapshot,
//     atomically (temporary file, fsync, rename). A last line cut short by
//     a crash is ignored; any other unreadable line is reported with its
//     number. Version 1 (the snapshot alone) is still read. The file is
//     limited to 64 MiB. Codes, faults and the clock are not persisted.
package emulator
