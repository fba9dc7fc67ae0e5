package spec

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// resolveOverlaps applies the on_overlap policy to the declared offline
// time. Blocks are taken in start order (address order on ties); each is
// compared with the block reaching furthest so far, which is the one it
// would overlap. It returns the blocks to keep, in that order, and under
// "trim" the blocks dropped entirely.
func resolveOverlaps(items []OfflineTime, policy OverlapPolicy) (kept, dropped []OfflineTime, diags hcl.Diagnostics) {
	sort.SliceStable(items, func(i, j int) bool {
		if !items[i].Start.Equal(items[j].Start) {
			return items[i].Start.Before(items[j].Start)
		}
		return items[i].Address < items[j].Address
	})
	kept = items[:0:0]
	reach := -1 // index in kept of the block ending last
	for _, it := range items {
		if reach < 0 || !it.Start.Before(kept[reach].End) {
			kept = append(kept, it)
			if reach < 0 || it.End.After(kept[reach].End) {
				reach = len(kept) - 1
			}
			continue
		}
		other := kept[reach]
		if policy != OverlapTrim {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Overlapping offline time",
				Detail: fmt.Sprintf("%s (%s to %s) overlaps %s (%s to %s, declared at %s). RescueTime would count the shared time twice. "+
					"Change one of them, or set on_overlap = \"trim\" in the rtctl block to shorten the later one.",
					it.Address, formatTime(it.Start), formatTime(it.End),
					other.Address, formatTime(other.Start), formatTime(other.End), rangeLine(other.Range)),
				Subject: it.Range.Ptr(),
			})
			kept = append(kept, it)
			if it.End.After(other.End) {
				reach = len(kept) - 1
			}
			continue
		}
		trim := &Trim{By: other.Address, OriginalStart: it.Start, OriginalEnd: it.End}
		if !it.End.After(other.End) {
			trim.Dropped = true
			it.Trimmed = trim
			dropped = append(dropped, it)
			continue
		}
		it.Start = other.End
		it.Trimmed = trim
		kept = append(kept, it)
		reach = len(kept) - 1
	}
	return kept, dropped, diags
}

// rangeLine names where a block is declared, as file:line.
func rangeLine(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}
