package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rtctl": func() { os.Exit(run(os.Args[1:], systemEnv())) },
	})
}

// TestScripts runs the end-to-end scenarios in testdata/scripts. Set
// RTCTL_UPDATE_SCRIPTS=1 to rewrite expected output in place.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams())
}

func scriptParams() testscript.Params {
	return testscript.Params{
		Dir:                 "../../testdata/scripts",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("RTCTL_UPDATE_SCRIPTS") != "",
		Setup:               setupScript,
		Cmds:                scriptCmds(),
	}
}

// setupScript prepares each scenario's environment. Scripts never see the
// developer's real credentials.
func setupScript(e *testscript.Env) error {
	e.Setenv("RESCUETIME_API_KEY", "")
	e.Setenv("RESCUETIME_ACCESS_TOKEN", "")
	e.Setenv("NO_COLOR", "")
	return nil
}

func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){}
}
