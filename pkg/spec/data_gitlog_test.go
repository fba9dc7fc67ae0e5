package spec

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// testCommit is one commit makeRepo creates.
type testCommit struct {
	date, author, file, subject string // date: RFC 3339
}

// makeRepo creates a git repository whose commits have fixed dates and
// identities, independent of the machine's git configuration.
func makeRepo(t *testing.T, commits []testCommit) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	home := t.TempDir()
	git := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_GLOBAL="+filepath.Join(home, "none"), "GIT_CONFIG_NOSYSTEM=1",
			"GIT_COMMITTER_NAME=CI", "GIT_COMMITTER_EMAIL=ci@example.com")
		cmd.Env = append(cmd.Env, env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(nil, "init", "-q")
	git(nil, "symbolic-ref", "HEAD", "refs/heads/main")
	for i, c := range commits {
		name, email, _ := strings.Cut(c.author, " <")
		email = strings.TrimSuffix(email, ">")
		file := c.file
		if file == "" {
			file = "notes.txt"
		}
		p := filepath.Join(dir, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Repeat("x", i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
		git(nil, "add", file)
		git([]string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + c.date, "GIT_COMMITTER_DATE=" + c.date},
			"commit", "-q", "--no-gpg-sign", "-m", c.subject)
	}
	return dir
}

var testCommits = []testCommit{
	{"2026-10-01T10:00:00Z", "Ann <ann@example.com>", "", "Too old"},
	{"2026-11-18T08:00:00Z", "Ann <ann@example.com>", "src/a.go", "Add parser"},
	{"2026-11-18T22:30:00Z", "Bob <bob@example.com>", "docs/x.md", "Document it"}, // 23:30 in Berlin
	{"2026-11-18T23:30:00Z", "Ann <ann@example.com>", "src/b.go", "Fix parser"},   // 00:30 on the 19th in Berlin
	{"2026-11-20T09:00:00Z", "Ann <ann@example.com>", "src/c.go", "Ship it"},
	{"2026-11-20T19:00:00Z", "Ann <ann@example.com>", "src/d.go", "After now"},
}

// loadGitLog loads a configuration listing commits and days as highlights,
// so the test reads back what data.git_log.NAME yields.
func loadGitLog(t *testing.T, repo, attrs string) (commits, days []string) {
	t.Helper()
	cfg := mustLoad(t, map[string]string{"main.rt.hcl": icalHeader + `
variable "repo" {
  type = string
}

data "git_log" "mine" {
  path = var.repo
  ` + attrs + `
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
`}, LoadOptions{Now: testNow, Vars: map[string]string{"repo": repo}})
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
		many = append(many, testCommit{"2026-11-20T09:00:00Z", "Ann <ann@example.com>", "", fmt.Sprintf("A rather long commit subject line, number %02d%s", i, strings.Repeat("x", 8))})
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
	repo := makeRepo(t, testCommits)
	notRepo := t.TempDir()
	tests := []struct {
		name, path, attrs, want string
		noGit                   bool
	}{
		{"missing path", filepath.Join(notRepo, "nope"), "", "is not a directory", false},
		{"not a repository", notRepo, "", "Not a git repository", false},
		{"unknown branch", repo, `branch = "no-such-branch"`, "Unknown branch", false},
		{"option as branch", repo, `branch = "--output=/tmp/x"`, "is not a branch name", false},
		{"git missing", repo, "", "git not found", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.noGit {
				t.Setenv("PATH", t.TempDir())
			}
			dir := writeConfig(t, map[string]string{"main.rt.hcl": icalHeader + `
data "git_log" "mine" {
  path = "` + filepath.ToSlash(tc.path) + `"
  ` + tc.attrs + `
}
`})
			cfg, diags := Load(context.Background(), dir, LoadOptions{Now: testNow})
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			var b strings.Builder
			if err := RenderDiagnostics(&b, cfg.Files, diags, false); err != nil {
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
// wrapper must not make data "git_log" read another repository than path.
func TestGitLogIgnoresInheritedRepositoryEnv(t *testing.T) {
	repo := makeRepo(t, testCommits)
	other := makeRepo(t, []testCommit{{"2026-11-19T09:00:00Z", "Eve <eve@example.com>", "", "Another repository"}})
	t.Setenv("GIT_DIR", filepath.Join(other, ".git"))
	t.Setenv("GIT_WORK_TREE", other)
	t.Setenv("GIT_INDEX_FILE", filepath.Join(other, ".git", "index"))
	commits, _ := loadGitLog(t, repo, "")
	if len(commits) != 4 || slices.ContainsFunc(commits, func(c string) bool { return strings.Contains(c, "Another repository") }) {
		t.Errorf("commits = %v, want the 4 of path's repository", commits)
	}
	got := gitEnv([]string{"HOME=/h", "GIT_DIR=/x", "GIT_WORK_TREE=/y", "GIT_AUTHOR_NAME=Ann", "GIT_INDEX_FILE=/z", "PATH=/bin",
		"RESCUETIME_API_KEY=k", "RESCUETIME_ACCESS_TOKEN=t", "RESCUETIME_CLIENT_SECRET=s"})
	if diff := cmp.Diff([]string{"HOME=/h", "GIT_AUTHOR_NAME=Ann", "PATH=/bin"}, got); diff != "" {
		t.Errorf("gitEnv (-want +got):\n%s", diff)
	}
}
