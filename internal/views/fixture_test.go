package views

import (
	"encoding/json"
	"net/url"
	"time"

	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
	if err != nil {
		panic(err)
	}
	return t
}

// fixturePlan holds one action of every status and kind, with every
// optional field set somewhere, so the golden files pin every part of each
// rendering.
func fixturePlan() *plan.Plan {
	offlineReq := &rtapi.Request{Method: "POST", Endpoint: "offline_time_post",
		Body: json.RawMessage(`{"start_time":"2026-11-20 09:00:00","end_time":"2026-11-20 09:15:00","activity_name":"Meeting","activity_details":"Daily | standup <b>*now*</b>"}`)}
	highlightReq := &rtapi.Request{Method: "POST", Endpoint: "highlights_post",
		Query: url.Values{"highlight_date": {"2026-11-19"}, "description": {"Wrote the parser"}, "source": {"git"}}}
	focusReq := &rtapi.Request{Method: "POST", Endpoint: "start_focustime", Query: url.Values{"duration": {"60"}}}
	endReq := &rtapi.Request{Method: "POST", Endpoint: "end_focustime"}
	return &plan.Plan{
		Now:         at("2026-11-20 19:00"),
		Location:    berlin,
		Lookback:    14 * 24 * time.Hour,
		WindowStart: at("2026-11-06 19:00"),
		Warnings:    []string{"the journal has 1 unreadable line(s), left by an interrupted write; they were ignored"},
		Actions: []plan.Action{
			{Address: "offline_time.standup", Kind: plan.KindOffline, Status: plan.Create, Reason: "not in the account", Key: "offline_time:0001", Origin: "main.rt.hcl:12",
				Offline: &plan.Offline{Start: at("2026-11-20 09:00"), End: at("2026-11-20 09:15"), Activity: "Meeting", Details: "Daily | standup <b>*now*</b>"}, Request: offlineReq},
			{Address: "offline_time.offsite[chunk 1/2]", Kind: plan.KindOffline, Status: plan.Create, Reason: "an earlier attempt got no answer, and the offline time report shows it never arrived", Key: "offline_time:0002", Origin: "main.rt.hcl:20",
				Offline: &plan.Offline{Start: at("2026-11-19 09:00"), End: at("2026-11-19 13:00"), Activity: "Offsite", Chunk: 1, Chunks: 2, Note: "trimmed (on_overlap = \"trim\"): declared 08:00–13:00, overlaps offline_time.x"}, Request: offlineReq},
			{Address: "highlight.parser", Kind: plan.KindHighlight, Status: plan.Create, Reason: "not in the account", Key: "highlight:0003", Origin: "main.rt.hcl:30",
				Highlight: &plan.Highlight{Date: "2026-11-19", Description: "Wrote the parser", Source: "git"}, Request: highlightReq},
			{Address: "focus_session.deep_work[2026-11-20]", Kind: plan.KindFocusStart, Status: plan.Create, Reason: "no session started in this window", Key: "focus_start:0004", Origin: "main.rt.hcl:40",
				Focus: &plan.Focus{WindowStart: at("2026-11-20 18:30"), WindowEnd: at("2026-11-20 20:00"), Minutes: 60}, Request: focusReq},
			{Address: "focus_end.2026-11-20T17:00", Kind: plan.KindFocusEnd, Status: plan.Create, Reason: "rtctl started it and no declared window wants it any more", Key: "focus_end:0005",
				Focus: &plan.Focus{SessionStart: at("2026-11-20 17:00")}, Request: endReq},
			{Address: "highlight.release", Kind: plan.KindHighlight, Status: plan.Conflict, Reason: "declares the same item as highlight.other; remove one of them", Key: "highlight:0006", Origin: "main.rt.hcl:50",
				Highlight: &plan.Highlight{Date: "2026-11-20", Description: "Shipped `v1.2`\nto everyone", Source: "git"}},
			{Address: "offline_time.lunch", Kind: plan.KindOffline, Status: plan.Uncertain, Reason: "sent 18:55:00 without a known outcome; the server may still be handling it, so the offline time report proves nothing before 19:05: run again then", Key: "offline_time:0007", Origin: "main.rt.hcl:60",
				Offline: &plan.Offline{Start: at("2026-11-20 12:00"), End: at("2026-11-20 13:00"), Activity: "Lunch"}, SettlesAt: at("2026-11-20 19:05")},
			{Address: "highlight.ship", Kind: plan.KindHighlight, Status: plan.Held, Key: "highlight:0013", Origin: "main.rt.hcl:100",
				Reason:    "changed since rtctl posted it 2026-11-20 16:00 (description \"Shipped v1\" → \"Shipped v1.2\"). The API cannot update or delete, so posting it would leave the old one in the account: remove the old one in the RescueTime web app (Daily Highlights), then run apply --replace highlight.ship",
				Highlight: &plan.Highlight{Date: "2026-11-20", Description: "Shipped v1.2"},
				Previous:  &plan.Previous{Address: "highlight.ship", Key: "highlight:0014", Highlight: &plan.Highlight{Date: "2026-11-20", Description: "Shipped v1"}, At: at("2026-11-20 16:00")}},
			{Address: "offline_time.evening", Kind: plan.KindOffline, Status: plan.Deferred, Reason: "ends 2026-11-20 20:00, in the future; a later run posts it", Key: "offline_time:0008", Origin: "main.rt.hcl:70",
				Offline: &plan.Offline{Start: at("2026-11-20 19:00"), End: at("2026-11-20 20:00"), Activity: "Choir"}},
			{Address: "highlight.gone", Kind: plan.KindHighlight, Status: plan.Orphaned, Reason: "was applied by rtctl and is no longer declared; the API cannot delete it: remove it in the RescueTime web app (Daily Highlights)", Key: "highlight:0009",
				Highlight: &plan.Highlight{Date: "2026-11-18", Description: "Old news"}},
			{Address: "offline_time.old", Kind: plan.KindOffline, Status: plan.OutOfWindow, Reason: "starts before the lookback window (2026-11-06 19:00)", Key: "offline_time:0010", Origin: "main.rt.hcl:80",
				Offline: &plan.Offline{Start: at("2026-10-01 09:00"), End: at("2026-10-02 10:00"), Activity: "Travel"}},
			{Address: "highlight.a", Kind: plan.KindHighlight, Status: plan.InSync, Reason: "present in the highlights feed", Key: "highlight:0011", Origin: "main.rt.hcl:90",
				Highlight: &plan.Highlight{Date: "2026-11-18", Description: "A"}},
			{Address: "highlight.b", Kind: plan.KindHighlight, Status: plan.InSync, Reason: "present in the highlights feed", Key: "highlight:0012", Origin: "main.rt.hcl:91",
				Highlight: &plan.Highlight{Date: "2026-11-18", Description: "B"}},
		},
	}
}

// emptyPlan has nothing to do.
func emptyPlan() *plan.Plan {
	return &plan.Plan{Now: at("2026-11-20 19:00"), Location: berlin, Lookback: 14 * 24 * time.Hour, WindowStart: at("2026-11-06 19:00")}
}
