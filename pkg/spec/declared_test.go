package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDeclared(t *testing.T) {
	dir := writeConfig(t, map[string]string{
		"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
}
variable "who" {}
variable "team" { default = "x" }
highlight "release" {
  date        = "2026-11-20"
  description = var.who
}
offline_time "standup" {
  for_each = toset(["mon"])
  start    = "2026-11-20 09:00"
  duration = "15m"
  activity = "Meeting"
}
`,
		"broken.rt.hcl": `highlight "x" {`,
		"notes.txt":     `highlight "y" {}`,
	})
	got := Declared(dir)
	want := Declarations{Resources: []string{"highlight.release", "offline_time.standup"}, Variables: []string{"team", "who"}, Timezone: "Europe/Berlin"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Declared (-want +got):\n%s", diff)
	}
}
