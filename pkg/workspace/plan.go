package workspace

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/planfile"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec"
)

// PlanOptions tune Plan.
type PlanOptions struct {
	// RetryUncertain plans uncertain items for creation again; the person
	// has checked the account and takes responsibility for a duplicate.
	RetryUncertain bool
	// Targets, when set, keep only the items these address patterns select
	// (see plan.MatchAddress); the plan warns that it is partial.
	Targets []string
	// Replace are address patterns whose changed items are posted rather
	// than held: the person removes, or accepts, the old version.
	Replace []string
}

// PlanResult is a plan together with what it was made from.
type PlanResult struct {
	*plan.Prepared
	// Target names the account the plan was made for (see Target).
	Target string
	// Options are the options it was made with.
	Options PlanOptions
}

// Plan loads the configuration, reads the journal and the account, and
// makes the plan, as of one reading of the clock. It never writes.
func (w *Workspace) Plan(ctx context.Context, opts PlanOptions) (*PlanResult, error) {
	return w.plan(ctx, w.instant(), opts)
}

func (w *Workspace) plan(ctx context.Context, now time.Time, opts PlanOptions) (*PlanResult, error) {
	cfg, err := w.load(ctx, now)
	if err != nil {
		return nil, err
	}
	if _, err := w.configBackend(cfg); err != nil {
		return nil, err
	}
	if err := w.refreshJournal(ctx); err != nil {
		return nil, err
	}
	r, _, err := w.prepare(ctx, cfg, now, opts)
	return r, err
}

// prepare plans a loaded configuration, and returns the client it read the
// account with, which apply then posts with.
func (w *Workspace) prepare(ctx context.Context, cfg *spec.Config, now time.Time, opts PlanOptions) (*PlanResult, *rtapi.Client, error) {
	client, err := w.Client(ctx, cfg.Timezone)
	if err != nil {
		return nil, nil, err
	}
	jpath, j, err := w.readJournal()
	if err != nil {
		return nil, nil, err
	}
	doubts, others, err := w.journalDoubts(jpath, j)
	if err != nil {
		return nil, nil, err
	}
	pr, err := plan.Prepare(ctx, cfg, client, j, plan.PrepareOptions{
		ConfigDir:      w.dir,
		Now:            now,
		RetryUncertain: opts.RetryUncertain,
		Replace:        opts.Replace,
		JournalDoubts:  doubts,
		OtherJournals:  others,
	})
	if err != nil {
		return nil, nil, err
	}
	if err := w.refuseSecrets(pr.Plan); err != nil {
		return nil, nil, err
	}
	// A -replace that names nothing is the same typing mistake as such a
	// -target, and was a silent "No changes".
	if err := selectsNothing(pr.Plan, "--replace", pr.Plan.Unmatched(opts.Replace)); err != nil {
		return nil, nil, err
	}
	if err := selectsNothing(pr.Plan, "--target", pr.Plan.Unmatched(opts.Targets)); err != nil {
		return nil, nil, err
	}
	pr.Plan.Target(opts.Targets)
	return &PlanResult{Prepared: pr, Target: w.Target(), Options: opts}, client, nil
}

// selectsNothing is the error for the patterns of flag that select no item
// of p, with Terraform's "did you mean".
func selectsNothing(p *plan.Plan, flag string, unmatched []string) error {
	if len(unmatched) == 0 {
		return nil
	}
	var hints []string
	for _, u := range unmatched {
		if s := p.SuggestAddress(u); s != "" {
			hints = append(hints, fmt.Sprintf("did you mean %s?", s))
		}
	}
	hint := `addresses look like highlight.NAME or offline_time.NAME["KEY"]`
	if len(hints) > 0 {
		hint = strings.Join(hints, " ")
	}
	return fmt.Errorf("%s %s selects no item of the plan; %s (rtctl plan -v lists them all)", flag, strings.Join(unmatched, ", "), hint)
}

// SavePlan writes r to path for a later ApplySaved, with the variables
// and options it was made with, except variables that hold a secret.
func (w *Workspace) SavePlan(path string, r *PlanResult) error {
	in := planfile.Inputs{Targets: r.Options.Targets, Replace: r.Options.Replace}
	secret := r.Config.SecretVars
	for name := range secret {
		in.SecretVars = append(in.SecretVars, name)
	}
	sort.Strings(in.SecretVars)
	for name, v := range w.opts.Vars {
		if !secret[name] {
			if in.Vars == nil {
				in.Vars = map[string]string{}
			}
			in.Vars[name] = v
		}
	}
	for _, name := range r.Config.VariableNames {
		if v := w.opts.Getenv(spec.VarEnvPrefix + name); v != "" && !secret[name] {
			if in.EnvVars == nil {
				in.EnvVars = map[string]string{}
			}
			in.EnvVars[name] = v
		}
	}
	for _, f := range w.opts.VarFiles {
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		in.VarFiles = append(in.VarFiles, f)
	}
	return planfile.Write(path, r.Plan, planfile.Meta{
		ConfigDir:  w.dir,
		ConfigHash: r.Config.Hash,
		Target:     r.Target,
		Snapshot:   r.Remote.Fingerprint(),
		Inputs:     in,
		Sources:    keptSources(r.Config.Sources, secret),
	})
}

// keptSources are the digests a plan file keeps: not those of variables
// that hold a secret, which the plan file keeps nothing of. (A change of
// one still shows in the configuration's hash.)
func keptSources(sources map[string]string, secret map[string]bool) map[string]string {
	out := make(map[string]string, len(sources))
	for k, v := range sources {
		if kind, name, _ := strings.Cut(k, " "); kind == "var" && secret[name] {
			continue
		}
		out[k] = v
	}
	return out
}

// SavedPlan is a plan read from a file written by SavePlan.
type SavedPlan struct {
	file *planfile.File
	// Plan is the plan as it was saved.
	Plan *plan.Plan
	// ConfigDir is the configuration the plan was made from, resolved
	// against the plan file's place.
	ConfigDir string
}

// ReadSavedPlan reads a saved plan. Open a workspace on its ConfigDir, with
// the options Options gives, to apply it.
func ReadSavedPlan(path string) (*SavedPlan, error) {
	f, err := planfile.Read(path)
	if err != nil {
		return nil, err
	}
	p, err := f.Restore()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &SavedPlan{file: f, Plan: p, ConfigDir: f.ConfigDir}, nil
}

// ForSandbox reports whether the plan was made against the sandbox.
func (s *SavedPlan) ForSandbox() bool { return s.file.Target == sandboxTarget }

// Options are base with the saved plan's inputs: its --var values, its
// RTCTL_VAR_ environment and its --var-file paths, in place of base's.
// Variables kept out of the file for holding a secret come from base, as
// they came at plan time.
func (s *SavedPlan) Options(base Options) Options {
	in := s.file.Inputs
	secret := map[string]bool{}
	for _, n := range in.SecretVars {
		secret[n] = true
	}
	vars := map[string]string{}
	for n, v := range base.Vars {
		if secret[n] {
			vars[n] = v
		}
	}
	for n, v := range in.Vars {
		vars[n] = v
	}
	base.Vars, base.VarFiles = vars, in.VarFiles
	getenv := base.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	base.Getenv = func(k string) string {
		if name, ok := strings.CutPrefix(k, spec.VarEnvPrefix); ok && !secret[name] {
			return in.EnvVars[name]
		}
		return getenv(k)
	}
	return base
}

// SecretVars are the variables the saved plan left out for holding a
// secret: apply takes them from its own flags and environment.
func (s *SavedPlan) SecretVars() []string { return s.file.Inputs.SecretVars }

// PlanOptions are the options the saved plan was made with.
func (s *SavedPlan) PlanOptions() PlanOptions {
	return PlanOptions{Targets: s.file.Inputs.Targets, Replace: s.file.Inputs.Replace}
}

// SecretError is a plan that would post a known secret (the API key, an
// access token) into the account, where it could never be deleted. The
// configuration's checks catch the usual ways; this is the last line.
type SecretError struct {
	Addresses []string
}

func (e *SecretError) Error() string {
	return fmt.Sprintf("refusing to plan: %s would post your RescueTime credentials into the account, where they could never be deleted. "+
		"Check where the text of those items comes from (a variable, a file, a data source), and revoke the key if it was ever posted or committed", strings.Join(e.Addresses, ", "))
}

// refuseSecrets fails when a request the plan would send holds the
// credentials.
func (w *Workspace) refuseSecrets(p *plan.Plan) error {
	var bad []string
	for _, secret := range w.secrets() {
		if len(secret) < 4 {
			continue
		}
		for _, a := range p.Actions {
			if a.Request != nil && (strings.Contains(fmt.Sprint(a.Request.Query), secret) || strings.Contains(string(a.Request.Body), secret)) {
				bad = append(bad, a.Address)
			}
		}
	}
	if len(bad) > 0 {
		return &SecretError{Addresses: bad}
	}
	return nil
}
