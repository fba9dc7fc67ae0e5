// Package plan decides what rtctl apply would do: it observes the account
// (one read per feed), compares it with the declared items and the journal,
// and produces a Plan in which every declared item has exactly one status and
// a reason a person can read. It also renders plans (text, Markdown, JSON)
// and reads and writes saved plan files.
//
// Make is a pure function: no clock, no network, no files. Everything it
// needs (the desired items, the remote snapshot, the journal and now) is an
// argument, so every decision can be tested with a table.
//
// Identity. The API can neither update nor delete, so an item's identity is
// its content: offline time by activity and time range, highlights by date and
// description, focus sessions by schedule window. Offline time is read back
// from the Analytic Data API in five-minute buckets, so a block counts as
// present when the buckets it touches hold, under its activity, all but a
// small tolerance of its length (see offlineTolerance); a block is in
// conflict when the buckets it touches hold offline time of another activity
// that cannot fit beside it.
//
// Splitting. A block longer than the API's four-hour limit is planned as
// consecutive chunks of equal length (rounded to the minute), not as four-hour
// chunks and a remainder: a 4h01m block becomes 2h00m + 2h01m rather than
// 4h + 1m, since the API appears to refuse blocks under five minutes.
//
// Window. Only items inside the lookback window (now - lookback .. now) are
// planned; the feeds cannot prove that older items are absent. An offline
// block is inside when it starts inside; a block half inside is out of window.
package plan
