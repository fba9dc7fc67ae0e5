// Package journal records what rtctl sent to the RescueTime API, so that no
// item is ever posted twice.
//
// The API can neither update nor delete, and its feeds cannot always prove
// that something is absent, so the journal is the memory that makes a crash,
// a lost response or a timeout safe. Before a POST the apply engine appends an
// intent; after it, an outcome. The journal is an append-only file of JSON
// lines: appending never rewrites what is already there, a torn last line from
// a crash is ignored on reading, and readers fold the lines into one Record
// per item.
//
// An item is identified by its Key, which is derived from what is posted
// (kind and content), not from its address in the configuration: renaming an
// item in the configuration must not make rtctl post it again.
//
// Every line carries a checksum that also covers the account the journal is
// bound to at that line (its endpoint and fingerprint), so a line copied
// from another account's journal is damage; journals of the formats before
// are read as they are and rewritten in the current one by their next
// writer.
//
// Acquire takes an exclusive OS lock (github.com/gofrs/flock: flock on Unix,
// LockFileEx on Windows) on a file beside the journal, so that two applies
// never run on one journal at once; who holds it is written to a second file
// beside it. Every function that writes a journal (OpenWriter and its
// Writer, Rebind, Repair, AppendForget) takes that held Lock and checks it
// covers the journal, so that nothing writes a journal without it. The journal sits in .rtctl/, which people commit, so none of
// these files is ever written through a symbolic link, nor through a .rtctl
// that is one (internal/safefile).
//
// The journal never holds secrets: entries carry the item's content and the
// non-secret part of the request, never credentials or URLs.
package journal
