package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// CheckStatus is how one of doctor's checks came out.
type CheckStatus string

// The outcomes of a check.
const (
	CheckOK      CheckStatus = "ok"
	CheckWarn    CheckStatus = "warn"
	CheckFail    CheckStatus = "fail"
	CheckUnknown CheckStatus = "unknown" // nothing settles it yet; Do says how to learn it
)

// Check is one line of rtctl doctor: what it looked at, what it found and
// what to do about it.
type Check struct {
	Name    string      `json:"name"`
	Status  CheckStatus `json:"status"`
	Finding string      `json:"finding"`
	Do      string      `json:"do,omitempty"`
}

// Answer is one HTTP answer doctor saw: what a shape report is made of.
// Body is kept for the shapes and never shown as it is.
type Answer struct {
	Endpoint    string
	Params      []string // the query's parameter names, no values
	Status      int
	Headers     []string // header names, sorted
	ContentType string
	Body        []byte
	// Date is the answer's Date header, and Local this machine's clock
	// (as rtctl works with it) when the answer arrived.
	Date, Local time.Time
}

// FeedCheck is what one read endpoint answered.
type FeedCheck struct {
	Endpoint string `json:"endpoint"`
	// Err is the error it answered with, "" when it answered data.
	Err   string `json:"error,omitempty"`
	Count int    `json:"count"`
	// Oldest and Newest are the dates the items reach, zero when there
	// were none or they carry no date.
	Oldest time.Time `json:"oldest,omitzero"`
	Newest time.Time `json:"newest,omitzero"`
	// Capped says the count is a round number a server-side cap could
	// have cut the list at.
	Capped bool `json:"capped,omitempty"`

	err error
	// answer is the last HTTP answer of the call, nil without one.
	answer *Answer
}

// The emulator's model settings and their values, as `rtctl emulator`
// takes them (emulator.Setting*, emulator.Offline*). They are spelled here
// so that the operation layer does not link the emulator;
// TestModelNamesMatchEmulator keeps them equal.
const (
	emuSyncDelay     = "sync-delay"
	emuOfflineReport = "offline-report"
	emuHighlightsCap = "highlights-cap"
	offlineAsPosted  = "as-posted"
	offlineOtherName = "other-name"
	offlineHidden    = "hidden"
)

// ModelGuess is which of the emulator's models (emulator.Model) the
// account behaves like, as far as the journal's evidence shows.
type ModelGuess struct {
	// OfflineReport is as-posted, other-name or hidden; "" while unknown.
	OfflineReport string `json:"offline_report,omitempty"`
	// ShownAs and ShownCategory are how the report showed rtctl's offline
	// time (other-name).
	ShownAs       string `json:"shown_as,omitempty"`
	ShownCategory string `json:"shown_category,omitempty"`
	// SyncDelay is the delay observed between a POST and its appearance:
	// at most this, since it was seen when a run first looked (the probe
	// looks every minute); SyncDelayKnown is false while nothing was
	// observed.
	SyncDelay      time.Duration `json:"sync_delay,omitempty"`
	SyncDelayKnown bool          `json:"sync_delay_known"`
	// HighlightsShown says the highlights feed showed one of rtctl's
	// highlights; HighlightsCap is a cap the feed's count suggests (0: none).
	HighlightsShown bool `json:"highlights_shown"`
	HighlightsCap   int  `json:"highlights_cap,omitempty"`
}

// Flags writes the guess as `rtctl emulator` flags, leaving out what is
// not known.
func (m ModelGuess) Flags() string {
	var f []string
	if m.OfflineReport != "" {
		f = append(f, "--"+emuOfflineReport+" "+m.OfflineReport)
	}
	if m.SyncDelayKnown {
		f = append(f, fmt.Sprintf("--%s %dm", emuSyncDelay, int(roundDelay(m.SyncDelay)/time.Minute)))
	}
	if m.HighlightsCap > 0 {
		f = append(f, fmt.Sprintf("--%s %d", emuHighlightsCap, m.HighlightsCap))
	}
	return strings.Join(f, " ")
}

// roundDelay rounds an observed delay to the minute: the feeds are read at
// most once a minute, so finer figures would be noise.
func roundDelay(d time.Duration) time.Duration {
	return max(d, 0).Round(time.Minute)
}

// DoctorReport is what rtctl doctor found.
type DoctorReport struct {
	// Target names the account without any secret; Backend says what
	// answers (the sandbox, an emulator, RescueTime).
	Target  string    `json:"target"`
	Backend string    `json:"backend"`
	Now     time.Time `json:"now"`
	// Credential is "api key", "access token" or "sandbox".
	Credential string `json:"credential"`
	// Plan is "premium", "lite" or "" when the feeds do not tell.
	Plan   string      `json:"plan,omitempty"`
	Checks []Check     `json:"checks"`
	Feeds  []FeedCheck `json:"feeds"`
	Model  ModelGuess  `json:"model"`
	// Probe is set when --probe ran.
	Probe *ProbeResult `json:"probe,omitempty"`

	// Answers are every HTTP answer seen, for the shape report.
	Answers []Answer `json:"-"`

	summaries []rtapi.DailySummary
}

// Problems counts the checks that failed.
func (r *DoctorReport) Problems() int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == CheckFail {
			n++
		}
	}
	return n
}

func (r *DoctorReport) add(name string, st CheckStatus, finding, do string) {
	r.Checks = append(r.Checks, Check{Name: name, Status: st, Finding: finding, Do: do})
}

// DoctorOptions tune Doctor.
type DoctorOptions struct {
	// Probe posts one short offline block in the past and watches the
	// report until it appears (see ProbeIntent). Consent must approve it.
	Probe bool
	// Consent is asked, with exactly what would be posted, before the
	// probe posts; false, or an error, posts nothing.
	Consent func(ProbeIntent) (bool, error)
	// ProbeDeadline is how long the probe watches the report
	// (DefaultProbeDeadline when zero), ProbeInterval how often it reads
	// it (DefaultProbeInterval when zero).
	ProbeDeadline time.Duration
	ProbeInterval time.Duration
	// Sleep waits between reads; nil waits for real. Tests pass one that
	// moves their clock instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// LockTimeout is how long the probe waits for another run's lock.
	LockTimeout time.Duration
}

// recorder keeps every answer the API client receives. Bodies are read
// whole (the client limits them itself) and handed on unchanged.
type recorder struct {
	base http.RoundTripper
	now  func() time.Time

	mu      sync.Mutex
	answers []Answer
}

// maxRecordedBody bounds what one answer may add to the report's input.
const maxRecordedBody = 8 << 20

func (rec *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rec.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody+1))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if readErr != nil {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{readErr}))
	}
	a := Answer{
		Endpoint:    req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:],
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Local:       rec.now(),
	}
	if len(body) <= maxRecordedBody {
		a.Body = body
	}
	for k := range req.URL.Query() {
		a.Params = append(a.Params, k)
	}
	sort.Strings(a.Params)
	for k := range resp.Header {
		a.Headers = append(a.Headers, k)
	}
	sort.Strings(a.Headers)
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		a.Date = d
	}
	rec.mu.Lock()
	rec.answers = append(rec.answers, a)
	rec.mu.Unlock()
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Doctor checks the account and what rtctl knows of it, and explains each
// finding; it posts nothing unless opts.Probe (and Consent) say so. Every
// check is made even when an earlier one failed: a report that stops at
// the first problem hides the others.
func (w *Workspace) Doctor(ctx context.Context, opts DoctorOptions) (*DoctorReport, error) {
	now := w.instant()
	r := &DoctorReport{Target: w.Target(), Now: now, Backend: w.backend()}
	cfg, cfgErr := w.load(ctx, now)
	var zone *time.Location
	if cfgErr == nil {
		zone = cfg.Timezone
	} else {
		r.add("configuration", CheckWarn, fmt.Sprintf("the configuration did not load: %v", cfgErr), "fix it (rtctl validate shows where); doctor checks the account without it, in this machine's time zone")
	}
	rec := &recorder{now: w.present()}
	client, err := w.client(ctx, zone, func(base http.RoundTripper) http.RoundTripper {
		rec.base = base
		return rec
	})
	if err != nil {
		return nil, err
	}
	w.checkCredentialKind(r)
	w.readFeeds(ctx, client, r, now, rec)
	r.Answers = rec.snapshot()
	w.checkCredentials(r)
	w.checkPlan(r)
	w.checkTimezone(r, client.Location(), cfgErr == nil && cfg.Timezone != nil && cfg.Timezone != time.Local)
	w.checkFeeds(r)
	w.checkClock(r)
	w.checkBackend(r)
	st := w.checkJournal(r)
	w.checkLocks(ctx, r)
	if opts.Probe {
		if cfgErr != nil {
			return r, fmt.Errorf("the probe needs the configuration, to know the account's time zone: %w", cfgErr)
		}
		if r.Problems() > 0 {
			return r, fmt.Errorf("the probe posts nothing while a check fails: %s", r.firstProblem())
		}
		if r.Plan == "lite" {
			return r, errors.New("the probe posts offline time, which needs RescueTime Premium: this account is Lite, so nothing was posted")
		}
		pr, err := w.probe(ctx, client, cfg.Timezone, opts, rec)
		r.Probe = pr
		r.Answers = rec.snapshot()
		if err != nil {
			return r, err
		}
		// The probe's evidence is in the journal now: read it again, as
		// of the end of the watch.
		st = w.rereadJournal(st)
		if t := w.opts.Clock(); w.opts.Now.IsZero() && t.After(now) {
			now = t
		}
	}
	w.checkEvidence(r, st, now)
	return r, nil
}

func (r *DoctorReport) firstProblem() string {
	for _, c := range r.Checks {
		if c.Status == CheckFail {
			return c.Name + ": " + c.Finding
		}
	}
	return ""
}

func (rec *recorder) snapshot() []Answer {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Answer(nil), rec.answers...)
}

// backend says what answers the workspace's requests.
func (w *Workspace) backend() string {
	a := w.opts.Account
	switch {
	case a.Sandbox:
		return "the sandbox (an emulated account kept in " + SandboxStatePath + ")"
	case a.Endpoint == "" || strings.TrimRight(a.Endpoint, "/") == strings.TrimRight(rtapi.DefaultBaseURL, "/"):
		return "RescueTime (" + rtapi.DefaultBaseURL + ")"
	default:
		return "the endpoint " + w.Target() + " (an emulator, or a proxy in front of RescueTime)"
	}
}

func (w *Workspace) checkCredentialKind(r *DoctorReport) {
	switch w.opts.Account.Credentials.(type) {
	case rtapi.AccessToken:
		r.Credential = "access token"
	case rtapi.APIKey:
		r.Credential = "api key"
	}
	if w.opts.Account.Sandbox {
		r.Credential = "sandbox"
	}
}

// doctorFeeds are the read endpoints doctor calls, in order.
var doctorFeeds = []string{
	"data", "data (offline)", "daily_summary_feed", "highlights_feed", "alerts_feed (list)", "alerts_feed (status)",
	"focustime_started_feed", "focustime_ended_feed",
}

// doctorLookback is how far back doctor asks Analytic Data: the planner's
// default lookback.
const doctorLookback = 14 * 24 * time.Hour

func (w *Workspace) readFeeds(ctx context.Context, c *rtapi.Client, r *DoctorReport, now time.Time, rec *recorder) {
	loc := c.Location()
	day := func(t time.Time) time.Time {
		t = t.In(loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	}
	begin, end := day(now.Add(-doctorLookback)), day(now)
	for _, name := range doctorFeeds {
		f := FeedCheck{Endpoint: name}
		before := len(rec.snapshot())
		var dates []time.Time
		switch name {
		case "data", "data (offline)":
			q := rtapi.AnalyticDataQuery{Perspective: rtapi.PerspectiveInterval, Resolution: rtapi.ResolutionDay, Kind: rtapi.KindProductivity, Begin: begin, End: end}
			if name == "data (offline)" {
				q.Resolution, q.Kind, q.SourceType = rtapi.ResolutionMinute, rtapi.KindActivity, rtapi.SourceOffline
			}
			var d *rtapi.AnalyticData
			if d, f.err = c.AnalyticData(ctx, q); f.err == nil {
				f.Count = len(d.Rows)
				for _, row := range d.Rows {
					dates = append(dates, row.Date)
				}
			}
		case "daily_summary_feed":
			var s []rtapi.DailySummary
			if s, f.err = c.DailySummaries(ctx); f.err == nil {
				f.Count = len(s)
				for _, d := range s {
					dates = append(dates, d.Date)
				}
				r.summaries = s
			}
		case "highlights_feed":
			var h []rtapi.Highlight
			if h, f.err = c.Highlights(ctx); f.err == nil {
				f.Count = len(h)
				for _, x := range h {
					dates = append(dates, x.Date)
				}
				f.Capped = roundCount(len(h))
			}
		case "alerts_feed (list)":
			var a []rtapi.AlertDefinition
			if a, f.err = c.AlertDefinitions(ctx); f.err == nil {
				f.Count = len(a)
			}
		case "alerts_feed (status)":
			var a []rtapi.Alert
			if a, f.err = c.Alerts(ctx, 0); f.err == nil {
				f.Count = len(a)
				for _, x := range a {
					dates = append(dates, x.CreatedAt)
				}
			}
		case "focustime_started_feed", "focustime_ended_feed":
			var ev []rtapi.FocusEvent
			if name == "focustime_started_feed" {
				ev, f.err = c.FocusTimeStarted(ctx)
			} else {
				ev, f.err = c.FocusTimeEnded(ctx)
			}
			if f.err == nil {
				f.Count = len(ev)
				for _, x := range ev {
					dates = append(dates, x.CreatedAt)
				}
			}
		}
		if f.err != nil {
			f.Err = f.err.Error()
		}
		if answers := rec.snapshot(); len(answers) > before {
			f.answer = &answers[len(answers)-1]
		}
		for _, d := range dates {
			if d.IsZero() {
				continue
			}
			if f.Oldest.IsZero() || d.Before(f.Oldest) {
				f.Oldest = d
			}
			if d.After(f.Newest) {
				f.Newest = d
			}
		}
		r.Feeds = append(r.Feeds, f)
	}
}

// roundCount says whether n items could be a list cut at a cap: a
// positive multiple of 10, or 25.
func roundCount(n int) bool { return n >= 10 && (n%10 == 0 || n == 25) }

// feedScopes are the OAuth2 scopes each of doctor's reads needs.
var feedScopes = map[string]rtapi.Scope{
	"data": rtapi.ScopeTimeData, "data (offline)": rtapi.ScopeTimeData, "daily_summary_feed": rtapi.ScopeTimeData,
	"highlights_feed": rtapi.ScopeHighlightData, "alerts_feed (list)": rtapi.ScopeAlertData, "alerts_feed (status)": rtapi.ScopeAlertData,
	"focustime_started_feed": rtapi.ScopeFocusTimeData, "focustime_ended_feed": rtapi.ScopeFocusTimeData,
}

// forbidden reports whether err is an HTTP 403: credentials that work but
// may not read this (a token without the scope).
func forbidden(err error) bool {
	var unauth *rtapi.UnauthorizedError
	return errors.As(err, &unauth) && unauth.StatusCode == http.StatusForbidden
}

func (w *Workspace) checkCredentials(r *DoctorReport) {
	token := r.Credential == "access token"
	var refused, other error
	granted, missing := map[rtapi.Scope]bool{}, map[rtapi.Scope]bool{}
	for _, f := range r.Feeds {
		var unauth *rtapi.UnauthorizedError
		var prem *rtapi.PremiumRequiredError
		switch {
		case f.err == nil:
			granted[feedScopes[f.Endpoint]] = true
		case forbidden(f.err):
			missing[feedScopes[f.Endpoint]] = true
		case errors.As(f.err, &unauth):
			if refused == nil {
				refused = f.err
			}
		case errors.As(f.err, &prem):
		default:
			if other == nil {
				other = f.err
			}
		}
	}
	switch {
	case refused != nil:
		what, do := "the API key", "check the key at https://www.rescuetime.com/anapi/manage, or set another with RESCUETIME_API_KEY or --api-key-file"
		if token {
			what, do = "the access token", "authorise again (rtctl auth login), or set another token with RESCUETIME_ACCESS_TOKEN or --access-token-file"
		}
		r.add("credentials", CheckFail, fmt.Sprintf("%s was refused: %v", what, refused), do)
	case other != nil && len(granted) == 0 && len(missing) == 0:
		r.add("credentials", CheckFail, fmt.Sprintf("no endpoint answered, so the credentials are untested: %v", other), "check the network and the endpoint; rtctl -v doctor shows each request")
	case r.Credential == "sandbox":
		r.add("credentials", CheckOK, "the sandbox's built-in key works (nothing real is reached)", "")
	case token && len(missing) > 0:
		r.add("credentials", CheckWarn, fmt.Sprintf("an OAuth2 access token works with the scopes %s, and lacks %s (HTTP 403)", scopeList(granted), scopeList(missing)),
			"authorise again with the missing scopes (rtctl auth login): without them rtctl cannot read, nor check what it posts to, those feeds")
	case token:
		r.add("credentials", CheckOK, fmt.Sprintf("an OAuth2 access token works with the scopes %s (as the feeds it read show; the API does not list a token's scopes)", scopeList(granted)), "")
	case len(missing) > 0:
		r.add("credentials", CheckFail, fmt.Sprintf("the API key works but may not read the feeds needing %s (HTTP 403)", scopeList(missing)), "check the key at https://www.rescuetime.com/anapi/manage")
	default:
		r.add("credentials", CheckOK, "an API key works (keys read and write everything the plan allows)", "")
	}
}

func scopeList(set map[rtapi.Scope]bool) string {
	var out []string
	for s := range set {
		if s != "" {
			out = append(out, string(s))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func (w *Workspace) checkPlan(r *DoctorReport) {
	var premiumOnly []string
	used := false
	for _, f := range r.Feeds {
		var prem *rtapi.PremiumRequiredError
		if errors.As(f.err, &prem) {
			premiumOnly = append(premiumOnly, f.Endpoint)
		}
		switch f.Endpoint {
		case "highlights_feed", "alerts_feed (list)", "focustime_started_feed":
			used = used || (f.err == nil && f.Count > 0)
		}
	}
	switch {
	case len(premiumOnly) > 0:
		r.Plan = "lite"
		r.add("plan", CheckWarn, fmt.Sprintf("Lite: %s answered that it needs Premium", strings.Join(premiumOnly, ", ")), "offline time, highlights and FocusTime can only be posted with Premium; plans show them, apply refuses")
	case used:
		r.Plan = "premium"
		r.add("plan", CheckOK, "Premium: the Premium-only feeds list items", "")
	default:
		r.add("plan", CheckUnknown, "Lite, or Premium with no highlights, alerts or FocusTime sessions yet: the feeds answer both alike (an empty list)", "look at the account's plan in RescueTime's settings; a first apply of a highlight settles it (Lite answers 400)")
	}
}

// checkTimezone compares the account's day boundaries, as the daily
// summary's ids give them (the Unix time of local midnight of each date),
// with the zone rtctl reads and writes naive times in.
func (w *Workspace) checkTimezone(r *DoctorReport, loc *time.Location, configured bool) {
	if len(r.summaries) == 0 {
		r.add("time zone", CheckUnknown, "the daily summary listed no day, so the account's zone cannot be read from it", "check the zone in RescueTime's settings against rtctl.timezone")
		return
	}
	source := "the configuration's rtctl.timezone"
	if !configured {
		source = "the zone rtctl reads the account in (no rtctl.timezone: --timezone, RTCTL_TIMEZONE or this machine's)"
	}
	for _, d := range r.summaries {
		y, m, dd := d.Date.Date()
		utcMidnight := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Unix()
		account := time.Duration(utcMidnight-d.ID) * time.Second // east of UTC
		_, ours := time.Date(y, m, dd, 0, 0, 0, 0, loc).Zone()
		if account != time.Duration(ours)*time.Second {
			r.add("time zone", CheckFail, fmt.Sprintf("the account's days start at UTC%s (the daily summary of %04d-%02d-%02d); %s, %s, is UTC%s that day",
				offset(account), y, m, dd, source, loc, offset(time.Duration(ours)*time.Second)),
				"set rtctl.timezone to the zone of the account (RescueTime's settings): every offline block would otherwise be posted hours off")
			return
		}
	}
	_, off := time.Date(r.summaries[0].Date.Year(), r.summaries[0].Date.Month(), r.summaries[0].Date.Day(), 0, 0, 0, 0, loc).Zone()
	r.add("time zone", CheckOK, fmt.Sprintf("the account's days start at midnight in %s (UTC%s), as %s says, on all %d days of the daily summary", loc, offset(time.Duration(off)*time.Second), source, len(r.summaries)), "")
}

func offset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("%s%02d:%02d", sign, int(d.Hours()), int(d.Minutes())%60)
}

func (w *Workspace) checkFeeds(r *DoctorReport) {
	for _, f := range r.Feeds {
		name := "feed " + f.Endpoint
		if f.err != nil {
			var prem *rtapi.PremiumRequiredError
			if errors.As(f.err, &prem) {
				r.add(name, CheckWarn, "needs Premium", "")
				continue
			}
			if forbidden(f.err) && r.Credential == "access token" {
				r.add(name, CheckWarn, fmt.Sprintf("not readable with this token: it lacks %s", feedScopes[f.Endpoint]), "")
				continue
			}
			r.add(name, CheckFail, f.Err, "rtctl -v doctor shows the request and its answer")
			continue
		}
		finding := fmt.Sprintf("reachable; %d item(s)", f.Count)
		if !f.Oldest.IsZero() {
			finding += fmt.Sprintf(", reaching back to %s", f.Oldest.Format(time.DateOnly))
		}
		if a := f.answer; a != nil && a.Endpoint == strings.Fields(f.Endpoint)[0] {
			finding += "; " + shapeLine(bodyShape(a.Body, a.ContentType))
			if a.ContentType != "" {
				finding += " (" + a.ContentType + ")"
			}
		}
		st, do := CheckOK, ""
		if f.Capped {
			st = CheckWarn
			finding += fmt.Sprintf("; exactly %d may be a cap on the list", f.Count)
			do = fmt.Sprintf("if older highlights are missing from it, the feed is capped: run the emulator with --highlights-cap %d to test against that", f.Count)
		}
		r.add(name, st, finding, do)
	}
}

// skewTolerance is the clock difference doctor lets pass: the Date header
// has whole seconds and the answer takes time to arrive.
const skewTolerance = 5 * time.Second

func (w *Workspace) checkClock(r *DoctorReport) {
	var worst time.Duration
	seen := false
	for _, a := range r.Answers {
		if a.Date.IsZero() {
			continue
		}
		seen = true
		if d := a.Local.Sub(a.Date); math.Abs(float64(d)) > math.Abs(float64(worst)) {
			worst = d
		}
	}
	pinned := ""
	if !w.opts.Now.IsZero() {
		pinned = " (rtctl's clock is pinned by --now or RTCTL_NOW)"
	}
	switch {
	case !seen:
		r.add("clock", CheckUnknown, "no answer carried a Date header, so the skew is unknown", "")
	case math.Abs(float64(worst)) <= float64(skewTolerance):
		r.add("clock", CheckOK, fmt.Sprintf("this machine's clock%s agrees with the server's within %s", pinned, skewTolerance), "")
	default:
		dir := "ahead of"
		if worst < 0 {
			dir, worst = "behind", -worst
		}
		r.add("clock", CheckWarn, fmt.Sprintf("this machine's clock%s is %s %s the server's", pinned, worst.Round(time.Second), dir),
			"set the clock right (NTP): rtctl decides what has ended, and what the API would refuse as future, by it")
	}
}

func (w *Workspace) checkJournal(r *DoctorReport) *journal.State {
	path, err := w.JournalPath()
	if err != nil {
		r.add("journal", CheckFail, err.Error(), "")
		return nil
	}
	st, err := journal.Read(path)
	if err != nil {
		var damaged *journal.DamagedError
		if errors.As(err, &damaged) {
			r.add("journal", CheckFail, err.Error(), "rtctl journal verify shows the damage; rtctl journal repair keeps what can be trusted")
			return st
		}
		r.add("journal", CheckFail, err.Error(), "")
		return nil
	}
	if err := w.checkBinding(path, st); err != nil {
		r.add("journal", CheckFail, err.Error(), "")
		return st
	}
	if st.Len() == 0 && st.Lines == 0 {
		r.add("journal", CheckOK, fmt.Sprintf("%s does not exist yet: nothing was applied from here", path), "")
		return st
	}
	pending, done := 0, 0
	for _, rec := range st.Records() {
		switch {
		case rec.Pending():
			pending++
		case rec.Done():
			done++
		}
	}
	finding := fmt.Sprintf("%s: %d line(s), %d item(s) posted, %d pending", path, st.Lines, done, pending)
	switch {
	case st.Torn:
		r.add("journal", CheckWarn, finding+"; its last line was cut short by a crash", "the next apply removes it")
	case pending > 0:
		r.add("journal", CheckWarn, finding, "the next plan settles pending items from the feeds, or shows them as uncertain")
	default:
		r.add("journal", CheckOK, finding, "")
	}
	return st
}

func (w *Workspace) rereadJournal(old *journal.State) *journal.State {
	path, err := w.JournalPath()
	if err != nil {
		return old
	}
	st, err := journal.Read(path)
	if err != nil {
		return old
	}
	return st
}

// checkLocks says whether another run holds the account: it takes each
// lock for an instant and lets it go.
// checkBackend says where the account's journal and lock are kept.
func (w *Workspace) checkBackend(r *DoctorReport) {
	switch {
	case w.opts.Account.Sandbox:
		r.add("backend", CheckOK, "local: the sandbox keeps its journal beside its account in .rtctl", "")
	case w.shared():
		r.add("backend", CheckOK, fmt.Sprintf("%s: the journal and the lock are kept on the remote every machine reaches (a copy in .rtctl)", w.opts.Backend.Kind()), "")
	default:
		r.add("backend", CheckOK, "local: the journal and the lock are on this machine (.rtctl and the state directory)", "if more than one machine applies this account, use the git backend (README, \"Calendars, commits and CI\")")
	}
}

func (w *Workspace) checkLocks(ctx context.Context, r *DoctorReport) {
	files, err := w.LockPaths()
	if err != nil {
		r.add("locks", CheckUnknown, err.Error(), "")
		return
	}
	for _, p := range []string{files.StateDir, files.Config, files.Journal} {
		if p == "" {
			continue
		}
		// A lock file that does not exist is held by nobody; doctor
		// creates none (nor the directory it would go in).
		if _, err := os.Lstat(journal.LockPath(p)); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		l, err := journal.Acquire(ctx, p, journal.AcquireOptions{Command: "rtctl doctor", Now: w.opts.Clock})
		switch {
		case errors.Is(err, journal.ErrLocked):
			r.add("locks", CheckWarn, fmt.Sprintf("the account is locked: %v", err), "wait for the other run to finish; a lock left by a crashed run is taken over once its process is gone")
			return
		case err != nil:
			r.add("locks", CheckUnknown, fmt.Sprintf("a lock could not be checked: %v", err), "")
			return
		}
		_ = l.Release()
	}
	r.add("locks", CheckOK, "no other run holds the account", "")
}

// checkEvidence says what the journal has demonstrated about the feeds,
// and so which emulator model the account behaves like.
func (w *Workspace) checkEvidence(r *DoctorReport, st *journal.State, now time.Time) {
	m := &r.Model
	observe := func(ev journal.Evidence) {
		if ev.PostedAt.IsZero() || ev.SeenAt.IsZero() {
			return
		}
		// SeenAt is when a run first looked and found the item: each
		// observation bounds the delay from above, the smallest bound is
		// the best one (the probe's, which looks every minute).
		d := ev.SeenAt.Sub(ev.PostedAt)
		if !m.SyncDelayKnown || d < m.SyncDelay {
			m.SyncDelay, m.SyncDelayKnown = max(d, 0), true
		}
	}
	if ev, ok := st.Evidence(journal.FeedOffline); ok {
		observe(ev)
		if norm(ev.Activity) == norm(ev.PostedActivity) {
			m.OfflineReport = offlineAsPosted
			r.add("offline report", CheckOK, fmt.Sprintf("the Analytic Data report shows rtctl's offline time under the activity it was posted with (category %q), seen at most %s after the POST", ev.Category, shortDelay(ev.SeenAt.Sub(ev.PostedAt))), "")
		} else {
			m.OfflineReport = offlineOtherName
			m.ShownAs, m.ShownCategory = ev.Activity, ev.Category
			r.add("offline report", CheckOK, fmt.Sprintf("the Analytic Data report shows rtctl's offline time under a name of its own, %q (category %q), not the posted one; plans match blocks by that name", ev.Activity, ev.Category), "")
		}
	} else {
		unseen := 0
		for _, rec := range st.Records() {
			if rec.Kind == string(plan.KindOffline) && rec.Result == journal.Applied && now.Sub(rec.ResultAt) >= plan.SettleAfter {
				unseen++
			}
		}
		if unseen > 0 {
			m.OfflineReport = offlineHidden
			r.add("offline report", CheckWarn, fmt.Sprintf("%d offline block(s) rtctl posted over %s ago never appeared in the report: it hides them, or shows them in a way rtctl cannot match", unseen, plan.RoundDuration(plan.SettleAfter)),
				"plans keep those blocks from the journal alone: keep the journal safe (rtctl journal export), as a lost journal would post them again")
		} else {
			r.add("offline report", CheckUnknown, "not demonstrated yet: how the report shows posted offline time is unknown until it has shown one of rtctl's posts",
				"run rtctl doctor --probe (posts one 5-minute block, asking first), or apply and plan again after "+plan.RoundDuration(plan.SettleAfter))
		}
	}
	if ev, ok := st.Evidence(journal.FeedHighlights); ok {
		observe(ev)
		m.HighlightsShown = true
		r.add("highlights evidence", CheckOK, fmt.Sprintf("the highlights feed shows rtctl's highlights (seen at most %s after the POST)", shortDelay(ev.SeenAt.Sub(ev.PostedAt))), "")
	} else {
		r.add("highlights evidence", CheckUnknown, "not demonstrated yet: the highlights feed has not shown one of rtctl's highlights", "apply a highlight and plan again after a few minutes")
	}
	for _, f := range r.Feeds {
		if f.Endpoint == "highlights_feed" && f.Capped {
			m.HighlightsCap = f.Count
		}
	}
	switch flags := m.Flags(); {
	case m.OfflineReport == "" && !m.SyncDelayKnown:
		r.add("model", CheckUnknown, "the account's behaviour is not demonstrated yet: rtctl treats it as the most cautious model", "rtctl doctor --probe learns it")
	default:
		r.add("model", CheckOK, "the account behaves like rtctl emulator "+flags, "test a configuration against that with rtctl emulator "+flags)
	}
}

// shortDelay writes an observed delay as doctor reports it: "a minute",
// "3m", "1h05m" (to the minute: the feeds are read at most once a minute).
func shortDelay(d time.Duration) string {
	if d <= time.Minute {
		return "a minute"
	}
	return plan.RoundDuration(roundDelay(d))
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// shapeLine sums up an answer's shape in a few words: a table's columns, a
// list's item keys.
func shapeLine(s *Shape) string {
	if s == nil {
		return "an empty answer"
	}
	if rows := s.Keys["rows"]; s.Kind == "object" && rows != nil && rows.Kind == "table" {
		s = rows
	}
	switch s.Kind {
	case "table", "csv":
		var h []string
		for _, c := range s.Columns {
			h = append(h, c.Header)
		}
		return "columns " + strings.Join(h, ", ")
	case "array":
		if s.Items != nil && s.Items.Kind == "object" {
			return fmt.Sprintf("a list of objects with %d keys", len(s.Items.Keys))
		}
		return "a list"
	case "object":
		return fmt.Sprintf("an object with %d keys", len(s.Keys))
	}
	return "a " + s.Kind + " answer"
}
