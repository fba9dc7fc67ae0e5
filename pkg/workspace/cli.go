package workspace

import (
	"fmt"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec"
)

// What the command line needs from the layers below for its flags, named
// here so that it reaches them through the operation layer only.

// Limits bound the loading of a configuration (--limit NAME=N).
type Limits = spec.Limits

// ParseVarArg splits a --var argument, name=value.
func ParseVarArg(arg string) (name, value string, err error) { return spec.ParseVarArg(arg) }

// DefaultBaseURL is the RescueTime API's address (--endpoint's default).
const DefaultBaseURL = rtapi.DefaultBaseURL

// DefaultCallTimeout is the longest one request may take, its retries
// included (--timeout's default).
const DefaultCallTimeout = rtapi.DefaultCallTimeout

// CredentialsSecret is the secret credentials hold (an API key or an
// access token), for the caller's redaction of its output; "" for none.
func CredentialsSecret(creds rtapi.Credentials) string {
	switch c := creds.(type) {
	case rtapi.APIKey:
		return string(c)
	case rtapi.AccessToken:
		return string(c)
	}
	return ""
}

// WriteShapeReport writes doctor's shareable report (the answers' shapes,
// never their values) to path, atomically; a symlink there is refused,
// never written through.
func WriteShapeReport(path string, data []byte) error {
	if err := atomicfile.Write(path, data); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}
