package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver the journal uses

	"github.com/novita-cli/novita/pkg/journal"
)

// words make prompts with a realistic spread: a few common words, many rare ones.
func words() []string {
	return strings.Fields(`a the of in on at with and portrait landscape photo painting oil watercolor
	cinematic lighting dusk dawn night city street forest mountain lake river ocean beach cliff lighthouse
	castle robot cat dog fox owl horse dragon knight astronaut girl boy woman man old young smiling
	red blue green golden silver neon pastel dark bright misty snowy rainy sunny cozy epic tiny giant
	detailed sharp focus bokeh 35mm 85mm hdr 8k ultra realistic anime style studio ghibli cyberpunk
	steampunk baroque minimalist abstract surreal vintage retro futuristic medieval victorian japanese
	garden temple market cafe library train station bridge harbor village desert jungle canyon glacier`)
}

// fill builds a journal of n tasks in dir the way a user's would come to be: the first release's
// tasks.jsonl (submit, final status, files; every tenth task in a batch, every 50th failed, the last
// 500 never seen to end), imported by the journal itself; then each task's request and prompt, as
// this release records them, written in one transaction. It returns how long the import took.
func fill(dir string, n int, now time.Time) (time.Duration, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := now.Add(-time.Duration(n) * 30 * time.Second)
	ids := make([]string, n)
	f, err := os.Create(filepath.Join(dir, journal.JSONLName))
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for i := range n {
		id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Int64N(1<<48))
		ids[i] = id
		at := t0.Add(time.Duration(i) * 30 * time.Second)
		sub := journal.Record{At: at, Event: journal.EventSubmitted, TaskID: id, Task: "txt2img", Endpoint: "txt2img",
			BaseURL: "https://api.novita.ai", SubmittedAt: at, Status: "TASK_STATUS_QUEUED", Output: "shots/{task_id}-{index}.{ext}"}
		if i%10 == 0 {
			sub.BatchID, sub.Line = fmt.Sprintf("batch-%d", i/100), i%100+1
		}
		recs := []journal.Record{sub}
		if i < n-500 {
			end := journal.Record{At: at.Add(12 * time.Second), Event: journal.EventStatus, TaskID: id, Status: "TASK_STATUS_SUCCEED"}
			if i%50 == 0 {
				end.Status, end.Reason = "TASK_STATUS_FAILED", "NSFW content detected"
			}
			recs = append(recs, end)
			if i%50 != 0 {
				recs = append(recs, journal.Record{At: end.At, Event: journal.EventFiles, TaskID: id, Files: []journal.FileRecord{{
					Kind: "image", Index: 1, Path: "/home/ada/pictures/novita/shots/" + id + "-1.png", Bytes: 1_200_000 + rng.Int64N(300_000),
					SHA256: fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())}}})
			}
		}
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return 0, err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}

	j := journal.Open(dir)
	start := time.Now()
	if _, err := j.List(context.Background(), journal.Query{Limit: 1}); err != nil { // imports tasks.jsonl
		return 0, err
	}
	imported := time.Since(start)
	if err := j.Close(); err != nil {
		return 0, err
	}
	return imported, addRequests(filepath.Join(dir, journal.DBName), ids, rng)
}

// addRequests gives every task the request and prompt this release records (the first release kept
// neither), in one transaction: through the journal's API that would be 100k durable writes.
func addRequests(path string, ids []string, rng *rand.Rand) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.Prepare(`UPDATE tasks SET request = ?, prompt = ?, seed = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	ws := words()
	for _, id := range ids {
		p := make([]string, 8+rng.IntN(16))
		for k := range p {
			p[k] = ws[int(float64(len(ws))*rng.Float64()*rng.Float64())] // skewed towards the first words
		}
		prompt, seed := strings.Join(p, " "), rng.Int64N(1<<32)
		req := fmt.Sprintf(`{"extra":{"response_image_type":"png"},"request":{"model_name":"sd_xl_base_1.0.safetensors",`+
			`"prompt":%q,"negative_prompt":"blurry, low quality","width":1024,"height":1024,"image_num":1,"steps":20,`+
			`"seed":%d,"clip_skip":1,"sampler_name":"Euler a","guidance_scale":7.5}}`, prompt, seed)
		if _, err := stmt.Exec(req, prompt, seed, id); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}
