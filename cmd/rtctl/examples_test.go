package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rhysd/actionlint"
)

// examplesDir is the repository's examples directory, seen from here.
var examplesDir = filepath.Join("..", "..", "examples")

// TestExamplesPlanAndApply applies every example to the sandbox twice at a
// pinned instant: the first run must create something, the second nothing.
// Each example runs from a copy, so the sandbox state never lands in the
// source tree; what an example reads from outside (a git repository, a
// calendar address) is provided on loopback.
func TestExamplesPlanAndApply(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(examplesDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, src := range dirs {
		if st, err := os.Stat(src); err != nil || !st.IsDir() {
			continue
		}
		n++
		name := filepath.Base(src)
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			// data "git_log" reads only inside the repository that
			// holds the configuration: these examples run from inside
			// one, where their default path finds it, as in CI.
			switch name {
			case "git-highlights":
				dir = filepath.Join(exampleRepo(t), "examples", name)
			case "ci":
				dir = filepath.Join(exampleRepo(t), "rescuetime")
			}
			copyDir(t, src, dir)
			environ := map[string]string{"RTCTL_NOW": "2026-11-20T18:00:00Z", "NO_COLOR": "1", "RTCTL_STATE_DIR": t.TempDir()}
			e := &env{
				stdin:      strings.NewReader(""),
				getenv:     func(k string) string { return environ[k] },
				now:        func() time.Time { return time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) },
				isTerminal: func(any) bool { return false },
			}
			var extra []string
			if name == "ci" {
				ics, err := os.ReadFile(filepath.Join(examplesDir, "calendar", "work.ics"))
				if err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(ics) }))
				defer srv.Close()
				environ["RTCTL_CALENDAR_URL"] = srv.URL + "/private/secret-token/basic.ics"
				e.httpClient = srv.Client()
			}
			rtctl := func(args ...string) (string, int) {
				var out, errOut bytes.Buffer
				e.stdout, e.stderr = &out, &errOut
				code := run(append(append(args, extra...), dir), e)
				return out.String() + errOut.String(), code
			}

			out, code := rtctl("plan", "--sandbox", "--format", "markdown")
			if code != 0 || !strings.Contains(out, "### rtctl plan") {
				t.Fatalf("plan exited %d:\n%s", code, out)
			}
			out, code = rtctl("apply", "--sandbox", "--auto-approve", "--rate", "0")
			m := regexp.MustCompile(`Apply complete: (\d+) created, 0 failed\.`).FindStringSubmatch(out)
			if code != 0 || m == nil || m[1] == "0" {
				t.Fatalf("first apply exited %d without creating anything:\n%s", code, out)
			}
			out, code = rtctl("apply", "--sandbox", "--auto-approve", "--rate", "0")
			if code != 0 || !strings.Contains(out, "No changes.") {
				t.Fatalf("second apply exited %d and was not empty:\n%s", code, out)
			}
			if strings.Contains(out, "secret-token") {
				t.Errorf("output reveals the calendar address:\n%s", out)
			}
		})
	}
	if n < 7 {
		t.Errorf("found %d examples, want at least 7", n)
	}
}

// TestCIWorkflowLints runs actionlint on the example workflow, so a broken
// workflow fails the test suite. shellcheck and pyflakes are left out: the
// machines running the tests need not have them.
func TestCIWorkflowLints(t *testing.T) {
	path := filepath.Join(examplesDir, "ci", "rtctl.yml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: "", Pyflakes: "", LogWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(path, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Errorf("actionlint found %d problems:\n%s", len(errs), out.String())
	}

	// The linter itself must catch a broken workflow, or this test proves
	// nothing.
	broken := bytes.Replace(src, []byte("runs-on: ubuntu-latest"), []byte("runs-on: ubuntu-latest\n    timeout-minutes: soon"), 1)
	errs, err = l.Lint("broken.yml", broken, nil)
	if err != nil || len(errs) == 0 {
		t.Errorf("actionlint accepted a workflow with timeout-minutes: soon (err %v)", err)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".rtctl" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// exampleRepo creates a git repository with commits in the days before
// the pinned instant, with fixed identities and dates so it works on a bare
// CI machine.
func exampleRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir, home := t.TempDir(), t.TempDir()
	git := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_GLOBAL="+filepath.Join(home, "none"), "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Ann", "GIT_AUTHOR_EMAIL=ann@example.com", "GIT_COMMITTER_NAME=Ann", "GIT_COMMITTER_EMAIL=ann@example.com",
			"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("", "init", "-q")
	for _, c := range []struct{ date, subject string }{
		{"2026-11-17T10:00:00Z", "Add the parser"},
		{"2026-11-18T15:00:00Z", "Fix the parser"},
		{"2026-11-18T16:00:00Z", "Document the parser"},
		{"2026-11-20T09:00:00Z", "Release v1.0"},
	} {
		git(c.date, "commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", c.subject)
	}
	return dir
}
