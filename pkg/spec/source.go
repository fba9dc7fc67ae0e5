package spec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// CheckSource reports a configuration or variables file that Load would
// refuse before parsing it: larger than limits.MaxFileBytes, or nesting
// deeper than limits.MaxNesting. HCL's parser recurses once per level of
// nesting, so a small file of nothing but "(" exhausts the stack and kills
// the process; whoever parses a file (rtctl fmt, too) checks it first.
// Zero limits mean DefaultLimits.
func CheckSource(src []byte, filename string, limits Limits) hcl.Diagnostics {
	limits = limits.withDefaults()
	if int64(len(src)) > limits.MaxFileBytes {
		return hcl.Diagnostics{limitDiag("MaxFileBytes", limits.MaxFileBytes, "File too large",
			fmt.Sprintf("%s is %d bytes; a configuration or variables file may hold at most %d bytes.", filename, len(src), limits.MaxFileBytes),
			&hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos})}
	}
	tokens, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	if d := checkNesting(tokens, limits.MaxNesting); d != nil {
		return hcl.Diagnostics{d}
	}
	return nil
}

// checkExpressionSource is CheckSource for a lone expression, such as a
// --var value.
func checkExpressionSource(src []byte, filename string, limits Limits) hcl.Diagnostics {
	if int64(len(src)) > limits.MaxFileBytes {
		return hcl.Diagnostics{limitDiag("MaxFileBytes", limits.MaxFileBytes, "Value too large",
			fmt.Sprintf("The %s is %d bytes; at most %d are allowed.", filename, len(src), limits.MaxFileBytes), nil)}
	}
	tokens, _ := hclsyntax.LexExpression(src, filename, hcl.InitialPos)
	if d := checkNesting(tokens, limits.MaxNesting); d != nil {
		// It is not in a file a snippet could show.
		d.Detail = fmt.Sprintf("The %s nests more than %d levels deep (brackets, braces, parentheses, templates, or operators chained in one expression).", filename, limits.MaxNesting)
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
			return limitDiag("MaxNesting", int64(max), "Nested too deeply",
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
