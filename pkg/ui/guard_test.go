package ui

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Every route, with a method it accepts: none of them answers without the token.
func allRoutes() [][2]string {
	return [][2]string{
		{"GET", "/"}, {"GET", "/static/app.js"}, {"GET", "/static/app.css"}, {"GET", "/api/info"},
		{"GET", "/api/events"}, {"GET", "/api/events/stream"}, {"GET", "/api/events/export"}, {"GET", "/api/events/e1"},
		{"POST", "/api/events/e1/replay"}, {"POST", "/api/events/e1/replay-edited"}, {"POST", "/api/test-event"},
		{"GET", "/api/tasks"}, {"GET", "/api/tasks/t1"}, {"POST", "/api/tasks/t1/download"}, {"GET", "/files/t1/0"},
	}
}

func TestEveryRouteNeedsTheToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	for _, rt := range allRoutes() {
		sep := "?"
		if strings.Contains(rt[1], "?") {
			sep = "&"
		}
		if code, body := read(t, f.do(t, rt[0], rt[1]+sep+"notoken=1", "")); code != http.StatusUnauthorized || !strings.Contains(body, "token") {
			t.Errorf("%s %s without token: %d %q, want 401 naming the token", rt[0], rt[1], code, body)
		}
		if code, _ := read(t, f.do(t, rt[0], rt[1]+sep+"token=0123456789abcdef0123456789abcdef01234567", "")); code != http.StatusForbidden {
			t.Errorf("%s %s with a wrong token: %d, want 403", rt[0], rt[1], code)
		}
	}
}

func TestTokenFromQuerySetsCookieThatThenSuffices(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	resp := f.do(t, "GET", "/", "")
	code, body := read(t, resp)
	if code != 200 || !strings.Contains(body, "<title>novita inspector</title>") {
		t.Fatalf("GET /?token=: %d", code)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "novita_ui_") {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Value != f.token {
		t.Fatalf("cookie = %+v, want an HttpOnly SameSite=Strict cookie holding the token", cookie)
	}
	req, _ := http.NewRequest("GET", f.base+"/api/info", nil)
	req.AddCookie(cookie)
	if code, _ := read(t, mustDo(t, f.client, req)); code != 200 {
		t.Errorf("GET with the cookie only: %d, want 200", code)
	}
	req, _ = http.NewRequest("GET", f.base+"/api/info", nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: strings.Repeat("a", 48)})
	if code, body := read(t, mustDo(t, f.client, req)); code != http.StatusForbidden || !strings.Contains(body, "wrong token") {
		t.Errorf("GET with a stale cookie: %d %q, want 403", code, body)
	}
}

func mustDo(t *testing.T, c *http.Client, req *http.Request) *http.Response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestHostHeaderMustNameThisServer(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	port := f.srv.port
	for host, want := range map[string]int{
		"127.0.0.1:" + port:          200,
		"localhost:" + port:          200,
		"LOCALHOST:" + port:          200,
		"[::1]:" + port:              200,
		"attacker.example:" + port:   403, // DNS rebinding: the attacker's name resolved to 127.0.0.1
		"127.0.0.1.nip.io:" + port:   403,
		"127.0.0.1:1":                403,
		"127.0.0.1":                  403,
		"localhost.attacker.example": 403,
	} {
		code, body := read(t, f.do(t, "GET", "/api/info", "", "Host", host))
		if code != want {
			t.Errorf("Host %q: %d %q, want %d", host, code, body, want)
		}
		if want == 403 && !strings.Contains(body, "DNS rebinding") {
			t.Errorf("Host %q refused without saying why: %q", host, body)
		}
	}
}

func TestPostsNeedTheSameOrigin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.hub.Publish(sampleEvent("e1", "task-1", "TASK_STATUS_SUCCEED", time.Now()))
	cases := []struct {
		name    string
		headers []string
		want    int
	}{
		{"cross-site fetch", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"same-site other port", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"foreign Origin", []string{"Origin", "http://attacker.example"}, 403},
		{"Origin on another port", []string{"Origin", "http://127.0.0.1:1"}, 403},
		{"same-origin fetch", []string{"Sec-Fetch-Site", "same-origin", "Origin", f.base}, 200},
		{"same Origin, old browser", []string{"Origin", f.base}, 200},
	}
	for _, c := range cases {
		code, body := read(t, f.do(t, "POST", "/api/events/e1/replay", "", c.headers...))
		if code != c.want {
			t.Errorf("%s: %d %q, want %d", c.name, code, body, c.want)
		}
	}
	// Only the allowed ones reached the target.
	for range 2 {
		f.target.next(t)
	}
	select {
	case b := <-f.target.bodies:
		t.Errorf("a refused POST was forwarded: %s", b)
	default:
	}
}

func TestGetOnPostEndpointsIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.hub.Publish(sampleEvent("e1", "task-1", "TASK_STATUS_SUCCEED", time.Now()))
	f.store.addTask(Task{ID: "t1", Files: []TaskFile{{Kind: "image", Index: 1}}})
	for _, p := range []string{"/api/events/e1/replay", "/api/events/e1/replay-edited", "/api/test-event", "/api/tasks/t1/download"} {
		resp := f.do(t, "GET", p, "")
		if code, _ := read(t, resp); code != http.StatusMethodNotAllowed || resp.Header.Get("Allow") == "" {
			t.Errorf("GET %s: %d (Allow %q), want 405 with Allow", p, code, resp.Header.Get("Allow"))
		}
	}
	select {
	case b := <-f.target.bodies:
		t.Errorf("a GET replayed an event: %s", b)
	default:
	}
	if te, dl := f.actions.calls(); len(te)+len(dl) != 0 {
		t.Error("a GET ran an action")
	}
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	for _, p := range []string{"/", "/static/app.js", "/api/events", "/api/info?notoken=1"} {
		resp := f.do(t, "GET", p, "")
		read(t, resp)
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "http") || strings.Contains(csp, "unsafe") || strings.Contains(csp, "*") {
			t.Errorf("%s: CSP %q allows another source", p, csp)
		}
		if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: Referrer-Policy %q, X-Content-Type-Options %q", p, resp.Header.Get("Referrer-Policy"), resp.Header.Get("X-Content-Type-Options"))
		}
	}
}

func TestStaticServesOnlyItsOwnFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	resp := f.do(t, "GET", "/static/app.js", "")
	if code, body := read(t, resp); code != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "import") {
		t.Errorf("app.js: %d %q", code, resp.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/static/index.html", "/static/nope.js", "/static/..%2fassets.go", "/static/assets.go"} {
		if code, _ := read(t, f.do(t, "GET", p, "")); code != 404 {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
}

// Cookies ignore ports: a cookie with Path=/ on 127.0.0.1 would go to every other loopback service
// the browser talks to. The inspector's cookie is scoped to this run's path prefix and named per port.
func TestTokenCookieReachesNoOtherLoopbackService(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	other := newFixture(t, nil) // another service on 127.0.0.1, another port
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, Transport: &http.Transport{}}
	t.Cleanup(browser.CloseIdleConnections)
	resp, err := browser.Get(f.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := read(t, resp); code != 200 {
		t.Fatalf("GET %s: %d", f.srv.URL(), code)
	}
	var set *http.Cookie
	for _, c := range resp.Cookies() {
		set = c
	}
	if resp.Request.URL.Path != f.srv.prefix {
		t.Fatalf("the page is at %q, want under the run's prefix %q", resp.Request.URL.Path, f.srv.prefix)
	}
	u, _ := url.Parse(f.srv.URL())
	if set == nil || set.Path == "" || set.Path == "/" || !strings.HasPrefix(u.Path, set.Path+"/") ||
		set.Name != "novita_ui_"+u.Port() {
		t.Fatalf("Set-Cookie = %+v, want a per-port name and Path=%s", set, strings.TrimSuffix(u.Path, "/"))
	}
	for _, elsewhere := range []string{other.base + "/", other.base + "/api/info", other.srv.URL(), f.base + "/", f.base + "/api/info"} {
		eu, _ := url.Parse(elsewhere)
		if cs := jar.Cookies(eu); len(cs) != 0 {
			t.Errorf("a request to %s would carry %v", elsewhere, cs)
		}
	}
	// The page's own requests (relative, under the prefix) carry it and pass with the cookie alone.
	api := strings.TrimSuffix(f.base+f.srv.prefix, "/") + "/api/info"
	au, _ := url.Parse(api)
	if len(jar.Cookies(au)) != 1 {
		t.Fatalf("the page's own request to %s carries no cookie", api)
	}
	resp, err = browser.Get(api)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := read(t, resp); code != 200 {
		t.Errorf("GET %s with the cookie only: %d %q", api, code, body)
	}
}
