package spec

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

func TestConsoleEvaluates(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		_, _ = w.Write([]byte(testICS))
	}))
	defer srv.Close()
	secretURL := srv.URL + "/private/cal.ics?token=s3cr3t-t0ken"
	dir := writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
}

variable "cal_url" {
  type = string
}

locals {
  week = daterange(dateadd(today(), -2), today())
}

data "ical" "work" {
  url          = var.cal_url
  window_start = "2026-11-20 12:00"
  window_end   = "2026-11-20 19:00"
}
`})
	cfg, diags := Load(context.Background(), dir, LoadOptions{
		Now: testNow, HTTPClient: srv.Client(), KeepScope: true, Limits: Limits{MaxEvalSteps: 50_000},
		Vars:    map[string]string{"cal_url": secretURL},
		Secrets: []string{"rtctl-api-key-0123456789"},
	})
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	con := cfg.Console()
	if con == nil {
		t.Fatal("no console after a load with KeepScope")
	}
	for _, tc := range []struct{ expr, want string }{
		{`today()`, `"2026-11-20"`},
		{`local.week`, "[\"2026-11-18\", \"2026-11-19\", \"2026-11-20\"]"},
		{`[for e in data.ical.work.events : e.key]`, `["allhands@example.com"]`},
		{`{ n = length(local.week) }`, "{\n  n = 3\n}"},
		// Sensitive values are shown as such, as parts of a value too;
		// secrets unwrapped are redacted, whichever way they come out.
		{`var.cal_url`, `(sensitive value)`},
		{`upper(var.cal_url)`, `(sensitive value)`},
		{`{ u = var.cal_url, n = 1 }`, "{\n  n = 1\n  u = (sensitive value)\n}"},
		{`[sensitive(1), 2]`, "[(sensitive value), 2]"},
		{`env("HOME")`, `(sensitive value)`},
		{`nonsensitive(var.cal_url)`, `"http://127.0.0.1:`},
		{`nonsensitive(upper("rtctl-api-key-0123456789"))`, `"(secret)"`},
		{`"key ${"rtctl-api-key-0123456789"}"`, `"key (secret)"`},
	} {
		got, diags := con.Evaluate(tc.expr)
		if diags.HasErrors() {
			t.Errorf("%s: %v", tc.expr, diags)
			continue
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
		}
		if strings.Contains(got, "s3cr3t") || strings.Contains(got, "rtctl-api-key") {
			t.Errorf("%s shows a secret: %s", tc.expr, got)
		}
	}

	// An error names the expression's position, and shows no secret.
	_, diags = con.Evaluate(`local.nope`)
	if !diags.HasErrors() || diags[0].Subject == nil || diags[0].Subject.Filename != ConsoleFilename {
		t.Fatalf("local.nope: %v, want an error located in %s", diags, ConsoleFilename)
	}
	_, diags = con.Evaluate(`var.cal_url + 1`)
	var b strings.Builder
	_ = hcldiag.Render(&b, con.Files(), diags, false)
	if !diags.HasErrors() || strings.Contains(b.String(), "s3cr3t") {
		t.Fatalf("var.cal_url + 1:\n%s\nwant an error without the secret", b.String())
	}

	// An expression past the evaluation budget is an error, and the next
	// one has the whole budget again.
	_, diags = con.Evaluate(`length(flatten([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]))`)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "more than 50000 steps") {
		t.Fatalf("a billion steps: %v, want the evaluation limit", diags)
	}
	if got, diags := con.Evaluate(`today()`); diags.HasErrors() || got != `"2026-11-20"` {
		t.Fatalf("after the limit: today() = %s %v", got, diags)
	}
}

func TestNoConsoleWithoutKeepScope(t *testing.T) {
	cfg := mustLoad(t, map[string]string{"main.rt.hcl": "rtctl {\n  timezone = \"UTC\"\n}\n"}, LoadOptions{})
	if cfg.Console() != nil {
		t.Fatal("a load kept its scope without KeepScope")
	}
}

// TestConsoleNamesWhatIsDeclared checks that a reference to something not
// declared says what is, where HCL said "This object does not have an
// attribute named" (issue 24, item 8).
func TestConsoleNamesWhatIsDeclared(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
}

variable "who" {
  default = "Ann"
}

locals {
  team = "core"
  days = 3
}
`})
	cfg, diags := Load(context.Background(), dir, LoadOptions{Now: testNow, KeepScope: true})
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	con := cfg.Console()
	for _, tc := range []struct{ expr, want string }{
		{`local.nope`, `No local value named "nope": the locals are days, team.`},
		{`local.tem`, `No local value named "tem"; did you mean local.team? The locals are days, team.`},
		{`var.whom`, `No input variable named "whom"; did you mean var.who? The variables are who.`},
		{`data.ical.x`, `No data "ical" "x" block is declared; the configuration declares no data sources.`},
		{`upper(local.nope)`, `No local value named "nope"`},
	} {
		_, diags := con.Evaluate(tc.expr)
		if !diags.HasErrors() {
			t.Errorf("%s: no error", tc.expr)
			continue
		}
		if got := diags[0].Detail; !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want it to contain %q", tc.expr, got, tc.want)
		}
		if strings.Contains(diags.Error(), "does not have an attribute") {
			t.Errorf("%s: HCL's generic message: %v", tc.expr, diags)
		}
	}
}
