package limits

import (
	"reflect"
	"strings"
	"testing"
)

// TestEveryLimitNameSetsItsField: --limit NAME=N must change the field
// that diagnostics name for NAME, and no other.
func TestEveryLimitNameSetsItsField(t *testing.T) {
	for _, n := range limitNames {
		var l Limits
		if err := l.Set(n.name, 12345); err != nil {
			t.Fatalf("Set(%q): %v", n.name, err)
		}
		v := reflect.ValueOf(l)
		for i := range v.NumField() {
			name, f := v.Type().Field(i).Name, v.Field(i)
			want := int64(0)
			if name == n.field {
				want = 12345
			}
			if f.CanInt() && f.Int() != want {
				t.Errorf("--limit %s=12345 left %s = %d, want %d", n.name, name, f.Int(), want)
			}
		}
		if Name(n.field) != n.name {
			t.Errorf("Name(%q) = %q, want %q", n.field, Name(n.field), n.name)
		}
	}
	var l Limits
	if err := l.Set("nesting", 5); err == nil || !strings.Contains(err.Error(), "no limit called") {
		t.Errorf("Set(nesting) = %v, want an error naming the limits", err)
	}
}
