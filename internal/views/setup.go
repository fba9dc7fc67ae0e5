package views

import "fmt"

// Setup shows what the commands that set a directory up did: init, which
// writes a starter configuration, import, which writes declarations of
// what the account holds, and sandbox reset. None has a JSON form.
type Setup interface {
	// ConfigExists says dir holds a configuration already (file is one of
	// its files), so init wrote nothing.
	ConfigExists(dir, file string)
	// StarterWritten says init wrote path, for time zone tz, in dir.
	StarterWritten(path, tz, dir string)
	// Imported writes the declarations import made to stdout.
	Imported(src []byte) error
	// ImportWritten says import wrote n highlights to the file out, and
	// that declared were declared already.
	ImportWritten(n int, out string, declared int)
	// SandboxReset says the sandbox in dir was reset, or was empty
	// already (removed false).
	SandboxReset(dir string, removed bool)
}

// NewSetup is the text view of init, import and sandbox reset.
func NewSetup(v *View) Setup { return &setupText{View: v} }

type setupText struct{ *View }

func (v *setupText) ConfigExists(dir, file string) {
	fmt.Fprintf(v.stdout, "%s already holds a configuration (%s); nothing was written. Next: rtctl validate %s\n", dir, file, dir)
}

func (v *setupText) StarterWritten(path, tz, dir string) {
	fmt.Fprintf(v.stdout, "Wrote %s (time zone %s).\nEdit it, then run: rtctl validate %s\n", path, tz, dir)
}

func (v *setupText) Imported(src []byte) error {
	_, err := v.stdout.Write(src)
	return err
}

func (v *setupText) ImportWritten(n int, out string, declared int) {
	fmt.Fprintf(v.stdout, "Wrote %s to %s (%d already declared). Run rtctl plan: they are in sync, and nothing is posted.\n", count(n, "highlight", "highlights"), out, declared)
}

func (v *setupText) SandboxReset(dir string, removed bool) {
	if !removed {
		fmt.Fprintf(v.stdout, "The sandbox in %s is already empty.\n", dir)
		return
	}
	fmt.Fprintf(v.stdout, "Reset the sandbox in %s: its account and journal are empty again.\n", dir)
}
