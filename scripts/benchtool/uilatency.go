package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// uiLatencyTarget is the target: a delivery is in the page's event stream within 100 ms.
const uiLatencyTarget = 100 * time.Millisecond

// uiRows measures `novita listen --ui` (the built binary, a child process): the time from a webhook
// POST to the receiver to that event arriving on the inspector's server-sent event stream (what the
// page listens to), one event at a time, the median over N. Every event is also written to the
// journal (SQLite, synchronous=FULL) before it is published, so the figure includes that write.
func uiRows(ctx context.Context, c *config) ([]row, error) {
	n, warm := 200, 10
	if c.quick {
		n, warm = 30, 3
	}
	dir := filepath.Join(c.tmp, "ui")
	env, err := cliEnv(dir, nil)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, "-q", "listen", "--tunnel", "local", "--print-url", "--path", "/hook",
		"--ui", "--ui-addr", "127.0.0.1:0")
	cmd.Dir, cmd.Env = dir, env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	hook, page, err := listenURLs(stdout, stderr)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(page)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+u.Host+"/api/events/stream?"+u.RawQuery, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("event stream: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("event stream: HTTP %d", resp.StatusCode)
	}
	arrived := make(chan arrival, 16)
	go readStream(resp.Body, arrived)

	var lat []time.Duration
	for i := range n + warm {
		id := fmt.Sprintf("uilat-%05d", i)
		body := fmt.Appendf(nil, `{"event_type":"ASYNC_TASK_RESULT","payload":{"extra":{"seed":"1"},"task":{"task_id":%q,`+
			`"status":"TASK_STATUS_SUCCEED","reason":"","task_type":"TXT_TO_IMG","eta":0,"progress_percent":100},`+
			`"images":[{"image_url":"https://example.invalid/%d.png","image_url_ttl":3600,"image_type":"png"}],"videos":[],"audios":[]}}`, id, i)
		sent := time.Now()
		post, err := client.Post(hook, "application/json", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, post.Body)
		post.Body.Close()
		if post.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("event %d: HTTP %d", i, post.StatusCode)
		}
		select {
		case a, ok := <-arrived:
			if !ok {
				return nil, fmt.Errorf("the event stream ended")
			}
			if a.taskID != id {
				return nil, fmt.Errorf("streamed %q, want %q", a.taskID, id)
			}
			if i >= warm {
				lat = append(lat, a.at.Sub(sent))
			}
		case <-time.After(10 * time.Second):
			return nil, fmt.Errorf("event %s never reached the event stream", id)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	med := median(lat)
	return []row{{Name: fmt.Sprintf("inspector: webhook POST -> event on the UI's stream (listen --ui, %d events)", len(lat)),
		Value:  fmt.Sprintf("median %s, p95 %s", ms(med), ms(percentile(lat, 0.95))),
		Target: "≤ 100 ms", Status: check(med <= uiLatencyTarget)}}, nil
}

// listenURLs reads the webhook URL (stdout, --print-url) and the inspector's URL (stderr banner).
func listenURLs(stdout, stderr io.Reader) (hook, page string, err error) {
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return "", "", fmt.Errorf("listen printed no URL: %w", err)
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "Inspector: "); ok {
			go func() { _, _ = io.Copy(io.Discard, stderr) }() // keep the child's stderr flowing
			return strings.TrimSpace(first), strings.TrimSpace(p), nil
		}
	}
	return "", "", fmt.Errorf("listen --ui printed no inspector URL")
}

type arrival struct {
	taskID string
	at     time.Time
}

// readStream stamps each delivery the moment its data line is read.
func readStream(r io.Reader, out chan<- arrival) {
	defer close(out)
	rd := bufio.NewReader(r)
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		at := time.Now()
		var ev struct {
			TaskID string `json:"task_id"`
		}
		if json.Unmarshal([]byte(data), &ev) == nil {
			out <- arrival{ev.TaskID, at}
		}
	}
}
