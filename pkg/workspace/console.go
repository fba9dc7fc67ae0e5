package workspace

import (
	"context"

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
