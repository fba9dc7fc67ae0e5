package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// takesEscapes reports whether w is a console that shows ANSI escape
// sequences (colour, the updating progress line): one whose virtual
// terminal processing is on, or that rtctl could turn on. Older consoles
// (before Windows 10) refuse it, and would print the sequences as litter.
func takesEscapes(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
