package spec

import (
	"context"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// evaluateGraph evaluates locals, data sources and the rtctl block so each
// comes after what it refers to. Data sources also wait for the rtctl block,
// since they read the time zone and lookback.
func (l *loader) evaluateGraph() {
	g := l.buildGraph()
	sorted, diags := sortNodes(g.nodes)
	l.diags = append(l.diags, diags...)
	if l.settings == nil {
		l.today.Settle(nil)
	}
	// One deadline for all data sources: read one after another, each
	// with its own timeout, N slow calendars took N times as long.
	dctx, cancel := context.WithTimeout(l.ctx, l.dataTimeout())
	defer cancel()
	r := &dataReads{ctx: dctx, sorted: sorted, invalid: g.invalid, pos: make(map[string]int, len(sorted)), results: map[string]dataResult{}}
	for i, n := range sorted {
		r.pos[n.key] = i
	}
	for i, n := range sorted {
		if g.invalid[n.key] {
			continue
		}
		// Only what the node refers to: a context of every value known so
		// far, rebuilt for each of thousands of locals, made loading
		// quadratic.
		ctx := l.evalContextFor(n.travs)
		switch {
		case n.key == settingsNode:
			l.evaluateSettings(ctx)
		case strings.HasPrefix(n.key, "local."):
			l.evaluateLocal(l.locals[strings.TrimPrefix(n.key, "local.")], ctx)
		default:
			if !l.evaluateData(r, i) {
				return
			}
		}
	}
}

// graph is the dependency graph of the rtctl block, locals and data
// sources, with the nodes whose references are invalid (reported, and
// not evaluated).
type graph struct {
	nodes   map[string]*graphNode
	invalid map[string]bool
}

// buildGraph checks the references of the rtctl block, every local and
// every data block, in source order, and makes a node of each; locals and
// data sources start out unknown.
func (l *loader) buildGraph() graph {
	g := graph{nodes: map[string]*graphNode{}, invalid: map[string]bool{}}
	sc := l.scope()
	add := func(key, what string, rng hcl.Range, travs []hcl.Traversal, extra ...string) {
		sc.what = what
		if diags := checkReferences(travs, sc); len(diags) > 0 {
			l.diags = append(l.diags, diags...)
			g.invalid[key] = true
		}
		n := &graphNode{key: key, rng: rng, order: len(g.nodes), travs: travs}
		for _, t := range travs {
			if k := nodeOf(t); k != "" {
				n.deps = append(n.deps, k)
			}
		}
		n.deps = append(n.deps, extra...)
		g.nodes[key] = n
	}
	if l.settings != nil {
		add(settingsNode, "the rtctl block", l.settings.DeclRange, l.settings.references())
	}
	localNames := make([]*local, 0, len(l.locals))
	for _, lc := range l.locals {
		localNames = append(localNames, lc)
	}
	sortByRange(localNames, func(lc *local) hcl.Range { return lc.DeclRange })
	for _, lc := range localNames {
		var extra []string
		if funcs.CallsToday(lc.Expr) {
			// today() reads the rtctl block's time zone.
			extra = append(extra, settingsNode)
		}
		add(localNode(lc.Name), "a local value", lc.DeclRange, lc.Expr.Variables(), extra...)
		l.localValues[lc.Name] = cty.DynamicVal
	}
	dataBlocks := make([]*dataBlock, 0, len(l.data))
	for _, d := range l.data {
		dataBlocks = append(dataBlocks, d)
	}
	sortByRange(dataBlocks, func(d *dataBlock) hcl.Range { return d.DeclRange })
	for _, d := range dataBlocks {
		add(dataNode(d.key()), "a data block", d.DeclRange, d.references(), settingsNode)
		if l.dataValues[d.Type] == nil {
			l.dataValues[d.Type] = map[string]cty.Value{}
		}
		l.dataValues[d.Type][d.Name] = cty.DynamicVal
	}
	return g
}

// evaluateSettings evaluates the rtctl block, which settles the zone
// today() answers in.
func (l *loader) evaluateSettings(ctx *hcl.EvalContext) {
	diags := l.settings.evaluate(ctx, l.cfg)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		l.today.Settle(nil)
	} else {
		l.today.Settle(l.cfg.Timezone)
	}
}

// evaluateLocal evaluates lc; it stays unknown when that fails.
func (l *loader) evaluateLocal(lc *local, ctx *hcl.EvalContext) {
	v, diags := lc.Expr.Value(ctx)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return
	}
	// Each local may double the one before: measured here, a chain of
	// them stops at the limit of one value.
	if _, err := l.guard.CheckValue(v, "the value of local."+lc.Name); err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Value too large",
			Detail:   capitalize(err.Error()) + ".",
			Subject:  lc.DeclRange.Ptr(),
			Extra:    limits.Extra(err),
		})
		return
	}
	if l.secretLocals[lc.Name] {
		v = v.Mark(funcs.Sensitive)
	}
	l.localValues[lc.Name] = v
}

// dataReads is the reading of one evaluation's data sources: the deadline
// they share, the evaluation order, and what the batches read so far gave.
type dataReads struct {
	ctx     context.Context
	sorted  []*graphNode
	invalid map[string]bool
	pos     map[string]int // of each node in sorted
	results map[string]dataResult
}

// evaluateData gives the data source of node i of r.sorted its value,
// reading it (and every later one ready by now) unless an earlier batch
// did. It reports false when the deadline has passed or the load was
// interrupted, and evaluation must stop.
func (l *loader) evaluateData(r *dataReads, i int) bool {
	n := r.sorted[i]
	d := l.data[strings.TrimPrefix(n.key, "data.")]
	if d.source == nil {
		return true
	}
	res, ok := r.results[n.key]
	if !ok {
		if err := r.ctx.Err(); err != nil {
			l.diags = append(l.diags, l.interrupted(d, err))
			return false
		}
		l.readData(r.ctx, l.readyBatch(r, i), r.results)
		res = r.results[n.key]
	}
	if err := r.ctx.Err(); err != nil && res.diags.HasErrors() {
		// What failed is the interruption, not the source: say that,
		// once, rather than a download or git error.
		l.diags = append(l.diags, l.interrupted(d, err))
		return false
	}
	l.diags = append(l.diags, res.diags...)
	if !res.diags.HasErrors() {
		l.dataValues[d.Type][d.Name] = res.val
	}
	return true
}

// readyBatch is node i of r.sorted and every later data source whose
// dependencies are all evaluated by now, to be read side by side.
func (l *loader) readyBatch(r *dataReads, i int) []*graphNode {
	batch := []*graphNode{r.sorted[i]}
	for _, m := range r.sorted[i+1:] {
		if md := l.data[strings.TrimPrefix(m.key, "data.")]; strings.HasPrefix(m.key, "data.") && !r.invalid[m.key] && md != nil && md.source != nil && readyAt(m, i, r.pos) {
			batch = append(batch, m)
		}
	}
	return batch
}

// evalContextFor is the scope of the values known so far that travs refer
// to (checkReferences made sure each names one).
func (l *loader) evalContextFor(travs []hcl.Traversal) *hcl.EvalContext {
	vars, locals := map[string]cty.Value{}, map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, t := range travs {
		name, ok := attrStep(t, 1)
		if !ok {
			continue
		}
		switch t.RootName() {
		case "var":
			if v, ok := l.varValues[name]; ok {
				vars[name] = v
			}
		case "local":
			if v, ok := l.localValues[name]; ok {
				locals[name] = v
			}
		case "data":
			dname, ok := attrStep(t, 2)
			if v, found := l.dataValues[name][dname]; ok && found {
				if data[name] == nil {
					data[name] = map[string]cty.Value{}
				}
				data[name][dname] = v
			}
		}
	}
	dataObj := make(map[string]cty.Value, len(data))
	for typ, byName := range data {
		dataObj[typ] = cty.ObjectVal(byName)
	}
	return l.guard.Track(&hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   cty.ObjectVal(vars),
			"local": cty.ObjectVal(locals),
			"data":  cty.ObjectVal(dataObj),
		},
		Functions: l.funcs,
	})
}

// evalContext is the scope of the values known so far.
func (l *loader) evalContext() *hcl.EvalContext {
	data := make(map[string]cty.Value, len(l.dataValues))
	for typ, byName := range l.dataValues {
		data[typ] = cty.ObjectVal(byName)
	}
	return l.guard.Track(&hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   cty.ObjectVal(l.varValues),
			"local": cty.ObjectVal(l.localValues),
			"data":  cty.ObjectVal(data),
		},
		Functions: l.funcs,
	})
}
