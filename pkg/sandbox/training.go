package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/catalog"
)

// The LoRA training flow of the reference's training pages: POST /v3/assets/training_dataset answers an
// assets_id and a presigned PUT URL (here /uploads/training/<id>?X-Amz-Signature=..., no API key: the
// signature is the credential), the PUT must carry a PNG, JPEG or WebP image, POST /v3/training/<subject|
// style> validates its body with the spec of pkg/catalog/training and refuses an assets_id that was never
// uploaded, GET /v3/training/<kind>?task_id= moves QUEUING (the first fifth of TaskDuration), TRAINING
// (progress_percent and eta_relative), then SUCCESS with one SERVING model, or FAILED when the task name
// holds FailPromptMarker. GET /v3/training lists every training task, newest first, with opaque cursors.

// trainingState is the simulator's memory of training assets and tasks (zero value ready).
type trainingState struct {
	mu     sync.Mutex
	assets map[string]*trainAsset
	tasks  map[string]*trainTask
}

type trainAsset struct {
	ext, signature string
	uploaded       bool
}

type trainTask struct {
	id, kind, name string
	created        time.Time
	duration       time.Duration
	fail           bool
	model          string
}

func (s *Server) trainingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v3/assets/training_dataset", s.handleTrainingAsset)
	mux.HandleFunc("PUT /uploads/training/{id}", s.handleTrainingUpload)
	mux.HandleFunc("/v3/training/{kind}", s.handleTraining)
	mux.HandleFunc("GET /v3/training", s.handleTrainingList)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) handleTrainingAsset(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	var body struct {
		FileExtension string `json:"file_extension"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || !oneOf(body.FileExtension, "png", "webp", "jpeg") {
		s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "file_extension: must be one of png, webp, jpeg", nil)
		return
	}
	id, sig := randomHex(16), randomHex(16)
	st := &s.train
	st.mu.Lock()
	if st.assets == nil {
		st.assets = map[string]*trainAsset{}
	}
	st.assets[id] = &trainAsset{ext: body.FileExtension, signature: sig}
	st.mu.Unlock()
	base := s.baseURL(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"assets_id":  id,
		"upload_url": base + "/uploads/training/" + id + "." + body.FileExtension + "?X-Amz-Expires=120&X-Amz-Signature=" + sig,
		"method":     http.MethodPut,
		"headers":    map[string]any{"Host": map[string]any{"values": []string{r.Host}}},
	})
}

// handleTrainingUpload is the storage side: the signature in the URL, not a key, authorizes the PUT.
func (s *Server) handleTrainingUpload(w http.ResponseWriter, r *http.Request) {
	id, _, _ := strings.Cut(r.PathValue("id"), ".")
	st := &s.train
	st.mu.Lock()
	a := st.assets[id]
	st.mu.Unlock()
	if a == nil || r.URL.Query().Get("X-Amz-Signature") != a.signature {
		http.Error(w, "<Error><Code>AccessDenied</Code><Message>Request has expired or the signature does not match</Message></Error>", http.StatusForbidden)
		return
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 512)) // what DetectContentType reads
	if ct := http.DetectContentType(b); !oneOf(ct, "image/png", "image/jpeg", "image/webp") {
		http.Error(w, "<Error><Code>InvalidArgument</Code><Message>the training upload takes png, jpeg or webp images, got "+ct+"</Message></Error>", http.StatusBadRequest)
		return
	}
	st.mu.Lock()
	a.uploaded = true
	st.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleTraining(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	kind := r.PathValue("kind")
	cat, err := catalog.Load()
	if err != nil {
		s.writeError(w, http.StatusInternalServerError, "INTERNAL_ERROR", err.Error(), nil)
		return
	}
	spec, ok := cat.Training("/v3/training/" + kind)
	if !ok {
		s.writeError(w, http.StatusNotFound, "API_NOT_FOUND", "no API at "+r.URL.Path, nil)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.trainingStatus(w, r, kind)
	case http.MethodPost:
		s.createTraining(w, r, spec, kind)
	default:
		s.writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", r.Method+" "+r.URL.Path, nil)
	}
}

func (s *Server) createTraining(w http.ResponseWriter, r *http.Request, spec catalog.Task, kind string) {
	var body map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil || body == nil {
		s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "body must be a JSON object", nil)
		return
	}
	if v := spec.Check(body); v != nil {
		s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", apiMessage(v), nil)
		return
	}
	st := &s.train
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, it := range body["image_dataset_items"].([]any) {
		id := fmt.Sprint(it.(map[string]any)["assets_id"])
		if a := st.assets[id]; a == nil || !a.uploaded {
			s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY",
				fmt.Sprintf("image_dataset_items[%d].assets_id: %q is unknown or its image was never uploaded", i, id), nil)
			return
		}
	}
	o := s.options()
	name, _ := body["name"].(string)
	t := &trainTask{id: newTaskID(), kind: kind, name: name, created: o.Now(), duration: o.TaskDuration,
		fail: strings.Contains(name, FailPromptMarker)}
	t.model = fmt.Sprintf("model_%d_%s.safetensors", t.created.Unix(), strings.ToUpper(randomHex(5)))
	if st.tasks == nil {
		st.tasks = map[string]*trainTask{}
	}
	st.tasks[t.id] = t
	writeJSON(w, http.StatusOK, map[string]string{"task_id": t.id})
}

// view is the task as the status and list endpoints show it at now.
func (t *trainTask) view(now time.Time) map[string]any {
	elapsed := now.Sub(t.created)
	v := map[string]any{"task_id": t.id, "task_name": t.name, "task_type": t.kind, "created_at": t.created.Unix(),
		"model_type": "lora", "models": []any{}, "extra": map[string]any{}}
	switch {
	case elapsed < t.duration/5:
		v["task_status"] = "QUEUING"
	case elapsed < t.duration:
		v["task_status"] = "TRAINING"
		v["extra"] = map[string]any{"progress_percent": int(100 * elapsed / t.duration),
			"eta_relative": int((t.duration - elapsed).Seconds())}
	case t.fail:
		v["task_status"] = "FAILED"
	default:
		v["task_status"] = "SUCCESS"
		v["models"] = []any{map[string]any{"model_name": t.model, "model_status": "SERVING"}}
		v["extra"] = map[string]any{"progress_percent": 100, "eta_relative": 0}
	}
	return v
}

func (s *Server) trainingStatus(w http.ResponseWriter, r *http.Request, kind string) {
	id := r.URL.Query().Get("task_id")
	st := &s.train
	st.mu.Lock()
	t := st.tasks[id]
	st.mu.Unlock()
	if t == nil || t.kind != kind {
		s.writeError(w, http.StatusNotFound, "TASK_NOT_FOUND", "no "+kind+" training task "+strconv.Quote(id), nil)
		return
	}
	v := t.view(s.options().Now())
	delete(v, "task_name")
	delete(v, "task_type")
	delete(v, "created_at")
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleTrainingList(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	q := r.URL.Query()
	limit := 10
	if v := q.Get("pagination.limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 100 {
			s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "pagination.limit: must be in (0, 100]", nil)
			return
		}
		limit = n
	}
	offset := 0
	if c := q.Get("pagination.cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(c, "c_"))
		n, err2 := strconv.Atoi(string(raw))
		if !strings.HasPrefix(c, "c_") || err != nil || err2 != nil || n < 0 {
			s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "pagination.cursor: "+strconv.Quote(c)+" is not a cursor", nil)
			return
		}
		offset = n
	}
	st := &s.train
	st.mu.Lock()
	all := make([]*trainTask, 0, len(st.tasks))
	for _, t := range st.tasks {
		all = append(all, t)
	}
	st.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if !all[i].created.Equal(all[j].created) {
			return all[i].created.After(all[j].created)
		}
		return all[i].id < all[j].id
	})
	now := s.options().Now()
	page := []any{}
	for i := offset; i < len(all) && len(page) < limit; i++ {
		v := all[i].view(now)
		delete(v, "model_type")
		delete(v, "extra")
		page = append(page, v)
	}
	next := ""
	if offset+len(page) < len(all) {
		next = "c_" + base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset+len(page))))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": page, "pagination": map[string]string{"next_cursor": next}})
}
