package submit

import (
	"context"
	"errors"
	"time"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// balanceTimeout bounds PrintBalance: the balance is a courtesy before a batch, not worth a long wait.
const balanceTimeout = 10 * time.Second

// PrintBalance writes the available balance as a status line (submit --batch prints it before the
// first task) when a key is set. Any failure is one warning line: it never stops the caller.
// Failures are told through io, with secrets scrubbed (scrub).
func PrintBalance(ctx context.Context, io *iostreams.IOStreams, scrub func(string) string, api *factory.API) {
	if api.Key == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, balanceTimeout)
	defer cancel()
	bal, err := api.Client.Balance(ctx)
	switch {
	case err != nil && errors.Is(err, context.Canceled):
		return // Ctrl-C: the caller reports it
	case err != nil:
		io.Warnf("could not read the account balance: %s", iostreams.Safe(scrub(err.Error())))
	case bal.Available <= 0:
		io.Warnf("the available balance is %s: paid tasks will fail with BILLING_BALANCE_NOT_ENOUGH (top up the account)", bal.Available.USD())
	default:
		io.Statusf("balance: %s available", bal.Available.USD())
	}
}
