package apply

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// StaleError says why a saved plan can no longer be applied as it is.
type StaleError struct {
	Reasons []string
}

func (e *StaleError) Error() string {
	return "Saved plan is stale:\n  - " + strings.Join(e.Reasons, "\n  - ") + "\nRun rtctl plan again to see what to do now."
}

// Reconcile checks a saved plan against a plan made now from the same
// configuration. It returns the actions to send, and the saved create
// actions that became in sync since (to skip, never to re-send). Any other
// change to a saved action (it now conflicts, is uncertain, is no longer
// planned, or would send a different request) makes the saved plan stale:
// applying it would do something the person did not review.
//
// What is sent is the fresh plan's request, checked equal to the saved one:
// a saved file is never trusted to say what goes out with the person's key.
// A focus start is the exception that proves it: its length is the time left
// in the window, which shrinks while the plan waits, so the fresh one is sent.
func Reconcile(saved, fresh *plan.Plan) (send, skipped []plan.Action, err error) {
	type id struct{ key, address string }
	now := map[id]plan.Action{}
	for _, a := range fresh.Actions {
		now[id{a.Key, a.Address}] = a
	}
	var reasons []string
	for _, a := range saved.ToCreate() {
		f, ok := now[id{a.Key, a.Address}]
		switch {
		case !ok:
			reasons = append(reasons, fmt.Sprintf("%s is no longer planned", a.Address))
		case f.Status == plan.InSync:
			skipped = append(skipped, a)
		case f.Status == plan.Create:
			if f.Kind != plan.KindFocusStart && !sameRequest(a.Request, f.Request) {
				reasons = append(reasons, fmt.Sprintf("%s would now send a different request than the saved plan shows", a.Address))
				continue
			}
			send = append(send, f)
		default:
			reasons = append(reasons, fmt.Sprintf("%s is now %s: %s", a.Address, strings.ReplaceAll(string(f.Status), "_", " "), f.Reason))
		}
	}
	if len(reasons) > 0 {
		return nil, nil, &StaleError{Reasons: reasons}
	}
	return send, skipped, nil
}

func sameRequest(a, b *rtapi.Request) bool {
	if a == nil || b == nil {
		return false
	}
	return a.Method == b.Method && a.Endpoint == b.Endpoint &&
		a.Query.Encode() == b.Query.Encode() && bytes.Equal(compactJSON(a.Body), compactJSON(b.Body))
}

// compactJSON drops the layout a saved plan file gives a body, so bodies
// compare by content.
func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}
