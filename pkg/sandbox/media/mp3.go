package media

import "math"

// MP3 frames: MPEG-1 Layer III, 32 kHz mono at 128 kbit/s (MiniMax speech's defaults), no CRC. Each
// frame is 576 bytes and 1152 samples (36 ms). The frames are silent: side information and main data
// all zero decode to silence in every decoder, which is what a simulator needs (a real file of the
// right length and type), without a psychoacoustic encoder.
const (
	mp3Rate       = 32000
	mp3FrameBytes = 144 * 128000 / mp3Rate
	mp3FrameSamps = 1152
)

// mp3Header: sync, MPEG-1, Layer III, no CRC | bitrate 128 kbit/s (index 9), 32 kHz (index 2), no
// padding | mono, original.
var mp3Header = [4]byte{0xff, 0xfb, 0x98, 0xc4}

// SpeechMP3 is Speech as MP3: as many frames as SpeechSeconds(text) needs.
func SpeechMP3(text string) []byte {
	n := int(math.Ceil(SpeechSeconds(text) * mp3Rate / mp3FrameSamps))
	out := make([]byte, n*mp3FrameBytes)
	for i := 0; i < n; i++ {
		copy(out[i*mp3FrameBytes:], mp3Header[:])
	}
	return out
}

// SpeechPCM is Speech as raw 16-bit little-endian mono PCM at SampleRate (the "pcm" format).
func SpeechPCM(text string, seed uint64) []byte {
	return Speech(text, seed)[44:]
}
