package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/novita"
)

// SubmitError answers a reason of the reference's error page with the page's status and words.
func TestSubmitErrorAnswersTheErrorPage(t *testing.T) {
	t.Parallel()
	for reason, status := range map[string]int{"INVALID_IMAGE_SIZE": 400, "BILLING_FAILED": 500, "NEED_REAL_NAME_VERIFY": 403} {
		s := start(t, Options{SubmitError: reason})
		r := submit(t, s, "txt2img", txt2img("cat", "", 512, 512, 1))
		if e := r.apiError(t); r.status != status || e.Reason != reason || e.Code != status || e.Message == "" {
			t.Errorf("%s: %d %s", reason, r.status, r.body)
		}
		bad := submit(t, s, "txt2img", `{"request":{}}`)
		if bad.status != 400 || bad.apiError(t).Reason != "INVALID_REQUEST_BODY" {
			t.Errorf("%s: an invalid body is refused first: %d %s", reason, bad.status, bad.body)
		}
	}
}

// MiniMax synchronous answers carry trace_id and base_resp (status 0), or only a non-zero base_resp.
func TestMiniMaxAnswersCarryBaseResp(t *testing.T) {
	t.Parallel()
	var task catalog.Task
	for _, c := range catalog.All() {
		if c.Sync() && strings.HasPrefix(c.Name, "minimax-speech-") {
			task = c
			break
		}
	}
	if task.Name == "" {
		t.Skip("no MiniMax synchronous speech spec")
	}
	s := start(t, Options{})
	body, _ := json.Marshal(specBody(t, task))
	r := call(t, http.MethodPost, s.URL()+task.Path, bearer(s), body)
	var ans struct {
		TraceID  string `json:"trace_id"`
		BaseResp struct {
			StatusCode int    `json:"status_code"`
			StatusMsg  string `json:"status_msg"`
		} `json:"base_resp"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &ans) != nil || ans.TraceID == "" || ans.BaseResp.StatusMsg != "success" {
		t.Fatalf("%s: %d %.300s", task.Name, r.status, r.body)
	}
	s.SetOptions(Options{BaseRespError: 1004})
	c := novita.NewClient(s.URL(), s.APIKey(), "test")
	_, err := c.SubmitSync(t.Context(), task.Path, body)
	if err == nil || !strings.Contains(err.Error(), "MiniMax status 1004") {
		t.Errorf("the client must read a non-zero base_resp as an error: %v", err)
	}
}
