package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/rtctl/rtctl/internal/views"
)

// Exit codes, documented in the README and in exitCodesHelp.
const (
	exitOK        = 0
	exitError1    = 1   // an error, or an apply that stopped or had items fail
	exitChanges   = 2   // plan --detailed-exitcode: something to post, nothing needs a person
	exitAttention = 3   // something needs a person: a conflict, an uncertain or orphaned item
	exitAbandoned = 130 // a second interrupt: POSTs in flight were abandoned (128 + SIGINT, as a shell reports a process killed by Ctrl-C)

	exitAbandonedTerm = 143 // the same after a second SIGTERM (128 + SIGTERM)
)

// exitCodesHelp is the exit code table of plan and apply's help.
const exitCodesHelp = `Exit codes:
  0  success: nothing left to post (plan: with --detailed-exitcode, nothing to post)
  1  an error; for apply also an interruption, a failed item or a run that stopped early
  2  plan --detailed-exitcode: something to post, and nothing needs a person
  3  something needs a person: an item in conflict, uncertain, held or orphaned
     (plan: only with --detailed-exitcode; apply: always)
  130  a second Ctrl-C (SIGINT): stopped at once, naming the POSTs abandoned in flight
  143  a second SIGTERM: the same`

// exitError carries a specific exit code out of a command. Commands that
// only need "failed" return a plain error, which exits 1.
type exitError struct {
	code int
	err  error // nil when the command already reported what went wrong
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// errorMessage is what the person reads for err: the views' ErrorMessage.
func errorMessage(err error) error { return views.ErrorMessage(err) }

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
