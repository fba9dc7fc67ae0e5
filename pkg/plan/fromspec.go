package plan

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/spec"
)

// FromConfig reduces a loaded configuration to the items the diff needs.
// baseDir makes origins relative, so plans read the same on every machine.
func FromConfig(c *spec.Config, baseDir string) Desired {
	d := Desired{Location: c.Timezone, Lookback: c.Lookback}
	for _, o := range c.OfflineTimes {
		d.Offline = append(d.Offline, DesiredOffline{
			Address:  o.Address,
			Origin:   origin(o.Range, baseDir),
			Start:    o.Start,
			End:      o.End,
			Activity: o.Activity,
			Details:  o.Details,
			Note:     trimNote(o.Trimmed, c.Timezone),

			PostChanges: o.PostChanges,
		})
	}
	for _, o := range c.DroppedOfflineTimes {
		by := ""
		if o.Trimmed != nil {
			by = o.Trimmed.By
		}
		d.Notes = append(d.Notes, fmt.Sprintf("%s (%s) is not planned: on_overlap = \"trim\" dropped it, as %s covers it entirely", o.Address, origin(o.Range, baseDir), by))
	}
	for _, h := range c.Highlights {
		d.Highlights = append(d.Highlights, DesiredHighlight{
			Address:     h.Address,
			Origin:      origin(h.Range, baseDir),
			Date:        h.Date.String(),
			Description: h.Description,
			Source:      h.Source,
			PostChanges: h.PostChanges,
		})
	}
	for _, f := range c.FocusSessions {
		df := DesiredFocus{
			Address:       f.Address,
			Origin:        origin(f.Range, baseDir),
			Start:         f.Start.Duration(),
			Duration:      f.Duration,
			UntilEndOfDay: f.UntilEndOfDay,
		}
		for _, wd := range f.Days {
			df.Days[wd] = true
		}
		if f.From != nil {
			df.From = f.From.String()
		}
		if f.To != nil {
			df.To = f.To.String()
		}
		d.Focus = append(d.Focus, df)
	}
	return d
}

func origin(r hcl.Range, baseDir string) string {
	name := r.Filename
	if rel, err := filepath.Rel(baseDir, name); err == nil && baseDir != "" {
		name = rel
	}
	return fmt.Sprintf("%s:%d", name, r.Start.Line)
}

func trimNote(t *spec.Trim, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return fmt.Sprintf("trimmed (on_overlap = \"trim\"): declared %s–%s, overlaps %s", t.OriginalStart.In(loc).Format("15:04"), t.OriginalEnd.In(loc).Format("15:04"), t.By)
}
