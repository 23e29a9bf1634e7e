package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

var trainingPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")

// uploadAsset runs the documented upload flow for one image and returns its assets_id.
func uploadAsset(t *testing.T, s *Server, data []byte) (string, resp) {
	t.Helper()
	r := call(t, http.MethodPost, s.URL()+"/v3/assets/training_dataset", bearer(s), []byte(`{"file_extension":"png"}`))
	var a struct {
		AssetsID  string `json:"assets_id"`
		UploadURL string `json:"upload_url"`
		Method    string `json:"method"`
		Headers   struct {
			Host struct{ Values []string } `json:"Host"`
		} `json:"headers"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &a) != nil || a.AssetsID == "" || a.Method != "PUT" || len(a.Headers.Host.Values) != 1 {
		t.Fatalf("upload URL: %d %s", r.status, r.body)
	}
	return a.AssetsID, call(t, http.MethodPut, a.UploadURL, "", data) // no key: the URL is signed
}

func trainingBody(name string, assets ...string) string {
	var items []string
	for _, a := range assets {
		items = append(items, fmt.Sprintf(`{"assets_id":%q}`, a))
	}
	return `{"name":` + fmt.Sprintf("%q", name) + `,"base_model":"v1-5-pruned-emaonly","width":512,"height":512,` +
		`"image_dataset_items":[` + strings.Join(items, ",") + `],` +
		`"expert_setting":{"instance_prompt":"a close photo of ohwx man","class_prompt":"person"},` +
		`"components":[{"name":"resize","args":[{"name":"width","value":"512"},{"name":"height","value":"512"}]}]}`
}

func TestTrainingFlowFollowsThePages(t *testing.T) {
	clk := newFakeClock()
	s := start(t, Options{TaskDuration: 10 * time.Minute, Now: clk.Now})
	id, put := uploadAsset(t, s, trainingPNG)
	if put.status != 200 {
		t.Fatalf("PUT of a PNG: %d %s", put.status, put.body)
	}
	if _, bad := uploadAsset(t, s, []byte("plain text, not an image")); bad.status != 400 {
		t.Errorf("PUT of text: %d; want 400", bad.status)
	}
	never, _ := uploadAsset(t, s, nil)

	post := func(body string) resp {
		return call(t, http.MethodPost, s.URL()+"/v3/training/subject", bearer(s), []byte(body))
	}
	if r := post(trainingBody("me", id, never)); r.status != 400 || !strings.Contains(r.apiError(t).Message, "image_dataset_items[1].assets_id") {
		t.Errorf("an asset never uploaded: %d %s", r.status, r.body)
	}
	if r := post(strings.Replace(trainingBody("me", id), `"class_prompt":"person"`, `"class_prompt":"dog"`, 1)); r.status != 400 ||
		!strings.Contains(r.apiError(t).Message, "class_prompt") {
		t.Errorf("class_prompt dog: %d %s", r.status, r.body)
	}
	r := post(trainingBody("me", id))
	var created map[string]string
	if r.status != 200 || json.Unmarshal(r.body, &created) != nil || created["task_id"] == "" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	task := created["task_id"]
	read := func(kind string) (int, map[string]any) {
		r := call(t, http.MethodGet, s.URL()+"/v3/training/"+kind+"?task_id="+task, bearer(s), nil)
		var v map[string]any
		_ = json.Unmarshal(r.body, &v)
		return r.status, v
	}
	var seen []string
	for _, step := range []time.Duration{0, 3 * time.Minute, 8 * time.Minute} {
		clk.Advance(step)
		_, v := read("subject")
		seen = append(seen, fmt.Sprint(v["task_status"]))
	}
	if strings.Join(seen, " ") != "QUEUING TRAINING SUCCESS" {
		t.Errorf("statuses over TaskDuration: %v", seen)
	}
	_, v := read("subject")
	models, _ := v["models"].([]any)
	if len(models) != 1 || models[0].(map[string]any)["model_status"] != "SERVING" ||
		!strings.HasSuffix(fmt.Sprint(models[0].(map[string]any)["model_name"]), ".safetensors") {
		t.Errorf("a succeeded training: %v", v)
	}
	if code, _ := read("style"); code != 404 {
		t.Errorf("a subject task read at the style endpoint: %d; want 404", code)
	}
}

func TestTrainingListPagesWithOpaqueCursorsAndFailsOnDemand(t *testing.T) {
	clk := newFakeClock()
	s := start(t, Options{TaskDuration: time.Minute, Now: clk.Now})
	id, _ := uploadAsset(t, s, trainingPNG)
	for _, name := range []string{"a", "b [fail]", "c"} {
		clk.Advance(time.Second)
		if r := call(t, http.MethodPost, s.URL()+"/v3/training/subject", bearer(s), []byte(trainingBody(name, id))); r.status != 200 {
			t.Fatalf("create %s: %d %s", name, r.status, r.body)
		}
	}
	clk.Advance(time.Hour)
	var names, statuses []string
	cursor := ""
	for range 5 {
		r := call(t, http.MethodGet, s.URL()+"/v3/training?pagination.limit=2&pagination.cursor="+cursor, bearer(s), nil)
		var page struct {
			Tasks []struct {
				TaskName   string `json:"task_name"`
				TaskStatus string `json:"task_status"`
			} `json:"tasks"`
			Pagination struct {
				NextCursor string `json:"next_cursor"`
			} `json:"pagination"`
		}
		if r.status != 200 || json.Unmarshal(r.body, &page) != nil {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		for _, tk := range page.Tasks {
			names, statuses = append(names, tk.TaskName), append(statuses, tk.TaskStatus)
		}
		if cursor = page.Pagination.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(names, ",") != "c,b [fail],a" || strings.Join(statuses, ",") != "SUCCESS,FAILED,SUCCESS" {
		t.Errorf("list newest first: %v %v", names, statuses)
	}
	if r := call(t, http.MethodGet, s.URL()+"/v3/training?pagination.limit=101", bearer(s), nil); r.status != 400 {
		t.Errorf("limit 101: %d", r.status)
	}
	if r := call(t, http.MethodGet, s.URL()+"/v3/training", "", nil); r.status != 400 {
		t.Errorf("without a key: %d", r.status)
	}
}
