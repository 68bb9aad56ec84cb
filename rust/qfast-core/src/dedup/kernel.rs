//! The MinHash sketch kernel at 32 bits: `sig[j] = min over h of (a[j] * h + b[j]) mod 2^32`.
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

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn sketch32_avx512(hashes: &[u32], a: &[u32], b: &[u32], out: &mut [u32]) {
    sketch32_generic(hashes, a, b, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sketch32_avx2(hashes: &[u32], a: &[u32], b: &[u32], out: &mut [u32]) {
    sketch32_generic(hashes, a, b, out)
}

/// `out[j] = min_h (a[j] * h + b[j]) mod 2^32` (u32::MAX for no hashes).
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
    sketch32_generic(hashes, a, b, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_paths_agree_with_the_definition() {
        let hashes: Vec<u32> = (0..37u32)
            .map(|i| i.wrapping_mul(0x9E37_79B9) ^ 0x55)
            .collect();
        let a: Vec<u32> = (0..40u32)
            .map(|i| (i * 2 + 1).wrapping_mul(0x85EB_CA6B) | 1)
            .collect();
        let b: Vec<u32> = (0..40u32).map(|i| i.wrapping_mul(0xC2B2_AE35)).collect();
        let want: Vec<u32> = (0..40)
            .map(|j| {
                hashes
                    .iter()
                    .map(|&h| a[j].wrapping_mul(h).wrapping_add(b[j]))
                    .min()
                    .unwrap()
            })
            .collect();
        let mut out = vec![0u32; 40];
        sketch32(&hashes, &a, &b, &mut out);
        assert_eq!(out, want);
        let mut out2 = vec![0u32; 40];
        sketch32_generic(&hashes, &a, &b, &mut out2);
        assert_eq!(out2, want);
    }
}
