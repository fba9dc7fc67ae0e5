package spec

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/datasource"
	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "rtctl"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: KindOfflineTime, LabelNames: []string{"name"}},
		{Type: KindHighlight, LabelNames: []string{"name"}},
		{Type: KindFocusSession, LabelNames: []string{"name"}},
	},
}

// decodeBlocks sorts top-level blocks by kind, reporting duplicates, and
// returns the resource blocks in source order. ok is false when there are
// more declarations than the limit, and nothing more should be done.
func (l *loader) decodeBlocks(blocks hcl.Blocks) (_ []*resourceBlock, ok bool) {
	settings, resourceHCL, ok := l.declare(blocks)
	if !ok {
		return nil, false
	}
	l.decodeSettings(settings)
	sc := l.scope()
	var out []*resourceBlock
	schemas := map[string]*hcl.BodySchema{
		KindOfflineTime:  withMeta(offlineTimeSchema),
		KindHighlight:    withMeta(highlightSchema),
		KindFocusSession: withMeta(focusSessionSchema),
	}
	for _, b := range resourceHCL {
		rb, diags := decodeResourceBlock(b, schemas[b.Type], sc)
		l.diags = append(l.diags, diags...)
		out = append(out, rb)
	}
	return out, true
}

// declare records the variables, locals and data blocks of blocks,
// reporting duplicates and counting declarations against the limit (ok is
// false past it), and returns the rtctl blocks and the resource blocks.
func (l *loader) declare(blocks hcl.Blocks) (settings, resourceHCL []*hcl.Block, ok bool) {
	var locals []*local
	seen := map[string]hcl.Range{} // "KIND.NAME" of resources and data
	declared := 0
	for _, b := range blocks {
		declared++
		if declared > l.limits.MaxDeclarations {
			l.diags = append(l.diags, tooManyDeclarations(l.limits.MaxDeclarations, b.DefRange))
			return nil, nil, false
		}
		switch b.Type {
		case "rtctl":
			settings = append(settings, b)
		case "variable":
			v, diags := decodeVariableBlock(b, l.funcs)
			l.diags = append(l.diags, diags...)
			if prev, ok := l.variables[v.Name]; ok {
				l.diags = append(l.diags, duplicateBlock("variable", v.Name, b.DefRange, prev.DeclRange))
				continue
			}
			l.variables[v.Name] = v
		case "locals":
			ls, diags := decodeLocalsBlock(b)
			l.diags = append(l.diags, diags...)
			locals = append(locals, ls...)
			if declared += len(ls); declared > l.limits.MaxDeclarations {
				l.diags = append(l.diags, tooManyDeclarations(l.limits.MaxDeclarations, ls[len(ls)-1].DeclRange))
				return nil, nil, false
			}
		case "data":
			d, diags := decodeDataBlock(b, l.registry)
			l.diags = append(l.diags, diags...)
			if prev, ok := l.data[d.key()]; ok {
				l.diags = append(l.diags, duplicateBlock("data \""+d.Type+"\"", d.Name, b.DefRange, prev.DeclRange))
				continue
			}
			l.data[d.key()] = d
		default:
			key := b.Type + "." + b.Labels[0]
			if prev, ok := seen[key]; ok {
				l.diags = append(l.diags, duplicateBlock(b.Type, b.Labels[0], b.DefRange, prev))
				continue
			}
			seen[key] = b.DefRange
			resourceHCL = append(resourceHCL, b)
		}
	}
	for _, lc := range locals {
		if prev, ok := l.locals[lc.Name]; ok {
			l.diags = append(l.diags, duplicateLocal(lc, prev))
			continue
		}
		l.locals[lc.Name] = lc
	}
	return settings, resourceHCL, true
}

// decodeSettings decodes the one rtctl block of settings, reporting it
// missing or repeated.
func (l *loader) decodeSettings(settings []*hcl.Block) {
	switch len(settings) {
	case 0:
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing rtctl block",
			Detail:   "A configuration needs one rtctl block that sets at least the account's time zone, such as:\n\n  rtctl {\n    timezone = \"Europe/Berlin\"\n  }",
			Subject:  l.missingRange.Ptr(),
		})
	default:
		for _, b := range settings[1:] {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate rtctl block",
				Detail:   "A configuration has exactly one rtctl block; another was already declared at " + settings[0].DefRange.String() + ".",
				Subject:  b.DefRange.Ptr(),
			})
		}
		s, diags := decodeSettingsBlock(settings[0])
		l.diags = append(l.diags, diags...)
		l.settings = s
	}
}

func tooManyDeclarations(max int, at hcl.Range) *hcl.Diagnostic {
	return limits.Diag("MaxDeclarations", int64(max), "Too many declarations",
		fmt.Sprintf("The configuration declares more than %d blocks, local values and variables; this one is over the limit. Generate items with for_each from a map or a data source instead.", max),
		at.Ptr())
}

func duplicateBlock(kind, name string, rng, prev hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + strings.SplitN(kind, " ", 2)[0] + " block",
		Detail:   fmt.Sprintf("%s %q was already declared at %s. Names must be unique per type.", kind, name, prev),
		Subject:  rng.Ptr(),
	}
}

// scope is what expressions outside resources may refer to.
func (l *loader) scope() scope {
	sc := scope{vars: map[string]bool{}, locals: map[string]bool{}, data: map[string]bool{}}
	for n := range l.variables {
		sc.vars[n] = true
	}
	for n := range l.locals {
		sc.locals[n] = true
	}
	for n := range l.data {
		sc.data[n] = true
	}
	return sc
}

// LanguageSchema is the shape of the configuration language, for
// documenting it (package reference): the schemas the loader decodes
// with, the data sources every configuration has and the function table
// it evaluates with.
type LanguageSchema struct {
	Root        *hcl.BodySchema            // the top-level blocks
	Blocks      map[string]*hcl.BodySchema // by block type; nil for locals and data, which have none of their own
	Lifecycle   *hcl.BodySchema            // a resource's lifecycle block
	Validation  *hcl.BodySchema            // a variable's validation block
	Meta        []hcl.AttributeSchema      // the meta-arguments of resource blocks
	DataSources datasource.Registry
	// Functions are the table a configuration sees, today() included,
	// without the ones the loader adds to count evaluation steps.
	Functions map[string]function.Function
}

// Language returns the shape of the configuration language.
func Language() LanguageSchema {
	fns := funcs.Table(confdir.NewPolicy("", nil, nil, nil), nil, DefaultLimits())
	fns["today"] = funcs.Today(funcs.NewTodayClock(time.Time{}))
	return LanguageSchema{
		Root: rootSchema,
		Blocks: map[string]*hcl.BodySchema{
			"rtctl":          settingsSchema,
			"variable":       variableSchema,
			"locals":         nil,
			"data":           nil,
			KindOfflineTime:  offlineTimeSchema,
			KindHighlight:    highlightSchema,
			KindFocusSession: focusSessionSchema,
		},
		Lifecycle:   lifecycleSchema,
		Validation:  validationSchema,
		Meta:        metaArguments,
		DataSources: builtinDataSources(),
		Functions:   fns,
	}
}
