package workspace

import (
	"fmt"
	"os"
	"path/filepath"
)

// NeedsAttention reports whether the plan holds an item a person must act
// on (one of AttentionStatuses).
func (r *PlanResult) NeedsAttention() bool {
	sum := r.Plan.Summary()
	for _, st := range AttentionStatuses {
		if sum[st] > 0 {
			return true
		}
	}
	return false
}

// CheckPlanOut refuses a path a plan cannot be saved to (plan --out),
// before the plan is made rather than after.
func CheckPlanOut(path string) error {
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("--out %s is a directory; give a file name", path)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return fmt.Errorf("--out %s: the directory %s does not exist", path, filepath.Dir(path))
	}
	return nil
}
