// Package planfile reads and writes saved plans (rtctl plan --out): the
// versioned JSON plan document together with what apply needs to tell
// whether the plan went stale and which account it was made for.
package planfile

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/clip"
	"github.com/rtctl/rtctl/internal/dirlist"
	"github.com/rtctl/rtctl/internal/jsonplan"
	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/plan"
)

// MaxSize is the largest saved plan Read accepts. A plan of 100,000 items
// is about 100 MB less than that; anything bigger is not one rtctl wrote.
const MaxSize = 256 << 20

// File is a saved plan.
type File struct {
	FormatVersion string `json:"format_version"`
	Meta
	Plan jsonplan.Plan `json:"plan"`
}

// Meta is what a saved plan records besides the plan itself.
type Meta struct {
	// PlanID is the plan's identity, random, given when the plan is
	// written: apply records it, so that a plan is applied once. A file
	// written before there were IDs is identified by its SHA-256.
	PlanID string `json:"plan_id,omitempty"`
	// ConfigDir is the configuration's directory. The file stores it
	// relative to the plan file, so a plan applied from elsewhere, or in
	// another checkout, finds the same configuration; Read resolves it.
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
	// Inputs are the variables and options the plan was made with: apply
	// uses exactly these.
	Inputs Inputs `json:"inputs"`
	// Sources are the digests of what the configuration was made of
	// (spec.Config.Sources), so that a stale plan names what changed.
	Sources map[string]string `json:"sources,omitempty"`
}

// Inputs are what a person gave the plan besides the configuration's
// files. Variables that hold a secret (a calendar's address) are never
// written: apply takes them from its own flags and environment again.
type Inputs struct {
	// Vars are the --var values, raw as typed.
	Vars map[string]string `json:"vars,omitempty"`
	// EnvVars are the RTCTL_VAR_ values of the environment, by variable.
	EnvVars map[string]string `json:"env_vars,omitempty"`
	// VarFiles are the --var-file paths, absolute.
	VarFiles []string `json:"var_files,omitempty"`
	// SecretVars name the variables left out for holding a secret.
	SecretVars []string `json:"secret_vars,omitempty"`
	Targets    []string `json:"targets,omitempty"`
	Replace    []string `json:"replace,omitempty"`
}

// Restore rebuilds the plan held by the file.
func (f *File) Restore() (*plan.Plan, error) {
	p, err := f.Plan.ToPlan()
	if err != nil {
		return nil, fmt.Errorf("the saved plan is damaged: %w", err)
	}
	return p, nil
}

// Write saves p to path, atomically: a crash never leaves a half-written
// plan behind.
func Write(path string, p *plan.Plan, meta Meta) error {
	if abs, err := filepath.Abs(meta.ConfigDir); err == nil {
		meta.ConfigDirAbs = abs
	}
	if rel, err := relativeTo(filepath.Dir(path), meta.ConfigDir); err == nil {
		meta.ConfigDir = rel
	}
	if meta.PlanID == "" {
		var id [16]byte
		if _, err := rand.Read(id[:]); err != nil {
			return fmt.Errorf("making the plan's ID: %w", err)
		}
		meta.PlanID = hex.EncodeToString(id[:])
	}
	f := File{FormatVersion: jsonplan.FormatVersion, Meta: meta, Plan: jsonplan.FromPlan(p)}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// Read reads a saved plan.
func Read(path string) (*File, error) {
	// Not os.ReadFile: opening a named pipe waits for a writer, for ever if
	// none comes, and a first SIGTERM did not end the wait.
	b, err := safefile.ReadFile(path, MaxSize)
	var nr *safefile.NotRegularError
	var tl *safefile.TooLargeError
	switch {
	case errors.As(err, &nr):
		return nil, fmt.Errorf("%s is not a saved rtctl plan: it is %s, not a regular file", path, safefile.Describe(nr.Mode))
	case errors.As(err, &tl):
		return nil, fmt.Errorf("%s is not a saved rtctl plan: it is larger than %d MB", path, MaxSize>>20)
	case err != nil:
		return nil, fmt.Errorf("reading saved plan: %w", err)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		const how = "run rtctl plan -out=FILE first"
		var se *json.SyntaxError
		switch {
		case strings.HasSuffix(path, ".rt.hcl") || strings.HasSuffix(path, ".rtvars.hcl"):
			return nil, fmt.Errorf("%s is a configuration file, not a saved plan; %s", path, how)
		case errors.As(err, &se):
			return nil, fmt.Errorf("%s is not a saved rtctl plan (it is not JSON); %s", path, how)
		}
		return nil, fmt.Errorf("%s is not a saved rtctl plan: %s", path, clip.String(err.Error(), 0))
	}
	major, _, _ := strings.Cut(f.FormatVersion, ".")
	want, _, _ := strings.Cut(jsonplan.FormatVersion, ".")
	if f.FormatVersion == "" {
		return nil, fmt.Errorf("%s is not a saved rtctl plan (no format_version)", path)
	}
	if major != want {
		return nil, fmt.Errorf("%s has plan format %s; this rtctl reads %s.x: make the plan again with this version", path, clip.String(f.FormatVersion, 0), want)
	}
	if f.PlanID == "" {
		sum := sha256.Sum256(b)
		f.PlanID = "sha256:" + hex.EncodeToString(sum[:])
	}
	if !filepath.IsAbs(f.ConfigDir) {
		f.ConfigDir = filepath.Join(filepath.Dir(path), f.ConfigDir)
	}
	if !holdsConfig(f.ConfigDir) && f.ConfigDirAbs != "" && holdsConfig(f.ConfigDirAbs) {
		f.ConfigDir = f.ConfigDirAbs
	}
	return &f, nil
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

// holdsConfig reports whether dir has configuration files.
func holdsConfig(dir string) bool {
	m, err := dirlist.Files(dir, "", ".rt.hcl")
	return err == nil && len(m) > 0
}
