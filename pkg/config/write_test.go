package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A dotfile manager (stow, chezmoi) links ~/.config/novita/config.yaml to a file in its repository:
// `config set` must update that file and leave the link in place.
func TestSetWritesThroughASymlinkAndKeepsIt(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "dotfiles", "novita")
	mustMkdir(t, repo)
	target := filepath.Join(repo, "config.yaml")
	mustWrite(t, target, "# mine\ntunnel: auto\n", 0o640)
	link := filepath.Join(root, "home", ".config", "novita", "config.yaml")
	mustMkdir(t, filepath.Dir(link))
	if err := os.Symlink("../../../dotfiles/novita/config.yaml", link); err != nil {
		t.Fatal(err)
	}

	f, err := Load(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("tunnel", "local"); err != nil {
		t.Fatal(err)
	}
	assertSymlink(t, link)
	if got := readFile(t, target); got != "# mine\ntunnel: local\n" {
		t.Fatalf("target after set:\n%s", got)
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o640 {
		t.Fatalf("target mode %v, want the 0640 it had", info.Mode().Perm())
	}
	if err := f.Unset("tunnel"); err != nil {
		t.Fatal(err)
	}
	assertSymlink(t, link)
	if got := readFile(t, target); strings.Contains(got, "tunnel") || !strings.Contains(got, "# mine") {
		t.Fatalf("target after unset:\n%s", got)
	}
	assertNoTempFiles(t, repo, filepath.Dir(link))
}

// A link whose source file does not exist yet (a fresh dotfiles checkout): the first set creates
// the target, private, and the link stays.
func TestSetThroughADanglingSymlinkCreatesTheTarget(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "repo", "config.yaml")
	mustMkdir(t, filepath.Dir(target))
	link := filepath.Join(root, "config.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	f, err := Load(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("api_key", "sk_test_123"); err != nil {
		t.Fatal(err)
	}
	assertSymlink(t, link)
	info, err := os.Stat(target)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("target %v (%v), want a 0600 file", info, err)
	}
	if g, _ := Load(link); g == nil {
		t.Fatal("reload failed")
	} else if v, _ := g.Get("api_key"); v != "sk_test_123" {
		t.Fatalf("read back %q", v)
	}
}

func TestSetIntoANewDirectoryCreatesAPrivateFileAndNoTempFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "novita")
	path := filepath.Join(dir, "config.yaml")
	f, _ := Load(path)
	if err := f.Set("base_url", "https://api.novita.ai"); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != 0o600 {
		t.Fatalf("%v (%v), want a regular 0600 file", info, err)
	}
	assertNoTempFiles(t, dir)
}

func TestSymlinkLoopIsAnErrorNotAHang(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	os.Symlink(b, a)
	os.Symlink(a, b)
	f := &File{Path: a, values: map[string]string{}}
	if err := f.Set("tunnel", "none"); err == nil || !strings.Contains(err.Error(), a) {
		t.Fatalf("got %v, want an error naming %s", err, a)
	}
	assertSymlink(t, a)
}

func assertSymlink(t *testing.T, path string) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a symlink (%v, %v)", path, info, err)
	}
}

func assertNoTempFiles(t *testing.T, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".config-") {
				t.Fatalf("temp file %s left in %s", e.Name(), dir)
			}
		}
	}
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // umask
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
