// Package balance is the `novita balance` command: the account's balance in USD.
package balance

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
)

// Options is what `novita balance` uses: its streams, the API, and --json (gh's shape: what the
// command needs, not the whole factory).
type Options struct {
	IO   *iostreams.IOStreams
	API  func() (*factory.API, error)
	JSON bool
}

// NewCmdBalance builds `novita balance`; runF replaces the run function in tests.
func NewCmdBalance(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, API: f.API}
	return &cobra.Command{
		Use:   "balance",
		Short: "Show the account balance in USD",
		Long: `Show what the account can spend now (available), its remaining top-up (cash), the credit
limit and the outstanding invoices, in USD to the API's precision of $0.0001. With --json, the
API's answer is printed as it came (amounts are strings in units of 0.0001 USD).`,
		Example: `  $ novita balance
  $ novita balance --json`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runBalance(cmd.Context(), o)
		},
	}
}

func runBalance(ctx context.Context, o *Options) error {
	api, err := o.API()
	if err != nil {
		return err
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	bal, err := api.Client.Balance(ctx)
	if err != nil {
		return err
	}
	if o.JSON {
		return iostreams.WriteRawJSONLine(o.IO.Out, bal.Raw)
	}
	printBalance(o.IO, bal)
	return nil
}

// printBalance writes one labelled amount per line, amounts aligned on the right; on a terminal the
// available amount is green, or red when nothing can be spent.
func printBalance(ios *iostreams.IOStreams, bal *novita.Balance) {
	lines := bal.Lines()
	labelW, amountW := 0, 0
	for _, l := range lines {
		labelW, amountW = max(labelW, len(l.Label)), max(amountW, len(l.Amount.USD()))
	}
	cs := ios.ColorScheme()
	for i, l := range lines {
		amount := fmt.Sprintf("%*s", amountW, l.Amount.USD())
		if i == 0 {
			if l.Amount > 0 {
				amount = cs.Green(amount)
			} else {
				amount = cs.Red(amount)
			}
		}
		fmt.Fprintf(ios.Out, "%-*s  %s\n", labelW, l.Label, amount)
	}
}
