package logging

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRedactsKnownSecretsEverywhere(t *testing.T) {
	var stderr bytes.Buffer
	red := &Redactor{}
	red.Add("s3cr3t-key", "ab") // "ab" is too short to be redacted safely
	path := filepath.Join(t.TempDir(), "debug.log")
	log, closer, err := New(Options{Stderr: &stderr, Verbose: true, Level: "debug", Path: path}, red)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("calling with s3cr3t-key", slog.String("url", "https://x/?key=s3cr3t-key"), slog.Int("n", 1))
	log.Debug("detail", slog.String("err", "failed for s3cr3t-key"))
	if err := closer(); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"stderr": stderr.String(), "log file": string(file)} {
		if strings.Contains(got, "s3cr3t-key") {
			t.Errorf("%s holds the secret: %q", name, got)
		}
	}
	if want := "Note: calling with REDACTED\n"; stderr.String() != want {
		t.Errorf("stderr %q, want only the sentence %q", stderr.String(), want)
	}
	if !strings.Contains(string(file), `level=DEBUG msg=detail err="failed for REDACTED"`) {
		t.Errorf("log file %q lacks the debug record", file)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", st.Mode().Perm())
	}
}

func TestQuietByDefault(t *testing.T) {
	var stderr bytes.Buffer
	log, _, err := New(Options{Stderr: &stderr}, &Redactor{})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("retrying")
	log.Warn("the journal is old")
	if got := stderr.String(); got != "Warning: the journal is old\n" {
		t.Errorf("stderr %q, want only the warning", got)
	}
}

func TestRedactingWriter(t *testing.T) {
	red := &Redactor{}
	var out bytes.Buffer
	w := red.Writer(&out)
	w.Write([]byte("before the key is known: s3cr3t-key\n"))
	red.Add("s3cr3t-key")
	w.Write([]byte("whole: s3cr3t-key; split: s3cr"))
	w.Write([]byte("3t-key; a prefix only: s3c"))
	w.Write([]byte("ret, not the key\n"))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "before the key is known: s3cr3t-key\nwhole: REDACTED; split: REDACTED; a prefix only: s3cret, not the key\n"
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}

// Issue 20 item 9: a long key is removed in another case and by its
// pieces too, also when a piece is split across writes; ordinary text
// passes as it is.
func TestRedactingWriterKeyVariants(t *testing.T) {
	const key = "B63nXq0aZ7LmPe4RtY9uWs2DkHf5Jc1Vg8"
	red := &Redactor{}
	red.Add(key)
	var out bytes.Buffer
	w := red.Writer(&out)
	w.Write([]byte("upper " + strings.ToUpper(key) + "\n"))
	w.Write([]byte("lower " + strings.ToLower(key) + "\n"))
	w.Write([]byte("chunks " + key[0:8] + " " + key[8:16] + "\n"))
	w.Write([]byte("split " + key[20:24]))
	w.Write([]byte(key[24:28] + " end\n"))
	w.Write([]byte("Shipped the release notes on Friday.\n"))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "upper REDACTED\nlower REDACTED\nchunks REDACTED REDACTED\nsplit REDACTED end\nShipped the release notes on Friday.\n"
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}
