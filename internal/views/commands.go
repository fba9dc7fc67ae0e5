package views

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rtctl/rtctl/pkg/workspace"
)

// Validate shows the verdict of rtctl validate. The diagnostics are
// rendered beside it, on stderr as text or as the JSON report.
type Validate interface {
	// Valid says the configuration is valid; warnings says there were
	// warnings, shown above.
	Valid(warnings bool)
}

// NewValidate is validate's view: JSON (validate -json, whose report says
// it all) or text.
func NewValidate(jsonOut bool, v *View) Validate {
	if jsonOut {
		return validateJSON{}
	}
	return &validateText{View: v}
}

type validateText struct{ *View }

func (v *validateText) Valid(warnings bool) {
	if warnings {
		fmt.Fprintln(v.stdout, "Success! The configuration is valid, but there were some validation warnings as shown above.")
		return
	}
	fmt.Fprintln(v.stdout, "Success! The configuration is valid.")
}

type validateJSON struct{}

func (validateJSON) Valid(bool) {}

// VersionInfo is the document of `rtctl version --json`; the command's help
// lists its fields.
type VersionInfo struct {
	Version    string `json:"version"`
	Commit     string `json:"commit"`
	CommitTime string `json:"commit_time"`
	Modified   bool   `json:"modified"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
}

// Version shows rtctl version.
type Version interface {
	Version(VersionInfo) error
}

// NewVersion is version's view: JSON (version --json) or text.
func NewVersion(jsonOut bool, v *View) Version {
	if jsonOut {
		return &versionJSON{View: v}
	}
	return &versionText{View: v}
}

type versionText struct{ *View }

func (v *versionText) Version(i VersionInfo) error {
	or := func(s string) string { return cmp.Or(s, "unknown") }
	_, err := fmt.Fprintf(v.stdout, "rtctl %s\n  commit:   %s\n  time:     %s\n  modified: %t\n  go:       %s\n  platform: %s/%s\n",
		i.Version, or(i.Commit), or(i.CommitTime), i.Modified, i.GoVersion, i.OS, i.Arch)
	return err
}

type versionJSON struct{ *View }

func (v *versionJSON) Version(i VersionInfo) error {
	enc := json.NewEncoder(v.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(i)
}

// Doctor shows rtctl doctor: the probe's prompt, the report, and where its
// shareable shapes went.
type Doctor interface {
	// ProbeIntent shows what the probe is about to post.
	ProbeIntent(in workspace.ProbeIntent)
	// AskProbe asks for the yes that lets the probe post.
	AskProbe()
	// Report renders the report.
	Report(r *workspace.DoctorReport) error
	// ShapesWritten says the report's shapes of n answers went to file.
	ShapesWritten(n int, file string)
}

// NewDoctor is doctor's view: JSON (-o json) or text. With JSON the
// prompt goes to stderr, so that stdout stays one JSON document.
func NewDoctor(jsonOut bool, v *View) Doctor {
	if jsonOut {
		return &doctorJSON{View: v}
	}
	return &doctorText{View: v}
}

type doctorText struct{ *View }

func (v *doctorText) ProbeIntent(in workspace.ProbeIntent) { WriteProbePrompt(v.stdout, in) }

func (v *doctorText) AskProbe() { askProbe(v.stdout) }

func (v *doctorText) Report(r *workspace.DoctorReport) error { return WriteDoctorText(v.stdout, r) }

func (v *doctorText) ShapesWritten(n int, file string) {
	fmt.Fprintf(v.stdout, "Wrote the shapes of %d answer(s), and no value, to %s: attach it to a bug report.\n", n, file)
}

type doctorJSON struct{ *View }

func (v *doctorJSON) ProbeIntent(in workspace.ProbeIntent) { WriteProbePrompt(v.stderr, in) }

func (v *doctorJSON) AskProbe() { askProbe(v.stderr) }

func (v *doctorJSON) Report(r *workspace.DoctorReport) error { return WriteDoctorJSON(v.stdout, r) }

// ShapesWritten says nothing: the file is what -o json's caller asked for.
func (v *doctorJSON) ShapesWritten(int, string) {}

func askProbe(w io.Writer) { fmt.Fprint(w, "\nPost it? Only 'yes' will be accepted: ") }

// Approval asks for apply's approval, as Terraform does.
type Approval interface {
	// Ask asks whether to apply.
	Ask()
	// Answered shows the answer that was piped in, which no terminal
	// echoed; an empty answer ends the line.
	Answered(line string)
}

// NewApproval is the text view of apply's question.
func NewApproval(v *View) Approval { return &approvalText{View: v} }

type approvalText struct{ *View }

func (v *approvalText) Ask() {
	fmt.Fprint(v.stdout, "\nDo you want to apply? Only 'yes' will be accepted: ")
}

func (v *approvalText) Answered(line string) {
	fmt.Fprintln(v.stdout, strings.TrimSpace(line))
}

// Read shows what a read command (data, summary, alerts, highlights,
// focus) fetched, as a table, CSV or JSON.
type Read interface {
	// LocalZone says the API's times are read in this machine's zone.
	LocalZone(zone string)
	// NotYetShown says, when the listing is empty, that the sandbox shows
	// what rtctl posted in its feeds delay after the POST, from shows on:
	// right after the quickstart's apply a person reads the feed and finds
	// nothing, and the feed's own sentence (about Lite accounts, for
	// highlights) would mislead them.
	NotYetShown(shows time.Time, delay time.Duration)
	// Listing renders what was fetched.
	Listing(l Listing) error
}

// NewRead is the read commands' view for format (OutputTable, OutputCSV or
// OutputJSON; CheckOutput checks it).
func NewRead(format string, v *View) Read { return &readView{View: v, format: format} }

type readView struct {
	*View
	format string
	empty  string
}

func (v *readView) LocalZone(zone string) {
	fmt.Fprintf(v.stderr, "Note: times are read in this machine's zone (%s); pass --timezone or set RTCTL_TIMEZONE to your account's zone if it differs.\n", zone)
}

func (v *readView) NotYetShown(shows time.Time, delay time.Duration) {
	v.empty = fmt.Sprintf("Nothing in the sandbox's feed yet: the sandbox shows what rtctl posts in its feeds %d minutes after the POST, as a Premium account shows a post once it has synced (rtctl plan knows of the posts at once, from its journal): run this again from %s.",
		delay/time.Minute, shows.Format("15:04 MST"))
}

func (v *readView) Listing(l Listing) error {
	if v.empty != "" && len(l.Rows) == 0 {
		l.Empty = v.empty
	}
	return l.Write(v.stdout, v.format)
}
