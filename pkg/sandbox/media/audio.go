package media

import (
	"encoding/binary"
	"math"
)

// SampleRate of the generated speech: 16 kHz mono 16-bit PCM, like many TTS services' WAV output.
const SampleRate = 16000

// SpeechSeconds is how long Speech(text) lasts: a short lead-in plus 60 ms per character, so the audio
// length follows the text the way real speech would.
func SpeechSeconds(text string) float64 {
	return 0.2 + 0.06*float64(len([]rune(text)))
}

// Speech renders text as a WAV file: one short tone per character (pitch from the character and seed),
// silence for spaces. It is not speech, but it is valid audio whose duration grows with the text.
func Speech(text string, seed uint64) []byte {
	runes := []rune(text)
	total := int(SpeechSeconds(text) * SampleRate)
	per := int(0.06 * SampleRate)
	lead := total - per*len(runes)
	pcm := make([]byte, 2*total)
	base := 180 + float64(seed%97)
	for i, r := range runes {
		if r == ' ' {
			continue
		}
		freq := base + float64(int(r)%48)*12
		start := lead + i*per
		for j := 0; j < per-per/6; j++ { // a gap between tones keeps characters apart
			env := math.Min(1, math.Min(float64(j), float64(per-per/6-j))/80)
			v := int16(8000 * env * math.Sin(2*math.Pi*freq*float64(j)/SampleRate))
			binary.LittleEndian.PutUint16(pcm[2*(start+j):], uint16(v))
		}
	}
	return wav(pcm)
}

// wav wraps 16-bit mono PCM in a RIFF/WAVE header.
func wav(pcm []byte) []byte {
	b := make([]byte, 44, 44+len(pcm))
	le := binary.LittleEndian
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], uint32(36+len(pcm)))
	copy(b[8:], "WAVEfmt ")
	le.PutUint32(b[16:], 16)
	le.PutUint16(b[20:], 1) // PCM
	le.PutUint16(b[22:], 1) // mono
	le.PutUint32(b[24:], SampleRate)
	le.PutUint32(b[28:], SampleRate*2)
	le.PutUint16(b[32:], 2)
	le.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	le.PutUint32(b[40:], uint32(len(pcm)))
	return append(b, pcm...)
}
