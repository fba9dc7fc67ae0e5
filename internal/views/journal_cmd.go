package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// Journal shows what the journal commands (journal, its subcommands, and
// forget, which writes to it) found and did. Only the listing has a JSON
// form (journal --json); the subcommands report in sentences either way.
type Journal interface {
	// List lists the journal's items. When there are none, it says so,
	// and names sandboxDir's journal when that one exists (sandboxDir "":
	// none, or the sandbox's journal is the one listed).
	List(st *journal.State, sandboxDir string) error
	// Verified reports a journal whose every line is intact.
	Verified(path string, st *journal.State)
	// Damaged reports the damaged lines verify found.
	Damaged(path string, st *journal.State, lines []int)
	// Repaired reports what repair did (nothing when the journal was
	// intact).
	Repaired(path string, rep *journal.RepairReport)
	// KeyRotated says the journal at path, of account, follows acct now,
	// on the backend of kind ("local", or a shared one, of which path is
	// this machine's copy).
	KeyRotated(path string, account, acct fmt.Stringer, kind string)
	// AccountStarted says the journal at path was started for acct on the
	// backend of kind.
	AccountStarted(path string, acct fmt.Stringer, kind string)
	// Adopted lists the items adopt recorded as in the account.
	Adopted(addrs []string)
	// Confirmed lists the items confirm recorded as in the account.
	Confirmed(addrs []string)
	// Forgot lists the items forget took out of rtctl's care.
	Forgot(addrs []string)
	// Unlocked says force-unlock removed the lock id.
	Unlocked(id string)
	// Migrated says where journal migrate moved the journal; toLocal
	// says it left the shared backend, whose copy stays.
	Migrated(res *workspace.MigrateResult, toLocal bool)
}

// NewJournal is the journal commands' view: JSON (journal --json) or text.
func NewJournal(jsonOut bool, v *View) Journal {
	t := &journalText{View: v}
	if jsonOut {
		return &journalJSON{journalText: t}
	}
	return t
}

type journalText struct{ *View }

func (v *journalText) List(st *journal.State, sandboxDir string) error {
	listed, err := WriteJournalTable(v.stdout, st, time.Local)
	if err != nil || listed {
		return err
	}
	fmt.Fprintln(v.stdout, "The journal is empty: rtctl has not applied anything here yet.")
	if sandboxDir != "" {
		fmt.Fprintf(v.stdout, "The sandbox has a journal of its own: rtctl journal --sandbox %s\n", sandboxDir)
	}
	return nil
}

func (v *journalText) Verified(path string, st *journal.State) {
	acct := "not bound to an account yet (written by an older rtctl; the next apply binds it)"
	if a, ok := st.Account(); ok {
		acct = "bound to " + a.String()
	}
	fmt.Fprintf(v.stdout, "%s: %s, %s, every line intact; %s.\n", path, count(st.Lines, "line", "lines"), count(st.Len(), "item", "items"), acct)
	if st.Torn {
		fmt.Fprintln(v.stdout, "Its last line was cut short by a crash; the next apply removes it.")
	}
}

func (v *journalText) Damaged(path string, st *journal.State, lines []int) {
	fmt.Fprintf(v.stdout, "%s: %s, %d damaged: %s.\n", path, count(st.Lines, "line", "lines"), len(lines), lineList(lines))
	fmt.Fprintln(v.stdout, "A damaged line may be the record of a POST. Check the account in the web app for items sent around then, and run rtctl journal repair: it sets the damaged lines aside and keeps the items they name uncertain.")
}

func (v *journalText) Repaired(path string, rep *journal.RepairReport) {
	if len(rep.Damaged) == 0 && !rep.TornRemoved {
		fmt.Fprintf(v.stdout, "%s is intact: nothing to repair.\n", path)
		return
	}
	fmt.Fprintf(v.stdout, "Repaired %s: kept %s", path, count(rep.Kept, "line", "lines"))
	if len(rep.Damaged) > 0 {
		fmt.Fprintf(v.stdout, ", set %s aside in %s", count(len(rep.Damaged), "damaged line", "damaged lines"), rep.SetAside)
	}
	fmt.Fprintln(v.stdout, ".")
	if len(rep.Salvaged) > 0 {
		fmt.Fprintf(v.stdout, "%s the damaged lines name now uncertain: the next plan says what to check.\n", count(len(rep.Salvaged), "item", "items"))
	}
	if len(rep.Unreadable) > 0 {
		fmt.Fprintf(v.stdout, "%s %s named no item: if one recorded a POST, only the account shows it now. Check the web app for items rtctl posted around then before the next apply.\n", plural(len(rep.Unreadable), "Line", "Lines"), lineList(rep.Unreadable))
	}
	if rep.BindingLost {
		fmt.Fprintln(v.stdout, "The journal's account binding was damaged: the next apply binds it to the account it uses.")
	}
}

func (v *journalText) KeyRotated(path string, account, acct fmt.Stringer, kind string) {
	if kind != "local" {
		fmt.Fprintf(v.stdout, "The journal of %s on the %s backend now follows %s (the old key's ref is marked as moved; this machine's copy is %s).\n", account, kind, acct, path)
		return
	}
	fmt.Fprintf(v.stdout, "The journal %s, of %s, now follows %s.\n", path, account, acct)
}

func (v *journalText) AccountStarted(path string, acct fmt.Stringer, kind string) {
	if kind != "local" {
		fmt.Fprintf(v.stdout, "Started the journal of %s on the %s backend (this machine's copy is %s).\n", acct, kind, path)
		return
	}
	fmt.Fprintf(v.stdout, "Started %s, the journal of %s.\n", path, acct)
}

func (v *journalText) Adopted(addrs []string) {
	if len(addrs) == 0 {
		fmt.Fprintln(v.stdout, "Nothing to adopt: every declared item the feeds show is in the journal.")
		return
	}
	fmt.Fprintf(v.stdout, "Adopted %s as in the account: %s.\nNothing was posted; they will never be sent.\n", count(len(addrs), "item", "items"), addressList(addrs))
}

func (v *journalText) Confirmed(addrs []string) {
	fmt.Fprintf(v.stdout, "Recorded %s as in the account: %s.\n", count(len(addrs), "item", "items"), addressList(addrs))
}

func (v *journalText) Forgot(addrs []string) {
	if len(addrs) == 0 {
		fmt.Fprintln(v.stdout, "Nothing to forget: no such item rtctl still cares about.")
		return
	}
	fmt.Fprintf(v.stdout, "Forgot %s: %s.\nNothing was posted; rtctl journal still lists them, as forgotten.\n", count(len(addrs), "item", "items"), addressList(addrs))
}

func (v *journalText) Unlocked(id string) {
	fmt.Fprintf(v.stdout, "The lock %s was removed: the next apply can take it.\n", id)
}

func (v *journalText) Migrated(res *workspace.MigrateResult, toLocal bool) {
	if res.Same {
		fmt.Fprintf(v.stdout, "%s already holds this journal (%d lines): nothing to move.\n", res.To, res.Entries)
		return
	}
	fmt.Fprintf(v.stdout, "Moved the journal (%d lines) from %s to %s.\n", res.Entries, res.From, res.To)
	if toLocal {
		fmt.Fprintln(v.stdout, "The remote keeps its copy: machines that still apply with --backend git use it, and no longer see what this one applies. Switch them all.")
	}
}

// journalJSON lists the journal as JSON; the subcommands, which have no
// JSON form, report as text.
type journalJSON struct{ *journalText }

func (v *journalJSON) List(st *journal.State, _ string) error {
	return WriteJournalJSON(v.stdout, st)
}

// lineList renders line numbers: "3, 7 and 12", or the first ten.
func lineList(lines []int) string {
	var s []string
	for i, n := range lines {
		if i == 10 {
			s = append(s, fmt.Sprintf("%d more", len(lines)-10))
			break
		}
		s = append(s, fmt.Sprint(n))
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
