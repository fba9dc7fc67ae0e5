// Package views renders what rtctl's operations produce for people and
// programs: plans as text, Markdown and versioned JSON (through jsonplan),
// apply progress and summaries, and the journal. It is the only place that
// decides how results look; the operations return typed values and the
// command line hands them here.
package views
