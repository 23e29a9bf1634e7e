package app

import (
	"errors"

	"github.com/novita-cli/novita/pkg/clierr"
)

var errMissingKey = clierr.New(clierr.KindAuth,
	errors.New("no API key: set NOVITA_API_KEY or run: novita config set api_key (or try the offline simulator with --sandbox)"))
