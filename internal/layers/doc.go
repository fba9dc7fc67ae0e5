// Package layers holds no code: its test keeps the module's import graph in
// the layers docs/architecture.md draws (the command line and the views on
// top, the operation layer under them, then planning and applying, then the
// language, sources, client and journal, then the shared helpers), so that
// nothing below imports up and every new package is given its place.
package layers
