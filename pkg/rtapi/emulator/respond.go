package emulator

import (
	"encoding/json"
	"net/http"
)

// errorBody is the error envelope the real API uses on the Analytic Data
// endpoint; the emulator answers every API error with it.
type errorBody struct {
	Error    string `json:"error"`
	Messages string `json:"messages"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to tell it
}

// writeError answers {"error": "# <name>", "messages": msg}.
func writeError(w http.ResponseWriter, status int, name, msg string) {
	writeJSON(w, status, errorBody{Error: "# " + name, Messages: msg})
}

// writeQueryError is the recorded answer to a malformed or missing
// Analytic Data parameter; the message is fixed, so the parameter at fault
// travels in a header for people debugging with the emulator.
func writeQueryError(w http.ResponseWriter, detail string) {
	w.Header().Set("X-Emulator-Detail", detail)
	writeError(w, http.StatusBadRequest, "query error", "Error: Likely a badly formatted or missing parameter")
}

// writeBadRequest refuses a POST or feed request; msg names the field.
func writeBadRequest(w http.ResponseWriter, msg string) {
	writeError(w, http.StatusBadRequest, "bad request", msg)
}

func writePremiumRequired(w http.ResponseWriter, feature string) {
	writeError(w, http.StatusBadRequest, "premium required", feature+" is a feature of RescueTime premium")
}

func writeMessage(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusOK, struct {
		Message string `json:"message"`
	}{msg})
}
