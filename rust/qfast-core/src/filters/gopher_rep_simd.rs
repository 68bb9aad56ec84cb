//! AVX-512 form of the candidate pass of the duplicated n-gram measure (`Fast::dup_candidates`),
//! 16 positions at a time. It returns how far it got; the caller finishes with the scalar code,
//! whose output this equals (a test compares both).

#[cfg(test)]
thread_local! {
    /// Tests set this to run the scalar path on a CPU that has the vector one.
    pub(super) static FORCE_SCALAR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this CPU runs [`dup_candidates`] (checked once by std, then an atomic load).
#[inline]
pub(super) fn available() -> bool {
    #[cfg(test)]
    if FORCE_SCALAR.get() {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
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
