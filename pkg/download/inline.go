package download

import (
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/novita-cli/novita/pkg/novita"
)

// Inline outputs (a synchronous endpoint's base64, hex or text answer, decoded into Output.Data) are
// saved like downloads: the same template and extension policy (the type the API gave, else the content
// sniffed), the same temporary file, fsync, rename and sha256. Nothing is fetched.

// inlineExt is the extension of an inline output whose type the API did not give: sniffed from content.
func inlineExt(o novita.Output) string {
	if o.Data == nil {
		return ""
	}
	if o.Kind == novita.KindText {
		return "txt"
	}
	return extFromContentType(http.DetectContentType(o.Data))
}

// saveInline writes an inline output into its temporary file.
func (f *fetcher) saveInline(j *job) error {
	data := j.out.Data
	if err := f.settle(j, http.DetectContentType(data)); err != nil {
		return err
	}
	j.track.SetTotal(int64(len(data)))
	if _, err := j.dst.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", j.writingTo(), err)
	}
	j.hash.Write(data)
	j.have = int64(len(data))
	j.track.Add(len(data))
	return nil
}

// saved commits a complete job and describes the file.
func (f *fetcher) saved(j *job) (File, error) {
	if err := f.commit(j); err != nil {
		return File{}, err
	}
	return File{Kind: j.out.Kind, Index: j.out.Index, URL: j.url, Path: j.path, Bytes: j.have,
		SHA256: hex.EncodeToString(j.hash.Sum(nil))}, nil
}
