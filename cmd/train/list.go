package train

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/training"
)

// ListOptions is what `novita train list` was asked to show.
type ListOptions struct {
	IO     *iostreams.IOStreams
	API    func() (*factory.API, error)
	JSON   bool
	Limit  int
	Cursor string
}

func newCmdList(f *factory.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	o := &ListOptions{IO: f.IOStreams, API: f.API}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your training tasks and their trained models",
		Long: `List the account's training tasks (GET /v3/training), newest first as the API orders them: id,
name, type, status, when it was created and the trained models. --limit bounds how many (pages of
up to 100 are followed); when more remain, the cursor to go on from is printed on stderr
(--cursor). With --json, one line per task (NDJSON) as the API sent it.`,
		Example: `  $ novita train list
  $ novita train list --limit 200 --json | jq -r 'select(.task_status == "SUCCESS") | .models[].model_name'`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Limit <= 0 {
				return clierr.Usagef("--limit must be at least 1, got %d", o.Limit)
			}
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runList(cmd.Context(), o)
		},
	}
	cmd.Flags().IntVar(&o.Limit, "limit", 20, "how many tasks to list at most")
	cmd.Flags().StringVar(&o.Cursor, "cursor", "", "go on from this cursor (printed by an earlier list)")
	return cmd
}

func runList(ctx context.Context, o *ListOptions) error {
	io := o.IO
	api, err := cmdutil.NeedAPI(o.API)
	if err != nil {
		return err
	}
	tasks, next, err := training.List(ctx, api.Client, o.Limit, o.Cursor)
	if err != nil {
		return err
	}
	if o.JSON {
		for _, t := range tasks {
			if err := iostreams.WriteRawJSONLine(io.Out, t.Raw); err != nil {
				return err
			}
		}
	} else {
		tb := iostreams.NewTable(iostreams.Column{Header: "ID", Keep: true}, iostreams.Column{Header: "NAME"},
			iostreams.Column{Header: "TYPE"}, iostreams.Column{Header: "STATUS"}, iostreams.Column{Header: "CREATED"},
			iostreams.Column{Header: "MODELS", Wrap: true})
		for _, t := range tasks {
			var models []string
			for _, m := range t.Models {
				models = append(models, iostreams.Safe(m.ModelName))
			}
			created := "-"
			if t.CreatedAt > 0 {
				created = time.Unix(t.CreatedAt, 0).UTC().Format("2006-01-02 15:04")
			}
			tb.Row(iostreams.Safe(t.TaskID), iostreams.Safe(t.TaskName), iostreams.Safe(t.TaskType), iostreams.Safe(t.TaskStatus),
				created, strings.Join(models, ", "))
		}
		if err := tb.Render(io.Out, io.TableWidth()); err != nil {
			return err
		}
		io.Statusf("%s", iostreams.Count(len(tasks), "training task"))
	}
	if next != "" {
		io.Statusf("more remain: novita train list --cursor %s", iostreams.Safe(next))
	}
	return nil
}
