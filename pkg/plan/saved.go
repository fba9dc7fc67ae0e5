package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
)

// Saved is a plan written with rtctl plan -out: the actions plus what apply
// needs to tell whether the plan went stale.
type Saved struct {
	FormatVersion string `json:"format_version"`
	SavedMeta
	Plan Document `json:"plan"`
}

// SavedMeta is what a saved plan records besides the plan itself.
type SavedMeta struct {
	// ConfigDir is the configuration's directory. The file stores it
	// relative to the plan file, so a plan applied from elsewhere, or in
	// another checkout, finds the same configuration; ReadFile resolves it.
	ConfigDir string `json:"config_dir"`
	// ConfigDirAbs is the same directory as an absolute path, used when
	// the plan file was moved away from the configuration since.
	ConfigDirAbs string `json:"config_dir_abs,omitempty"`
	// ConfigHash is spec.Config.Hash of the configuration the plan was made
	// from; apply refuses the plan when the configuration changed since.
	ConfigHash string `json:"config_hash"`
	// Target names the account the plan was made against (the sandbox, or
	// an endpoint and the kind of credential; never a secret). A plan
	// reviewed against the sandbox must not be applied to a real account.
	Target string `json:"target"`
	// Snapshot is the remote snapshot's fingerprint when the plan was made.
	Snapshot string `json:"snapshot"`
}

// Restore rebuilds the plan held by a saved file.
func (s *Saved) Restore() (*Plan, error) {
	loc, err := time.LoadLocation(s.Plan.Timezone)
	if err != nil {
		return nil, fmt.Errorf("saved plan names an unknown time zone %q: %w", s.Plan.Timezone, err)
	}
	lookback, err := parseLookback(s.Plan.Lookback)
	if err != nil {
		return nil, fmt.Errorf("saved plan has an invalid lookback: %w", err)
	}
	p := &Plan{
		Now:         s.Plan.Now.In(loc),
		Location:    loc,
		Lookback:    lookback,
		WindowStart: s.Plan.WindowStart.In(loc),
		Warnings:    s.Plan.Warnings,
	}
	p.Actions = s.Plan.Actions
	return p, nil
}

// WriteFile saves the plan to path, atomically: a crash never leaves a
// half-written plan behind.
func (p *Plan) WriteFile(path string, meta SavedMeta) error {
	if abs, err := filepath.Abs(meta.ConfigDir); err == nil {
		meta.ConfigDirAbs = abs
	}
	if rel, err := relativeTo(filepath.Dir(path), meta.ConfigDir); err == nil {
		meta.ConfigDir = rel
	}
	s := Saved{FormatVersion: FormatVersion, SavedMeta: meta, Plan: p.Document()}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// ReadFile reads a saved plan.
func ReadFile(path string) (*Saved, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading saved plan: %w", err)
	}
	var s Saved
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s is not a saved rtctl plan: %w", path, err)
	}
	major, _, _ := strings.Cut(s.FormatVersion, ".")
	want, _, _ := strings.Cut(FormatVersion, ".")
	if s.FormatVersion == "" {
		return nil, fmt.Errorf("%s is not a saved rtctl plan (no format_version)", path)
	}
	if major != want {
		return nil, fmt.Errorf("%s has plan format %s; this rtctl reads %s.x: make the plan again with this version", path, s.FormatVersion, want)
	}
	if !filepath.IsAbs(s.ConfigDir) {
		s.ConfigDir = filepath.Join(filepath.Dir(path), s.ConfigDir)
	}
	if !holdsConfig(s.ConfigDir) && s.ConfigDirAbs != "" && holdsConfig(s.ConfigDirAbs) {
		s.ConfigDir = s.ConfigDirAbs
	}
	return &s, nil
}

func relativeTo(base, target string) (string, error) {
	absBase, err := filepath.Abs(base)
	if err != nil {
		return "", err
	}
	absTarget, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	return filepath.Rel(absBase, absTarget)
}

// formatLookback renders a lookback the way configurations write it.
func formatLookback(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

func parseLookback(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err != nil {
			return 0, fmt.Errorf("%q: %w", s, err)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// holdsConfig reports whether dir has configuration files.
func holdsConfig(dir string) bool {
	m, err := filepath.Glob(filepath.Join(dir, "*.rt.hcl"))
	return err == nil && len(m) > 0
}
