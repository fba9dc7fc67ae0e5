// Package logging builds rtctl's logger: plain sentences on stderr for a
// person who asked for them (-v), and a structured log for debugging
// (RTCTL_LOG, RTCTL_LOG_PATH). Both pass through a redactor that removes the
// secrets rtctl knows, whatever a library put in a record.
package logging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/internal/secretscan"
)

// Options say what to log where.
type Options struct {
	// Stderr receives the sentences meant for a person: warnings always,
	// and with Verbose what the client does (retries).
	Stderr  io.Writer
	Verbose bool
	// Level is RTCTL_LOG: debug, info, warn or error turns on the
	// structured log at that level; empty leaves it off.
	Level string
	// Path is RTCTL_LOG_PATH: where the structured log goes (appended),
	// stderr when empty.
	Path string
}

// Redactor removes known secrets from text: exactly, and a long one (an API
// key, a token) also in another case or by a piece of it (see secretscan).
// It is safe for concurrent use; secrets are added as they become known
// (the API key once it is read).
type Redactor struct {
	mu      sync.RWMutex
	secrets secretscan.Set
}

// Add registers secrets to remove; empty and very short values are ignored
// (a one-character "secret" would blank every log).
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= 4 {
			r.secrets.Add(s)
		}
	}
}

// Redact returns s with every known secret replaced by REDACTED.
func (r *Redactor) Redact(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.secrets.Replace(s, "REDACTED")
}

// New returns the logger, and a function that closes the log file.
func New(opts Options, red *Redactor) (*slog.Logger, func() error, error) {
	level := slog.LevelWarn
	if opts.Verbose {
		level = slog.LevelInfo
	}
	handlers := []slog.Handler{&humanHandler{w: opts.Stderr, level: level, red: red}}
	closer := func() error { return nil }
	if opts.Level != "" {
		var lv slog.Level
		if err := lv.UnmarshalText([]byte(opts.Level)); err != nil {
			return nil, closer, fmt.Errorf("RTCTL_LOG=%s: want debug, info, warn or error", opts.Level)
		}
		w := opts.Stderr
		if opts.Path != "" {
			f, err := safefile.OpenAppend(opts.Path, 0o600)
			if err != nil {
				return nil, closer, fmt.Errorf("opening RTCTL_LOG_PATH: %w", err)
			}
			w, closer = f, f.Close
		}
		handlers = append(handlers, slog.NewTextHandler(w, &slog.HandlerOptions{
			Level: lv,
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Value.Kind() == slog.KindString {
					a.Value = slog.StringValue(red.Redact(a.Value.String()))
				}
				return a
			},
		}))
	}
	return slog.New(fanout(handlers)), closer, nil
}

// humanHandler writes a record's message as a sentence: "Note: ..." for
// information, "Warning: ..." above. Attributes are for the structured log.
type humanHandler struct {
	mu    sync.Mutex
	w     io.Writer
	level slog.Level
	red   *Redactor
}

func (h *humanHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *humanHandler) Handle(_ context.Context, r slog.Record) error {
	prefix := "Note: "
	if r.Level >= slog.LevelWarn {
		prefix = "Warning: "
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := fmt.Fprintln(h.w, prefix+h.red.Redact(r.Message))
	return err
}

func (h *humanHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *humanHandler) WithGroup(string) slog.Handler      { return h }

// fanout sends each record to every handler that wants it.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (f fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}

// Writer returns w with every secret r knows removed from what passes
// through it: the last line of defence for everything rtctl prints. A
// write that ends in the start of a secret holds that end back until the
// next write shows whether the secret follows, so a secret split across
// two writes is caught too; Flush writes what is held back.
func (r *Redactor) Writer(w io.Writer) *RedactingWriter {
	return &RedactingWriter{r: r, w: w}
}

// RedactingWriter is what Redactor.Writer returns.
type RedactingWriter struct {
	mu   sync.Mutex
	r    *Redactor
	w    io.Writer
	held []byte
}

func (rw *RedactingWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	buf := append(rw.held, p...)
	rw.held = nil
	out := rw.r.Redact(string(buf))
	if n := rw.r.heldBack(out); n > 0 {
		rw.held = []byte(out[len(out)-n:])
		out = out[:len(out)-n]
	}
	if _, err := io.WriteString(rw.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Underlying is the writer the redacting writer writes to.
func (rw *RedactingWriter) Underlying() io.Writer { return rw.w }

// Flush writes what is held back.
func (rw *RedactingWriter) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.held) == 0 {
		return nil
	}
	_, err := rw.w.Write(rw.held)
	rw.held = nil
	return err
}

// heldBack is how many bytes at the end of s may be the start of a secret.
func (r *Redactor) heldBack(s string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.secrets.HeldBack(s)
}
