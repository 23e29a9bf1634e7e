package submit

import (
	"fmt"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// plannedCheck is what the output check knows of one request before it is sent: how many outputs it
// asks for, of which kind, and their extension when the body chooses it.
func (o *Options) plannedCheck(v download.Vars, outs lifecycle.Outputs, req map[string]any) download.Check {
	return download.Check{Vars: v, Overwrite: outs.Overwrite, JSON: o.JSON,
		Outputs: requestedOutputs(req), Kind: o.Task.OutputKind, Ext: requestedExt(req)}
}

// requestedExt is the extension the body's output type field gives, "" when it names none.
func requestedExt(req map[string]any) string {
	for _, path := range []string{"request.image_type", "image_type", "request.video_type", "video_type",
		"request.audio_type", "audio_type", "parameters.image_type", "parameters.format"} {
		if v, ok := jsonpath.Get(req, path); ok {
			if s, ok := v.(string); ok {
				return download.TypeExt(s)
			}
			return download.TypeExt(fmt.Sprint(v))
		}
	}
	return ""
}
