package workspace

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// TestImportsNoEmulator: the operation layer runs the sandbox through the
// opener the program wires in (Options.Sandbox), so that its production
// code carries neither the emulator nor net/http/httptest; only its tests
// may import them.
func TestImportsNoEmulator(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the imports: %v", err)
	}
	out, err := exec.Command(gotool, "list", "-deps", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed only %q", deps)
	}
	for _, d := range deps {
		if d == "net/http/httptest" || strings.HasSuffix(d, "/pkg/rtapi/emulator") || strings.Contains(d, "/pkg/rtapi/emulator/") {
			t.Errorf("pkg/workspace depends on %s outside its tests", d)
		}
	}
}

// TestModelNamesMatchEmulator: doctor's ModelGuess.Flags spells the
// emulator's settings without importing it; they must stay the emulator's.
func TestModelNamesMatchEmulator(t *testing.T) {
	for got, want := range map[string]string{
		emuSyncDelay:     emulator.SettingSyncDelay,
		emuOfflineReport: emulator.SettingOfflineReport,
		emuHighlightsCap: emulator.SettingHighlightsCap,
		offlineAsPosted:  string(emulator.OfflineAsPosted),
		offlineOtherName: string(emulator.OfflineOtherName),
		offlineHidden:    string(emulator.OfflineHidden),
	} {
		if got != want {
			t.Errorf("doctor spells %q where the emulator has %q", got, want)
		}
	}
}
