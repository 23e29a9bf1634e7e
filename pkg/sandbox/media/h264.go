package media

import (
	"image"
)

// The video encoder writes H.264 Constrained Baseline without any transform coding: every macroblock
// that changed since the previous frame is sent raw as I_PCM (384 bytes), every other one is skipped
// (P_Skip with a zero motion vector copies it). The first frame is an IDR of I_PCM macroblocks. Any
// conforming decoder (browsers, ffmpeg, phones) plays this, and it needs no DCT, no entropy tables and
// no rate control; deblocking is switched off so a skipped block is an exact copy.

// bitWriter writes an RBSP most significant bit first.
type bitWriter struct {
	b    []byte
	cur  byte
	nbit uint
}

func (w *bitWriter) bit(v uint32) {
	w.cur = w.cur<<1 | byte(v&1)
	w.nbit++
	if w.nbit == 8 {
		w.b = append(w.b, w.cur)
		w.cur, w.nbit = 0, 0
	}
}

func (w *bitWriter) bits(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		w.bit(v >> uint(i))
	}
}

// ue is Exp-Golomb unsigned.
func (w *bitWriter) ue(v uint32) {
	x := v + 1
	n := 0
	for t := x; t > 1; t >>= 1 {
		n++
	}
	w.bits(0, n)
	w.bits(x, n+1)
}

// se is Exp-Golomb signed.
func (w *bitWriter) se(v int32) {
	if v <= 0 {
		w.ue(uint32(-2 * v))
	} else {
		w.ue(uint32(2*v - 1))
	}
}

func (w *bitWriter) aligned() bool { return w.nbit == 0 }

// align pads with zero bits (pcm_alignment_zero_bit).
func (w *bitWriter) align() {
	for !w.aligned() {
		w.bit(0)
	}
}

// trailing writes rbsp_trailing_bits: a one, then zeros to the byte boundary.
func (w *bitWriter) trailing() []byte {
	w.bit(1)
	w.align()
	return w.b
}

// nal wraps an RBSP in a NAL unit header and inserts emulation prevention bytes (00 00 0x → 00 00 03 0x).
func nal(refIdc, typ byte, rbsp []byte) []byte {
	out := make([]byte, 0, len(rbsp)+len(rbsp)/64+2)
	out = append(out, refIdc<<5|typ)
	zeros := 0
	for _, c := range rbsp {
		if zeros >= 2 && c <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// h264Stream is an encoder for one w×h sequence.
type h264Stream struct {
	w, h     int // display size (even)
	mbw, mbh int
	prev     [][]byte // per macroblock: the 384 PCM bytes sent last
	frameNum uint32
}

const log2MaxFrameNum = 4

func newH264(w, h int) *h264Stream {
	w, h = w+w%2, h+h%2
	return &h264Stream{w: w, h: h, mbw: (w + 15) / 16, mbh: (h + 15) / 16}
}

// level is the smallest H.264 level whose frame size limit (MaxFS, in macroblocks) holds the picture.
func (s *h264Stream) level() byte {
	fs := s.mbw * s.mbh
	for _, l := range []struct {
		idc byte
		max int
	}{{10, 99}, {20, 396}, {30, 1620}, {31, 3600}, {32, 5120}, {40, 8192}, {50, 22080}, {51, 36864}} {
		if fs <= l.max {
			return l.idc
		}
	}
	return 62
}

// sps is the sequence parameter set: Constrained Baseline, picture order type 2, one reference frame,
// cropping to the display size.
func (s *h264Stream) sps() []byte {
	var w bitWriter
	w.bits(66, 8)         // profile_idc: Baseline
	w.bits(0b11000000, 8) // constraint_set0 and set1: Constrained Baseline
	w.bits(uint32(s.level()), 8)
	w.ue(0)                   // seq_parameter_set_id
	w.ue(log2MaxFrameNum - 4) // log2_max_frame_num_minus4
	w.ue(2)                   // pic_order_cnt_type
	w.ue(1)                   // max_num_ref_frames
	w.bit(0)                  // gaps_in_frame_num_value_allowed_flag
	w.ue(uint32(s.mbw - 1))   // pic_width_in_mbs_minus1
	w.ue(uint32(s.mbh - 1))   // pic_height_in_map_units_minus1
	w.bit(1)                  // frame_mbs_only_flag
	w.bit(1)                  // direct_8x8_inference_flag
	cropR, cropB := (s.mbw*16-s.w)/2, (s.mbh*16-s.h)/2
	if cropR > 0 || cropB > 0 {
		w.bit(1)
		w.ue(0)
		w.ue(uint32(cropR))
		w.ue(0)
		w.ue(uint32(cropB))
	} else {
		w.bit(0)
	}
	w.bit(0) // vui_parameters_present_flag
	return nal(3, 7, w.trailing())
}

// pps is the picture parameter set: CAVLC, QP 26, deblocking control present (slices switch it off).
func (s *h264Stream) pps() []byte {
	var w bitWriter
	w.ue(0)      // pic_parameter_set_id
	w.ue(0)      // seq_parameter_set_id
	w.bit(0)     // entropy_coding_mode_flag: CAVLC
	w.bit(0)     // bottom_field_pic_order_in_frame_present_flag
	w.ue(0)      // num_slice_groups_minus1
	w.ue(0)      // num_ref_idx_l0_default_active_minus1
	w.ue(0)      // num_ref_idx_l1_default_active_minus1
	w.bit(0)     // weighted_pred_flag
	w.bits(0, 2) // weighted_bipred_idc
	w.se(0)      // pic_init_qp_minus26
	w.se(0)      // pic_init_qs_minus26
	w.se(0)      // chroma_qp_index_offset
	w.bit(1)     // deblocking_filter_control_present_flag
	w.bit(0)     // constrained_intra_pred_flag
	w.bit(0)     // redundant_pic_cnt_present_flag
	return nal(3, 8, w.trailing())
}

// pcm converts macroblock (mx, my) of img to its I_PCM samples: 256 luma, 64 Cb, 64 Cr, BT.601
// limited range, chroma averaged over 2×2. Samples are kept ≥ 1 (older decoders reject 0 in PCM).
func pcm(img *image.NRGBA, mx, my int) []byte {
	out := make([]byte, 384)
	b := img.Bounds()
	at := func(x, y int) (r, g, bl float64) {
		x, y = min(x, b.Dx()-1), min(y, b.Dy()-1)
		p := img.Pix[y*img.Stride+x*4:]
		return float64(p[0]), float64(p[1]), float64(p[2])
	}
	clamp := func(v float64) byte { return byte(max(1, min(255, int(v+0.5)))) }
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			r, g, bl := at(mx*16+x, my*16+y)
			out[y*16+x] = clamp(16 + (65.481*r+128.553*g+24.966*bl)/255)
		}
	}
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			var r, g, bl float64
			for d := 0; d < 4; d++ {
				rr, gg, bb := at(mx*16+2*x+d%2, my*16+2*y+d/2)
				r, g, bl = r+rr/4, g+gg/4, bl+bb/4
			}
			out[256+y*8+x] = clamp(128 + (-37.797*r-74.203*g+112*bl)/255)
			out[320+y*8+x] = clamp(128 + (112*r-93.786*g-18.214*bl)/255)
		}
	}
	return out
}

// frame encodes one picture as one slice NAL unit. The first is an IDR; later ones are P slices
// where unchanged macroblocks are skipped.
func (s *h264Stream) frame(img *image.NRGBA) []byte {
	idr := s.prev == nil
	if idr {
		s.prev = make([][]byte, s.mbw*s.mbh)
		s.frameNum = 0
	}
	var w bitWriter
	w.ue(0) // first_mb_in_slice
	if idr {
		w.ue(7) // slice_type: I (all slices)
	} else {
		w.ue(5) // slice_type: P (all slices)
	}
	w.ue(0) // pic_parameter_set_id
	w.bits(s.frameNum, log2MaxFrameNum)
	if idr {
		w.ue(0) // idr_pic_id
	} else {
		w.bit(0) // num_ref_idx_active_override_flag
		w.bit(0) // ref_pic_list_modification_flag_l0
	}
	if idr {
		w.bit(0) // no_output_of_prior_pics_flag
		w.bit(0) // long_term_reference_flag
	} else {
		w.bit(0) // adaptive_ref_pic_marking_mode_flag
	}
	w.se(0) // slice_qp_delta
	w.ue(1) // disable_deblocking_filter_idc: off
	skip := uint32(0)
	for i := range s.prev {
		mb := pcm(img, i%s.mbw, i/s.mbw)
		if !idr && string(mb) == string(s.prev[i]) {
			skip++
			continue
		}
		s.prev[i] = mb
		if idr {
			w.ue(25) // mb_type I_PCM in an I slice
		} else {
			w.ue(skip) // mb_skip_run
			skip = 0
			w.ue(5 + 25) // mb_type I_PCM in a P slice
		}
		w.align()
		w.b = append(w.b, mb...)
	}
	if !idr && skip > 0 {
		w.ue(skip)
	}
	s.frameNum = (s.frameNum + 1) % (1 << log2MaxFrameNum)
	if idr {
		return nal(3, 5, w.trailing())
	}
	return nal(2, 1, w.trailing())
}
