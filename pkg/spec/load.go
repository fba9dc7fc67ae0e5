package spec

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"github.com/rtctl/rtctl/pkg/spec/parse"
	"github.com/rtctl/rtctl/pkg/spec/redact"
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
	redact.Diagnostics(l.diags, l.cfg.Files, secrets)
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

// load parses sources and decodes, evaluates and expands what they
// declare, in the order of the hcl guide: the top-level structure, then
// variables (they depend on nothing), then locals, data sources and the
// rtctl block in dependency order, then every resource.
func (l *loader) load(sources []source, autoFiles []string) {
	files := l.parseFiles(sources)
	// After a syntax error the structure is a guess: what follows would
	// mostly report the guess, not the user's mistakes.
	if l.diags.HasErrors() {
		return
	}
	resources, ok := l.decodeFiles(files)
	if !ok {
		return
	}
	l.markSecretReferences()
	l.evaluateVariables(autoFiles)
	l.evaluateGraph()
	offline := l.expandResources(resources)
	l.duplicateHighlights()
	kept, dropped, diags := resolveOverlaps(offline, l.cfg.OnOverlap)
	l.diags = append(l.diags, diags...)
	for _, it := range kept {
		l.offlineWarnings(it)
	}
	l.cfg.OfflineTimes, l.cfg.DroppedOfflineTimes = kept, dropped
	l.cfg.Hash = l.hash()
}

// parseFiles checks and parses every source, instrumenting what it
// parsed (see funcs.Guard); a shallow file is parsed in pieces.
func (l *loader) parseFiles(sources []source) []*hcl.File {
	var files []*hcl.File
	for _, s := range sources {
		var ends []int
		if diags := parse.CheckSourceEnds(s.src, s.name, l.limits, &ends); diags.HasErrors() {
			l.diags = append(l.diags, diags...)
			continue
		}
		if pieces, whole, ok := parse.Pieces(s.src, s.name, ends); ok {
			l.cfg.Files[s.name] = whole
			for _, p := range pieces {
				f := p.File
				l.diags = append(l.diags, redact.CheckFile(f, p.Start)...)
				l.diags = append(l.diags, l.instrument(f)...)
				files = append(files, f)
			}
			continue
		}
		f, diags := l.parser.ParseHCL(s.src, s.name)
		l.diags = append(l.diags, diags...)
		if f != nil {
			l.diags = append(l.diags, redact.CheckFile(f, hcl.InitialPos)...)
			l.diags = append(l.diags, l.instrument(f)...)
			files = append(files, f)
		}
	}
	return files
}

// decodeFiles decodes the top-level structure of files and returns their
// resource blocks; ok is false when nothing more should be done.
func (l *loader) decodeFiles(files []*hcl.File) (_ []*resourceBlock, ok bool) {
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
	return l.decodeBlocks(blocks)
}

// markSecretReferences makes what a calendar's url is computed from
// sensitive from the start, so that everything computed from it is too.
func (l *loader) markSecretReferences() {
	secretVars, secretLocals := l.secretReferences()
	for name := range secretVars {
		if v := l.variables[name]; v != nil {
			v.Sensitive = true
		}
	}
	l.secretLocals = secretLocals
}

// evaluateVariables gives every variable its final value, from the
// sources of values in their order of precedence (see the package doc).
func (l *loader) evaluateVariables(autoFiles []string) {
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
}

// expandResources expands every resource block (for_each, count) and
// decodes each instance: highlights and focus sessions into the Config,
// offline time returned, for its overlaps to be resolved.
func (l *loader) expandResources(resources []*resourceBlock) []OfflineTime {
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
	return offline
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
