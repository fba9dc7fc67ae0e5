package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckoutRemote reads a remote's URL from the checkout's .git/config
// as text, from a configuration directory below the checkout's top.
func TestCheckoutRemote(t *testing.T) {
	top := t.TempDir()
	cfg := `[core]
	repositoryformatversion = 0
	hooksPath = /evil
[remote "upstream"]
	url = https://example.com/upstream.git
[remote "origin"]
	url = git@github.com:you/config.git
	fetch = +refs/heads/*:refs/remotes/origin/*
[branch "main"]
	remote = origin
`
	if err := os.MkdirAll(filepath.Join(top, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(top, ".git", "config"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(top, "rescuetime")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want, err string }{
		{"origin", "git@github.com:you/config.git", ""},
		{"upstream", "https://example.com/upstream.git", ""},
		{"fork", "", `no remote "fork"`},
	} {
		got, err := checkoutRemote(dir, tc.name)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("checkoutRemote(%s) error = %v, want one saying %q", tc.name, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("checkoutRemote(%s) = %q, %v, want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := checkoutRemote(t.TempDir(), "origin"); err == nil || !strings.Contains(err.Error(), "not in a git checkout") {
		t.Errorf("outside a checkout: %v", err)
	}
}

// TestJournalCommandsFollowTheConfigurationsBackend: a configuration whose
// rtctl block asks for the git backend has its journal on the remote, so
// every command, not only plan and apply, must use that backend when
// neither --backend nor RTCTL_BACKEND chooses one; a journal command that
// used the local journal instead would confirm, adopt or forget in a
// journal no apply reads.
func TestJournalCommandsFollowTheConfigurationsBackend(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte("rtctl {\n  backend = \"git\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		kind string
		want string
	}{
		{"the configuration's", "", "git"},
		{"the flag's over the configuration's", "local", "local"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{StateDir: t.TempDir()}
			if err := o.ChooseBackend(dir, BackendChoice{Kind: tc.kind, From: "--backend", Remote: "http://127.0.0.1:1/config.git"}); err != nil {
				t.Fatal(err)
			}
			got := "local"
			if o.Backend != nil {
				got = o.Backend.Kind()
			}
			if got != tc.want {
				t.Errorf("backend %q, want %q", got, tc.want)
			}
		})
	}
	// A kind rtctl does not have is left to the loader, whose diagnostic
	// says where it is written.
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "main.rt.hcl"), []byte("rtctl {\n  backend = \"s3\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := Options{StateDir: t.TempDir()}
	if err := o.ChooseBackend(bad, BackendChoice{}); err != nil {
		t.Errorf("an unknown backend in the configuration failed before loading it: %v", err)
	}
}
