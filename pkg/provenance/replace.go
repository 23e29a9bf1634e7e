package provenance

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// replaceWith writes path anew through fill (given the current file when fromOld), in a temporary
// file beside it that is synced and renamed over path: a reader sees the old file or the new one,
// never half of either.
func replaceWith(path string, perm os.FileMode, fill func(src *os.File, size int64, w io.Writer) error, fromOld bool) (err error) {
	var src *os.File
	var size int64
	if fromOld {
		if src, err = os.Open(path); err != nil {
			return err
		}
		defer src.Close()
		info, err := src.Stat()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
		size = info.Size()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".meta-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fill(src, size, tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// copyRange copies n bytes of src from off to w.
func copyRange(w io.Writer, src io.ReaderAt, off, n int64) error {
	if n <= 0 {
		return nil
	}
	c, err := io.Copy(w, io.NewSectionReader(src, off, n))
	if err == nil && c != n {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// errMalformed is a file that does not follow its own format: it is left alone.
var errMalformed = errors.New("malformed file")
