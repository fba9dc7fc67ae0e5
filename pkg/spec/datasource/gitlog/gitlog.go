package gitlog

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec/datasource"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// Source is data "git_log": the commits of a local repository inside
// the lookback window, one by one (commits) and grouped per day (days), so
// a configuration can post several highlights a day or one.
type Source struct{}

var gitCommitType = cty.Object(map[string]cty.Type{
	"hash":       cty.String,
	"short_hash": cty.String,
	"date":       cty.String,
	"time":       cty.String,
	"subject":    cty.String,
	"author":     cty.String,
	"email":      cty.String,
})

var gitDayType = cty.Object(map[string]cty.Type{
	"date":     cty.String,
	"count":    cty.Number,
	"subjects": cty.List(cty.String),
	"summary":  cty.String,
})

func (Source) ConfigSpec() hcldec.Spec {
	return hcldec.ObjectSpec{
		"path":           &hcldec.AttrSpec{Name: "path", Type: cty.String},
		"author":         &hcldec.AttrSpec{Name: "author", Type: cty.String},
		"branch":         &hcldec.AttrSpec{Name: "branch", Type: cty.String},
		"paths":          &hcldec.AttrSpec{Name: "paths", Type: cty.List(cty.String)},
		"include_merges": &hcldec.AttrSpec{Name: "include_merges", Type: cty.Bool},
		"window_start":   &hcldec.AttrSpec{Name: "window_start", Type: cty.String},
		"window_end":     &hcldec.AttrSpec{Name: "window_end", Type: cty.String},
	}
}

// gitCommit is one commit of the log.
type gitCommit struct {
	Hash, ShortHash, Author, Email, Subject string
	When                                    time.Time
}

func (Source) Read(dc datasource.Context, cfg cty.Value) (cty.Value, hcl.Diagnostics) {
	if !cfg.IsWhollyKnown() {
		return cty.DynamicVal, nil
	}
	var diags hcl.Diagnostics
	fail := func(summary, detail string) (cty.Value, hcl.Diagnostics) {
		return cty.DynamicVal, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: dc.Range.Ptr()})
	}
	shown := datasource.OptString(cfg, "path")
	if shown == "" {
		shown = "."
	}
	branch := datasource.OptString(cfg, "branch")
	if strings.HasPrefix(branch, "-") {
		return fail("Invalid branch", fmt.Sprintf("%s: %q is not a branch name.", dc.Address, branch))
	}
	var paths []string
	if v := cfg.GetAttr("paths"); !v.IsNull() {
		for it := v.ElementIterator(); it.Next(); {
			_, p := it.Element()
			if p.IsNull() {
				continue
			}
			ps := p.AsString()
			if strings.HasPrefix(ps, ":") {
				return fail("Invalid path", fmt.Sprintf("%s: paths entry %s uses pathspec magic (\":...\"), which rtctl does not read; give a directory, a file or a glob such as \"*.go\".", dc.Address, limits.Quoted(ps)))
			}
			paths = append(paths, ps)
		}
	}

	start, end := datasource.OptString(cfg, "window_start"), datasource.OptString(cfg, "window_end")
	if (start == "" || end == "") && dc.Now.IsZero() {
		return fail("Commit window unknown", dc.Address+" reads the commits from now - lookback to now, but this load was not told the current time. Set window_start and window_end, or load with a current time.")
	}
	from, to := dc.Now.Add(-dc.Lookback), dc.Now
	for _, b := range []struct {
		name, val string
		dst       *time.Time
	}{{"window_start", start, &from}, {"window_end", end, &to}} {
		if b.val == "" {
			continue
		}
		t, err := datasource.WindowBound(b.val, dc.Timezone)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid " + b.name, Detail: fmt.Sprintf("%s: %s.", dc.Address, err), Subject: dc.Range.Ptr()})
			continue
		}
		*b.dst = t
	}
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}

	repo, err := findRepository(dc.BaseDir, shown)
	if err != nil {
		var ge *gitError
		if errors.As(err, &ge) {
			return fail(ge.summary, fmt.Sprintf("%s (%s): %s", dc.Address, limits.Clip(shown), ge.detail))
		}
		return fail("Cannot read repository", fmt.Sprintf("%s (%s): %s.", dc.Address, limits.Clip(shown), err))
	}
	commits, err := readGitLog(dc.Context, repo, gitLogQuery{
		Branch: branch, Author: datasource.OptString(cfg, "author"), Paths: paths,
		Merges: datasource.OptBool(cfg, "include_merges"), Since: from, Until: to,
	}, dc.Limits.WithDefaults())
	if err != nil {
		var ge *gitError
		switch {
		case errors.As(err, &ge):
			return fail(ge.summary, fmt.Sprintf("%s (%s): %s", dc.Address, limits.Clip(shown), ge.detail))
		case limits.Extra(err) != nil:
			d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Repository too large", Detail: fmt.Sprintf("%s (%s): %s.", dc.Address, limits.Clip(shown), err), Subject: dc.Range.Ptr(), Extra: limits.Extra(err)}
			return cty.DynamicVal, append(diags, d)
		}
		return fail("Cannot read commits", fmt.Sprintf("%s (%s): %s.", dc.Address, limits.Clip(shown), err))
	}
	return gitLogValue(commits, dc.Timezone), diags
}

// gitLogValue builds {commits, days}: commits oldest first, days in date
// order with their subjects in commit order.
func gitLogValue(commits []gitCommit, loc *time.Location) cty.Value {
	var cvals, dvals []cty.Value
	var dayDates []string
	subjects := map[string][]string{}
	for _, c := range commits {
		t := c.When.In(loc)
		date := t.Format(time.DateOnly)
		cvals = append(cvals, cty.ObjectVal(map[string]cty.Value{
			"hash":       cty.StringVal(c.Hash),
			"short_hash": cty.StringVal(c.ShortHash),
			"date":       cty.StringVal(date),
			"time":       cty.StringVal(t.Format(time.RFC3339)),
			"subject":    cty.StringVal(c.Subject),
			"author":     cty.StringVal(c.Author),
			"email":      cty.StringVal(c.Email),
		}))
		if _, ok := subjects[date]; !ok {
			dayDates = append(dayDates, date)
		}
		subjects[date] = append(subjects[date], c.Subject)
	}
	for _, d := range dayDates {
		subs := make([]cty.Value, len(subjects[d]))
		for i, s := range subjects[d] {
			subs[i] = cty.StringVal(s)
		}
		dvals = append(dvals, cty.ObjectVal(map[string]cty.Value{
			"date":     cty.StringVal(d),
			"count":    cty.NumberIntVal(int64(len(subs))),
			"subjects": cty.ListVal(subs),
			"summary":  cty.StringVal(truncateText(strings.Join(subjects[d], "; "), rtapi.MaxTextLength)),
		}))
	}
	clist, dlist := cty.ListValEmpty(gitCommitType), cty.ListValEmpty(gitDayType)
	if len(cvals) > 0 {
		clist, dlist = cty.ListVal(cvals), cty.ListVal(dvals)
	}
	return cty.ObjectVal(map[string]cty.Value{"commits": clist, "days": dlist})
}

// truncateText cuts s to at most max characters, ending with "…" when cut.
func truncateText(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
