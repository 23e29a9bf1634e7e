package acceptance

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `source <(novita completion bash)` works in a plain bash, without the bash-completion package: the
// script is loaded into `bash --norc` (nothing of the system's completion setup) and asked to complete
// a command and a flag the way readline would.
func TestBashCompletionWorksWithoutBashCompletionPackage(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not on PATH")
	}
	exe := processBinary(t)
	bin := t.TempDir()
	if err := os.Symlink(exe, filepath.Join(bin, "novita")); err != nil {
		t.Fatal(err)
	}
	complete := func(line string) (string, string) {
		t.Helper()
		script := `source <(novita completion bash) || exit 9
declare -F _get_comp_words_by_ref >/dev/null && { echo "bash-completion is loaded: the test proves nothing" >&2; exit 8; }
COMP_LINE="` + line + `"; COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
__start_novita
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
		home := t.TempDir()
		cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + home,
			"NOVITA_TEST_AS_CLI=1", "NOVITA_STATE_DIR=" + filepath.Join(home, "state"), "XDG_CONFIG_HOME=" + filepath.Join(home, "config")}
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("%q: %v\n%s", line, err, errb.String())
		}
		return out.String(), errb.String()
	}
	out, stderr := complete("novita subm")
	if strings.Contains(stderr, "command not found") || !strings.Contains(out, "submit") {
		t.Errorf("completing `novita subm`: %q, stderr %q", out, stderr)
	}
	out, stderr = complete("novita submit txt2img --prom")
	if strings.Contains(stderr, "command not found") || !strings.Contains(out, "--prompt") {
		t.Errorf("completing a flag: %q, stderr %q", out, stderr)
	}
}
