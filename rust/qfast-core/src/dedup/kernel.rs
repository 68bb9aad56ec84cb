//! The `MinHash` sketch kernel at 32 bits: `sig[j] = min over h of (a[j] * h + b[j]) mod 2^32`.
//! Lanes are processed 16 at a time with the block's minima held in registers while all hashes
//! stream by; compiled for AVX-512 / AVX2 where the CPU has them (checked at run time).

const BLOCK: usize = 16;

#[inline(always)]
fn sketch32_generic(hashes: &[u32], a: &[u32], b: &[u32], out: &mut [u32]) {
    let k = out.len().min(a.len()).min(b.len());
    let mut j = 0;
    while j + BLOCK <= k {
        let mut av = [0u32; BLOCK];
        let mut bv = [0u32; BLOCK];
        av.copy_from_slice(&a[j..j + BLOCK]);
        bv.copy_from_slice(&b[j..j + BLOCK]);
        let mut m = [u32::MAX; BLOCK];
        for &h in hashes {
            for l in 0..BLOCK {
                m[l] = m[l].min(av[l].wrapping_mul(h).wrapping_add(bv[l]));
            }
        }
        out[j..j + BLOCK].copy_from_slice(&m);
        j += BLOCK;
    }
    for l in j..k {
        out[l] = hashes
            .iter()
            .map(|&h| a[l].wrapping_mul(h).wrapping_add(b[l]))
            .min()
            .unwrap_or(u32::MAX);
    }
}

/// AVX-512: 64 lanes per pass over the hashes (4 registers each of `a`, `b` and minima).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(
    clippy::cast_ptr_alignment,
    reason = "loadu/storeu take unaligned pointers"
)]
fn sketch32_avx512(hashes: &[u32], a: &[u32], b: &[u32], out: &mut [u32]) {
    use core::arch::x86_64::{
        __m512i, _mm512_add_epi32, _mm512_loadu_si512, _mm512_min_epu32, _mm512_mullo_epi32,
        _mm512_set1_epi32, _mm512_storeu_si512,
    };
    let k = out.len().min(a.len()).min(b.len());
    let mut j = 0;
    while j + 64 <= k {
        let (pa, pb) = (a[j..j + 64].as_ptr(), b[j..j + 64].as_ptr());
        let po = out[j..j + 64].as_mut_ptr();
        // SAFETY: each pointer covers 64 u32 (the slices above were bounds-checked); every
        // load/store below reads or writes 16 u32 at offsets 0, 16, 32, 48.
        unsafe {
            let ld = |p: *const u32, o: usize| _mm512_loadu_si512(p.add(o).cast::<__m512i>());
            let (a0, a1, a2, a3) = (ld(pa, 0), ld(pa, 16), ld(pa, 32), ld(pa, 48));
            let (b0, b1, b2, b3) = (ld(pb, 0), ld(pb, 16), ld(pb, 32), ld(pb, 48));
            let mut m0 = _mm512_set1_epi32(-1);
            let (mut m1, mut m2, mut m3) = (m0, m0, m0);
            for &h in hashes {
                let hv = _mm512_set1_epi32(h as i32);
                m0 = _mm512_min_epu32(m0, _mm512_add_epi32(_mm512_mullo_epi32(a0, hv), b0));
                m1 = _mm512_min_epu32(m1, _mm512_add_epi32(_mm512_mullo_epi32(a1, hv), b1));
                m2 = _mm512_min_epu32(m2, _mm512_add_epi32(_mm512_mullo_epi32(a2, hv), b2));
                m3 = _mm512_min_epu32(m3, _mm512_add_epi32(_mm512_mullo_epi32(a3, hv), b3));
            }
            _mm512_storeu_si512(po.cast::<__m512i>(), m0);
            _mm512_storeu_si512(po.add(16).cast::<__m512i>(), m1);
            _mm512_storeu_si512(po.add(32).cast::<__m512i>(), m2);
            _mm512_storeu_si512(po.add(48).cast::<__m512i>(), m3);
        }
        j += 64;
    }
    sketch32_generic(hashes, &a[j..k], &b[j..k], &mut out[j..k]);
}

/// AVX2: 32 lanes per pass over the hashes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(
    clippy::cast_ptr_alignment,
    reason = "loadu/storeu take unaligned pointers"
)]
fn sketch32_avx2(hashes: &[u32], a: &[u32], b: &[u32], out: &mut [u32]) {
    use core::arch::x86_64::{
        __m256i, _mm256_add_epi32, _mm256_loadu_si256, _mm256_min_epu32, _mm256_mullo_epi32,
        _mm256_set1_epi32, _mm256_storeu_si256,
    };
    let k = out.len().min(a.len()).min(b.len());
    let mut j = 0;
    while j + 32 <= k {
        let (pa, pb) = (a[j..j + 32].as_ptr(), b[j..j + 32].as_ptr());
        let po = out[j..j + 32].as_mut_ptr();
        // SAFETY: each pointer covers 32 u32 (bounds-checked slices); loads/stores move 8 u32 at
        // offsets 0, 8, 16, 24.
        unsafe {
            let ld = |p: *const u32, o: usize| _mm256_loadu_si256(p.add(o).cast::<__m256i>());
            let (a0, a1, a2, a3) = (ld(pa, 0), ld(pa, 8), ld(pa, 16), ld(pa, 24));
            let (b0, b1, b2, b3) = (ld(pb, 0), ld(pb, 8), ld(pb, 16), ld(pb, 24));
            let mut m0 = _mm256_set1_epi32(-1);
            let (mut m1, mut m2, mut m3) = (m0, m0, m0);
            for &h in hashes {
                let hv = _mm256_set1_epi32(h as i32);
                m0 = _mm256_min_epu32(m0, _mm256_add_epi32(_mm256_mullo_epi32(a0, hv), b0));
                m1 = _mm256_min_epu32(m1, _mm256_add_epi32(_mm256_mullo_epi32(a1, hv), b1));
                m2 = _mm256_min_epu32(m2, _mm256_add_epi32(_mm256_mullo_epi32(a2, hv), b2));
                m3 = _mm256_min_epu32(m3, _mm256_add_epi32(_mm256_mullo_epi32(a3, hv), b3));
            }
            _mm256_storeu_si256(po.cast::<__m256i>(), m0);
            _mm256_storeu_si256(po.add(8).cast::<__m256i>(), m1);
            _mm256_storeu_si256(po.add(16).cast::<__m256i>(), m2);
            _mm256_storeu_si256(po.add(24).cast::<__m256i>(), m3);
        }
        j += 32;
    }
    sketch32_generic(hashes, &a[j..k], &b[j..k], &mut out[j..k]);
}

/// `out[j] = min_h (a[j] * h + b[j]) mod 2^32` (`u32::MAX` for no hashes).
pub fn sketch32(hashes: &[u32], a: &[u32], b: &[u32], out: &mut [u32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F (checked just above).
            return unsafe { sketch32_avx512(hashes, a, b, out) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { sketch32_avx2(hashes, a, b, out) };
        }
    }
    sketch32_generic(hashes, a, b, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_paths_agree_with_the_definition() {
        let hashes: Vec<u32> = (0..37u32)
            .map(|i| i.wrapping_mul(0x9E37_79B9) ^ 0x55)
            .collect();
        let a: Vec<u32> = (0..100u32)
            .map(|i| (i * 2 + 1).wrapping_mul(0x85EB_CA6B) | 1)
            .collect();
        let b: Vec<u32> = (0..100u32).map(|i| i.wrapping_mul(0xC2B2_AE35)).collect();
        let want: Vec<u32> = (0..100)
            .map(|j| {
                hashes
                    .iter()
                    .map(|&h| a[j].wrapping_mul(h).wrapping_add(b[j]))
                    .min()
                    .unwrap()
            })
            .collect();
        let mut out = vec![0u32; 100];
        sketch32(&hashes, &a, &b, &mut out);
        assert_eq!(out, want);
        let mut out2 = vec![0u32; 100];
        sketch32_generic(&hashes, &a, &b, &mut out2);
        assert_eq!(out2, want);
        #[cfg(target_arch = "x86_64")]
        for lanes in [0usize, 7, 32, 40, 64, 100] {
            let w = &want[..lanes];
            if std::is_x86_feature_detected!("avx2") {
                let mut o = vec![0u32; lanes];
                // SAFETY: AVX2 is available (checked).
                unsafe { sketch32_avx2(&hashes, &a[..lanes], &b[..lanes], &mut o) };
                assert_eq!(o, w);
            }
            if std::is_x86_feature_detected!("avx512f") {
                let mut o = vec![0u32; lanes];
                // SAFETY: AVX-512F is available (checked).
                unsafe { sketch32_avx512(&hashes, &a[..lanes], &b[..lanes], &mut o) };
                assert_eq!(o, w);
            }
        }
    }
}
