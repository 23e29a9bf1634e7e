package training

import (
	"fmt"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
)

// ImagesProblem is what is wrong with a training's images or captions.
type ImagesProblem int

const (
	NoImages      ImagesProblem = iota + 1 // no image given
	TooManyImages                          // more than Max
	CaptionCount                           // several captions, not one per image
)

// ImagesError is a set of images (and captions) a training cannot take.
type ImagesError struct {
	Problem          ImagesProblem
	Kind             string // the training type: "subject"
	Images, Captions int
	Max              int
}

func (e *ImagesError) Error() string {
	switch e.Problem {
	case NoImages:
		return fmt.Sprintf("train %s: no images: give the training images (png, jpeg or webp; up to %d)", e.Kind, e.Max)
	case TooManyImages:
		return fmt.Sprintf("train %s: %d images, but a training task takes at most %d: give fewer images", e.Kind, e.Images, e.Max)
	}
	return fmt.Sprintf("train %s: %d captions for %d images: give one caption for every image, or one per image in their order",
		e.Kind, e.Captions, e.Images)
}

// ExitKind is usage: the training was given wrong.
func (e *ImagesError) ExitKind() clierr.Kind { return clierr.KindUsage }

// FieldError is one field of a training body that breaks its spec. Flag is the spec flag that sets it
// ("" when the training fills it in itself: then the fault is ours, not the user's).
type FieldError struct {
	Kind      string
	Violation *catalog.Violation
	Flag      string
}

func (e *FieldError) Error() string {
	v := e.Violation
	if v.Kind == catalog.ViolationMissing {
		return fmt.Sprintf("train %s: missing %s", e.Kind, v.Path)
	}
	return fmt.Sprintf("train %s: %s %s", e.Kind, v.Path, v.Problem)
}

// ExitKind is usage: the training was given wrong.
func (e *FieldError) ExitKind() clierr.Kind { return clierr.KindUsage }
