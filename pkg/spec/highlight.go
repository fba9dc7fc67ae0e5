package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/rtctl/rtctl/pkg/spec/values"
)

// Highlight is one declared daily highlight.
type Highlight struct {
	Address     string
	Date        values.Date
	Description string
	Source      string // optional label shown beside the highlight
	Range       hcl.Range
	// PostChanges is the resource's lifecycle on_change = "post": a
	// changed version of a highlight rtctl posted is posted, not held.
	PostChanges bool
}

var highlightSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "date", Required: true},
		{Name: "description", Required: true},
		{Name: "source"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
}

func (l *loader) decodeHighlight(rb *resourceBlock, inst instance) (Highlight, bool) {
	item := Highlight{Address: inst.Address, Range: rb.DeclRange, PostChanges: rb.PostChanges}
	diags := &l.diags
	ok := true
	if a := rb.attr("date"); a != nil {
		if s, set := evalString(a, inst.ctx, diags); set {
			d, err := values.ParseDate(s)
			if err != nil {
				*diags = append(*diags, attrError(a, "Invalid date", err.Error()+"."))
				ok = false
			}
			item.Date = d
		} else {
			ok = false
		}
	} else {
		ok = false
	}
	if a := rb.attr("description"); a != nil {
		s, set := evalString(a, inst.ctx, diags)
		ok = set && l.checkText(a, s, true, diags) && ok
		item.Description = s
	} else {
		ok = false
	}
	if a := rb.attr("source"); a != nil {
		s, _ := evalString(a, inst.ctx, diags)
		ok = l.checkText(a, s, false, diags) && ok
		item.Source = s
	} else if rb.bad["source"] {
		ok = false
	}
	return item, ok
}

// duplicateHighlights warns about highlights declared twice for one day:
// the same date and, as a person reads it, the same description. They are
// one item to RescueTime, so the plan shows the second in conflict; saying
// it here lets validate catch it without an account.
func (l *loader) duplicateHighlights() {
	first := map[string]Highlight{}
	for _, h := range l.cfg.Highlights {
		k := h.Date.String() + "\x00" + norm.NFC.String(strings.TrimSpace(h.Description))
		prev, dup := first[k]
		if !dup {
			first[k] = h
			continue
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Highlight declared twice",
			Detail: fmt.Sprintf("%s declares the same highlight as %s (%s), for %s: RescueTime would hold it twice, so the plan shows it in conflict. Remove one of them.",
				h.Address, prev.Address, rangeLine(prev.Range), h.Date),
			Subject: h.Range.Ptr(),
		})
	}
}
