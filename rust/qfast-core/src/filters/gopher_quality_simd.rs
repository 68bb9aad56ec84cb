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
/// are ASCII, of 1..=16 bytes, and lie in `text` with 16 readable bytes from their start.
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
