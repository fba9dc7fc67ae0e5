package spec

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/rtctl/rtctl/pkg/spec/internal/gittest"
)

// exampleLoadOptions is how TestExamplesValidate loads the example called
// name: at testNow, with what the example reads from outside (a git
// repository, a calendar address) provided on loopback. It also returns the
// summaries of the warnings the example shows on purpose, and the directory
// to load: an example that reads its repository is copied into one, where
// its default path finds it, since data "git_log" reads only the repository
// that holds the configuration.
func exampleLoadOptions(t *testing.T, name string) (LoadOptions, []string, string) {
	t.Helper()
	opts := LoadOptions{Now: testNow, Vars: map[string]string{}}
	dir := filepath.Join("..", "..", "examples", name)
	inRepo := func(sub string) string {
		repo := gittest.MakeRepo(t, gittest.Commits())
		dst := filepath.Join(repo, sub)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.rt*.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dst
	}
	switch name {
	case "calendar":
		// Its all-hands lasts five hours, to show the split.
		return opts, []string{"Offline time longer than 4 hours will be split"}, dir
	case "git-highlights":
		dir = inRepo(filepath.Join("examples", "git-highlights"))
	case "ci":
		dir = inRepo("rescuetime")
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
		return opts, []string{"Offline time longer than 4 hours will be split"}, dir
	}
	return opts, nil, dir
}
