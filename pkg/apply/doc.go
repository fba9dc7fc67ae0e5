// Package apply executes a plan's create actions through the RescueTime
// POST endpoints, at most once per item.
//
// The API can neither update nor delete, so a duplicate is permanent. Run
// therefore writes an intent to the journal, synced to disk, before each POST
// and an outcome after it; a crash between the two leaves an intent that the
// next plan settles against the feeds. POSTs are not retried by Run: the
// client only retries when the server provably did not act, and an answer
// that never came is recorded as unknown rather than guessed.
//
// Durability is paid per batch, not per item: the intents of the next batch
// of POSTs are written with one fsync while the previous batch is in flight,
// and outcomes are group-committed, one fsync for whatever finished since the
// last one. A thousand items apply in seconds.
//
// Interruption (a cancelled context, Ctrl-C) stops new POSTs from starting;
// those in flight are allowed to finish and are recorded, so the journal
// never holds an unanswered intent that rtctl could have answered.
//
// Defaults: 4 POSTs in flight and 1 POST a second. RescueTime documents no
// limit; a public client reports 60 requests a minute and 1,000 an hour, so
// the default stays at the first for a typical run (a week of calendar, a few
// dozen items), while a backfill can lower or raise it with --rate. A 429 is
// honoured by the client, which waits the Retry-After before trying again.
package apply
