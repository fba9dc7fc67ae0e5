package gittest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"time"
)

// SetDelay changes the latency added to every push from now on.
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// OnPush calls f for every push from now on (nil stops it): with false
// after the push's latency and before the server carries it out, and with
// true once it did and before the pusher hears so. A test stops or kills
// the pusher there: at false the push is lost with its connection, at true
// it is on the remote and the pusher never learns it.
func (s *Server) OnPush(f func(carriedOut bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onPush = f
}

// servePush serves a push through the OnPush hook, holding the answer
// until the hook returns; it reports false when there is no hook.
func (s *Server) servePush(w http.ResponseWriter, r *http.Request, h http.Handler) bool {
	s.mu.Lock()
	f := s.onPush
	s.mu.Unlock()
	if f == nil {
		return false
	}
	f(false)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	f(true)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	return true
}

// Stop shuts the remote down, as a server that died: connections are
// refused until Start. It waits for the requests being served; a handler
// may call it in a goroutine.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.Srv
	s.mu.Unlock()
	srv.Close()
}

// Start serves the same repository again at the same address (URL) after
// Stop, as a remote restarted.
func (s *Server) Start(t T) {
	t.Helper()
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatalf("listening again on %s: %v", s.addr, err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: s.handler}}
	srv.Start()
	s.mu.Lock()
	s.Srv = srv
	s.mu.Unlock()
}

func (s *Server) enter() {
	s.busyMu.Lock()
	defer s.busyMu.Unlock()
	s.busy++
}

func (s *Server) leave() {
	s.busyMu.Lock()
	defer s.busyMu.Unlock()
	s.busy--
	s.idle.Broadcast()
}

// WaitIdle blocks until no request is being served: what a killed client
// started is finished, as a real server would finish it.
func (s *Server) WaitIdle() {
	s.busyMu.Lock()
	defer s.busyMu.Unlock()
	for s.busy > 0 {
		s.idle.Wait()
	}
}
