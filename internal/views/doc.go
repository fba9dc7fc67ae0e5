// Package views renders what rtctl's operations produce for people and
// programs: plans as text, Markdown and versioned JSON (through jsonplan),
// apply progress and summaries, and the journal. It is the only place that
// decides how results look; the operations return typed values and the
// command line hands them here.
//
// As Terraform's command views are, it is built in two layers. View holds
// the two streams and what every command shares: the error that ended it
// (Error, and ErrorMessage for how an error reads), notes and warnings. On
// it each command family has a view interface, with a text implementation
// and a JSON one where the command has -json or -o json: Plan (plan, show),
// ApplyView, Journal (journal and its subcommands, forget, force-unlock),
// Validate, Version, Doctor, Read (the read commands), and text-only Setup
// (init, import, sandbox reset), Auth, Fmt, Console, Emulator and Approval.
// The command line writes to stdout and stderr only through them; an error
// is rendered by the view in use (ApplyView.Error ends the JSON stream with
// it). Diagnostics are rendered by pkg/spec for now, on their way here.
//
// Text from outside rtctl (the account, a server, the configuration's
// directory and its journal) is escaped with termsafe wherever it is shown
// as it is: tables, CSV, plan text and Markdown, apply's lines, notices.
// JSON keeps exact values, writing the same characters as \u escapes.
package views
