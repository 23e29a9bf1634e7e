package train

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/training"
)

// StatusOptions is what `novita train status` was asked to read.
type StatusOptions struct {
	IO      *iostreams.IOStreams
	API     func() (*factory.API, error)
	Follow  Follower // with --wait
	JSON    bool
	ID      string
	Type    string // subject, style, "" = try subject, then style
	Wait    bool
	Timeout time.Duration
}

func newCmdStatus(f *factory.Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	o := &StatusOptions{IO: f.IOStreams, API: f.API, Follow: newFollower(f)}
	cmd := &cobra.Command{
		Use:   "status TASK_ID",
		Short: "Show a training task's status and its trained models",
		Long: `Read a training task once (GET /v3/training/<type>?task_id=): its status (QUEUING, TRAINING,
SUCCESS, FAILED, CANCELED), progress and the trained model names with their state (a model is
usable once SERVING). Without --type, the subject endpoint is asked first, then the style one.
With --wait, follow the task until it ends, as train subject --wait does (exit 3 if it failed).
With --json, the API's document as it came.`,
		Example: `  $ novita train status 8f2c0d5e-...
  $ novita train status 8f2c0d5e-... --type style --wait`,
		Args: cmdutil.UsageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID = strings.TrimSpace(args[0])
			if o.ID == "" || iostreams.Safe(o.ID) != o.ID {
				return clierr.WithHint(clierr.KindUsage, fmt.Errorf("train status: %q is not a task id", iostreams.Safe(args[0])),
					"novita train list shows the ids of your training tasks")
			}
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runStatus(cmd.Context(), o)
		},
	}
	cmdutil.StringEnumFlag(cmd, &o.Type, "type", "", "", []string{training.KindSubject, training.KindStyle},
		"the kind of training (default: ask subject, then style)")
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "wait until the training ends and print the trained model name(s)")
	cmdutil.TimeoutFlag(cmd, &o.Timeout, "timeout", DefaultTimeout, "with --wait, how long to wait before giving up")
	return cmd
}

func runStatus(ctx context.Context, o *StatusOptions) error {
	io := o.IO
	api, err := cmdutil.NeedAPI(o.API)
	if err != nil {
		return err
	}
	t, kind, err := training.Status(ctx, api.Client, o.Type, o.ID)
	if err != nil {
		return clierr.About(err, clierr.Subject{TaskID: o.ID})
	}
	if o.Wait && !training.Done(t) {
		return o.Follow.waitAndPrint(ctx, api.Client, kind, o.ID, o.Timeout, o.JSON)
	}
	if o.JSON {
		return iostreams.WriteRawJSONLine(io.Out, t.Raw)
	}
	w := io.Out
	fmt.Fprintf(w, "task      %s\n", iostreams.Safe(o.ID))
	fmt.Fprintf(w, "type      %s\n", kind)
	fmt.Fprintf(w, "status    %s\n", statusLine(t))
	for _, m := range t.Models {
		fmt.Fprintf(w, "model     %s (%s)\n", iostreams.Safe(m.ModelName), iostreams.Safe(m.ModelStatus))
	}
	if o.Wait {
		return training.Result(t)
	}
	return nil
}
