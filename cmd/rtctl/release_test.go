package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/modfile"
)

// repoRoot is the repository root, seen from here.
var repoRoot = filepath.Join("..", "..")

// buildRtctl runs a go build command line as a release would, with the
// output redirected into a temporary directory, and returns the binary's
// `version --json`.
func buildRtctl(t *testing.T, argv []string, environ []string) versionInfo {
	t.Helper()
	if testing.Short() {
		t.Skip("builds rtctl; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "rtctl")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	argv = append(argv, "-o", bin, "./cmd/rtctl")
	cmd := exec.Command("go", argv...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), environ...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatalf("the built rtctl version --json: %v", err)
	}
	var v versionInfo
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("version --json: %v\n%s", err, out)
	}
	return v
}

// dockerfile is the Dockerfile's instructions, continuation lines joined.
func dockerfile(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	cur := ""
	for _, l := range strings.Split(string(src), "\n") {
		if cur == "" && (strings.HasPrefix(strings.TrimSpace(l), "#") || strings.TrimSpace(l) == "") {
			continue
		}
		if s, ok := strings.CutSuffix(l, "\\"); ok {
			cur += s + " "
			continue
		}
		lines = append(lines, strings.TrimSpace(cur+l))
		cur = ""
	}
	return lines
}

// TestDockerfile checks what can be checked without a container engine:
// the images, that no secret is baked in, and that its go build line
// builds an rtctl that reports the version and commit passed as build
// arguments.
func TestDockerfile(t *testing.T) {
	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil {
		t.Fatal(err)
	}
	goMinor := strings.Join(strings.SplitN(mf.Go.Version, ".", 3)[:2], ".")

	var froms, build []string
	for _, l := range dockerfile(t) {
		inst, rest, _ := strings.Cut(l, " ")
		switch strings.ToUpper(inst) {
		case "FROM":
			froms = append(froms, rest)
		case "RUN":
			if strings.Contains(rest, "go build") {
				build = append(build, rest)
			}
		case "ENV", "ARG":
			if regexp.MustCompile(`(?i)key|token|secret|password|calendar`).MatchString(rest) {
				t.Errorf("%s would bake a secret into the image: %s", inst, l)
			}
		case "ENTRYPOINT":
			if rest != `["/usr/local/bin/rtctl"]` {
				t.Errorf("ENTRYPOINT %s, want rtctl in exec form", rest)
			}
		case "WORKDIR", "COPY", "USER":
		}
	}
	if len(froms) != 2 || froms[0] != "golang:"+goMinor+" AS build" || froms[1] != "gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("FROM lines %q: want golang:%s (go.mod's Go) to build, distroless static nonroot to run", froms, goMinor)
	}
	if len(build) != 1 {
		t.Fatalf("want one RUN line with go build, have %q", build)
	}

	// Run the line as /bin/sh would in the image, with the build arguments
	// in the environment, writing somewhere else than /out.
	line := build[0]
	if !strings.Contains(line, " -o /out/rtctl ./cmd/rtctl") {
		t.Fatalf("the build line should end in -o /out/rtctl ./cmd/rtctl: %s", line)
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run the build line")
	}
	if testing.Short() {
		t.Skip("builds rtctl; skipped with -short")
	}
	out := filepath.Join(t.TempDir(), "rtctl")
	cmd := exec.Command("sh", "-c", strings.Replace(line, "/out/rtctl", out, 1))
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "VERSION=v9.8.7", "COMMIT=0123456789abcdef0123456789abcdef01234567")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, b)
	}
	b, err := exec.Command(out, "version", "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v versionInfo
	if err := json.Unmarshal(b, &v); err != nil || v.Version != "v9.8.7" || v.Commit != "0123456789abcdef0123456789abcdef01234567" {
		t.Errorf("the image's rtctl reports %s (%v), want the build arguments", b, err)
	}
}

// goreleaserConfig is the part of .goreleaser.yaml the tests read.
type goreleaserConfig struct {
	Version int `yaml:"version"`
	Builds  []struct {
		Main    string   `yaml:"main"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		NameTemplate string `yaml:"name_template"`
	} `yaml:"archives"`
}

func readGoreleaser(t *testing.T) goreleaserConfig {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	if err := yaml.Unmarshal(src, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGoreleaserBuild builds rtctl with the release configuration's flags
// and link-time values: -X silently ignores a name that does not exist, so
// only a build shows that rtctl version reports what GoReleaser sets.
func TestGoreleaserBuild(t *testing.T) {
	c := readGoreleaser(t)
	if c.Version != 2 || len(c.Builds) != 1 || len(c.Archives) != 1 {
		t.Fatalf("want a version 2 configuration with one build and one archive, got %+v", c)
	}
	b := c.Builds[0]
	if fmt.Sprint(b.Goos, b.Goarch) != "[linux darwin windows] [amd64 arm64]" || b.Main != "./cmd/rtctl" {
		t.Errorf("builds %s for %v × %v, want ./cmd/rtctl for linux, darwin, windows × amd64, arm64", b.Main, b.Goos, b.Goarch)
	}
	// The action finds the archive by this name.
	if got := c.Archives[0].NameTemplate; got != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" {
		t.Errorf("archive name_template %q; action.yml expects rtctl_VERSION_OS_ARCH", got)
	}
	values := strings.NewReplacer("{{ .Version }}", "1.2.3", "{{ .FullCommit }}", "0123456789abcdef0123456789abcdef01234567", "{{ .CommitDate }}", "2026-11-20T18:00:00Z")
	argv := []string{"build"}
	argv = append(argv, b.Flags...)
	for _, l := range b.Ldflags {
		argv = append(argv, "-ldflags="+values.Replace(l))
	}
	if strings.Contains(strings.Join(argv, " "), "{{") {
		t.Fatalf("a template value the test does not know: %q", argv)
	}
	got := buildRtctl(t, argv, b.Env)
	want := versionInfo{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", CommitTime: "2026-11-20T18:00:00Z"}
	if got.Version != want.Version || got.Commit != want.Commit || got.CommitTime != want.CommitTime {
		t.Errorf("a release build reports %+v, want %+v", got, want)
	}
}
