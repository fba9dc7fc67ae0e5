package spec

import (
	"strconv"

	"github.com/zclconf/go-cty/cty"
)

// Resource kinds, the first part of every item address.
const (
	KindOfflineTime  = "offline_time"
	KindHighlight    = "highlight"
	KindFocusSession = "focus_session"
)

// instanceKey identifies one instance of an expanded block: none for a
// plain block, a string for for_each, a number for count.
type instanceKey struct {
	str   string
	index int
	kind  keyKind
}

type keyKind int

const (
	noKey keyKind = iota
	stringKey
	intKey
)

// address renders a stable item address the way Terraform users read them:
// offline_time.standup, offline_time.meetings["abc"], highlight.release[2].
func address(kind, name string, key instanceKey) string {
	base := kind + "." + name
	switch key.kind {
	case stringKey:
		return base + "[" + strconv.Quote(key.str) + "]"
	case intKey:
		return base + "[" + strconv.Itoa(key.index) + "]"
	}
	return base
}

// eachValues is what each.key/each.value or count.index evaluate to for
// this instance.
func (k instanceKey) variables(value cty.Value) map[string]cty.Value {
	switch k.kind {
	case stringKey:
		return map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
			"key":   cty.StringVal(k.str),
			"value": value,
		})}
	case intKey:
		return map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{
			"index": cty.NumberIntVal(int64(k.index)),
		})}
	}
	return nil
}
