package rtapi

import (
	"context"
	"testing"
)

// FuzzAnalyticData reads any answer as an Analytic Data report, in both
// formats, directly and through the client.
func FuzzAnalyticData(f *testing.F) {
	const notes = "data is an array of arrays (rows), column names for rows in row_headers"
	for _, s := range []string{
		`{"notes":"` + notes + `","row_headers":["Rank","Time Spent (seconds)","Number of People","Activity","Category","Productivity"],"rows":[[1,3600,1,"Terminal","Systems Operations",2]]}`,
		`{"row_headers":["Date","Time Spent (seconds)","Number of People","Efficiency (-2:2)","Efficiency (percent)"],"rows":[["2025-11-21T09:00:00",1800,1,1.25,81.3]]}`,
		`{"row_headers":["Rank","Time Spent (seconds)","Number of People","Efficiency (-2:2)"],"rows":[[1,60,1,"Very Productive Time"]]}`,
		`{"row_headers":["Person","Time Spent (seconds)","Activity","Category","Productivity"],"rows":[["Ann",60,"mobile - Slack","Instant Message",-1]]}`,
		`{"row_headers":["Rank","Time Spent (seconds)","Number of People","Activity","Document","Category","Productivity"],"rows":[[1,60,1,"Terminal","No Details","Systems Operations",2]]}`,
		`{"error": "# query error", "messages": "Error: Likely a badly formatted or missing parameter"}`,
		"Date,Time Spent (seconds),Number of People,Activity,Category,Productivity\n2025-11-21T09:00:00,300,1,Terminal,Editing & IDEs,2\n",
		"Rank,Time Spent (seconds),Number of People,Category\n1,60,1,Business\n",
		`{"row_headers":["Rank","Time Spent (seconds)"],"rows":[[1]]}`,
		`{"row_headers":["Date"],"rows":[["2025-11-21T06:00:00+00:00"],["1e308"],["yesterday"]]}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, body string, csv bool) {
		format := FormatJSON
		ct := "application/json"
		if csv {
			format, ct = FormatCSV, "text/csv; charset=utf-8"
		}
		c := cannedClient(t, canned{status: 200, contentType: ct, body: []byte(body)}, APIKey(testKey))
		data, err := c.AnalyticDataRaw(context.Background(), AnalyticDataQuery{}, format)
		checkError(t, err)
		if err != nil {
			return
		}
		_, err = ParseAnalyticData(data, format, berlinForFuzz)
		checkError(t, err)
	})
}
