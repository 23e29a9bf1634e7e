package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
)

const amzDate = "20060102T150405Z"

// signURL is a presigned-style link to out: X-Amz-Date + X-Amz-Expires, HMAC-signed with the current key.
func (s *Server) signURL(base string, out *output, now time.Time, ttl time.Duration) string {
	path := "/outputs/" + out.key()
	date := now.UTC().Format(amzDate)
	exp := strconv.FormatInt(int64(ttl.Seconds()), 10)
	s.mu.Lock()
	key := s.secrets[len(s.secrets)-1]
	s.mu.Unlock()
	q := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=SANDBOX%2F" + date[:8] + "%2Fsandbox%2Fs3%2Faws4_request" +
		"&X-Amz-Date=" + date + "&X-Amz-Expires=" + exp + "&X-Amz-SignedHeaders=host&x-id=GetObject" +
		"&X-Amz-Signature=" + signature(key, path, date, exp)
	return base + path + "?" + q
}

func signature(key []byte, path, date, exp string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s\n%s\n%s", path, date, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// ExpireAllURLs makes every output URL issued so far answer 403 as expired; new task-result reads
// issue working ones (what a TTL running out looks like, without waiting for it).
func (s *Server) ExpireAllURLs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, newSecret())
}

// checkURL returns "" when the query carries a valid, unexpired signature for path, else S3's message.
func (s *Server) checkURL(path string, q url.Values, now time.Time) string {
	date, exp, sig := q.Get("X-Amz-Date"), q.Get("X-Amz-Expires"), q.Get("X-Amz-Signature")
	signed, err1 := time.Parse(amzDate, date)
	secs, err2 := strconv.ParseInt(exp, 10, 64)
	if sig == "" || err1 != nil || err2 != nil {
		return "Query-string authentication requires the X-Amz-Date, X-Amz-Expires and X-Amz-Signature parameters"
	}
	s.mu.Lock()
	secrets := s.secrets
	s.mu.Unlock()
	for i := len(secrets) - 1; i >= 0; i-- {
		if hmac.Equal([]byte(sig), []byte(signature(secrets[i], path, date, exp))) {
			if i < len(secrets)-1 || now.After(signed.Add(time.Duration(secs)*time.Second)) {
				return "Request has expired"
			}
			return ""
		}
	}
	return "The request signature we calculated does not match the signature you provided."
}

// s3Error is the XML body S3 answers presigned-URL failures with.
type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
}

func writeS3Error(w http.ResponseWriter, status int, code, msg string) {
	b, _ := xml.Marshal(s3Error{Code: code, Message: msg, RequestID: "SANDBOX"})
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

// handleOutput serves an output file behind its presigned URL, with Range support (http.ServeContent)
// and the DownloadCutAfter / DownloadBytesPerSec knobs.
func (s *Server) handleOutput(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeS3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
		return
	}
	o := s.options()
	if msg := s.checkURL(r.URL.Path, r.URL.Query(), o.Now()); msg != "" {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", msg)
		return
	}
	key := r.PathValue("task") + "/" + r.PathValue("file")
	if o.ExpireOnResume && s.expireOnResume(key, r) {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	s.mu.Lock()
	out := s.files[key]
	s.mu.Unlock()
	if out == nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	content, size, err := out.open(o.VideoPadBytes)
	if err != nil {
		writeS3Error(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	w.Header().Set("Content-Type", contentType(out.typ))
	w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(fmt.Sprintf("%s/%d", key, size)))))
	w.Header().Set("Accept-Ranges", "bytes")
	var dst http.ResponseWriter = w
	if o.DownloadBytesPerSec > 0 || o.DownloadCutAfter > 0 {
		dst = &faultyWriter{ResponseWriter: w, ctx: r.Context(), rate: o.DownloadBytesPerSec, start: time.Now(),
			cutAfter: o.DownloadCutAfter, cut: func() bool { return s.claimCut(key) }}
	}
	http.ServeContent(dst, r, "", time.Time{}, content)
}

// expireOnResume reports whether r is the first resumed download of key, which ExpireOnResume answers
// as expired.
func (s *Server) expireOnResume(key string, r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("Range") == "" || s.expired[key] {
		return false
	}
	s.expired[key] = true
	return true
}

// claimCut reports whether this download of key is the one to cut (the first that reaches the limit).
func (s *Server) claimCut(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cutDone[key] {
		return false
	}
	s.cutDone[key] = true
	return true
}

// faultyWriter throttles the body and/or aborts the connection after cutAfter bytes.
type faultyWriter struct {
	http.ResponseWriter
	ctx      context.Context
	rate     int64
	start    time.Time
	sent     int64
	cutAfter int64
	cut      func() bool
	noCut    bool
}

func (f *faultyWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p
		if f.rate > 0 {
			chunk = p[:min(int64(len(p)), max(f.rate/20, 1))]
		}
		if f.cutAfter > 0 && !f.noCut && f.sent+int64(len(chunk)) > f.cutAfter {
			if !f.cut() {
				f.noCut = true
			} else {
				n, _ := f.ResponseWriter.Write(chunk[:f.cutAfter-f.sent])
				f.sent += int64(n)
				_ = http.NewResponseController(f.ResponseWriter).Flush()
				panic(http.ErrAbortHandler) // the server closes the connection mid-body
			}
		}
		n, err := f.ResponseWriter.Write(chunk)
		written += n
		f.sent += int64(n)
		if err != nil {
			return written, err
		}
		p = p[len(chunk):]
		if f.rate > 0 {
			if err := f.pace(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// pace sleeps until sent bytes are within the rate since start.
func (f *faultyWriter) pace() error {
	due := f.start.Add(time.Duration(float64(f.sent) / float64(f.rate) * float64(time.Second)))
	wait := time.Until(due)
	if wait <= 0 {
		return nil
	}
	_ = http.NewResponseController(f.ResponseWriter).Flush()
	if clock.Sleep(f.ctx, wait) != nil {
		return errors.New("download aborted")
	}
	return nil
}

// OutputSHA256 is the sha256 (hex) of the bytes outputURL serves in full, for byte-exact tests. It does
// not check the URL's signature or expiry.
func (s *Server) OutputSHA256(outputURL string) (string, error) {
	u, err := url.Parse(outputURL)
	if err != nil {
		return "", fmt.Errorf("sandbox: parse output URL: %w", err)
	}
	key, ok := strings.CutPrefix(u.Path, "/outputs/")
	if !ok {
		return "", fmt.Errorf("sandbox: %s is not an output URL", u.Path)
	}
	s.mu.Lock()
	out := s.files[key]
	pad := s.opts.VideoPadBytes
	s.mu.Unlock()
	if out == nil {
		return "", fmt.Errorf("sandbox: no output at %s", u.Path)
	}
	return out.sha256Of(pad)
}
