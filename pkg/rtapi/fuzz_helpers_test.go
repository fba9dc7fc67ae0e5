package rtapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// canned answers every request with one fixed response, so that fuzz
// targets run the client's whole reading path without a socket.
type canned struct {
	status      int
	contentType string
	body        []byte
}

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	if c.contentType != "" {
		h.Set("Content-Type", c.contentType)
	}
	return &http.Response{
		StatusCode: c.status, Status: http.StatusText(c.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body)), Request: req,
	}, nil
}

var berlinForFuzz = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// cannedClient is a client whose every call gets c, with no retries and no
// sleeping.
func cannedClient(t testing.TB, c canned, creds Credentials) *Client {
	cl, err := New(Options{
		BaseURL:     "https://rescuetime.example",
		Credentials: creds,
		HTTPClient:  &http.Client{Transport: c},
		Location:    berlinForFuzz,
		Now:         func() time.Time { return fixedNow },
		Sleep:       func(ctx context.Context, d time.Duration) error { return ctx.Err() },
		MaxRetries:  -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// maxErrorText bounds, in characters, an error message built from a
// server's answer: the fixed text of the wrappers plus at most two clipped
// echoes.
const maxErrorText = 3*maxEcho + 300

// checkError holds for every error a response can cause: it never shows
// the credentials and never repeats the answer at length.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if strings.Contains(msg, testKey) {
		t.Fatalf("the error shows the key: %q", msg)
	}
	if n := utf8.RuneCountInString(msg); n > maxErrorText {
		t.Fatalf("error of %d characters: %.300q...", n, msg)
	}
}
