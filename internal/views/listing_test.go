package views

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// hostile is text an account or a server could hold: it clears the
// screen, retitles the terminal, rings the bell, returns to the start of
// the line, starts a CSI with the C1 character and reverses what follows.
const hostile = "ok\x1b[2J\x1b]0;PWN\a\r\u009b31m\u202ecod.exe\xff"

// hostileShown is hostile as CSV shows it; the table shows the carriage
// return as a space, as it does all white space.
const hostileShown = `ok\x1b[2J\x1b]0;PWN\a\r\u009b31m\u202ecod.exe\xff`

// assertNoRawControls fails when out holds a byte or a character a
// terminal would act on.
func assertNoRawControls(t *testing.T, what string, out []byte) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\a", "\r", "\u009b", "\u202e", "\xff"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("%s holds %q raw:\n%s", what, bad, out)
		}
	}
}

func TestListingEscapesTextFromOutside(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	data, err := rtapi.ParseAnalyticData([]byte(`{"row_headers":["Rank","Time Spent (seconds)","Activity","Doc\u001b[2J"],"rows":[[1,60,`+
		mustJSON(t, hostile)+`,"x"]]}`), rtapi.FormatJSON, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		l    Listing
	}{
		{"highlights", HighlightsListing([]rtapi.Highlight{{ID: 1, Date: at, Description: hostile, CreatedAt: at}})},
		{"alerts", AlertsListing([]rtapi.Alert{{ID: 1, AlertID: 2, Description: hostile, CreatedAt: at}})},
		{"alert definitions", AlertDefinitionsListing([]rtapi.AlertDefinition{{ID: 1, Description: hostile, Amount: 2}})},
		{"data", DataListing(data)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []string{OutputTable, OutputCSV} {
				var out bytes.Buffer
				if err := tc.l.Write(&out, format); err != nil {
					t.Fatal(err)
				}
				assertNoRawControls(t, format, out.Bytes())
				want := hostileShown
				if format == OutputTable {
					want = strings.Replace(want, `\r`, " ", 1)
				}
				if tc.name == "data" {
					// Read from JSON, where the lone byte became U+FFFD.
					want = strings.Replace(want, `\xff`, "\ufffd", 1)
				}
				if !strings.Contains(out.String(), want) {
					t.Errorf("%s does not show the text escaped (%s):\n%s", format, want, out.String())
				}
			}
			// JSON keeps the exact value: its encoding escapes controls.
			var out bytes.Buffer
			if err := tc.l.Write(&out, OutputJSON); err != nil {
				t.Fatal(err)
			}
			assertNoRawControls(t, "json", bytes.ReplaceAll(out.Bytes(), []byte("\xff"), nil))
			if !strings.Contains(out.String(), `ok\u001b[2J\u001b]0;PWN\u0007\r\u009b31m`) {
				t.Errorf("json does not keep the exact value:\n%s", out.String())
			}
		})
	}
}

// TestListingCSVDefusesFormulas: a spreadsheet opening the CSV would run
// a cell that starts with =, +, - or @ as a formula. Such a cell gets a
// leading apostrophe, which spreadsheets show as text; numbers, negative
// ones included, are left alone.
func TestListingCSVDefusesFormulas(t *testing.T) {
	l := Listing{Columns: []string{"a", "b"}, Rows: [][]string{
		{"=HYPERLINK(\"http://x\")", "+1+1"},
		{"-2", "-1.5"},
		{"@SUM(A1)", "- list item"},
		{"plain = text", "1e3"},
	}}
	var out bytes.Buffer
	if err := l.Write(&out, OutputCSV); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"a", "b"},
		{"'=HYPERLINK(\"http://x\")", "'+1+1"},
		{"-2", "-1.5"},
		{"'@SUM(A1)", "'- list item"},
		{"plain = text", "1e3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSV cells (-want +got):\n%s", diff)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
