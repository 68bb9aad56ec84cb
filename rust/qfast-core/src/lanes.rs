//! Pieces shared by the AVX-512 word passes: which 8 words can be read 16 bytes at a time from
//! their text, and four 16-byte values as one vector.

/// The byte offsets in `text` of the 8 `words` when each has at most 16 bytes and lies in
/// `text` with 16 readable bytes from its start (words are slices of the text they were split
/// from; near its end, or from elsewhere, they are not); None otherwise.
#[inline(always)]
pub(crate) fn in_text8(text: &[u8], words: &[&str; 8]) -> Option<[usize; 8]> {
    let base = text.as_ptr() as usize;
    let mut at = [0usize; 8];
    for j in 0..8 {
        let w = words[j];
        let a = (w.as_ptr() as usize).wrapping_sub(base);
        if w.len() > 16 || a >= text.len() || text.len() - a < 16 {
            return None;
        }
        at[j] = a;
    }
    Some(at)
}

/// `x[0]` to `x[3]` in the 128-bit lanes 0 to 3 of one vector.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
pub(crate) fn join4(x: [core::arch::x86_64::__m128i; 4]) -> core::arch::x86_64::__m512i {
    use core::arch::x86_64::{_mm512_castsi128_si512, _mm512_inserti64x2};
    let v = _mm512_castsi128_si512(x[0]);
    let v = _mm512_inserti64x2::<1>(v, x[1]);
    let v = _mm512_inserti64x2::<2>(v, x[2]);
    _mm512_inserti64x2::<3>(v, x[3])
}
