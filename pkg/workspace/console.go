package workspace

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/rtctl/rtctl/pkg/spec"
)

// Console loads the configuration, as plan would at this instant, and
// returns a console to evaluate expressions in its scope. It reads the
// configuration's data sources but never the account: a person debugging
// a for_each needs no credentials.
func (w *Workspace) Console(ctx context.Context) (*spec.Console, error) {
	opts := w.loadOptions(w.instant())
	opts.KeepScope = true
	cfg, diags := spec.Load(ctx, w.dir, opts)
	if len(diags) > 0 {
		w.opts.Reporter.Diagnostics(cfg.Files, diags)
	}
	if diags.HasErrors() {
		return nil, &ConfigError{Dir: w.dir, Files: cfg.Files, Diagnostics: diags}
	}
	return cfg.Console(), nil
}

// ConsoleInput reports whether src, typed into the console, leaves a
// bracket, brace, parenthesis or template open, so that the expression
// goes on on the next line, and whether it holds nothing but comments and
// blanks.
func ConsoleInput(src string) (open, empty bool) {
	tokens, _ := hclsyntax.LexExpression([]byte(src), spec.ConsoleFilename, hcl.InitialPos)
	depth := 0
	empty = true
	for _, t := range tokens {
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl, hclsyntax.TokenOHeredoc:
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCHeredoc:
			depth--
		case hclsyntax.TokenComment, hclsyntax.TokenNewline, hclsyntax.TokenEOF:
			continue
		}
		empty = false
	}
	return depth > 0, empty
}
