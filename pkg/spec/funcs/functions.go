package funcs

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/limits"
	"github.com/rtctl/rtctl/pkg/spec/values"
)

// Functions returns the function table of a configuration in baseDir: the
// go-cty standard library under Terraform's names, try and can, and rtctl's
// own: file (relative to baseDir), env (through getenv), duration, dateadd,
// daterange and weekday. It applies limits.Default(); the loader builds
// its own table with Table.
func Functions(baseDir string, getenv func(string) string) map[string]function.Function {
	return Table(confdir.NewPolicy(baseDir, nil, nil, nil), getenv, limits.Default())
}

// Table is the function table of a configuration whose file() reads
// through files, env() through getenv, within lim. It is one literal on
// purpose, longer than a screen: it is the list a reader looks a function
// up in, grouped as the reference documents them.
func Table(files *confdir.Policy, getenv func(string) string, lim limits.Limits) map[string]function.Function {
	return map[string]function.Function{
		// Strings.
		"chomp":        stdlib.ChompFunc,
		"format":       stdlib.FormatFunc,
		"formatlist":   stdlib.FormatListFunc,
		"indent":       stdlib.IndentFunc,
		"join":         stdlib.JoinFunc,
		"lower":        stdlib.LowerFunc,
		"regex":        stdlib.RegexFunc,
		"regexall":     stdlib.RegexAllFunc,
		"replace":      stdlib.ReplaceFunc,
		"regexreplace": stdlib.RegexReplaceFunc,
		"split":        stdlib.SplitFunc,
		"strlen":       stdlib.StrlenFunc,
		"strrev":       stdlib.ReverseFunc,
		"substr":       stdlib.SubstrFunc,
		"title":        stdlib.TitleFunc,
		"trim":         stdlib.TrimFunc,
		"trimprefix":   stdlib.TrimPrefixFunc,
		"trimspace":    stdlib.TrimSpaceFunc,
		"trimsuffix":   stdlib.TrimSuffixFunc,
		"upper":        stdlib.UpperFunc,
		// Collections.
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        stdlib.CoalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"index":           stdlib.IndexFunc,
		"keys":            stdlib.KeysFunc,
		"length":          stdlib.LengthFunc,
		"lookup":          stdlib.LookupFunc,
		"merge":           stdlib.MergeFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,
		// Numbers.
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,
		// Encoding and time.
		"csvdecode":  stdlib.CSVDecodeFunc,
		"jsondecode": stdlib.JSONDecodeFunc,
		"jsonencode": stdlib.JSONEncodeFunc,
		"formatdate": formatDateFunc,
		"timeadd":    timeAddFunc,
		// Type conversion.
		"tobool":   stdlib.MakeToFunc(cty.Bool),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber": stdlib.MakeToFunc(cty.Number),
		"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring": stdlib.MakeToFunc(cty.String),
		// Error handling.
		"try": tryfunc.TryFunc,
		"can": tryfunc.CanFunc,
		// rtctl's own.
		"file":      fileFunc(files, lim.MaxReadFileBytes),
		"env":       envFunc(getenv),
		"duration":  durationFunc,
		"dateadd":   dateAddFunc,
		"daterange": dateRangeFunc(lim.MaxDateRange),
		"weekday":   weekdayFunc,
		// Sensitivity (see Sensitive).
		"sensitive":    sensitiveFunc,
		"nonsensitive": nonsensitiveFunc,
	}
}

// fileFunc reads a UTF-8 text file relative to the configuration directory,
// so a configuration means the same wherever rtctl is run from; files
// decides which files it may read at all.
func fileFunc(files *confdir.Policy, maxBytes int64) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a UTF-8 text file, relative to the configuration directory.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			b, err := files.Read(p, maxBytes)
			if err != nil {
				return cty.NilVal, fmt.Errorf("cannot read %s: %w", limits.Clip(p), err)
			}
			if !utf8.Valid(b) {
				return cty.NilVal, fmt.Errorf("%s is not valid UTF-8 text", limits.Clip(p))
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

// credentialEnv are the environment variables holding rtctl's own
// credentials, which env() refuses to read.
var credentialEnv = []string{"RESCUETIME_API_KEY", "RESCUETIME_ACCESS_TOKEN", "RESCUETIME_CLIENT_SECRET"}

// envFunc reads an environment variable, "" when unset: for values that
// differ between machines. The environment is where secrets are kept (CI
// passes RTCTL_CALENDAR_URL there), so every value it returns is marked
// sensitive: never shown, and not posted unless the configuration unwraps
// it with nonsensitive(). rtctl's own credentials it refuses outright.
func envFunc(getenv func(string) string) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable, or an empty string.",
		Params:      []function.Parameter{{Name: "name", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := strings.TrimSpace(args[0].AsString())
			for _, c := range credentialEnv {
				if strings.EqualFold(name, c) {
					return cty.NilVal, function.NewArgErrorf(0, "%s holds a RescueTime credential; rtctl reads it itself, and a configuration may not (its values end up in plans and in the account)", c)
				}
			}
			if getenv == nil {
				return cty.StringVal("").Mark(Sensitive), nil
			}
			return cty.StringVal(getenv(args[0].AsString())).Mark(Sensitive), nil
		},
	})
}

// durationFunc turns "1h30m" into seconds, so durations can be computed
// with and written back with format("%ds", n).
var durationFunc = function.New(&function.Spec{
	Description: `Returns the number of seconds in a duration such as "1h30m" or "14d".`,
	Params:      []function.Parameter{{Name: "duration", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		d, err := values.ParseDuration(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		return cty.NumberIntVal(int64(d.Seconds())), nil
	},
})

var dateAddFunc = function.New(&function.Spec{
	Description: "Adds a number of days to a YYYY-MM-DD date.",
	Params: []function.Parameter{
		{Name: "date", Type: cty.String},
		{Name: "days", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		d, err := values.ParseDate(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		n, acc := args[1].AsBigFloat().Int64()
		if acc != 0 || n < -36600 || n > 36600 {
			return cty.NilVal, fmt.Errorf("days must be a whole number within a century")
		}
		return cty.StringVal(d.AddDays(int(n)).String()), nil
	},
})

// dateRangeFunc lists the dates from first to last inclusive: the usual
// for_each input for recurring offline time.
func dateRangeFunc(maxDays int) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the YYYY-MM-DD dates from first to last, inclusive.",
		Params: []function.Parameter{
			{Name: "first", Type: cty.String},
			{Name: "last", Type: cty.String},
		},
		Type: function.StaticReturnType(cty.List(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			first, err := values.ParseDate(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			last, err := values.ParseDate(args[1].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(1, err)
			}
			if last.Compare(first) < 0 {
				return cty.ListValEmpty(cty.String), nil
			}
			var out []cty.Value
			for d := first; d.Compare(last) <= 0; d = d.AddDays(1) {
				if len(out) == maxDays {
					return cty.NilVal, limits.NewError("MaxDateRange", int64(maxDays), "the range holds more than %d days", maxDays)
				}
				out = append(out, cty.StringVal(d.String()))
			}
			return cty.ListVal(out), nil
		},
	})
}

var weekdayFunc = function.New(&function.Spec{
	Description: `Returns the weekday of a YYYY-MM-DD date: "mon" to "sun".`,
	Params:      []function.Parameter{{Name: "date", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		d, err := values.ParseDate(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(values.ShortWeekday(d.In(time.UTC).Weekday())), nil
	},
})
