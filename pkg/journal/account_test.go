package journal

import (
	"strings"
	"testing"
)

// TestFingerprintHidesTheKey checks that a fingerprint tells keys apart
// and gives nothing of the key away: it contains no part of it, is short,
// and the same for the same key only.
func TestFingerprintHidesTheKey(t *testing.T) {
	keys := []string{
		"B63yH0rNcXzq1_Lm8Tx2Vw5eJk7AaPq9Rs4Du6Gf3Hi",
		"B63yH0rNcXzq1_Lm8Tx2Vw5eJk7AaPq9Rs4Du6Gf3Hj", // one character apart
		"0000000000000000000000000000000000000000",
		"a",
		"sandbox-key",
	}
	seen := map[string]string{}
	for _, k := range keys {
		fp := Fingerprint(k)
		if fp != Fingerprint(k) {
			t.Fatalf("Fingerprint(%q) is not stable", k)
		}
		if len(fp) != 8 || strings.Trim(fp, "0123456789abcdef") != "" {
			t.Errorf("Fingerprint(%q) = %q, want 8 hex digits", k, fp)
		}
		if prev, dup := seen[fp]; dup {
			t.Errorf("%q and %q share the fingerprint %s", prev, k, fp)
		}
		seen[fp] = k
		// No run of 4 characters of the key appears in the fingerprint,
		// nor the fingerprint in the key.
		for i := 0; i+4 <= len(k); i++ {
			if strings.Contains(fp, k[i:i+4]) {
				t.Errorf("Fingerprint(%q) = %q contains %q of the key", k, fp, k[i:i+4])
			}
		}
		if strings.Contains(k, fp) {
			t.Errorf("the key %q contains its fingerprint", k)
		}
	}
}

func TestNormalizeEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.rescuetime.com":    "https://www.rescuetime.com",
		"https://WWW.RescueTime.com/":   "https://www.rescuetime.com",
		" http://127.0.0.1:8080/base/ ": "http://127.0.0.1:8080/base",
		"sandbox":                       "sandbox",
	} {
		if got := NormalizeEndpoint(in); got != want {
			t.Errorf("NormalizeEndpoint(%q) = %q, want %q", in, got, want)
		}
	}
}
