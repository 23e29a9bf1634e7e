package acceptance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox"
)

var trainedModel = regexp.MustCompile(`^model_\d+_[0-9A-F]+\.safetensors$`)

// trainingImages writes n small PNG photos into the user's directory and returns their names.
func trainingImages(t *testing.T, c *cli, n int) []string {
	t.Helper()
	var names []string
	for i := range n {
		name := "face" + string(rune('1'+i)) + ".png"
		noisyPNG(t, filepath.Join(c.dir, name))
		names = append(names, name)
	}
	return names
}

func TestTrainSubjectUploadsTrainsAndPrintsTheModel(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	imgs := trainingImages(t, c, 2)
	// --images once, the next file after the flags: both are training images.
	r := c.run("train", "subject", "--name", "me", "--images", imgs[0], imgs[1], "--instance-prompt", "a close photo of ohwx man", "--wait")
	if r.code != 0 || len(r.lines()) != 1 || !trainedModel.MatchString(r.lines()[0]) {
		t.Fatalf("train subject --wait: exit %d, stdout %q; want the trained model's name\n%s", r.code, r.stdout, r.stderr)
	}
	model := r.lines()[0]
	m := regexp.MustCompile(`submitted subject training task (\S+);`).FindStringSubmatch(r.stderr)
	if m == nil || !strings.Contains(r.stderr, "uploading image 2/2: "+imgs[1]) {
		t.Fatalf("no upload progress or submitted line with the task id:\n%s", r.stderr)
	}
	id := m[1]

	var puts, creates int
	for _, req := range sb.Requests() {
		switch {
		case req.Method == "PUT":
			puts++
			if req.Header.Get("Authorization") != "" {
				t.Errorf("the API key went to the upload URL %s", req.Path)
			}
		case req.Method == "POST" && req.Path == "/v3/training/subject":
			creates++
			var body map[string]any
			_ = json.Unmarshal(req.Body, &body)
			es, _ := body["expert_setting"].(map[string]any)
			if items, _ := body["image_dataset_items"].([]any); len(items) != 2 || es["instance_prompt"] != "a close photo of ohwx man" {
				t.Errorf("training body: %s", req.Body)
			}
		}
	}
	if puts != 2 || creates != 1 {
		t.Errorf("%d uploads and %d creates; want 2 and 1", puts, creates)
	}

	st := c.run("train", "status", id)
	if st.code != 0 || !strings.Contains(st.stdout, "status    SUCCESS") || !strings.Contains(st.stdout, "model     "+model+" (SERVING)") ||
		!strings.Contains(st.stdout, "type      subject") {
		t.Errorf("train status: exit %d\n%s%s", st.code, st.stdout, st.stderr)
	}
	ls := c.run("train", "list")
	if ls.code != 0 || !strings.Contains(ls.stdout, id) || !strings.Contains(ls.stdout, model) || !strings.Contains(ls.stdout, "SUCCESS") ||
		!strings.Contains(ls.stderr, "1 training task\n") {
		t.Errorf("train list: exit %d\n%s%s", ls.code, ls.stdout, ls.stderr)
	}
	lj := c.run("train", "list", "--json")
	var doc map[string]any
	if lj.code != 0 || len(lj.lines()) != 1 || json.Unmarshal([]byte(lj.lines()[0]), &doc) != nil ||
		doc["task_id"] != id || doc["task_name"] != "me" || doc["task_type"] != "subject" {
		t.Errorf("train list --json: exit %d %q", lj.code, lj.stdout)
	}
}

func TestTrainStartPrintsTheIDAtOnce(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	imgs := trainingImages(t, c, 1)
	r := c.run("train", "style", "--name", "ink", "--images", imgs[0], "--caption", "an ink drawing", "--json")
	var doc map[string]string
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil || doc["task_id"] == "" || doc["type"] != "style" || doc["name"] != "ink" {
		t.Fatalf("train style --json: exit %d %q\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "resume with: novita train status "+doc["task_id"]) {
		t.Errorf("no resume advice: %s", r.stderr)
	}
	// The id alone finds a style task (the subject endpoint does not know it).
	st := c.run("train", "status", doc["task_id"], "--wait", "--json")
	var got map[string]any
	if st.code != 0 || json.Unmarshal([]byte(st.stdout), &got) != nil || got["task_status"] != "SUCCESS" {
		t.Errorf("train status --wait --json: exit %d %q\n%s", st.code, st.stdout, st.stderr)
	}
}

func TestTrainRefusesBadValuesBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	imgs := trainingImages(t, c, 2)
	if err := os.WriteFile(filepath.Join(c.dir, "notes.png"), []byte("not an image at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "subject", "--name", "me", "--images", imgs[0], "--lora-r", "2"}, "--lora-r"},
		{[]string{"train", "subject", "--name", "me", "--images", imgs[0], "--base-model", "sd3"}, "--base-model"},
		{[]string{"train", "subject", "--name", "me", "--images", imgs[0], "--learning-rate", "0.5"}, "--learning-rate"},
		{[]string{"train", "subject", "--images", imgs[0]}, "--name"},
		{[]string{"train", "subject", "--name", "me"}, "--images"},
		{[]string{"train", "subject", "--name", "me", "--images", "notes.png"}, "notes.png is not a PNG, JPEG or WebP"},
		{[]string{"train", "subject", "--name", "me", "--images", "missing.png"}, "missing.png"},
		{[]string{"train", "style", "--name", "ink", "--images", imgs[0], "--images", imgs[1]}, "--caption"},
		{[]string{"train", "style", "--name", "ink", "--images", imgs[0], "--caption", "a", "--caption", "b", "--caption", "c"}, "--caption"},
		{[]string{"submit", "subject-training", "--data", "{}"}, "novita train subject"},
	}
	for _, tc := range cases {
		r := c.run(tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %s", tc.args, r.code, r.stderr, tc.want)
		}
	}
	if reqs := sb.Requests(); len(reqs) != 0 {
		t.Errorf("%d requests were sent for refused commands (first: %s %s)", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

func TestTrainFailedTrainingExits3(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	imgs := trainingImages(t, c, 1)
	r := c.run("train", "subject", "--name", "me "+sandbox.FailPromptMarker, "--images", imgs[0], "--wait")
	if r.code != 3 || r.stdout != "" || !strings.Contains(r.stderr, "ended FAILED") {
		t.Errorf("failed training: exit %d, stdout %q, stderr %q; want 3 and the status", r.code, r.stdout, r.stderr)
	}
	j := c.run("train", "subject", "--name", "me "+sandbox.FailPromptMarker, "--images", imgs[0], "--wait", "--json")
	var doc map[string]any
	if j.code != 3 || len(j.lines()) != 1 || json.Unmarshal([]byte(j.stdout), &doc) != nil || doc["task_status"] != "FAILED" {
		t.Errorf("failed training --json: exit %d, stdout %q; want 3 and one status document", j.code, j.stdout)
	}
}

func TestCatalogListsTheTrainingEndpoints(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("catalog", "--json", "--kind", "model")
	if r.code != 0 || len(r.lines()) != 2 || !strings.Contains(r.stdout, `"name":"subject-training","path":"/v3/training/subject","mode":"training"`) {
		t.Errorf("catalog --json --kind model: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	s := c.run("catalog", "style-training")
	if s.code != 0 || !strings.Contains(s.stdout, "run it with novita train style") || !strings.Contains(s.stdout, "--caption") ||
		!strings.Contains(s.stdout, "source     https://novita.ai/docs/api-reference/model-apis-create-style-training") {
		t.Errorf("catalog style-training: exit %d\n%s%s", s.code, s.stdout, s.stderr)
	}
}

func TestTrainWaitTimesOutWithTheWayToResume(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{TaskDuration: time.Hour})) // never ends during the test
	imgs := trainingImages(t, c, 1)
	r := c.run("train", "subject", "--name", "me", "--images", imgs[0], "--wait", "--timeout", "1ms")
	m := regexp.MustCompile(`submitted subject training task (\S+);`).FindStringSubmatch(r.stderr)
	if r.code != 5 || m == nil || !strings.Contains(r.stderr, "resume with: novita train status "+m[1]+" --wait") {
		t.Errorf("timeout: exit %d, stderr %q; want 5 and how to resume", r.code, r.stderr)
	}
}
