//! AVX-512 form of the candidate pass of the duplicated n-gram measure (`Fast::dup_candidates`),
//! 16 positions at a time. It returns how far it got; the caller finishes with the scalar code,
//! whose output this equals (a test compares both).

/// Whether this CPU runs [`dup_candidates`] (checked once by std, then an atomic load).
#[inline]
pub(super) fn available() -> bool {
    crate::cpu::has(crate::cpu::Avx512::F)
}

/// The candidate positions `i` in `0..end` (in whole blocks of 16) of `n`-grams, appended to
/// `cands`: `i` is kept when the gram `off[i]..off[i + n]` is under 16 bytes, or when the window
/// flags at both ends say it may repeat (16-byte windows below 32 bytes, 32-byte ones from 32:
/// bits 0/1 and 2/3 of `flags`, see `Fast::prepare_cat`). Returns the positions done (a multiple
/// of 16). Needs `end + n <= off.len()`, `end + n <= flags.len()`.
///
/// # Safety
/// The CPU must have AVX-512F ([`available`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,popcnt")]
#[allow(clippy::cast_ptr_alignment, reason = "loadu takes unaligned pointers")]
pub(super) unsafe fn dup_candidates(
    off: &[u32],
    flags: &[u8],
    n: usize,
    end: usize,
    cands: &mut Vec<u32>,
) -> usize {
    use core::arch::x86_64::{
        __m128i, __m512i, _mm512_add_epi32, _mm512_and_si512, _mm512_cmpge_epu32_mask,
        _mm512_cmplt_epu32_mask, _mm512_cvtepu8_epi32, _mm512_loadu_si512, _mm512_mask_blend_epi32,
        _mm512_maskz_compress_epi32, _mm512_set1_epi32, _mm512_setr_epi32, _mm512_srli_epi32,
        _mm512_storeu_si512, _mm512_sub_epi32, _mm512_test_epi32_mask, _mm_loadu_si128,
    };
    let end = end
        .min(off.len().saturating_sub(n))
        .min(flags.len().saturating_sub(n));
    let blocks = end / 16;
    // 16 slots of slack: every block stores 16 lanes.
    cands.reserve(16 * blocks + 16);
    let mut len = cands.len();
    // SAFETY: (all below) block k reads off[16k..16k + 16] and off[16k + n..16k + n + 16]
    // (16k + 16 + n <= end + n <= off.len()), likewise 16 bytes of `flags` at both places;
    // each store writes 16 u32 at `cands[len..]` with len <= (initial len + 16k), within the
    // capacity reserved above, and `set_len` covers exactly the kept values written.
    unsafe {
        let one = _mm512_set1_epi32(1);
        let sixteen = _mm512_set1_epi32(16);
        let thirty_two = _mm512_set1_epi32(32);
        let mut pos = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        let step = _mm512_set1_epi32(16);
        let out = cands.as_mut_ptr();
        for k in 0..blocks {
            let i = 16 * k;
            let a = _mm512_loadu_si512(off.as_ptr().add(i).cast::<__m512i>());
            let b = _mm512_loadu_si512(off.as_ptr().add(i + n).cast::<__m512i>());
            let fa = _mm512_cvtepu8_epi32(_mm_loadu_si128(flags.as_ptr().add(i).cast::<__m128i>()));
            let fb =
                _mm512_cvtepu8_epi32(_mm_loadu_si128(flags.as_ptr().add(i + n).cast::<__m128i>()));
            // Lengths modulo 2^32, as in the scalar pass.
            let glen = _mm512_sub_epi32(b, a);
            let ok16 = _mm512_and_si512(fa, _mm512_srli_epi32::<1>(fb));
            let ok32 = _mm512_and_si512(_mm512_srli_epi32::<2>(fa), _mm512_srli_epi32::<3>(fb));
            let ok = _mm512_mask_blend_epi32(_mm512_cmpge_epu32_mask(glen, thirty_two), ok16, ok32);
            let keep = _mm512_cmplt_epu32_mask(glen, sixteen) | _mm512_test_epi32_mask(ok, one);
            // Compress in a register and store 16 lanes (a compressing store to memory is
            // microcoded on Zen 4, ~10x slower); the lanes past the kept ones are overwritten
            // by the next block or left in spare capacity.
            let kept = _mm512_maskz_compress_epi32(keep, pos);
            _mm512_storeu_si512(out.add(len).cast::<__m512i>(), kept);
            len += keep.count_ones() as usize;
            pos = _mm512_add_epi32(pos, step);
        }
        cands.set_len(len);
    }
    16 * blocks
}

/// Without x86-64 nothing is done here: [`available`] is false.
///
/// # Safety
/// None needed.
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn dup_candidates(
    _: &[u32],
    _: &[u8],
    _: usize,
    _: usize,
    _: &mut Vec<u32>,
) -> usize {
    0
}

/// Where [`words8`] appends its per-word values (the columns of `Fast::new`).
pub(super) struct WordColumns<'a> {
    pub cp: &'a mut Vec<u64>,
    pub off: &'a mut Vec<usize>,
    pub tags: &'a mut Vec<u32>,
    pub slots: &'a mut Vec<u32>,
    pub approx: &'a mut [u16],
}

/// The per-word work of `Fast::new` for the 8 `words`, all of at most 16 bytes and lying in
/// `text` with 16 readable bytes from their start (None, with nothing done, otherwise): each
/// word's code point and byte offsets before it (from `c`, `o`), its 16 bytes copied to `buf`
/// at its offset (bytes past its end are overwritten by the next word, or by the padding
/// `Fast::new` writes last), its hash's tag and counter slot (`slot_mask`), and the counter
/// incremented. Returns the code point and byte offsets after the 8, and whether one holds a
/// space. Values are those of the scalar loop, bit for bit (a test compares them).
///
/// # Safety
/// The CPU must have AVX-512F and AVX-512DQ ([`available_words`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2")]
#[allow(
    clippy::cast_ptr_alignment,
    reason = "loadu/storeu take unaligned pointers"
)]
pub(super) unsafe fn words8(
    text: &[u8],
    words: &[&str],
    buf: &mut [u8],
    (c, o): (u64, usize),
    slot_mask: usize,
    cols: &mut WordColumns<'_>,
) -> Option<(u64, usize, bool)> {
    use core::arch::x86_64::{
        __m128i, __m256i, __m512i, _mm256_storeu_si256, _mm512_add_epi64, _mm512_alignr_epi64,
        _mm512_and_si512, _mm512_andnot_si512, _mm512_cmpeq_epi8_mask, _mm512_cvtepi64_epi32,
        _mm512_max_epu64, _mm512_mullo_epi64, _mm512_permutex2var_epi64, _mm512_rol_epi64,
        _mm512_sad_epu8, _mm512_set1_epi64, _mm512_set1_epi8, _mm512_set_epi64,
        _mm512_setzero_si512, _mm512_slli_epi64, _mm512_sllv_epi64, _mm512_srli_epi64,
        _mm512_storeu_si512, _mm512_sub_epi64, _mm512_xor_si512, _mm_loadu_si128, _mm_storeu_si128,
    };
    const K: u64 = super::fast::K;
    const G: u64 = super::fast::MIX;
    let ws: &[&str; 8] = words.try_into().ok()?;
    let at = crate::lanes::in_text8(text, ws)?;
    let lens: [u64; 8] = std::array::from_fn(|j| ws[j].len() as u64);
    let total: usize = ws.iter().map(|w| w.len()).sum();
    // Offsets of the 8 words, and room for the last one's 16-byte store.
    if o + total + 16 > buf.len() {
        return None;
    }
    // Room for 8 more values in each column, made before any vector work (a call that may
    // grow a Vec would spill the live vector registers).
    cols.cp.reserve(8);
    cols.off.reserve(8);
    cols.tags.reserve(8);
    cols.slots.reserve(8);
    let splat = |x: u64| _mm512_set1_epi64(x as i64);
    // SAFETY: (all below) each 16-byte load reads text[at[j]..at[j] + 16], checked above; each
    // 16-byte store writes buf[p..p + 16] with p + 16 <= o + total + 16 <= buf.len(); the
    // 64-byte stores write local arrays of 8 u64, or 8 values into the room just reserved at
    // the end of a column (`set_len` then covers exactly them).
    unsafe {
        let ld = |j: usize| _mm_loadu_si128(text.as_ptr().add(at[j]).cast::<__m128i>());
        let x: [__m128i; 8] = std::array::from_fn(ld);
        let mut p = o;
        for j in 0..8 {
            _mm_storeu_si128(buf.as_mut_ptr().add(p).cast::<__m128i>(), x[j]);
            p += ws[j].len();
        }
        let four = |k: usize| crate::lanes::join4([x[k], x[k + 1], x[k + 2], x[k + 3]]);
        let (a, b) = (four(0), four(4));
        let k0 = _mm512_permutex2var_epi64(a, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), b);
        let k1 = _mm512_permutex2var_epi64(a, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), b);
        let len = core::arch::x86_64::_mm512_loadu_si512(lens.as_ptr().cast::<__m512i>());
        // The first `len` bytes: `~(!0 << 8 * len)`; for the second word `8 * (len - 8)` (a
        // shift of 64 or more gives 0: all ones).
        let ones = splat(u64::MAX);
        let m0 = _mm512_andnot_si512(_mm512_sllv_epi64(ones, _mm512_slli_epi64::<3>(len)), ones);
        let l1 = _mm512_sub_epi64(_mm512_max_epu64(len, splat(8)), splat(8));
        let m1 = _mm512_andnot_si512(_mm512_sllv_epi64(ones, _mm512_slli_epi64::<3>(l1)), ones);
        let k0 = _mm512_and_si512(k0, m0);
        let k1 = _mm512_and_si512(k1, m1);
        // Padding bytes are zero, never a space.
        let space = _mm512_cmpeq_epi8_mask(k0, _mm512_set1_epi8(b' ' as i8))
            | _mm512_cmpeq_epi8_mask(k1, _mm512_set1_epi8(b' ' as i8));
        // Continuation bytes (10xxxxxx) as 0/1 bytes, summed per word.
        let hi = splat(crate::swar::HI);
        let cont = |x: __m512i| {
            _mm512_srli_epi64::<7>(_mm512_and_si512(
                _mm512_andnot_si512(_mm512_slli_epi64::<1>(x), x),
                hi,
            ))
        };
        let nc = _mm512_sad_epu8(_mm512_add_epi64(cont(k0), cont(k1)), _mm512_setzero_si512());
        let v = _mm512_xor_si512(k0, _mm512_rol_epi64::<31>(k1));
        let t = _mm512_mullo_epi64(
            _mm512_xor_si512(v, _mm512_mullo_epi64(len, splat(K))),
            splat(K),
        );
        let h = _mm512_mullo_epi64(_mm512_xor_si512(t, _mm512_srli_epi64::<29>(t)), splat(G));
        let slot = _mm512_and_si512(h, splat(slot_mask as u64));
        // Exclusive prefix sums of the byte and code point lengths: the offsets before each
        // word (`alignr` with zero shifts lanes up by k).
        let zero = _mm512_setzero_si512();
        let excl = |x: __m512i| {
            let mut s = x;
            s = _mm512_add_epi64(s, _mm512_alignr_epi64::<7>(s, zero));
            s = _mm512_add_epi64(s, _mm512_alignr_epi64::<6>(s, zero));
            s = _mm512_add_epi64(s, _mm512_alignr_epi64::<4>(s, zero));
            _mm512_sub_epi64(s, x)
        };
        let cps = _mm512_sub_epi64(len, nc);
        let offs = _mm512_add_epi64(excl(len), splat(o as u64));
        let cpo = _mm512_add_epi64(excl(cps), splat(c));
        let mut slots = [0u64; 8];
        _mm512_storeu_si512(slots.as_mut_ptr().cast::<__m512i>(), slot);
        for &k in &slots {
            if let Some(n) = cols.approx.get_mut(crate::narrow::usize64(k)) {
                *n = n.saturating_add(1);
            }
        }
        // Columns: 8 values stored at once into the room reserved above, then the lengths
        // moved on.
        let end = |v: &mut Vec<u64>| v.as_mut_ptr().add(v.len());
        _mm512_storeu_si512(end(cols.cp).cast::<__m512i>(), cpo);
        cols.cp.set_len(cols.cp.len() + 8);
        // (usize is u64 on x86-64.)
        let off_end = cols.off.as_mut_ptr().add(cols.off.len());
        _mm512_storeu_si512(off_end.cast::<__m512i>(), offs);
        cols.off.set_len(cols.off.len() + 8);
        let tag_end = cols.tags.as_mut_ptr().add(cols.tags.len());
        _mm256_storeu_si256(
            tag_end.cast::<__m256i>(),
            _mm512_cvtepi64_epi32(_mm512_srli_epi64::<32>(h)),
        );
        cols.tags.set_len(cols.tags.len() + 8);
        let slot_end = cols.slots.as_mut_ptr().add(cols.slots.len());
        _mm256_storeu_si256(slot_end.cast::<__m256i>(), _mm512_cvtepi64_epi32(slot));
        cols.slots.set_len(cols.slots.len() + 8);
        let mut tot = [0u64; 8];
        _mm512_storeu_si512(
            tot.as_mut_ptr().cast::<__m512i>(),
            _mm512_add_epi64(cpo, cps),
        );
        Some((tot[7], o + total, space != 0))
    }
}

/// Whether this CPU runs [`words8`].
#[inline]
pub(super) fn available_words() -> bool {
    crate::cpu::has(crate::cpu::Avx512::FBwDq)
}

/// Without x86-64 nothing is done here: [`available_words`] is false.
///
/// # Safety
/// None needed.
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn words8(
    _: &[u8],
    _: &[&str],
    _: &mut [u8],
    _: (u64, usize),
    _: usize,
    _: &mut WordColumns<'_>,
) -> Option<(u64, usize, bool)> {
    None
}

/// The loop of `Fast::small_upper_bounds` over positions `0..full` in steps of 8: for grams of
/// 2, 3 and 4 words at `i`, the largest `(cp[i + n] - cp[i] + n - 1) * min(c[i..i + n])`, into
/// `best` (max with what is there). Returns the positions done (a multiple of 8). Needs
/// `full + 3 <= c.len()`, `full + 4 <= cp.len()` and code point offsets below 2^31 (products
/// of two 32-bit numbers); does nothing otherwise.
///
/// # Safety
/// The CPU must have AVX-512F ([`available`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
#[allow(
    clippy::cast_ptr_alignment,
    reason = "loadu/storeu take unaligned pointers"
)]
pub(super) unsafe fn small_bounds(
    c: &[u32],
    cp: &[u64],
    full: usize,
    best: &mut [u64; 3],
) -> usize {
    use core::arch::x86_64::{
        __m256i, __m512i, _mm256_loadu_si256, _mm512_add_epi64, _mm512_cvtepu32_epi64,
        _mm512_loadu_si512, _mm512_max_epu64, _mm512_min_epu64, _mm512_mul_epu32,
        _mm512_reduce_max_epu64, _mm512_set1_epi64, _mm512_setzero_si512, _mm512_sub_epi64,
    };
    if full + 3 > c.len() || full + 4 > cp.len() || cp[full + 3] >= 1 << 31 {
        return 0;
    }
    let blocks = full / 8;
    // SAFETY: block k reads c[8k + d..8k + d + 8] for d <= 3 (8k + 11 <= full + 3 <= c.len())
    // and cp[8k + d..8k + d + 8] for d <= 4 (8k + 12 <= full + 4 <= cp.len()).
    unsafe {
        let ld32 = |i: usize| {
            _mm512_cvtepu32_epi64(_mm256_loadu_si256(c.as_ptr().add(i).cast::<__m256i>()))
        };
        let ld64 = |i: usize| _mm512_loadu_si512(cp.as_ptr().add(i).cast::<__m512i>());
        let (mut b2, mut b3, mut b4) = (
            _mm512_setzero_si512(),
            _mm512_setzero_si512(),
            _mm512_setzero_si512(),
        );
        let one = _mm512_set1_epi64(1);
        let two = _mm512_set1_epi64(2);
        let three = _mm512_set1_epi64(3);
        for k in 0..blocks {
            let i = 8 * k;
            let m2 = _mm512_min_epu64(ld32(i), ld32(i + 1));
            let m3 = _mm512_min_epu64(m2, ld32(i + 2));
            let m4 = _mm512_min_epu64(m3, ld32(i + 3));
            let p0 = ld64(i);
            // Lengths below 2^31, counts below 2^32: 32x32 -> 64-bit products are exact.
            let len = |n: usize, extra: __m512i| {
                _mm512_add_epi64(_mm512_sub_epi64(ld64(i + n), p0), extra)
            };
            b2 = _mm512_max_epu64(b2, _mm512_mul_epu32(len(2, one), m2));
            b3 = _mm512_max_epu64(b3, _mm512_mul_epu32(len(3, two), m3));
            b4 = _mm512_max_epu64(b4, _mm512_mul_epu32(len(4, three), m4));
        }
        best[0] = best[0].max(_mm512_reduce_max_epu64(b2));
        best[1] = best[1].max(_mm512_reduce_max_epu64(b3));
        best[2] = best[2].max(_mm512_reduce_max_epu64(b4));
    }
    8 * blocks
}

/// Without x86-64 nothing is done here: [`available`] is false.
///
/// # Safety
/// None needed.
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn small_bounds(_: &[u32], _: &[u64], _: usize, _: &mut [u64; 3]) -> usize {
    0
}

/// The hash of a 16-byte window given as two little-endian words `(a, b)`, as `Fast::prepare_cat`
/// uses it (any function of the bytes would do; this one has a vector form).
#[inline]
pub(super) fn window_hash(a: u64, b: u64) -> u64 {
    let x = (a ^ WK1).wrapping_mul(WM1) ^ (b ^ WK2).wrapping_mul(WM2);
    (x ^ (x >> 32)).wrapping_mul(WM3)
}

const WK1: u64 = 0x243F_6A88_85A3_08D3;
const WK2: u64 = 0x1319_8A2E_0370_7344;
const WM1: u64 = 0x9E37_79B9_7F4A_7C15;
const WM2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const WM3: u64 = 0xFF51_AFD7_ED55_8CCD;

/// For the word boundaries at byte offsets `off` of `buf`, 8 at a time: the bit positions of
/// their 16-byte windows after (`window_hash(v2, v3)`) and before (`window_hash(v1, v0)`) the
/// boundary, `v0..v3` being the 32 bytes around it: `[p >> shift, (q >> shift) + second]`,
/// appended to `out`. Returns the boundaries done (a multiple of 8); needs 16 readable bytes
/// on both sides of each boundary (stops before a block without them).
///
/// # Safety
/// The CPU must have AVX-512F and DQ ([`available_words`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx2")]
#[allow(
    clippy::cast_ptr_alignment,
    reason = "loadu/storeu take unaligned pointers"
)]
pub(super) unsafe fn window_positions(
    buf: &[u8],
    off: &[usize],
    shift: u32,
    second: u32,
    out: &mut Vec<[u32; 2]>,
) -> usize {
    use core::arch::x86_64::{
        __m128i, __m512i, _mm512_add_epi64, _mm512_mullo_epi64, _mm512_or_si512,
        _mm512_permutex2var_epi64, _mm512_set1_epi64, _mm512_set_epi64, _mm512_slli_epi64,
        _mm512_srl_epi64, _mm512_srli_epi64, _mm512_storeu_si512, _mm512_xor_si512,
        _mm_cvtsi32_si128, _mm_loadu_si128,
    };
    let blocks = off.len() / 8;
    out.reserve(8 * blocks);
    let mut done = 0;
    let splat = |x: u64| _mm512_set1_epi64(x as i64);
    // SAFETY: (all below) block k loads 16 bytes at o - 16 and at o for its 8 offsets o, each
    // with 16 <= o and o + 16 <= buf.len() (checked per block: offsets only grow, so the first
    // and last decide); the store writes 8 [u32; 2] into the room reserved above, `set_len`
    // then covering them.
    unsafe {
        let hash = |a: __m512i, b: __m512i| {
            let x = _mm512_xor_si512(
                _mm512_mullo_epi64(_mm512_xor_si512(a, splat(WK1)), splat(WM1)),
                _mm512_mullo_epi64(_mm512_xor_si512(b, splat(WK2)), splat(WM2)),
            );
            _mm512_mullo_epi64(_mm512_xor_si512(x, _mm512_srli_epi64::<32>(x)), splat(WM3))
        };
        let count = _mm_cvtsi32_si128(shift as i32);
        let even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
        let odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
        for k in 0..blocks {
            let o = &off[8 * k..8 * k + 8];
            if o[0] < 16 || o[7] + 16 > buf.len() {
                break;
            }
            let ld = |p: usize| _mm_loadu_si128(buf.as_ptr().add(p).cast::<__m128i>());
            let four = |j: usize, d: usize| {
                crate::lanes::join4([
                    ld(o[j] - d),
                    ld(o[j + 1] - d),
                    ld(o[j + 2] - d),
                    ld(o[j + 3] - d),
                ])
            };
            let (la, lb) = (four(0, 16), four(4, 16));
            let (ha, hb) = (four(0, 0), four(4, 0));
            let v0 = _mm512_permutex2var_epi64(la, even, lb);
            let v1 = _mm512_permutex2var_epi64(la, odd, lb);
            let v2 = _mm512_permutex2var_epi64(ha, even, hb);
            let v3 = _mm512_permutex2var_epi64(ha, odd, hb);
            let p = _mm512_srl_epi64(hash(v2, v3), count);
            let q = _mm512_add_epi64(
                _mm512_srl_epi64(hash(v1, v0), count),
                splat(u64::from(second)),
            );
            // [p, q] as two u32, p first (little-endian).
            let pq = _mm512_or_si512(p, _mm512_slli_epi64::<32>(q));
            let end = out.as_mut_ptr().add(out.len());
            _mm512_storeu_si512(end.cast::<__m512i>(), pq);
            out.set_len(out.len() + 8);
            done += 8;
        }
    }
    done
}

/// Without x86-64 nothing is done here: [`available_words`] is false.
///
/// # Safety
/// None needed.
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn window_positions(
    _: &[u8],
    _: &[usize],
    _: u32,
    _: u32,
    _: &mut Vec<[u32; 2]>,
) -> usize {
    0
}
