package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCIWorkflowFencesErrors runs the example workflow's comment script
// (with node, when the machine has it) on a failed plan whose errors quote
// a configuration line holding a code fence: the errors stay inside one
// code block of the pull request comment, so the configuration's author
// cannot add Markdown (links, images, mentions) to a comment the workflow
// posts.
func TestCIWorkflowFencesErrors(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	src, err := os.ReadFile(filepath.Join(examplesDir, "ci", "rtctl.yml"))
	if err != nil {
		t.Fatal(err)
	}
	script := blockScalar(t, string(src), "script: |")
	dir := t.TempDir()
	errText := "Error: Unsupported argument\n\n  on main.rt.hcl line 3:\n   3: x = <<EOT\n````\n# Injected heading\n![img](https://evil.example/x.png) @someone\n````\n"
	for name, body := range map[string]string{"plan.err": errText, "plan.md": "", "script.js": script, "harness.js": commentHarness} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(node, "harness.js", "script.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "EXITCODE=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	body := string(out)
	open := regexp.MustCompile("(?m)^(`{3,})\n").FindStringSubmatchIndex(body)
	if open == nil {
		t.Fatalf("no code block in the comment:\n%s", body)
	}
	fence := body[open[2]:open[3]]
	inside, rest, ok := strings.Cut(body[open[1]:], "\n"+fence+"\n")
	if !ok || rest != "" {
		t.Fatalf("the code block (fence %s) does not run to the end of the comment:\n%s", fence, body)
	}
	if strings.TrimRight(inside, "\n") != strings.TrimRight(errText, "\n") {
		t.Errorf("the code block holds:\n%s\nwant the errors:\n%s", inside, errText)
	}
	for _, line := range strings.Split(inside, "\n") {
		if strings.HasPrefix(line, fence) && strings.Trim(line, "`") == "" {
			t.Errorf("the line %q inside closes the block (fence %s):\n%s", line, fence, body)
		}
	}
}

// commentHarness runs a github-script step's script with the comment API
// stubbed, printing the comment it would post.
const commentHarness = `
const fs = require('fs');
const AsyncFunction = (async () => {}).constructor;
let posted = '';
const github = {
  paginate: async () => [],
  rest: { issues: {
    listComments: null,
    updateComment: async (a) => { posted = a.body; },
    createComment: async (a) => { posted = a.body; },
  } },
};
const context = { repo: { owner: 'o', repo: 'r' }, issue: { number: 1 } };
new AsyncFunction('require', 'github', 'context', fs.readFileSync(process.argv[2], 'utf8'))(require, github, context)
  .then(() => process.stdout.write(posted), (e) => { console.error(e); process.exit(1); });
`

// blockScalar is the YAML block scalar introduced by the line holding
// key, without its indentation.
func blockScalar(t *testing.T, src, key string) string {
	t.Helper()
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if !strings.Contains(l, key) {
			continue
		}
		keyIndent := len(l) - len(strings.TrimLeft(l, " "))
		var out []string
		indent := -1
		for _, b := range lines[i+1:] {
			n := len(b) - len(strings.TrimLeft(b, " "))
			if strings.TrimSpace(b) != "" && n <= keyIndent {
				break
			}
			if indent < 0 && strings.TrimSpace(b) != "" {
				indent = n
			}
			if len(b) >= indent && indent >= 0 {
				b = b[indent:]
			}
			out = append(out, b)
		}
		return strings.Join(out, "\n")
	}
	t.Fatalf("no %q in the workflow", key)
	return ""
}
