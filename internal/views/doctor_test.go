package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/workspace"
)

// TestWriteDoctorText: one line per check, its mark first, what to do
// under it; text from the server cannot steer the terminal.
func TestWriteDoctorText(t *testing.T) {
	r := &workspace.DoctorReport{Target: "https://www.rescuetime.com with an API key", Backend: "RescueTime",
		Checks: []workspace.Check{
			{Name: "credentials", Status: workspace.CheckOK, Finding: "an API key works"},
			{Name: "time zone", Status: workspace.CheckFail, Finding: "off by \x1b[2Jan hour", Do: "set rtctl.timezone"},
			{Name: "model", Status: workspace.CheckUnknown, Finding: "not demonstrated yet"},
		}}
	var b bytes.Buffer
	if err := WriteDoctorText(&b, r); err != nil {
		t.Fatal(err)
	}
	want := `Account: https://www.rescuetime.com with an API key
Answered by: RescueTime

ok    credentials  an API key works
FAIL  time zone    off by  [2Jan hour
                   -> set rtctl.timezone
??    model        not demonstrated yet

1 problem(s) found.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Error("an escape sequence reached the output")
	}
}
