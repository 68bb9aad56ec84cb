//! AVX-512 form of the per-word classes of `gopher_quality::word_stats`, 8 words at a time: for
//! ASCII words of at most 8 bytes, whether each has a byte outside `PUNCTUATION_SET` and
//! whether each has a letter (a 128-entry byte table looked up with `vpermi2b`). The caller's
//! scalar loop handles every other batch, and equals this (a test compares both).

/// Whether this CPU runs [`classes8`] (AVX-512 BW, DQ and VBMI).
#[inline]
pub(super) fn available() -> bool {
    crate::cpu::has(crate::cpu::Avx512::FBwDqVbmi)
}

/// Classes of 8 words: bit `j` of `nsw` when word `j` has a byte with table bit 0 (not in
/// `PUNCTUATION_SET`), of `alpha` when it has one with bit 1 (a letter); and the summed byte
/// length of the `nsw` words (bytes are code points in ASCII). None (nothing done) unless all 8
/// are ASCII, of at most 16 bytes, and lie in `text` with 16 readable bytes from their start.
/// `table`: the ASCII half of the byte classes.
///
/// # Safety
/// The CPU must have AVX-512F, BW, DQ and VBMI ([`available`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vbmi,avx2,popcnt")]
#[allow(clippy::cast_ptr_alignment, reason = "loadu takes unaligned pointers")]
pub(super) unsafe fn classes8(
    text: &[u8],
    words: &[&str],
    table: &[u8; 128],
) -> Option<(u8, u8, u64)> {
    use core::arch::x86_64::{
        __m128i, __m512i, _mm512_loadu_si512, _mm512_movepi8_mask, _mm512_permutex2var_epi8,
        _mm512_set1_epi8, _mm512_test_epi8_mask, _mm_loadu_si128,
    };
    let ws: &[&str; 8] = words.try_into().ok()?;
    let at = crate::lanes::in_text8(text, ws)?;
    // One mask bit per byte: word j's bytes in 16-byte lane j % 4 of vector j / 4.
    let mut valid = [0u64; 2];
    for (j, w) in ws.iter().enumerate() {
        valid[j / 4] |= ((1u64 << w.len()) - 1) << (16 * (j % 4));
    }
    // SAFETY: each 16-byte load reads text[at[j]..at[j] + 16], checked above; the 64-byte
    // loads read `table` (128 bytes).
    let bits = unsafe {
        let ld = |j: usize| _mm_loadu_si128(text.as_ptr().add(at[j]).cast::<__m128i>());
        let four = |k: usize| crate::lanes::join4([ld(k), ld(k + 1), ld(k + 2), ld(k + 3)]);
        let t0 = _mm512_loadu_si512(table.as_ptr().cast::<__m512i>());
        let t1 = _mm512_loadu_si512(table.as_ptr().add(64).cast::<__m512i>());
        let mut bits = [(0u64, 0u64); 2];
        for (h, b) in bits.iter_mut().enumerate() {
            let v = four(4 * h);
            if _mm512_movepi8_mask(v) & valid[h] != 0 {
                return None;
            }
            // Bytes are ASCII here: bit 6 picks the table half.
            let cls = _mm512_permutex2var_epi8(t0, v, t1);
            *b = (
                _mm512_test_epi8_mask(cls, _mm512_set1_epi8(1)) & valid[h],
                _mm512_test_epi8_mask(cls, _mm512_set1_epi8(2)) & valid[h],
            );
        }
        bits
    };
    let (mut nsw, mut alpha, mut nsw_len) = (0u8, 0u8, 0u64);
    for j in 0..8 {
        let (n_bits, a_bits) = bits[j / 4];
        let has = |m: u64| u8::from((m >> (16 * (j % 4))) & 0xFFFF != 0);
        let n = has(n_bits);
        nsw |= n << j;
        alpha |= has(a_bits) << j;
        nsw_len += u64::from(n) * ws[j].len() as u64;
    }
    Some((nsw, alpha, nsw_len))
}

/// Without x86-64 nothing is done here: [`available`] is false.
///
/// # Safety
/// None needed.
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn classes8(_: &[u8], _: &[&str], _: &[u8; 128]) -> Option<(u8, u8, u64)> {
    None
}

/// `(text.count("#"), non-overlapping "..." count, "…" count)` over whole 64-byte blocks of
/// `b` from 0, as `symbol_counts` counts them, with the state of a dot run crossing into the
/// rest: returns `(hash, dots, ellipses, run, bytes done)`, `run` being the length of the dot
/// run ending at the last byte done (its `run / 3` not yet in `dots`). A "…" (E2 80 A6) may
/// start in the last block and end past it.
///
/// # Safety
/// The CPU must have AVX-512F and BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,popcnt")]
#[allow(clippy::cast_ptr_alignment, reason = "loadu takes unaligned pointers")]
pub(super) unsafe fn symbols64(b: &[u8]) -> (u64, u64, u64, u64, usize) {
    use core::arch::x86_64::{
        __m512i, _mm512_cmpeq_epi8_mask, _mm512_loadu_si512, _mm512_set1_epi8,
    };
    let blocks = b.len() / 64;
    let (mut hash, mut dots, mut ell, mut run) = (0u64, 0u64, 0u64, 0u64);
    // Position just after the last dot seen (a dot there continues the run).
    let mut next_dot = usize::MAX;
    for k in 0..blocks {
        // SAFETY: reads b[64k..64k + 64], in bounds (k < b.len() / 64).
        let (h, d, e) = unsafe {
            let x = _mm512_loadu_si512(b.as_ptr().add(64 * k).cast::<__m512i>());
            (
                _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(b'#' as i8)),
                _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(b'.' as i8)),
                _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(0xE2_u8 as i8)),
            )
        };
        hash += u64::from(h.count_ones());
        let mut d = d;
        while d != 0 {
            let p = 64 * k + d.trailing_zeros() as usize;
            if p == next_dot {
                run += 1;
            } else {
                dots += run / 3;
                run = 1;
            }
            next_dot = p + 1;
            d &= d - 1;
        }
        let mut e = e;
        while e != 0 {
            let p = 64 * k + e.trailing_zeros() as usize;
            if b.get(p + 1) == Some(&0x80) && b.get(p + 2) == Some(&0xA6) {
                ell += 1;
            }
            e &= e - 1;
        }
    }
    let done = 64 * blocks;
    // A run that does not reach the last byte done is over.
    if next_dot != done {
        dots += run / 3;
        run = 0;
    }
    (hash, dots, ell, run, done)
}

/// Without x86-64 nothing is done here: [`available_bw`] is false.
///
/// # Safety
/// None needed.
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn symbols64(_: &[u8]) -> (u64, u64, u64, u64, usize) {
    (0, 0, 0, 0, 0)
}

/// Whether this CPU runs [`symbols64`] (AVX-512 F and BW).
#[inline]
pub(super) fn available_bw() -> bool {
    crate::cpu::has(crate::cpu::Avx512::FBw)
}
