// Package backend says where the journal of an account lives and how its
// lock is taken, so that the journal (pkg/journal) and the planner need not
// know.
//
// The local backend is rtctl's own files: the journal in .rtctl/ and the OS
// locks beside it and in the state directory; the operation layer
// (pkg/workspace) takes those itself, so Local adds nothing to them. A
// shared backend (pkg/backend/git) keeps the account's journal in a store
// every machine reaches and its lock as a lease there: the operation layer
// still keeps a local copy of the journal under its local locks, and the
// backend brings that copy from the store when it takes the lease (Lock),
// and makes every Append reach the store before it returns (Lease.Writer).
// Reads (plan) need no lease: Read refreshes the copy, or says how old it is
// when the store cannot be reached.
package backend

import (
	"context"
	"fmt"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

// Backend is where an account's journal lives and how its lock is taken.
type Backend interface {
	// Kind is the backend's name as a person chooses it: "local", "git".
	Kind() string
	// Lock takes the account's lock in the store, as a lease, and brings
	// the store's journal to acct.Local, which the caller has locked on
	// this machine. It fails with a *LockedError when another holds it.
	Lock(ctx context.Context, acct Account, info LockInfo) (Lease, error)
	// Read refreshes acct.Local from the store without the lock. When the
	// store cannot be reached the copy stays as it was and Copy says how
	// old it is; only a copy that is missing and unreachable is an error.
	Read(ctx context.Context, acct Account) (Copy, error)
	// ForceUnlock removes the account's lock when its ID is id, as
	// Terraform's force-unlock does: for a holder that is gone.
	ForceUnlock(ctx context.Context, acct Account, id string) error
}

// Lister is a backend that can say which accounts' journals its store
// holds: rtctl journal rotate-key looks there for the old key's.
type Lister interface {
	// Accounts are the Names of the accounts whose journals the store
	// holds.
	Accounts(ctx context.Context) ([]string, error)
}

// Waiter is a backend whose store is polled on a timer of its own (a
// run waiting for another's lease asks again after Wait): tests give it
// one they fire by hand.
type Waiter interface {
	// Wait returns after d, or with ctx's error when ctx ends first.
	Wait(ctx context.Context, d time.Duration) error
}

// Account names an account's journal for a backend.
type Account struct {
	// Name identifies the account without a secret (endpoint digest and
	// credential fingerprint); it is safe in a git ref name and a file
	// name.
	Name string
	// Local is the journal's copy on this machine.
	Local string
}

// Lease is a held lock. Its Writer is the only way to write the journal
// under it; after Release, or once the lease was taken over, every Append
// fails and apply stops sending.
type Lease interface {
	// ID is what force-unlock takes to remove this lease.
	ID() string
	// Writer wraps a writer of the local copy: its Append returns once the
	// entries are in the store as well, and fails when they could not be
	// put there.
	Writer(jw *journal.Writer) Writer
	// Push puts the local copy in the store as it is now (a journal
	// migrated to the store).
	Push(ctx context.Context) error
	// Release gives the lock up.
	Release(ctx context.Context) error
}

// Writer records entries where the backend keeps them; *journal.Writer is
// one.
type Writer interface {
	Append(entries ...journal.Entry) error
	Close() error
}

// LockInfo says who holds a lock, where and why, as Terraform's lock info
// does.
type LockInfo struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"` // "rtctl apply"
	Who       string    `json:"who"`       // user@host
	Host      string    `json:"host"`
	PID       int       `json:"pid"`
	CIRun     string    `json:"ci_run,omitempty"` // a CI run's URL or id
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
}

func (i LockInfo) String() string {
	s := fmt.Sprintf("%s (%s, process %d on %s", i.ID, i.Operation, i.PID, i.Host)
	if i.Who != "" {
		s += ", " + i.Who
	}
	if i.CIRun != "" {
		s += ", CI run " + i.CIRun
	}
	s += ", since " + i.Created.UTC().Format(time.RFC3339)
	if !i.Expires.IsZero() {
		s += ", lease until " + i.Expires.UTC().Format(time.RFC3339)
	}
	return s + ")"
}

// LockedError is a lock held by another run whose lease has not expired.
type LockedError struct {
	Info LockInfo
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("the account's journal is locked by %s: wait for it to finish, or, if that run is gone, run rtctl force-unlock %s (its lease also expires on its own)", e.Info, e.Info.ID)
}

// Copy says how current a local copy of the journal is.
type Copy struct {
	// Fetched is when the copy was last brought from the store; zero when
	// never.
	Fetched time.Time
	// Offline is why the store could not be read now ("" when it was):
	// the copy is then as of Fetched.
	Offline string
}

// Local is today's behaviour: the journal and its locks are the operation
// layer's own files, so it takes no further lock and its writer is the
// journal's.
type Local struct{}

func (Local) Kind() string { return "local" }

func (Local) Lock(context.Context, Account, LockInfo) (Lease, error) { return localLease{}, nil }

func (Local) Read(context.Context, Account) (Copy, error) { return Copy{}, nil }

func (Local) ForceUnlock(context.Context, Account, string) error {
	return fmt.Errorf("the local backend's locks are released by the operating system when the process holding them ends: there is nothing to force-unlock")
}

type localLease struct{}

func (localLease) ID() string                       { return "" }
func (localLease) Writer(jw *journal.Writer) Writer { return jw }
func (localLease) Release(context.Context) error    { return nil }
func (localLease) Push(context.Context) error       { return nil }
