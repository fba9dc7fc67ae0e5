package hcldiag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// Width is the width HCL wraps diagnostic details to.
const Width = 78

// Render writes diags as HCL (and so Terraform) renders them: severity,
// summary, file and line, the source snippet (the subject underlined when
// color is on), and detail. The column is in the JSON report, NewReport.
func Render(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) error {
	if len(diags) == 0 {
		return nil
	}
	for _, d := range diags {
		d, shown := printable(d, snippetFiles(files, d))
		if err := hcl.NewDiagnosticTextWriter(w, shown, Width, color).WriteDiagnostic(d); err != nil {
			return fmt.Errorf("writing diagnostics: %w", err)
		}
	}
	return nil
}

// printable is d and the file it shows a snippet of as they can be
// printed: control characters, bidi overrides and bytes that are not UTF-8
// in the summary, the detail, the file's name ("on FILE line N") and the
// snippet are escaped (see termsafe), so that neither a file committed
// beside the configuration nor its name can drive the terminal or hide
// what a line says. The ranges move with the escapes, so the subject is
// still the part underlined. The JSON report keeps the exact name.
func printable(d *hcl.Diagnostic, files map[string]*hcl.File) (*hcl.Diagnostic, map[string]*hcl.File) {
	c := *d
	c.Summary = termsafe.Escape(d.Summary)
	c.Detail = termsafe.EscapeLines(d.Detail)
	if d.Subject == nil {
		return &c, files
	}
	f := files[d.Subject.Filename]
	subject := *d.Subject
	subject.Filename = termsafe.Escape(subject.Filename)
	c.Subject = &subject
	var context *hcl.Range
	if d.Context != nil {
		ctx := *d.Context
		ctx.Filename = termsafe.Escape(ctx.Filename)
		c.Context, context = &ctx, &ctx
	}
	if f == nil {
		return &c, nil
	}
	// Only the snippet's lines are shown: the bytes before them stay as
	// they are, and so do the offsets into them.
	from := min(d.Subject.Start.Byte, len(f.Bytes))
	if d.Context != nil && d.Context.Start.Byte < from {
		from = d.Context.Start.Byte
	}
	from = max(from, 0)
	from = bytes.LastIndexByte(f.Bytes[:from], '\n') + 1
	tail, tailAt := termsafe.EscapeLinesMapped(f.Bytes[from:])
	at := func(o int) int {
		if o < from {
			return o
		}
		return from + tailAt(o-from)
	}
	shown := *f
	if len(tail) != len(f.Bytes)-from {
		shown.Bytes = append(f.Bytes[:from:from], tail...)
		// HCL names the block the subject is in ("in highlight "a"")
		// from the parsed file, by the subject's offset in it.
		shown.Nav = blockName(contextOf(f, d.Subject.Start.Byte))
		for _, r := range []*hcl.Range{&subject, context} {
			if r != nil {
				r.Start.Byte, r.End.Byte = at(r.Start.Byte), at(r.End.Byte)
			}
		}
	}
	return &c, map[string]*hcl.File{subject.Filename: &shown}
}

// blockName is the name of the block a snippet is in, for a file whose
// bytes no longer match its parsed body.
type blockName string

func (n blockName) ContextString(int) string { return string(n) }

func contextOf(f *hcl.File, offset int) string {
	if cs, ok := f.Nav.(interface{ ContextString(int) string }); ok {
		return cs.ContextString(offset)
	}
	return ""
}

// snippetFiles is the file d shows a snippet of, cut after the snippet:
// HCL's writer goes through every line of the file for the few it shows,
// and a warning about the first lines of a 10 MB configuration would take
// a tenth of a plan's time.
func snippetFiles(files map[string]*hcl.File, d *hcl.Diagnostic) map[string]*hcl.File {
	if d.Subject == nil {
		return nil
	}
	f := files[d.Subject.Filename]
	if f == nil {
		return nil
	}
	end := d.Subject.End.Byte
	if d.Context != nil && d.Context.End.Byte > end {
		end = d.Context.End.Byte
	}
	if end < 0 || end >= len(f.Bytes) {
		return map[string]*hcl.File{d.Subject.Filename: f}
	}
	if nl := bytes.IndexByte(f.Bytes[end:], '\n'); nl >= 0 {
		end += nl + 1
	} else {
		end = len(f.Bytes)
	}
	cut := *f
	cut.Bytes = f.Bytes[:end]
	return map[string]*hcl.File{d.Subject.Filename: &cut}
}

// Report is the machine-readable result of validation, in the shape
// of terraform validate -json so existing tooling can read it. Fields are
// only ever added.
type Report struct {
	FormatVersion string       `json:"format_version"`
	Valid         bool         `json:"valid"`
	ErrorCount    int          `json:"error_count"`
	WarningCount  int          `json:"warning_count"`
	Diagnostics   []Diagnostic `json:"diagnostics"`
}

// Diagnostic is one diagnostic in a Report.
type Diagnostic struct {
	Severity string `json:"severity"` // "error" or "warning"
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Range    *Range `json:"range,omitempty"`
}

// Range is a source range; lines and columns count from 1, bytes from 0.
type Range struct {
	Filename string `json:"filename"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

// Pos is a position in a source file.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// NewReport summarises diags.
func NewReport(diags hcl.Diagnostics) Report {
	r := Report{FormatVersion: "1.0", Diagnostics: []Diagnostic{}}
	for _, d := range diags {
		jd := Diagnostic{Summary: d.Summary, Detail: d.Detail}
		switch d.Severity {
		case hcl.DiagError:
			jd.Severity = "error"
			r.ErrorCount++
		case hcl.DiagWarning:
			jd.Severity = "warning"
			r.WarningCount++
		default:
			continue
		}
		if d.Subject != nil {
			jd.Range = &Range{
				Filename: d.Subject.Filename,
				Start:    Pos{Line: d.Subject.Start.Line, Column: d.Subject.Start.Column, Byte: d.Subject.Start.Byte},
				End:      Pos{Line: d.Subject.End.Line, Column: d.Subject.End.Column, Byte: d.Subject.End.Byte},
			}
		}
		r.Diagnostics = append(r.Diagnostics, jd)
	}
	r.Valid = r.ErrorCount == 0
	return r
}

// Show writes diags to w as Render does, then how to raise each limit they
// report reaching: the diagnostics an operation reports while it goes on.
// A failure to render them is shown on w too, since the operation goes on.
func Show(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) {
	if err := Render(w, files, diags, color); err != nil {
		fmt.Fprintf(w, "Error: rendering diagnostics: %v\n", err)
	}
	LimitHints(w, diags)
}

// LimitHints says how to raise each limit the diagnostics report reaching,
// when a person may (rtctl --limit NAME=N).
func LimitHints(w io.Writer, diags hcl.Diagnostics) {
	seen := map[string]bool{}
	for _, d := range diags {
		le, ok := d.Extra.(limits.Exceeded)
		if !ok {
			if p, isPtr := d.Extra.(*limits.Exceeded); isPtr && p != nil {
				le, ok = *p, true
			}
		}
		name := limits.Name(le.Limit)
		if !ok || name == "" || seen[name] {
			continue
		}
		seen[name] = true
		fmt.Fprintf(w, "Note: if the configuration needs more, raise the limit: --limit %s=%d\n", name, le.Value*2)
	}
}

// WriteReport writes diags as the JSON report (NewReport) of validate
// -json, indented as terraform validate -json's.
func WriteReport(w io.Writer, diags hcl.Diagnostics) error {
	enc := json.NewEncoder(termsafe.JSONWriter(w))
	enc.SetIndent("", "  ")
	return enc.Encode(NewReport(diags))
}
