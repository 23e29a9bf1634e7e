package media

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestMP4PlaysInChromium loads the sandbox's video in a <video> element of headless chromium: it must
// decode a frame (readyState ≥ 2, HAVE_CURRENT_DATA) and report the size it was made at. Skips without
// chromium (apt-get install chromium), like pkg/ui's browser tests.
func TestMP4PlaysInChromium(t *testing.T) {
	t.Parallel()
	path := os.Getenv("NOVITA_CHROMIUM")
	if path == "" {
		for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		t.Skip("chromium not found: apt-get install chromium")
	}
	video, err := MP4(272, 250, 8, 8, 5)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".mp4") {
			w.Header().Set("Content-Type", "video/mp4")
			http.ServeContent(w, r, "v.mp4", time.Time{}, strings.NewReader(string(video)))
			return
		}
		_, _ = w.Write([]byte(`<!doctype html><video id=v muted preload=auto src="/v.mp4"></video>`))
	}))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	state := `(() => { const v = document.getElementById('v'); return JSON.stringify({r: v.readyState, w: v.videoWidth, h: v.videoHeight, e: v.error ? v.error.code + ' ' + v.error.message : ''}) })()`
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](state))
		if err != nil {
			t.Fatalf("video state: %v", err)
		}
		if strings.Contains(got, `"e":"`) && !strings.Contains(got, `"e":""`) {
			t.Fatalf("chromium cannot play the video: %s", got)
		}
		if !strings.Contains(got, `"r":0`) && !strings.Contains(got, `"r":1`) {
			if !strings.Contains(got, `"w":272,"h":250`) {
				t.Fatalf("video decoded at the wrong size: %s", got)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the video never had a frame to show: %s", got)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
