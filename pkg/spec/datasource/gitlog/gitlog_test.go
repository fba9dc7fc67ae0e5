package gitlog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec"
	"github.com/rtctl/rtctl/pkg/spec/datasource/gitlog"
	"github.com/rtctl/rtctl/pkg/spec/internal/gittest"
)

// testNow is the current time of every load here, as in pkg/spec's tests.
var testNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

// header is the rtctl block every configuration here starts with.
const header = `rtctl {
  timezone = "Europe/Berlin"
}
`

type testCommit = gittest.Commit

var (
	makeRepo    = gittest.MakeRepo
	makeRepoIn  = gittest.MakeRepoIn
	testCommits = gittest.Commits()
)

// loadGitLog loads a configuration listing commits and days as highlights,
// so the test reads back what data.git_log.NAME yields. The configuration
// lives in the repository (as in CI), which may be read from there.
func loadGitLog(t *testing.T, repo, attrs string) (commits, days []string) {
	t.Helper()
	return loadGitLogOpts(t, repo, attrs, spec.LoadOptions{Now: testNow})
}

func loadGitLogOpts(t *testing.T, repo, attrs string, opts spec.LoadOptions) (commits, days []string) {
	t.Helper()
	opts.Vars = map[string]string{"repo": repo}
	if err := os.WriteFile(filepath.Join(repo, "main.rt.hcl"), []byte(header+`
variable "repo" {
  type = string
}

data "git_log" "mine" {
  path = var.repo
  `+attrs+`
}

highlight "commit" {
  for_each    = { for c in data.git_log.mine.commits : c.hash => c }
  date        = each.value.date
  description = join("|", [each.value.time, each.value.subject, each.value.author, each.value.email, tostring(strlen(each.value.short_hash) >= 7 && substr(each.value.hash, 0, strlen(each.value.short_hash)) == each.value.short_hash)])
  source      = "git"
}

highlight "day" {
  for_each    = { for d in data.git_log.mine.days : d.date => d }
  date        = each.key
  description = each.value.summary
  source      = "${each.value.count} commits"
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := spec.Load(context.Background(), repo, opts)
	if len(diags) > 0 {
		var b strings.Builder
		hcldiag.Render(&b, cfg.Files, diags, false)
		t.Fatalf("unexpected diagnostics:\n%s", b.String())
	}
	for _, h := range cfg.Highlights {
		line := h.Date.String() + " " + h.Description
		if strings.HasPrefix(h.Address, "highlight.day") {
			days = append(days, h.Date.String()+" "+strings.TrimSuffix(h.Source, " commits")+": "+h.Description)
		} else {
			commits = append(commits, line)
		}
	}
	slices.Sort(commits)
	return commits, days
}

func TestGitLog(t *testing.T) {
	repo := makeRepo(t, testCommits)
	commits, days := loadGitLog(t, repo, "")
	wantCommits := []string{
		"2026-11-18 2026-11-18T09:00:00+01:00|Add parser|Ann|ann@example.com|true",
		"2026-11-18 2026-11-18T23:30:00+01:00|Document it|Bob|bob@example.com|true",
		"2026-11-19 2026-11-19T00:30:00+01:00|Fix parser|Ann|ann@example.com|true",
		"2026-11-20 2026-11-20T10:00:00+01:00|Ship it|Ann|ann@example.com|true",
	}
	if diff := cmp.Diff(wantCommits, commits); diff != "" {
		t.Errorf("commits (-want +got):\n%s", diff)
	}
	wantDays := []string{
		"2026-11-18 2: Add parser; Document it",
		"2026-11-19 1: Fix parser",
		"2026-11-20 1: Ship it",
	}
	if diff := cmp.Diff(wantDays, days); diff != "" {
		t.Errorf("days (-want +got):\n%s", diff)
	}
}

func TestGitLogFilters(t *testing.T) {
	repo := makeRepo(t, testCommits)
	commits, _ := loadGitLog(t, repo, `author = "ann@example.com"
  paths  = ["src/"]
  branch = "main"
  window_start = "2026-11-19"`)
	want := []string{
		"2026-11-19 2026-11-19T00:30:00+01:00|Fix parser|Ann|ann@example.com|true",
		"2026-11-20 2026-11-20T10:00:00+01:00|Ship it|Ann|ann@example.com|true",
	}
	if diff := cmp.Diff(want, commits); diff != "" {
		t.Errorf("commits (-want +got):\n%s", diff)
	}
}

func TestGitLogEmptyRepository(t *testing.T) {
	repo := makeRepo(t, nil)
	commits, days := loadGitLog(t, repo, "")
	if len(commits) != 0 || len(days) != 0 {
		t.Errorf("an empty repository yields %v %v", commits, days)
	}
}

func TestGitLogDayTruncated(t *testing.T) {
	var many []testCommit
	for i := 0; i < 12; i++ {
		many = append(many, testCommit{Date: "2026-11-20T09:00:00Z", Author: "Ann <ann@example.com>", Subject: fmt.Sprintf("A rather long commit subject line, number %02d%s", i, strings.Repeat("x", 8))})
	}
	_, days := loadGitLog(t, makeRepo(t, many), "")
	if len(days) != 1 {
		t.Fatalf("days = %v", days)
	}
	summary := strings.TrimPrefix(days[0], "2026-11-20 12: ")
	if n := len([]rune(summary)); n != rtapi.MaxTextLength || !strings.HasSuffix(summary, "…") {
		t.Errorf("summary has %d characters (%q), want %d ending in …", n, summary, rtapi.MaxTextLength)
	}
}

func TestGitLogDiagnostics(t *testing.T) {
	dir := t.TempDir()
	makeRepoIn(t, filepath.Join(dir, "repo"), testCommits)
	if err := os.MkdirAll(filepath.Join(dir, "plain"), 0o755); err != nil {
		t.Fatal(err)
	}
	outside := makeRepo(t, testCommits)
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	// A .git file naming a git directory outside.
	if err := os.MkdirAll(filepath.Join(dir, "gitfile"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gitfile", ".git"), []byte("gitdir: "+filepath.Join(outside, ".git")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Objects borrowed from a repository outside.
	borrow := makeRepoIn(t, filepath.Join(dir, "borrow"), nil)
	if err := os.WriteFile(filepath.Join(borrow, ".git", "objects", "info", "alternates"), []byte(filepath.Join(outside, ".git", "objects")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A git directory whose objects and refs are links to another's.
	sneaky := makeRepoIn(t, filepath.Join(dir, "sneaky"), nil)
	for _, sub := range []string{"objects", "refs"} {
		if err := os.RemoveAll(filepath.Join(sneaky, ".git", sub)); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(outside, ".git", sub), filepath.Join(sneaky, ".git", sub)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, path, attrs, want string
	}{
		{"missing path", "nope", "", "is not a directory"},
		{"not a repository", "plain", "", "Not a git repository"},
		{"unknown branch", "repo", `branch = "no-such-branch"`, "Unknown branch"},
		{"option as branch", "repo", `branch = "--output=/tmp/x"`, "is not a branch name"},
		{"revision syntax as branch", "repo", `branch = "main~1"`, "Unknown branch"},
		{"outside", outside, "", "Repository outside the configuration"},
		{"parent", "..", "", "Repository outside the configuration"},
		{"symbolic link out", "link", "", `path "link" is a symbolic link that leads outside`},
		{"pathspec magic", "repo", `paths = [":!docs"]`, "pathspec magic"},
		{"gitdir outside", "gitfile", "", "its git directory is " + outside},
		{"alternates", "borrow", "", "Repository borrows objects"},
		{"linked objects and refs", "sneaky", `branch = "main"`, "Unknown branch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(header+`
data "git_log" "mine" {
  path = "`+filepath.ToSlash(tc.path)+`"
  `+tc.attrs+`
}
`), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, diags := spec.Load(context.Background(), dir, spec.LoadOptions{Now: testNow})
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			var b strings.Builder
			if err := hcldiag.Render(&b, cfg.Files, diags, false); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(b.String()), " ")
			if !strings.Contains(text, tc.want) || !strings.Contains(text, `data "git_log" "mine" {`) {
				t.Errorf("diagnostics lack %q or the block:\n%s", tc.want, b.String())
			}
		})
	}
}

// A GIT_DIR (or GIT_WORK_TREE, GIT_INDEX_FILE) exported by a git hook or a
// wrapper must not make data "git_log" read another repository than path,
// and nothing needs git installed.
func TestGitLogIgnoresInheritedRepositoryEnv(t *testing.T) {
	repo := makeRepo(t, testCommits)
	other := makeRepo(t, []testCommit{{Date: "2026-11-19T09:00:00Z", Author: "Eve <eve@example.com>", Subject: "Another repository"}})
	t.Setenv("GIT_DIR", filepath.Join(other, ".git"))
	t.Setenv("GIT_WORK_TREE", other)
	t.Setenv("GIT_INDEX_FILE", filepath.Join(other, ".git", "index"))
	t.Setenv("PATH", t.TempDir())
	commits, _ := loadGitLog(t, repo, "")
	if len(commits) != 4 || slices.ContainsFunc(commits, func(c string) bool { return strings.Contains(c, "Another repository") }) {
		t.Errorf("commits = %v, want the 4 of path's repository", commits)
	}
}

// gitLogByGit is what data "git_log" read when it ran git log: the
// reference gitlog.ReadGitLog must agree with on ordinary repositories.
func gitLogByGit(t testing.TB, g *gitTool, repo string, q gitlog.GitLogQuery) []gitlog.GitCommit {
	t.Helper()
	args := []string{"-c", "log.showSignature=false", "log", "--no-color", "--encoding=UTF-8", "--reverse",
		"--format=%H%x1f%h%x1f%aI%x1f%an%x1f%ae%x1f%s%x1e",
		"--since=" + q.Since.Format(time.RFC3339), "--until=" + q.Until.Format(time.RFC3339)}
	if !q.Merges {
		args = append(args, "--no-merges")
	}
	if q.Author != "" {
		args = append(args, "-F", "--author="+q.Author)
	}
	if q.Branch != "" {
		args = append(args, q.Branch)
	}
	args = append(append(args, "--"), q.Paths...)
	var out []gitlog.GitCommit
	for _, rec := range strings.Split(g.run(repo, args...), "\x1e") {
		rec = strings.Trim(rec, "\n")
		if rec == "" {
			continue
		}
		f := strings.Split(rec, "\x1f")
		when, err := time.Parse(time.RFC3339, f[2])
		if err != nil {
			t.Fatal(err)
		}
		if when.Before(q.Since) || !when.Before(q.Until) {
			continue
		}
		out = append(out, gitlog.GitCommit{Hash: f[0], ShortHash: f[1], When: when, Author: f[3], Email: f[4], Subject: f[5]})
	}
	return out
}

// TestGitLogMatchesGit builds a repository with the real git (branches,
// merges, a tag, a committer clock that ran behind, multi-line and
// indented messages, a Latin-1 message) and compares gitlog.ReadGitLog with git
// log for every filter.
func TestGitLogMatchesGit(t *testing.T) {
	g := newGitTool(t)
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	g.run(dir, "init", "-q", "repo")
	g.run(repo, "symbolic-ref", "HEAD", "refs/heads/main")
	at := func(author, date, file, msg string, extra ...string) {
		name, email, _ := strings.Cut(author, " <")
		p := filepath.Join(repo, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(date + "\n")
		f.Close()
		g.run(repo, "add", file)
		env := []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + strings.TrimSuffix(email, ">"), "GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date}
		g.runEnv(repo, env, append([]string{"commit", "-q", "--no-gpg-sign", "--cleanup=verbatim", "-m", msg}, extra...)...)
	}
	merge := func(date, branch, msg string) {
		g.runEnv(repo, []string{"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date}, "merge", "-q", "--no-ff", "--no-gpg-sign", "-m", msg, branch)
	}
	at("Ann <ann@example.com>", "2026-09-01T10:00:00Z", "README.md", "Long ago")
	at("Ann <ann@example.com>", "2026-11-02T10:00:00+01:00", "src/a.go", "Add a")
	g.run(repo, "tag", "-a", "-m", "v1", "v1")
	g.run(repo, "checkout", "-q", "-b", "feature")
	at("Bob <bob@example.com>", "2026-11-03T11:00:00-05:00", "docs/guide.md", "Guide\nwrapped over\n\ntwo paragraphs")
	at("Bob <bob@example.com>", "2026-11-04T09:00:00Z", "src/b.go", "\n\n  Indented subject after blank lines  \n")
	g.run(repo, "checkout", "-q", "main")
	at("Ann <ann@example.com>", "2026-11-03T12:00:00Z", "src/a.go", "Change a on main")
	merge("2026-11-05T08:00:00Z", "feature", "Merge feature")
	at("Carol Q. <carol@example.com>", "2026-11-06T08:00:00Z", "src/deep/x/y.txt", "Deep change")
	// A committer clock behind the author's: committed "before" its parent.
	g.runEnv(repo, []string{"GIT_AUTHOR_DATE=2026-11-07T08:00:00Z", "GIT_COMMITTER_DATE=2026-11-05T07:00:00Z"}, "commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", "Skewed clock")
	at("Ann <ann@example.com>", "2026-11-08T08:00:00Z", "notes.txt", "Same time one")
	at("Ann <ann@example.com>", "2026-11-08T08:00:00Z", "notes.txt", "Same time two")
	g.runEnv(repo, []string{"GIT_AUTHOR_DATE=2026-11-09T08:00:00Z", "GIT_COMMITTER_DATE=2026-11-09T08:00:00Z"}, "-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--allow-empty", "--no-gpg-sign", "-F", writeLatin1(t, "Caf\xe9 au lait"))
	at("Ann <ann@example.com>", "2026-11-25T08:00:00Z", "late.txt", "After the window")

	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	tests := []gitlog.GitLogQuery{
		{},
		{Author: "bob@example.com"},
		{Author: "Carol Q <carol"},
		{Paths: []string{"src/"}},
		{Paths: []string{"src"}},
		{Paths: []string{"*.md"}},
		{Paths: []string{"src/deep/x"}},
		{Paths: []string{"docs/", "notes.txt"}},
		{Paths: []string{"src/a"}},
		{Paths: []string{"notes.txt/"}},
		{Paths: []string{"./src/../docs"}},
		{Paths: []string{"src/[ab].go", "?otes.txt"}},
		{Merges: true},
		{Merges: true, Paths: []string{"docs/"}},
		{Merges: true, Paths: []string{"src/"}},
		{Branch: "feature"},
		{Branch: "v1"},
		{Branch: "refs/heads/feature"},
		{Since: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)},
		{Since: time.Date(2026, 11, 5, 7, 30, 0, 0, time.UTC), Paths: []string{"src/"}},
	}
	for _, q := range tests {
		if q.Since.IsZero() {
			q.Since = since
		}
		q.Until = until
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			want := gitLogByGit(t, g, repo, q)
			r, err := gitlog.FindRepository(dir, "repo")
			if err != nil {
				t.Fatal(err)
			}
			got, err := gitlog.ReadGitLog(context.Background(), r, q, spec.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			eq := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
			if diff := cmp.Diff(want, got, eq); diff != "" {
				t.Errorf("readGitLog differs from git log (-git +rtctl):\n%s", diff)
			}
			if len(want) == 0 && q.Branch == "" && len(q.Paths) == 0 {
				t.Error("the query matches nothing: the test is not testing")
			}
		})
	}
}

// writeLatin1 writes a commit message file in ISO-8859-1.
func writeLatin1(t *testing.T, msg string) string {
	p := filepath.Join(t.TempDir(), "msg")
	if err := os.WriteFile(p, []byte(msg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// BenchmarkGitLog reads a window of 500 commits at the end of a
// 10,000-commit history, as data "git_log" does now and as the git log it
// ran before did.
func BenchmarkGitLog(b *testing.B) {
	g := newGitTool(b)
	dir := b.TempDir()
	const n, window = 10000, 500
	first := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	repo := g.fastImport(dir, "repo", n, func(i int) time.Time {
		return first.Add(time.Duration(i) * time.Hour)
	}, func(i int) string { return fmt.Sprintf("Commit %d\n\nA body of a few words.", i) })
	q := gitlog.GitLogQuery{Since: first.Add(time.Duration(n-window) * time.Hour), Until: first.Add(time.Duration(n+1) * time.Hour)}
	b.Run("go-git", func(b *testing.B) {
		for range b.N {
			r, err := gitlog.FindRepository(dir, "repo")
			if err != nil {
				b.Fatal(err)
			}
			c, err := gitlog.ReadGitLog(context.Background(), r, q, spec.DefaultLimits())
			if err != nil || len(c) != window {
				b.Fatalf("%d commits, %v", len(c), err)
			}
		}
	})
	b.Run("git log", func(b *testing.B) {
		for range b.N {
			if c := gitLogByGit(b, g, repo, q); len(c) != window {
				b.Fatalf("%d commits", len(c))
			}
		}
	})
}

// TestGitLogShallowClone: CI checks out with a limited fetch-depth; the
// shallow commit ends the history, as in git log, rather than being a
// missing parent.
func TestGitLogShallowClone(t *testing.T) {
	g := newGitTool(t)
	src := makeRepo(t, testCommits)
	dir := t.TempDir()
	g.run(dir, "clone", "-q", "--depth", "3", "--branch", "main", "file://"+src, "repo")
	q := gitlog.GitLogQuery{Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Until: testNow}
	want := gitLogByGit(t, g, filepath.Join(dir, "repo"), q)
	r, err := gitlog.FindRepository(dir, "repo")
	if err != nil {
		t.Fatal(err)
	}
	got, err := gitlog.ReadGitLog(context.Background(), r, q, spec.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	eq := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	if diff := cmp.Diff(want, got, eq); diff != "" || len(got) != 2 {
		t.Errorf("%d commits; gitlog.ReadGitLog differs from git log (-git +rtctl):\n%s", len(got), diff)
	}
}
