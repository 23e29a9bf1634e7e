package media

import (
	"encoding/binary"
	"fmt"
)

// MP4 renders n frames at w×h as an H.264 Constrained Baseline video in an ISO BMFF (MP4) file: ftyp,
// moov (first, so a browser can start playing before the end arrives), mdat. See h264.go for the stream;
// every browser's <video> element and every ffmpeg-based tool plays it.
func MP4(w, h, n, fps int, seed uint64) ([]byte, error) {
	if w <= 0 || h <= 0 || w > 0xfff0 || h > 0xfff0 || n <= 0 || fps <= 0 {
		return nil, fmt.Errorf("mp4: bad geometry %dx%d, %d frames at %d fps", w, h, n, fps)
	}
	enc := newH264(w, h)
	samples := make([][]byte, 0, n)
	for t := 0; t < n; t++ {
		unit := enc.frame(frame(enc.w, enc.h, seed, 0, t, n))
		samples = append(samples, binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(unit)), uint32(len(unit))))
		samples[t] = append(samples[t], unit...)
	}
	return muxAVC(enc, fps, samples), nil
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

func muxAVC(enc *h264Stream, fps int, samples [][]byte) []byte {
	const timescale = 90000
	delta := uint32(timescale / fps)
	dur := delta * uint32(len(samples))
	w, h := enc.w, enc.h
	ftyp := newBox("ftyp").str("isom").u32(0x200).str("isomiso2avc1mp41").bytes()

	mdatSize := 8
	for _, s := range samples {
		mdatSize += len(s)
	}

	sps, pps := enc.sps(), enc.pps()
	avcC := newBox("avcC").u8(1).u8(sps[1]).u8(sps[2]).u8(sps[3]).
		u8(0xff). // lengthSizeMinusOne 3
		u8(0xe1).u16(uint16(len(sps))).str(string(sps)).
		u8(1).u16(uint16(len(pps))).str(string(pps))
	mvhd := matrix(full("mvhd", 0).u32(0).u32(0).u32(timescale).u32(dur).u32(0x00010000).u16(0x0100).zeros(10)).zeros(24).u32(2)
	tkhd := matrix(full("tkhd", 3).u32(0).u32(0).u32(1).u32(0).u32(dur).zeros(8).u16(0).u16(0).u16(0).u16(0)).
		u32(uint32(w) << 16).u32(uint32(h) << 16)
	mdhd := full("mdhd", 0).u32(0).u32(0).u32(timescale).u32(dur).u16(0x55c4).u16(0) // language "und"
	hdlr := full("hdlr", 0).u32(0).str("vide").zeros(12).str("VideoHandler\x00")
	vmhd := full("vmhd", 1).u16(0).u16(0).u16(0).u16(0)
	dinf := newBox("dinf").kids(full("dref", 0).u32(1).kids(full("url ", 1)))

	entry := newBox("avc1").zeros(6).u16(1). // reserved, data_reference_index
							u16(0).u16(0).zeros(12).u16(uint16(w)).u16(uint16(h)).
							u32(0x00480000).u32(0x00480000).u32(0).u16(1).
							zeros(32). // compressorname
							u16(0x18).u16(0xffff).kids(avcC)
	stsd := full("stsd", 0).u32(1).kids(entry)
	stts := full("stts", 0).u32(1).u32(uint32(len(samples))).u32(delta)
	stss := full("stss", 0).u32(1).u32(1) // the IDR; later frames are P frames
	stsc := full("stsc", 0).u32(1).u32(1).u32(uint32(len(samples))).u32(1)
	stsz := full("stsz", 0).u32(0).u32(uint32(len(samples)))
	for _, s := range samples {
		stsz.u32(uint32(len(s)))
	}
	moov := func(firstOffset uint32) []byte {
		stco := full("stco", 0).u32(1).u32(firstOffset)
		stbl := newBox("stbl").kids(stsd, stts, stss, stsc, stsz, stco)
		minf := newBox("minf").kids(vmhd, dinf, stbl)
		mdia := newBox("mdia").kids(mdhd, hdlr, minf)
		trak := newBox("trak").kids(tkhd, mdia)
		return newBox("moov").kids(mvhd, trak).bytes()
	}
	// moov's size does not depend on the offset it records: measure it, then write it for real.
	m := moov(uint32(len(ftyp) + len(moov(0)) + 8))

	out := make([]byte, 0, len(ftyp)+len(m)+mdatSize)
	out = append(out, ftyp...)
	out = append(out, m...)
	out = binary.BigEndian.AppendUint32(out, uint32(mdatSize))
	out = append(out, "mdat"...)
	for _, s := range samples {
		out = append(out, s...)
	}
	return out
}
