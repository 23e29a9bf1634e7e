package words

import (
	"fmt"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/training"
)

// wordTraining words a training's refusals by the flags of `novita train`.
func wordTraining(err error) (string, bool) {
	if e, ok := as[*training.ImagesError](err); ok {
		switch e.Problem {
		case training.NoImages:
			return fmt.Sprintf("train %s: no images: give the training images with --images FILE (png, jpeg or webp; up to %d)", e.Kind, e.Max), true
		case training.TooManyImages:
			return fmt.Sprintf("train %s: %d images, but a training task takes at most %d: give fewer --images", e.Kind, e.Images, e.Max), true
		}
		return fmt.Sprintf("train %s: %d --caption for %d images: give one caption for every image, or one per image in the order of --images",
			e.Kind, e.Captions, e.Images), true
	}
	if e, ok := as[*training.FieldError](err); ok {
		how := "novita train sets it itself: report this"
		if e.Flag != "" {
			how = "set it with --" + e.Flag
		}
		if e.Violation.Kind == catalog.ViolationMissing {
			return fmt.Sprintf("%s: %s", e.Error(), how), true
		}
		return fmt.Sprintf("%s (%s)", e.Error(), how), true
	}
	return "", false
}
