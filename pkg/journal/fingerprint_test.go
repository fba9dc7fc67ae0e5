package journal

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestFingerprintUnchanged pins fingerprints as journals already hold
// them: a change would make every bound journal refuse its own account.
func TestFingerprintUnchanged(t *testing.T) {
	for key, want := range map[string]string{
		"test-key":                    "986f87ff",
		"c4n4ry-k3y-0123456789abcdef": "2f0b843c",
		"":                            "3c5f1bc7",
	} {
		if got := Fingerprint(key); got != want {
			t.Errorf("Fingerprint(%q) = %q, want %q", key, got, want)
		}
	}
}

// fipsChildEnv marks the run of this test binary that
// TestFingerprintUnderFIPS140Only starts.
const fipsChildEnv = "RTCTL_TEST_FIPS140_CHILD"

// TestFingerprintUnderFIPS140Only computes a fingerprint in a process
// running with GODEBUG=fips140=only (the setting is read at start-up, so it
// takes a process of its own), where PBKDF2 refuses outputs shorter than
// 112 bits: Fingerprint panicked there.
func TestFingerprintUnderFIPS140Only(t *testing.T) {
	if os.Getenv(fipsChildEnv) == "1" {
		// Written to stdout for the parent to compare.
		os.Stdout.WriteString("fingerprint=" + Fingerprint("test-key") + "\n")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFingerprintUnderFIPS140Only$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GODEBUG=fips140=only", fipsChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("under GODEBUG=fips140=only: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "fingerprint=986f87ff\n") {
		t.Fatalf("under GODEBUG=fips140=only the fingerprint differs:\n%s", out)
	}
}
