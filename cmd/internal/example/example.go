// Package example words a catalog task's example request as a ready-to-run command line: the catalog
// knows which fields the least valid request needs and their placeholders, this command line knows
// its flags.
package example

import (
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
)

// TrainCommand is the command that runs a training endpoint: "novita train subject".
func TrainCommand(path string) string { return "novita train " + catalog.TrainKind(path) }

// Command is a ready-to-run command line for the task, with placeholder values ("novita submit
// img2img --image photo.png --prompt 'a lighthouse at dusk'"); fields without a flag are given with
// --set (or --set-file).
func Command(t catalog.Task) string {
	if t.Mode == catalog.ModeTraining {
		ex := TrainCommand(t.Path) + " --name my-lora --images face1.png --images face2.png --wait"
		if p, ok := t.Param("image_dataset_items[].caption"); ok && p.Required {
			ex += ` --caption "an ink drawing"`
		}
		return ex
	}
	var b strings.Builder
	b.WriteString("novita submit " + t.Name)
	for _, in := range t.ExampleInputs() {
		b.WriteString(" " + arg(in))
	}
	return b.String()
}

// arg is one input as this command line takes it, quoted for a shell.
func arg(in catalog.ExampleInput) string {
	switch {
	case in.Flag != "":
		return "--" + in.Flag + " " + in.Value
	case in.Form == catalog.FormFile:
		return "--set-file " + in.Path + "=" + in.Value
	case in.Form == catalog.FormJSON:
		return "--set '" + in.Path + ":=" + in.Value + "'"
	case strings.HasPrefix(in.Value, "'"): // a quoted value: quote the whole argument instead
		return "--set '" + in.Path + "=" + strings.Trim(in.Value, "'") + "'"
	}
	return "--set " + in.Path + "=" + in.Value
}
