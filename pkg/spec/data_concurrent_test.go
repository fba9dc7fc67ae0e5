package spec

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/datasource"
)

// calendarsConfig declares n calendars at srv, c0 to c(n-1), in order.
func calendarsConfig(srv *httptest.Server, n int) map[string]string {
	var b strings.Builder
	b.WriteString(icalHeader)
	for i := range n {
		fmt.Fprintf(&b, "\ndata \"ical\" \"c%d\" {\n  url = \"%s/%d.ics\"\n}\n", i, srv.URL, i)
	}
	return map[string]string{"main.rt.hcl": b.String()}
}

// TestLoadReadsDataSourcesUnderOneDeadline: N calendars that never answer
// are read side by side under the one deadline of the load
// (LoadOptions.DataTimeout, rtctl --timeout), not one after another with a
// timeout each (N × 30 s before). The server holds every request until it
// ends and records how many were in flight at once.
func TestLoadReadsDataSourcesUnderOneDeadline(t *testing.T) {
	const n = maxDataReads
	var mu sync.Mutex
	inFlight, most := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		<-r.Context().Done()
		mu.Lock()
		inFlight--
		mu.Unlock()
	}))
	defer srv.Close()
	dir := writeConfig(t, calendarsConfig(srv, n))
	// A safety net far beyond the deadline: before, the first calendar
	// alone waited for it.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const deadline = time.Second
	_, diags := Load(ctx, dir, LoadOptions{Now: testNow, HTTPClient: srv.Client(), DataTimeout: deadline})
	if ctx.Err() != nil {
		t.Fatal("the load outlived its deadline")
	}
	mu.Lock()
	defer mu.Unlock()
	if most != n {
		t.Errorf("%d requests were in flight at once, want all %d", most, n)
	}
	if len(diags) != 1 || diags[0].Summary != "Loading interrupted" ||
		!strings.Contains(diags[0].Detail, "ran out of time (reading the data sources may take 1s in all; --timeout sets it) while reading data.ical.c0") {
		t.Errorf("diagnostics: %v", diags)
	}
}

// TestLoadDataDiagnosticsInOrder: calendars read side by side that finish
// in the reverse order of their declaration still report in declaration
// order, as they did read one after another (where, reading c0 first,
// this server never answered).
func TestLoadDataDiagnosticsInOrder(t *testing.T) {
	const n = maxDataReads
	done := make([]chan struct{}, n+1)
	for i := range done {
		done[i] = make(chan struct{})
	}
	close(done[n])
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(r.URL.Path, "/%d.ics", &i)
		// Each answers once the one declared after it has answered.
		select {
		case <-done[i+1]:
		case <-r.Context().Done():
			return
		}
		defer close(done[i])
		http.Error(w, "gone", http.StatusNotFound)
	}))
	defer srv.Close()
	dir := writeConfig(t, calendarsConfig(srv, n))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, diags := Load(ctx, dir, LoadOptions{Now: testNow, HTTPClient: srv.Client()})
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary+" "+strings.Fields(d.Detail)[0])
	}
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("Cannot fetch calendar data.ical.c%d:", i))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// stuckSource is a data source whose Read ignores its context, as a read
// blocked in a system call would.
type stuckSource struct{ release chan struct{} }

func (stuckSource) ConfigSpec() hcldec.Spec { return hcldec.ObjectSpec{} }
func (s stuckSource) Read(datasource.Context, cty.Value) (cty.Value, hcl.Diagnostics) {
	<-s.release
	return cty.EmptyObjectVal, nil
}

// TestLoadDeadlineWithStuckRead: the load ends at its deadline even when a
// read cannot be stopped; the read is left behind.
func TestLoadDeadlineWithStuckRead(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	dir := writeConfig(t, map[string]string{"main.rt.hcl": icalHeader + `
data "stuck" "a" {}
`})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, diags := Load(ctx, dir, LoadOptions{Now: testNow, DataTimeout: 100 * time.Millisecond,
		DataSources: datasource.Registry{"stuck": stuckSource{release}}})
	if ctx.Err() != nil {
		t.Fatal("the load waited for the stuck read")
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Detail, "ran out of time") {
		t.Errorf("diagnostics: %v", diags)
	}
}
