package journal

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

// promptWords make prompts with a realistic spread: a few common words, many rare ones.
func promptWords() []string {
	return strings.Fields(`a the of in on at with and portrait landscape photo painting oil watercolor
	cinematic lighting dusk dawn night city street forest mountain lake river ocean beach cliff lighthouse
	castle robot cat dog fox owl horse dragon knight astronaut girl boy woman man old young smiling
	red blue green golden silver neon pastel dark bright misty snowy rainy sunny cozy epic tiny giant
	detailed sharp focus bokeh 35mm 85mm hdr 8k ultra realistic anime style studio ghibli cyberpunk
	steampunk baroque minimalist abstract surreal vintage retro futuristic medieval victorian japanese
	garden temple market cafe library train station bridge harbor village desert jungle canyon glacier`)
}

// fakeTask is what one realistic task leaves in the journal: the submit (with a txt2img request), a
// final status from the webhook, one downloaded image; every tenth is in a batch, every 50th failed.
func fakeTask(rng *rand.Rand, words []string, i int, t0 time.Time) (Submitted, StatusUpdate, []FileRecord) {
	id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Int64N(1<<48))
	n := 8 + rng.IntN(16)
	p := make([]string, n)
	for k := range p {
		p[k] = words[int(float64(len(words))*rng.Float64()*rng.Float64())] // skewed towards the first words
	}
	prompt := strings.Join(p, " ")
	req := fmt.Sprintf(`{"extra":{"response_image_type":"png"},"request":{"model_name":"sd_xl_base_1.0.safetensors",`+
		`"prompt":%q,"negative_prompt":"blurry, low quality","width":1024,"height":1024,"image_num":1,"steps":20,`+
		`"seed":%d,"clip_skip":1,"sampler_name":"Euler a","guidance_scale":7.5}}`, prompt, rng.Int64N(1<<32))
	at := t0.Add(time.Duration(i) * 30 * time.Second)
	s := Submitted{TaskID: id, Task: "txt2img", Endpoint: "/v3/async/txt2img", BaseURL: "https://api.novita.ai",
		SubmittedAt: at, Status: "TASK_STATUS_QUEUED", Output: "shots/{task_id}-{index}.{ext}", Request: []byte(req)}
	if i%10 == 0 {
		s.BatchID, s.Line = fmt.Sprintf("batch-%d", i/100), i%100+1
	}
	u := StatusUpdate{TaskID: id, At: at.Add(12 * time.Second), Status: "TASK_STATUS_SUCCEED", TaskType: "TXT_TO_IMG", Source: SourceWebhook}
	if i%50 == 0 {
		u.Status, u.Reason = "TASK_STATUS_FAILED", "NSFW content detected"
		return s, u, nil
	}
	files := []FileRecord{{Kind: "image", Index: 1, Path: "/home/ada/pictures/novita/shots/" + id + "-1.png",
		Bytes: 1_200_000 + rng.Int64N(300_000), SHA256: fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()),
		URLExpiresAt: u.At.Add(time.Hour)}}
	return s, u, files
}

// fillDB writes n fake tasks through the journal's own write path, in one transaction (setup speed), the
// last `open` of them left pending, and returns the bytes of stored requests.
func fillDB(tb testing.TB, j *Journal, n, open int) int64 {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	words := promptWords()
	var reqBytes int64
	must(tb, j.write(ctx, "fill", func(w *wtx) error {
		// Setup only: a cache the size of the database keeps one big transaction from spilling.
		if err := w.exec(`PRAGMA cache_size = -262144`); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			s, u, files := fakeTask(rng, words, i, t0)
			stored, _, err := ElideRequest(s.Request)
			if err != nil {
				return err
			}
			reqBytes += int64(len(stored))
			seed, _ := RequestSeed(s.Request)
			row := &taskRow{id: s.TaskID, task: s.Task, endpoint: s.Endpoint, baseURL: s.BaseURL, at: s.SubmittedAt,
				submittedAt: s.SubmittedAt, batchID: s.BatchID, line: s.Line, output: s.Output, request: stored,
				prompt: requestPrompt(s.Request), seed: &seed}
			if err := appendRecord(w, row, s.Status, "", SourceSubmit, nil); err != nil {
				return err
			}
			if i >= n-open {
				continue
			}
			if err := appendRecord(w, &taskRow{id: u.TaskID, at: u.At, taskType: u.TaskType}, u.Status, u.Reason, u.Source, files); err != nil {
				return err
			}
		}
		return nil
	}))
	return reqBytes
}

// The database grows under 1 KiB per task beyond the stored request. The empty database (schema,
// indexes, free pages) is measured first and left out, so a few hundred tasks give the per-task figure
// that 10,000 give without the race detector (which slows SQLite, transpiled C, about fifteenfold).
func TestSizePerTask(t *testing.T) {
	j, _ := openTest(t)
	n := 10_000
	if raceDetector {
		n = 500
	}
	size := func() int64 {
		t.Helper()
		db, release, _, err := j.acquire()
		must(t, err)
		defer release()
		_, err = db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		must(t, err)
		info, err := os.Stat(j.Path)
		must(t, err)
		return info.Size()
	}
	empty := size()
	reqBytes := fillDB(t, j, n, 100)
	total := size()
	perTask := float64(total-empty-reqBytes) / float64(n)
	t.Logf("%d tasks: database %d bytes (%d empty), stored requests %d bytes (%.0f per task); %.0f bytes per task beyond the request",
		n, total, empty, reqBytes, float64(reqBytes)/float64(n), perTask)
	if perTask >= 1024 {
		t.Errorf("%.0f bytes per task beyond the request, want under 1024", perTask)
	}
}
