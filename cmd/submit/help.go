package submit

import (
	"fmt"
	"github.com/novita-cli/novita/cmd/internal/example"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/pkg/catalog"
)

const submitLong = `Submit one task. <task> is a catalog task (listed below; novita catalog shows each one's
parameters), one of its aliases (txt2image, t2i, tts, hailuo-02, ...) in any letter case, or any
other endpoint name under /v3/async/, whose body then comes from --data and --set only.

Each catalog task has its own flags, typed, with their defaults and allowed values:
novita submit <task> --help lists them.

The body is built in layers, each one overriding the one before:
  1. the catalog's defaults (a prompt alone is a valid txt2img request);
  2. the task's typed flags (--prompt, --width, --image, ...);
  3. --data JSON, @file or - (stdin), deep-merged (objects key by key, anything else replaced);
  4. each --set path=value, typed from the spec where the path is known: --set prompt=42 sends
     the string "42", --set steps=30 the number 30, a bad number is refused. For paths the spec
     does not know, the value is JSON when it parses as JSON, else a string.
     --set path:=JSON sets raw JSON on any path, untyped: --set 'seed:="42"' sends a string,
     --set 'request.loras:=[{"model_name":"x","strength":0.7}]' a list;
  5. each --set-file path=file, the file encoded as the field takes it (base64 or a data: URI);
  6. the output format flags (--image-type, --video-type, --audio-type), which always win.
Paths are dot paths with array indexes: request.loras.0.model_name or request.loras[0].model_name.
For extra+request tasks (txt2img, ...) a path that does not start with extra. or request. goes under
request.; for input+parameters tasks (wan-2.2-t2v, ...) it goes where the spec has that field.
Everything that can be checked locally is checked before any request: a typo never costs a task.

An asynchronous task prints its task id. With --wait, a webhook receiver is opened behind a tunnel
(see --tunnel), the task is submitted with extra.webhook.url (or where its page puts the webhook, e.g.
callback_url) pointing at it, polling runs as a safety net, and the outputs are downloaded and their
paths printed on stdout. An endpoint that refuses the webhook field gets the task once more without it,
is polled, and is remembered.

A synchronous task ("synchronous" in its summary: remove-background, flux-1-schnell, ...) answers at
once: its outputs are saved through -o like downloads, it is journalled (under the answer's task id,
else a local id), and --json prints the same document with delivered_by "sync". --wait, --timeout and
the tunnel flags change nothing for it; --webhook-url does not apply.

With --batch FILE (or - for stdin), each line is one task: a JSON object merged onto the body built
from the flags, or plain text used as the prompt; blank lines and # comments are skipped. All tasks
share one receiver and one poller; resume with: novita wait --batch <batch-id>. A batch of a
synchronous task makes --concurrency calls at a time.`

const submitExample = `  $ novita submit txt2img --prompt "a cat" --wait
  $ novita submit txt2img --prompt "a cat" -n 4 --wait -o "cats/{index}.{ext}"
  $ novita submit img2img --image photo.jpg --prompt "watercolour" --wait
  $ novita submit remove-background --image cat.png -o cutout.png
  $ novita submit txt2speech --text "Hello there" --voice Emily --wait
  $ novita submit wan-t2v --prompt "a paper boat" --wait --timeout 1h
  $ novita submit txt2img --data @body.json --set steps=30 --set 'request.loras:=[{"model_name":"x","strength":0.7}]' --dry-run
  $ novita submit some-new-endpoint --data '{"prompt": "a cat"}'
  $ novita submit txt2img --batch prompts.txt --wait --concurrency 8 -o "out/{line}-{index}.{ext}"`

// taskLong is a task command's description: what it does, where it posts, how it answers.
func taskLong(t catalog.Task) string {
	var b strings.Builder
	b.WriteString(t.Description + ".\n\n")
	if t.Sync() {
		fmt.Fprintf(&b, "Synchronous: POST %s answers at once with the outputs, which are saved\n", t.Path)
		b.WriteString("through -o like downloads and journalled; --json prints the document with delivered_by \"sync\".\n")
		b.WriteString("--wait, --timeout and the tunnel flags change nothing; --webhook-url does not apply.\n")
	} else {
		fmt.Fprintf(&b, "Asynchronous: POST %s answers a task id, printed on stdout.\n", t.Path)
		b.WriteString("With --wait the result comes by webhook or polling, and the outputs are downloaded.\n")
	}
	fmt.Fprintf(&b, "\nOutput: %s. Body: %s. A field without a typed flag is set with --set path=value:\n", t.OutputKind, t.Shape)
	fmt.Fprintf(&b, "novita catalog %s lists every field with its JSON path, type and range.", t.Name)
	if t.Docs != "" {
		b.WriteString("\nReference: " + t.Docs)
	}
	return b.String()
}

// taskExample is the spec's ready-to-run command line, waited for or dry-run.
func taskExample(t catalog.Task) string {
	ex := example.Command(t)
	if t.Sync() {
		return "  $ " + ex + " -o \"out/{kind}-{index}.{ext}\"\n  $ " + ex + " --dry-run"
	}
	return "  $ " + ex + " --wait\n  $ " + ex + " --dry-run"
}

// taskUsage prints a task command's usage with its typed flags apart from the flags every submit
// shares, so `novita submit <task> --help` shows at a glance what this task takes.
func taskUsage(t catalog.Task, typed []string) func(*cobra.Command) error {
	return func(c *cobra.Command) error {
		own := pflag.NewFlagSet(t.Name, pflag.ContinueOnError)
		own.SortFlags = false // spec order: the prompt first
		common := pflag.NewFlagSet("submit", pflag.ContinueOnError)
		local := c.LocalFlags()
		for _, name := range typed {
			if fl := local.Lookup(name); fl != nil {
				own.AddFlag(fl)
			}
		}
		local.VisitAll(func(fl *pflag.Flag) {
			if !slices.Contains(typed, fl.Name) {
				common.AddFlag(fl)
			}
		})
		w := c.OutOrStderr()
		fmt.Fprintf(w, "Usage:\n  %s\n", c.UseLine())
		if len(c.Aliases) > 0 {
			fmt.Fprintf(w, "\nAliases:\n  %s\n", strings.Join(append([]string{c.Name()}, c.Aliases...), ", "))
		}
		if c.Example != "" {
			fmt.Fprintf(w, "\nExamples:\n%s\n", c.Example)
		}
		section(w, "Flags of "+t.Name+":", own)
		section(w, "Flags of every submit:", common)
		section(w, "Global Flags:", c.InheritedFlags())
		return nil
	}
}

func section(w io.Writer, title string, fs *pflag.FlagSet) {
	if !fs.HasAvailableFlags() {
		return
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(fs.FlagUsages(), "\n"), "\n") {
		lines = append(lines, strings.TrimRight(l, " "))
	}
	fmt.Fprintf(w, "\n%s\n%s\n", title, strings.Join(lines, "\n"))
}
