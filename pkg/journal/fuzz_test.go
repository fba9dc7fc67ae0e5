package journal

import (
	"bytes"
	"sort"
	"strings"
	"testing"
)

// FuzzDecode reads any bytes as a journal: never a panic, every record has
// a key, and the records come out in key order.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"",
		`{"time":"2026-11-20T18:00:00Z","type":"intent","key":"offline:abc","run":"r1","address":"offline_time.standup","kind":"offline_time","item":{"activity":"Meeting"}}` + "\n" +
			`{"time":"2026-11-20T18:00:01Z","type":"outcome","key":"offline:abc","run":"r1","result":"applied"}` + "\n",
		`{"time":"2026-11-20T18:00:00Z","type":"intent","key":"k"}` + "\n" + `{"time":"2026-11-20T18:0`,
		`{"type":"outcome","key":"k","result":"unknown","error":"timeout"}` + "\n" + `{"type":"outcome","key":"k","result":"settled"}`,
		"\n\n  \n{}\n[]\nnull\n",
		`{"type":"intent","key":"k","time":"not a time"}`,
		strings.Repeat("x", 70000) + "\n" + `{"type":"intent","key":"k2"}`,
		// The bound format: a binding, then a line bound to it.
		`{"time":"2026-11-20T18:00:00Z","type":"account","run":"run-1","account":{"endpoint":"https://www.rescuetime.com","fingerprint":"0a1b2c3d","credential":"api_key"},"bsum":"340cf18d"}` + "\n" +
			`{"time":"2026-11-20T18:00:00Z","type":"intent","key":"a","run":"run-1","address":"highlight.a","bsum":"31d2ea7d"}` + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := decode(bytes.NewReader(data))
		if err != nil {
			return // a line beyond the scanner's limit
		}
		recs := st.Records()
		if len(recs) != st.Len() {
			t.Fatalf("%d records, Len %d", len(recs), st.Len())
		}
		if !sort.SliceIsSorted(recs, func(i, j int) bool { return recs[i].Key < recs[j].Key }) {
			t.Fatal("records out of order")
		}
		for _, r := range recs {
			if r.Key == "" {
				t.Fatal("a record without a key")
			}
			if r.Done() && r.Pending() {
				t.Fatalf("record both done and pending: %+v", r)
			}
		}
	})
}
