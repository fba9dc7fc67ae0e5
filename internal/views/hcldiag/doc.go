// Package hcldiag renders a configuration's diagnostics: as text, the way
// HCL (and so Terraform) writes them, with every byte from the
// configuration escaped for the terminal, and as the JSON report of
// validate --json (Report), whose fields are only ever added.
//
// It is a package of its own under internal/views, importing nothing of
// rtctl's but termsafe, so that the loader's tests, the views and the
// public JSON (jsonplan) can all use it without an import cycle. It decides
// nothing about the diagnostics: the loader (pkg/spec) sorts them, bounds
// what they quote and scrubs secrets from them before they get here.
package hcldiag
