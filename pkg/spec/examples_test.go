package spec

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// exampleLoadOptions is how TestExamplesValidate loads the example called
// name: at testNow, with what the example reads from outside (a git
// repository, a calendar address) provided on loopback. It also returns the
// summaries of the warnings the example shows on purpose.
func exampleLoadOptions(t *testing.T, name string) (LoadOptions, []string) {
	t.Helper()
	opts := LoadOptions{Now: testNow, Vars: map[string]string{}}
	switch name {
	case "calendar":
		// Its all-hands lasts five hours, to show the split.
		return opts, []string{"Offline time longer than 4 hours will be split"}
	case "git-highlights":
		opts.Vars["repo"] = makeRepo(t, testCommits)
	case "ci":
		opts.Vars["repo"] = makeRepo(t, testCommits)
		ics, err := os.ReadFile(filepath.Join("..", "..", "examples", "calendar", "work.ics"))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write(ics)
		}))
		t.Cleanup(srv.Close)
		env := map[string]string{"RTCTL_CALENDAR_URL": srv.URL + "/calendar/secret-token/basic.ics"}
		opts.Getenv = func(k string) string { return env[k] }
		opts.HTTPClient = srv.Client()
		return opts, []string{"Offline time longer than 4 hours will be split"}
	}
	return opts, nil
}
