// Package funcs is the function table of rtctl's configuration language
// and the cost guards that bound what evaluating it may do.
//
// The table (Table, Functions) is go-cty's standard library under
// Terraform's names, try and can, and rtctl's own: file, env, duration,
// dateadd, daterange, weekday, timeadd, formatdate, today, sensitive and
// nonsensitive. The sensitive mark (Sensitive) and how a marked value is
// shown (ShownValue) live here because the functions carry it.
//
// The guards (Guard) enforce the evaluation limits of one load, each a
// field of limits.Limits with its --limit name:
//
//   - MaxEvalSteps (eval-steps): the work all expressions do together,
//     counted by Instrument's hooks and by every wrapped function call;
//   - MaxEvalBytes (eval-text): the text all expressions produce together;
//   - MaxValueElements (value-elements) and MaxValueBytes (value-size):
//     one value, checked before a function builds it where its arguments
//     tell (prechecks) and on every result;
//   - MaxReadFileBytes (read-file-size): a file read by file();
//   - MaxDateRange (date-range): the days daterange() lists;
//   - MaxNesting (not settable): how deeply a value nests.
//
// It is not the loader: it decodes no block, orders nothing and reports
// no diagnostic of its own beyond those of instrumenting syntax; the
// loader (pkg/spec) builds one Guard per load, wraps the table with it and
// turns the errors (a *limits.Error when a limit is reached) into
// diagnostics.
package funcs
