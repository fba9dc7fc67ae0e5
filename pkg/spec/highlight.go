package spec

import (
	"github.com/hashicorp/hcl/v2"
)

// Highlight is one declared daily highlight.
type Highlight struct {
	Address     string
	Date        Date
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
			d, err := ParseDate(s)
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
