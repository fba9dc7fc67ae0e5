// Package views renders what rtctl's operations produce for people and
// programs: plans as text, Markdown and versioned JSON (through jsonplan),
// apply progress and summaries, and the journal. It is the only place that
// decides how results look; the operations return typed values and the
// command line hands them here.
//
// Text from outside rtctl (the account, a server, the configuration's
// directory and its journal) is escaped with termsafe wherever it is shown
// as it is: tables, CSV, plan text and Markdown, apply's lines, notices.
// JSON keeps exact values, writing the same characters as \u escapes.
package views
