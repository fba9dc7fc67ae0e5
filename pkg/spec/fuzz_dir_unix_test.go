//go:build unix

package spec

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

// Limits of what one FuzzConfigDir input builds, to keep its pace.
const (
	fuzzDirMaxEntries = 32
	fuzzDirMaxPath    = 120
)

// fuzzDirDeadline bounds one load: they take milliseconds, and one that
// takes this long is blocked (on a named pipe, a device).
const fuzzDirDeadline = 20 * time.Second

// FuzzConfigDir builds a configuration directory from the input and loads
// it. The directory arrives in pull requests, so whatever it holds, Load
// must return, without panicking or blocking, and nothing it returns
// (diagnostics rendered with their snippets, the JSON report, the files
// kept for rendering, the items) may hold the content of a file outside
// the directory: a canary, random in each fuzzing process so that no input
// can carry it, is in a file beside the directory and in a configuration
// file of a directory beside it; /proc/self/environ shows the environment
// the process started with, which a test cannot add to, so there the mark
// is the PATH entry as the file holds it ("PATH=..."). (A configuration
// could write that text itself with "PATH=${env("PATH")}", which the
// fuzzer does not find; once env() values are marked sensitive it cannot.)
//
// The input is a txtar archive, one entry a file of the directory:
//
//	-- NAME --          a regular file holding the entry's data
//	-- NAME -> TARGET -- a symbolic link; in TARGET, $OUT is the directory
//	                      beside it that holds the canary
//	-- NAME | --        a named pipe
//	-- NAME/ --         a directory
//
// NAME is relative to the configuration directory; directories on its way
// are made.
func FuzzConfigDir(f *testing.F) {
	const settings = "rtctl {\n  timezone = \"UTC\"\n}\n"
	const decl = "variable \"v\" {\n  default = \"\"\n}\n"
	highlight := func(expr string) string {
		return "highlight \"h\" {\n  date        = \"2026-11-20\"\n  description = " + expr + "\n}\n"
	}
	ical := func(path string) string {
		return "data \"ical\" \"c\" {\n  path         = \"" + path + "\"\n  window_start = \"2026-11-20\"\n  window_end   = \"2026-11-21\"\n}\n"
	}
	seeds := [][]txtar.File{
		// The reproductions of issue 20.
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "x.rtvars.hcl -> /proc/self/environ"}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "y.rt.hcl -> /proc/self/environ"}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "e.rt.hcl -> ../outside/secret.env"}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "e.rt.hcl -> $OUT/secret.env"}},
		{{Name: "main.rt.hcl", Data: []byte(settings + decl)}, {Name: "v.rtvars.hcl -> $OUT/secret.env"}},
		// Links out through a directory, and chains.
		{{Name: "main.rt.hcl", Data: []byte(settings + highlight(`file("out/secret.env")`))}, {Name: "out -> $OUT"}},
		{{Name: "main.rt.hcl", Data: []byte(settings + highlight(`file("a")`))}, {Name: "a -> b"}, {Name: "b -> sub/c"}, {Name: "sub/c -> ../../outside/secret.env"}},
		{{Name: "main.rt.hcl", Data: []byte(settings + highlight(`file("../outside/secret.env")`))}},
		{{Name: "main.rt.hcl", Data: []byte(settings + highlight(`file("/proc/self/environ")`))}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "other.rt.hcl -> $OUT/other.rt.hcl"}},
		{{Name: "main.rt.hcl", Data: []byte(settings + ical("cal.ics"))}, {Name: "cal.ics -> $OUT/secret.env"}},
		{{Name: "main.rt.hcl", Data: []byte(settings + ical("sub/cal.ics"))}, {Name: "sub -> $OUT"}},
		// Special files, loops, directories named as configuration.
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "fifo.rt.hcl |"}},
		{{Name: "main.rt.hcl", Data: []byte(settings + decl)}, {Name: "fifo.rtvars.hcl |"}},
		{{Name: "main.rt.hcl", Data: []byte(settings + highlight(`file("p")`))}, {Name: "p |"}},
		{{Name: "main.rt.hcl", Data: []byte(settings + ical("p.ics"))}, {Name: "p.ics |"}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "l.rt.hcl -> p"}, {Name: "p |"}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "z.rt.hcl -> /dev/zero"}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "loop.rt.hcl -> loop.rt.hcl"}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "d.rt.hcl/"}, {Name: "dot.rt.hcl -> ."}},
		{{Name: "main.rt.hcl", Data: []byte(settings)}, {Name: "n/e/s/t/x.rt.hcl", Data: []byte("x = 1\n")}, {Name: "in.rtvars.hcl -> n/e/s/t/x.rt.hcl"}},
		// Links that stay inside are read.
		{{Name: "real/main.hcl", Data: []byte(settings + highlight(`"ok"`))}, {Name: "main.rt.hcl -> real/main.hcl"}},
	}
	for _, s := range seeds {
		f.Add(txtar.Format(&txtar.Archive{Files: s}))
	}
	canary := randomCanary(f)
	environ := environMarker()

	f.Fuzz(func(t *testing.T, input []byte) {
		root := t.TempDir()
		outside := filepath.Join(root, "outside")
		dir := filepath.Join(root, "conf")
		for path, content := range map[string]string{
			filepath.Join(outside, "secret.env"):   "SECRET = \"" + canary + "\"\n" + canary + "\n",
			filepath.Join(outside, "other.rt.hcl"): "locals {\n  secret = \"" + canary + "\"\n}\nsecret = 1\n",
		} {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		buildFuzzDir(t, dir, outside, parseFuzzArchive(input))

		ctx, cancel := context.WithTimeout(context.Background(), fuzzDirDeadline)
		defer cancel()
		type result struct {
			cfg *Config
			out string
		}
		done := make(chan result, 1)
		go func() {
			cfg, diags := Load(ctx, dir, LoadOptions{Limits: fuzzLimits, Now: time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)})
			var b strings.Builder
			if err := hcldiag.Render(&b, cfg.Files, diags, false); err != nil {
				t.Error(err)
			}
			fmt.Fprintf(&b, "%+v\n", hcldiag.NewReport(diags))
			for name, file := range cfg.Files {
				fmt.Fprintf(&b, "%s\n%s\n", name, file.Bytes)
			}
			fmt.Fprintf(&b, "%+v\n%+v\n%+v\n%+v\n", cfg.OfflineTimes, cfg.Highlights, cfg.FocusSessions, cfg.Sources)
			done <- result{cfg, b.String()}
		}()
		select {
		case r := <-done:
			if strings.Contains(r.out, canary) {
				t.Fatalf("the content of a file outside the configuration directory is shown:\n%s", r.out)
			}
			if environ != "" && strings.Contains(r.out, environ) {
				t.Fatalf("the process's environment is shown:\n%s", r.out)
			}
		case <-ctx.Done():
			unblockFifos(dir)
			<-done
			t.Fatal("Load blocked")
		}
	})
}

// randomCanary is a secret no fuzzing input can hold.
func randomCanary(tb testing.TB) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return "c4n4ry-" + hex.EncodeToString(b)
}

// environMarker is the PATH entry of /proc/self/environ, or "" where
// there is none.
func environMarker() string {
	b, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		return ""
	}
	for _, e := range strings.Split(string(b), "\x00") {
		if strings.HasPrefix(e, "PATH=") && len(e) > len("PATH=")+4 {
			return e
		}
	}
	return ""
}

// parseFuzzArchive reads a txtar archive. Not txtar.Parse: go-internal
// v1.16.0's panics on a marker line without a name ("-- --").
func parseFuzzArchive(data []byte) []txtar.File {
	var files []txtar.File
	for _, line := range strings.SplitAfter(string(data), "\n") {
		marker := strings.TrimSuffix(line, "\n")
		if len(marker) >= len("-- x --") && strings.HasPrefix(marker, "-- ") && strings.HasSuffix(marker, " --") {
			files = append(files, txtar.File{Name: strings.TrimSpace(marker[3 : len(marker)-3])})
			continue
		}
		if len(files) > 0 {
			last := &files[len(files)-1]
			last.Data = append(last.Data, line...)
		}
	}
	return files
}

// buildFuzzDir makes files in dir (see FuzzConfigDir); names that would
// leave dir, and entries that cannot be made, are skipped.
func buildFuzzDir(t *testing.T, dir, outside string, files []txtar.File) {
	for i, file := range files {
		if i == fuzzDirMaxEntries {
			return
		}
		name, target, isLink := strings.Cut(file.Name, " -> ")
		kind := ""
		switch {
		case isLink:
			kind = "link"
		case strings.HasSuffix(name, " |"):
			kind, name = "fifo", strings.TrimSuffix(name, " |")
		case strings.HasSuffix(name, "/"):
			kind = "dir"
		}
		name = strings.TrimSpace(name)
		if name == "" || len(name) > fuzzDirMaxPath || filepath.IsAbs(name) || !filepath.IsLocal(name) {
			continue
		}
		path := filepath.Join(dir, name)
		if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
			continue
		}
		switch kind {
		case "link":
			target = strings.ReplaceAll(strings.TrimSpace(target), "$OUT", outside)
			_ = os.Symlink(target, path)
		case "fifo":
			_ = syscall.Mkfifo(path, 0o600)
		case "dir":
			_ = os.MkdirAll(path, 0o755)
		default:
			_ = os.WriteFile(path, file.Data, 0o600)
		}
	}
}

// unblockFifos opens every named pipe under dir for writing once, so that
// an open blocked on one returns.
func unblockFifos(dir string) {
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type()&os.ModeNamedPipe != 0 {
			if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		}
		return nil
	})
}
