package apply

import (
	"fmt"
	"strings"

	"github.com/rtctl/rtctl/pkg/plan"
)

// StaleError says why a saved plan can no longer be applied as it is.
type StaleError struct {
	Reasons []string
}

func (e *StaleError) Error() string {
	return "Saved plan is stale:\n  - " + strings.Join(e.Reasons, "\n  - ") + "\nRun rtctl plan again to see what to do now."
}

// Reconcile checks a saved plan against a plan made now from the same
// configuration. It returns the saved create actions still to send, and
// those that became in sync since (to skip, never to re-send). Any other
// change to a saved action (it now conflicts, is uncertain, or is no longer
// planned) makes the saved plan stale: applying it would do something the
// person did not review.
func Reconcile(saved, fresh *plan.Plan) (send, skipped []plan.Action, err error) {
	now := map[string]plan.Action{}
	for _, a := range fresh.Actions {
		now[a.Key] = a
	}
	var reasons []string
	for _, a := range saved.ToCreate() {
		f, ok := now[a.Key]
		switch {
		case !ok:
			reasons = append(reasons, fmt.Sprintf("%s is no longer planned", a.Address))
		case f.Status == plan.InSync:
			skipped = append(skipped, a)
		case f.Status == plan.Create:
			if a.Request == nil {
				reasons = append(reasons, fmt.Sprintf("%s has no request in the saved plan", a.Address))
				continue
			}
			send = append(send, a)
		default:
			reasons = append(reasons, fmt.Sprintf("%s is now %s: %s", a.Address, strings.ReplaceAll(string(f.Status), "_", " "), f.Reason))
		}
	}
	if len(reasons) > 0 {
		return nil, nil, &StaleError{Reasons: reasons}
	}
	return send, skipped, nil
}
