package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// receiverRows loads `novita listen --tunnel local --json` (the built binary, a child process) with
// webhook events from a Go load generator on loopback: distinct task ids, keep-alive connections,
// a fixed number of events spread over concurrent senders, as Novita's delivery workers would be.
func receiverRows(ctx context.Context, c *config) ([]row, error) {
	events, senders := 30000, 32
	if c.quick {
		events = 3000
	}
	dir := filepath.Join(c.tmp, "listen")
	env, err := cliEnv(dir, nil)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, "-q", "--json", "listen", "--tunnel", "local", "--print-url", "--path", "/hook")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	rd := bufio.NewReader(out)
	first, err := rd.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("listen printed no URL: %w", err)
	}
	hook := strings.TrimSpace(first)
	printed := make(chan int64, 1)
	go func() { n, _ := io.Copy(io.Discard, rd); printed <- n }()

	tr := &http.Transport{MaxIdleConnsPerHost: senders, MaxConnsPerHost: senders}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	lat := make([][]time.Duration, senders)
	errs := make([]error, senders)
	next := make(chan int, senders)
	go func() {
		defer close(next)
		for i := range events {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	start := time.Now()
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range next {
				body := fmt.Appendf(nil, `{"event_type":"ASYNC_TASK_RESULT","payload":{"extra":{"seed":"1"},"task":{"task_id":"bench-%08d",`+
					`"status":"TASK_STATUS_SUCCEED","reason":"","task_type":"TXT_TO_IMG","eta":0,"progress_percent":100},`+
					`"images":[{"image_url":"https://example.invalid/%d.png","image_url_ttl":3600,"image_type":"png"}],"videos":[],"audios":[]}}`, i, i)
				t0 := time.Now()
				resp, err := client.Post(hook, "application/json", bytes.NewReader(body))
				if err != nil {
					errs[s] = err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs[s] = fmt.Errorf("event %d: HTTP %d", i, resp.StatusCode)
					return
				}
				lat[s] = append(lat[s], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	rate := float64(len(all)) / elapsed.Seconds()
	return []row{{Name: fmt.Sprintf("receiver: %d events, %d senders (novita listen --tunnel local --json)", len(all), senders),
		Value:  fmt.Sprintf("%.0f events/s, p50 %s, p99 %s", rate, ms(median(all)), ms(percentile(all, 0.99))),
		Target: "≥ 5,000 events/s", Status: check(rate >= 5000)}}, nil
}
