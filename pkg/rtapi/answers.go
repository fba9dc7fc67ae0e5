package rtapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// UnexpectedAnswerError is a success status (2xx) whose body is not what the
// endpoint answers: an HTML page from a proxy, a captive portal or a
// maintenance page, a truncated or malformed body, or (for highlights_post)
// a body without the API's "message". For a POST it proves nothing about
// whether the write happened, so MayHaveBeenApplied is true; GETs are
// retried, since such a page often passes.
type UnexpectedAnswerError struct {
	StatusCode  int
	ContentType string // as the server sent it, shortened
	// Reason says what is wrong with the answer.
	Reason string
	// Excerpt is the page's title or the body's start, shortened and with
	// the credentials removed; empty when there is nothing useful to show.
	Excerpt string
	// Write is set for POSTs: whether the write happened is unknown.
	Write bool
}

func (e *UnexpectedAnswerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unexpected answer (HTTP %d", e.StatusCode)
	if e.ContentType != "" {
		b.WriteString(", " + e.ContentType)
	}
	b.WriteString("): " + e.Reason)
	if e.Excerpt != "" {
		fmt.Fprintf(&b, ": %q", e.Excerpt)
	}
	if e.Write {
		b.WriteString("; whether the server carried out the request is unknown")
	}
	return b.String()
}

// checkAnswer reports whether a 2xx body can be the endpoint's answer; nil
// when it can. The rule, from what real answers are known to look like
// (see the package documentation, "A success is proven"):
//
//   - every request: an HTML or XML page is never the API's answer;
//   - POSTs: the content type is JSON, text/plain or absent; a body that is
//     or claims to be JSON parses; highlights_post answers a JSON object
//     with a "message" key; the other POSTs may answer an empty or
//     non-JSON body.
//
// GET bodies are left to their parsers, which refuse what they cannot read.
func checkAnswer(isPost bool, endpoint string, status int, header http.Header, data []byte, red redactor) *UnexpectedAnswerError {
	body := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	ct := header.Get("Content-Type")
	mt := mediaType(ct)
	e := &UnexpectedAnswerError{StatusCode: status, ContentType: clip(ct), Write: isPost}
	if isMarkup(mt, body) {
		what := "an HTML page"
		if strings.Contains(mt, "xml") && !strings.Contains(mt, "html") && !bytes.Contains(asciiLower(head(body)), []byte("<html")) {
			what = "an XML document"
		}
		e.Reason = what + ", not the API's answer (a proxy, captive portal or maintenance page?)"
		e.Excerpt = clip(red.scrub(htmlTitle(body)))
		return e
	}
	if !isPost {
		return nil
	}
	jsonType := isJSONType(mt)
	switch {
	case mt != "" && !jsonType && mt != "text/plain":
		e.Reason = "a content type the API does not send"
		return e
	case len(body) > 0 && (jsonType || body[0] == '{' || body[0] == '[') && !json.Valid(body):
		e.Reason = "a truncated or malformed JSON body"
		e.Excerpt = clip(red.scrub(string(head(body))))
		return e
	}
	if endpoint == "highlights_post" {
		var m map[string]json.RawMessage
		if len(body) == 0 {
			e.Reason = `an empty body where the highlights endpoint answers a JSON object with a "message"`
			return e
		}
		if body[0] != '{' || json.Unmarshal(body, &m) != nil {
			e.Reason = `not the JSON object with a "message" the highlights endpoint answers on success`
			e.Excerpt = clip(red.scrub(string(head(body))))
			return e
		}
		if raw, ok := m["message"]; !ok || isNull(raw) {
			e.Reason = `a JSON object without the "message" the highlights endpoint answers on success`
			e.Excerpt = clip(red.scrub(string(head(body))))
			return e
		}
	}
	return nil
}

// head is the start of a body, enough to show or to sniff.
func head(b []byte) []byte {
	const n = 4 << 10
	if len(b) > n {
		return b[:n]
	}
	return b
}

func mediaType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

func isJSONType(mt string) bool {
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}

// isMarkup reports whether an answer is a page of markup: announced as
// HTML or XML, or starting with '<' (nothing the API sends does).
func isMarkup(mt string, body []byte) bool {
	switch {
	case strings.Contains(mt, "html"), strings.HasSuffix(mt, "/xml"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	return len(body) > 0 && body[0] == '<'
}

// htmlTitle returns the text of a page's <title>, which usually says what
// the page is ("Hotel WiFi - Log in", "502 Bad Gateway").
func htmlTitle(body []byte) string {
	h := head(body)
	lower := asciiLower(h)
	i := bytes.Index(lower, []byte("<title"))
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(lower[i:], '>')
	if j < 0 {
		return ""
	}
	start := i + j + 1
	end := bytes.Index(lower[start:], []byte("</title"))
	if end < 0 {
		end = len(h) - start
	}
	return string(h[start : start+end])
}

// asciiLower lowers ASCII letters only, keeping every byte where it was, so
// that an index into the result is an index into b (bytes.ToLower turns
// each invalid byte into three).
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// WriteProven reports whether a POST's 2xx answer (one checkAnswer let
// through) proves that the write happened. highlights_post: always, since
// only its success answer, a JSON object with a "message", gets that far.
// offline_time_post: when it answers the same way, a JSON object with a
// non-null "message"; the real success body is unknown (docs/real-api.md),
// so an empty body, a 204, {"message":null} or other JSON proves nothing,
// and the item is checked in the feeds later instead of trusted forever.
// The FocusTime endpoints may answer an empty body (reported) and are
// settled by their feeds: their 2xx counts.
func WriteProven(endpoint string, body []byte) bool {
	if endpoint != "offline_time_post" {
		return true
	}
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	var m map[string]json.RawMessage
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &m) != nil {
		return false
	}
	raw, ok := m["message"]
	return ok && !isNull(raw)
}
