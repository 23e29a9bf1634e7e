// Package models owns what the CLI knows of Novita's model list beyond one API call: walking every page
// of GET /v3/model safely (a cursor loop or a repeated page stops with ErrPagingLoop), hiding
// unavailable models, the local cache of the whole list ($XDG_CACHE_HOME/novita/models.json, fresh for
// a day, written atomically, never fatal when broken), shell completion of model names by kind, and the
// "did you mean" warning for a model name that a fresh cache does not know.
//
// It prints nothing: callers get values, messages and progress callbacks. Completion reads the cache
// only; nothing here reaches the network unless the caller passes a Lister.
package models
