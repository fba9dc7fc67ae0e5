package spec

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/spec/values"
	"github.com/rtctl/rtctl/pkg/spec/zones"
)

// OverlapPolicy says what to do with declared offline-time blocks that
// overlap each other. RescueTime would count the shared minutes twice, so
// there is no policy that allows them.
type OverlapPolicy string

const (
	// OverlapError reports overlapping blocks as errors (the default).
	OverlapError OverlapPolicy = "error"
	// OverlapTrim keeps the earlier-starting block whole and shortens or
	// drops the later one, recording what it did on the item.
	OverlapTrim OverlapPolicy = "trim"
)

// DefaultLookback is how far back the feeds can be trusted to show what the
// account holds: the daily summary covers 14 days.
const DefaultLookback = 14 * 24 * time.Hour

var settingsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "timezone", Required: true},
		{Name: "lookback"},
		{Name: "on_overlap"},
		{Name: "backend"},
	},
}

// settingsBlock is the single rtctl {} block, decoded but not evaluated:
// its attributes may refer to variables and locals.
type settingsBlock struct {
	Attrs     hcl.Attributes
	DeclRange hcl.Range
}

func decodeSettingsBlock(block *hcl.Block) (*settingsBlock, hcl.Diagnostics) {
	content, diags := block.Body.Content(settingsSchema)
	return &settingsBlock{Attrs: content.Attributes, DeclRange: block.DefRange}, diags
}

func (s *settingsBlock) references() []hcl.Traversal {
	var travs []hcl.Traversal
	for _, a := range s.Attrs {
		travs = append(travs, a.Expr.Variables()...)
	}
	return travs
}

// evaluate fills cfg's settings. On error the fields keep their defaults,
// so loading can go on and report problems elsewhere too.
func (s *settingsBlock) evaluate(ctx *hcl.EvalContext, cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if a, ok := s.Attrs["timezone"]; ok {
		if name, ok := evalString(a, ctx, &diags); ok {
			loc, err := LoadTimezone(name)
			if err != nil {
				detail := "The timezone must be an IANA time zone name such as \"Europe/Berlin\" or \"UTC\": " + err.Error() + "."
				if s := zones.Suggest(name); s != "" {
					detail = fmt.Sprintf("%s; did you mean %q?", err, s)
				}
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid time zone",
					Detail:   detail,
					Subject:  a.Expr.Range().Ptr(),
				})
			} else {
				cfg.Timezone = loc
			}
		}
	}
	if a, ok := s.Attrs["lookback"]; ok {
		if str, ok := evalString(a, ctx, &diags); ok {
			d, err := values.ParseDuration(str)
			switch {
			case err != nil:
				diags = append(diags, attrError(a, "Invalid duration", err.Error()+"."))
			case d <= 0:
				diags = append(diags, attrError(a, "Invalid lookback", "The lookback must be a positive duration."))
			default:
				cfg.Lookback = d
				if d > DefaultLookback {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagWarning,
						Summary:  "Lookback longer than the feeds can show",
						Detail: "The RescueTime feeds show about 14 days of history. For older items rtctl cannot see what the account " +
							"already holds, so only the local journal prevents posting an item twice.",
						Subject: a.Expr.Range().Ptr(),
					})
				}
			}
		}
	}
	if a, ok := s.Attrs["on_overlap"]; ok {
		if str, ok := evalString(a, ctx, &diags); ok {
			switch p := OverlapPolicy(str); p {
			case OverlapError, OverlapTrim:
				cfg.OnOverlap = p
			default:
				diags = append(diags, attrError(a, "Invalid on_overlap policy",
					"on_overlap must be \"error\" or \"trim\". RescueTime counts overlapping offline time twice, so overlaps cannot simply be allowed."))
			}
		}
	}
	if a, ok := s.Attrs["backend"]; ok {
		if str, ok := evalString(a, ctx, &diags); ok {
			switch str {
			case "local", "git":
				cfg.Backend = str
			default:
				diags = append(diags, attrError(a, "Invalid backend",
					"backend must be \"local\" (the journal in .rtctl/) or \"git\" (the journal on refs/rtctl/ of a git remote, whose URL the person or CI gives, never the configuration)."))
			}
		}
	}
	return diags
}

// LoadTimezone loads an IANA time zone. It refuses "Local" and "", which
// would make a configuration mean different things on different machines.
func LoadTimezone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errInvalidZoneName(name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errInvalidZoneName(name)
	}
	return loc, nil
}

type errInvalidZoneName string

func (e errInvalidZoneName) Error() string {
	return "\"" + string(e) + "\" is not a known time zone"
}
