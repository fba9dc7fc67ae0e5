package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rtctl/rtctl/pkg/journal"
)

// rememberedFingerprint is journal.Fingerprint for the rtctl processes the
// tests start, and for the tests that run rtctl in their own process:
// computed by the first that needs a credential's, and read back by the
// others from a directory beside the rtctl binary that testscript.Main set
// up for this run of the tests (and removes after it). The hash is slow by design, and under the race detector, where its
// loop runs instrumented, it took most of the suite's CPU time: about half
// a second in each of well over a thousand processes. What is remembered
// is what the real function returned, so every fingerprint is the one
// rtctl computes.
func rememberedFingerprint(secret string) string {
	dir, ok := fingerprintCache()
	if !ok {
		return journal.Fingerprint(secret)
	}
	sum := sha256.Sum256([]byte("rtctl tests: fingerprint of\x00" + secret))
	path := filepath.Join(dir, hex.EncodeToString(sum[:]))
	if b, err := os.ReadFile(path); err == nil && fingerprintForm.Match(b) {
		return string(b)
	}
	fp := journal.Fingerprint(secret)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fp
	}
	// Written aside and renamed, so that a process never reads half of it.
	tmp, err := os.CreateTemp(dir, "new-*")
	if err != nil {
		return fp
	}
	_, werr := tmp.WriteString(fp)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), path) != nil {
		_ = os.Remove(tmp.Name())
	}
	return fp
}

var fingerprintForm = regexp.MustCompile(`^[0-9a-f]{8}$`)

// fingerprintCache is the directory rememberedFingerprint keeps its
// results in: beside testscript's rtctl, which is this process or the
// first rtctl on its PATH. Anywhere else (an rtctl installed on the
// machine) it keeps none.
func fingerprintCache() (string, bool) {
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	if filepath.Base(exe) != "rtctl" {
		if exe, err = exec.LookPath("rtctl"); err != nil {
			return "", false
		}
	}
	bin := filepath.Dir(exe)
	if !strings.HasPrefix(filepath.Base(filepath.Dir(bin)), "testscript-main") {
		return "", false
	}
	return filepath.Join(bin, "fingerprints"), true
}
