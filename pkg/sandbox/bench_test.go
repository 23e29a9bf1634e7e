package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// BenchmarkSandboxWebhooks submits 1,000 concurrent webhook tasks per iteration and checks that every
// event arrives. It reports submit requests/s and webhook latency (task end to receipt).
func BenchmarkSandboxWebhooks(b *testing.B) {
	const tasks = 1000
	const dur = 50 * time.Millisecond
	var mu sync.Mutex
	got := map[string]time.Time{}
	all := make(chan struct{}, tasks)
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusOK)
		_, res, err := novita.DecodeEvent(body)
		if err != nil || res == nil {
			return
		}
		mu.Lock()
		got[res.Task.TaskID] = time.Now()
		mu.Unlock()
		all <- struct{}{}
	}))
	defer rc.Close()
	s := New(Options{TaskDuration: dur})
	if err := s.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: tasks}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	body := []byte(txt2img("bench", webhookExtra(rc.URL), 128, 128, 1))

	var submitTime time.Duration
	var latencies []time.Duration
	b.ResetTimer()
	for range b.N {
		ends := make(map[string]time.Time, tasks)
		var endMu sync.Mutex
		var wg sync.WaitGroup
		begin := time.Now()
		for range tasks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v3/async/txt2img", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+s.APIKey())
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				var out struct {
					TaskID string `json:"task_id"`
				}
				err = json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					b.Errorf("submit: %d %v", resp.StatusCode, err)
					return
				}
				endMu.Lock()
				ends[out.TaskID] = time.Now().Add(dur)
				endMu.Unlock()
			}()
		}
		wg.Wait()
		submitTime += time.Since(begin)
		timeout := time.After(30 * time.Second)
		for range tasks {
			select {
			case <-all:
			case <-timeout:
				b.Fatalf("webhooks lost: %d of %d arrived", len(got), tasks)
			}
		}
		mu.Lock()
		for id, end := range ends {
			at, ok := got[id]
			if !ok {
				b.Fatalf("webhook for %s lost", id)
			}
			latencies = append(latencies, max(at.Sub(end), 0))
		}
		clear(got)
		mu.Unlock()
	}
	b.StopTimer()
	slices.Sort(latencies)
	var sum time.Duration
	for _, l := range latencies {
		sum += l
	}
	b.ReportMetric(float64(tasks*b.N)/submitTime.Seconds(), "submits/s")
	b.ReportMetric(float64(sum.Milliseconds())/float64(len(latencies)), "webhook-ms-mean")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Milliseconds()), "webhook-ms-p99")
}
