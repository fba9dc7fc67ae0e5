package spec

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Issue 20 item 3: a calendar's secret address, and everything computed
// from it, is refused where it would be posted or shown, however it is
// reached; the refusal names the attribute and its place.
func TestSensitiveValuesAreRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		_, _ = w.Write([]byte(testICS))
	}))
	defer srv.Close()
	const token = "s3cr3t-0123456789abcdef"
	secretURL := srv.URL + "/private-" + token + "/basic.ics"
	header := `rtctl {
  timezone = "Europe/Berlin"
}

variable "cal" {
  type = string
}

variable "plain" {
  type      = string
  default   = "not secret"
}

variable "declared" {
  type      = string
  default   = "declared-secret-value"
  sensitive = true
}

data "ical" "work" {
  url          = local.cal
  window_start = "2026-11-16 00:00"
  window_end   = "2026-11-21 00:00"
}

locals {
  cal  = var.cal
  also = upper(local.cal)
}
`
	item := func(attr, expr string) string {
		return fmt.Sprintf(`offline_time "leak" {
  start    = "2026-11-20 09:00"
  duration = "15m"
  activity = "Meeting"
  %s = %s
}
`, attr, expr)
	}
	tests := []struct {
		name, body, want string
	}{
		{"the variable the url is computed from", item("details", "var.cal"), "Sensitive value in details"},
		{"the local the url is", item("details", "local.cal"), "Sensitive value in details"},
		{"a local computed from it", item("details", "local.also"), "Sensitive value in details"},
		{"env()", item("details", `env("RTCTL_CALENDAR_URL")`), "Sensitive value in details"},
		{"upper()", item("details", "upper(var.cal)"), "Sensitive value in details"},
		{"strrev()", item("details", "strrev(var.cal)"), "Sensitive value in details"},
		{"a chunk of regexall()", item("details", `regexall(".{8}", var.cal)[3]`), "Sensitive value in details"},
		{"a template", item("details", `"at ${var.cal}"`), "Sensitive value in details"},
		{"a variable declared sensitive", item("details", "var.declared"), "Sensitive value in details"},
		{"sensitive()", item("details", `sensitive("x")`), "Sensitive value in details"},
		{"activity", strings.Replace(item("details", `"x"`), `activity = "Meeting"`, `activity = var.cal`, 1), "Sensitive value in activity"},
		{"a shown attribute", strings.Replace(item("details", `"x"`), `duration = "15m"`, `duration = format("%dm", strlen(var.cal) > 0 ? 15 : 30)`, 1), "Sensitive value in duration"},
		{"highlight description", `highlight "leak" {
  date        = "2026-11-20"
  description = lower(var.cal)
}
`, "Sensitive value in description"},
		{"highlight source", `highlight "leak" {
  date        = "2026-11-20"
  description = "x"
  source      = substr(var.cal, 0, 30)
}
`, "Sensitive value in source"},
		{"for_each keys", `offline_time "leak" {
  for_each = toset(regexall(".{8}", var.cal))
  start    = "2026-11-20 09:00"
  duration = "15m"
  activity = "Meeting"
}
`, "Sensitive value in for_each"},
		{"count", `offline_time "leak" {
  count    = strlen(var.cal) > 0 ? 1 : 0
  start    = "2026-11-20 09:00"
  duration = "15m"
  activity = "Meeting"
}
`, "Sensitive value in count"},
		{"an unused sensitive local", `locals { tz = sensitive("Europe/Berlin") }
highlight "x" {
  date        = "2026-11-20"
  description = "x"
}
`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := header + tt.body
			cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": body}), LoadOptions{
				Now: testNow, HTTPClient: srv.Client(),
				Vars: map[string]string{"cal": secretURL},
				Getenv: func(k string) string {
					if k == "RTCTL_CALENDAR_URL" {
						return secretURL
					}
					return ""
				},
			})
			text, js := render(t, cfg, diags)
			for _, out := range []string{text, js, fmt.Sprint(cfg.OfflineTimes, cfg.Highlights)} {
				for _, s := range []string{token, strings.ToUpper(token), reverse(token), "declared-secret-value"} {
					if strings.Contains(out, s) {
						t.Errorf("output shows %q:\n%s", s, out)
					}
				}
			}
			if tt.want == "" {
				if diags.HasErrors() {
					t.Fatalf("unexpected errors:\n%s", text)
				}
				return
			}
			if !diags.HasErrors() || !strings.Contains(text, "Error: "+tt.want) {
				t.Fatalf("want %q, got:\n%s", tt.want, text)
			}
			// The place: the attribute's value, file:line:column.
			for _, d := range diags {
				if d.Summary == tt.want && (d.Subject == nil || d.Subject.Start.Column <= 1 || !strings.HasSuffix(d.Subject.Filename, "main.rt.hcl")) {
					t.Errorf("%s at %v, want the attribute's range", d.Summary, d.Subject)
				}
			}
			if !cfg.SecretVars["cal"] || !cfg.SecretVars["declared"] || cfg.SecretVars["plain"] {
				t.Errorf("SecretVars = %v, want cal and declared", cfg.SecretVars)
			}
		})
	}
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// What a secret calendar holds is its content, which the person means to
// post: the events of a calendar read from a sensitive address are not
// sensitive, and nonsensitive() unwraps a value derived from the address.
func TestSensitiveCalendarEventsArePosted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(testICS))
	}))
	defer srv.Close()
	cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
}

data "ical" "work" {
  url          = env("CAL")
  window_start = "2026-11-16 00:00"
  window_end   = "2026-11-21 00:00"
}

offline_time "meetings" {
  for_each = { for e in data.ical.work.events : e.key => e if e.summary == "Vendor demo" }
  start    = each.value.start
  end      = each.value.end
  activity = each.value.summary
  details  = nonsensitive(regexreplace(env("CAL"), "/private-[^/]+/", "/…/"))
}
`}), LoadOptions{Now: testNow, HTTPClient: srv.Client(), Getenv: func(k string) string {
		if k == "CAL" {
			return srv.URL + "/private-s3cr3t/basic.ics"
		}
		return ""
	}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(cfg.OfflineTimes) != 1 {
		t.Fatalf("offline times: %+v", cfg.OfflineTimes)
	}
	got := cfg.OfflineTimes[0]
	if got.Activity != "Vendor demo" || got.Details != srv.URL+"/…/basic.ics" {
		t.Errorf("activity %q, details %q", got.Activity, got.Details)
	}
}

// A function's message may quote its argument; on a sensitive one it is
// not shown. Before, `"canary-…" is not a date` printed what file() or
// env() read.
func TestSensitiveArgumentNotInFunctionErrors(t *testing.T) {
	cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
}

locals {
  n = duration(env("SECRET"))
  d = dateadd(env("SECRET"), 1)
  j = jsondecode(env("SECRET"))
}
`}), LoadOptions{Getenv: func(string) string { return "s3cr3t-value-0123456789" }})
	text, js := render(t, cfg, diags)
	if len(diags) != 3 {
		t.Errorf("want 3 errors, got:\n%s", text)
	}
	for _, out := range []string{text, js} {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("an error quotes the sensitive argument:\n%s", out)
		}
	}
	// A message that shows nothing of the value stays.
	_, diags = Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
}

locals {
  n = length(env("SECRET"))
}
`}), LoadOptions{Getenv: func(string) string { return "s3cr3t-value-0123456789" }})
	if !diags.HasErrors() || strings.Contains(diags.Error(), "s3cr3t") || strings.Contains(diags.Error(), "not shown") {
		t.Errorf("length() of a string: %v, want cty's message", diags)
	}
	if strings.Count(flat(text), "failed on a sensitive argument, and its message could show it, so it is not shown") != 3 {
		t.Errorf("want the reason the message is not shown:\n%s", text)
	}
}

// Issue 20 item 9: where the key is also in another environment variable,
// a configuration that unwraps it still cannot post it in another case or
// in pieces, and no diagnostic shows it so.
func TestCredentialVariantsRefusedAndRedacted(t *testing.T) {
	const key = "B63nXq0aZ7LmPe4RtY9uWs2DkHf5Jc1Vg8"
	getenv := func(k string) string {
		if k == "OTHER" {
			return key
		}
		return ""
	}
	for _, tt := range []struct{ name, body, want string }{
		{"upper", `highlight "h" {
  date        = "2026-11-20"
  description = nonsensitive(upper(env("OTHER")))
}`, "Credential in value"},
		{"lower", `highlight "h" {
  date        = "2026-11-20"
  description = "x"
  source      = nonsensitive(lower(env("OTHER")))
}`, "Credential in value"},
		{"chunks", `highlight "h" {
  date        = "2026-11-20"
  description = join(" ", regexall(".{8}", nonsensitive(env("OTHER"))))
}`, "Credential in value"},
		{"a message quoting it", `locals {
  n = tonumber(nonsensitive(lower(env("OTHER"))))
}`, "Invalid function argument"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{
				"main.rt.hcl": "rtctl {\n  timezone = \"UTC\"\n}\n" + tt.body + "\n",
			}), LoadOptions{Getenv: getenv, Secrets: []string{key}})
			text, js := render(t, cfg, diags)
			if !strings.Contains(text, "Error: "+tt.want) {
				t.Errorf("want %q:\n%s", tt.want, text)
			}
			for _, out := range []string{text, js} {
				for _, s := range []string{strings.ToLower(key), strings.ToUpper(key), key[8:16]} {
					if strings.Contains(out, s) {
						t.Errorf("output shows %q:\n%s", s, out)
					}
				}
			}
		})
	}
}

// HCL's diagnostics list the values an expression refers to ("with
// var.token as ..."); a sensitive one is left out, though nothing else
// knows its text.
func TestSensitiveVariableNotInDiagnostics(t *testing.T) {
	cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "UTC"
}

variable "token" {
  type      = string
  sensitive = true
}

variable "plain" {
  type = string
}

locals {
  n = var.token * var.plain
}
`}), LoadOptions{Vars: map[string]string{"token": "tok-0123", "plain": "visible"}})
	text, js := render(t, cfg, diags)
	if !diags.HasErrors() {
		t.Fatal("no error")
	}
	if strings.Contains(text+js, "tok-0123") || strings.Contains(text, "with var.token") {
		t.Errorf("the sensitive value is shown:\n%s", text)
	}
	if !strings.Contains(text, `var.plain as "visible"`) {
		t.Errorf("want the other value shown as before:\n%s", text)
	}
}

// Data sources get plain values: a sensitive path or address is still the
// one to read, and nothing in a data source has to expect a mark (git_log
// panicked on one: "value is marked, so must be unmarked first").
func TestDataSourcesTakeSensitiveConfiguration(t *testing.T) {
	dir := writeConfig(t, map[string]string{
		"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
}

data "ical" "work" {
  path         = env("CAL_PATH")
  window_start = "2026-11-16 00:00"
  window_end   = "2026-11-21 00:00"
}

data "git_log" "repo" {
  path = env("REPO")
}
`,
		"work.ics": testICS,
	})
	_, diags := Load(context.Background(), dir, LoadOptions{Now: testNow, Getenv: func(k string) string {
		return map[string]string{"CAL_PATH": "work.ics", "REPO": "no-such-repo"}[k]
	}})
	// The repository does not exist: an error about it, not a crash.
	if len(diags) != 1 || !strings.Contains(diags.Error(), "git_log") {
		t.Fatalf("want the git_log error alone, got %v", diags)
	}
}
