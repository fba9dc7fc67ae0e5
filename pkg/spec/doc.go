// Package spec is rtctl's configuration language: it loads the *.rt.hcl
// files of a directory, with their variables, locals, functions, data
// sources and for_each/count expansion, into typed desired items (offline
// time, highlights, focus session schedules), each with a stable address
// and its source range. It holds the schema of every block, their
// decoding, the evaluation order and the values a configuration declares.
//
// It is the representation of what the user declared, validated as far as
// the configuration alone allows. It is not the planner: it never looks at
// the account, never splits offline time into API-sized chunks (it only
// warns that the planner will) and knows nothing about the journal. Nor
// does it render anything: diagnostics are written by internal/views/hcldiag.
//
// The rooms around it, packages below it that import nothing of it:
//
//   - limits: the Limits of one load, their defaults and --limit names;
//   - values: dates, times of day, durations and weekdays as written;
//   - confdir: what of the file system a configuration may read;
//   - parse: the checks before parsing, and a large file parsed in pieces;
//   - funcs: the function table and the cost guards of evaluation;
//   - datasource: the interface data sources plug in through (a
//     datasource.Registry, so a new one needs no loader change), with
//     datasource/ical and datasource/gitlog;
//   - redact: finding secrets in source and keeping them out of messages;
//   - zones: the time zone names, for suggestions and completion.
//
// One package sits above it: reference, which writes the language
// reference from Language().
//
// Loading follows the architecture of the hcl guide: parse every file,
// decode the top-level structure, collect each expression's references,
// evaluate locals and data sources in dependency order (reporting cycles),
// then expand and decode every resource block. Diagnostics accumulate, so a
// user sees every problem at once, each with file, line, column and snippet.
//
// Offline time: a block lasts from 5 minutes (shorter ones get a warning:
// the API appears to refuse them) to 31 days (MaxOfflineSpan). Blocks over 4
// hours are split by the planner into consecutive 4-hour blocks, with a
// warning here; a block longer than 31 days is refused as a likely mistake (a
// wrong date or unit), since it would be posted as hundreds of blocks.
//
// Only regular files are read: a *.rt.hcl or *.rtvars.hcl entry that is a
// named pipe, socket or device (and likewise a file() or data "ical" path) is
// an error rather than something to block on.
//
// A configuration is untrusted input (in CI, a pull request changes it and
// its plan is posted as a comment). file() and data "ical" path read only
// regular files inside the configuration directory (or LoadOptions.ReadDirs),
// decided with symbolic links resolved; never anything in /proc, /dev or
// /sys, never one of LoadOptions.SecretFiles (however linked), never a file
// holding one of LoadOptions.Secrets. The directory's own *.rt.hcl and
// *.rtvars.hcl entries are read only when they resolve inside it (a
// symbolic link leading out is an error naming it, and nothing of its
// target is read), so diagnostics, which show snippets only of the files
// Config.Files holds, never show another file; a LoadOptions.VarFiles file
// is the person's choice and is read wherever it is.
//
// Every input is bounded (Limits): file sizes, nesting depth, declarations,
// instances per block, the size of any value, and the work all expressions
// of a load may do. Reaching a limit is an error diagnostic whose Extra is a
// *LimitExceeded naming it, never a crash.
//
// Built-in data sources: data "ical" (occurrences of a calendar file or
// secret URL, through pkg/calendar) and data "git_log" (commits of a local
// repository, read in this process with go-git: no git program runs, no
// configuration of the repository's is read, nothing is fetched, and
// nothing outside the repository that holds the configuration is read; see
// pkg/spec/datasource/gitlog). Data sources ready at the same point of the evaluation are
// read side by side, all under one deadline (LoadOptions.DataTimeout).
// today() answers only once the rtctl block is evaluated, since
// its date is in the account's zone: locals calling it are ordered after the
// rtctl block, and variable defaults and the rtctl block may not call it.
//
// Input variable values come from, lowest precedence first:
//
//  1. the variable's default;
//  2. RTCTL_VAR_<name> environment variables;
//  3. *.rtvars.hcl files in the configuration directory, in lexical order;
//  4. --var-file files, in the order given;
//  5. --var name=value arguments.
//
// Values from the environment and --var are raw strings: a variable of a
// primitive type takes them as they are, any other type parses them as an
// HCL expression, as Terraform does. A variable that fails one of its
// validation rules is unknown afterwards, so nothing is read or declared
// with it.
//
// Secrets: values a configuration handles as secrets are sensitive (go-cty
// marks, see funcs.Sensitive): a variable declared sensitive = true, every env()
// result, the variables and locals a calendar's url is computed from, and
// everything an expression derives from them. One set to an item's
// attribute, for_each or count is an error naming the attribute, unless the
// configuration unwraps it with nonsensitive(); Console shows it as
// (sensitive value). env() refuses rtctl's own credentials; a text that would
// be posted (activity, details, description, source) is refused when it
// holds one of LoadOptions.Secrets (in any case, or an 8-character piece of
// a long one) or looks like an API key, as is a for_each key holding one;
// and the text of sensitive values and credentials is scrubbed from every
// diagnostic Load returns, as a last line of defence.
package spec
