package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/download"
)

// A batch keeps each line's body small until it is sent: the webhook URL is added as it goes, the
// body the journal keeps is the one sent, and the lines the batch set out to submit are journalled
// first, so a resume can tell those that never became tasks.
func TestRunBatchAddsTheWebhookAtSubmitAndJournalsThePlan(t *testing.T) {
	e := newSyncEnv(t)
	tmpl, err := download.ParseTemplate(e.dir + "/{line}.{ext}")
	if err != nil {
		t.Fatal(err)
	}
	const hook = "http://127.0.0.1:9/webhook/secret-path"
	var items []batch.Item
	for _, l := range []int{2, 3, 5} {
		items = append(items, batch.Item{Line: l, Body: fmt.Appendf(nil, `{"request":{"model_name":"sd_xl_base_1.0.safetensors","prompt":"line %d","width":128,"height":128,"image_num":1,"steps":20,"guidance_scale":7.5,"sampler_name":"Euler a","seed":-1}}`, l)})
	}
	ctx := context.Background()
	res, err := e.r.RunBatch(ctx, Batch{ID: "b-test", File: "lines.txt", Endpoint: "txt2img", Task: "txt2img",
		Concurrency: 2, Outputs: Outputs{Template: tmpl}, WebhookURL: hook}, items)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, req := range e.sb.Requests() {
		if req.Method != "POST" {
			continue
		}
		sent++
		var b struct {
			Extra struct {
				Webhook struct{ URL string } `json:"webhook"`
			} `json:"extra"`
		}
		if err := json.Unmarshal(req.Body, &b); err != nil || b.Extra.Webhook.URL != hook {
			t.Errorf("body sent without the webhook URL: %s", req.Body)
		}
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("line %d: %v", r.Line, r.Err)
		}
	}
	if sent != 3 || len(res) != 3 {
		t.Fatalf("%d bodies sent, %d results", sent, len(res))
	}
	for _, r := range res {
		d, ok, err := e.j.Get(ctx, r.TaskID)
		if err != nil || !ok || d.BatchID != "b-test" {
			t.Fatalf("task %s not journalled: %v", r.TaskID, err)
		}
		if string(d.Request) == "" || !json.Valid(d.Request) {
			t.Errorf("request not kept: %q", d.Request)
		}
	}
	plan, ok, err := e.j.BatchPlanOf(ctx, "b-test")
	if err != nil || !ok || plan.File != "lines.txt" || !slices.Equal(plan.Lines, []int{2, 3, 5}) {
		t.Fatalf("plan %+v %v %v", plan, ok, err)
	}

	// A resume (tasks only) records no plan of its own: the one recorded at the start stays.
	_, _ = e.r.RunBatch(ctx, Batch{ID: "b-test", Task: "txt2img", Concurrency: 1, Outputs: Outputs{NoDownload: true}},
		[]batch.Item{{Line: 2, TaskID: res[0].TaskID}})
	if p, _, _ := e.j.BatchPlanOf(ctx, "b-test"); !slices.Equal(p.Lines, []int{2, 3, 5}) {
		t.Errorf("a resume replaced the plan: %v", p.Lines)
	}
	if _, ok, _ := e.j.BatchPlanOf(ctx, "b-none"); ok {
		t.Errorf("a plan for a batch never run")
	}
}

// A batch's timers run on the Runner's clock: under a fake clock, its --timeout passes when the fake
// says so, not after that much real time (the batch once got Now but real timers).
func TestRunBatchTimesOutOnTheRunnersClock(t *testing.T) {
	e := newSyncEnv(t)
	opts := e.sb.Options()
	opts.TaskDuration = time.Hour // the task never ends within the test
	e.sb.SetOptions(opts)
	id := mustSubmitTxt2img(t, e)
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	fake := clock.NewFake(start)
	e.r.Clock = fake
	type ended struct {
		res []batch.Result
		err error
	}
	done := make(chan ended, 1)
	go func() {
		res, err := e.r.RunBatch(context.Background(), Batch{ID: "b-clock", Task: "txt2img", Concurrency: 1, Wait: true,
			Timeout: time.Hour, Outputs: Outputs{NoDownload: true}}, []batch.Item{{Line: 1, TaskID: id}})
		done <- ended{res, err}
	}()
	if !fake.WaitArmed(start.Add(time.Hour), 10*time.Second) {
		t.Fatalf("no timer armed for the batch's timeout on the fake clock (armed: %v)", fake.Armed())
	}
	fake.Advance(time.Hour)
	select {
	case got := <-done:
		if !errors.Is(got.err, batch.ErrTimeout) || len(got.res) != 1 || got.res[0].Outcome != batch.Pending {
			t.Fatalf("results %+v, error %v: want the line left pending by the timeout", got.res, got.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the batch did not end when its timeout passed on its clock")
	}
}

func mustSubmitTxt2img(t *testing.T, e *syncEnv) string {
	t.Helper()
	id, err := e.r.Client.Submit(context.Background(), "txt2img", []byte(`{"request":{"model_name":"sd_xl_base_1.0.safetensors","prompt":"slow","width":128,"height":128,"image_num":1,"steps":20,"guidance_scale":7.5,"sampler_name":"Euler a","seed":-1}}`))
	if err != nil {
		t.Fatal(err)
	}
	return id
}
