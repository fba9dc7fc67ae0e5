package datasource

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/limits"
	"github.com/rtctl/rtctl/pkg/spec/values"
)

// Source is one kind of data "TYPE" "name" {} block: something outside
// the configuration (a calendar, a git log) read at load time. The loader
// decodes the block's body with ConfigSpec, in dependency order, and exposes
// what Read returns as data.TYPE.NAME.
type Source interface {
	// ConfigSpec describes the block's body. Its references (to variables,
	// locals, other data sources) order the evaluation.
	ConfigSpec() hcldec.Spec
	// Read produces the data source's value from its decoded configuration.
	// Diagnostics should carry dc.Range (or a narrower range) as subject.
	// Read is called concurrently for different blocks (data sources
	// ready at the same point are read side by side), and must stop when
	// dc.Context ends.
	Read(dc Context, config cty.Value) (cty.Value, hcl.Diagnostics)
}

// Registry maps a data source type, the first label of a data block, to its
// implementation.
type Registry map[string]Source

// Context is everything a data source may use besides its configuration.
// It carries no process-wide state: the clock, environment and HTTP client
// come from the loader's options (spec.LoadOptions).
type Context struct {
	Context    context.Context
	Timezone   *time.Location
	Lookback   time.Duration
	Now        time.Time // zero when unknown
	BaseDir    string    // the configuration directory, for relative paths
	Getenv     func(string) string
	HTTPClient *http.Client
	// ReadFile reads a file the configuration names, relative to BaseDir,
	// of at most maxBytes, if the configuration may read it at all (see
	// spec.LoadOptions.ReadDirs); its errors do not repeat the path.
	ReadFile func(path string, maxBytes int64) ([]byte, error)
	Limits   limits.Limits
	Address  string    // data.TYPE.NAME
	Range    hcl.Range // the block's definition, for diagnostics
	Body     hcl.Body  // the block's body, for AttrRange
}

// AttrRange is where the block sets the attribute name, for a diagnostic
// about its value; nil when the block does not set it.
func (dc Context) AttrRange(name string) *hcl.Range {
	if dc.Body == nil {
		return nil
	}
	content, _, _ := dc.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: name}}})
	if a, ok := content.Attributes[name]; ok {
		return a.Expr.Range().Ptr()
	}
	return nil
}

// SecretAttributes is implemented by data sources some of whose attributes
// hold secrets, such as data "ical"'s url. The variables and locals their
// values are computed from are marked sensitive (see funcs.Sensitive), so that
// what is derived from them is never shown nor posted; and their values,
// like every sensitive value spec.Load computed, are kept out of every
// diagnostic by their text as well, should one quote them.
type SecretAttributes interface {
	SecretAttributes() []string
}

// WindowBound reads a date (midnight in loc) or a time as offline_time
// does.
func WindowBound(s string, loc *time.Location) (time.Time, error) {
	if d, err := values.ParseDate(s); err == nil {
		return d.In(loc), nil
	}
	return values.ParseTime(s, loc)
}

// OptString is a string attribute of a decoded ObjectSpec, "" when null.
func OptString(v cty.Value, name string) string {
	a := v.GetAttr(name)
	if a.IsNull() || !a.IsKnown() {
		return ""
	}
	return strings.TrimSpace(a.AsString())
}

// OptBool is a bool attribute of a decoded ObjectSpec, false when null.
func OptBool(v cty.Value, name string) bool {
	a := v.GetAttr(name)
	if a.IsNull() || !a.IsKnown() {
		return false
	}
	return a.True()
}
