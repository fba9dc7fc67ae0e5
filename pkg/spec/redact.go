package spec

import (
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/datasource"
	"github.com/rtctl/rtctl/pkg/spec/redact"
)

// minSecretLength is the shortest string treated as a secret: shorter parts
// of a secret's value (a "/" or "ics") would redact ordinary text.
const minSecretLength = confdir.MinSecretLength

// secretReferences are the variables and locals the secret attributes of
// data sources are computed from, directly or through other locals: found
// from the expressions before anything is evaluated, so their values are
// marked from the start.
func (l *loader) secretReferences() (vars, locals map[string]bool) {
	vars, locals = map[string]bool{}, map[string]bool{}
	var addRefs func(travs []hcl.Traversal)
	addRefs = func(travs []hcl.Traversal) {
		for _, t := range travs {
			name, ok := attrStep(t, 1)
			if !ok {
				continue
			}
			switch t.RootName() {
			case "var":
				vars[name] = true
			case "local":
				if !locals[name] {
					locals[name] = true
					if lc := l.locals[name]; lc != nil {
						addRefs(lc.Expr.Variables())
					}
				}
			}
		}
	}
	for _, a := range l.secretAttributes() {
		addRefs(a.Expr.Variables())
	}
	return vars, locals
}

// secretAttributes are the attributes of data blocks that hold secrets.
func (l *loader) secretAttributes() []*hcl.Attribute {
	var out []*hcl.Attribute
	for _, d := range l.data {
		sa, ok := d.source.(datasource.SecretAttributes)
		if !ok {
			continue
		}
		schema := &hcl.BodySchema{}
		for _, n := range sa.SecretAttributes() {
			schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: n})
		}
		content, _, _ := d.Body.PartialContent(schema)
		for _, a := range content.Attributes {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Range.String() < out[j].Range.String() })
	return out
}

// secrets is what no diagnostic may show: the text of every sensitive value
// of a variable or local, of the secret attributes (an address written
// literally is marked by nothing), and rtctl's credentials.
func (l *loader) secrets() redact.Secrets {
	set := map[string]bool{}
	for _, v := range l.varSeen {
		redact.AddSensitiveStrings(set, v)
	}
	for _, v := range l.localValues {
		redact.AddSensitiveStrings(set, v)
	}
	if attrs := l.secretAttributes(); len(attrs) > 0 {
		ctx := l.evalContext()
		for _, a := range attrs {
			if v, diags := a.Expr.Value(ctx); !diags.HasErrors() {
				redact.AddSecretStrings(set, v)
			}
		}
	}
	return redact.New(set, l.creds)
}
