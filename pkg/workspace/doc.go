// Package workspace runs rtctl's operations on one configuration directory,
// for the command line and for Go programs alike: plan it, apply it, apply a
// saved plan of it, list its journal, reset its sandbox, and check the
// account and learn how it behaves (Doctor: a typed report, its probe, and
// a shareable ShapeReport that holds shapes, never values).
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
//     applying agree on "now";
//   - loading the configuration, observing the account, planning, checking a
//     saved plan for staleness, applying, and recording what the feeds
//     settled.
//
// It prints nothing. What a person should see while an operation runs
// (warnings from the configuration, notices, the plan before it is applied,
// progress) reaches the caller through Reporter and the callbacks of
// ApplyOptions; results and errors are typed values that a view renders.
package workspace
