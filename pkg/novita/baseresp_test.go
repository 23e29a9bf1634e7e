package novita

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// A MiniMax answer is 200 either way: a non-zero base_resp.status_code is a failure, not audio.
func TestSubmitSyncReadsMiniMaxBaseResp(t *testing.T) {
	var hits atomic.Int32
	answer := `{"trace_id":"t1","base_resp":{"status_code":1004,"status_msg":"authentication failed"}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(answer))
	}))
	defer srv.Close()
	_, err := testClient(srv.URL).SubmitSync(context.Background(), "/v3/minimax-speech-2.8-hd", []byte(`{}`))
	var ae *APIError
	if !errors.As(err, &ae) || ae.Reason != BaseRespReason || ae.Code != 1004 ||
		ae.Message != "MiniMax status 1004: authentication failed" || hits.Load() != 1 {
		t.Fatalf("err %v (%d requests): want one MiniMax error, not retried", err, hits.Load())
	}
	answer = `{"data":{"audio":"00ff"},"base_resp":{"status_code":0,"status_msg":"success"}}`
	if raw, err := testClient(srv.URL).SubmitSync(context.Background(), "/v3/minimax-speech-2.8-hd", []byte(`{}`)); err != nil || string(raw) != answer {
		t.Errorf("status 0: %q %v", raw, err)
	}
	answer = `{"text":"the word base_resp in a transcript"}`
	if _, err := testClient(srv.URL).SubmitSync(context.Background(), "/v3/glm-asr", []byte(`{}`)); err != nil {
		t.Errorf("no base_resp object: %v", err)
	}
}

func TestDocumentedReasonsHaveTheirStatus(t *testing.T) {
	for _, r := range documentedReasons() {
		if s, ok := ReasonStatus(r); !ok || s < 400 {
			t.Errorf("%s: %d %v", r, s, ok)
		}
	}
	for r, want := range map[string]int{ReasonInvalidImageSize: 400, ReasonBillingFailed: 500, ReasonNeedRealNameVerify: 403, ReasonMissingAPIKey: 400} {
		if s, _ := ReasonStatus(r); s != want {
			t.Errorf("%s: %d, want %d (the error page)", r, s, want)
		}
	}
}
