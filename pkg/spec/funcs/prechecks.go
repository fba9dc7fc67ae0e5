package funcs

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// precheck refuses, before a function runs, arguments that would make it
// build a result over the limits of one value.
type precheck func(lim limits.Limits, args []cty.Value) error

var prechecks = map[string]precheck{
	"setproduct": func(lim limits.Limits, args []cty.Value) error {
		combos := int64(1)
		for _, a := range args {
			n, ok := length(a)
			if !ok {
				return nil
			}
			combos = satMul(combos, n)
		}
		return checkElements(lim, satMul(combos, int64(len(args))+1), fmt.Sprintf("setproduct would build %d combinations of %d elements", combos, len(args)))
	},
	"concat": sumOfLengths("concat"),
	"merge":  sumOfLengths("merge"),
	"setunion": func(lim limits.Limits, args []cty.Value) error {
		return sumOfLengths("setunion")(lim, args)
	},
	"flatten": func(lim limits.Limits, args []cty.Value) error {
		n := leafCount(args[0], int64(lim.MaxValueElements)+1, 0, lim.MaxNesting)
		return checkElements(lim, n, fmt.Sprintf("flatten would build a list of %d elements", n))
	},
	"chunklist": func(lim limits.Limits, args []cty.Value) error {
		n, ok := length(args[0])
		size, ok2 := intArg(args[1])
		if !ok || !ok2 || size <= 0 {
			return nil
		}
		return checkElements(lim, n+n/size+1, "chunklist would build too many lists")
	},
	"join": func(lim limits.Limits, args []cty.Value) error {
		sep, ok := AsString(args[0])
		if !ok {
			return nil
		}
		var total, count int64
		for _, l := range args[1:] {
			l, _ = l.Unmark()
			if !l.IsKnown() || l.IsNull() || !l.CanIterateElements() {
				continue
			}
			for it := l.ElementIterator(); it.Next(); {
				_, e := it.Element()
				total += textBound(e)
				count++
			}
		}
		if count > 1 {
			total += int64(len(sep)) * (count - 1)
		}
		return checkBytes(lim, total, "join would build")
	},
	"format": func(lim limits.Limits, args []cty.Value) error {
		f, ok := AsString(args[0])
		if !ok {
			return nil
		}
		var widest int64
		for _, a := range args[1:] {
			widest = max(widest, textBound(a))
		}
		return checkBytes(lim, formatBound(f, widest), "format would build")
	},
	"formatlist": func(lim limits.Limits, args []cty.Value) error {
		f, ok := AsString(args[0])
		if !ok {
			return nil
		}
		var n, widest int64 = 1, 0
		for _, a := range args[1:] {
			a, _ = a.Unmark()
			if ty := a.Type(); a.IsKnown() && !a.IsNull() && (ty.IsListType() || ty.IsTupleType()) {
				n = max(n, int64(a.LengthInt()))
				for it := a.ElementIterator(); it.Next(); {
					_, e := it.Element()
					widest = max(widest, textBound(e))
				}
				continue
			}
			widest = max(widest, textBound(a))
		}
		if err := checkElements(lim, n, "formatlist would build a list of that many strings"); err != nil {
			return err
		}
		return checkBytes(lim, satMul(n, formatBound(f, widest)), "formatlist would build")
	},
	"indent": func(lim limits.Limits, args []cty.Value) error {
		spaces, ok := intArg(args[0])
		s, ok2 := AsString(args[1])
		if !ok || !ok2 {
			return nil
		}
		return checkBytes(lim, int64(len(s))+satMul(max(spaces, 0), int64(strings.Count(s, "\n"))), "indent would build")
	},
	"replace": func(lim limits.Limits, args []cty.Value) error {
		s, ok1 := AsString(args[0])
		sub, ok2 := AsString(args[1])
		repl, ok3 := AsString(args[2])
		if !ok1 || !ok2 || !ok3 {
			return nil
		}
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			return regexReplaceBound(lim, s, sub[1:len(sub)-1], repl, "replace")
		}
		n := int64(strings.Count(s, sub))
		if sub == "" {
			n = int64(utf8.RuneCountInString(s)) + 1
		}
		return checkBytes(lim, int64(len(s))+satMul(n, max(int64(len(repl)-len(sub)), 0)), "replace would build")
	},
	"regexreplace": func(lim limits.Limits, args []cty.Value) error {
		s, ok1 := AsString(args[0])
		re, ok2 := AsString(args[1])
		repl, ok3 := AsString(args[2])
		if !ok1 || !ok2 || !ok3 {
			return nil
		}
		return regexReplaceBound(lim, s, re, repl, "regexreplace")
	},
	"regexall": func(lim limits.Limits, args []cty.Value) error {
		pattern, ok1 := AsString(args[0])
		s, ok2 := AsString(args[1])
		if !ok1 || !ok2 {
			return nil
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil // the function reports it
		}
		max := lim.MaxValueElements
		n := len(re.FindAllStringIndex(s, max+1))
		return checkElements(lim, satMul(int64(n), int64(re.NumSubexp())+1), fmt.Sprintf("regexall would find %d matches", n))
	},
	"split": func(lim limits.Limits, args []cty.Value) error {
		sep, ok1 := AsString(args[0])
		s, ok2 := AsString(args[1])
		if !ok1 || !ok2 {
			return nil
		}
		n := int64(strings.Count(s, sep)) + 1
		if sep == "" {
			n = int64(utf8.RuneCountInString(s))
		}
		return checkElements(lim, n, fmt.Sprintf("split would build %d strings", n))
	},
	"jsondecode": func(lim limits.Limits, args []cty.Value) error {
		s, ok := AsString(args[0])
		if !ok {
			return nil
		}
		depth, elements := jsonShape(s)
		if depth > lim.MaxNesting {
			return limits.NewError("MaxNesting", int64(lim.MaxNesting), "the JSON nests more than %d levels deep", lim.MaxNesting)
		}
		return checkElements(lim, int64(elements), fmt.Sprintf("the JSON holds about %d values", elements))
	},
	"csvdecode": func(lim limits.Limits, args []cty.Value) error {
		s, ok := AsString(args[0])
		if !ok {
			return nil
		}
		n := int64(strings.Count(s, ",") + strings.Count(s, "\n") + 1)
		return checkElements(lim, n, fmt.Sprintf("the CSV holds about %d fields", n))
	},
	"jsonencode": func(lim limits.Limits, args []cty.Value) error {
		return checkBytes(lim, jsonBound(args[0], lim.MaxValueBytes+1), "jsonencode would build")
	},
	"tonumber": func(lim limits.Limits, args []cty.Value) error { return CheckNumberText(args[0]) },
	"parseint": func(lim limits.Limits, args []cty.Value) error { return CheckNumberText(args[0]) },
}

func sumOfLengths(name string) precheck {
	return func(lim limits.Limits, args []cty.Value) error {
		var total int64
		for _, a := range args {
			if n, ok := length(a); ok {
				total += n
			}
		}
		return checkElements(lim, total, fmt.Sprintf("%s would build a collection of %d elements", name, total))
	}
}

func checkElements(lim limits.Limits, n int64, what string) error {
	if n > int64(lim.MaxValueElements) {
		return limits.NewError("MaxValueElements", int64(lim.MaxValueElements), "%s, more than the %d elements one value may hold", what, lim.MaxValueElements)
	}
	return nil
}

func checkBytes(lim limits.Limits, n int64, what string) error {
	if n > lim.MaxValueBytes {
		return limits.NewError("MaxValueBytes", lim.MaxValueBytes, "%s up to %d bytes of text, more than the %d one value may hold", what, n, lim.MaxValueBytes)
	}
	return nil
}

// regexReplaceBound refuses a regular expression replacement whose result
// may be over the limit: each match may add the replacement, whose $
// references may each repeat the longest group of the match.
func regexReplaceBound(lim limits.Limits, s, pattern, repl, name string) error {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil // the function reports it
	}
	refs := int64(strings.Count(repl, "$"))
	total := int64(len(s))
	for _, m := range re.FindAllStringSubmatchIndex(s, lim.MaxValueElements+1) {
		var longest int64
		for i := 0; i+1 < len(m); i += 2 {
			if m[i] >= 0 {
				longest = max(longest, int64(m[i+1]-m[i]))
			}
		}
		total += int64(len(repl)) + satMul(refs, longest)
		if total > lim.MaxValueBytes {
			break
		}
	}
	return checkBytes(lim, total, name+" would build")
}

// formatBound bounds what format builds: the format's own text, plus for
// every verb the widest argument and the largest width or precision the
// format names.
func formatBound(f string, widest int64) int64 {
	verbs := int64(strings.Count(f, "%"))
	var largest, n int64
	for i := 0; i <= len(f); i++ {
		if i < len(f) && f[i] >= '0' && f[i] <= '9' {
			n = satMul(n, 10) + int64(f[i]-'0')
			continue
		}
		largest, n = max(largest, n), 0
	}
	return int64(len(f)) + satMul(verbs, widest+largest)
}

// numberTextBound bounds the text of a number within checkNumber's range.
const numberTextBound = 1200

// textBound bounds the text of v as format, join or a template print it.
func textBound(v cty.Value) int64 {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return 8
	}
	switch v.Type() {
	case cty.String:
		return int64(len(v.AsString()))
	case cty.Number:
		return numberTextBound
	case cty.Bool:
		return 5
	}
	return jsonBound(v, 1<<62)
}

// jsonBound bounds the length of v encoded as JSON, stopping once past
// stop.
func jsonBound(v cty.Value, stop int64) int64 {
	var total int64
	var walk func(v cty.Value, depth int)
	walk = func(v cty.Value, depth int) {
		if total > stop || depth > 1000 {
			total = stop + 1
			return
		}
		v, _ = v.Unmark()
		if !v.IsKnown() || v.IsNull() {
			total += 4
			return
		}
		ty := v.Type()
		switch {
		case ty == cty.String:
			total += jsonStringBound(v.AsString())
		case ty == cty.Number:
			total += numberTextBound
		case ty == cty.Bool:
			total += 5
		case ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType():
			total += 2
			keys := ty.IsMapType() || ty.IsObjectType()
			for it := v.ElementIterator(); it.Next(); {
				k, e := it.Element()
				total++ // comma
				if keys {
					total += jsonStringBound(k.AsString()) + 1
				}
				walk(e, depth+1)
				if total > stop {
					return
				}
			}
		default:
			total += 4
		}
	}
	walk(v, 0)
	return total
}

// jsonStringBound bounds s encoded as a JSON string: quotes, and six bytes
// for every byte Go's encoder may escape.
func jsonStringBound(s string) int64 {
	n := int64(len(s)) + 2
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= 0x80 {
			n += 5
		}
	}
	return n
}

// jsonShape is how deeply s nests (outside strings) and about how many
// values it holds: enough to refuse a document before decoding it.
func jsonShape(s string) (depth, values int) {
	b := []byte(s)
	cur := 0
	values = 1
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			// Skip the string, honouring escapes.
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			cur++
			depth = max(depth, cur)
		case ']', '}':
			cur--
		case ',', ':':
			values++
		}
	}
	return depth, values
}

// leafCount counts what flatten would return from v, stopping past stop.
func leafCount(v cty.Value, stop int64, depth, maxDepth int) int64 {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return 1
	}
	ty := v.Type()
	if !(ty.IsListType() || ty.IsSetType() || ty.IsTupleType()) || depth > maxDepth {
		return 1
	}
	var n int64
	for it := v.ElementIterator(); it.Next() && n <= stop; {
		_, e := it.Element()
		n += leafCount(e, stop-n, depth+1, maxDepth)
	}
	return n
}

// length is the number of elements of a known collection.
func length(v cty.Value) (int64, bool) {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
		return 0, false
	}
	return int64(v.LengthInt()), true
}

func AsString(v cty.Value) (string, bool) {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", false
	}
	return s.AsString(), true
}

func intArg(v cty.Value) (int64, bool) {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil {
		return 0, false
	}
	f := n.AsBigFloat()
	if f.IsInf() {
		return 1 << 62, true
	}
	i, _ := f.Int64() // saturates
	return min(max(i, -1<<62), 1<<62), true
}

// satMul multiplies without overflowing: past 1<<62 is as good as
// infinite here.
func satMul(a, b int64) int64 {
	const top = int64(1) << 62
	if a == 0 || b == 0 {
		return 0
	}
	if a > top/b {
		return top
	}
	return a * b
}
