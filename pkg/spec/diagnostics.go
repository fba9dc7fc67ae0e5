package spec

import (
	"fmt"
	"io"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// diagnosticWidth is the width HCL wraps diagnostic details to.
const diagnosticWidth = 78

// RenderDiagnostics writes diags as HCL renders them: severity, summary,
// file:line:column, the source snippet with the subject marked, and detail.
func RenderDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) error {
	if len(diags) == 0 {
		return nil
	}
	if err := hcl.NewDiagnosticTextWriter(w, files, diagnosticWidth, color).WriteDiagnostics(diags); err != nil {
		return fmt.Errorf("writing diagnostics: %w", err)
	}
	return nil
}

// ValidateReport is the machine-readable result of validation, in the shape
// of terraform validate -json so existing tooling can read it. Fields are
// only ever added.
type ValidateReport struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []JSONDiagnostic `json:"diagnostics"`
}

// JSONDiagnostic is one diagnostic in a ValidateReport.
type JSONDiagnostic struct {
	Severity string     `json:"severity"` // "error" or "warning"
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail"`
	Range    *JSONRange `json:"range,omitempty"`
}

// JSONRange is a source range; lines and columns count from 1, bytes from 0.
type JSONRange struct {
	Filename string  `json:"filename"`
	Start    JSONPos `json:"start"`
	End      JSONPos `json:"end"`
}

// JSONPos is a position in a source file.
type JSONPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// NewValidateReport summarises diags.
func NewValidateReport(diags hcl.Diagnostics) ValidateReport {
	r := ValidateReport{FormatVersion: "1.0", Diagnostics: []JSONDiagnostic{}}
	for _, d := range diags {
		jd := JSONDiagnostic{Summary: d.Summary, Detail: d.Detail}
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
			jd.Range = &JSONRange{
				Filename: d.Subject.Filename,
				Start:    JSONPos{Line: d.Subject.Start.Line, Column: d.Subject.Start.Column, Byte: d.Subject.Start.Byte},
				End:      JSONPos{Line: d.Subject.End.Line, Column: d.Subject.End.Column, Byte: d.Subject.End.Byte},
			}
		}
		r.Diagnostics = append(r.Diagnostics, jd)
	}
	r.Valid = r.ErrorCount == 0
	return r
}

// sortDiagnostics orders diagnostics as a reader goes through the files:
// those without a location first, then by file and position. Evaluation
// order (dependencies first) would otherwise jump around the source.
func sortDiagnostics(diags hcl.Diagnostics) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
}
