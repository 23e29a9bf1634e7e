package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// downloadRows compares the built CLI with curl on the same presigned URLs: one 256 MiB video, then
// eight 32 MiB videos (ours: one `novita wait` for the eight tasks; curl: one process, one URL after
// another on a kept-alive connection). Runs alternate between the two and the median counts.
func downloadRows(ctx context.Context, c *config) ([]row, error) {
	big, many, runs := int64(256<<20), int64(32<<20), 3
	if c.quick {
		big, many, runs = 32<<20, 4<<20, 1
	}
	var rows []row
	var peak int64
	for _, tc := range []struct {
		name  string
		size  int64
		tasks int
	}{{fmt.Sprintf("download 1 × %s", mib(big)), big, 1}, {fmt.Sprintf("download 8 × %s", mib(many)), many, 8}} {
		sb := sandbox.New(sandbox.Options{TaskDuration: 50 * time.Millisecond, VideoPadBytes: tc.size})
		if err := sb.Start("127.0.0.1:0"); err != nil {
			return rows, err
		}
		ids, urls, err := videoTasks(ctx, sb, tc.tasks)
		if err != nil {
			sb.Close()
			return rows, err
		}
		dir := filepath.Join(c.tmp, "dl")
		env, err := cliEnv(dir, sb)
		if err != nil {
			sb.Close()
			return rows, err
		}
		var ours, theirs []time.Duration
		for k := range runs + 1 { // the first round warms the sandbox and the page cache and is not counted
			os.RemoveAll(filepath.Join(dir, "out"))
			os.MkdirAll(filepath.Join(dir, "out"), 0o755)
			curlArgs := []string{"-s", "-f"}
			for i, u := range urls {
				curlArgs = append(curlArgs, "-o", filepath.Join(dir, "out", fmt.Sprintf("curl-%d.mp4", i)), u)
			}
			cr, err := runChild(ctx, dir, env, "curl", curlArgs...)
			if err != nil {
				sb.Close()
				return rows, err
			}
			os.RemoveAll(filepath.Join(dir, "out"))
			args := append([]string{"-q", "wait", "--overwrite", "-o", filepath.Join(dir, "out", "{task_id}.{ext}")}, ids...)
			if tc.tasks == 1 {
				args = []string{"-q", "result", ids[0], "--download", "--overwrite", "-o", filepath.Join(dir, "out", "{task_id}.{ext}")}
			}
			or, err := runChild(ctx, dir, env, c.bin, args...)
			if err != nil {
				sb.Close()
				return rows, err
			}
			for _, id := range ids {
				if st, err := os.Stat(filepath.Join(dir, "out", id+".mp4")); err != nil || st.Size() != tc.size {
					sb.Close()
					return rows, fmt.Errorf("novita did not save %s in full: %v", id, err)
				}
			}
			if k > 0 {
				ours, theirs = append(ours, or.wall), append(theirs, cr.wall)
				peak = max(peak, or.maxRSS)
			}
		}
		os.RemoveAll(filepath.Join(dir, "out"))
		sb.Close()
		total := float64(tc.size*int64(tc.tasks)) / (1 << 20)
		mo, mc := median(ours), median(theirs)
		ratio := mc.Seconds() / mo.Seconds()
		rows = append(rows, row{Name: tc.name + " (novita vs curl)", Target: "≥ 0.9× curl", Status: check(ratio >= 0.9),
			Value: fmt.Sprintf("%.0f MiB/s vs %.0f MiB/s (%.2f× curl; %s vs %s)", total/mo.Seconds(), total/mc.Seconds(), ratio, ms(mo), ms(mc))})
	}
	rows = append(rows, row{Name: "download peak RSS (novita process)", Value: mib(peak), Target: "≤ 64 MiB", Status: check(peak <= 64<<20)})
	return rows, nil
}

// videoTasks submits n txt2video tasks, waits for them and returns their ids and output URLs.
func videoTasks(ctx context.Context, sb *sandbox.Server, n int) (ids, urls []string, err error) {
	task, err := catalog.Resolve("txt2video")
	if err != nil {
		return nil, nil, err
	}
	client := novita.NewClient(sb.URL(), sb.APIKey(), "bench")
	client.HTTPClient = &http.Client{Transport: &http.Transport{}}
	defer client.HTTPClient.CloseIdleConnections()
	for i := range n {
		req, err := body.Build(ctx, task, body.Input{Flags: map[string]string{"prompt": fmt.Sprintf("bench video %d", i)}})
		if err != nil {
			return nil, nil, err
		}
		raw, err := body.Marshal(req)
		if err != nil {
			return nil, nil, err
		}
		id, err := client.Submit(ctx, task.Endpoint, raw)
		if err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		for {
			res, err := client.TaskResult(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			if res.Task.Status == novita.StatusSucceed && len(res.Outputs()) == 1 {
				urls = append(urls, res.Outputs()[0].URL)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return ids, urls, nil
}
