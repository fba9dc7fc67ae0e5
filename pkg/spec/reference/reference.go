package reference

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/rtctl/rtctl/pkg/spec"
	"github.com/rtctl/rtctl/pkg/spec/values"
)

// The language reference (docs/configuration.md) is generated from the
// schemas the loader decodes with and the function table it evaluates with:
// the words below say what each attribute means, and TestReferenceUpToDate
// fails when a block, attribute or function has none, or when the committed
// page differs from what Reference writes.

// blockDoc says what a block is for and what its attributes mean.
type blockDoc struct {
	title   string // the heading: the block as written
	summary string
	attrs   map[string]string
	blocks  map[string]string // nested blocks
	example string
}

var referenceBlocks = map[string]blockDoc{
	"rtctl": {
		title:   "rtctl",
		summary: "The account's settings. Exactly one per configuration; it is evaluated before anything that calls `today()`, so it may refer to variables but not to `today()`.",
		attrs: map[string]string{
			"timezone":   "The account's time zone, an IANA name such as `\"Europe/Berlin\"` or `\"UTC\"` (not `\"Local\"`). Every time without an offset is read in it, and `today()` is the date in it. A misspelt name is answered with the closest one (\"did you mean\").",
			"lookback":   "How far back items are planned, a duration (default `\"14d\"`). Older items are out of window: not posted, counted in the summary. Longer than 14 days draws a warning: the feeds show about 14 days, so only the journal protects older items from being posted twice.",
			"on_overlap": "What to do with declared offline_time blocks that overlap each other: `\"error\"` (the default: report both) or `\"trim\"` (the later block starts where the earlier ends; one covered entirely is dropped). RescueTime counts overlapping offline time twice, so overlaps are never simply allowed.",
			"backend":    "Where the account's journal and lock are kept: `\"local\"` (`.rtctl/` and the state directory; the default) or `\"git\"` (refs under `refs/rtctl/` of a git remote every machine that applies reaches). Only the kind: the remote is the checkout's `origin` or the URL the person or CI gives (`--backend-remote`, `RTCTL_BACKEND_REMOTE`), never the configuration's. `--backend` and `RTCTL_BACKEND` override it.",
		},
		example: "rtctl {\n  timezone = \"Europe/Berlin\"\n  lookback = \"14d\"\n}",
	},
	"variable": {
		title:   `variable "NAME"`,
		summary: "An input variable, `var.NAME`. Values come, from lowest to highest precedence, from `default`, the environment variable `RTCTL_VAR_NAME`, the `*.rtvars.hcl` files beside the configuration (alphabetically), `--var-file FILE` and `--var NAME=VALUE`. Terraform's `terraform.tfvars` and Packer's `*.pkrvars.hcl` are not read (a warning says so).",
		attrs: map[string]string{
			"type":        "A type constraint, as Terraform writes them: `string`, `number`, `bool`, `list(string)`, `map(number)`, `object({...})`, `any`. Values are converted to it.",
			"default":     "The value when none is given; without one the variable is required.",
			"description": "What the variable is for, for people reading the configuration.",
			"sensitive":   "`true` marks the value sensitive: shown as `(sensitive value)` everywhere, and refused as a posted value unless unwrapped with `nonsensitive()`.",
		},
		blocks: map[string]string{
			"validation": "A rule the value must satisfy: `condition` (a bool expression over `var.NAME`) and `error_message` (said when it is false). Repeatable.",
		},
		example: "variable \"team\" {\n  type    = string\n  default = \"platform\"\n  validation {\n    condition     = length(var.team) > 0\n    error_message = \"The team must not be empty.\"\n  }\n}",
	},
	"validation": {
		attrs: map[string]string{
			"condition":     "A bool expression over the variable; `false` is an error.",
			"error_message": "The message of that error.",
		},
	},
	"locals": {
		title:   "locals",
		summary: "Named values, `local.NAME`, computed once from variables, data sources, functions and other locals, in dependency order (a cycle is reported). Any number of `locals` blocks; each attribute is a local value.",
		example: "locals {\n  week = daterange(dateadd(today(), -6), today())\n}",
	},
	"data": {
		title:   `data "TYPE" "NAME"`,
		summary: "A data source, `data.TYPE.NAME`: something read when the configuration is loaded (every plan), before the resources that use it. The types and their attributes are listed under [Data sources](#data-sources).",
	},
	spec.KindOfflineTime: {
		title:   `offline_time "NAME"`,
		summary: "A block of offline time to post to the account (RescueTime's offline time POST). It is matched against the Analytic Data report (offline, five-minute buckets) and the journal. A block that has not ended by `now` is deferred, not posted; a later run posts it. A block from 5 minutes (shorter ones draw a warning) to 31 days; one over 4 hours is posted in chunks of at most 4 hours, each its own address (`offline_time.NAME[chunk 1/3]`).",
		attrs: map[string]string{
			"start":    "When it starts: a [time](#times).",
			"end":      "When it ends: a [time](#times). Exactly one of `end` and `duration`.",
			"duration": "How long it lasts: a [duration](#durations). Exactly one of `end` and `duration`.",
			"activity": "The activity name RescueTime files it under (`activity_name`), at most 255 characters.",
			"details":  "Optional details (`activity_details`), at most 255 characters.",
		},
		blocks: map[string]string{
			"lifecycle": "See [lifecycle](#lifecycle).",
		},
		example: "offline_time \"standup\" {\n  start    = \"2026-11-20 09:00\"\n  duration = \"15m\"\n  activity = \"Meeting\"\n  details  = \"Daily standup\"\n}",
	},
	spec.KindHighlight: {
		title:   `highlight "NAME"`,
		summary: "A daily highlight to post (RescueTime's highlights POST), matched on its date and description against the highlights feed and the journal.",
		attrs: map[string]string{
			"date":        "The day it belongs to: a [date](#dates).",
			"description": "The highlight's text, at most 255 characters.",
			"source":      "Optional label RescueTime stores with it (`source`), such as `\"git\"` or `\"releases\"`.",
		},
		blocks: map[string]string{
			"lifecycle": "See [lifecycle](#lifecycle).",
		},
		example: "highlight \"release\" {\n  date        = \"2026-11-20\"\n  description = \"Shipped v1.2\"\n  source      = \"releases\"\n}",
	},
	spec.KindFocusSession: {
		title: `focus_session "NAME"`,
		summary: "A FocusTime schedule. It acts only in the window that contains `now`: on a scheduled day, from `start` for `duration` (or until the end of the day), a plan starts a session when the FocusTime feeds show none started in that window, for the minutes left, rounded down to a multiple of 5. Running plan and apply twice in a window never starts two sessions; outside a window there is nothing to do. " +
			"Nothing is posted for past or future windows: a schedule is not a list of events.",
		attrs: map[string]string{
			"days":             "The weekdays it runs on: a list of `\"mon\"` ... `\"sun\"`.",
			"start":            "When the window opens each day: a [clock time](#clock-times), `\"HH:MM\"` in `rtctl.timezone`.",
			"duration":         "How long the window is: a [duration](#durations), a multiple of 5 minutes, at most a day. Exactly one of `duration` and `until_end_of_day`.",
			"until_end_of_day": "`true`: the window runs from `start` to midnight. Exactly one of `duration` and `until_end_of_day`.",
			"from":             "Optional first [date](#dates) the schedule applies (inclusive).",
			"to":               "Optional last [date](#dates) the schedule applies (inclusive).",
		},
		example: "focus_session \"deep_work\" {\n  days     = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n  start    = \"09:00\"\n  duration = \"90m\"\n}",
	},
	"lifecycle": {
		title:   "lifecycle",
		summary: "Inside `offline_time` and `highlight`: what to do when an item rtctl posted changes (same address, other values). The API can neither update nor delete, so a changed item is shown `-/+` and held until `rtctl apply --replace ADDRESS`, since posting it leaves the old one in the account.",
		attrs: map[string]string{
			"on_change": "`\"hold\"` (the default: a changed item waits for `--replace`) or `\"post\"` (post changed versions, leaving the old ones in the account). A literal: it decides how every instance is planned, before any is evaluated.",
		},
	},
}

// referenceMeta are the meta-arguments every resource takes.
var referenceMeta = map[string]string{
	"for_each": "A map or a set of strings: one item per element, addressed `TYPE.NAME[\"KEY\"]`, with `each.key` and `each.value`.",
	"count":    "A whole number: that many items, addressed `TYPE.NAME[INDEX]`, with `count.index`.",
}

// referenceData says what each data source's attributes mean and what it
// yields.
var referenceData = map[string]blockDoc{
	"ical": {
		summary: "The occurrences of an iCalendar file or secret URL inside a window, recurrences expanded, as `data.ical.NAME.events`: each with `key` (stable per occurrence: use it in `for_each`), `uid`, `start` and `end` (RFC 3339 in the account's zone), `summary`, `description`, `location`, `categories`, `all_day`, `status`, `transparency`, `organizer` and `attendees` (`email`, `status`). The URL, and everything computed from it, is sensitive; the events read from it are not.",
		attrs: map[string]string{
			"path":                "An `.ics` file, relative to the configuration directory (and inside it). Exactly one of `path` and `url`.",
			"url":                 "The calendar's address (https). Never printed, only its scheme and host. Exactly one of `path` and `url`.",
			"attendee_email":      "Your address in the calendar: events you declined are left out (see `include_declined`).",
			"include_cancelled":   "`true`: keep cancelled events.",
			"include_declined":    "`true`: keep events `attendee_email` declined.",
			"include_transparent": "`true`: keep events marked free (transparent).",
			"include_all_day":     "`true`: keep all-day events.",
			"include_zero_length": "`true`: keep events with no length (reminders).",
			"window_start":        "Start of the window, a [time](#times); default `now - lookback`.",
			"window_end":          "End of the window, a [time](#times); default `now + horizon`.",
			"horizon":             "How far after now the window reaches, a [duration](#durations); default `\"7d\"`, so the coming week shows as deferred.",
		},
	},
	"git_log": {
		summary: "The commits of a local git repository inside the lookback window, as `data.git_log.NAME.commits` (`hash`, `short_hash`, `date`, `time`, `subject`, `author`, `email`) and per day as `days` (`date`, `count`, `subjects`, and `summary`: the subjects joined, at most 255 characters). git runs without any of the repository's own configuration, so a repository in a pull request cannot make it run a program.",
		attrs: map[string]string{
			"path":           "The repository, relative to the configuration directory.",
			"author":         "Only commits whose author name or e-mail contains this text, matched as written (`git log -F --author`).",
			"branch":         "The branch or revision to read (default: `HEAD`).",
			"paths":          "Only commits that touch these paths.",
			"include_merges": "`true`: keep merge commits.",
			"window_start":   "Start of the window, a [time](#times); default `now - lookback`.",
			"window_end":     "End of the window, a [time](#times); default `now`.",
		},
	},
}

// referenceFormats is the section on the values attributes take.
const referenceFormats = `## Values

### Times

An offline_time ` + "`start`/`end`" + ` and a window's bounds are written
` + "`\"YYYY-MM-DD HH:MM\"`" + ` (or ` + "`\"YYYY-MM-DD HH:MM:SS\"`" + `, or with a ` + "`T`" + ` in place of the
space), local to ` + "`rtctl.timezone`" + `, or in RFC 3339 with an offset
(` + "`\"2026-11-20T09:00:00+01:00\"`" + `). A local time that does not exist (a DST gap)
or happens twice (a DST overlap) is an error saying which; write the offset to
choose. ` + "`timeadd`" + ` and ` + "`formatdate`" + ` take both forms.

### Dates

` + "`\"YYYY-MM-DD\"`" + `. ` + "`today()`" + ` is the current date in ` + "`rtctl.timezone`" + `;
` + "`dateadd`" + `, ` + "`daterange`" + ` and ` + "`weekday`" + ` compute with dates.

### Clock times

` + "`\"HH:MM\"`" + `, 24-hour, in ` + "`rtctl.timezone`" + ` (a focus_session's ` + "`start`" + `).

### Durations

Numbers each followed by a unit, with or without spaces: ` + "`\"15m\"`" + `, ` + "`\"1h30m\"`" + `,
` + "`\"1.5h\"`" + `, ` + "`\"90 minutes\"`" + `, ` + "`\"1 hour 15 mins\"`" + `, ` + "`\"14d\"`" + `, ` + "`\"2w\"`" + `. The units:
%s. A fraction is read exactly, and refused where it comes to less than a
whole second. ` + "`duration(\"1h30m\")`" + ` is the number of seconds.

### Weekdays

` + "`\"mon\"`" + `, ` + "`\"tue\"`" + `, ` + "`\"wed\"`" + `, ` + "`\"thu\"`" + `, ` + "`\"fri\"`" + `, ` + "`\"sat\"`" + `, ` + "`\"sun\"`" + ` (full names too, in any case).
`

// Reference writes the language reference, docs/configuration.md.
func Reference() string {
	lang := spec.Language()
	var b strings.Builder
	b.WriteString("# Configuration language reference\n\n")
	b.WriteString("<!-- Generated by pkg/spec.Reference from the schemas and the function table; do not edit.\n")
	b.WriteString("     Regenerate: RTCTL_UPDATE_GOLDEN=1 go test ./pkg/spec -run TestReferenceUpToDate -->\n\n")
	b.WriteString("A configuration is the `*.rt.hcl` files of one directory, in HCL syntax, with\n")
	b.WriteString("variable values in `*.rtvars.hcl` files beside them. These are every block,\n")
	b.WriteString("attribute and function the language has, and the formats of the values.\n\n")
	b.WriteString("- [Blocks](#blocks)\n- [Data sources](#data-sources)\n- [Functions](#functions)\n- [Values](#values)\n\n")

	b.WriteString("## Blocks\n\n")
	for _, bs := range lang.Root.Blocks {
		writeBlock(&b, lang, bs.Type, lang.Blocks[bs.Type])
	}
	writeBlock(&b, lang, "lifecycle", lang.Lifecycle)

	b.WriteString("## Data sources\n\n")
	reg := lang.DataSources
	for _, typ := range sortedKeys(reg) {
		doc := referenceData[typ]
		fmt.Fprintf(&b, "### data \"%s\"\n\n%s\n\n", typ, doc.summary)
		obj, _ := reg[typ].ConfigSpec().(hcldec.ObjectSpec)
		b.WriteString("| attribute | type | meaning |\n|---|---|---|\n")
		for _, name := range sortedKeys(obj) {
			typ := "any"
			if as, ok := obj[name].(*hcldec.AttrSpec); ok {
				typ = as.Type.FriendlyName()
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, typ, cell(doc.attrs[name]))
		}
		b.WriteString("\n")
	}

	b.WriteString("## Functions\n\n")
	b.WriteString("Terraform's usual functions (from go-cty's standard library) and rtctl's own.\n")
	b.WriteString("Every function keeps a sensitive argument's mark on its result.\n\n")
	b.WriteString("| function | description |\n|---|---|\n")
	fns := lang.Functions
	for _, name := range sortedKeys(fns) {
		fmt.Fprintf(&b, "| `%s` | %s |\n", signature(name, fns[name]), cell(funcDescription(name, fns[name])))
	}
	b.WriteString("\n")

	fmt.Fprintf(&b, referenceFormats, durationUnitList())
	return b.String()
}

func writeBlock(b *strings.Builder, lang spec.LanguageSchema, typ string, schema *hcl.BodySchema) {
	doc := referenceBlocks[typ]
	fmt.Fprintf(b, "### %s\n\n%s\n\n", doc.title, doc.summary)
	if doc.example != "" {
		fmt.Fprintf(b, "```hcl\n%s\n```\n\n", doc.example)
	}
	if schema == nil {
		return
	}
	if len(schema.Attributes) > 0 {
		b.WriteString("| attribute | required | meaning |\n|---|---|---|\n")
		for _, a := range schema.Attributes {
			req := ""
			if a.Required {
				req = "yes"
			}
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", a.Name, req, cell(doc.attrs[a.Name]))
		}
		if typ == spec.KindOfflineTime || typ == spec.KindHighlight || typ == spec.KindFocusSession {
			for _, a := range lang.Meta {
				fmt.Fprintf(b, "| `%s` |  | %s |\n", a.Name, cell(referenceMeta[a.Name]))
			}
		}
		b.WriteString("\n")
	}
	for _, nb := range schema.Blocks {
		fmt.Fprintf(b, "Block `%s`: %s\n\n", nb.Type, doc.blocks[nb.Type])
		if nb.Type == "validation" {
			b.WriteString("| attribute | required | meaning |\n|---|---|---|\n")
			for _, a := range lang.Validation.Attributes {
				req := ""
				if a.Required {
					req = "yes"
				}
				fmt.Fprintf(b, "| `%s` | %s | %s |\n", a.Name, req, cell(referenceBlocks["validation"].attrs[a.Name]))
			}
			b.WriteString("\n")
		}
	}
}

// referenceFuncDocs describe the functions whose package gives them no
// description.
var referenceFuncDocs = map[string]string{
	"try": "Returns the first of its arguments that evaluates without an error, as Terraform's try.",
	"can": "Returns true when its argument evaluates without an error, as Terraform's can.",
}

// funcDescription is what the reference says f does.
func funcDescription(name string, f function.Function) string {
	if d := f.Description(); d != "" {
		return d
	}
	return referenceFuncDocs[name]
}

// signature is how a function is called: name(param, param, ...).
func signature(name string, f function.Function) string {
	var params []string
	for _, p := range f.Params() {
		params = append(params, p.Name)
	}
	if vp := f.VarParam(); vp != nil {
		params = append(params, vp.Name+"...")
	}
	return name + "(" + strings.Join(params, ", ") + ")"
}

// durationUnitList names the duration units, grouped by what they mean.
func durationUnitList() string {
	byUnit := map[int64][]string{}
	for name, d := range values.DurationUnits() {
		byUnit[int64(d)] = append(byUnit[int64(d)], "`"+name+"`")
	}
	units := make([]int64, 0, len(byUnit))
	for u := range byUnit {
		units = append(units, u)
	}
	sort.Slice(units, func(i, j int) bool { return units[i] < units[j] })
	meaning := map[int64]string{
		int64(1e9): "seconds", int64(60e9): "minutes", int64(3600e9): "hours",
		int64(86400e9): "days (24 hours)", int64(7 * 86400e9): "weeks (7 days)",
	}
	var parts []string
	for _, u := range units {
		names := byUnit[u]
		sort.Slice(names, func(i, j int) bool {
			if len(names[i]) != len(names[j]) {
				return len(names[i]) < len(names[j])
			}
			return names[i] < names[j]
		})
		parts = append(parts, strings.Join(names, ", ")+" for "+meaning[u])
	}
	return strings.Join(parts, "; ")
}

// cell makes text safe in a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Gaps lists what the reference has no words for: a block,
// attribute, data source or function added without a description.
func Gaps() []string {
	lang := spec.Language()
	var gaps []string
	for _, bs := range lang.Root.Blocks {
		doc, ok := referenceBlocks[bs.Type]
		if !ok || doc.summary == "" {
			gaps = append(gaps, "block "+bs.Type)
		}
		if s := lang.Blocks[bs.Type]; s != nil {
			for _, a := range s.Attributes {
				if doc.attrs[a.Name] == "" {
					gaps = append(gaps, bs.Type+"."+a.Name)
				}
			}
			for _, nb := range s.Blocks {
				if doc.blocks[nb.Type] == "" {
					gaps = append(gaps, bs.Type+" block "+nb.Type)
				}
			}
		} else if _, known := lang.Blocks[bs.Type]; !known {
			gaps = append(gaps, "schema of block "+bs.Type)
		}
	}
	for _, a := range lang.Lifecycle.Attributes {
		if referenceBlocks["lifecycle"].attrs[a.Name] == "" {
			gaps = append(gaps, "lifecycle."+a.Name)
		}
	}
	for _, a := range lang.Validation.Attributes {
		if referenceBlocks["validation"].attrs[a.Name] == "" {
			gaps = append(gaps, "validation."+a.Name)
		}
	}
	for _, a := range lang.Meta {
		if referenceMeta[a.Name] == "" {
			gaps = append(gaps, "meta-argument "+a.Name)
		}
	}
	for typ, src := range lang.DataSources {
		doc, ok := referenceData[typ]
		if !ok || doc.summary == "" {
			gaps = append(gaps, "data "+typ)
		}
		obj, _ := src.ConfigSpec().(hcldec.ObjectSpec)
		for name := range obj {
			if doc.attrs[name] == "" {
				gaps = append(gaps, "data "+typ+"."+name)
			}
		}
	}
	for name, f := range lang.Functions {
		if funcDescription(name, f) == "" {
			gaps = append(gaps, "function "+name)
		}
	}
	sort.Strings(gaps)
	return gaps
}

// SchemaDoc is the language's schema for programs (an editor's completion
// and hover, a linter), in the spirit of terraform providers schema -json:
// every block with its labels and attributes, every data source and
// function, each with its description. docs/configuration.schema.json is
// this document.
type SchemaDoc struct {
	FormatVersion string              `json:"format_version"`
	Blocks        map[string]BlockDoc `json:"blocks"`
	DataSources   map[string]BlockDoc `json:"data_sources"`
	Functions     map[string]FuncDoc  `json:"functions"`
}

// BlockDoc describes one block type.
type BlockDoc struct {
	Labels      []string            `json:"labels,omitempty"`
	Description string              `json:"description"`
	Attributes  map[string]AttrDoc  `json:"attributes,omitempty"`
	Blocks      map[string]BlockDoc `json:"blocks,omitempty"`
}

// AttrDoc describes one attribute.
type AttrDoc struct {
	Required    bool   `json:"required,omitempty"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description"`
}

// FuncDoc describes one function.
type FuncDoc struct {
	Signature   string `json:"signature"`
	Description string `json:"description"`
}

// Schema is the language's schema as data; see SchemaDoc.
func Schema() SchemaDoc {
	lang := spec.Language()
	s := SchemaDoc{FormatVersion: "1.0", Blocks: map[string]BlockDoc{}, DataSources: map[string]BlockDoc{}, Functions: map[string]FuncDoc{}}
	attrs := func(schema *hcl.BodySchema, docs map[string]string) map[string]AttrDoc {
		if schema == nil {
			return nil
		}
		out := map[string]AttrDoc{}
		for _, a := range schema.Attributes {
			out[a.Name] = AttrDoc{Required: a.Required, Description: docs[a.Name]}
		}
		return out
	}
	for _, bs := range lang.Root.Blocks {
		doc := referenceBlocks[bs.Type]
		b := BlockDoc{Labels: bs.LabelNames, Description: doc.summary, Attributes: attrs(lang.Blocks[bs.Type], doc.attrs)}
		if bs.Type == spec.KindOfflineTime || bs.Type == spec.KindHighlight || bs.Type == spec.KindFocusSession {
			for _, a := range lang.Meta {
				b.Attributes[a.Name] = AttrDoc{Description: referenceMeta[a.Name]}
			}
		}
		if schema := lang.Blocks[bs.Type]; schema != nil {
			for _, nb := range schema.Blocks {
				if b.Blocks == nil {
					b.Blocks = map[string]BlockDoc{}
				}
				nested := referenceBlocks[nb.Type]
				inner := lang.Lifecycle
				if nb.Type == "validation" {
					inner = lang.Validation
				}
				b.Blocks[nb.Type] = BlockDoc{Description: doc.blocks[nb.Type], Attributes: attrs(inner, nested.attrs)}
			}
		}
		s.Blocks[bs.Type] = b
	}
	for typ, src := range lang.DataSources {
		doc := referenceData[typ]
		b := BlockDoc{Description: doc.summary, Attributes: map[string]AttrDoc{}}
		obj, _ := src.ConfigSpec().(hcldec.ObjectSpec)
		for name, spec := range obj {
			ad := AttrDoc{Description: doc.attrs[name]}
			if as, ok := spec.(*hcldec.AttrSpec); ok {
				ad.Type = as.Type.FriendlyName()
			}
			b.Attributes[name] = ad
		}
		s.DataSources[typ] = b
	}
	for name, f := range lang.Functions {
		s.Functions[name] = FuncDoc{Signature: signature(name, f), Description: funcDescription(name, f)}
	}
	return s
}
