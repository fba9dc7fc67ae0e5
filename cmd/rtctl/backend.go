package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// backendFlags choose where the account's journal lives. Only the person
// or CI chooses the remote: a configuration arrives in pull requests, and
// must not be able to send rtctl's pushes, and the runner's git
// credentials, to another host.
type backendFlags struct {
	kind   string
	remote string
}

func (b *backendFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&b.kind, "backend", "", "where the account's journal and lock live: local (.rtctl and the state directory) or git (refs on a git remote every machine reaches); default $RTCTL_BACKEND, else local")
	f.StringVar(&b.remote, "backend-remote", "", "the git backend's remote: a URL, or the name of a remote of the configuration's checkout (default $RTCTL_BACKEND_REMOTE, else origin)")
}

// setBackend sets the backend of opts as the flags and the environment
// choose it for the configuration in dir (workspace.Options.ChooseBackend).
func setBackend(e *env, dir string, b *backendFlags, opts *workspace.Options) error {
	kind, from := b.kind, "--backend"
	if kind == "" {
		kind, from = e.getenv("RTCTL_BACKEND"), "RTCTL_BACKEND"
	}
	remote := b.remote
	if remote == "" {
		remote = e.getenv("RTCTL_BACKEND_REMOTE")
	}
	return opts.ChooseBackend(dir, workspace.BackendChoice{
		Kind: kind, From: from, Remote: remote,
		Getenv: e.getenv, Environ: os.Environ(), Clock: e.now,
		Secret: func(p string) { e.secrets.Add(p) },
	})
}

func newForceUnlockCmd(e *env) *cobra.Command {
	var jf journalFlags
	cmd := &cobra.Command{
		Use:   "force-unlock ID [DIR]",
		Short: "Remove the account's lock on a shared backend, left by a run that is gone",
		Long: `Force-unlock removes the lock of the account's journal on a shared backend
(--backend git) when its ID is ID, as Terraform's force-unlock does. The ID is
in the message of the apply that found the lock held. Only do this when the
run that holds it is gone (a CI job cancelled, a laptop closed): a run still
going stops at its next journal update, and what it sent is settled by the
next apply. The lock also expires on its own.

The local backend's locks are released by the operating system when their
process ends: there is nothing to force-unlock.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWorkspace(e, dirArg(args[1:]), &jf.cf, &jf.acct)
			if err != nil {
				return err
			}
			if err := ws.ForceUnlock(cmd.Context(), args[0]); err != nil {
				return err
			}
			views.NewJournal(false, e.out()).Unlocked(args[0])
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	return cmd
}

func newJournalMigrateCmd(e *env) *cobra.Command {
	var (
		jf journalFlags
		to string
	)
	cmd := &cobra.Command{
		Use:   "migrate --to git|local [DIR]",
		Short: "Move the account's journal between the local backend and a git remote",
		Long: `Migrate moves the account's journal to the git backend (--to git: from
.rtctl to refs/rtctl/journal/<account> on the remote; the local file is kept
beside it, renamed *.migrated) or back (--to local). It holds the account's
locks, local and remote, while it does, and refuses when the destination
already holds a different journal of the account. Choose the remote as
apply does: --backend-remote URL, RTCTL_BACKEND_REMOTE, else the checkout's
origin.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to != "git" && to != "local" {
				return fmt.Errorf("--to %q: give --to git or --to local", to)
			}
			if jf.cf.backend.kind == "" && e.getenv("RTCTL_BACKEND") == "" {
				jf.cf.backend.kind = "git" // the shared backend, whichever way the journal goes
			}
			ws, err := openWorkspace(e, dirArg(args), &jf.cf, &jf.acct)
			if err != nil {
				return err
			}
			res, err := ws.MigrateJournal(cmd.Context(), to)
			if err != nil {
				return err
			}
			views.NewJournal(false, e.out()).Migrated(res, to == "local")
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	cmd.Flags().StringVar(&to, "to", "", "the backend to move the journal to: git or local")
	return cmd
}
