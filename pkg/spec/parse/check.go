package parse

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// CheckSource reports a configuration or variables file that Load would
// refuse before parsing it: larger than limits.MaxFileBytes, or nesting
// deeper than limits.MaxNesting. HCL's parser recurses once per level of
// nesting, so a small file of nothing but "(" exhausts the stack and kills
// the process; whoever parses a file (rtctl fmt, too) checks it first.
// Zero limits mean limits.Default().
func CheckSource(src []byte, filename string, lim limits.Limits) hcl.Diagnostics {
	return CheckSourceEnds(src, filename, lim, nil)
}

// CheckSourceEnds is CheckSource, also giving where a shallow file's top-level
// items end (see shallow); ends is left empty for any other.
func CheckSourceEnds(src []byte, filename string, lim limits.Limits, ends *[]int) hcl.Diagnostics {
	lim = lim.WithDefaults()
	if int64(len(src)) > lim.MaxFileBytes {
		return hcl.Diagnostics{limits.Diag("MaxFileBytes", lim.MaxFileBytes, "File too large",
			fmt.Sprintf("%s is %d bytes; a configuration or variables file may hold at most %d bytes.", filename, len(src), lim.MaxFileBytes),
			&hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos})}
	}
	if shallow(src, lim.MaxNesting, ends) {
		return nil
	}
	if ends != nil {
		*ends = nil
	}
	tokens, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	if d := checkNesting(tokens, lim.MaxNesting); d != nil {
		return hcl.Diagnostics{d}
	}
	return nil
}

// shallow reports whether src certainly nests no deeper than max, as
// checkNesting counts, from a pass over its bytes: lexing a file costs
// as much as parsing it, and almost every file is shallow. It counts as
// checkNesting does, or more (every "[" and "." a level, every operator
// character one), and gives up, leaving the file to checkNesting, on what
// it does not follow: heredocs, block comments, template directives,
// escaped template markers and brackets that do not match.
// FuzzCheckSource and TestShallowNeverUnderestimates hold it to that.
//
// When it returns true, ends holds the offset after every newline that
// ends a top-level item, where the file can be cut (see Pieces).
//
// It is one function, longer than a screen, on purpose: a single pass
// whose state (depth, strings, templates, comments) every byte's case
// reads and changes; split up, that state would travel through every
// call, in the loop that runs over each byte of every file.
func shallow(src []byte, max int, ends *[]int) bool {
	type frame struct {
		open byte // '{', '[', '(', '"' (a quoted template) or '$' (an interpolation)
		base int
	}
	var stack []frame
	depth := 0
	top := func() byte {
		if len(stack) == 0 {
			return 0
		}
		return stack[len(stack)-1].open
	}
	push := func(open byte) {
		stack = append(stack, frame{open, depth})
		depth++
	}
	itemStart := func() int {
		if len(stack) == 0 {
			return 0
		}
		return stack[len(stack)-1].base + 1
	}
	next := func(i int) byte {
		if i+1 < len(src) {
			return src[i+1]
		}
		return 0
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if top() == '"' {
			switch {
			case c == '\\':
				if next(i) == '\n' {
					return false
				}
				i++
			case c == '\n':
				return false
			case c == '"':
				depth = stack[len(stack)-1].base
				stack = stack[:len(stack)-1]
			case (c == '$' || c == '%') && (next(i) == '{' || next(i) == c):
				if c == '%' || next(i) == '$' {
					return false
				}
				push('$')
				i++
			}
		} else {
			switch c {
			case '#':
				// Through the newline: a comment's newline ends no item
				// for checkNesting.
				for i < len(src) && src[i] != '\n' {
					i++
				}
			case '/':
				switch next(i) {
				case '/':
					for i < len(src) && src[i] != '\n' {
						i++
					}
				case '*':
					return false
				default:
					depth++
				}
			case '<':
				if next(i) == '<' {
					return false
				}
				depth++
				if next(i) == '=' {
					i++
				}
			case '>', '!':
				depth++
				if next(i) == '=' {
					i++
				}
			case '=':
				switch next(i) {
				case '=':
					depth++
					i++
				case '>':
					i++
				default:
					depth = itemStart()
				}
			case '+', '-', '*', '%', '&', '|', '?', '.':
				depth++
			case '[':
				depth++
				push(c)
			case '{', '(', '"':
				push(c)
			case '}', ']', ')':
				// A closer that does not match is a syntax error, and the
				// lexer's notion of where templates end may differ.
				if t := top(); !(t == '{' && c == '}' || t == '$' && c == '}' || t == '[' && c == ']' || t == '(' && c == ')') {
					return false
				}
				depth = stack[len(stack)-1].base
				stack = stack[:len(stack)-1]
			case ',':
				depth = itemStart()
			case '\n':
				if t := top(); t == 0 || t == '{' {
					depth = itemStart()
				}
				if len(stack) == 0 && ends != nil {
					*ends = append(*ends, i+1)
				}
			}
		}
		if depth > max {
			return false
		}
	}
	return true
}

// CheckExpression is CheckSource for a lone expression, such as a
// --var value.
func CheckExpression(src []byte, filename string, lim limits.Limits) hcl.Diagnostics {
	if int64(len(src)) > lim.MaxFileBytes {
		return hcl.Diagnostics{limits.Diag("MaxFileBytes", lim.MaxFileBytes, "Value too large",
			fmt.Sprintf("The %s is %d bytes; at most %d are allowed.", filename, len(src), lim.MaxFileBytes), nil)}
	}
	tokens, _ := hclsyntax.LexExpression(src, filename, hcl.InitialPos)
	if d := checkNesting(tokens, lim.MaxNesting); d != nil {
		// It is not in a file a snippet could show.
		d.Detail = fmt.Sprintf("The %s nests more than %d levels deep (brackets, braces, parentheses, templates, or operators chained in one expression).", filename, lim.MaxNesting)
		d.Subject = nil
		return hcl.Diagnostics{d}
	}
	return nil
}

// checkNesting estimates, from the tokens alone, how deeply HCL's parser and
// evaluator will recurse, and reports the first token that goes deeper than
// max. Each bracket, brace, parenthesis, quote, heredoc, template
// interpolation or directive nests one level until it is closed; each
// operator (whose operands the parser nests: a chain of a hundred thousand
// "+" builds a tree as deep), each "?" of a conditional chain and each index
// after a value adds a level until the expression ends (a comma, or a
// newline in a block or object). The estimate errs on the deep side; no
// sensible configuration nests even a tenth of the default limit.
//
// Like shallow, it is one pass over the tokens with one state, kept in one
// function on purpose, though longer than a screen.
func checkNesting(tokens hclsyntax.Tokens, max int) *hcl.Diagnostic {
	// directive marks the frame of an open %{if} or %{for}, whose body
	// nests until its %{endif} or %{endfor}.
	const directive = hclsyntax.TokenNil
	var stack []nestFrame
	depth := 0
	push := func(open hclsyntax.TokenType) {
		stack = append(stack, nestFrame{open: open, base: depth})
		depth++
	}
	pop := func() {
		if len(stack) == 0 {
			depth = 0
			return
		}
		depth = stack[len(stack)-1].base
		stack = stack[:len(stack)-1]
	}
	top := func() hclsyntax.TokenType {
		if len(stack) == 0 {
			return hclsyntax.TokenEOF
		}
		return stack[len(stack)-1].open
	}
	var prev hclsyntax.TokenType
	for i, tok := range tokens {
		switch tok.Type {
		case hclsyntax.TokenOBrack:
			if endsValue(prev) {
				depth++ // an index: the indexed expression nests in it
			}
			push(tok.Type)
		case hclsyntax.TokenOBrace, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp:
			push(tok.Type)
		case hclsyntax.TokenTemplateControl:
			switch nextIdent(tokens, i+1) {
			case "if", "for":
				push(directive)
			case "endif", "endfor":
				if top() == directive {
					pop()
				}
			}
			push(tok.Type)
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenTemplateSeqEnd:
			pop()
		case hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			// Directives left open inside the template end with it.
			for top() == directive {
				pop()
			}
			pop()
		case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash,
			hclsyntax.TokenPercent, hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenBang,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan,
			hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq,
			hclsyntax.TokenQuestion:
			depth++
		case hclsyntax.TokenDot:
			if prev == hclsyntax.TokenCBrack || prev == hclsyntax.TokenCParen {
				depth++
			}
		case hclsyntax.TokenComma, hclsyntax.TokenEqual:
			depth = itemStart(stack)
		case hclsyntax.TokenNewline:
			// Newlines end an item only where HCL reads them so: at the
			// top level, in a block body or an object. Inside parentheses
			// and brackets an expression goes on over lines.
			if t := top(); t == hclsyntax.TokenEOF || t == hclsyntax.TokenOBrace {
				depth = itemStart(stack)
			}
		}
		if tok.Type != hclsyntax.TokenComment && tok.Type != hclsyntax.TokenNewline {
			prev = tok.Type
		}
		if depth > max {
			rng := tok.Range
			return limits.Diag("MaxNesting", int64(max), "Nested too deeply",
				fmt.Sprintf("The source nests more than %d levels deep here (brackets, braces, parentheses, templates, or operators chained in one expression). Split the expression with local values.", max),
				&rng)
		}
	}
	return nil
}

// nestFrame is an open bracket, quote, template sequence or directive.
type nestFrame struct {
	open hclsyntax.TokenType
	base int // depth before it opened
}

// itemStart is the depth at the start of an item (an attribute, an element)
// in the innermost frame.
func itemStart(stack []nestFrame) int {
	if len(stack) == 0 {
		return 0
	}
	return stack[len(stack)-1].base + 1
}

// endsValue reports whether a token of type t can end an expression, so
// that a "[" after it is an index rather than a tuple.
func endsValue(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenIdent, hclsyntax.TokenNumberLit, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
		hclsyntax.TokenCBrace, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
		return true
	}
	return false
}

// nextIdent is the identifier at tokens[i], after an optional strip marker.
func nextIdent(tokens hclsyntax.Tokens, i int) string {
	if i < len(tokens) && tokens[i].Type == hclsyntax.TokenBitwiseNot {
		i++
	}
	if i < len(tokens) && tokens[i].Type == hclsyntax.TokenIdent {
		return string(tokens[i].Bytes)
	}
	return ""
}
