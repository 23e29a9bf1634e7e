package download

import (
	"errors"
	"io/fs"
	"os"
)

// Writable creates and removes a file in dir: permission bits, ACLs, read-only mounts and quotas all
// answer the same question this way, for any user, root included. The error is the system's reason.
func Writable(dir string) error {
	f, err := os.CreateTemp(dir, ".novita-write-check-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return err
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}
