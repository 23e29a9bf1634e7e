package cmdutil

import (
	"errors"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
)

// ErrMissingKey is the auth error of a command that needs a key and has none.
// The fix is its hint, so --json carries it in the error document's "hint" as the README shows.
var ErrMissingKey = clierr.WithHint(clierr.KindAuth, errors.New("no API key"),
	"set NOVITA_API_KEY or run: novita config set api_key (or try the offline simulator with --sandbox)")

// NeedAPI resolves the API (the factory's API, as a command's options hold it) of a command that sends
// requests with a key: ErrMissingKey without one.
func NeedAPI(resolve func() (*factory.API, error)) (*factory.API, error) {
	api, err := resolve()
	if err != nil {
		return nil, err
	}
	if err := NeedKey(api); err != nil {
		return nil, err
	}
	return api, nil
}

// NeedKey returns ErrMissingKey when api has no key.
func NeedKey(api *factory.API) error {
	if api.Key == "" {
		return ErrMissingKey
	}
	return nil
}
