package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newDoctorCmd(e *env) *cobra.Command {
	var (
		cf          configFlags
		acct        accountFlags
		output      string
		probe       bool
		autoApprove bool
		deadline    time.Duration
		reportFile  string
	)
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the account and learn how it behaves, safely",
		Long: `doctor checks, one line each with what to do: that the credentials work and
their kind, the account's plan as the feeds show it, its time zone (from the
daily summary) against rtctl.timezone, each feed (its answer, its count and
reach), what the journal has shown of how the feeds report rtctl's posts and
so which emulator model the account behaves like, the clock against the
server's, and the journal and its locks. It posts nothing.

--probe posts ONE 5-minute offline block in the past, labelled "rtctl doctor
probe", after saying exactly what and asking (the API cannot delete it), then
reads the report every minute until the block appears or --probe-deadline
passes, and records the delay and the shape it appeared in, in the journal.

--report FILE writes the shapes of every answer (headers, key names, types,
counts, status codes), never a value: no key, name, description or date.
Attach it to a bug report as it is.`,
		Example: `  rtctl doctor
  rtctl doctor --probe
  rtctl doctor --report rtctl-report.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return fmt.Errorf("-o %s: want text or json", output)
			}
			if autoApprove && !probe {
				return errors.New("--auto-approve approves the probe: give it with --probe")
			}
			view := views.NewDoctor(output == "json", e.out())
			ws, err := openWorkspace(e, ".", &cf, &acct)
			if err != nil {
				return err
			}
			opts := workspace.DoctorOptions{Probe: probe, ProbeDeadline: deadline}
			if probe {
				opts.Consent = func(in workspace.ProbeIntent) (bool, error) {
					return probeConsent(cmd.Context(), e, view, in, autoApprove)
				}
			}
			report, runErr := ws.Doctor(cmd.Context(), opts)
			if report == nil {
				return runErr
			}
			if reportFile != "" {
				var buf bytes.Buffer
				if err := views.WriteShapeReport(&buf, report.Shapes()); err != nil {
					return err
				}
				if err := workspace.WriteShapeReport(reportFile, buf.Bytes()); err != nil {
					return err
				}
			}
			if err := view.Report(report); err != nil {
				return err
			}
			if reportFile != "" {
				view.ShapesWritten(len(report.Answers), reportFile)
			}
			if runErr != nil {
				return runErr
			}
			if report.Problems() > 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	addVarFlags(cmd, &cf.vars, &cf.varFiles)
	cmd.Flags().StringVar(&cf.journal, "journal", "", "journal file (default RTCTL_JOURNAL, else the account's journal in .rtctl)")
	acct.register(cmd)
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "text", "`FORMAT` of the report: text or json")
	f.BoolVar(&probe, "probe", false, "post one 5-minute offline block in the past (after asking) and watch the report until it appears")
	f.BoolVar(&autoApprove, "auto-approve", false, "post the probe without asking")
	f.DurationVar(&deadline, "probe-deadline", workspace.DefaultProbeDeadline, "how long the probe watches the report")
	f.StringVar(&reportFile, "report", "", "write the answers' shapes, never their values, to `FILE` for a bug report")
	return cmd
}

// probeConsent shows what the probe will post and asks for a yes on a
// terminal. Nothing piped in counts: a post that cannot be deleted needs a
// person at the keyboard, or --auto-approve.
func probeConsent(ctx context.Context, e *env, view views.Doctor, in workspace.ProbeIntent, autoApprove bool) (bool, error) {
	view.ProbeIntent(in)
	if in.Already || autoApprove {
		return true, nil
	}
	if !e.isTerminal(e.stdin) {
		return false, errors.New("the probe posts what cannot be deleted and asks first, but there is no terminal to ask on: run it in a terminal, or pass --auto-approve")
	}
	view.AskProbe()
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		answer <- line
	}()
	select {
	case line := <-answer:
		return strings.TrimSpace(line) == "yes", nil
	case <-ctx.Done():
		return false, nil
	}
}
