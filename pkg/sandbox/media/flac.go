package media

import "encoding/binary"

// SpeechFLAC is Speech as FLAC: 16 kHz mono 16-bit, fixed 4096-sample blocks, each one VERBATIM
// subframe (no prediction: the file is as large as the WAV, but every FLAC decoder reads it).
func SpeechFLAC(text string, seed uint64) []byte {
	pcm := Speech(text, seed)[44:]
	total := len(pcm) / 2
	const block = 4096
	var w bitWriter
	w.b = append(w.b, "fLaC"...)
	w.bit(1)     // last metadata block
	w.bits(0, 7) // STREAMINFO
	w.bits(34, 24)
	w.bits(block, 16)
	w.bits(block, 16)
	w.bits(0, 24) // min frame size unknown
	w.bits(0, 24) // max frame size unknown
	w.bits(SampleRate, 20)
	w.bits(0, 3)  // channels - 1
	w.bits(15, 5) // bits per sample - 1
	w.bits(uint32(uint64(total)>>32), 4)
	w.bits(uint32(total), 32)
	w.b = append(w.b, make([]byte, 16)...) // MD5 unknown
	for n, start := 0, 0; start < total; n, start = n+1, start+block {
		size := min(block, total-start)
		frameStart := len(w.b)
		w.bits(0b11111111111110, 14)
		w.bits(0, 2) // reserved, fixed block size
		if size == block {
			w.bits(0b1100, 4) // 4096
		} else {
			w.bits(0b0111, 4) // 16-bit (size-1) follows
		}
		w.bits(0b0101, 4) // 16 kHz
		w.bits(0, 4)      // mono
		w.bits(0b100, 3)  // 16 bits per sample
		w.bit(0)
		w.b = append(w.b, utf8Number(uint32(n))...)
		if size != block {
			w.bits(uint32(size-1), 16)
		}
		w.b = append(w.b, crc8(w.b[frameStart:]))
		w.bit(0)
		w.bits(1, 6) // VERBATIM
		w.bit(0)     // no wasted bits
		for i := 0; i < size; i++ {
			w.bits(uint32(binary.LittleEndian.Uint16(pcm[2*(start+i):])), 16)
		}
		w.align()
		w.b = binary.BigEndian.AppendUint16(w.b, crc16(w.b[frameStart:]))
	}
	return w.b
}

// utf8Number codes a frame number the way FLAC does (UTF-8's scheme, extended to 36 bits).
func utf8Number(n uint32) []byte {
	if n < 0x80 {
		return []byte{byte(n)}
	}
	return []byte(string(rune(n))) // frame numbers stay far below the surrogate range in practice
}

func crc8(b []byte) byte {
	var c byte
	for _, x := range b {
		c ^= x
		for i := 0; i < 8; i++ {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

func crc16(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c ^= uint16(x) << 8
		for i := 0; i < 8; i++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x8005
			} else {
				c <<= 1
			}
		}
	}
	return c
}
