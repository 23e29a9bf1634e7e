package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// maxLinkHops bounds symlink chains, as the kernel's ELOOP does.
const maxLinkHops = 40

// writeThroughLinks replaces the contents of the file at path with data. A symlink at path (a
// dotfile manager such as stow or chezmoi) stays a link: its final target is what gets replaced.
// The write is atomic (a temp file in the target's own directory, fsync, rename), so a crash
// leaves either the old file or the new one, never a half-written one under the final name. The
// target keeps its permission bits; a new file gets 0600 since it may hold secrets.
func writeThroughLinks(path string, data []byte) error {
	target, err := linkTarget(path)
	if err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	perm := fs.FileMode(0o600)
	switch info, err := os.Stat(target); {
	case err == nil && !info.Mode().IsRegular():
		return fmt.Errorf("write config %s: %s is not a regular file", path, target)
	case err == nil:
		perm = info.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write config %s: %w", path, err)
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create config directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.yaml.tmp")
	if err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	committed = true
	syncDir(dir)
	return nil
}

// linkTarget follows the chain of symlinks at path to the file they name, which need not exist
// yet (a dangling link from a dotfile manager whose source was never created). Directories on
// the way are resolved first, so a relative link with ".." means what the kernel says it means.
func linkTarget(path string) (string, error) {
	p := path
	for range maxLinkHops {
		if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
			p = filepath.Join(dir, filepath.Base(p))
		}
		info, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return "", fmt.Errorf("more than %d symbolic links in a chain (a loop?)", maxLinkHops)
}

// syncDir makes the rename durable. It is best effort: the rename already happened, and
// Windows cannot open a directory for syncing.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
