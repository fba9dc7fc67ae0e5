package spec

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/rtctl/rtctl/internal/secretscan"
	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/datasource"
	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// File name suffixes of configuration and auto-loaded variables files.
const (
	ConfigFileSuffix = ".rt.hcl"
	VarsFileSuffix   = ".rtvars.hcl"
)

// LoadOptions is everything Load takes from outside the configuration
// directory. Nothing is read from the process environment directly.
type LoadOptions struct {
	Vars     map[string]string   // --var name=value, raw strings parsed per the variable's type
	VarFiles []string            // --var-file, in command-line order
	Getenv   func(string) string // RTCTL_VAR_name and env(); nil means an empty environment
	Now      time.Time           // for data sources' default windows; zero means unknown
	// DataSources are the data "TYPE" implementations besides the built-in
	// ones; nil means built-ins only.
	DataSources datasource.Registry
	HTTPClient  *http.Client // for data sources; nil means they may not use the network
	// Limits bounds what the configuration may make Load read and compute;
	// zero fields mean DefaultLimits.
	Limits Limits
	// DataTimeout bounds the reading of all data sources together (rtctl
	// --timeout); zero means DefaultDataTimeout.
	DataTimeout time.Duration

	// A configuration is untrusted input: what it reads can end up in a
	// plan (posted as a pull request comment by CI) and in the account.
	// It reads files (file(), data "ical" path) only inside the
	// configuration directory and ReadDirs, never in /proc, /dev or /sys,
	// and never one of SecretFiles; symbolic links are resolved first.

	// ReadDirs are directories besides the configuration directory whose
	// files the configuration may read (relative ones are relative to the
	// working directory).
	ReadDirs []string
	// SecretFiles are rtctl's credential files (--api-key-file, an access
	// token file, a client secret file): never read, however reached
	// (symbolic or hard link).
	SecretFiles []string
	// Secrets are the values of rtctl's credentials (API key, access
	// token, client secret). A file holding one is not read; text that
	// would be posted (activity, details, description, source), a
	// for_each key or a data source's configuration holding one (in any
	// case, or an 8-character piece of one of 16 characters or more) is
	// an error; no diagnostic shows one. Values shorter than 8 characters
	// are ignored: no credential is that short, and hiding them would
	// garble messages.
	Secrets []string
	// KeepScope keeps the values the load computed, so that Config.Console
	// can evaluate expressions with them afterwards.
	KeepScope bool
}

// Config is a loaded configuration: settings and the desired items.
type Config struct {
	Timezone  *time.Location
	Lookback  time.Duration // DefaultLookback unless set
	OnOverlap OverlapPolicy // OverlapError unless set
	// Backend is the kind of backend the rtctl block asks the account's
	// journal to be kept in ("local", "git"; "" when it says nothing). It
	// names only the kind: where a shared backend's store is, the person
	// or CI says, never the configuration.
	Backend string

	OfflineTimes  []OfflineTime // in start order
	Highlights    []Highlight   // in address order
	FocusSessions []FocusSession
	// DroppedOfflineTimes are blocks on_overlap = "trim" removed entirely,
	// kept so the plan can say what it dropped and why.
	DroppedOfflineTimes []OfflineTime

	Files map[string]*hcl.File // every parsed file, for rendering diagnostics
	// Hash identifies the configuration's sources and variable values, so
	// a saved plan can be refused when either changed.
	Hash string
	// Sources are what Hash is made of, by name: "file main.rt.hcl",
	// "var NAME", "data ical.work" (a digest each), and "today" (the date,
	// when today() was used), so that a changed one can be named.
	Sources map[string]string
	// VariableNames are the configuration's declared variables, sorted.
	VariableNames []string
	// SecretVars are the variables whose values are sensitive (declared
	// sensitive = true, or a calendar's url is computed from them): never
	// written down, in a saved plan or anywhere else.
	SecretVars map[string]bool

	console *Console // with LoadOptions.KeepScope
}

// Load reads every *.rt.hcl file of dir, and the *.rtvars.hcl files beside
// them, and returns the configuration they declare. The returned Config is
// never nil, so its Files can render the diagnostics; it is usable only when
// the diagnostics hold no errors.
//
// ctx bounds the data sources (a calendar download, git log), and so does
// LoadOptions.DataTimeout: once either ends, those running stop and Load
// reports the interruption instead of reading the others.
func Load(ctx context.Context, dir string, opts LoadOptions) (*Config, hcl.Diagnostics) {
	l := newLoader(ctx, dir, opts)
	entries, err := os.ReadDir(dir)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration directory",
			Detail:   fmt.Sprintf("Reading %s: %s.", dir, confdir.UnwrapPathError(err)),
		})
		return l.cfg, l.diags
	}
	var sources []source
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ConfigFileSuffix) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, diag := l.readSource(dir, path, "configuration file")
		if diag != nil {
			l.diags = append(l.diags, diag)
			continue
		}
		sources = append(sources, source{name: path, src: b})
	}
	if len(sources) == 0 && !l.diags.HasErrors() {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("%s holds no *%s files. Run rtctl init to write a starter configuration.", dir, ConfigFileSuffix),
		})
		return l.cfg, l.diags
	}
	l.load(sources, autoVarFiles(dir, entries))
	l.diags = append(l.diags, foreignVarFiles(entries)...)
	sortDiagnostics(l.diags)
	// Secrets out first: clipping could cut one where it is no longer
	// recognised.
	secrets := l.secrets()
	scrubDiagnostics(l.diags, l.cfg.Files, secrets)
	l.diags = finishDiagnostics(l.diags, l.guard)
	if opts.KeepScope && !l.diags.HasErrors() {
		l.keepScope(secrets)
	}
	return l.cfg, l.diags
}

// instrument makes evaluating f's expressions count against the
// evaluation limits (see funcs.Guard).
func (l *loader) instrument(f *hcl.File) hcl.Diagnostics {
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		return l.guard.Instrument(body)
	}
	return nil
}

// readSource reads a file to parse, within the limits of one file and of
// all files together; dir is the configuration directory path must stay
// in, or "" for a file the person named (see confdir.ReadSource).
func (l *loader) readSource(dir, path, what string) ([]byte, *hcl.Diagnostic) {
	b, diag := confdir.ReadSource(dir, path, what, l.limits.MaxFileBytes)
	if diag != nil {
		return nil, diag
	}
	l.sourceBytes += int64(len(b))
	if l.sourceBytes > l.limits.MaxSourceBytes {
		return nil, limits.Diag("MaxSourceBytes", l.limits.MaxSourceBytes, "Configuration too large",
			fmt.Sprintf("Reading %s brings the configuration and variables files to more than %d bytes together, the limit.", path, l.limits.MaxSourceBytes), nil)
	}
	return b, nil
}

// source is one configuration file's name and content.
type source struct {
	name string
	src  []byte
}

// loader holds the state of one Load.
type loader struct {
	ctx    context.Context
	opts   LoadOptions
	limits Limits
	// sourceBytes counts the bytes of every file read, against
	// limits.MaxSourceBytes.
	sourceBytes int64
	files       *confdir.Policy // what file() and data sources may read
	creds       *secretscan.Set // LoadOptions.Secrets
	guard       *funcs.Guard    // the evaluation limits
	baseDir     string
	parser      *hclparse.Parser
	funcs       map[string]function.Function
	today       *funcs.TodayClock // behind today(); settled once the rtctl block is evaluated
	registry    datasource.Registry
	cfg         *Config
	diags       hcl.Diagnostics

	variables map[string]*variable
	locals    map[string]*local
	data      map[string]*dataBlock // by "TYPE.NAME"
	settings  *settingsBlock
	// missingRange locates diagnostics about something missing from the
	// configuration as a whole.
	missingRange hcl.Range

	varValues   map[string]cty.Value
	varSeen     map[string]cty.Value // every variable's value, also those that failed validation
	localValues map[string]cty.Value
	dataValues  map[string]map[string]cty.Value
	// secretLocals are the locals a secret attribute is computed from,
	// whose values are marked sensitive.
	secretLocals map[string]bool
}

func newLoader(ctx context.Context, dir string, opts LoadOptions) *loader {
	reg := builtinDataSources()
	for k, v := range opts.DataSources {
		reg[k] = v
	}
	if ctx == nil {
		ctx = context.Background()
	}
	parser := hclparse.NewParser()
	limits := opts.Limits.WithDefaults()
	files := confdir.NewPolicy(dir, opts.ReadDirs, opts.SecretFiles, opts.Secrets)
	creds := &secretscan.Set{}
	for _, s := range opts.Secrets {
		if s = strings.TrimSpace(s); len(s) >= minSecretLength {
			creds.Add(s)
		}
	}
	fns := funcs.Table(files, opts.Getenv, limits)
	today := funcs.NewTodayClock(opts.Now)
	fns["today"] = funcs.Today(today)
	guard := funcs.NewGuard(limits)
	fns = funcs.Wrap(fns, guard)
	for name, f := range guard.Hooks() {
		fns[name] = f
	}
	return &loader{
		ctx:      ctx,
		opts:     opts,
		limits:   limits,
		files:    files,
		creds:    creds,
		guard:    guard,
		baseDir:  dir,
		parser:   parser,
		funcs:    fns,
		today:    today,
		registry: reg,
		cfg: &Config{
			Timezone:  time.UTC,
			Lookback:  DefaultLookback,
			OnOverlap: OverlapError,
			Files:     parser.Files(),
		},
		variables:   map[string]*variable{},
		locals:      map[string]*local{},
		data:        map[string]*dataBlock{},
		localValues: map[string]cty.Value{},
		dataValues:  map[string]map[string]cty.Value{},
	}
}

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

func (l *loader) load(sources []source, autoFiles []string) {
	// Parse and decode the top-level structure of every file.
	var files []*hcl.File
	for _, s := range sources {
		var ends []int
		if diags := checkSource(s.src, s.name, l.limits, &ends); diags.HasErrors() {
			l.diags = append(l.diags, diags...)
			continue
		}
		if pieces, whole, ok := parsePieces(s.src, s.name, ends); ok {
			l.cfg.Files[s.name] = whole
			for _, p := range pieces {
				f := p.File
				l.diags = append(l.diags, checkSecrets(f, p.start)...)
				l.diags = append(l.diags, l.instrument(f)...)
				files = append(files, f)
			}
			continue
		}
		f, diags := l.parser.ParseHCL(s.src, s.name)
		l.diags = append(l.diags, diags...)
		if f != nil {
			l.diags = append(l.diags, checkSecrets(f, hcl.InitialPos)...)
			l.diags = append(l.diags, l.instrument(f)...)
			files = append(files, f)
		}
	}
	// After a syntax error the structure is a guess: what follows would
	// mostly report the guess, not the user's mistakes.
	if l.diags.HasErrors() {
		return
	}
	if len(files) > 0 {
		// Where a missing rtctl block is reported: the start of the first
		// file, as good a place as any to add it.
		l.missingRange = files[0].Body.MissingItemRange()
	}
	var blocks hcl.Blocks
	for _, f := range files {
		content, diags := f.Body.Content(rootSchema)
		l.diags = append(l.diags, diags...)
		blocks = append(blocks, content.Blocks...)
	}
	resources, ok := l.decodeBlocks(blocks)
	if !ok {
		return
	}

	// What a calendar's url is computed from is sensitive from the start,
	// so that everything computed from it is too.
	secretVars, secretLocals := l.secretReferences()
	for name := range secretVars {
		if v := l.variables[name]; v != nil {
			v.Sensitive = true
		}
	}
	l.secretLocals = secretLocals

	// Variables first: they depend on nothing.
	raw, diags := l.collectVariableValues(autoFiles, l.opts.VarFiles)
	l.diags = append(l.diags, diags...)
	l.varValues, l.varSeen, diags = finalVariableValues(l.variables, raw, l.funcs, l.guard)
	for name, v := range l.variables {
		l.cfg.VariableNames = append(l.cfg.VariableNames, name)
		if v.Sensitive {
			if l.cfg.SecretVars == nil {
				l.cfg.SecretVars = map[string]bool{}
			}
			l.cfg.SecretVars[name] = true
		}
	}
	sort.Strings(l.cfg.VariableNames)
	l.diags = append(l.diags, diags...)

	// Then locals, data sources and settings, in dependency order.
	l.evaluateGraph()

	// Then every resource, expanded.
	ctx := l.evalContext()
	var offline []OfflineTime
	for _, rb := range resources {
		if l.guard.Quiet() {
			// The error is reported; what is left would be unknown.
			break
		}
		insts, diags := rb.expand(ctx, expansion{maxInstances: l.limits.MaxInstances, holdsSecret: l.holdsSecret})
		l.diags = append(l.diags, diags...)
		for _, inst := range insts {
			if l.guard.Quiet() {
				break
			}
			switch rb.Kind {
			case KindOfflineTime:
				if it, ok := l.decodeOfflineTime(rb, inst); ok {
					offline = append(offline, it)
				}
			case KindHighlight:
				if it, ok := l.decodeHighlight(rb, inst); ok {
					l.cfg.Highlights = append(l.cfg.Highlights, it)
				}
			case KindFocusSession:
				if it, ok := l.decodeFocusSession(rb, inst); ok {
					l.cfg.FocusSessions = append(l.cfg.FocusSessions, it)
				}
			}
		}
	}
	l.duplicateHighlights()
	kept, dropped, diags := resolveOverlaps(offline, l.cfg.OnOverlap)
	l.diags = append(l.diags, diags...)
	for _, it := range kept {
		l.offlineWarnings(it)
	}
	l.cfg.OfflineTimes, l.cfg.DroppedOfflineTimes = kept, dropped
	l.cfg.Hash = l.hash()
}

// decodeBlocks sorts top-level blocks by kind, reporting duplicates, and
// returns the resource blocks in source order. ok is false when there are
// more declarations than the limit, and nothing more should be done.
func (l *loader) decodeBlocks(blocks hcl.Blocks) (_ []*resourceBlock, ok bool) {
	var settings []*hcl.Block
	var locals []*local
	var resourceHCL []*hcl.Block
	seen := map[string]hcl.Range{} // "KIND.NAME" of resources and data
	declared := 0
	for _, b := range blocks {
		declared++
		if declared > l.limits.MaxDeclarations {
			l.diags = append(l.diags, tooManyDeclarations(l.limits.MaxDeclarations, b.DefRange))
			return nil, false
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
				return nil, false
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

// evaluateGraph evaluates locals, data sources and the rtctl block so each
// comes after what it refers to. Data sources also wait for the rtctl block,
// since they read the time zone and lookback.
func (l *loader) evaluateGraph() {
	nodes := map[string]*graphNode{}
	order := 0
	add := func(key string, rng hcl.Range, travs []hcl.Traversal, extra ...string) {
		n := &graphNode{key: key, rng: rng, order: order, travs: travs}
		order++
		for _, t := range travs {
			if k := nodeOf(t); k != "" {
				n.deps = append(n.deps, k)
			}
		}
		n.deps = append(n.deps, extra...)
		nodes[key] = n
	}
	sc := l.scope()
	invalid := map[string]bool{}
	if l.settings != nil {
		sc.what = "the rtctl block"
		travs := l.settings.references()
		if diags := checkReferences(travs, sc); len(diags) > 0 {
			l.diags = append(l.diags, diags...)
			invalid[settingsNode] = true
		}
		add(settingsNode, l.settings.DeclRange, travs)
	}
	localNames := make([]*local, 0, len(l.locals))
	for _, lc := range l.locals {
		localNames = append(localNames, lc)
	}
	sortByRange(localNames, func(lc *local) hcl.Range { return lc.DeclRange })
	for _, lc := range localNames {
		sc.what = "a local value"
		travs := lc.Expr.Variables()
		if diags := checkReferences(travs, sc); len(diags) > 0 {
			l.diags = append(l.diags, diags...)
			invalid[localNode(lc.Name)] = true
		}
		l.localValues[lc.Name] = cty.DynamicVal
		var extra []string
		if funcs.CallsToday(lc.Expr) {
			// today() reads the rtctl block's time zone.
			extra = append(extra, settingsNode)
		}
		add(localNode(lc.Name), lc.DeclRange, travs, extra...)
	}
	dataBlocks := make([]*dataBlock, 0, len(l.data))
	for _, d := range l.data {
		dataBlocks = append(dataBlocks, d)
	}
	sortByRange(dataBlocks, func(d *dataBlock) hcl.Range { return d.DeclRange })
	for _, d := range dataBlocks {
		sc.what = "a data block"
		travs := d.references()
		if diags := checkReferences(travs, sc); len(diags) > 0 {
			l.diags = append(l.diags, diags...)
			invalid[dataNode(d.key())] = true
		}
		if l.dataValues[d.Type] == nil {
			l.dataValues[d.Type] = map[string]cty.Value{}
		}
		l.dataValues[d.Type][d.Name] = cty.DynamicVal
		add(dataNode(d.key()), d.DeclRange, travs, settingsNode)
	}

	sorted, diags := sortNodes(nodes)
	l.diags = append(l.diags, diags...)
	if l.settings == nil {
		l.today.Settle(nil)
	}
	// One deadline for all data sources: read one after another, each
	// with its own timeout, N slow calendars took N times as long.
	dctx, cancel := context.WithTimeout(l.ctx, l.dataTimeout())
	defer cancel()
	pos := make(map[string]int, len(sorted))
	for i, n := range sorted {
		pos[n.key] = i
	}
	read := map[string]dataResult{}
	for i, n := range sorted {
		if invalid[n.key] {
			continue
		}
		// Only what the node refers to: a context of every value known so
		// far, rebuilt for each of thousands of locals, made loading
		// quadratic.
		ctx := l.evalContextFor(n.travs)
		switch {
		case n.key == settingsNode:
			diags := l.settings.evaluate(ctx, l.cfg)
			l.diags = append(l.diags, diags...)
			if diags.HasErrors() {
				l.today.Settle(nil)
			} else {
				l.today.Settle(l.cfg.Timezone)
			}
		case strings.HasPrefix(n.key, "local."):
			lc := l.locals[strings.TrimPrefix(n.key, "local.")]
			v, diags := lc.Expr.Value(ctx)
			l.diags = append(l.diags, diags...)
			if diags.HasErrors() {
				continue
			}
			// Each local may double the one before: measured here, a
			// chain of them stops at the limit of one value.
			if _, err := l.guard.CheckValue(v, "the value of local."+lc.Name); err != nil {
				l.diags = append(l.diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Value too large",
					Detail:   capitalize(err.Error()) + ".",
					Subject:  lc.DeclRange.Ptr(),
					Extra:    limits.Extra(err),
				})
				continue
			}
			if l.secretLocals[lc.Name] {
				v = v.Mark(funcs.Sensitive)
			}
			l.localValues[lc.Name] = v
		default:
			d := l.data[strings.TrimPrefix(n.key, "data.")]
			if d.source == nil {
				continue
			}
			res, ok := read[n.key]
			if !ok {
				if err := dctx.Err(); err != nil {
					l.diags = append(l.diags, l.interrupted(d, err))
					return
				}
				// This one, and every later data source whose
				// dependencies are all evaluated by now, side by side.
				batch := []*graphNode{n}
				for _, m := range sorted[i+1:] {
					if md := l.data[strings.TrimPrefix(m.key, "data.")]; strings.HasPrefix(m.key, "data.") && !invalid[m.key] && md != nil && md.source != nil && readyAt(m, i, pos) {
						batch = append(batch, m)
					}
				}
				l.readData(dctx, batch, read)
				res = read[n.key]
			}
			if err := dctx.Err(); err != nil && res.diags.HasErrors() {
				// What failed is the interruption, not the source: say
				// that, once, rather than a download or git error.
				l.diags = append(l.diags, l.interrupted(d, err))
				return
			}
			l.diags = append(l.diags, res.diags...)
			if !res.diags.HasErrors() {
				l.dataValues[d.Type][d.Name] = res.val
			}
		}
	}
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

// hash digests every file read and every variable's final value, in a
// fixed order, so it changes exactly when what the plan was made from does.
func (l *loader) hash() string {
	sources := map[string]string{}
	digest := func(kind, name string, data []byte) {
		sum := sha256.Sum256(data)
		sources[kind+" "+name] = hex.EncodeToString(sum[:8])
	}
	for n, f := range l.cfg.Files {
		digest("file", filepath.Base(n), f.Bytes)
	}
	for n, v := range l.varValues {
		if !v.IsWhollyKnown() {
			continue
		}
		// A digest, not the value: a sensitive one counts like any other.
		v, _ = v.UnmarkDeep()
		if b, err := ctyjson.Marshal(v, cty.DynamicPseudoType); err == nil {
			digest("var", n, b)
		}
	}
	// What data sources read (a calendar file, a git log) and today's date
	// change the items without changing a file or a variable.
	for typ, byName := range l.dataValues {
		for n, v := range byName {
			if !v.IsWhollyKnown() {
				continue
			}
			if b, err := ctyjson.Marshal(v, cty.DynamicPseudoType); err == nil {
				digest("data", typ+"."+n, b)
			}
		}
	}
	if d, ok := l.today.Used(); ok {
		sources["today"] = d
	}
	l.cfg.Sources = sources
	keys := make([]string, 0, len(sources))
	for k := range sources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s %s\n", k, sources[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}
