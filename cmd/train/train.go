// Package train is the `novita train` command: LoRA training on Novita. `train subject` and `train style`
// upload the images and start a training task (optionally waiting for the trained model), `train status`
// reads one task and `train list` lists them. The work is pkg/training's; this package wires the flags,
// which come from the training specs of pkg/catalog, so `novita catalog subject-training` and the flags agree.
package train

import (
	"context"
	"fmt"
	"github.com/novita-cli/novita/cmd/internal/example"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/training"
	"github.com/novita-cli/novita/pkg/waiter"
)

// DefaultTimeout bounds --wait; the page expects about ten minutes of training.
const DefaultTimeout = time.Hour

// Options is what `novita train subject|style` was asked to do.
type Options struct {
	IO       *iostreams.IOStreams
	API      func() (*factory.API, error)
	Follow   Follower
	Path     func(string) string // an image path as given, made relative to the command's directory
	Task     catalog.Task        // the training spec (subject-training, style-training)
	Images   []string            // as given: --images and positional arguments
	Captions []string            // --caption: one for every image, or one per image
	Fields   map[string]any      // body path -> value of each spec flag the user set
	Wait     bool
	Timeout  time.Duration // with Wait; 0 = no limit
	JSON     bool
	flags    map[string]string // flag name -> body path, for Fields
}

// NewCmdTrain builds `novita train` and its subcommands; runF replaces the run function of subject and
// style in tests.
func NewCmdTrain(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a LoRA on your images (subject or style), and follow training tasks",
		Long: `Train a LoRA model on Novita from your own images: train subject for a person (1-50 photos),
train style for an artistic style (1-50 captioned images). Each image is uploaded first (the
documented assets flow), then the training task starts; its id is printed at once. With --wait,
the command follows the task until it ends and prints the trained model's name, the value to put
in txt2img or img2img --set 'request.loras:=[{"model_name": "...", "strength": 0.7}]'.

Every value is checked before the first upload: a bad one is a usage error (exit 2) naming the flag.`,
		Example: `  $ novita train subject --name me --images me1.png --images me2.png --wait
  $ novita train style --name ink --images ink1.png ink2.png --caption "an ink drawing"
  $ novita train status 8f2c... --wait
  $ novita train list`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cat, err := catalog.Load()
	if err == nil {
		for _, name := range []string{"subject-training", "style-training"} {
			if task, ok := cat.Training(name); ok {
				cmd.AddCommand(newCmdStart(f, task, runF))
			}
		}
	}
	cmd.AddCommand(newCmdStatus(f, nil), newCmdList(f, nil))
	return cmd
}

// newCmdStart builds `train subject` or `train style` with a flag for every spec param that has one.
func newCmdStart(f *factory.Factory, task catalog.Task, runF func(context.Context, *Options) error) *cobra.Command {
	kind := catalog.TrainKind(task.Path)
	o := &Options{IO: f.IOStreams, API: f.API, Follow: newFollower(f), Path: f.Path, Task: task, flags: map[string]string{}}
	cmd := &cobra.Command{
		Use:   kind + " --name NAME --images FILE... [flags]",
		Short: task.Description,
		Long: fmt.Sprintf(`%s.

Uploads each image (png, jpeg or webp, checked by content; at most %d) through
POST /v3/assets/training_dataset and a PUT to the URL it answers, then posts the training body
to %s. The task id goes to stdout at once ({"task_id", "type", "name"} with
--json). With --wait, the command polls %s?task_id= until the task ends and
prints the trained model name(s) (the status document with --json); a failed or canceled task
exits 3, a timeout 5 (the training goes on).

novita catalog %s shows every field, its default and its allowed values.`,
			task.Description, training.MaxImages, task.Path, task.Path, task.Name),
		Example: "  $ " + example.Command(task),
		Args:    cmdutil.UsageArgs(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Images = append(o.Images, args...)
			o.JSON = f.Globals.JSON
			o.Fields = map[string]any{}
			for name, path := range o.flags {
				fl := cmd.Flags().Lookup(name)
				if !fl.Changed {
					continue
				}
				v, err := flagValue(cmd, fl.Name, task, path)
				if err != nil {
					return err
				}
				o.Fields[path] = v
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runStart(cmd.Context(), o)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&o.Images, "images", nil, "a training image (png, jpeg or webp); repeat it, or list more files after the flags")
	fs.StringArrayVar(&o.Captions, "caption", nil, "image caption: once for every image, or once per image in order")
	for i := range task.Params {
		p := &task.Params[i]
		if p.Flag == "" || p.Flag == "images" || p.Flag == "caption" {
			continue
		}
		o.flags[p.Flag] = p.Path
		usage := strings.TrimSuffix(catalog.FirstSentence(p.Description), ".")
		switch {
		case p.Type == catalog.ParamEnum && len(p.Enum) <= 8:
			usage += ": " + strings.Join(p.Enum, "|")
		case p.Type == catalog.ParamEnum:
			usage += " (novita catalog " + task.Name + " lists the values)"
		}
		if d := p.DefaultText(); d != "" {
			usage += " (default " + d + ")"
		}
		switch p.Type {
		case catalog.ParamInteger:
			fs.Int64(p.Flag, 0, usage)
		case catalog.ParamNumber:
			fs.Float64(p.Flag, 0, usage)
		case catalog.ParamBoolean:
			fs.Bool(p.Flag, false, usage)
		case catalog.ParamEnum:
			fs.String(p.Flag, "", usage)
			_ = cmd.RegisterFlagCompletionFunc(p.Flag, cmdutil.FixedCompletions(p.Enum...))
		default:
			fs.String(p.Flag, "", usage)
		}
	}
	fs.BoolVar(&o.Wait, "wait", false, "wait until the training ends and print the trained model name(s)")
	cmdutil.TimeoutFlag(cmd, &o.Timeout, "timeout", DefaultTimeout, "with --wait, how long to wait before giving up (the training goes on)")
	return cmd
}

// flagValue reads a spec flag as the JSON value of its field.
func flagValue(cmd *cobra.Command, name string, task catalog.Task, path string) (any, error) {
	p, _ := task.Param(path)
	fs := cmd.Flags()
	switch p.Type {
	case catalog.ParamInteger:
		return fs.GetInt64(name)
	case catalog.ParamNumber:
		return fs.GetFloat64(name)
	case catalog.ParamBoolean:
		return fs.GetBool(name)
	}
	return fs.GetString(name)
}

func runStart(ctx context.Context, o *Options) error {
	io := o.IO
	kind := catalog.TrainKind(o.Task.Path)
	req := training.Request{Captions: o.Captions, Fields: o.Fields}
	for _, p := range o.Images {
		b, err := os.ReadFile(o.Path(p))
		if err != nil {
			return clierr.Usagef("train %s: cannot read image %s: %v", kind, p, unwrapPathError(err))
		}
		req.Images = append(req.Images, training.Image{Path: p, Data: b})
	}
	plan, err := training.Prepare(o.Task, req)
	if err != nil {
		return err
	}
	api, err := cmdutil.NeedAPI(o.API)
	if err != nil {
		return err
	}
	id, err := training.Submit(ctx, api.Client, plan, func(i, n int, path string) {
		io.Statusf("uploading image %d/%d: %s", i, n, path)
	})
	if err != nil {
		return err
	}
	name, _ := plan.Body["name"].(string)
	if !o.Wait {
		io.Statusf("submitted %s training task %s; %s", kind, id, o.Follow.Advice.ResumeHint("novita train status "+id))
		if o.JSON {
			return iostreams.WriteJSON(io.Out, map[string]string{"task_id": id, "type": kind, "name": name})
		}
		fmt.Fprintln(io.Out, id)
		return nil
	}
	io.Statusf("submitted %s training task %s; waiting (Ctrl-C stops waiting; %s)", kind, id,
		o.Follow.Advice.ResumeHint("novita train status "+id+" --wait"))
	return o.Follow.waitAndPrint(ctx, api.Client, kind, id, o.Timeout, o.JSON)
}

// Follower is what following a training task to its end uses of the command line (train subject,
// style and status --wait).
type Follower struct {
	IO       *iostreams.IOStreams
	Clock    clock.Clock
	Schedule waiter.Schedule
	Advice   taskview.Advice // how to follow it again after a timeout or Ctrl-C
}

func newFollower(f *factory.Factory) Follower {
	return Follower{IO: f.IOStreams, Clock: f.Clock, Schedule: f.Schedule(), Advice: cmdutil.Advice(f)}
}

// waitAndPrint follows a task to its end, then prints the trained model names (or the status document).
func (fl Follower) waitAndPrint(ctx context.Context, api training.API, kind, id string, timeout time.Duration, asJSON bool) error {
	io := fl.IO
	last := ""
	t, err := training.Wait(ctx, api, fl.Clock, fl.Schedule, kind, id, timeout, func(t *novita.TrainingTask) {
		if line := statusLine(t); line != last {
			last = line
			io.Statusf("training %s: %s", id, line)
		}
	})
	if err != nil {
		if clierr.HintOf(err) == "" { // a timeout or Ctrl-C: the training goes on, say how to follow it
			err = clierr.WithHint(clierr.KindOf(err), err, fl.Advice.ResumeHint("novita train status "+id+" --wait"))
		}
		return clierr.About(err, clierr.Subject{TaskID: id})
	}
	if asJSON {
		if err := iostreams.WriteRawJSONLine(io.Out, t.Raw); err != nil {
			return err
		}
	} else {
		for _, m := range t.Models {
			fmt.Fprintln(io.Out, iostreams.Safe(m.ModelName))
		}
		if len(t.Models) == 0 && t.TaskStatus == novita.TrainingSuccess {
			io.Statusf("training %s succeeded but its status names no model yet: novita train list shows it later", id)
		}
	}
	if err := training.Result(t); err != nil {
		if asJSON {
			return clierr.Reported(err)
		}
		return err
	}
	return nil
}

// statusLine is one task's state in a few words: "TRAINING 40% (eta 12s)".
func statusLine(t *novita.TrainingTask) string {
	s := iostreams.Safe(t.TaskStatus)
	if t.TaskStatus == novita.TrainingTraining && t.Extra.ProgressPercent > 0 {
		s += fmt.Sprintf(" %.0f%%", t.Extra.ProgressPercent)
	}
	if t.Extra.ETARelative > 0 && !novita.TrainingFinal(t.TaskStatus) {
		s += fmt.Sprintf(" (eta %s)", time.Duration(t.Extra.ETARelative*float64(time.Second)).Round(time.Second))
	}
	for _, m := range t.Models {
		if m.ModelStatus != "" && m.ModelStatus != "SERVING" {
			s += "; model " + iostreams.Safe(m.ModelStatus)
		}
	}
	return s
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
