package workspace

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/hclgen"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// ImportResult is what Import found in the account.
type ImportResult struct {
	// Highlights are the account's highlights dated since the day asked
	// for that the configuration does not declare yet, oldest first.
	Highlights []rtapi.Highlight
	// Declared counts those it already declares.
	Declared int
	// Location is the account's zone, in which their dates are.
	Location *time.Location
	// Source declares Highlights: a configuration file, formatted as
	// rtctl fmt would (empty when there are none).
	Source []byte
}

// ImportHighlights reads the highlights the account already holds, dated
// since since (YYYY-MM-DD in the account's zone), so that they can be
// declared: a plan then shows them in sync and posts nothing. Highlights the
// configuration declares already are counted, not returned. A directory
// without a configuration, or one that does not load, is read in the zone
// the account settings give.
func (w *Workspace) ImportHighlights(ctx context.Context, since string) (*ImportResult, error) {
	var zone *time.Location
	declared := map[string]bool{}
	if cfg, diags := w.LoadConfig(ctx, w.instant()); !diags.HasErrors() {
		zone = cfg.Timezone
		for _, h := range cfg.Highlights {
			declared[plan.HighlightKey(h.Date.String(), h.Description)] = true
		}
	}
	c, err := w.Client(ctx, zone)
	if err != nil {
		return nil, err
	}
	hs, err := c.Highlights(ctx)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Location: c.Location()}
	for _, h := range hs {
		date := h.Date.Format(time.DateOnly)
		switch {
		case date < since:
		case declared[plan.HighlightKey(date, h.Description)]:
			res.Declared++
		default:
			res.Highlights = append(res.Highlights, h)
		}
	}
	sort.SliceStable(res.Highlights, func(i, j int) bool {
		a, b := res.Highlights[i], res.Highlights[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		return a.ID < b.ID
	})
	if len(res.Highlights) > 0 {
		res.Source = hclgen.Highlights(res.Highlights, w.instant().In(res.Location))
	}
	return res, nil
}

// CheckImportOut refuses a file import --out must not overwrite: import
// writes a new file, to add beside the configuration.
func CheckImportOut(out string) error {
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("--out %s exists: import writes a new file, to add beside the configuration", out)
	}
	return nil
}

// WriteImport writes what an import declares to the new file out,
// atomically.
func WriteImport(out string, res *ImportResult) error { return atomicfile.Write(out, res.Source) }
