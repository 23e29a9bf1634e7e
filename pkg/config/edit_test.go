package config

import (
	"os"
	"path/filepath"
	"testing"
)

const handWritten = `# Novita settings, kept in my dotfiles
api_key: 'sk_old' # from the dashboard

# where webhooks arrive
tunnel: ngrok

base_url: https://api.novita.ai
# plugin settings this version does not know
extra:
  nested: 1 # kept
`

// Comments, key order, blank lines and quoting survive a set of an existing key, a set of a new
// key and an unset; only the edited lines change.
func TestSetAndUnsetKeepCommentsAndKeyOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	mustWrite(t, path, handWritten, 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}

	if err := f.Set("api_key", "sk_new"); err != nil {
		t.Fatal(err)
	}
	assertFile(t, path, `# Novita settings, kept in my dotfiles
api_key: 'sk_new' # from the dashboard

# where webhooks arrive
tunnel: ngrok

base_url: https://api.novita.ai
# plugin settings this version does not know
extra:
  nested: 1 # kept
`)

	if err := f.Set("output", "out/{task_id}.{ext}"); err != nil {
		t.Fatal(err)
	}
	if err := f.Unset("tunnel"); err != nil {
		t.Fatal(err)
	}
	assertFile(t, path, `# Novita settings, kept in my dotfiles
api_key: 'sk_new' # from the dashboard

# where webhooks arrive
base_url: https://api.novita.ai
# plugin settings this version does not know
extra:
  nested: 1 # kept
output: out/{task_id}.{ext}
`)

	if err := f.Unset("api_key"); err != nil {
		t.Fatal(err)
	}
	assertFile(t, path, `# Novita settings, kept in my dotfiles

# where webhooks arrive
base_url: https://api.novita.ai
# plugin settings this version does not know
extra:
  nested: 1 # kept
output: out/{task_id}.{ext}
`)
}

// A file of comments only (a template with every line commented out) keeps them when the first
// key is added.
func TestSetIntoACommentOnlyFileKeepsTheComments(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	mustWrite(t, path, "# api_key: paste it here\n# tunnel: auto\n", 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("tunnel", "none"); err != nil {
		t.Fatal(err)
	}
	assertFile(t, path, "# api_key: paste it here\n# tunnel: auto\n\ntunnel: none\n")
	if err := f.Unset("tunnel"); err != nil {
		t.Fatal(err)
	}
	assertFile(t, path, "# api_key: paste it here\n# tunnel: auto\n")
}

// Values are read as written: viper would read `api_key: 0123` as the number 83. A value that
// would read back as another type is quoted when written.
func TestValuesAreReadAndWrittenAsText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	mustWrite(t, path, "api_key: 0123\nngrok_authtoken: 1e3\n", 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("api_key"); v != "0123" {
		t.Fatalf("api_key read as %q, want 0123", v)
	}
	if err := f.Set("ngrok_authtoken", "0777"); err != nil {
		t.Fatal(err)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := g.Get("ngrok_authtoken"); v != "0777" {
		t.Fatalf("ngrok_authtoken read back as %q, want 0777", v)
	}
}

// Unsetting what is not set does not create or rewrite the file.
func TestUnsetOfAnUnsetKeyLeavesTheFileAlone(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none", "config.yaml")
	f, _ := Load(missing)
	if err := f.Unset("api_key"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(missing); !os.IsNotExist(err) {
		t.Fatalf("unset of an unset key created %s (%v)", missing, err)
	}

	path := filepath.Join(dir, "config.yaml")
	const text = "tunnel:   auto   # odd spacing, untouched\n"
	mustWrite(t, path, text, 0o644)
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Unset("api_key"); err != nil {
		t.Fatal(err)
	}
	assertFile(t, path, text)
}

func assertFile(t *testing.T, path, want string) {
	t.Helper()
	if got := readFile(t, path); got != want {
		t.Fatalf("%s is\n%s\nwant\n%s", path, got, want)
	}
}
