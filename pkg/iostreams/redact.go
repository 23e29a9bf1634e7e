package iostreams

import (
	"net/url"
	"strings"
)

// RedactURL hides the userinfo of a URL before it is printed (http://user:secret@host/ becomes
// http://REDACTED@host/): a password or token given in a --forward-to, --public-url or base URL never
// reaches a terminal or a log. Text that does not parse as a URL with a host is returned as is.
func RedactURL(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil || u.Host == "" {
		return s
	}
	u.User = url.User("REDACTED")
	return u.String()
}
