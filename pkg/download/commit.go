package download

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// commit makes the complete temporary file durable and gives it its final name. Without Overwrite a
// hard link is used, which fails rather than replace a file that appeared meanwhile.
func (f *fetcher) commit(j *job) error {
	if err := j.tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: %w", j.path, err)
	}
	err := j.tmp.Close()
	j.tmp = nil
	if err != nil {
		return fmt.Errorf("save %s: %w", j.path, err)
	}
	_ = os.Chmod(j.tmpName, 0o644) // CreateTemp makes 0600; outputs are ordinary files
	exists := fmt.Errorf("%s already exists; use --overwrite to replace it, or -o to choose another name", j.path)
	if f.opts.Overwrite {
		err = os.Rename(j.tmpName, j.path)
	} else if err = os.Link(j.tmpName, j.path); err == nil {
		os.Remove(j.tmpName)
	} else if errors.Is(err, fs.ErrExist) {
		return exists
	} else { // no hard links here (FAT, some network file systems)
		if _, serr := os.Lstat(j.path); serr == nil {
			return exists
		}
		err = os.Rename(j.tmpName, j.path)
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", j.path, err)
	}
	j.tmpName = ""
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
