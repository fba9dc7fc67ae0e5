// Package planfile reads and writes saved plans (rtctl plan --out): the
// plan together with what apply needs to tell whether it went stale and
// which account it was made for.
//
// The format is rtctl's own and private, as Terraform keeps its plan file:
// a header line naming the format, its version and the SHA-256 of the body,
// then the body, JSON of this package's own types (format.go). It is not
// the public plan document (internal/jsonplan), which is a view of the plan
// made for people and programs to read: what apply needs can change here
// without changing what anyone reads there. A file of another version, or
// one changed after it was written, is refused with what to do; so is a
// file of the format before this one, which embedded the public document.
//
// The same safety holds as for every file rtctl reads and writes: written
// atomically with mode 0600 and never through a symbolic link
// (atomicfile), read only when it is a regular file of at most MaxSize
// (safefile.ReadFile). Secrets are never in it: variables that hold one are
// left out (Inputs.SecretVars) and the requests carry no credentials.
package planfile

import (
	"bytes"
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
	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/plan"
)

// MaxSize is the largest saved plan Read accepts. A plan of 100,000 items
// is about 100 MB less than that; anything bigger is not one rtctl wrote.
const MaxSize = 256 << 20

// The header line: Magic, Version and "sha256:" with the body's digest,
// separated by spaces.
const (
	Magic = "rtctl-saved-plan"
	// Version is the format's version. It changes whenever the body does,
	// and a file of another version is refused: a saved plan lives for
	// minutes to days, and is made again in seconds.
	Version = "2"
)

// how is what to do about a file that cannot be applied.
const how = "run rtctl plan -out=FILE again"

// File is a saved plan.
type File struct {
	Meta
	plan savedPlan
}

// Meta is what a saved plan records besides the plan itself.
type Meta struct {
	// PlanID is the plan's identity, random, given when the plan is
	// written: apply records it, so that a plan is applied once.
	PlanID string `json:"plan_id"`
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

// body is what follows the header line.
type body struct {
	Meta
	Plan savedPlan `json:"plan"`
}

// Restore rebuilds the plan held by the file, checking every value the
// domain needs (a known zone, statuses and kinds).
func (f *File) Restore() (*plan.Plan, error) {
	p, err := f.plan.toPlan()
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
	// Not indented: that would re-indent the requests' bodies, which apply
	// sends byte for byte.
	b, err := json.Marshal(body{Meta: meta, Plan: fromPlan(p)})
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	b = append(b, '\n')
	return atomicfile.Write(path, append(header(b), b...))
}

// header is the header line for body.
func header(body []byte) []byte {
	sum := sha256.Sum256(body)
	return fmt.Appendf(nil, "%s %s sha256:%s\n", Magic, Version, hex.EncodeToString(sum[:]))
}

// cutLine cuts b after its first line.
func cutLine(b []byte) (line, rest []byte, found bool) {
	return bytes.Cut(b, []byte("\n"))
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
	head, rest, _ := cutLine(b)
	fields := strings.Fields(string(head))
	if len(fields) == 0 || fields[0] != Magic {
		return nil, notAPlan(path, b)
	}
	if len(fields) < 2 || fields[1] != Version {
		v := ""
		if len(fields) >= 2 {
			v = fields[1]
		}
		return nil, fmt.Errorf("%s has saved-plan format %s; this rtctl reads format %s: make the plan again with this version", path, clip.String(v, 0), Version)
	}
	sum := sha256.Sum256(rest)
	if len(fields) != 3 || fields[2] != "sha256:"+hex.EncodeToString(sum[:]) {
		if len(fields) != 3 || !strings.HasPrefix(fields[2], "sha256:") {
			return nil, fmt.Errorf("%s is damaged: its header has no checksum; %s", path, how)
		}
		return nil, fmt.Errorf("%s does not match its checksum: it was changed or damaged after rtctl wrote it (a saved plan is never edited); %s", path, how)
	}
	var bd body
	if err := json.Unmarshal(rest, &bd); err != nil {
		return nil, fmt.Errorf("%s is damaged: %s; %s", path, clip.String(err.Error(), 0), how)
	}
	f := &File{Meta: bd.Meta, plan: bd.Plan}
	if f.PlanID == "" {
		f.PlanID = "sha256:" + hex.EncodeToString(sum[:])
	}
	if !filepath.IsAbs(f.ConfigDir) {
		f.ConfigDir = filepath.Join(filepath.Dir(path), f.ConfigDir)
	}
	if !holdsConfig(f.ConfigDir) && f.ConfigDirAbs != "" && holdsConfig(f.ConfigDirAbs) {
		f.ConfigDir = f.ConfigDirAbs
	}
	return f, nil
}

// notAPlan says what a file without the header is: a saved plan of the
// format before this one (JSON with the public document's format_version),
// a configuration file, or something else.
func notAPlan(path string, b []byte) error {
	var old struct {
		FormatVersion string `json:"format_version"`
	}
	switch {
	case json.Unmarshal(b, &old) == nil && old.FormatVersion != "":
		return fmt.Errorf("%s was saved by an earlier rtctl in a format this one no longer reads; %s", path, how)
	case strings.HasSuffix(path, ".rt.hcl") || strings.HasSuffix(path, ".rtvars.hcl"):
		return fmt.Errorf("%s is a configuration file, not a saved plan; run rtctl plan -out=FILE first", path)
	}
	return fmt.Errorf("%s is not a saved rtctl plan; run rtctl plan -out=FILE first", path)
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
