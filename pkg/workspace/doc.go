// Package workspace runs rtctl's operations on one configuration directory,
// for the command line and for Go programs alike: plan it, apply it, apply a
// saved plan of it, list its journal, reset its sandbox, and check the
// account and learn how it behaves (Doctor: a typed report, its probe, and
// a shareable ShapeReport that holds shapes, never values). It also does
// the file work of the commands around them, so that the command line
// touches no file: write a starter configuration (Init), format the
// configuration's files (FormatPath), write what import declares. Its
// siblings pkg/reads (the read commands) and pkg/authorize (rtctl auth)
// are operations that need no configuration.
//
// A Workspace owns the sequence that makes those operations safe, so that
// no caller has to repeat it:
//
//   - the account: the built-in sandbox (an emulator in process, its state
//     in .rtctl/ beside the configuration, opened through the
//     Options.Sandbox the program wires in: pkg/sandbox) or a real one (endpoint,
//     credentials, the zone its naive times are read in);
//   - the journal chosen for that account, and the lock that keeps two
//     applies from running at once; where both live is the backend
//     (Options.Backend, pkg/backend): the local one (.rtctl/ and the state
//     directory), or a store every machine reaches (the git remote), whose
//     lease apply takes after the local locks, whose journal it copies to
//     .rtctl/ and writes through the lease, and which plan reads without
//     the lease;
//   - one reading of the clock per operation, so that loading, planning and
//     applying agree on "now" (see Clocks below);
//   - loading the configuration, observing the account, planning, checking a
//     saved plan for staleness, applying, and recording what the feeds
//     settled.
//
// It prints nothing. What a person should see while an operation runs
// (warnings from the configuration, notices, the plan before it is applied,
// progress) reaches the caller through Reporter and the callbacks of
// ApplyOptions; results and errors are typed values that a view renders.
//
// # Clocks
//
// rtctl has two clocks, and this is the one place that says which operation
// reads which; the other packages take them as injected functions.
//
// The account's present is the instant rtctl takes for "now" in the
// account: Options.Now when it is set (RTCTL_NOW, plan --now; tests always
// set it), else a reading of Options.Clock. Each operation reads it once at
// its start (Workspace.Now) and loads the configuration (today(), data
// source windows), observes the account and plans as of that reading. The
// API client takes it as its rtapi.Options.Now (offline time in the future
// is refused against it, open date ranges end at it), and the sandbox's
// emulated account lives at it. Every journal line carries it: the intents
// and results of apply, the lines of forget, journal confirm and journal
// adopt, the binding written by journal new-account and journal
// rotate-key, the lines journal repair salvages, the first start of a
// journal, and the run IDs stamped with it. The read commands (pkg/reads)
// take it too, for rtctl data's "today" and for when the sandbox's feeds
// show the last post. Pinned, all of these hold the one instant; not
// pinned, the journal reads the clock again for each line, so that a long
// apply records when each POST went.
//
// The real clock is Options.Clock (time.Now when nil). It moves even when
// the present is pinned, because waiting must end: the API client's call
// time limit and Retry-After dates (rtapi.Options.Clock), apply's rate
// limit (apply.Options.Now), lock timeouts and the time a lock file gives
// its holder (journal.AcquireOptions.Now), the git backend's lease polls
// and the age of its copy, and doctor --probe's watch of the report, whose
// evidence records the real delay between the POST and its appearance.
//
// Nothing reads time.Now by itself but as the default of a nil clock:
// cmd/rtctl hands its env's clock to Options.Clock, and tests hand a fake.
package workspace
