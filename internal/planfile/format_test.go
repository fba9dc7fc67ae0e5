package planfile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// testPlan has an action of every kind and every field set.
func testPlan(t testing.TB) *plan.Plan {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, berlin) }
	return &plan.Plan{
		Now: at(19), Location: berlin, Lookback: 14 * 24 * time.Hour, WindowStart: at(19).Add(-14 * 24 * time.Hour),
		Warnings: []string{"w"}, JournalDoubt: "a lost journal",
		Actions: []plan.Action{
			{Address: "offline_time.a", Kind: plan.KindOffline, Status: plan.Create, Reason: "r", Key: "k1", Origin: "main.rt.hcl:1",
				Offline: &plan.Offline{Start: at(9), End: at(10), Activity: "A", Details: "d", Chunk: 1, Chunks: 2, Note: "n"},
				Request: &rtapi.Request{Method: "POST", Endpoint: "offline_time_post", Query: map[string][]string{"q": {"1"}}, Body: json.RawMessage(`{"a":1}`)}},
			{Address: "highlight.b", Kind: plan.KindHighlight, Status: plan.Uncertain, Key: "k2", SettlesAt: at(20),
				Highlight: &plan.Highlight{Date: "2026-11-20", Description: "B", Source: "s"}},
			{Address: "highlight.c", Kind: plan.KindHighlight, Status: plan.Held, Key: "k4",
				Highlight: &plan.Highlight{Date: "2026-11-20", Description: "C2"},
				Previous:  &plan.Previous{Address: "highlight.c", Key: "k5", At: at(8), Uncertain: true, Highlight: &plan.Highlight{Date: "2026-11-20", Description: "C"}}},
			{Address: "focus_session.f", Kind: plan.KindFocusStart, Status: plan.Create, Key: "k6",
				Focus: &plan.Focus{WindowStart: at(9), WindowEnd: at(11), Minutes: 90}},
			{Address: "focus_end.x", Kind: plan.KindFocusEnd, Status: plan.Orphaned, Key: "k3", Focus: &plan.Focus{SessionStart: at(8)}},
		},
	}
}

var planCmp = cmp.Options{
	cmpopts.IgnoreUnexported(plan.Action{}),
	// What a plan saw feeds show is not kept: applying a saved plan plans
	// again under the lock, and the journal records what that plan saw.
	cmpopts.IgnoreFields(plan.Plan{}, "Evidence"),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() }),
}

// writeTest saves p beside a configuration and returns the file's path.
func writeTest(t *testing.T, p *plan.Plan) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "x.plan")
	meta := Meta{ConfigDir: dir, ConfigHash: "h", Target: "t", Snapshot: "s", Sources: map[string]string{"file main.rt.hcl": "00"},
		Inputs: Inputs{Vars: map[string]string{"who": "Bob"}, Targets: []string{"highlight.b"}}}
	if err := Write(path, p, meta); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRoundTrip: every field of the plan apply needs comes back from the
// file as it went in.
func TestRoundTrip(t *testing.T) {
	p := testPlan(t)
	f, err := Read(writeTest(t, p))
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Restore()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got, planCmp); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if f.Inputs.Vars["who"] != "Bob" || f.Snapshot != "s" || f.PlanID == "" {
		t.Errorf("meta read back as %+v", f.Meta)
	}
}

// TestFormatIsPrivate: the saved plan is a format of its own, versioned
// and checksummed, and does not embed the public plan document
// (internal/jsonplan), whose fields would otherwise all be what apply
// needs.
func TestFormatIsPrivate(t *testing.T) {
	b, err := os.ReadFile(writeTest(t, testPlan(t)))
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := bytes.Cut(b, []byte("\n"))
	if !strings.HasPrefix(string(header), Magic+" "+Version+" sha256:") {
		t.Errorf("the file begins %q, want the saved plan's header", header)
	}
	if bytes.Contains(b, []byte(`"format_version"`)) {
		t.Error("the file embeds the public plan document")
	}
}

// TestReadRefusesDamageAndOldFormats: a plan of the old format (the public
// document embedded), a plan of another version, and a file changed after
// it was written are refused, each saying what to do.
func TestReadRefusesDamageAndOldFormats(t *testing.T) {
	good, err := os.ReadFile(writeTest(t, testPlan(t)))
	if err != nil {
		t.Fatal(err)
	}
	header, body, _ := bytes.Cut(good, []byte("\n"))
	tampered := append(append(append([]byte{}, header...), '\n'), bytes.Replace(body, []byte(`"Bob"`), []byte(`"Eve"`), 1)...)
	future := append([]byte(Magic+" 3 sha256:"+strings.Repeat("0", 64)+"\n"), body...)
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"old format", []byte(`{"format_version":"1.1","config_dir":".","plan":{"format_version":"1.1"}}`), "saved by an earlier rtctl in a format this one no longer reads; run rtctl plan -out=FILE again"},
		{"old without plan", []byte(`{"format_version":"1.0"}`), "earlier rtctl"},
		{"future version", future, "has saved-plan format 3; this rtctl reads format " + Version},
		{"huge version", []byte(Magic + " " + strings.Repeat("9", 100000) + " sha256:00\n{}"), "has saved-plan format"},
		{"changed", tampered, "does not match its checksum"},
		{"no checksum", append([]byte(Magic+" "+Version+"\n"), body...), "damaged"},
		{"not a plan", []byte("hello"), "is not a saved rtctl plan"},
		{"empty JSON", []byte("{}"), "is not a saved rtctl plan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".plan")
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if len(err.Error()) > 500 {
				t.Errorf("the error echoes %d characters of input", len(err.Error()))
			}
		})
	}
}

// TestRestoreRefusesWhatTheDomainCannotHold: a file with the right
// checksum (made by hand, or by a buggy writer) still has every value
// checked, and the error names the field without echoing it at length.
func TestRestoreRefusesWhatTheDomainCannotHold(t *testing.T) {
	huge := strings.Repeat("x", 100000)
	for _, tc := range []struct {
		name string
		p    savedPlan
		want string
	}{
		{"zone", savedPlan{Timezone: "Mars/" + huge}, "unknown time zone"},
		{"lookback", savedPlan{Timezone: "UTC", Lookback: -1}, "invalid lookback"},
		{"status", savedPlan{Timezone: "UTC", Actions: []savedAction{{Status: huge, Kind: "highlight"}}}, "unknown status"},
		{"kind", savedPlan{Timezone: "UTC", Actions: []savedAction{{Status: "create", Kind: "email"}}}, "unknown kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&File{plan: tc.p}).Restore()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("the error echoes %d characters of input", len(err.Error()))
			}
		})
	}
}
