package rtapi

import (
	"fmt"
	"log/slog"
)

// redacted replaces a secret wherever a value holding one is formatted.
const redacted = "REDACTED"

// Credentials authenticate requests: an APIKey or an AccessToken. The
// interface is sealed; its methods are unexported so that no formatting of
// a Credentials value can reach the secret.
type Credentials interface {
	// param is the query parameter carrying the secret.
	param() string
	// prefix is the path prefix of the URL family the secret is valid for.
	prefix() string
	// secret is the raw value.
	secret() string
}

// APIKey is a RescueTime API key, sent as the key query parameter to the
// /anapi/... endpoints. It formats as "REDACTED" with every fmt verb and in
// log/slog output.
type APIKey string

func (APIKey) param() string        { return "key" }
func (APIKey) prefix() string       { return "/anapi" }
func (k APIKey) secret() string     { return string(k) }
func (APIKey) String() string       { return redacted }
func (APIKey) GoString() string     { return `rtapi.APIKey("` + redacted + `")` }
func (APIKey) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format keeps the key out of every fmt verb, including %x and %q.
func (k APIKey) Format(f fmt.State, verb rune) { formatSecret(f, verb, "rtapi.APIKey") }

// AccessToken is an OAuth2 access token, sent as the access_token query
// parameter to the /api/oauth/... endpoints. It formats as "REDACTED".
type AccessToken string

func (AccessToken) param() string        { return "access_token" }
func (AccessToken) prefix() string       { return "/api/oauth" }
func (t AccessToken) secret() string     { return string(t) }
func (AccessToken) String() string       { return redacted }
func (AccessToken) GoString() string     { return `rtapi.AccessToken("` + redacted + `")` }
func (AccessToken) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format keeps the token out of every fmt verb.
func (t AccessToken) Format(f fmt.State, verb rune) { formatSecret(f, verb, "rtapi.AccessToken") }

// Secret is any other confidential string the API deals in: an OAuth2 client
// secret, authorization code or refresh token. It formats as "REDACTED"; use
// string(s) where the raw value is really wanted.
type Secret string

func (Secret) String() string       { return redacted }
func (Secret) GoString() string     { return `rtapi.Secret("` + redacted + `")` }
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format keeps the secret out of every fmt verb.
func (s Secret) Format(f fmt.State, verb rune) { formatSecret(f, verb, "rtapi.Secret") }

func formatSecret(f fmt.State, verb rune, typeName string) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprintf(f, "%s(%q)", typeName, redacted)
		return
	}
	fmt.Fprint(f, redacted)
}

// MarshalJSON keeps a key out of any JSON it ends up in; decoding a token
// response still works, since only encoding is redacted.
func (APIKey) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalJSON keeps a token out of any JSON it ends up in.
func (AccessToken) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalJSON keeps a secret out of any JSON it ends up in.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
