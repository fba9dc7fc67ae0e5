package emulator

import (
	"fmt"
	"sort"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// Source is the kind of device a sample was logged from, as
// restrict_source_type names it.
type Source string

// The three source types of the Analytic Data API.
const (
	SourceComputers Source = "computers"
	SourceMobile    Source = "mobile"
	SourceOffline   Source = "offline"
)

// Activity is one raw sample: time logged in one five-minute bucket for one
// activity (and document). Analytic Data, the daily summary and the alerts
// are sums over these samples.
type Activity struct {
	Bucket       time.Time `json:"bucket"` // start of the five-minute bucket, in the account's zone
	Source       Source    `json:"source"`
	Activity     string    `json:"activity"`
	Document     string    `json:"document,omitempty"` // "" when the activity has no document
	Category     string    `json:"category"`           // sub-category
	Overview     string    `json:"overview"`           // top-level category
	Productivity int       `json:"productivity"`       // -2..2
	Seconds      int       `json:"seconds"`
	// Device is which of the account's computers logged it: 0 for the
	// first (and the phone and offline time), 1 for a second one
	// (Model.Devices). The API never says; tests tell devices apart.
	Device int `json:"device,omitempty"`
}

const (
	bucketSize = rtapi.BucketSize
	// offlineCategory is the category (and overview) of posted offline time.
	offlineCategory = "Offline"
)

// History returns the samples of the account with key in [from, to): the
// synthetic computer and mobile activity of every complete five-minute
// bucket, and the posted offline time as the account's model reports it
// (synced by now, named as the model says), ordered by bucket. It is what the
// Analytic Data answers are computed from, exported so tests can check
// those answers against independent sums.
func (e *Emulator) History(key string, from, to time.Time) ([]Activity, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	acct, ok := e.accounts[key]
	if !ok {
		return nil, fmt.Errorf("history: no account with that key")
	}
	out := e.samples(acct, e.now(), from, to, "")
	sort.SliceStable(out, func(i, j int) bool { return out[i].Bucket.Before(out[j].Bucket) })
	return out, nil
}

// samples appends, unordered, the samples of acct in [from, to) from the
// given source ("" for all). The caller holds e.mu.
func (e *Emulator) samples(acct *account, now, from, to time.Time, source Source) []Activity {
	var out []Activity
	if source != SourceOffline {
		out = synthRange(acct, now, from, to, source, out)
	}
	if source == "" || source == SourceOffline {
		out = acct.offlineSamples(now, from, to, out)
	}
	return out
}

// synthRange generates the synthetic samples of every complete bucket in
// [from, to) before now. The history has no beginning: moving the clock
// never changes the past.
func synthRange(acct *account, now, from, to time.Time, source Source, out []Activity) []Activity {
	end := now.Truncate(bucketSize) // buckets must be complete: start+5m <= now
	if to.Before(end) {
		end = to
	}
	b := from.Truncate(bucketSize)
	if b.Before(from) {
		b = b.Add(bucketSize)
	}
	for ; b.Before(end); b = b.Add(bucketSize) {
		out = synthBucket(acct.Seed, b.In(acct.loc), source, out)
		if acct.Model.Devices > 1 && source != SourceMobile {
			out = synthSecondDevice(acct.Seed, b.In(acct.loc), out)
		}
	}
	return out
}

// activityClass groups catalogue entries by what a time of day favours.
type activityClass int

const (
	classWork activityClass = iota
	classComms
	classUtility
	classLeisure
	numClasses
)

type catalogEntry struct {
	name         string
	overview     string
	category     string
	productivity int
	class        activityClass
	documents    []string
}

// computerCatalog and mobileCatalog use the category names seen in real
// answers (docs/real-api.md) and plausible ones where none were seen.
var computerCatalog = []catalogEntry{
	{"VS Code", "Software Development", "Editing & IDEs", 2, classWork, []string{"main.go - rtctl", "emulator.go - rtctl", "README.md - rtctl", "plan_test.go - rtctl"}},
	{"Terminal", "Software Development", "Systems Operations", 2, classWork, nil},
	{"github.com", "Software Development", "General Software Development", 2, classWork, []string{"Pull requests · rtctl/rtctl", "Issues · rtctl/rtctl", "Actions · rtctl/rtctl"}},
	{"pkg.go.dev", "Reference & Learning", "General Reference & Learning", 2, classWork, []string{"net/http - Go Packages", "time - Go Packages"}},
	{"stackoverflow.com", "Reference & Learning", "Search", 1, classWork, nil},
	{"Figma", "Design & Composition", "Graphic Design", 2, classWork, []string{"Onboarding flow", "Icons"}},
	{"docs.google.com", "Design & Composition", "Writing", 2, classWork, []string{"Q4 planning", "Design doc: rtctl"}},
	{"linear.app", "Business", "Project Management", 1, classWork, nil},
	{"Slack", "Communication & Scheduling", "Instant Message", 1, classComms, []string{"#general", "#engineering"}},
	{"mail.google.com", "Communication & Scheduling", "Email", 0, classComms, nil},
	{"calendar.google.com", "Communication & Scheduling", "Calendars", 1, classComms, nil},
	{"zoom.us", "Communication & Scheduling", "Meetings", 1, classComms, nil},
	{"Finder", "Utilities", "General Utilities", 0, classUtility, nil},
	{"1Password", "Utilities", "General Utilities", 0, classUtility, nil},
	{"localhost", "Uncategorized", "Uncategorized", 0, classUtility, nil},
	{"youtube.com", "Entertainment", "Video", -2, classLeisure, []string{"Go Concurrency Patterns", "Lo-fi beats"}},
	{"Steam", "Entertainment", "Games", -2, classLeisure, nil},
	{"Spotify", "Entertainment", "Music", -1, classLeisure, nil},
	{"news.ycombinator.com", "News & Opinion", "General News & Opinion", -1, classLeisure, nil},
	{"nytimes.com", "News & Opinion", "General News & Opinion", -2, classLeisure, nil},
	{"amazon.com", "Shopping", "General Shopping", -2, classLeisure, nil},
	{"twitter.com", "Social Networking", "General Social Networking", -2, classLeisure, nil},
	{"linkedin.com", "Social Networking", "Professional Networking", -1, classLeisure, nil},
}

// Phone activities are often prefixed "mobile - " (sometimes with a
// package id), but not always: "Facebook for Android" and "Android home
// screen" were recorded bare, so a reader must not take the prefix for
// the mark of a phone.
var mobileCatalog = []catalogEntry{
	{"mobile - Slack", "Communication & Scheduling", "Instant Message", 1, classComms, nil},
	{"mobile - Gmail", "Communication & Scheduling", "Email", 0, classComms, nil},
	{"mobile - Instagram", "Social Networking", "General Social Networking", -2, classLeisure, nil},
	{"mobile - YouTube", "Entertainment", "Video", -2, classLeisure, nil},
	{"mobile - Safari", "Uncategorized", "Uncategorized", 0, classUtility, nil},
	{"mobile - com.beeper.android", "Communication & Scheduling", "Instant Message", 1, classComms, nil},
	{"Facebook for Android", "Social Networking", "General Social Networking", -2, classLeisure, nil},
	{"Android home screen", "Utilities", "General Utilities", 0, classUtility, nil},
}

// byClass indexes computerCatalog by class.
var byClass = func() [numClasses][]int {
	var idx [numClasses][]int
	for i, c := range computerCatalog {
		idx[c.class] = append(idx[c.class], i)
	}
	return idx
}()

// profile is the shape of one hour of a week: how likely the computer and
// the phone are in use, and what kind of activity dominates.
type profile struct {
	computer float64 // probability a bucket has computer time
	mobile   float64 // probability a bucket has phone time
	weights  [numClasses]int
}

func profileAt(t time.Time) profile {
	h := t.Hour()
	weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	switch {
	case h < 7:
		return profile{computer: 0.02, mobile: 0.01, weights: [numClasses]int{1, 1, 1, 6}}
	case weekend && h >= 10 && h < 23:
		return profile{computer: 0.25, mobile: 0.12, weights: [numClasses]int{1, 2, 1, 8}}
	case weekend:
		return profile{computer: 0.05, mobile: 0.06, weights: [numClasses]int{1, 1, 1, 6}}
	case h == 12:
		return profile{computer: 0.45, mobile: 0.2, weights: [numClasses]int{2, 3, 1, 6}}
	case h >= 9 && h < 17:
		return profile{computer: 0.92, mobile: 0.06, weights: [numClasses]int{12, 5, 1, 1}}
	case h == 8 || h == 17 || h == 18:
		return profile{computer: 0.6, mobile: 0.1, weights: [numClasses]int{6, 5, 1, 2}}
	case h >= 19 && h < 23:
		return profile{computer: 0.3, mobile: 0.15, weights: [numClasses]int{1, 2, 1, 8}}
	default:
		return profile{computer: 0.05, mobile: 0.05, weights: [numClasses]int{1, 1, 1, 6}}
	}
}

// rng is a splitmix64 stream: tiny, fast and fully determined by its seed,
// which is all a pure function of (seed, bucket) needs.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func bucketRNG(seed int64, b time.Time) rng {
	r := rng(uint64(seed))
	r.next()
	r = rng(r.next() ^ uint64(b.Unix()/int64(bucketSize/time.Second)))
	r.next()
	return r
}

// synthBucket appends the synthetic samples of the bucket starting at b
// (in the account's zone) from source ("" for all): a pure function of
// (seed, b). Everything is drawn whatever the source, so filtering never
// changes what is drawn. Computer samples total 60..300 seconds; phone
// samples 30..300 seconds.
func synthBucket(seed int64, b time.Time, source Source, out []Activity) []Activity {
	r := bucketRNG(seed, b)
	p := profileAt(b)
	computerRoll, mobileRoll := r.float(), r.float()
	start := len(out)
	if computerRoll < p.computer {
		n := 1 + r.intn(3)
		left := 60 + r.intn(241)
		for i := 0; i < n && left > 0; i++ {
			c := computerCatalog[pickComputer(&r, p)]
			secs := left
			if i < n-1 {
				secs = 1 + r.intn(left)
			}
			left -= secs
			doc := ""
			if len(c.documents) > 0 {
				doc = c.documents[r.intn(len(c.documents))]
			}
			out = addSample(out, start, Activity{
				Bucket: b, Source: SourceComputers, Activity: c.name, Document: doc,
				Category: c.category, Overview: c.overview, Productivity: c.productivity, Seconds: secs,
			})
		}
	}
	if mobileRoll < p.mobile {
		c := mobileCatalog[r.intn(len(mobileCatalog))]
		out = append(out, Activity{
			Bucket: b, Source: SourceMobile, Activity: c.name,
			Category: c.category, Overview: c.overview, Productivity: c.productivity, Seconds: 30 + r.intn(271),
		})
	}
	if source == "" {
		return out
	}
	kept := out[:start]
	for _, s := range out[start:] {
		if s.Source == source {
			kept = append(kept, s)
		}
	}
	return kept
}

// addSample merges s into an equal sample of the same bucket (out[start:])
// so a bucket never lists one activity and document twice.
func addSample(out []Activity, start int, s Activity) []Activity {
	for i := start; i < len(out); i++ {
		if out[i].Activity == s.Activity && out[i].Document == s.Document {
			out[i].Seconds += s.Seconds
			return out
		}
	}
	return append(out, s)
}

func pickComputer(r *rng, p profile) int {
	total := 0
	for _, w := range p.weights {
		total += w
	}
	n := r.intn(total)
	class := classWork
	for c, w := range p.weights {
		if n < w {
			class = activityClass(c)
			break
		}
		n -= w
	}
	idx := byClass[class]
	return idx[r.intn(len(idx))]
}

// secondDeviceSeed sets the second computer's draws apart from the first
// one's, so that adding it leaves the first device's history as it was.
const secondDeviceSeed = 0x2d65766963652032

// synthSecondDevice appends the samples of a second computer logging in
// the same bucket (a laptop beside a desktop): a bucket then holds up to
// 600 s, an hour more than 3,600 s, as recorded answers do when several
// devices log at once. It is used in work hours and in the evening.
func synthSecondDevice(seed int64, b time.Time, out []Activity) []Activity {
	r := bucketRNG(seed^secondDeviceSeed, b)
	p := profileAt(b)
	if r.float() >= p.computer/2 {
		return out
	}
	start := len(out)
	c := computerCatalog[pickComputer(&r, p)]
	doc := ""
	if len(c.documents) > 0 {
		doc = c.documents[r.intn(len(c.documents))]
	}
	return addSample(out, start, Activity{
		Bucket: b, Source: SourceComputers, Activity: c.name, Document: doc,
		Category: c.category, Overview: c.overview, Productivity: c.productivity,
		Seconds: 120 + r.intn(181), Device: 1,
	})
}
