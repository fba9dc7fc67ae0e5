package main

import (
	"cmp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/module"

	"github.com/rtctl/rtctl/internal/views"
)

// Set at link time by release builds (.goreleaser.yaml, Dockerfile):
// -X main.version=v1.2.3 -X main.commit=SHA -X main.commitTime=RFC3339.
// They are never written at run time.
var version, commit, commitTime string

// versionInfo is the document of `rtctl version --json`; see versionHelp.
type versionInfo = views.VersionInfo

const versionHelp = `Print the version of rtctl, the commit it was built from and the Go toolchain.

With --json, one object with these fields (later versions may add fields, never
remove or rename them):
  version      the release (v1.2.3), the module version go install fetched, or
               for a build from a git clone a pseudo-version made of the commit
               time and hash (v0.0.0-20261120180000-0123456789ab), with
               +dirty when the tree had changes; "devel" when nothing is known
  commit       the commit hash (its first 12 characters when only a
               pseudo-version names it), or "" when unknown
  commit_time  the commit's time in RFC 3339, UTC, or "" when unknown
  modified     true when built from a tree with uncommitted changes
  go_version   the Go toolchain that built rtctl (go1.26.0)
  os, arch     the platform it was built for (linux, amd64)`

func newVersionCmd(e *env) *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the rtctl version, commit and Go version",
		Long:  versionHelp,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := readVersion()
			return views.NewVersion(jsonOut, e.out()).Version(v)
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the version as a JSON object (fields in the help above)")
	return cmd
}

// buildVersion is the version alone, for --version and the User-Agent.
func buildVersion() string { return readVersion().Version }

func readVersion() versionInfo {
	info, _ := debug.ReadBuildInfo()
	return versionFrom(info, versionInfo{Version: version, Commit: commit, CommitTime: commitTime})
}

// versionFrom fills v, holding what the linker was given, from the build
// information Go records (info may be nil). A release build names its
// version; go install MODULE@v1.2.3 records the module version; a build from
// a clone records the commit, from which a pseudo-version is made, so a bug
// report always says exactly what was run.
func versionFrom(info *debug.BuildInfo, v versionInfo) versionInfo {
	v.GoVersion, v.OS, v.Arch = runtime.Version(), runtime.GOOS, runtime.GOARCH
	if info == nil {
		v.Version = cmp.Or(v.Version, "devel")
		return v
	}
	v.GoVersion = cmp.Or(info.GoVersion, v.GoVersion)
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = cmp.Or(v.Commit, s.Value)
		case "vcs.time":
			v.CommitTime = cmp.Or(v.CommitTime, s.Value)
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	mod := info.Main.Version
	if v.Version == "" && mod != "" && mod != "(devel)" {
		v.Version = mod
	}
	// A pseudo-version names its commit; go install records no other.
	if pv := strings.TrimSuffix(v.Version, "+dirty"); module.IsPseudoVersion(pv) {
		if rev, err := module.PseudoVersionRev(pv); err == nil && v.Commit == "" {
			v.Commit = rev
		}
		if t, err := module.PseudoVersionTime(pv); err == nil && v.CommitTime == "" {
			v.CommitTime = t.Format(time.RFC3339)
		}
	}
	if t, err := time.Parse(time.RFC3339, v.CommitTime); err == nil {
		v.CommitTime = t.UTC().Format(time.RFC3339)
	}
	if v.Version == "" && v.Commit != "" {
		v.Version = pseudoVersion(v.Commit, v.CommitTime, v.Modified)
	}
	v.Version = cmp.Or(v.Version, "devel")
	return v
}

// pseudoVersion is the version go would give the commit: v0.0.0-TIME-REV12.
func pseudoVersion(rev, when string, modified bool) string {
	stamp := "00000000000000"
	if t, err := time.Parse(time.RFC3339, when); err == nil {
		stamp = t.Format("20060102150405")
	}
	rev = rev[:min(12, len(rev))]
	s := "v0.0.0-" + stamp + "-" + rev
	if modified {
		s += "+dirty"
	}
	return s
}
