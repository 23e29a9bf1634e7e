package cmd

import (
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/wiring"
)

// BuildInfo is stamped into main by the linker.
type BuildInfo = factory.BuildInfo

// Deps is everything a command line takes from its surroundings; tests replace any of it. Its fields,
// the test hooks included, are stated once, in cmd/internal/wiring (wiring.Deps).
type Deps wiring.Deps

// factory turns the dependencies into the factory commands use.
func (d *Deps) factory() *factory.Factory { return wiring.FromDeps(wiring.Deps(*d)) }
