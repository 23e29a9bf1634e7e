package download

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// commit makes the complete partial file durable and gives it its final name. Without Overwrite a
// hard link is used, which fails rather than replace a file that appeared meanwhile. A stream
// (standard output, a device, a FIFO) has nothing to rename.
func (f *fetcher) commit(j *job) error {
	if j.tmp == nil {
		if j.direct == nil {
			return nil
		}
		err := j.direct.Close()
		j.direct = nil
		if err != nil {
			return fmt.Errorf("write %s: %w", j.path, err)
		}
		return nil
	}
	if err := j.tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: %w", j.path, err)
	}
	if !renameWhileOpen {
		err := j.tmp.Close()
		j.tmp = nil
		if err != nil {
			return fmt.Errorf("save %s: %w", j.path, err)
		}
	}
	exists := &ExistsError{Paths: []string{j.path}}
	var err error
	if f.opts.Overwrite {
		err = os.Rename(j.part, j.path)
	} else if err = os.Link(j.part, j.path); err == nil {
		os.Remove(j.part)
	} else if errors.Is(err, fs.ErrExist) {
		return f.settleExisting(j, exists)
	} else { // no hard links here (FAT, some network file systems)
		if _, serr := os.Lstat(j.path); serr == nil {
			return exists
		}
		err = os.Rename(j.part, j.path)
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", j.path, err)
	}
	os.Remove(j.info)
	j.owned = false // the partial file is the output now
	syncDir(filepath.Dir(j.path))
	return nil
}

// syncDir makes the rename durable; some platforms cannot fsync a directory, which is harmless.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
