package plan

import (
	"fmt"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// RequestBuilder renders the POSTs for actions; *rtapi.Client is one, and
// its clock and account zone decide the rendering.
type RequestBuilder interface {
	OfflineTimeRequest(rtapi.OfflineTimePost) (rtapi.Request, error)
	HighlightRequest(rtapi.HighlightPost) (rtapi.Request, error)
	StartFocusTimeRequest(minutes int) (rtapi.Request, error)
	EndFocusTimeRequest() rtapi.Request
}

// AttachRequests renders the request of every create action, so the plan
// shows, and apply later sends, exactly the same thing. An action the API
// would refuse becomes a conflict with the API's reason instead of failing
// at apply time, run after run.
func (p *Plan) AttachRequests(b RequestBuilder) {
	for i := range p.Actions {
		a := &p.Actions[i]
		if a.Status != Create {
			continue
		}
		r, err := buildRequest(b, *a, p.Location)
		if err != nil {
			a.Status = Conflict
			a.Reason = fmt.Sprintf("the API would refuse it: %v", err)
			continue
		}
		a.Request = &r
	}
}

func buildRequest(b RequestBuilder, a Action, loc *time.Location) (rtapi.Request, error) {
	switch {
	case a.Offline != nil:
		return b.OfflineTimeRequest(rtapi.OfflineTimePost{
			Start:           a.Offline.Start,
			End:             a.Offline.End,
			ActivityName:    a.Offline.Activity,
			ActivityDetails: a.Offline.Details,
		})
	case a.Highlight != nil:
		d, err := time.ParseInLocation(time.DateOnly, a.Highlight.Date, loc)
		if err != nil {
			return rtapi.Request{}, fmt.Errorf("highlight date: %w", err)
		}
		return b.HighlightRequest(rtapi.HighlightPost{Date: d, Description: a.Highlight.Description, Source: a.Highlight.Source})
	case a.Kind == KindFocusEnd:
		return b.EndFocusTimeRequest(), nil
	case a.Focus != nil:
		return b.StartFocusTimeRequest(a.Focus.Minutes)
	}
	return rtapi.Request{}, fmt.Errorf("%s: nothing to send", a.Address)
}
