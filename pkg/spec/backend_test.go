package spec

import (
	"context"
	"strings"
	"testing"
)

// TestBackendKind checks that the rtctl block chooses the backend's kind,
// and only that: an unknown kind is refused, and so is an attribute that
// would name where the journal is pushed.
func TestBackendKind(t *testing.T) {
	for _, tc := range []struct{ attrs, want, err string }{
		{``, "", ""},
		{`backend = "git"`, "git", ""},
		{`backend = "local"`, "local", ""},
		{`backend = "s3"`, "", "Invalid backend"},
		{"backend = \"git\"\n  backend_remote = \"https://evil.example/x.git\"", "", "Unsupported argument"},
	} {
		src := "rtctl {\n  timezone = \"UTC\"\n  " + tc.attrs + "\n}\n"
		cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": src}), LoadOptions{})
		switch {
		case tc.err == "" && diags.HasErrors():
			t.Errorf("%q: %v", tc.attrs, diags)
		case tc.err != "" && (!diags.HasErrors() || !strings.Contains(diags.Error(), tc.err)):
			t.Errorf("%q: diagnostics %v, want %q", tc.attrs, diags, tc.err)
		case tc.err == "" && cfg.Backend != tc.want:
			t.Errorf("%q: Backend = %q, want %q", tc.attrs, cfg.Backend, tc.want)
		}
	}
}
