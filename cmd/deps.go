package cmd

import (
	"github.com/novita-cli/novita/cmd/factory"
)

// BuildInfo is stamped into main by the linker.
type BuildInfo = factory.BuildInfo

// Deps is everything a command line takes from its surroundings; tests replace any of it. Its fields,
// the test hooks included, are stated once, in cmd/factory (factory.Deps).
type Deps factory.Deps

// factory turns the dependencies into the factory commands use.
func (d *Deps) factory() *factory.Factory { return factory.FromDeps(factory.Deps(*d)) }
