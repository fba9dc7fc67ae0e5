package spec

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/spec/datasource"
)

// render is the text rtctl prints for diags, and the JSON of validate --json.
func render(t *testing.T, cfg *Config, diags hcl.Diagnostics) (text, js string) {
	t.Helper()
	var b strings.Builder
	if err := hcldiag.Render(&b, cfg.Files, diags, false); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(hcldiag.NewReport(diags))
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), string(j)
}

// flat joins the words of s with single spaces, undoing the wrapping of
// rendered diagnostics.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// A reminder (no DTEND, no DURATION) lasts nothing: data "ical" leaves it
// out unless include_zero_length is set, so the usual end = each.value.end
// works on a calendar that holds one.
func TestICalZeroLengthEvents(t *testing.T) {
	ics := strings.Replace(testICS, "END:VCALENDAR", `BEGIN:VEVENT
UID:reminder@example.com
DTSTART:20261120T080000Z
SUMMARY:Submit expenses
END:VEVENT
END:VCALENDAR`, 1)
	files := map[string]string{
		"main.rt.hcl": icalHeader + `
data "ical" "work" {
  path         = "work.ics"
  window_start = "2026-11-20"
  window_end   = "2026-11-20 12:00"
}
offline_time "meetings" {
  for_each = { for e in data.ical.work.events : e.key => e }
  start    = each.value.start
  end      = each.value.end
  activity = "Meetings"
  details  = each.value.summary
}
`,
		"work.ics": ics,
	}
	cfg := mustLoad(t, files, LoadOptions{})
	var got []string
	for _, o := range cfg.OfflineTimes {
		got = append(got, o.Details)
	}
	if diff := cmp.Diff([]string{"Standup"}, got); diff != "" {
		t.Errorf("offline time (-want +got):\n%s", diff)
	}

	files["main.rt.hcl"] = strings.Replace(files["main.rt.hcl"], `window_end   = "2026-11-20 12:00"`, `window_end   = "2026-11-20 12:00"
  include_zero_length = true`, 1)
	cfg, diags := Load(context.Background(), writeConfig(t, files), LoadOptions{})
	text, _ := render(t, cfg, diags)
	if !strings.Contains(text, "End not after start") || !strings.Contains(text, `offline_time.meetings["reminder@example.com"]`) {
		t.Errorf("with include_zero_length the reminder should reach offline_time:\n%s", text)
	}
}

// The secret address of a calendar must not appear in any diagnostic, in
// text or JSON, whichever way the value travels: through a variable that
// fails its validation (where the rule's message and an erroring condition
// quote it), or an expression error that quotes the variable or a local
// holding it.
func TestSecretURLNeverInDiagnostics(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		_, _ = w.Write([]byte(testICS))
	}))
	defer srv.Close()
	const secret = "private-0123456789abcdef"
	secretURL := srv.URL + "/calendar/" + secret + "/basic.ics"
	variable := func(validation string) string {
		return "variable \"cal_url\" {\n  type = string\n" + validation + "}\n"
	}
	tests := []struct {
		name, body string
		hits       int
		want       []string // in the text
	}{
		{"failed rule quoting the value", variable(`  validation {
    condition     = can(regex("^https://", var.cal_url))
    error_message = "cal_url must be https, not ${var.cal_url}."
  }
`) + `data "ical" "work" { url = var.cal_url }`, 0, []string{"Invalid value for variable", "The error message includes a sensitive\nvalue, so it is not shown."}},
		{"condition failing on the value", variable(`  validation {
    condition     = var.cal_url * 2 > 0
    error_message = "unreachable"
  }
`) + `data "ical" "work" { url = var.cal_url }`, 0, []string{"Unsuitable value for left operand"}},
		{"expression error quoting the variable", variable("") + `data "ical" "work" { url = var.cal_url }
locals { n = var.cal_url * 2 }`, 1, []string{"Unsuitable value for left operand"}},
		{"expression error quoting a local", variable("") + `locals { u = trimspace(var.cal_url) }
data "ical" "work" { url = local.u }
locals { n = local.u * 2 }`, 1, []string{"Unsuitable value for left operand"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits = 0
			cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": icalHeader + tt.body + "\n"}), LoadOptions{
				Now: testNow, HTTPClient: srv.Client(),
				Getenv: func(k string) string {
					if k == "RTCTL_VAR_cal_url" {
						return secretURL
					}
					return ""
				},
			})
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			text, js := render(t, cfg, diags)
			for _, out := range []string{text, js} {
				if strings.Contains(out, secret) {
					t.Errorf("output reveals the calendar's secret path:\n%s", out)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("diagnostics lack %q:\n%s", w, text)
				}
			}
			if hits != tt.hits {
				t.Errorf("calendar fetched %d times, want %d (a variable that fails its validation must not be used)", hits, tt.hits)
			}
		})
	}
}

// A literal address written in a variables file is a secret too: the line
// holding it is not shown, though the problem is.
func TestSecretURLInVariablesFileNotShown(t *testing.T) {
	cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{
		"main.rt.hcl": icalHeader + `variable "cal_url" {
  type = string
  validation {
    condition     = strlen(var.cal_url) < 10
    error_message = "Too long."
  }
}
data "ical" "work" { url = var.cal_url }
`,
		"cal.rtvars.hcl": `cal_url = "https://calendar.example.com/private-0123456789abcdef/basic.ics"` + "\n",
	}), LoadOptions{Now: testNow})
	text, js := render(t, cfg, diags)
	if !strings.Contains(text, "Too long.") || !strings.Contains(flat(text), "cal.rtvars.hcl line 1 is not shown") {
		t.Errorf("diagnostics:\n%s", text)
	}
	if strings.Contains(text+js, "private-0123456789abcdef") {
		t.Errorf("output reveals the calendar's secret path:\n%s\n%s", text, js)
	}
}

// A variable that fails its validation is unknown afterwards: nothing
// that refers to it is read or declared with the rejected value.
func TestInvalidVariableIsNotUsed(t *testing.T) {
	var calls []string
	_, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl { timezone = "UTC" }
variable "prefix" {
  type = string
  validation {
    condition     = var.prefix != "bad"
    error_message = "Not that one."
  }
}
data "fake" "x" { prefix = var.prefix }
highlight "h" {
  date        = "2026-11-20"
  description = "Prefix ${var.prefix}"
}
`}), LoadOptions{DataSources: datasource.Registry{"fake": fakeSource{calls: &calls}}, Vars: map[string]string{"prefix": "bad"}})
	if len(diags) != 1 || diags[0].Summary != "Invalid value for variable" {
		t.Errorf("diags = %v, want only the validation error", diags)
	}
	if len(calls) != 0 {
		t.Errorf("data source read with the rejected value: %v", calls)
	}
}

// Errors about horizon, window_start and window_end point at the attribute,
// with the block header as context; when a literal url sits between them,
// the context is left out so that it is not printed.
func TestICalWindowErrorsPointAtAttribute(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		line       int
		header     bool
	}{
		{"horizon", "path = \"work.ics\"\n  horizon = \"soon\"", 7, true},
		{"window_start", "path = \"work.ics\"\n  window_start = \"yesterday\"", 7, true},
		{"window_end after a literal url", "url = \"https://calendar.example.com/private-0123456789abcdef/basic.ics\"\n  window_start = \"2026-11-20\"\n  window_end = \"later\"", 8, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{
				"main.rt.hcl": icalHeader + "\ndata \"ical\" \"work\" {\n  " + tt.body + "\n}\n",
				"work.ics":    testICS,
			}), LoadOptions{Now: testNow})
			if len(diags) != 1 || diags[0].Subject == nil || diags[0].Subject.Start.Line != tt.line {
				t.Fatalf("diags = %v, want one on line %d", diags, tt.line)
			}
			text, _ := render(t, cfg, diags)
			if got := strings.Contains(text, `data "ical" "work" {`); got != tt.header {
				t.Errorf("header shown = %v, want %v:\n%s", got, tt.header, text)
			}
			if strings.Contains(text, "private-0123456789abcdef") {
				t.Errorf("output reveals the calendar's secret path:\n%s", text)
			}
		})
	}
}

// env() refuses rtctl's own credentials; a key that arrives in a value by
// another way (a variable) is refused where it would be posted.
func TestCredentialsKeptOutOfValues(t *testing.T) {
	const key = "B63abcdEFGh_ijklmnOPQrst0123456789abcdefg"
	env := map[string]string{"RESCUETIME_API_KEY": key, "RESCUETIME_ACCESS_TOKEN": key, "RESCUETIME_CLIENT_SECRET": key}
	for _, name := range []string{"RESCUETIME_API_KEY", "RESCUETIME_ACCESS_TOKEN", "RESCUETIME_CLIENT_SECRET", "rescuetime_api_key"} {
		cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl { timezone = "UTC" }
highlight "h" {
  date        = "2026-11-20"
  description = "x ${env("` + name + `")}"
}
`}), LoadOptions{Getenv: func(k string) string { return env[k] }})
		text, _ := render(t, cfg, diags)
		if !diags.HasErrors() || !strings.Contains(flat(text), "holds a RescueTime credential") || strings.Contains(text, key) {
			t.Errorf("env(%q):\n%s", name, text)
		}
	}

	for _, attr := range []string{"activity", "details"} {
		body := map[string]string{"activity": `"Meeting"`, "details": `"x"`}
		body[attr] = `"note: ${var.note}"`
		cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl { timezone = "UTC" }
variable "note" { type = string }
offline_time "o" {
  start    = "2026-11-20 09:00"
  duration = "30m"
  activity = ` + body["activity"] + `
  details  = ` + body["details"] + `
}
highlight "h" {
  date        = "2026-11-20"
  description = "Shipped"
  source      = var.note
}
`}), LoadOptions{Vars: map[string]string{"note": key}})
		text, _ := render(t, cfg, diags)
		if n := strings.Count(text, "Error: API key in value"); n != 2 || strings.Contains(text, key) {
			t.Errorf("key through a variable into %s and source: %d errors:\n%s", attr, n, text)
		}
	}
}
