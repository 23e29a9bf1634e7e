package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/jpeg"
)

// MP4 renders n frames at w×h as an MJPEG video in an ISO BMFF (MP4) file: ftyp, mdat, moov.
// MJPEG (sample entry "jpeg") needs no video encoder beyond image/jpeg and every ffmpeg-based tool plays it.
func MP4(w, h, n, fps int, seed uint64) ([]byte, error) {
	if w <= 0 || h <= 0 || w > 0xffff || h > 0xffff || n <= 0 || fps <= 0 {
		return nil, fmt.Errorf("mp4: bad geometry %dx%d, %d frames at %d fps", w, h, n, fps)
	}
	var samples [][]byte
	for t := 0; t < n; t++ {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, frame(w, h, seed, 0, t, n), &jpeg.Options{Quality: 75}); err != nil {
			return nil, fmt.Errorf("mp4: encode frame %d: %w", t, err)
		}
		samples = append(samples, buf.Bytes())
	}
	return muxMJPEG(w, h, fps, samples), nil
}

// box is one ISO BMFF box under construction.
type box struct{ b []byte }

func newBox(typ string) *box { return &box{b: append(make([]byte, 4, 64), typ...)} }

func (x *box) u8(v uint8) *box   { x.b = append(x.b, v); return x }
func (x *box) u16(v uint16) *box { x.b = binary.BigEndian.AppendUint16(x.b, v); return x }
func (x *box) u32(v uint32) *box { x.b = binary.BigEndian.AppendUint32(x.b, v); return x }
func (x *box) str(s string) *box { x.b = append(x.b, s...); return x }
func (x *box) zeros(n int) *box  { x.b = append(x.b, make([]byte, n)...); return x }
func (x *box) kids(k ...*box) *box {
	for _, c := range k {
		x.b = append(x.b, c.bytes()...)
	}
	return x
}
func (x *box) bytes() []byte { binary.BigEndian.PutUint32(x.b, uint32(len(x.b))); return x.b }

// full starts a "full box" (version 0 + 24-bit flags).
func full(typ string, flags uint32) *box { return newBox(typ).u32(flags & 0xffffff) }

// matrix is the identity transformation matrix of mvhd/tkhd.
func matrix(x *box) *box {
	return x.u32(0x00010000).u32(0).u32(0).u32(0).u32(0x00010000).u32(0).u32(0).u32(0).u32(0x40000000)
}

func muxMJPEG(w, h, fps int, samples [][]byte) []byte {
	const timescale = 1000
	delta := uint32(timescale / fps)
	dur := delta * uint32(len(samples))
	ftyp := newBox("ftyp").str("isom").u32(0x200).str("isomiso2mp41").bytes()

	mdatSize := 8
	for _, s := range samples {
		mdatSize += len(s)
	}
	firstOffset := uint32(len(ftyp) + 8)

	mvhd := matrix(full("mvhd", 0).u32(0).u32(0).u32(timescale).u32(dur).u32(0x00010000).u16(0x0100).zeros(10)).zeros(24).u32(2)
	tkhd := matrix(full("tkhd", 3).u32(0).u32(0).u32(1).u32(0).u32(dur).zeros(8).u16(0).u16(0).u16(0).u16(0)).
		u32(uint32(w) << 16).u32(uint32(h) << 16)
	mdhd := full("mdhd", 0).u32(0).u32(0).u32(timescale).u32(dur).u16(0x55c4).u16(0) // language "und"
	hdlr := full("hdlr", 0).u32(0).str("vide").zeros(12).str("VideoHandler\x00")
	vmhd := full("vmhd", 1).u16(0).u16(0).u16(0).u16(0)
	dinf := newBox("dinf").kids(full("dref", 0).u32(1).kids(full("url ", 1)))

	name := "Photo - JPEG"
	entry := newBox("jpeg").zeros(6).u16(1). // reserved, data_reference_index
							u16(0).u16(0).zeros(12).u16(uint16(w)).u16(uint16(h)).
							u32(0x00480000).u32(0x00480000).u32(0).u16(1).
							u8(uint8(len(name))).str(name).zeros(31 - len(name)).
							u16(0x18).u16(0xffff)
	stsd := full("stsd", 0).u32(1).kids(entry)
	stts := full("stts", 0).u32(1).u32(uint32(len(samples))).u32(delta)
	stss := full("stss", 0).u32(uint32(len(samples)))
	for i := range samples {
		stss.u32(uint32(i + 1))
	}
	stsc := full("stsc", 0).u32(1).u32(1).u32(uint32(len(samples))).u32(1)
	stsz := full("stsz", 0).u32(0).u32(uint32(len(samples)))
	for _, s := range samples {
		stsz.u32(uint32(len(s)))
	}
	stco := full("stco", 0).u32(1).u32(firstOffset)
	stbl := newBox("stbl").kids(stsd, stts, stss, stsc, stsz, stco)
	minf := newBox("minf").kids(vmhd, dinf, stbl)
	mdia := newBox("mdia").kids(mdhd, hdlr, minf)
	trak := newBox("trak").kids(tkhd, mdia)
	moov := newBox("moov").kids(mvhd, trak).bytes()

	out := make([]byte, 0, len(ftyp)+mdatSize+len(moov))
	out = append(out, ftyp...)
	out = binary.BigEndian.AppendUint32(out, uint32(mdatSize))
	out = append(out, "mdat"...)
	for _, s := range samples {
		out = append(out, s...)
	}
	return append(out, moov...)
}
