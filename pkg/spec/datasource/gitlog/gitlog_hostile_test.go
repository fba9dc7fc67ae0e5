package gitlog_test

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/spec"
	"github.com/rtctl/rtctl/pkg/spec/datasource/gitlog"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// gitTool runs the real git to build fixtures, isolated from the machine's
// configuration (no system or global config, an empty HOME).
type gitTool struct {
	t    testing.TB
	home string
}

func newGitTool(t testing.TB) *gitTool {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	return &gitTool{t: t, home: t.TempDir()}
}

func (g *gitTool) env(extra ...string) []string {
	env := append(os.Environ(), "HOME="+g.home, "GIT_CONFIG_GLOBAL="+filepath.Join(g.home, "none"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Ann", "GIT_AUTHOR_EMAIL=ann@example.com", "GIT_COMMITTER_NAME=Ann", "GIT_COMMITTER_EMAIL=ann@example.com",
		"GIT_TERMINAL_PROMPT=0")
	return append(env, extra...)
}

// run runs git in dir and returns its standard output.
func (g *gitTool) run(dir string, args ...string) string {
	g.t.Helper()
	return g.runEnv(dir, nil, args...)
}

func (g *gitTool) runEnv(dir string, env []string, args ...string) string {
	g.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = g.env(env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		g.t.Fatalf("git %v: %v\n%s", args, err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// commit makes an empty-tree-changing commit at date (RFC 3339) with a
// file of its own, so path filters have something to see.
func (g *gitTool) commit(dir, date, file, msg string) {
	g.t.Helper()
	p := filepath.Join(dir, file)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		g.t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		g.t.Fatal(err)
	}
	f.WriteString(msg + "\n")
	f.Close()
	g.run(dir, "add", file)
	g.runEnv(dir, []string{"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date}, "commit", "-q", "--no-gpg-sign", "-m", msg)
}

// hostileFixture is a configuration directory with a repository inside it
// and a program that, if anything ever runs it, leaves marker behind.
type hostileFixture struct {
	g              *gitTool
	dir            string // the configuration directory
	script, marker string
}

func newHostileFixture(t *testing.T) *hostileFixture {
	g := newGitTool(t)
	dir := t.TempDir()
	marker := filepath.Join(t.TempDir(), "ran")
	script := filepath.Join(dir, "x.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho pwned > '"+marker+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &hostileFixture{g: g, dir: dir, script: script, marker: marker}
}

// work makes a repository with a working tree at dir/name holding three
// commits inside the test window.
func (h *hostileFixture) work(name string) string {
	repo := filepath.Join(h.dir, name)
	h.g.run(h.dir, "init", "-q", name)
	h.g.run(repo, "symbolic-ref", "HEAD", "refs/heads/main")
	h.g.commit(repo, "2026-11-17T09:00:00Z", "a.txt", "First")
	h.g.commit(repo, "2026-11-18T09:00:00Z", "b.txt", "Second")
	h.g.commit(repo, "2026-11-19T09:00:00Z", "a.txt", "Third")
	return repo
}

// bare makes a bare repository at dir/name (no .git path component, as one
// committed beside a configuration would be) from a work repository.
func (h *hostileFixture) bare(name string) string {
	src := h.work(name + "-src")
	h.g.run(h.dir, "clone", "-q", "--bare", src, name)
	if err := os.RemoveAll(src); err != nil {
		h.t().Fatal(err)
	}
	return filepath.Join(h.dir, name)
}

func (h *hostileFixture) t() testing.TB { return h.g.t }

// lazyFetch turns the bare repository into a partial clone of a promisor
// remote and deletes the parent of HEAD, so that git fetches it on demand
// through whatever the configuration says.
func (h *hostileFixture) lazyFetch(gitDir string, remoteURL string, settings ...string) {
	h.setConfig(gitDir, append([]string{
		"core.repositoryformatversion", "1",
		"extensions.partialClone", "origin",
		"remote.origin.url", remoteURL,
		"remote.origin.promisor", "true",
		"remote.origin.partialclonefilter", "blob:none",
	}, settings...)...)
	h.deleteObject(gitDir, "HEAD~1")
}

func (h *hostileFixture) setConfig(gitDir string, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		h.g.run(gitDir, "config", kv[i], kv[i+1])
	}
}

// deleteObject removes the loose object rev names.
func (h *hostileFixture) deleteObject(gitDir, rev string) {
	id := h.g.run(gitDir, "rev-parse", rev)
	dir := gitDir
	if st, err := os.Stat(filepath.Join(gitDir, ".git")); err == nil && st.IsDir() {
		dir = filepath.Join(gitDir, ".git")
	}
	p := filepath.Join(dir, "objects", id[:2], id[2:])
	if err := os.Remove(p); err != nil {
		h.t().Fatalf("the fixture's objects should be loose: %v", err)
	}
}

// load loads a configuration reading path with data "git_log", with attrs
// added to the block, and returns the rendered diagnostics.
func (h *hostileFixture) load(path, attrs string) string {
	t := h.t()
	if err := os.WriteFile(filepath.Join(h.dir, "main.rt.hcl"), []byte(header+`
data "git_log" "r" {
  path = "`+path+`"
  `+attrs+`
}

highlight "c" {
  for_each    = { for c in data.git_log.r.commits : c.hash => c }
  date        = each.value.date
  description = each.value.subject
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := spec.Load(context.Background(), h.dir, spec.LoadOptions{Now: testNow})
	var b strings.Builder
	if err := hcldiag.Render(&b, cfg.Files, diags, false); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestGitLogHostileRepositoryRunsNothing: a repository is as untrusted as
// the configuration beside it, and nothing it configures may make rtctl run
// a program. Each case arms one way git can be made to execute something
// and asserts the program never ran; those git log reached (a lazy fetch
// from a promisor remote) ran it before rtctl stopped running git.
func TestGitLogHostileRepositoryRunsNothing(t *testing.T) {
	tests := []struct {
		name string
		// arm builds the repository in h.dir and returns the path data
		// "git_log" reads.
		arm  func(h *hostileFixture) string
		want string // in the diagnostics; "" for none
	}{
		{"partial clone with uploadpack", func(h *hostileFixture) string {
			evil := h.bare("evil")
			h.lazyFetch(evil, filepath.Join(h.dir, "nowhere"), "remote.origin.uploadpack", "sh "+h.script+"; false")
			return "evil"
		}, "not in the repository"},
		{"partial clone with core.sshCommand", func(h *hostileFixture) string {
			evil := h.bare("evil")
			h.lazyFetch(evil, "ssh://git@example.invalid/x.git", "core.sshCommand", "sh "+h.script+"; false")
			return "evil"
		}, "not in the repository"},
		{"partial clone through include.path", func(h *hostileFixture) string {
			evil := h.bare("evil")
			inc := filepath.Join(h.dir, "inc.cfg")
			h.g.run(h.dir, "config", "--file", inc, "remote.origin.uploadpack", "sh "+h.script+"; false")
			h.lazyFetch(evil, filepath.Join(h.dir, "nowhere"), "include.path", inc)
			return "evil"
		}, "not in the repository"},
		{"partial clone through includeIf", func(h *hostileFixture) string {
			evil := h.bare("evil")
			inc := filepath.Join(h.dir, "inc.cfg")
			h.g.run(h.dir, "config", "--file", inc, "remote.origin.uploadpack", "sh "+h.script+"; false")
			h.lazyFetch(evil, filepath.Join(h.dir, "nowhere"), "includeIf.gitdir:/.path", inc)
			return "evil"
		}, "not in the repository"},
		{"gitfile to a hostile git directory", func(h *hostileFixture) string {
			evil := h.bare("evil.git")
			h.lazyFetch(evil, filepath.Join(h.dir, "nowhere"), "remote.origin.uploadpack", "sh "+h.script+"; false")
			if err := os.MkdirAll(filepath.Join(h.dir, "w"), 0o755); err != nil {
				h.t().Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(h.dir, "w", ".git"), []byte("gitdir: ../evil.git\n"), 0o644); err != nil {
				h.t().Fatal(err)
			}
			// safe.directory in a repository's own configuration is one
			// of the games: git ignores it there, and so does rtctl.
			h.setConfig(evil, "safe.directory", "*")
			return "w"
		}, "not in the repository"},
		{"core.fsmonitor", func(h *hostileFixture) string {
			repo := h.work("repo")
			h.setConfig(repo, "core.fsmonitor", h.script, "core.untrackedCache", "true")
			return "repo"
		}, ""},
		{"hooks", func(h *hostileFixture) string {
			repo := h.work("repo")
			for _, hook := range []string{"post-checkout", "reference-transaction", "post-index-change", "pre-auto-gc", "post-rewrite"} {
				if err := os.WriteFile(filepath.Join(repo, ".git", "hooks", hook), []byte("#!/bin/sh\nsh "+h.script+"\n"), 0o755); err != nil {
					h.t().Fatal(err)
				}
			}
			h.setConfig(repo, "core.hooksPath", filepath.Join(repo, ".git", "hooks"))
			return "repo"
		}, ""},
		{"diff.external", func(h *hostileFixture) string {
			repo := h.work("repo")
			h.setConfig(repo, "diff.external", h.script, "log.showSignature", "true")
			return "repo"
		}, ""},
		{"textconv driver", func(h *hostileFixture) string {
			repo := h.work("repo")
			if err := os.WriteFile(filepath.Join(repo, ".gitattributes"), []byte("* diff=evil\n"), 0o644); err != nil {
				h.t().Fatal(err)
			}
			h.g.commit(repo, "2026-11-19T10:00:00Z", ".gitattributes", "Attributes")
			h.setConfig(repo, "diff.evil.textconv", "sh "+h.script+";", "diff.evil.command", h.script)
			return "repo"
		}, ""},
		{"pager", func(h *hostileFixture) string {
			repo := h.work("repo")
			h.setConfig(repo, "core.pager", "sh "+h.script, "pager.log", "sh "+h.script)
			return "repo"
		}, ""},
		{"alias", func(h *hostileFixture) string {
			repo := h.work("repo")
			h.setConfig(repo, "alias.log", "!sh "+h.script)
			return "repo"
		}, ""},
		{"gpg.program with showSignature", func(h *hostileFixture) string {
			repo := h.work("repo")
			raw := h.g.run(repo, "cat-file", "commit", "HEAD")
			header, body, _ := strings.Cut(raw, "\n\n")
			signed := header + "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n\n" + body + "\n"
			f := filepath.Join(h.t().TempDir(), "c")
			if err := os.WriteFile(f, []byte(signed), 0o644); err != nil {
				h.t().Fatal(err)
			}
			id := h.g.run(repo, "hash-object", "-t", "commit", "-w", f)
			h.g.run(repo, "update-ref", "refs/heads/main", id)
			h.setConfig(repo, "log.showSignature", "true", "gpg.program", h.script, "gpg.format", "openpgp")
			return "repo"
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostileFixture(t)
			path := tc.arm(h)
			out := h.load(path, `window_start = "2026-11-01"`)
			if _, err := os.Stat(h.marker); err == nil {
				t.Fatalf("loading the configuration ran the repository's program\n%s", out)
			}
			if tc.want == "" && out != "" {
				t.Errorf("unexpected diagnostics:\n%s", out)
			}
			if tc.want != "" && !strings.Contains(strings.Join(strings.Fields(out), " "), tc.want) {
				t.Errorf("diagnostics lack %q:\n%s", tc.want, out)
			}
		})
	}
}

// fastImport fills a new repository in dir/name with commits on main, the
// message of commit i being msg(i) and its dates date(i), through git
// fast-import (thousands of commits in well under a second).
func (g *gitTool) fastImport(dir, name string, n int, date func(i int) time.Time, msg func(i int) string) string {
	g.t.Helper()
	repo := filepath.Join(dir, name)
	g.run(dir, "init", "-q", name)
	g.run(repo, "symbolic-ref", "HEAD", "refs/heads/main")
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		for i := range n {
			m := msg(i)
			ts := date(i).Unix()
			fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\nauthor Ann <ann@example.com> %d +0000\ncommitter Ann <ann@example.com> %d +0000\ndata %d\n%s\n", i+1, ts, ts, len(m), m)
			if i > 0 {
				fmt.Fprintf(w, "from :%d\n", i)
			}
			fmt.Fprintf(w, "M 644 inline f.txt\ndata %d\n%d\n\n", len(strconv.Itoa(i))+1, i)
		}
		w.Flush()
		pw.Close()
	}()
	cmd := exec.Command("git", "-C", repo, "fast-import", "--quiet")
	cmd.Env = g.env()
	cmd.Stdin = pr
	if out, err := cmd.CombinedOutput(); err != nil {
		g.t.Fatalf("git fast-import: %v\n%s", err, out)
	}
	return repo
}

// TestGitLogBounded: what a repository makes data "git_log" read is
// bounded. A commit larger than git-object-size is refused from its
// header, without inflating it (the 300 MB messages ran rtctl out
// of memory; RTCTL_HARDENING_FULL=1 builds one); the commits read together
// stop at git-log-size; and the walk stops at the window, so history
// before it is never read.
func TestGitLogBounded(t *testing.T) {
	g := newGitTool(t)
	big := 4 << 20
	if os.Getenv("RTCTL_HARDENING_FULL") != "" { // as pkg/spec's hardening tests
		big = 300 << 20
	}
	inWindow := func(i int) time.Time { return time.Date(2026, 11, 19, 9, 0, i, 0, time.UTC) }
	tests := []struct {
		name   string
		build  func(dir string) string
		limits spec.Limits
		limit  string // the spec.LimitExceeded wanted; "" for success
		want   int    // commits, on success
	}{
		{"huge message", func(dir string) string {
			return g.fastImport(dir, "repo", 3, inWindow, func(i int) string {
				if i == 1 {
					return "Huge\n\n" + strings.Repeat("x", big)
				}
				return fmt.Sprintf("Commit %d", i)
			})
		}, spec.Limits{}, "MaxGitObjectBytes", 0},
		{"many commits in the window", func(dir string) string {
			return g.fastImport(dir, "repo", 200, inWindow, func(i int) string {
				return fmt.Sprintf("Commit %d\n\n%s", i, strings.Repeat("body ", 200))
			})
		}, spec.Limits{MaxGitLogBytes: 64 << 10}, "MaxGitLogBytes", 0},
		{"long history before the window", func(dir string) string {
			return g.fastImport(dir, "repo", 20000, func(i int) time.Time {
				if i >= 19998 {
					return inWindow(i)
				}
				return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
			}, func(i int) string { return fmt.Sprintf("Commit %d", i) })
		}, spec.Limits{MaxGitLogBytes: 4 << 10}, "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			repo := tc.build(dir)
			r, err := gitlog.FindRepository(dir, filepath.Base(repo))
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			commits, err := gitlog.ReadGitLog(context.Background(), r, gitlog.GitLogQuery{
				Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Until: testNow,
			}, tc.limits.WithDefaults())
			runtime.ReadMemStats(&after)
			// The pack indexes of a large history take their share;
			// the huge message must not be read at all.
			if alloc := after.TotalAlloc - before.TotalAlloc; tc.name == "huge message" && alloc > uint64(big/4) {
				t.Errorf("reading allocated %d bytes for a %d-byte message", alloc, big)
			}
			if tc.limit == "" {
				if err != nil || len(commits) != tc.want {
					t.Fatalf("got %d commits, %v; want %d", len(commits), err, tc.want)
				}
				// 60,000 packed objects: git abbreviates to 8 digits.
				want := gitLogByGit(t, g, repo, gitlog.GitLogQuery{Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Until: testNow})
				if diff := cmp.Diff(want, commits, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" || len(commits[0].ShortHash) != 8 {
					t.Errorf("readGitLog differs from git log (-git +rtctl):\n%s", diff)
				}
				return
			}
			le, _ := limits.Extra(err).(*spec.LimitExceeded)
			if le == nil || le.Limit != tc.limit {
				t.Fatalf("got %v, want the limit %s", err, tc.limit)
			}
		})
	}
}

// The limit reaches the user as a diagnostic on the block with the limit's
// Extra, so the command line can say how to raise it.
func TestGitLogLimitDiagnostic(t *testing.T) {
	h := newHostileFixture(t)
	h.work("repo")
	if err := os.WriteFile(filepath.Join(h.dir, "main.rt.hcl"), []byte(header+`
data "git_log" "r" {
  path = "repo"
  window_start = "2026-11-01"
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := spec.Load(context.Background(), h.dir, spec.LoadOptions{Now: testNow, Limits: spec.Limits{MaxGitObjectBytes: 100}})
	if len(diags) != 1 {
		t.Fatalf("diagnostics: %v", diags)
	}
	le, _ := diags[0].Extra.(*spec.LimitExceeded)
	if le == nil || le.Limit != "MaxGitObjectBytes" || le.Value != 100 || limits.Name(le.Limit) != "git-object-size" ||
		!strings.Contains(diags[0].Detail, "more than the 100 bytes one commit or tree may have") || diags[0].Subject == nil {
		t.Errorf("diagnostic %+v (extra %+v)", diags[0], le)
	}
}

// TestGitLogLooseObjectLongerThanItsHeader: a loose object's header gives
// its size, which the limits check; one whose content runs on past it (a
// few bytes declared, megabytes of zeros that compress to nothing) is
// refused without being inflated, where go-git alone reads to the end.
func TestGitLogLooseObjectLongerThanItsHeader(t *testing.T) {
	h := newHostileFixture(t)
	repo := h.work("repo")
	id := h.g.run(repo, "rev-parse", "HEAD")
	content := h.g.run(repo, "cat-file", "commit", "HEAD") + "\n"
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	fmt.Fprintf(zw, "commit %d\x00%s", len(content), content)
	const padding = 16 << 20
	zw.Write(make([]byte, padding))
	zw.Close()
	p := filepath.Join(repo, ".git", "objects", id[:2], id[2:])
	os.Chmod(p, 0o644)
	if err := os.WriteFile(p, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := gitlog.FindRepository(h.dir, "repo")
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = gitlog.ReadGitLog(context.Background(), r, gitlog.GitLogQuery{Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Until: testNow}, spec.DefaultLimits())
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "longer than its header") {
		t.Errorf("err = %v, want the object refused", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > padding/4 {
		t.Errorf("reading allocated %d bytes", alloc)
	}
}
