package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rhysd/actionlint"
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

// actionMetadata is the part of action.yml the tests read.
type actionMetadata struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Inputs      map[string]struct {
		Description string `yaml:"description"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string      `yaml:"using"`
		Steps []yaml.Node `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
}

func readAction(t *testing.T) (actionMetadata, []actionStep) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionMetadata
	if err := yaml.Unmarshal(src, &a); err != nil {
		t.Fatal(err)
	}
	steps := make([]actionStep, len(a.Runs.Steps))
	for i := range a.Runs.Steps {
		if err := a.Runs.Steps[i].Decode(&steps[i]); err != nil {
			t.Fatal(err)
		}
	}
	return a, steps
}

// TestActionShape checks action.yml as GitHub reads it, and lints its steps
// with actionlint by wrapping them in a reusable workflow (actionlint lints
// workflows, not action metadata).
func TestActionShape(t *testing.T) {
	a, steps := readAction(t)
	if a.Name == "" || a.Description == "" || a.Runs.Using != "composite" {
		t.Errorf("want a named, described composite action, got name %q, using %q", a.Name, a.Runs.Using)
	}
	if in, ok := a.Inputs["version"]; !ok || in.Default != "latest" || in.Description == "" {
		t.Errorf("want a described input version defaulting to latest, got %+v", a.Inputs)
	}
	out, ok := a.Outputs["version"]
	if !ok || out.Description == "" {
		t.Fatalf("want a described output version, got %+v", a.Outputs)
	}
	ids := map[string]bool{}
	for i, s := range steps {
		if s.Run != "" && s.Shell == "" {
			t.Errorf("step %d runs a script without shell:, which a composite action requires", i)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %d expands an expression inside its script; pass it through env: instead", i)
		}
		ids[s.ID] = true
	}
	for _, m := range regexp.MustCompile(`steps\.([\w-]+)\.outputs\.version`).FindAllStringSubmatch(out.Value, -1) {
		if !ids[m[1]] {
			t.Errorf("output version reads step %q, which does not exist", m[1])
		}
	}

	wf := map[string]any{
		"name": "action",
		"on":   map[string]any{"workflow_call": map[string]any{"inputs": map[string]any{"version": map[string]any{"type": "string", "default": "latest"}}}},
		"jobs": map[string]any{"install": map[string]any{"runs-on": "ubuntu-latest", "steps": a.Runs.Steps}},
	}
	src, err := yaml.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	var lint bytes.Buffer
	opts := &actionlint.LinterOptions{LogWriter: io.Discard}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc // where installed; CI machines need not have it
	}
	l, err := actionlint.NewLinter(&lint, opts)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint("action-steps.yml", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Errorf("actionlint on action.yml's steps found %d problems:\n%s\n%s", len(errs), lint.String(), src)
	}
}

// TestActionInstalls runs the action's install script against releases
// served on loopback: it must install the binary for the runner, verify
// it against checksums.txt and refuse what does not match.
func TestActionInstalls(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "tar", "awk", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	_, steps := readAction(t)
	var script string
	for _, s := range steps {
		if s.ID == "release" {
			script = s.Run
		}
	}
	if script == "" {
		t.Fatal("action.yml has no step with id release")
	}

	// A release v1.2.3 laid out as GoReleaser publishes it; its "rtctl" is
	// a script that answers --version.
	archive := "rtctl_1.2.3_linux_amd64.tar.gz"
	good := tarGz(t, map[string]string{"rtctl": "#!/bin/sh\necho 'rtctl v1.2.3'\n", "README.md": "read me\n"})
	sum := sha256.Sum256(good)
	checksums := hex.EncodeToString(sum[:]) + "  " + archive + "\n"
	var tampered atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/releases/latest", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/releases/tag/v1.2.3", http.StatusFound)
	})
	mux.HandleFunc("/releases/tag/v1.2.3", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/releases/download/v1.2.3/"+archive, func(w http.ResponseWriter, r *http.Request) {
		if tampered.Load() {
			w.Write(append(bytes.Clone(good), 0))
			return
		}
		w.Write(good)
	})
	mux.HandleFunc("/releases/download/v1.2.3/checksums.txt", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, checksums)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	releases := srv.URL + "/releases"
	install := func(t *testing.T, version, arch string) (string, string, error) {
		t.Helper()
		dir := t.TempDir()
		ghPath, ghOut := filepath.Join(dir, "path"), filepath.Join(dir, "output")
		cmd := exec.Command("bash", "-c", script)
		cmd.Env = []string{
			"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
			"RUNNER_OS=Linux", "RUNNER_ARCH=" + arch, "RUNNER_TEMP=" + dir,
			"GITHUB_PATH=" + ghPath, "GITHUB_OUTPUT=" + ghOut,
			"RTCTL_VERSION=" + version, "RTCTL_RELEASES_URL=" + releases,
		}
		log, err := cmd.CombinedOutput()
		path, _ := os.ReadFile(ghPath)
		output, _ := os.ReadFile(ghOut)
		if err != nil {
			return string(log), string(path), err
		}
		bin := filepath.Join(strings.TrimSpace(string(path)), "rtctl")
		if _, err := os.Stat(bin); err != nil {
			t.Errorf("nothing installed at %s: %v\n%s", bin, err, log)
		}
		return string(log), string(output), nil
	}

	for _, version := range []string{"latest", "v1.2.3", "1.2.3"} {
		t.Run(version, func(t *testing.T) {
			log, output, err := install(t, version, "X64")
			if err != nil || output != "version=v1.2.3\n" {
				t.Errorf("install %s: %v, output %q\n%s", version, err, output, log)
			}
		})
	}
	for _, tc := range []struct{ name, version, arch, want string }{
		{"unknown architecture", "latest", "X86", "no release for runner architecture X86"},
		{"not a version", "v1; rm -rf /", "X64", "version must be latest, source or a release tag"},
		{"no such release", "v9.9.9", "X64", "404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, path, err := install(t, tc.version, tc.arch)
			if err == nil || !strings.Contains(log, tc.want) || path != "" {
				t.Errorf("want a refusal saying %q and nothing on the PATH; got %v, PATH %q\n%s", tc.want, err, path, log)
			}
		})
	}
	// A repository without a release yet: GitHub answers 404 for the
	// latest release, and the step says what works until there is one
	// (issue 24, item 9).
	t.Run("no release yet", func(t *testing.T) {
		releases = srv.URL + "/unreleased/releases"
		defer func() { releases = srv.URL + "/releases" }()
		log, path, err := install(t, "latest", "X64")
		if err == nil || !strings.Contains(log, "until rtctl's first release, build it from source with version: source") || path != "" {
			t.Errorf("want a refusal naming version: source; got %v, PATH %q\n%s", err, path, log)
		}
	})
	t.Run("checksum mismatch", func(t *testing.T) {
		tampered.Store(true)
		defer tampered.Store(false)
		log, path, err := install(t, "v1.2.3", "X64")
		if err == nil || !strings.Contains(log, "does not match the release's checksums.txt") || path != "" {
			t.Errorf("a tampered archive was not refused: %v, PATH %q\n%s", err, path, log)
		}
	})
}

func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestExampleWorkflowUsesTheAction checks examples/ci against action.yml:
// actionlint cannot, as it does not know this action's inputs.
func TestExampleWorkflowUsesTheAction(t *testing.T) {
	a, _ := readAction(t)
	src, err := os.ReadFile(filepath.Join(examplesDir, "ci", "rtctl.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(src, &wf); err != nil {
		t.Fatal(err)
	}
	for name, job := range wf.Jobs {
		uses := 0
		for _, s := range job.Steps {
			if strings.Contains(s.Run, "go install") {
				t.Errorf("job %s installs rtctl with go install instead of the action", name)
			}
			if !strings.HasPrefix(s.Uses, "rtctl/rtctl@") {
				continue
			}
			uses++
			for k := range s.With {
				if _, ok := a.Inputs[k]; !ok {
					t.Errorf("job %s gives the action input %q, which action.yml does not have", name, k)
				}
			}
		}
		if uses != 1 {
			t.Errorf("job %s uses rtctl/rtctl %d times, want once", name, uses)
		}
	}
}

// TestLicenseShipped checks that the repository has the license the README
// names and the release archives package (issue 24, item 9: .goreleaser.yaml
// packaged LICENSE*, and there was none).
func TestLicenseShipped(t *testing.T) {
	lic, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(lic), []byte("Apache License\n                           Version 2.0, January 2004")) {
		t.Errorf("LICENSE is not the Apache License 2.0 text")
	}
	for file, want := range map[string]string{"../../README.md": "Apache License 2.0 ([LICENSE](LICENSE))", "../../.goreleaser.yaml": "- LICENSE*"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s does not say %q", file, want)
		}
	}
}
