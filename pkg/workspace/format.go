package workspace

import (
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/hclfmt"
	"github.com/rtctl/rtctl/pkg/spec"
	"github.com/rtctl/rtctl/pkg/spec/confdir"
)

// FormattedFile is a configuration or variables file that rtctl fmt read
// and formatted, or could not.
type FormattedFile struct {
	// Name is the path as given, or the file's path within the directory
	// given.
	Name string
	// Src is what the file holds, Out the canonical form of it (nil when
	// Diags has errors).
	Src, Out []byte
	// Diags say why Src cannot be formatted.
	Diags hcl.Diagnostics
	// Err says why the file could not be read; the rest is empty.
	Err error
}

// Changed reports whether formatting changes the file.
func (f FormattedFile) Changed() bool {
	return !f.Diags.HasErrors() && string(f.Src) != string(f.Out)
}

// CheckFormatPath refuses a path fmt must not touch: a file that is not a
// configuration or variables file, or not a regular file. Every path is
// checked before any is formatted, so that a mistyped glob changes nothing.
func CheckFormatPath(p string) error { return hclfmt.CheckPath(p) }

// FormatSource formats src, named name in its diagnostics.
func FormatSource(name string, src []byte) FormattedFile {
	out, diags := spec.Format(src, name)
	return FormattedFile{Name: name, Src: src, Out: out, Diags: diags}
}

// FormatPath formats the file p, or each configuration and variables file
// of the directory p in lexical order, and hands each to each; it writes
// nothing. A file that cannot be read reaches each with its Err; the error
// returned says p itself could not be read or listed.
func FormatPath(p string, each func(FormattedFile)) error {
	info, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("cannot format %s: %w", p, err)
	}
	if !info.IsDir() {
		src, err := confdir.ReadSourceFile(p)
		if err != nil {
			each(FormattedFile{Name: p, Err: fmt.Errorf("reading %s: %w", p, err)})
			return nil
		}
		each(FormatSource(p, src))
		return nil
	}
	files, err := spec.FormattableFiles(p)
	if err != nil {
		return fmt.Errorf("listing %s: %w", p, err)
	}
	for _, name := range files {
		// An entry of the directory is read only if it stays inside it
		// (fmt would otherwise show, and rewrite, a linked file anywhere).
		src, err := confdir.ReadDirFile(p, name)
		var nr *confdir.NotRegularError
		var out *confdir.OutsideError
		switch {
		case errors.As(err, &nr), errors.As(err, &out):
			each(FormattedFile{Name: name, Err: fmt.Errorf("cannot format: %w", err)})
			continue
		case err != nil:
			each(FormattedFile{Name: name, Err: fmt.Errorf("reading %s: %w", name, err)})
			continue
		}
		each(FormatSource(name, src))
	}
	return nil
}

// WriteFormatted replaces the file's content with its canonical form,
// atomically, so that a crash or a full disk never leaves a configuration
// half-written, and keeps its permissions.
func WriteFormatted(f FormattedFile) error { return hclfmt.Replace(f.Name, f.Out) }
