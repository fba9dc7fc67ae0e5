package emulator

import (
	"net/http"
	"sort"
	"strconv"
	"time"
)

// alertDef is a user-defined alert: it triggers once a day when the time
// matching it exceeds amount hours.
type alertDef struct {
	ID          int64   `json:"id"`
	Description string  `json:"description"`
	Amount      float64 `json:"amount"`

	message string
	match   func(Activity) bool
}

// alertsOf returns the account's alert definitions. Every account has the
// same three; their ids derive from the seed so accounts differ.
func alertsOf(a *account) []alertDef {
	r := rng(uint64(a.Seed))
	base := int64(1000 + r.intn(9000)*10)
	return []alertDef{
		{base + 1, "More than 2h of Software Development in a day", 2, "You have spent more than 2h on Software Development today",
			func(s Activity) bool { return s.Overview == "Software Development" }},
		{base + 2, "More than 4h of All Productive Time in a day", 4, "You have spent more than 4h on All Productive Time today",
			func(s Activity) bool { return s.Productivity > 0 }},
		{base + 3, "More than 1h of All Distracting Time in a day", 1, "You have spent more than 1h on All Distracting Time today",
			func(s Activity) bool { return s.Productivity < 0 }},
	}
}

type alertStatus struct {
	ID          int64     `json:"id"`
	AlertID     int64     `json:"alert_id"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// alertDays is how many days (today included) the status feed reaches back.
const alertDays = 14

func (e *Emulator) serveAlerts(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	op := q.Get("op")
	if op == "" {
		op = "status"
	}
	if op != "status" && op != "list" {
		writeQueryError(w, "op: want status or list")
		return
	}
	var only int64
	if s := q.Get("alert_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			writeQueryError(w, "alert_id: want an integer")
			return
		}
		only = id
	}
	var defs []alertDef
	if c.acct.premium() {
		for _, d := range alertsOf(c.acct) {
			if only == 0 || d.ID == only {
				defs = append(defs, d)
			}
		}
	}
	if op == "list" {
		if defs == nil {
			defs = []alertDef{}
		}
		writeJSON(w, http.StatusOK, defs)
		return
	}
	writeJSON(w, http.StatusOK, e.triggered(c, defs))
}

// triggered computes when each alert crossed its threshold on each day:
// at the end of the bucket where the day's running sum first exceeded it.
func (e *Emulator) triggered(c *call, defs []alertDef) []alertStatus {
	out := []alertStatus{}
	if len(defs) == 0 {
		return out
	}
	today := midnight(c.now, c.acct.loc)
	samples := e.samples(c.acct, c.now, addDays(today, 1-alertDays), addDays(today, 1), "")
	sort.SliceStable(samples, func(i, j int) bool { return samples[i].Bucket.Before(samples[j].Bucket) })
	for i, d := range defs {
		sum, day, fired := 0, time.Time{}, false
		for _, s := range samples {
			if m := midnight(s.Bucket, c.acct.loc); !m.Equal(day) {
				sum, day, fired = 0, m, false
			}
			if fired || !d.match(s) {
				continue
			}
			sum += s.Seconds
			if float64(sum) > d.Amount*3600 {
				fired = true
				at := s.Bucket.Add(bucketSize).In(c.acct.loc)
				out = append(out, alertStatus{
					ID: at.Unix()/60*10 + int64(i+1), AlertID: d.ID, Description: d.message, CreatedAt: at,
				})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out
}
