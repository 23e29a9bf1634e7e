package completion

import (
	"bytes"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// cobra's bash script leans on the bash-completion package (_get_comp_words_by_ref, _filedir). In a
// plain bash without it every Tab printed "_get_comp_words_by_ref: command not found". The script is
// given minimal stand-ins, used only when the package's functions are missing.
const bashInitFallback = `__novita_init_completion()
{
    COMPREPLY=()
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref "$@" cur prev words cword
        return
    fi
    # A plain bash without the bash-completion package: the words as bash split them.
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
}

# _filedir (from the bash-completion package) completes file and directory names; this stand-in is
# defined only where the package is not installed.
if ! declare -F _filedir >/dev/null 2>&1; then
_filedir()
{
    local IFS=$'\n'
    if [[ ${1-} == -d ]]; then
        COMPREPLY+=($(compgen -d -- "${cur-}"))
    else
        COMPREPLY+=($(compgen -f -- "${cur-}"))
    fi
    compopt -o filenames 2>/dev/null
}
fi
`

const bashInitOriginal = `__novita_init_completion()
{
    COMPREPLY=()
    _get_comp_words_by_ref "$@" cur prev words cword
}
`

// genBash writes cobra's bash completion with the stand-ins above.
func genBash(root *cobra.Command, w io.Writer) error {
	var buf bytes.Buffer
	if err := root.GenBashCompletionV2(&buf, true); err != nil {
		return err
	}
	script := strings.Replace(buf.String(), strings.ReplaceAll(bashInitOriginal, "novita", root.Name()),
		strings.ReplaceAll(bashInitFallback, "novita", root.Name()), 1)
	_, err := io.WriteString(w, script)
	return err
}
