package spec

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// plainKey is a credential that does not look like an API key (no upper
// case), so only what Load is told about it can keep it out.
const plainKey = "plain-secret-value-0001-lowercase"

// A configuration is untrusted input: in CI, a pull request that changes it
// is planned with the account's key in the environment, and the plan is
// posted as a comment. env("RESCUETIME_API_KEY") was refused, but file()
// read /proc/self/environ, the --api-key-file, or anything a symbolic link
// pointed at, and the key ended up in the plan. Now only regular files
// inside the configuration directory (or a directory allowed in
// LoadOptions.ReadDirs) can be read, never a credential file however it is
// reached, never a file holding a known secret; and a known secret reaching
// posted text any other way is an error.
func TestConfigurationCannotReadCredentials(t *testing.T) {
	t.Setenv("RESCUETIME_API_KEY", plainKey)
	// Not t.TempDir(): its name, the test's followed by digits, looks like
	// an API key to checkSecrets.
	outside, err := os.MkdirTemp("", "rtctl-outside-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(outside) })
	keyFile := filepath.Join(outside, "api-key")
	writeFile(t, keyFile, plainKey+"\n")
	writeFile(t, filepath.Join(outside, "notes.txt"), "Shipped")
	writeFile(t, filepath.Join(outside, "cal.ics"), testICS)

	const header = `rtctl { timezone = "UTC" }
variable "note" {
  type    = string
  default = "x"
}
`
	highlight := func(desc string) string {
		return header + "highlight \"h\" {\n  date        = \"2026-11-20\"\n  description = " + desc + "\n}\n"
	}
	ical := func(path string) string {
		return header + `data "ical" "c" {
  path         = "` + path + `"
  window_start = "2026-11-20"
  window_end   = "2026-11-21"
}
highlight "h" {
  for_each    = { for e in data.ical.c.events : e.key => e }
  date        = "2026-11-20"
  description = each.value.summary
}
`
	}
	secretOpts := LoadOptions{Secrets: []string{plainKey}, SecretFiles: []string{keyFile}}
	tests := []struct {
		name  string
		src   string
		setup func(t *testing.T, dir string)
		opts  LoadOptions
		want  string // in the rendered diagnostics; "" means none
	}{
		{name: "proc environ", src: highlight(`file("/proc/self/environ")`),
			want: "outside the configuration directory"},
		{name: "proc environ, relative", src: highlight(`file("../../../../../../../../../proc/self/environ")`),
			want: "outside the configuration directory"},
		{name: "key file by absolute path", src: highlight(`file("` + keyFile + `")`),
			want: "outside the configuration directory"},
		{name: "parent directory", src: highlight(`file("../notes.txt")`),
			setup: func(t *testing.T, dir string) { writeFile(t, filepath.Join(filepath.Dir(dir), "notes.txt"), "x") },
			want:  "outside the configuration directory"},
		{name: "symbolic link to the key file", src: highlight(`file("key")`),
			setup: func(t *testing.T, dir string) { symlink(t, keyFile, filepath.Join(dir, "key")) },
			want:  "outside the configuration directory"},
		{name: "symbolic link to a directory outside", src: highlight(`file("out/api-key")`),
			setup: func(t *testing.T, dir string) { symlink(t, outside, filepath.Join(dir, "out")) },
			want:  "outside the configuration directory"},
		{name: "symbolic link to proc", src: highlight(`file("p/self/environ")`),
			setup: func(t *testing.T, dir string) { symlink(t, "/proc", filepath.Join(dir, "p")) },
			want:  "outside the configuration directory"},
		{name: "device", src: highlight(`file("/dev/stdin")`),
			want: "outside the configuration directory"},
		{name: "hard link to the key file", src: highlight(`file("key")`), opts: secretOpts,
			setup: func(t *testing.T, dir string) { hardlink(t, keyFile, filepath.Join(dir, "key")) },
			want:  "is a credential file"},
		{name: "credential file inside the directory", src: highlight(`file("creds/key")`),
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "creds", "key"), "another-secret-value")
			},
			opts: LoadOptions{SecretFiles: []string{"CONFIG/creds/key"}},
			want: "is a credential file"},
		{name: "file holding a known secret", src: highlight(`file("notes.txt")`), opts: secretOpts,
			setup: func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "notes.txt"), "key: "+plainKey) },
			want:  "holds one of rtctl's credentials"},
		{name: "allowed directory", src: highlight(`file("` + filepath.Join(outside, "notes.txt") + `")`),
			opts: LoadOptions{ReadDirs: []string{outside}}},
		{name: "credential file in an allowed directory", src: highlight(`file("` + keyFile + `")`),
			opts: LoadOptions{ReadDirs: []string{outside}, SecretFiles: []string{keyFile}},
			want: "is a credential file"},
		{name: "secret through a variable", src: highlight(`"note: ${var.note}"`),
			opts: LoadOptions{Vars: map[string]string{"note": plainKey}, Secrets: []string{plainKey}},
			want: "Credential in value"},
		{name: "secret through a variable into an address",
			src: header + `highlight "h" {
  for_each    = toset([var.note])
  date        = "2026-11-20"
  description = "x"
}
`,
			opts: LoadOptions{Vars: map[string]string{"note": plainKey}, Secrets: []string{plainKey}},
			want: "Credential in for_each key"},
		{name: "secret quoted in an error", src: highlight(`tonumber(var.note)`),
			opts: LoadOptions{Vars: map[string]string{"note": plainKey}, Secrets: []string{plainKey}},
			want: `cannot convert "(secret)" to number`},
		{name: "secret sent in a calendar address",
			src: header + `data "ical" "c" {
  url          = "https://calendar.example/?k=${var.note}"
  window_start = "2026-11-20"
  window_end   = "2026-11-21"
}
`,
			opts: LoadOptions{Vars: map[string]string{"note": plainKey}, Secrets: []string{plainKey}, HTTPClient: noNetwork},
			want: "Credential in data source"},
		{name: "calendar in proc", src: ical("/proc/self/environ"),
			want: "outside the configuration directory"},
		{name: "calendar through a symbolic link", src: ical("cal.ics"),
			setup: func(t *testing.T, dir string) {
				symlink(t, filepath.Join(outside, "cal.ics"), filepath.Join(dir, "cal.ics"))
			},
			want: "outside the configuration directory"},
		{name: "calendar in an allowed directory", src: ical(filepath.Join(outside, "cal.ics")),
			opts: LoadOptions{ReadDirs: []string{outside}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "a", "config")
			writeFile(t, filepath.Join(dir, "main.rt.hcl"), tt.src)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			opts := tt.opts
			opts.Getenv = func(k string) string { return map[string]string{"RESCUETIME_API_KEY": plainKey}[k] }
			for i, p := range opts.SecretFiles {
				opts.SecretFiles[i] = strings.Replace(p, "CONFIG", dir, 1)
			}
			cfg, diags := Load(context.Background(), dir, opts)
			text, js := render(t, cfg, diags)
			switch {
			case tt.want == "" && len(diags) > 0:
				t.Errorf("unexpected diagnostics:\n%s", text)
			case tt.want != "" && (!diags.HasErrors() || !strings.Contains(flat(text), tt.want)):
				t.Errorf("want an error saying %q, got:\n%s", tt.want, text)
			}
			if strings.Contains(text, plainKey) || strings.Contains(js, plainKey) {
				t.Errorf("the key is shown:\n%s", text)
			}
			for _, h := range cfg.Highlights {
				if strings.Contains(h.Description, plainKey) || strings.Contains(h.Address, plainKey) {
					t.Errorf("the key reached %s: %q", h.Address, h.Description)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func hardlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Link(target, link); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
}

// noNetwork is an HTTP client that fails every request: tests never reach
// the internet, even when what they check fails.
var noNetwork = &http.Client{Transport: failingTransport{}}

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("tests may not use the network")
}
