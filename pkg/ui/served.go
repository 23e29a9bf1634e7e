package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
)

// hashLimit is the size up to which a served file's sha256 is checked against the record on each
// request; larger files (videos) are checked by size, which a swap rarely keeps.
const hashLimit = 16 << 20

// errChanged is a file at a recorded path that is not the recorded output any more: served as 409
// with why, so the gallery never shows what something else put there.
type errChanged struct{ why string }

func (e errChanged) Error() string { return e.why }

// openRecorded opens the file a task recorded, only if it is still that file: a regular file (not a
// symlink to /etc/passwd, not a FIFO that would hang the request) of the recorded size, and, when
// small enough to hash on each request, the recorded sha256.
func openRecorded(tf TaskFile) (*os.File, os.FileInfo, error) {
	f, err := openServed(tf.Path)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "symbolic link") {
			return nil, nil, errChanged{"the recorded path is now a symbolic link; it is not served"}
		}
		return nil, nil, err
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		f.Close()
		return nil, nil, err
	case st.IsDir():
		f.Close()
		return nil, nil, fmt.Errorf("%s is a directory: %w", tf.Path, os.ErrNotExist)
	case !st.Mode().IsRegular():
		f.Close()
		return nil, nil, errChanged{"the recorded path is no longer a regular file (" + st.Mode().Type().String() + "); it is not served"}
	case tf.Bytes > 0 && st.Size() != tf.Bytes:
		f.Close()
		return nil, nil, errChanged{fmt.Sprintf("the file at the recorded path has %d bytes, not the %d recorded: it was replaced or changed", st.Size(), tf.Bytes)}
	}
	if tf.SHA256 != "" && st.Size() <= hashLimit {
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			f.Close()
			return nil, nil, err
		}
		if !strings.EqualFold(hex.EncodeToString(h.Sum(nil)), tf.SHA256) {
			f.Close()
			return nil, nil, errChanged{"the file at the recorded path does not have the recorded sha256: it was replaced or changed"}
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return f, st, nil
}
