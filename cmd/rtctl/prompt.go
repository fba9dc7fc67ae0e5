package main

import (
	"bufio"
	"context"
	"errors"
	"strings"

	"github.com/rtctl/rtctl/internal/views"
)

// confirm asks for approval, as Terraform does: only "yes" is accepted,
// typed on a terminal or piped in (echo yes | rtctl apply). Without a
// terminal and with nothing piped in there is nobody to ask, so apply
// refuses rather than guesses. Ctrl-C at the prompt is a no.
func confirm(ctx context.Context, e *env) (bool, error) {
	terminal := e.isTerminal(e.stdin)
	view := views.NewApproval(e.out())
	view.Ask()
	type reply struct {
		line string
		err  error
	}
	answer := make(chan reply, 1)
	go func() {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		answer <- reply{line, err}
	}()
	select {
	case r := <-answer:
		if !terminal && r.err != nil && strings.TrimSpace(r.line) == "" {
			view.Answered("")
			return false, errors.New("apply needs confirmation, and there is no terminal to ask on nor an answer piped in: pass --auto-approve, pipe in yes, or save a plan with rtctl plan --out FILE and run rtctl apply FILE")
		}
		if !terminal {
			view.Answered(r.line)
		}
		return strings.TrimSpace(r.line) == "yes", nil
	case <-ctx.Done():
		return false, nil
	}
}
