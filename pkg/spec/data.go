package spec

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/datasource"
	"github.com/rtctl/rtctl/pkg/spec/datasource/gitlog"
	"github.com/rtctl/rtctl/pkg/spec/datasource/ical"
	"github.com/rtctl/rtctl/pkg/spec/funcs"
)

// builtinDataSources are the data sources every configuration has:
// data "ical" (calendar occurrences) and data "git_log" (commits).
func builtinDataSources() datasource.Registry {
	return datasource.Registry{
		"ical":    ical.Source{},
		"git_log": gitlog.Source{},
	}
}

// dataBlock is a parsed data block awaiting evaluation.
type dataBlock struct {
	Type, Name string
	Body       hcl.Body
	DeclRange  hcl.Range
	TypeRange  hcl.Range
	source     datasource.Source // nil when the type is unknown
}

func (d *dataBlock) key() string { return d.Type + "." + d.Name }

func decodeDataBlock(block *hcl.Block, reg datasource.Registry) (*dataBlock, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	d := &dataBlock{
		Type:      block.Labels[0],
		Name:      block.Labels[1],
		Body:      block.Body,
		DeclRange: block.DefRange,
		TypeRange: block.LabelRanges[0],
	}
	diags = append(diags, checkName("data source", d.Name, block.LabelRanges[1])...)
	src, ok := reg[d.Type]
	if !ok {
		names := make([]string, 0, len(reg))
		for n := range reg {
			names = append(names, n)
		}
		sort.Strings(names)
		detail := "This configuration has no data sources."
		if len(names) > 0 {
			detail = "The data source types available are: " + strings.Join(names, ", ") + "."
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown data source type",
			Detail:   "There is no data source of type \"" + d.Type + "\". " + detail,
			Subject:  d.TypeRange.Ptr(),
		})
		return d, diags
	}
	d.source = src
	return d, diags
}

// references lists what the block's body refers to.
func (d *dataBlock) references() []hcl.Traversal {
	if d.source == nil {
		return nil
	}
	return hcldec.Variables(d.Body, d.source.ConfigSpec())
}

// prepare decodes the body and readies the context of a Read; ok is false
// when Read must not be called (diags say why, or an error the block
// depends on was reported already). It evaluates expressions, so it runs
// on the loader's goroutine; only Read may run beside others. holdsSecret
// reports a credential of LoadOptions.Secrets in a string: a
// configuration holding one is not read.
func (d *dataBlock) prepare(ectx *hcl.EvalContext, dc datasource.Context, holdsSecret func(string) bool) (datasource.Context, cty.Value, hcl.Diagnostics, bool) {
	cfg, diags := decodeConfig(d.Body, d.source.ConfigSpec(), ectx)
	if diags.HasErrors() {
		return dc, cty.DynamicVal, diags, false
	}
	if !cfg.IsWhollyKnown() {
		// Something it refers to failed (a variable that failed its
		// validation, say), and that was reported: reading with a value
		// nobody vouches for could fetch or print what should not be.
		return dc, cty.DynamicVal, diags, false
	}
	dc.Address = "data." + d.Type + "." + d.Name
	dc.Range = d.DeclRange
	dc.Body = d.Body
	if holdsSecret != nil && anyString(cfg, holdsSecret) {
		// A data source may send its configuration elsewhere: a
		// calendar's url is fetched, from any server.
		return dc, cty.DynamicVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Credential in data source",
			Detail:   "The configuration of " + dc.Address + " contains one of rtctl's credentials (the API key, an access token or the client secret), which it could send elsewhere. Check where its values come from.",
			Subject:  d.DeclRange.Ptr(),
		}), false
	}
	return dc, cfg, diags, true
}

// call is the data source's Read of a prepared configuration.
func (d *dataBlock) call(dc datasource.Context, cfg cty.Value) (cty.Value, hcl.Diagnostics) {
	// A data source gets plain values (a sensitive url is still the
	// address to fetch); what it returns is its content, not marked.
	cfg, _ = cfg.UnmarkDeep()
	val, diags := d.source.Read(dc, cfg)
	if val == cty.NilVal {
		val = cty.DynamicVal
	}
	return val, diags
}

// decodeConfig is hcldec.Decode, except that the attributes of an
// ObjectSpec of AttrSpecs are converted to their types in linear time (see
// fastConvert): hcldec's conversion of a large tuple to a list is
// quadratic.
func decodeConfig(body hcl.Body, spec hcldec.Spec, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	obj, ok := spec.(hcldec.ObjectSpec)
	if !ok {
		return hcldec.Decode(body, spec, ctx)
	}
	loose := make(hcldec.ObjectSpec, len(obj))
	for k, s := range obj {
		a, ok := s.(*hcldec.AttrSpec)
		if !ok {
			return hcldec.Decode(body, spec, ctx)
		}
		c := *a
		c.Type = cty.DynamicPseudoType
		loose[k] = &c
	}
	v, diags := hcldec.Decode(body, loose, ctx)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return cty.UnknownVal(hcldec.ImpliedType(spec)), diags
	}
	var exprs hcl.Attributes
	attrs := make(map[string]cty.Value, len(obj))
	for k, s := range obj {
		a := s.(*hcldec.AttrSpec)
		av := v.GetAttr(k)
		if av.IsNull() {
			attrs[k] = cty.NullVal(a.Type)
			continue
		}
		cv, err := funcs.FastConvert(av, a.Type, false)
		if err != nil {
			if exprs == nil {
				schema := &hcl.BodySchema{}
				for _, s := range obj {
					schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: s.(*hcldec.AttrSpec).Name})
				}
				content, _, _ := body.PartialContent(schema)
				exprs = content.Attributes
			}
			d := &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Incorrect attribute value type",
				Detail:   fmt.Sprintf("Inappropriate value for attribute %q: %s.", a.Name, err),
			}
			if attr := exprs[a.Name]; attr != nil {
				d.Subject = attr.Expr.Range().Ptr()
				d.Context = hcl.RangeBetween(attr.NameRange, attr.Expr.Range()).Ptr()
				d.Expression, d.EvalContext = attr.Expr, ctx
			}
			diags = append(diags, d)
			cv = cty.UnknownVal(a.Type)
		}
		attrs[k] = cv
	}
	return cty.ObjectVal(attrs), diags
}

// anyString reports whether some string inside v, however deep, satisfies
// match.
func anyString(v cty.Value, match func(string) bool) bool {
	found := false
	_ = cty.Walk(v, func(_ cty.Path, val cty.Value) (bool, error) {
		val, _ = val.Unmark()
		if found || !val.IsKnown() || val.IsNull() {
			return false, nil
		}
		if val.Type() == cty.String && match(val.AsString()) {
			found = true
		}
		return !found, nil
	})
	return found
}

// maxDataReads bounds the data sources read at once.
const maxDataReads = 4

// DefaultDataTimeout is how long reading all data sources of one load may
// take unless LoadOptions.DataTimeout says otherwise.
const DefaultDataTimeout = time.Minute

// dataResult is what reading one data source gave.
type dataResult struct {
	val   cty.Value
	diags hcl.Diagnostics
}

// readData reads the data sources of batch, whose dependencies are all
// evaluated, at most maxDataReads at a time, into results. Their
// configurations are evaluated here, in order; only the reads run
// concurrently, and their diagnostics are reported later in evaluation
// order, whatever order they finish in.
func (l *loader) readData(ctx context.Context, batch []*graphNode, results map[string]dataResult) {
	type job struct {
		key string
		d   *dataBlock
		dc  datasource.Context
		cfg cty.Value
	}
	var jobs []job
	for _, n := range batch {
		d := l.data[strings.TrimPrefix(n.key, "data.")]
		dc := l.dataContext()
		dc.Context = ctx
		dc, cfg, diags, ok := d.prepare(l.evalContextFor(n.travs), dc, l.holdsSecret)
		results[n.key] = dataResult{val: cty.DynamicVal, diags: diags}
		if ok {
			jobs = append(jobs, job{n.key, d, dc, cfg})
		}
	}
	type done struct {
		i   int
		res dataResult
	}
	// Buffered, so that a read stuck where its context cannot reach
	// (a blocking open) never holds the load past its deadline: it is
	// left behind, and its answer, if it ever comes, has a place to go.
	finished := make(chan done, len(jobs))
	sem := make(chan struct{}, maxDataReads)
	for i, j := range jobs {
		go func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				finished <- done{i, dataResult{val: cty.DynamicVal, diags: notRead(j.d)}}
				return
			}
			val, diags := j.d.call(j.dc, j.cfg)
			finished <- done{i, dataResult{val: val, diags: diags}}
		}()
	}
	out := make([]dataResult, len(jobs))
	got := make([]bool, len(jobs))
	for range jobs {
		select {
		case f := <-finished:
			out[f.i], got[f.i] = f.res, true
			continue
		case <-ctx.Done():
		}
		break
	}
	for i, j := range jobs {
		if !got[i] {
			out[i] = dataResult{val: cty.DynamicVal, diags: notRead(j.d)}
		}
		r := results[j.key]
		results[j.key] = dataResult{val: out[i].val, diags: append(r.diags, out[i].diags...)}
	}
}

// notRead stands for the result of a read the load's end cut short; the
// loader reports the interruption instead.
func notRead(d *dataBlock) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Not read", Subject: d.DeclRange.Ptr()}}
}

// readyAt reports whether everything n depends on comes before position i
// of the evaluation order (pos) (and so has been evaluated when i is reached).
func readyAt(n *graphNode, i int, pos map[string]int) bool {
	for _, d := range n.deps {
		if p, ok := pos[d]; ok && p >= i {
			return false
		}
	}
	return true
}

// interrupted reports that loading stopped at data source d because ctx
// ended (Ctrl-C, or a deadline).
func (l *loader) interrupted(d *dataBlock, err error) *hcl.Diagnostic {
	what := "was interrupted"
	if errors.Is(err, context.DeadlineExceeded) {
		what = "ran out of time"
		if l.ctx.Err() == nil {
			what = fmt.Sprintf("ran out of time (reading the data sources may take %s in all; --timeout sets it)", l.dataTimeout())
		}
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Loading interrupted",
		Detail:   fmt.Sprintf("Loading the configuration %s while reading data.%s; nothing was planned or posted.", what, d.key()),
		Subject:  d.DeclRange.Ptr(),
	}
}

// dataTimeout is LoadOptions.DataTimeout, or its default.
func (l *loader) dataTimeout() time.Duration {
	if l.opts.DataTimeout > 0 {
		return l.opts.DataTimeout
	}
	return DefaultDataTimeout
}

func (l *loader) dataContext() datasource.Context {
	return datasource.Context{
		Context:    l.ctx,
		Timezone:   l.cfg.Timezone,
		Lookback:   l.cfg.Lookback,
		Now:        l.opts.Now,
		BaseDir:    l.baseDir,
		Getenv:     l.opts.Getenv,
		HTTPClient: l.opts.HTTPClient,
		ReadFile:   l.files.Read,
		Limits:     l.limits,
	}
}
