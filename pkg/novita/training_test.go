package novita

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

// The upload answer's assets_id is an integer on the upload page and a string in the SDK: both are read,
// and kept as sent. The PUT to the presigned URL carries the bytes and never the API key; a refusal
// there is the storage's, not a key problem.
func TestTrainingUploadKeepsTheAssetsIDAndNeverSendsTheKey(t *testing.T) {
	var putAuth, putType, putBody string
	puts := 0
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v3/assets/training_dataset":
			b, _ := io.ReadAll(r.Body)
			if string(b) != `{"file_extension":"webp"}` {
				t.Errorf("upload URL request body %s", b)
			}
			io.WriteString(w, `{"assets_id":100024,"upload_url":"`+srv.URL+`/put/x.webp?X-Amz-Signature=s","method":"PUT"}`)
		case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/put/"):
			puts++
			b, _ := io.ReadAll(r.Body)
			putAuth, putType, putBody = r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)
			if strings.HasSuffix(r.URL.Path, "deny.webp") {
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, "<Error><Code>AccessDenied</Code></Error>")
			}
		}
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "sk_secret", "test")
	target, err := c.TrainingUploadURL(context.Background(), "webp")
	if err != nil || target.AssetsID != "100024" || string(target.AssetsJSON) != "100024" {
		t.Fatalf("TrainingUploadURL = %+v, %v", target, err)
	}
	if err := c.UploadTrainingImage(context.Background(), target, []byte("RIFF....WEBP"), "image/webp"); err != nil {
		t.Fatal(err)
	}
	if putAuth != "" || putType != "image/webp" || putBody != "RIFF....WEBP" {
		t.Errorf("PUT: auth %q, type %q, body %q", putAuth, putType, putBody)
	}
	target.UploadURL = srv.URL + "/put/deny.webp?X-Amz-Signature=old"
	err = c.UploadTrainingImage(context.Background(), target, []byte("x"), "image/webp")
	var ae *APIError
	if err == nil || errors.As(err, &ae) || clierr.KindOf(err) == clierr.KindAuth || puts != 2 || !strings.Contains(err.Error(), "403") {
		t.Errorf("a refused upload: %v after %d PUTs; want one try, an upload error, not a key problem", err, puts)
	}
}
