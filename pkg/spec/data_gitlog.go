package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// GitLogTimeout bounds one git log run: a repository on a stalled network
// file system must not hang a scheduled CI job.
const GitLogTimeout = 30 * time.Second

// gitLogSource is data "git_log": the commits of a local repository inside
// the lookback window, one by one (commits) and grouped per day (days), so
// a configuration can post several highlights a day or one.
type gitLogSource struct{}

var gitCommitType = cty.Object(map[string]cty.Type{
	"hash":       cty.String,
	"short_hash": cty.String,
	"date":       cty.String,
	"time":       cty.String,
	"subject":    cty.String,
	"author":     cty.String,
	"email":      cty.String,
})

var gitDayType = cty.Object(map[string]cty.Type{
	"date":     cty.String,
	"count":    cty.Number,
	"subjects": cty.List(cty.String),
	"summary":  cty.String,
})

func (gitLogSource) ConfigSpec() hcldec.Spec {
	return hcldec.ObjectSpec{
		"path":           &hcldec.AttrSpec{Name: "path", Type: cty.String},
		"author":         &hcldec.AttrSpec{Name: "author", Type: cty.String},
		"branch":         &hcldec.AttrSpec{Name: "branch", Type: cty.String},
		"paths":          &hcldec.AttrSpec{Name: "paths", Type: cty.List(cty.String)},
		"include_merges": &hcldec.AttrSpec{Name: "include_merges", Type: cty.Bool},
		"window_start":   &hcldec.AttrSpec{Name: "window_start", Type: cty.String},
		"window_end":     &hcldec.AttrSpec{Name: "window_end", Type: cty.String},
	}
}

// gitCommit is one line of git log's output.
type gitCommit struct {
	Hash, ShortHash, Author, Email, Subject string
	When                                    time.Time
}

func (gitLogSource) Read(dc DataContext, cfg cty.Value) (cty.Value, hcl.Diagnostics) {
	if !cfg.IsWhollyKnown() {
		return cty.DynamicVal, nil
	}
	var diags hcl.Diagnostics
	fail := func(summary, detail string) (cty.Value, hcl.Diagnostics) {
		return cty.DynamicVal, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: dc.Range.Ptr()})
	}
	repo := optString(cfg, "path")
	if repo == "" {
		repo = "."
	}
	shown := repo
	if !filepath.IsAbs(repo) {
		repo = filepath.Join(dc.BaseDir, repo)
	}
	if st, err := os.Stat(repo); err != nil || !st.IsDir() {
		return fail("Cannot read repository", fmt.Sprintf("%s: %s is not a directory (paths are relative to the configuration directory).", dc.Address, shown))
	}
	branch := optString(cfg, "branch")
	if strings.HasPrefix(branch, "-") {
		return fail("Invalid branch", fmt.Sprintf("%s: %q is not a branch name.", dc.Address, branch))
	}
	var paths []string
	if v := cfg.GetAttr("paths"); !v.IsNull() {
		for it := v.ElementIterator(); it.Next(); {
			_, p := it.Element()
			if p.IsNull() {
				continue
			}
			paths = append(paths, p.AsString())
		}
	}

	start, end := optString(cfg, "window_start"), optString(cfg, "window_end")
	if (start == "" || end == "") && dc.Now.IsZero() {
		return fail("Commit window unknown", dc.Address+" reads the commits from now - lookback to now, but this load was not told the current time. Set window_start and window_end, or load with a current time.")
	}
	from, to := dc.Now.Add(-dc.Lookback), dc.Now
	for _, b := range []struct {
		name, val string
		dst       *time.Time
	}{{"window_start", start, &from}, {"window_end", end, &to}} {
		if b.val == "" {
			continue
		}
		t, err := parseWindowBound(b.val, dc.Timezone)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid " + b.name, Detail: fmt.Sprintf("%s: %s.", dc.Address, err), Subject: dc.Range.Ptr()})
			continue
		}
		*b.dst = t
	}
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}

	commits, err := runGitLog(dc.Context, gitLogQuery{
		Repo: repo, Branch: branch, Author: optString(cfg, "author"), Paths: paths,
		Merges: optBool(cfg, "include_merges"), Since: from, Until: to,
	})
	if err != nil {
		var ge *gitError
		if errors.As(err, &ge) {
			return fail(ge.summary, fmt.Sprintf("%s (%s): %s", dc.Address, shown, ge.detail))
		}
		return fail("Cannot read commits", fmt.Sprintf("%s (%s): %s.", dc.Address, shown, err))
	}
	return gitLogValue(commits, dc.Timezone), diags
}

// gitLogValue builds {commits, days}: commits oldest first, days in date
// order with their subjects in commit order.
func gitLogValue(commits []gitCommit, loc *time.Location) cty.Value {
	var cvals, dvals []cty.Value
	var dayDates []string
	subjects := map[string][]string{}
	for _, c := range commits {
		t := c.When.In(loc)
		date := t.Format(time.DateOnly)
		cvals = append(cvals, cty.ObjectVal(map[string]cty.Value{
			"hash":       cty.StringVal(c.Hash),
			"short_hash": cty.StringVal(c.ShortHash),
			"date":       cty.StringVal(date),
			"time":       cty.StringVal(t.Format(time.RFC3339)),
			"subject":    cty.StringVal(c.Subject),
			"author":     cty.StringVal(c.Author),
			"email":      cty.StringVal(c.Email),
		}))
		if _, ok := subjects[date]; !ok {
			dayDates = append(dayDates, date)
		}
		subjects[date] = append(subjects[date], c.Subject)
	}
	for _, d := range dayDates {
		subs := make([]cty.Value, len(subjects[d]))
		for i, s := range subjects[d] {
			subs[i] = cty.StringVal(s)
		}
		dvals = append(dvals, cty.ObjectVal(map[string]cty.Value{
			"date":     cty.StringVal(d),
			"count":    cty.NumberIntVal(int64(len(subs))),
			"subjects": cty.ListVal(subs),
			"summary":  cty.StringVal(truncateText(strings.Join(subjects[d], "; "), rtapi.MaxTextLength)),
		}))
	}
	clist, dlist := cty.ListValEmpty(gitCommitType), cty.ListValEmpty(gitDayType)
	if len(cvals) > 0 {
		clist, dlist = cty.ListVal(cvals), cty.ListVal(dvals)
	}
	return cty.ObjectVal(map[string]cty.Value{"commits": clist, "days": dlist})
}

// truncateText cuts s to at most max characters, ending with "…" when cut.
func truncateText(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// gitLogQuery is what runGitLog asks git for.
type gitLogQuery struct {
	Repo, Branch, Author string
	Paths                []string
	Merges               bool
	Since, Until         time.Time
}

// gitError is a failure of git the user can act on.
type gitError struct{ summary, detail string }

func (e *gitError) Error() string { return e.summary + ": " + e.detail }

// Field and record separators of the log format: control characters that
// never appear in names, e-mail addresses or one-line subjects.
const (
	gitFieldSep  = "\x1f"
	gitRecordSep = "\x1e"
)

// runGitLog runs git log and returns the commits whose author date is in
// [Since, Until), oldest first. git filters on the committer date; the
// second filter on the author date, the day the work was done, keeps
// rebased or cherry-picked old commits out.
func runGitLog(ctx context.Context, q gitLogQuery) ([]gitCommit, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, GitLogTimeout)
	defer cancel()
	args := []string{
		"-C", q.Repo, "-c", "log.showSignature=false", "log",
		"--no-color", "--encoding=UTF-8", "--reverse",
		"--format=%H" + "%x1f%h%x1f%aI%x1f%an%x1f%ae%x1f%s%x1e",
		"--since=" + q.Since.Format(time.RFC3339),
		"--until=" + q.Until.Format(time.RFC3339),
	}
	if !q.Merges {
		args = append(args, "--no-merges")
	}
	if q.Author != "" {
		// -F: an e-mail address is matched as written, not as a regex.
		args = append(args, "-F", "--author="+q.Author)
	}
	if q.Branch != "" {
		args = append(args, q.Branch)
	}
	args = append(args, "--")
	args = append(args, q.Paths...)

	cmd := exec.CommandContext(ctx, "git", args...)
	// LC_ALL=C keeps git's messages in English, which the error mapping
	// below reads; no prompt may ever block an unattended run.
	cmd.Env = append(gitEnv(os.Environ()), "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return nil, &gitError{"git not found", "data \"git_log\" runs the git program, which is not installed or not on PATH."}
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil:
		return nil, &gitError{"git log timed out", fmt.Sprintf("git log did not finish within %s.", GitLogTimeout)}
	case ctx.Err() != nil:
		return nil, &gitError{"git log interrupted", "git log was stopped before it finished."}
	case err != nil:
		return nil, classifyGitError(strings.TrimSpace(stderr.String()), err)
	}
	return parseGitLog(stdout.String(), q.Since, q.Until)
}

// gitRepoEnv are the variables that point git at another repository, index
// or object store than the one -C names (git rev-parse --local-env-vars).
// rtctl run from a git hook, or from a tool that exports GIT_DIR, would
// otherwise read the commits of the wrong repository without noticing.
var gitRepoEnv = map[string]bool{
	"GIT_ALTERNATE_OBJECT_DIRECTORIES": true, "GIT_CONFIG": true, "GIT_CONFIG_PARAMETERS": true,
	"GIT_CONFIG_COUNT": true, "GIT_OBJECT_DIRECTORY": true, "GIT_DIR": true, "GIT_WORK_TREE": true,
	"GIT_IMPLICIT_WORK_TREE": true, "GIT_GRAFT_FILE": true, "GIT_INDEX_FILE": true,
	"GIT_NO_REPLACE_OBJECTS": true, "GIT_REPLACE_REF_BASE": true, "GIT_PREFIX": true,
	"GIT_INTERNAL_SUPER_PREFIX": true, "GIT_SHALLOW_FILE": true, "GIT_COMMON_DIR": true,
	"GIT_NAMESPACE": true,
}

// gitEnv is environ without gitRepoEnv, and without rtctl's credentials:
// git has no use for them, and the repository (its configuration, its
// hooks) is as untrusted as the configuration that names it.
func gitEnv(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !gitRepoEnv[name] && !slices.ContainsFunc(credentialEnv, func(c string) bool { return strings.EqualFold(c, name) }) {
			out = append(out, kv)
		}
	}
	return out
}

func classifyGitError(stderr string, err error) error {
	lower := strings.ToLower(stderr)
	switch {
	case strings.Contains(lower, "does not have any commits yet"),
		strings.Contains(lower, "bad default revision 'head'"):
		return nil
	case strings.Contains(lower, "not a git repository"):
		return &gitError{"Not a git repository", "the path is not inside a git repository."}
	case strings.Contains(lower, "dubious ownership"):
		return &gitError{"Repository not trusted by git", "git refuses a repository owned by another user; mark it safe with git config --global --add safe.directory PATH (CI runners in containers often need this)."}
	case strings.Contains(lower, "unknown revision"), strings.Contains(lower, "bad revision"),
		strings.Contains(lower, "ambiguous argument"):
		return &gitError{"Unknown branch", "git does not know that branch: " + firstLine(stderr)}
	}
	if stderr == "" {
		return fmt.Errorf("git log failed: %w", err)
	}
	return fmt.Errorf("git log failed: %s", firstLine(stderr))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func parseGitLog(out string, since, until time.Time) ([]gitCommit, error) {
	var commits []gitCommit
	for _, rec := range strings.Split(out, gitRecordSep) {
		rec = strings.Trim(rec, "\n")
		if rec == "" {
			continue
		}
		f := strings.Split(rec, gitFieldSep)
		if len(f) != 6 {
			return nil, fmt.Errorf("unexpected git log output %s", quoted(rec))
		}
		when, err := time.Parse(time.RFC3339, f[2])
		if err != nil {
			return nil, fmt.Errorf("git log gave the date %s: %w", quoted(f[2]), err)
		}
		if when.Before(since) || !when.Before(until) {
			continue
		}
		commits = append(commits, gitCommit{Hash: f[0], ShortHash: f[1], When: when, Author: f[3], Email: f[4], Subject: f[5]})
	}
	return commits, nil
}
