package testmain

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every test package runs Main (or SkipRaceExitPause first in a TestMain of its own): a new package
// without it would fail no test for its leaks, and pay the race runtime's pause at every run.
func TestEveryTestPackageRunsIt(t *testing.T) {
	root := filepath.Join("..", "..")
	usesIt := regexp.MustCompile(`testmain\.(Main|SkipRaceExitPause)\(`)
	dirs := map[string]bool{} // a directory with tests: whether one of its test files runs testmain
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.Dir(path)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dirs[dir] = dirs[dir] || usesIt.Match(src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 40 {
		t.Fatalf("found only %d test packages: is the walk broken?", len(dirs))
	}
	for dir, ok := range dirs {
		if !ok && filepath.Base(dir) != "testmain" {
			t.Errorf("%s has tests but no TestMain running testmain.Main: add func TestMain(m *testing.M) { testmain.Main(m) }", dir)
		}
	}
}
