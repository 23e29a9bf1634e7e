// Package training is the engine of `novita train`: LoRA training on Novita (subject or style). It
// checks a training request against its spec (pkg/catalog/training) before anything is sent, reads and
// sniffs the images, uploads each one through the documented assets flow (POST
// /v3/assets/training_dataset for a presigned URL and an assets_id, then a PUT of the bytes), creates the
// task with the page's body, and reads or waits for its status. It knows nothing of cobra or the terminal.
package training

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/novita"
)

// Kinds of training, the last segment of their paths (/v3/training/subject).
const (
	KindSubject = "subject"
	KindStyle   = "style"
)

// MaxImages is the page's limit: "Each task supports uploading up to 50 images".
const MaxImages = 50

// API is what the engine needs of the Novita client (*novita.Client has it; tests fake it).
type API interface {
	TrainingUploadURL(ctx context.Context, ext string) (*novita.UploadTarget, error)
	UploadTrainingImage(ctx context.Context, t *novita.UploadTarget, data []byte, contentType string) error
	CreateTraining(ctx context.Context, kind string, body []byte) (string, error)
	TrainingStatus(ctx context.Context, kind, taskID string) (*novita.TrainingTask, error)
	ListTrainings(ctx context.Context, limit int, cursor string) (*novita.TrainingPage, error)
}

// Image is one training image as the user named it, and its bytes.
type Image struct {
	Path string // as given, for messages
	Data []byte
}

// Request is what the user asked for. Fields holds the values of the flags the user set, by body path
// ("width", "expert_setting.lora_r"); the spec's defaults fill the rest.
type Request struct {
	Images   []Image
	Captions []string // none, one for every image, or one per image
	Fields   map[string]any
}

// Plan is a checked request: the body to send once the images are uploaded.
type Plan struct {
	Task   catalog.Task
	Kind   string
	Body   map[string]any
	images []planned
}

type planned struct {
	Image
	ext, contentType string
}

// placeholderAssetsID stands in for the upload's assets_id while the body is checked before any upload.
const placeholderAssetsID = "pending-upload"

// Prepare checks everything that can be checked locally, before any upload or paid request: each image
// is a PNG, JPEG or WebP (the only formats the upload takes), the number of images and captions, and the
// body against the spec (required fields, enums, ranges). A problem is a usage error: ImagesError, or a
// FieldError per field with the spec flag that sets it.
func Prepare(task catalog.Task, req Request) (*Plan, error) {
	if task.Mode != catalog.ModeTraining {
		return nil, fmt.Errorf("%s is not a training endpoint", task.Name)
	}
	p := &Plan{Task: task, Kind: catalog.TrainKind(task.Path), Body: map[string]any{}}
	if len(req.Images) == 0 {
		return nil, &ImagesError{Problem: NoImages, Kind: p.Kind, Max: MaxImages}
	}
	if len(req.Images) > MaxImages {
		return nil, &ImagesError{Problem: TooManyImages, Kind: p.Kind, Images: len(req.Images), Max: MaxImages}
	}
	for _, im := range req.Images {
		ext, ct, ok := sniff(im.Data)
		if !ok {
			return nil, clierr.Usagef("train %s: %s is not a PNG, JPEG or WebP image (the training upload takes only those): convert it or leave it out",
				p.Kind, filepath.Base(im.Path))
		}
		p.images = append(p.images, planned{Image: im, ext: ext, contentType: ct})
	}
	if n := len(req.Captions); n > 1 && n != len(req.Images) {
		return nil, &ImagesError{Problem: CaptionCount, Kind: p.Kind, Images: len(req.Images), Captions: n, Max: MaxImages}
	}
	for path, v := range task.Defaults {
		if err := jsonpath.Set(p.Body, path, v); err != nil {
			return nil, err
		}
	}
	for path, v := range req.Fields {
		if err := jsonpath.Set(p.Body, path, v); err != nil {
			return nil, err
		}
	}
	items := make([]any, len(req.Images))
	for i := range items {
		item := map[string]any{"assets_id": placeholderAssetsID}
		switch len(req.Captions) {
		case 1:
			item["caption"] = req.Captions[0]
		case len(req.Images):
			item["caption"] = req.Captions[i]
		}
		items[i] = item
	}
	p.Body["image_dataset_items"] = items
	if _, given := p.Body["components"]; !given {
		p.Body["components"] = defaultComponents(p.Body["width"], p.Body["height"])
	}
	if err := check(task, p.Body); err != nil {
		return nil, err
	}
	return p, nil
}

// defaultComponents is the page's example preprocessing, its resize following the training size
// (components is required and has no API default).
func defaultComponents(width, height any) []any {
	arg := func(name, value string) any { return map[string]any{"name": name, "value": value} }
	return []any{
		map[string]any{"name": "face_crop_region", "args": []any{arg("ratio", "1")}},
		map[string]any{"name": "resize", "args": []any{arg("width", text(width)), arg("height", text(height))}},
		map[string]any{"name": "face_restore", "args": []any{arg("method", "gfpgan_1.4"), arg("upscale", "1.0")}},
	}
}

func text(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// check reports every violation of the body, each with the spec flag that sets the field.
func check(task catalog.Task, body map[string]any) error {
	var errs []error
	seen := map[string]bool{}
	for _, v := range task.Violations(body) {
		if v.Kind == catalog.ViolationMissing { // once for a field missing from every image, not 50 times
			if p := elementIndex.ReplaceAllString(v.Path, "[]"); p != v.Path {
				v.Path = p
			}
			if seen[v.Path] {
				continue
			}
			seen[v.Path] = true
		}
		errs = append(errs, &FieldError{Kind: catalog.TrainKind(task.Path), Violation: v, Flag: task.FlagFor(v.Path)})
	}
	if len(errs) == 0 {
		return nil
	}
	return clierr.New(clierr.KindUsage, errors.Join(errs...))
}

var elementIndex = regexp.MustCompile(`\[\d+\]`)

// sniff names the upload's file_extension and Content-Type from the bytes, not the file name.
func sniff(b []byte) (ext, contentType string, ok bool) {
	switch http.DetectContentType(b) {
	case "image/png":
		return "png", "image/png", true
	case "image/jpeg":
		return "jpeg", "image/jpeg", true
	case "image/webp":
		return "webp", "image/webp", true
	}
	return "", "", false
}

// Progress is told about each upload as it starts (i counts from 1).
type Progress func(i, n int, path string)

// Submit uploads every image, then creates the training task with the planned body, and returns its id.
// Uploads cost nothing; the create is billed and never retried once it may have reached the server.
func Submit(ctx context.Context, api API, p *Plan, progress Progress) (string, error) {
	items := p.Body["image_dataset_items"].([]any)
	for i, im := range p.images {
		if progress != nil {
			progress(i+1, len(p.images), im.Path)
		}
		target, err := api.TrainingUploadURL(ctx, im.ext)
		if err != nil {
			return "", err
		}
		if err := api.UploadTrainingImage(ctx, target, im.Data, im.contentType); err != nil {
			return "", fmt.Errorf("%s: %w", filepath.Base(im.Path), err)
		}
		items[i].(map[string]any)["assets_id"] = assetsValue(target)
	}
	body, err := json.Marshal(p.Body)
	if err != nil {
		return "", err
	}
	return api.CreateTraining(ctx, p.Kind, body)
}

// assetsValue sends the assets_id back as the upload gave it: the pages document it both as a string and
// as an integer, so a number stays a number.
func assetsValue(t *novita.UploadTarget) any {
	if len(t.AssetsJSON) > 0 && json.Valid(t.AssetsJSON) {
		return t.AssetsJSON
	}
	return t.AssetsID
}
