package views

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// TestDataListingShapes renders the recorded shapes the client used to fail
// on or cut short, and a column no one knows yet, in every format.
func TestDataListingShapes(t *testing.T) {
	tests := []struct {
		name             string
		report           string
		table, csv, json string
	}{
		{
			name:   "rank efficiency labels",
			report: `{"row_headers":["Rank","Time Spent (seconds)","Number of People","Efficiency"],"rows":[[1,9000,1,"Very Productive Time"],[2,45,1,"Very Distracting Time"]]}`,
			table: "RANK  TIME SPENT  NUMBER OF PEOPLE  EFFICIENCY\n" +
				"1     2h30m       1                 Very Productive Time\n" +
				"2     45s         1                 Very Distracting Time\n",
			csv: "Rank,Time Spent (seconds),Number of People,Efficiency\n1,9000,1,Very Productive Time\n2,45,1,Very Distracting Time\n",
			json: `{"row_headers":["Rank","Time Spent (seconds)","Number of People","Efficiency"],"rows":[` +
				`{"rank":1,"seconds":9000,"people":1,"efficiency_label":"Very Productive Time"},` +
				`{"rank":2,"seconds":45,"people":1,"efficiency_label":"Very Distracting Time"}]}`,
		},
		{
			name:   "member perspective",
			report: `{"row_headers":["Person","Time Spent (seconds)","Activity","Category","Productivity"],"rows":[["Ada Lovelace",5400,"VS Code","Editing & IDEs",2]]}`,
			table: "PERSON        TIME SPENT  ACTIVITY  CATEGORY        PRODUCTIVITY\n" +
				"Ada Lovelace  1h30m       VS Code   Editing & IDEs  2 very productive\n",
			csv:  "Person,Time Spent (seconds),Activity,Category,Productivity\nAda Lovelace,5400,VS Code,Editing & IDEs,2\n",
			json: `{"row_headers":["Person","Time Spent (seconds)","Activity","Category","Productivity"],"rows":[{"person":"Ada Lovelace","seconds":5400,"activity":"VS Code","category":"Editing & IDEs","productivity":2}]}`,
		},
		{
			name:   "unknown columns, one repeated, keep their place",
			report: `{"row_headers":["Rank","Time Spent (seconds)","Mood","Number of People","Category","Mood"],"rows":[[1,60,"calm",1,"Business",2.50]]}`,
			table: "RANK  TIME SPENT  MOOD  NUMBER OF PEOPLE  CATEGORY  MOOD\n" +
				"1     1m          calm  1                 Business  2.50\n",
			csv:  "Rank,Time Spent (seconds),Mood,Number of People,Category,Mood\n1,60,calm,1,Business,2.50\n",
			json: `{"row_headers":["Rank","Time Spent (seconds)","Mood","Number of People","Category","Mood"],"rows":[{"rank":1,"seconds":60,"people":1,"category":"Business","extra":{"Mood":"calm","Mood (2)":"2.50"}}]}`,
		},
		{
			name:   "existing columns unchanged",
			report: `{"row_headers":["Date","Time Spent (seconds)","Number of People","Efficiency (-2:2)","Efficiency (percent)"],"rows":[["2026-11-19T09:00:00",300,1,2.0,100.0]]}`,
			table: "DATE              TIME SPENT  NUMBER OF PEOPLE  EFFICIENCY (-2:2)  EFFICIENCY (PERCENT)\n" +
				"2026-11-19 09:00  5m          1                 2                  100\n",
			csv:  "Date,Time Spent (seconds),Number of People,Efficiency (-2:2),Efficiency (percent)\n2026-11-19T09:00:00,300,1,2,100\n",
			json: `{"row_headers":["Date","Time Spent (seconds)","Number of People","Efficiency (-2:2)","Efficiency (percent)"],"rows":[{"date":"2026-11-19T09:00:00Z","seconds":300,"people":1,"efficiency":2,"efficiency_percent":100}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := rtapi.ParseAnalyticData([]byte(tt.report), rtapi.FormatJSON, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			l := DataListing(d)
			for format, want := range map[string]string{OutputTable: tt.table, OutputCSV: tt.csv, OutputJSON: tt.json} {
				var buf bytes.Buffer
				if err := l.Write(&buf, format); err != nil {
					t.Fatal(err)
				}
				got := buf.String()
				if format == OutputJSON {
					got = compactJSON(t, got)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", format, diff)
				}
			}
		})
	}
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return buf.String()
}
