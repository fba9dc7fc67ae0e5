package journal

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
)

// Account names the RescueTime account a journal belongs to, without any
// secret: the API endpoint, and a fingerprint of the credential. The API
// reveals no account identity of its own, so a credential stands for its
// account; a rotated key is a new credential for the same account, which a
// person confirms with RebindTo (rtctl journal rotate-key).
type Account struct {
	// Endpoint is the API's base URL (scheme and host), or "sandbox".
	Endpoint string `json:"endpoint"`
	// Fingerprint is Fingerprint of the credential.
	Fingerprint string `json:"fingerprint"`
	// Credential is the kind of credential: "api_key", "access_token" or
	// "sandbox".
	Credential string `json:"credential"`
	// Timezone is the account's zone as the configuration declared it when
	// the journal was bound, for showing the journal's times.
	Timezone string `json:"timezone,omitempty"`
}

// SandboxAccount is the account of the built-in sandbox.
var SandboxAccount = Account{Endpoint: "sandbox", Fingerprint: "sandbox", Credential: "sandbox"}

// Same reports whether a and b are the same credential on the same
// endpoint (the zone is only a display setting).
func (a Account) Same(b Account) bool {
	return a.Endpoint == b.Endpoint && a.Fingerprint == b.Fingerprint
}

// String names the account for a person: "key 3f9a1c2e at
// https://www.rescuetime.com".
func (a Account) String() string {
	if a.Endpoint == SandboxAccount.Endpoint {
		return "the sandbox"
	}
	kind := "key"
	if a.Credential == "access_token" {
		kind = "access token"
	}
	return fmt.Sprintf("%s %s at %s", kind, a.Fingerprint, a.Endpoint)
}

// fingerprintSalt separates rtctl's fingerprints from any other hash of the
// same secret.
const fingerprintSalt = "rtctl journal account fingerprint v1"

// fingerprintIterations makes guessing a key from its fingerprint slow:
// each guess costs as much as this many SHA-256 rounds.
const fingerprintIterations = 200_000

// Fingerprint is a short, non-secret name for a credential: eight hex
// digits of a salted, slow hash (PBKDF2-SHA256). Eight digits tell a
// person's few keys apart; they are far too few to single out the key they
// came from, and the slow hash makes trying candidates expensive.
func Fingerprint(secret string) string {
	// 16 bytes are derived and 4 kept: FIPS 140-only mode (GODEBUG=
	// fips140=only) refuses PBKDF2 outputs shorter than 112 bits, and
	// PBKDF2's first bytes do not depend on the length asked for, so these
	// are the 4 bytes every fingerprint written so far holds.
	sum, err := pbkdf2.Key(sha256.New, secret, []byte(fingerprintSalt), fingerprintIterations, 16)
	if err != nil {
		// Only an out-of-range key length or, in FIPS 140-only mode, a
		// short salt fails; neither is the case.
		panic(fmt.Sprintf("journal: fingerprint: %v", err))
	}
	return hex.EncodeToString(sum[:4])
}

// NormalizeEndpoint reduces an API base URL to what identifies the service:
// the lower-cased scheme and host, and the path without a trailing slash.
func NormalizeEndpoint(base string) string {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || u.Host == "" {
		return strings.TrimRight(strings.ToLower(strings.TrimSpace(base)), "/")
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.Path, "/")
}
