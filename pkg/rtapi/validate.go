package rtapi

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// joinErrors returns nil, the single error, or all of them joined, so that
// errors.As finds the first *ValidationError and the message lists them all.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// checkText refuses an empty required text and any text over MaxTextLength
// characters (not bytes: the limit is the server's, on characters).
func checkText(field, s string, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return &ValidationError{Field: field, Reason: "is required"}
	}
	if !utf8.ValidString(s) {
		return &ValidationError{Field: field, Reason: "is not valid UTF-8"}
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLength {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %d characters long, the limit is %d", n, MaxTextLength)}
	}
	return nil
}

// checkFocusMinutes accepts a positive multiple of 5 up to a day, or -1
// (until the end of the day).
func checkFocusMinutes(minutes int) error {
	if minutes == -1 || (minutes > 0 && minutes%FocusMinutesStep == 0 && minutes <= MaxFocusMinutes) {
		return nil
	}
	if minutes > MaxFocusMinutes {
		return &ValidationError{Field: "duration", Reason: fmt.Sprintf("%d minutes is longer than a day; use -1 for the rest of the day", minutes)}
	}
	return &ValidationError{Field: "duration", Reason: fmt.Sprintf("%d minutes: must be a positive multiple of 5, or -1 for the rest of the day", minutes)}
}
