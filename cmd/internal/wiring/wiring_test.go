package wiring

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// Concurrent first callers of API share one resolution: --sandbox starts one simulator, not one each.
func TestAPIResolvesOnceUnderConcurrentCallers(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	dir := t.TempDir()
	env := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "NOVITA_STATE_DIR": dir + "/state"}
	f := New(ios, func(k string) string { return env[k] }, factory.BuildInfo{}, &http.Client{}, nil)
	f.Globals.Sbx = true
	defer f.Cleanup()
	const callers = 8
	apis := make([]*factory.API, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			api, err := f.API()
			if err != nil {
				t.Error(err)
			}
			apis[i] = api
		}()
	}
	wg.Wait()
	for _, a := range apis[1:] {
		if a != apis[0] {
			t.Fatalf("callers got different APIs: %p and %p", a, apis[0])
		}
	}
	if n := strings.Count(errOut.String(), "using the built-in simulator"); n != 1 {
		t.Errorf("%d in-process sandboxes started, want 1:\n%s", n, errOut.String())
	}
}
