package termsafe

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, wantLines string
	}{
		{"plain", "Shipped v1.2", "Shipped v1.2", ""},
		{"other scripts and emoji are kept", "Größe 日本 👨‍👩‍👧 ✓", "Größe 日本 👨‍👩‍👧 ✓", ""},
		{"backslash is kept", `C:\temp`, `C:\temp`, ""},
		{"screen clear and title", "x\x1b[2J\x1b]0;PWN\a\r.rt.hcl", `x\x1b[2J\x1b]0;PWN\a\r.rt.hcl`, ""},
		{"named controls", "\t\n\v\f\b", `\t\n\v\f\b`, "\\t\n\\v\\f\\b"},
		{"other C0 and DEL", "\x00\x01\x1f\x7f", `\x00\x01\x1f\x7f`, ""},
		{"C1 as a character (CSI)", "a\u009b31mb\u0085", `a\u009b31mb\u0085`, ""},
		{"C1 as a lone byte", "a\x9b31m", `a\x9b31m`, ""},
		{"bidi overrides", "txt\u202e.exe\u202a\u202b\u202c\u202d", `txt\u202e.exe\u202a\u202b\u202c\u202d`, ""},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", `\u2066a\u2067b\u2068c\u2069`, ""},
		{"bidi marks", "\u200ea\u200fb\u061c", `\u200ea\u200fb\u061c`, ""},
		{"line and paragraph separators", "a\u2028b\u2029", `a\u2028b\u2029`, ""},
		{"invalid UTF-8", "a\xffb\xe2\x80", `a\xffb\xe2\x80`, ""},
		{"a real replacement character is kept", "a\ufffdb", "a\ufffdb", ""},
		{"lines kept", "one\ntwo\x1b", `one\ntwo\x1b`, "one\ntwo\\x1b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Escape(tc.in); got != tc.want {
				t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
			}
			wantLines := tc.wantLines
			if wantLines == "" {
				wantLines = tc.want
			}
			if got := EscapeLines(tc.in); got != wantLines {
				t.Errorf("EscapeLines(%q) = %q, want %q", tc.in, got, wantLines)
			}
			out, _ := EscapeLinesMapped([]byte(tc.in))
			if string(out) != wantLines {
				t.Errorf("EscapeLinesMapped(%q) = %q, want %q", tc.in, out, wantLines)
			}
		})
	}
}

// TestEscapeLeavesNothingUnsafe runs every character and every byte
// through Escape: what comes out is valid UTF-8 and holds no character a
// terminal acts on.
func TestEscapeLeavesNothingUnsafe(t *testing.T) {
	var in strings.Builder
	for r := rune(0); r <= 0x3000; r++ {
		in.WriteRune(r)
	}
	for c := 0x80; c <= 0xff; c++ {
		in.WriteByte(byte(c))
	}
	out := Escape(in.String())
	if !utf8.ValidString(out) {
		t.Fatal("Escape left invalid UTF-8")
	}
	for _, r := range out {
		if Unsafe(r) {
			t.Fatalf("Escape left %U", r)
		}
	}
}

// TestQuoteEscapesEveryUnsafeRune holds plan text's %q to the same set: a
// character this package escapes is escaped there too.
func TestQuoteEscapesEveryUnsafeRune(t *testing.T) {
	for r := rune(0); r <= 0x3000; r++ {
		if !Unsafe(r) {
			continue
		}
		if q := strconv.Quote(string(r)); strings.ContainsRune(q, r) {
			t.Errorf("strconv.Quote leaves %U as it is", r)
		}
	}
}

func TestEscapeReturnsSafeTextUncopied(t *testing.T) {
	s := strings.Repeat("safe text ", 100)
	if n := testing.AllocsPerRun(10, func() { _ = Escape(s) }); n != 0 {
		t.Errorf("Escape of safe text allocates %v times", n)
	}
}

func TestEscapeLinesMappedMovesOffsets(t *testing.T) {
	src := "ab\x1bcd\u202eef\ngh"
	out, at := EscapeLinesMapped([]byte(src))
	// Each character of src must be found at its mapped offset.
	for i := 0; i < len(src); {
		_, size := utf8.DecodeRuneInString(src[i:])
		ch := src[i : i+size]
		want := Escape(ch)
		if ch == "\n" {
			want = "\n"
		}
		if got := string(out[at(i):]); !strings.HasPrefix(got, want) {
			t.Errorf("at(%d) = %d: %q there, want it to start with %q", i, at(i), got, want)
		}
		i += size
	}
	if at(len(src)) != len(out) {
		t.Errorf("at(end) = %d, want %d", at(len(src)), len(out))
	}
	safe := []byte("nothing to escape")
	if out, at := EscapeLinesMapped(safe); &out[0] != &safe[0] || at(5) != 5 {
		t.Error("safe input was copied or moved")
	}
}

// TestJSONKeepsTheValue: the C1 and bidi characters encoding/json writes
// raw are escaped, and the document still decodes to the same value.
func TestJSONKeepsTheValue(t *testing.T) {
	in := map[string]string{"d\u202e": "a\x1b\u009b\u202e\u2066b\u2028 日本 👍 \\"}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := JSON(b)
	for _, r := range string(out) {
		if Unsafe(r) {
			t.Errorf("JSON left %U raw: %s", r, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if diff := cmp.Diff(in, back); diff != "" {
		t.Errorf("value changed (-in +decoded):\n%s", diff)
	}
	safe := []byte(`{"a":"plain"}`)
	if out := JSON(safe); &out[0] != &safe[0] {
		t.Error("safe JSON was copied")
	}
}

func TestJSONWriter(t *testing.T) {
	var b strings.Builder
	enc := json.NewEncoder(JSONWriter(&b))
	if err := enc.Encode([]string{"a\u202eb", "c"}); err != nil {
		t.Fatal(err)
	}
	if want := `["a\u202eb","c"]` + "\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
