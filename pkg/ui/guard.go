package ui

import (
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// contentSecurityPolicy allows nothing but this server: no inline script or style, no other origin,
// no framing. Files get a stricter one (filePolicy) so a file opened on its own runs nothing.
const (
	contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
		"media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	filePolicy = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox; frame-ancestors 'none'"
)

// guard wraps every route: security headers, then the Host check, the token and, for POST, the
// same-origin check. Nothing reaches a handler without all of them.
func (s *Server) guard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if !s.hostAllowed(r.Host) {
			s.refuse(w, r, http.StatusForbidden, fmt.Sprintf("Host %q is not this server's address; open http://127.0.0.1:%s/ "+
				"(requests under another name are refused to block DNS rebinding)", r.Host, s.port))
			return
		}
		r, redirect := s.underPrefix(r)
		if status, msg := s.authenticate(w, r); status != 0 {
			s.refuse(w, r, status, msg)
			return
		}
		if err := cop.Check(r); err != nil {
			s.refuse(w, r, http.StatusForbidden, "cross-origin request refused: the inspector only accepts changes from its own page")
			return
		}
		if redirect != "" {
			http.Redirect(w, r, redirect, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// underPrefix strips this run's prefix from the path, so the routes stay at /api/... The page itself is
// only served under the prefix (its requests are relative, so the cookie scoped to the prefix goes with
// them): / and the prefix without its slash redirect there, keeping the query (the token).
func (s *Server) underPrefix(r *http.Request) (*http.Request, string) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, s.prefix):
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + strings.TrimPrefix(p, s.prefix)
		r2.URL.RawPath = ""
		return r2, ""
	case p == "/" || p == strings.TrimSuffix(s.prefix, "/"):
		target := s.prefix
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		return r, target
	}
	return r, ""
}

func (s *Server) hostAllowed(host string) bool {
	host = strings.ToLower(host)
	if s.hosts[host] {
		return true
	}
	if s.anyIPHost {
		name, port, err := net.SplitHostPort(host)
		return err == nil && port == s.port && net.ParseIP(name) != nil
	}
	return false
}

// authenticate accepts the token from the query string (and then sets the cookie, so the page's own
// requests need not carry it) or from the cookie. It returns 0 when the request may go on.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (int, string) {
	if q := r.URL.Query().Get("token"); q != "" {
		if !s.tokenEqual(q) {
			return http.StatusForbidden, "wrong token: open the URL that novita printed when it started the inspector"
		}
		if c, err := r.Cookie(s.cookieName); err != nil || !s.tokenEqual(c.Value) {
			http.SetCookie(w, &http.Cookie{Name: s.cookieName, Value: s.opts.Token, Path: strings.TrimSuffix(s.prefix, "/"),
				HttpOnly: true, SameSite: http.SameSiteStrictMode})
		}
		return 0, ""
	}
	c, err := r.Cookie(s.cookieName)
	if err != nil || c.Value == "" {
		return http.StatusUnauthorized, "this inspector needs its token: open the URL that novita printed (it ends in ?token=...)"
	}
	if !s.tokenEqual(c.Value) {
		return http.StatusForbidden, "wrong token (from an earlier run?): open the URL that novita printed when it started the inspector"
	}
	return 0, ""
}

func (s *Server) tokenEqual(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) == 1
}

func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.log.Debug("refused request", "status", status, "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}
