package parse

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// pieceBytes is the least a piece of a file Pieces parses holds.
// HCL's lexer gathers a file's tokens in one slice before parsing: for a
// 10 MB file that slice, grown by doubling, allocates more than the
// syntax tree, and the garbage collector walks it throughout. Pieces of
// 64 KiB keep it small, and each is garbage as soon as its piece is parsed.
const pieceBytes = 64 << 10

// Pieces parses src as hclsyntax.ParseConfig would, piece by piece,
// cut at ends (offsets where a top-level item ends, from shallow): every
// position in the result is the file's own. It returns the pieces, and a
// file that stands for the whole in diagnostics (its bytes, and the block
// around an offset). ok is false when the file is small, or a piece did
// not parse cleanly: then the whole file is to be parsed at once, so that
// its diagnostics are exactly HCL's.
func Pieces(src []byte, filename string, ends []int) (pieces []Piece, whole *hcl.File, ok bool) {
	if len(src) < 2*pieceBytes {
		return nil, nil, false
	}
	nav := &piecesNav{}
	start := hcl.InitialPos
	parse := func(end int) bool {
		f, diags := hclsyntax.ParseConfig(src[start.Byte:end], filename, start)
		if len(diags) > 0 {
			return false
		}
		pieces = append(pieces, Piece{f, start})
		nav.starts = append(nav.starts, start.Byte)
		nav.pieces = append(nav.pieces, f)
		start = hcl.Pos{Line: start.Line + bytes.Count(src[start.Byte:end], []byte{'\n'}), Column: 1, Byte: end}
		return true
	}
	for _, end := range ends {
		if end-start.Byte >= pieceBytes && !parse(end) {
			return nil, nil, false
		}
	}
	if start.Byte < len(src) && !parse(len(src)) {
		return nil, nil, false
	}
	bodies := make([]hcl.Body, len(pieces))
	for i, p := range pieces {
		bodies[i] = p.Body
	}
	return pieces, &hcl.File{Bytes: src, Body: hcl.MergeBodies(bodies), Nav: nav}, true
}

// Piece is a part of a file, parsed, and where it starts in the file.
type Piece struct {
	*hcl.File
	Start hcl.Pos // where it starts in the whole file
}

// piecesNav finds the block around an offset in the piece that holds it,
// as HCL's diagnostic writer asks ("in offline_time "standup"").
type piecesNav struct {
	pieces []*hcl.File
	starts []int
}

func (n *piecesNav) piece(offset int) *hcl.File {
	i := len(n.starts) - 1
	for i > 0 && n.starts[i] > offset {
		i--
	}
	if i < 0 {
		return nil
	}
	return n.pieces[i]
}

// ContextString is what hcl.File.Nav offers the diagnostic writer.
func (n *piecesNav) ContextString(offset int) string {
	type contextStringer interface{ ContextString(offset int) string }
	if p := n.piece(offset); p != nil {
		if c, ok := p.Nav.(contextStringer); ok {
			return c.ContextString(offset)
		}
	}
	return ""
}

// ContextDefRange is the definition range of the block around offset.
func (n *piecesNav) ContextDefRange(offset int) hcl.Range {
	type contextDefRanger interface{ ContextDefRange(offset int) hcl.Range }
	if p := n.piece(offset); p != nil {
		if c, ok := p.Nav.(contextDefRanger); ok {
			return c.ContextDefRange(offset)
		}
	}
	return hcl.Range{}
}
