package apply

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// memJournal records appends in memory and counts them (each would be one
// fsync).
type memJournal struct {
	mu      sync.Mutex
	state   journal.State
	appends int
	fail    error
}

func (m *memJournal) Append(es ...journal.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.appends++
	for _, e := range es {
		m.state.Apply(e)
	}
	return nil
}

func (m *memJournal) lookup(key string) (journal.Record, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state.Lookup(key)
}

// fakeSender checks that every POST's intent is on record before it is sent
// and answers from a table.
type fakeSender struct {
	t       *testing.T
	j       *memJournal
	mu      sync.Mutex
	sent    map[string]int
	answers map[string]error
	onSend  func(key string)
}

func (f *fakeSender) Do(ctx context.Context, r rtapi.Request) ([]byte, error) {
	key := string(r.Body)
	if rec, ok := f.j.lookup(key); !ok || rec.Attempts == 0 {
		f.t.Errorf("POST for %s sent before its intent was recorded", key)
	}
	f.mu.Lock()
	f.sent[key]++
	f.mu.Unlock()
	if f.onSend != nil {
		f.onSend(key)
	}
	return nil, f.answers[key]
}

func actions(n int) []plan.Action {
	var as []plan.Action
	for i := range n {
		key := fmt.Sprintf("highlight:%04d", i)
		as = append(as, plan.Action{
			Address:   fmt.Sprintf("highlight.h[%d]", i),
			Kind:      plan.KindHighlight,
			Status:    plan.Create,
			Key:       key,
			Highlight: &plan.Highlight{Date: "2026-11-20", Description: key},
			Request:   &rtapi.Request{Method: http.MethodPost, Endpoint: "highlights_post", Body: []byte(key)},
		})
	}
	return as
}

func noSleep(context.Context, time.Duration) error { return nil }

func TestRunCreatesEachOnceAndBatchesFsyncs(t *testing.T) {
	j := &memJournal{}
	s := &fakeSender{t: t, j: j, sent: map[string]int{}}
	as := actions(100)
	res, err := Run(context.Background(), s, j, as, Options{Parallelism: 5, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Count(Created); got != 100 || !res.OK() {
		t.Fatalf("created %d of 100", got)
	}
	for _, a := range as {
		if s.sent[a.Key] != 1 {
			t.Errorf("%s sent %d times", a.Key, s.sent[a.Key])
		}
		if rec, _ := j.lookup(a.Key); !rec.Done() {
			t.Errorf("%s not recorded as applied: %+v", a.Key, rec)
		}
	}
	// 10 intent batches of 10, outcomes group-committed: far fewer fsyncs
	// than the 200 a per-entry journal would take.
	if j.appends > 110 {
		t.Errorf("%d journal appends for 100 items: writes are not grouped", j.appends)
	}
	t.Logf("%d journal appends for 100 items", j.appends)
}

func TestRunRecordsEachFailureAndGoesOn(t *testing.T) {
	j := &memJournal{}
	as := actions(6)
	refused := &rtapi.ValidationError{Field: "description", Reason: "too long"}
	lost := fmt.Errorf("posting: %w", context.DeadlineExceeded)
	s := &fakeSender{t: t, j: j, sent: map[string]int{}, answers: map[string]error{
		as[1].Key: refused,
		as[4].Key: lost,
	}}
	res, err := Run(context.Background(), s, j, as, Options{Parallelism: 2, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	want := []Outcome{Created, Failed, Created, Created, Unknown, Created}
	for i, it := range res.Items {
		if it.Outcome != want[i] {
			t.Errorf("%s: %s (%v), want %s", it.Action.Address, it.Outcome, it.Err, want[i])
		}
	}
	if rec, _ := j.lookup(as[4].Key); !rec.Pending() {
		t.Errorf("a POST without answer must stay pending for the next plan to settle: %+v", rec)
	}
	if rec, _ := j.lookup(as[1].Key); rec.Result != journal.Failed || rec.LastError == "" {
		t.Errorf("a refused POST must be recorded as failed with its reason: %+v", rec)
	}
}

func TestRunInterruptedFinishesInFlightAndSendsNoMore(t *testing.T) {
	j := &memJournal{}
	as := actions(50)
	ctx, cancel := context.WithCancel(context.Background())
	s := &fakeSender{t: t, j: j, sent: map[string]int{}}
	var once sync.Once
	s.onSend = func(string) { once.Do(cancel) }
	res, err := Run(ctx, s, j, as, Options{Parallelism: 1, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.OK() {
		t.Fatal("run not reported as interrupted")
	}
	if res.Count(Created) != 1 {
		t.Errorf("created %d, want only the one in flight", res.Count(Created))
	}
	for _, it := range res.Items[1:] {
		if it.Outcome != NotSent {
			t.Errorf("%s: %s after the interruption", it.Action.Address, it.Outcome)
		}
		if s.sent[it.Action.Key] != 0 {
			t.Errorf("%s sent after the interruption", it.Action.Address)
		}
		if rec, ok := j.lookup(it.Action.Key); ok && rec.Pending() {
			t.Errorf("%s left pending although it was never sent", it.Action.Address)
		}
	}
}

func TestRunStopsWhenTheJournalFails(t *testing.T) {
	j := &memJournal{fail: errors.New("disk full")}
	s := &fakeSender{t: t, j: j, sent: map[string]int{}}
	res, err := Run(context.Background(), s, j, actions(3), Options{Sleep: noSleep})
	if err == nil {
		t.Fatal("want an error when intents cannot be recorded")
	}
	if len(s.sent) != 0 {
		t.Errorf("sent %d POSTs without a recorded intent", len(s.sent))
	}
	if res.Count(NotSent) != 3 {
		t.Errorf("got %+v", res.Items)
	}
}

func TestRunRateLimits(t *testing.T) {
	j := &memJournal{}
	s := &fakeSender{t: t, j: j, sent: map[string]int{}}
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var slept time.Duration
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sleep := func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept += d
		return nil
	}
	if _, err := Run(context.Background(), s, j, actions(11), Options{Parallelism: 3, Rate: 2, Now: clock, Sleep: sleep}); err != nil {
		t.Fatal(err)
	}
	// 11 POSTs at 2 a second with a burst of one, on a clock that does not
	// move: the waits add up to 0.5 + 1 + ... + 5 seconds.
	if want := 27500 * time.Millisecond; slept != want {
		t.Errorf("slept %v in total, want %v", slept, want)
	}
}

func TestRunRefusesActionsWithoutRequest(t *testing.T) {
	as := actions(1)
	as[0].Request = nil
	if _, err := Run(context.Background(), nil, &memJournal{}, as, Options{}); err == nil {
		t.Fatal("want an error")
	}
}

func TestReconcile(t *testing.T) {
	as := actions(4)
	saved := &plan.Plan{Actions: as}
	fresh := &plan.Plan{Actions: append([]plan.Action(nil), as...)}
	fresh.Actions[1].Status = plan.InSync
	send, skipped, err := Reconcile(saved, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if len(send) != 3 || len(skipped) != 1 || skipped[0].Key != as[1].Key {
		t.Fatalf("send %d skipped %v", len(send), skipped)
	}

	// A different request is stale.
	changed := &plan.Plan{Actions: append([]plan.Action(nil), fresh.Actions...)}
	changed.Actions[0].Request = &rtapi.Request{Method: http.MethodPost, Endpoint: "highlights_post", Body: []byte("other")}
	if _, _, err := Reconcile(saved, changed); err == nil || !strings.Contains(err.Error(), "different request") {
		t.Errorf("a changed request was not refused: %v", err)
	}
	indented := &plan.Plan{Actions: append([]plan.Action(nil), fresh.Actions...)}
	indented.Actions[0].Request = &rtapi.Request{Method: http.MethodPost, Endpoint: "highlights_post", Body: []byte(`{ "a" : 1 }`)}
	savedJSON := &plan.Plan{Actions: append([]plan.Action(nil), as...)}
	savedJSON.Actions[0].Request = &rtapi.Request{Method: http.MethodPost, Endpoint: "highlights_post", Body: []byte("{\n  \"a\": 1\n}")}
	if _, _, err := Reconcile(savedJSON, indented); err != nil {
		t.Errorf("bodies that differ only in layout made the plan stale: %v", err)
	}

	// A duplicate declaration (a conflict under the same key) does not
	// hide the action it duplicates.
	dup := as[0]
	dup.Address, dup.Status = "highlight.dup", plan.Conflict
	withDup := &plan.Plan{Actions: append(append([]plan.Action(nil), fresh.Actions...), dup)}
	if _, _, err := Reconcile(saved, withDup); err != nil {
		t.Errorf("a duplicate declaration made the plan stale: %v", err)
	}

	fresh.Actions[2].Status, fresh.Actions[2].Reason = plan.Conflict, "overlaps Commute"
	fresh.Actions = fresh.Actions[:3]
	_, _, err = Reconcile(saved, fresh)
	var stale *StaleError
	if !errors.As(err, &stale) || len(stale.Reasons) != 2 {
		t.Fatalf("got %v, want a stale plan with two reasons", err)
	}
	for _, want := range []string{"highlight.h[2] is now conflict: overlaps Commute", "highlight.h[3] is no longer planned"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}

func TestRunStopsAfterPremiumRequired(t *testing.T) {
	j := &memJournal{}
	as := actions(5)
	s := &fakeSender{t: t, j: j, sent: map[string]int{}, answers: map[string]error{
		as[0].Key: &rtapi.PremiumRequiredError{Endpoint: "highlights_post", Err: &rtapi.BadRequestError{StatusCode: 400, Message: "premium required"}},
	}}
	res, err := Run(context.Background(), s, j, as, Options{Parallelism: 1, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.sent) != 1 {
		t.Errorf("sent %d POSTs to a Lite account, want 1", len(s.sent))
	}
	for _, it := range res.Items[1:] {
		if it.Outcome != NotSent || !strings.Contains(it.Err.Error(), "Premium") {
			t.Errorf("%s: %s (%v), want skipped because of the plan", it.Action.Address, it.Outcome, it.Err)
		}
		if rec, _ := j.lookup(it.Action.Key); rec.Pending() {
			t.Errorf("%s left pending although never sent", it.Action.Address)
		}
	}
}

// TestRunBatchCoversMoreIntents checks that Options.Batch makes one
// journal write cover that many intents (a shared backend pushes each
// write), and that every POST's intent is still on record before it is
// sent (fakeSender checks).
func TestRunBatchCoversMoreIntents(t *testing.T) {
	j := &countingJournal{}
	s := &fakeSender{t: t, j: &j.memJournal, sent: map[string]int{}}
	res, err := Run(context.Background(), s, j, actions(100), Options{Parallelism: 4, Rate: 1, Now: time.Now, Sleep: noSleep, Batch: 25})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Count(Created); got != 100 {
		t.Fatalf("created %d of 100", got)
	}
	if j.intentWrites != 4 {
		t.Errorf("%d journal writes of intents for 100 items with Batch 25, want 4", j.intentWrites)
	}
}

// countingJournal counts the writes that hold intents.
type countingJournal struct {
	memJournal
	intentWrites int
}

func (c *countingJournal) Append(es ...journal.Entry) error {
	if len(es) > 0 && es[0].Type == journal.Intent {
		c.mu.Lock()
		c.intentWrites++
		c.mu.Unlock()
	}
	return c.memJournal.Append(es...)
}

// leasedJournal is a journal under a lease that is lost after the lost-th
// POST: Sendable then fails, as a shared backend's does once another run
// took the lease over while this one was stalled.
type leasedJournal struct {
	memJournal
	sent, lost int
}

func (l *leasedJournal) Sendable() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sent >= l.lost {
		return errors.New("the lease was taken over")
	}
	l.sent++
	return nil
}

func TestRunSendsNothingOnceTheLeaseIsGone(t *testing.T) {
	j := &leasedJournal{lost: 7}
	s := &fakeSender{t: t, j: &j.memJournal, sent: map[string]int{}}
	res, err := Run(context.Background(), s, j, actions(50), Options{Parallelism: 4, Sleep: noSleep, Batch: 20})
	if err == nil || !strings.Contains(err.Error(), "the lease was taken over") {
		t.Errorf("Run: %v, want the lease's error", err)
	}
	sent := 0
	for _, n := range s.sent {
		sent += n
	}
	if sent != 7 {
		t.Errorf("%d POSTs sent, want the 7 the lease allowed", sent)
	}
	if got := res.Count(Created); got != 7 {
		t.Errorf("%d created, want 7", got)
	}
}
