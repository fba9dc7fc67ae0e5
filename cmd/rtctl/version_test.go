package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVersionFrom(t *testing.T) {
	vcs := func(rev, when, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: when}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	platform := func(v versionInfo) versionInfo {
		v.GoVersion, v.OS, v.Arch = "go1.26.0", runtime.GOOS, runtime.GOARCH
		return v
	}
	for _, tc := range []struct {
		name   string
		info   *debug.BuildInfo
		linked versionInfo
		want   versionInfo
	}{{
		name: "go install of a release",
		info: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}},
		want: versionInfo{Version: "v1.2.3"},
	}, {
		name: "go install of a pseudo-version names its commit",
		info: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.4-0.20261120180000-0123456789ab"}},
		want: versionInfo{Version: "v1.2.4-0.20261120180000-0123456789ab", Commit: "0123456789ab", CommitTime: "2026-11-20T18:00:00Z"},
	}, {
		name: "go build in a clone: go stamps a version and the commit",
		info: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20261120180000-0123456789ab+dirty"}, Settings: vcs(rev, "2026-11-20T18:00:00Z", "true")},
		want: versionInfo{Version: "v0.0.0-20261120180000-0123456789ab+dirty", Commit: rev, CommitTime: "2026-11-20T18:00:00Z", Modified: true},
	}, {
		name: "a clone's commit without a stamped version makes a pseudo-version",
		info: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-11-20T19:00:00+01:00", "false")},
		want: versionInfo{Version: "v0.0.0-20261120180000-0123456789ab", Commit: rev, CommitTime: "2026-11-20T18:00:00Z"},
	}, {
		name: "modified tree",
		info: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "", "true")},
		want: versionInfo{Version: "v0.0.0-00000000000000-0123456789ab+dirty", Commit: rev, Modified: true},
	}, {
		name:   "release build: the linker's values win",
		info:   &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs("ffff", "2020-01-01T00:00:00Z", "false")},
		linked: versionInfo{Version: "v2.0.0", Commit: rev, CommitTime: "2026-11-20T18:00:00Z"},
		want:   versionInfo{Version: "v2.0.0", Commit: rev, CommitTime: "2026-11-20T18:00:00Z"},
	}, {
		name:   "release build without VCS information",
		info:   &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}},
		linked: versionInfo{Version: "v2.0.0", Commit: rev},
		want:   versionInfo{Version: "v2.0.0", Commit: rev},
	}, {
		name: "nothing known is said as devel, never (devel)",
		info: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}},
		want: versionInfo{Version: "devel"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(platform(tc.want), versionFrom(tc.info, tc.linked)); diff != "" {
				t.Errorf("versionFrom (-want +got):\n%s", diff)
			}
		})
	}

	got := versionFrom(nil, versionInfo{})
	if got.Version != "devel" || got.GoVersion != runtime.Version() {
		t.Errorf("without build information: %+v", got)
	}
}

// The --json document is a stable interface: exactly the documented fields,
// each of them described in the command's help.
func TestVersionJSONFieldsAreDocumented(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"version", "--json"}, docsEnv(&out)); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"arch", "commit", "commit_time", "go_version", "modified", "os", "version"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	for _, k := range keys {
		if !regexp.MustCompile(`(?m)^  (\w+, )?` + k + `\b`).MatchString(versionHelp) {
			t.Errorf("field %q is not described in the help", k)
		}
	}
	if v, _ := doc["version"].(string); v == "" || v == "(devel)" {
		t.Errorf("version %q", v)
	}
}
