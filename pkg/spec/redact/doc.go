// Package redact keeps secrets out of what a load shows: it finds API keys
// written in a configuration's source (CheckFile, LooksLikeAPIKey), and
// removes the text of sensitive values and of rtctl's credentials from
// diagnostics (Diagnostics) and console output (Secrets.Redact), snippets
// and the values HCL would print included.
//
// Which values are secret is the loader's to say (pkg/spec: sensitive
// variables, what a calendar's url is computed from, env()); this package
// only collects their text and redacts it.
package redact
