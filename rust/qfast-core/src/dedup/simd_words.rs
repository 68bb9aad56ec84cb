//! AVX-512 forms of the two per-word loops of fast-mode word shingling, 8 lanes at a time:
//! the word hashes of `shingle::lower_word_hashes` (ASCII words of at most 16 bytes) and the
//! 32-bit kernel inputs of word n-grams (`minhash::fold32` of `XOR_k rotl(w[i + k], R * k)`).
//! Each returns how far it got; the caller finishes with the scalar code, whose results these
//! equal bit for bit (tests compare both on every lane position).

/// Whether this CPU runs the functions below (checked once by std, then an atomic load).
#[inline]
pub(super) fn available() -> bool {
    crate::cpu::has(crate::cpu::Avx512::FDq)
}

/// Whether this CPU runs [`scan_blocks`] (byte masks and compress: AVX-512 BW and VBMI2).
#[inline]
pub(super) fn available_scan() -> bool {
    crate::cpu::has(crate::cpu::Avx512::FBwDqVbmi2)
}

#[cfg(target_arch = "x86_64")]
pub(super) use x86::{gram_fold32, scan_blocks, word_hashes};

/// Without x86-64 nothing is done here: `available()` is false. (`unsafe` like the x86-64
/// functions, whose callers wrap them in `unsafe` blocks.)
///
/// # Safety
/// None needed.
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn word_hashes(
    _: &str,
    _: &[u8],
    _: &[u32],
    _: &[u32],
    _: &mut Vec<u64>,
) -> usize {
    0
}

/// # Safety
/// None needed (see `word_hashes`).
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn scan_blocks(
    _: &[u8],
    _: &mut [u8],
    _: &mut [u32],
    _: &mut [u32],
) -> (usize, usize, usize, u64, bool) {
    (0, 0, 0, 1, false)
}

/// # Safety
/// None needed (see `word_hashes`).
#[cfg(not(target_arch = "x86_64"))]
pub(super) unsafe fn gram_fold32(_: &[u64], _: usize, _: &mut Vec<u32>) -> usize {
    0
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::{
        __m128i, __m256i, __m512i, _mm256_loadu_si256, _mm256_storeu_si256, _mm256_sub_epi32,
        _mm512_and_si512, _mm512_andnot_si512, _mm512_cmpgt_epu64_mask, _mm512_cvtepi64_epi32,
        _mm512_cvtepu32_epi64, _mm512_loadu_si512, _mm512_max_epu64, _mm512_mul_epu32,
        _mm512_mullo_epi64, _mm512_or_si512, _mm512_permutex2var_epi64, _mm512_rol_epi64,
        _mm512_rolv_epi64, _mm512_set1_epi64, _mm512_set_epi64, _mm512_slli_epi64,
        _mm512_sllv_epi64, _mm512_srli_epi64, _mm512_storeu_si512, _mm512_sub_epi64,
        _mm512_test_epi64_mask, _mm512_xor_si512, _mm_loadu_si128,
    };

    use crate::dedup::minhash::{FOLD_MUL, FOLD_XOR};
    use crate::dedup::shingle::{push_word_hash, HASH16, ROLL_R};
    use crate::narrow::id32;

    /// The first pass of `shingle::lower_word_hashes` over the whole 64-byte blocks of `b`:
    /// each block lowercased (ASCII) into `low` at the same offset, and the offsets of word
    /// starts and ends (a word is a run of bytes that are not ASCII whitespace) written to
    /// `starts` / `ends`. Returns `(blocks done, starts, ends, carry, high)`, `carry` being 1
    /// when the last byte scanned is whitespace (or nothing was scanned), for the scalar loop to
    /// go on, and `high` whether a scanned byte is not ASCII.
    /// `low` must cover the blocks, `starts` / `ends` 32 slots per block plus 32; offsets must
    /// fit in `u32` (the caller checks all three).
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi2,avx512dq,avx2")]
    #[allow(
        clippy::cast_ptr_alignment,
        reason = "loadu/storeu take unaligned pointers"
    )]
    pub(in crate::dedup) fn scan_blocks(
        b: &[u8],
        low: &mut [u8],
        starts: &mut [u32],
        ends: &mut [u32],
    ) -> (usize, usize, usize, u64, bool) {
        use core::arch::x86_64::{
            _mm512_add_epi32, _mm512_castsi512_si128, _mm512_cmple_epu8_mask, _mm512_cvtepu8_epi32,
            _mm512_extracti32x4_epi32, _mm512_mask_add_epi8, _mm512_maskz_compress_epi8,
            _mm512_movepi8_mask, _mm512_set1_epi32, _mm512_set1_epi8, _mm512_sub_epi8,
        };
        let blocks = (b.len() / 64).min(low.len() / 64);
        let blocks = blocks.min(starts.len().min(ends.len()).saturating_sub(32) / 32);
        let mut iota = [0u8; 64];
        for (i, x) in (0u8..).zip(iota.iter_mut()) {
            *x = i;
        }
        let (mut ns, mut ne, mut carry, mut high) = (0usize, 0usize, 1u64, 0u64);
        // SAFETY: (all below) the loads read 64 bytes of `b` at `64k` for k < blocks (<=
        // b.len() / 64) and of `iota`; the store writes 64 bytes of `low` at `64k` (k < blocks
        // <= low.len() / 64); `put` writes 16 u32 at `dst[at..]` with `at + 32 <= dst.len()`
        // (at most 32 offsets per block, 32 slots per block plus 32 available).
        unsafe {
            let idx = _mm512_loadu_si512(iota.as_ptr().cast::<__m512i>());
            let put = |dst: &mut [u32], at: usize, bits: u64, base: u32| {
                let pos = _mm512_maskz_compress_epi8(bits, idx);
                let b32 = _mm512_set1_epi32(base as i32);
                let lo = _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(pos)), b32);
                _mm512_storeu_si512(dst.as_mut_ptr().add(at).cast::<__m512i>(), lo);
                if bits.count_ones() > 16 {
                    let hi = _mm512_extracti32x4_epi32::<1>(pos);
                    let hi = _mm512_add_epi32(_mm512_cvtepu8_epi32(hi), b32);
                    _mm512_storeu_si512(dst.as_mut_ptr().add(at + 16).cast::<__m512i>(), hi);
                }
            };
            for k in 0..blocks {
                let x = _mm512_loadu_si512(b.as_ptr().add(64 * k).cast::<__m512i>());
                high |= _mm512_movepi8_mask(x);
                // Python's ASCII whitespace: 0x09..=0x0D and 0x1C..=0x20.
                let in_range = |lo: i8, width: i8| {
                    _mm512_cmple_epu8_mask(
                        _mm512_sub_epi8(x, _mm512_set1_epi8(lo)),
                        _mm512_set1_epi8(width),
                    )
                };
                let ws = in_range(0x09, 4) | in_range(0x1C, 4);
                let upper = in_range(0x41, 25);
                let lx = _mm512_mask_add_epi8(x, upper, x, _mm512_set1_epi8(0x20));
                _mm512_storeu_si512(low.as_mut_ptr().add(64 * k).cast::<__m512i>(), lx);
                let prev = (ws << 1) | carry;
                let base = id32(64 * k); // fits (the caller checks)
                let (st, en) = (!ws & prev, ws & !prev);
                put(starts, ns, st, base);
                put(ends, ne, en, base);
                ns += st.count_ones() as usize;
                ne += en.count_ones() as usize;
                carry = ws >> 63;
            }
        }
        (blocks, ns, ne, carry, high != 0)
    }

    #[inline(always)]
    fn splat(x: u64) -> __m512i {
        // SAFETY: AVX-512F is enabled in every caller (`target_feature`); no memory access.
        unsafe { _mm512_set1_epi64(x as i64) }
    }

    /// The hashes of the words `text[starts[i]..ends[i]]` lowercased, as
    /// `shingle::push_word_hash` makes them, appended to `out` in order, 8 words at a time
    /// (`hash16` in vector lanes; a word longer than 16 bytes or with a non-ASCII byte goes
    /// through `push_word_hash` in its turn). Stops when fewer than 8 words remain, or at a
    /// batch whose starts leave fewer than 16 readable bytes of `low` (the text with ASCII
    /// lowercased, and its slack). Returns the number of words done.
    #[target_feature(enable = "avx512f,avx512dq,avx2")]
    #[allow(
        clippy::cast_ptr_alignment,
        reason = "loadu/storeu take unaligned pointers"
    )]
    pub(in crate::dedup) fn word_hashes(
        text: &str,
        low: &[u8],
        starts: &[u32],
        ends: &[u32],
        out: &mut Vec<u64>,
    ) -> usize {
        let n = starts.len().min(ends.len());
        let [c0, c1, c2, c3, gk] = HASH16;
        let mut i = 0;
        while i + 8 <= n {
            let (ps, pe) = (starts[i..i + 8].as_ptr(), ends[i..i + 8].as_ptr());
            let w: [u32; 8] = std::array::from_fn(|j| starts[i + j]);
            // Bounds of the loads: 16 bytes from every start.
            if w.iter().any(|&s| s as usize + 16 > low.len()) {
                break;
            }
            let mut h = [0u64; 8];
            // SAFETY: `ps`/`pe` point at 8 u32 each (bounds-checked slices); each 16-byte load
            // reads `low[s..s + 16]` for a start `s` checked above; the store writes the 8 u64
            // of `h`.
            let flagged = unsafe {
                let s = _mm256_loadu_si256(ps.cast::<__m256i>());
                let e = _mm256_loadu_si256(pe.cast::<__m256i>());
                let len = _mm512_cvtepu32_epi64(_mm256_sub_epi32(e, s));
                // The 16 bytes at each start (faster than two gathers here): words 0-3 in `a`,
                // 4-7 in `b`, then their first and second 8 bytes split into `k0` and `k1`.
                let base = low.as_ptr();
                let ld = |o: u32| _mm_loadu_si128(base.add(o as usize).cast::<__m128i>());
                let four =
                    |o: &[u32]| crate::lanes::join4([ld(o[0]), ld(o[1]), ld(o[2]), ld(o[3])]);
                let (a, b) = (four(&w[..4]), four(&w[4..]));
                let k0 =
                    _mm512_permutex2var_epi64(a, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), b);
                let k1 =
                    _mm512_permutex2var_epi64(a, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), b);
                // Keep the first `len` bytes: `~(!0 << 8 * len)`, and for the second word
                // `8 * (len - 8)` (a shift of 64 or more gives 0, so the mask is all ones).
                let ones = splat(u64::MAX);
                let m0 =
                    _mm512_andnot_si512(_mm512_sllv_epi64(ones, _mm512_slli_epi64(len, 3)), ones);
                let l1 = _mm512_sub_epi64(_mm512_max_epu64(len, splat(8)), splat(8));
                let m1 =
                    _mm512_andnot_si512(_mm512_sllv_epi64(ones, _mm512_slli_epi64(l1, 3)), ones);
                let k0 = _mm512_and_si512(k0, m0);
                let k1 = _mm512_and_si512(k1, m1);
                let long = _mm512_cmpgt_epu64_mask(len, splat(16));
                let wide =
                    _mm512_test_epi64_mask(_mm512_or_si512(k0, k1), splat(0x8080_8080_8080_8080));
                {
                    let a = _mm512_mullo_epi64(_mm512_xor_si512(k0, splat(c0)), splat(c1));
                    let lk = _mm512_mullo_epi64(len, splat(gk));
                    let b = _mm512_mullo_epi64(_mm512_xor_si512(k1, lk), splat(c2));
                    let x = _mm512_xor_si512(a, _mm512_rol_epi64::<29>(b));
                    let y = _mm512_mullo_epi64(
                        _mm512_xor_si512(x, _mm512_srli_epi64::<31>(x)),
                        splat(c3),
                    );
                    let r = _mm512_xor_si512(y, _mm512_srli_epi64::<27>(x));
                    _mm512_storeu_si512(h.as_mut_ptr().cast::<__m512i>(), r);
                }
                long | wide
            };
            if flagged != 0 {
                for (j, &hj) in h.iter().enumerate() {
                    if flagged >> j & 1 == 0 {
                        out.push(hj);
                    } else {
                        let (s, e) = (starts[i + j] as usize, ends[i + j] as usize);
                        push_word_hash(text, low, s, e, out);
                    }
                }
                i += 8;
                continue;
            }
            out.extend_from_slice(&h);
            i += 8;
        }
        i
    }

    /// `fold32(XOR_k rotl(words[i + k], R * k))` for grams `i` from 0, 8 at a time, appended to
    /// `out`; returns how many were done (a multiple of 8; the rest is the caller's).
    #[target_feature(enable = "avx512f,avx512dq,avx2")]
    #[allow(
        clippy::cast_ptr_alignment,
        reason = "loadu/storeu take unaligned pointers"
    )]
    pub(in crate::dedup) fn gram_fold32(words: &[u64], n: usize, out: &mut Vec<u32>) -> usize {
        if n == 0 || words.len() < n {
            return 0;
        }
        let grams = words.len() + 1 - n;
        let mut i = 0;
        while i + 8 <= grams {
            let w = &words[i..i + 7 + n];
            let mut v = [0u32; 8];
            // SAFETY: every load reads 8 u64 at `w + k` with `k + 8 <= w.len()` (k < n);
            // the store writes the 8 u32 of `v`.
            unsafe {
                let mut h = _mm512_loadu_si512(w.as_ptr().cast::<__m512i>());
                for k in 1..n {
                    let x = _mm512_loadu_si512(w.as_ptr().add(k).cast::<__m512i>());
                    let r = splat(u64::from((ROLL_R * id32(k)) % 64)); // k < n <= 16
                    h = _mm512_xor_si512(h, _mm512_rolv_epi64(x, r));
                }
                // fold32: the high and low halves of the 128-bit product (h ^ X) * M, from
                // 32 x 32 -> 64-bit partial products.
                let x = _mm512_xor_si512(h, splat(FOLD_XOR));
                let m = splat(FOLD_MUL);
                let (xh, mh) = (_mm512_srli_epi64::<32>(x), _mm512_srli_epi64::<32>(m));
                let ll = _mm512_mul_epu32(x, m);
                let lh = _mm512_mul_epu32(x, mh);
                let hl = _mm512_mul_epu32(xh, m);
                let hh = _mm512_mul_epu32(xh, mh);
                let lo32 = splat(0xFFFF_FFFF);
                let mid = add3(
                    _mm512_srli_epi64::<32>(ll),
                    _mm512_and_si512(lh, lo32),
                    _mm512_and_si512(hl, lo32),
                );
                let lo = _mm512_mullo_epi64(x, m);
                let hi = add3(
                    hh,
                    add2(_mm512_srli_epi64::<32>(lh), _mm512_srli_epi64::<32>(hl)),
                    _mm512_srli_epi64::<32>(mid),
                );
                let f = _mm512_srli_epi64::<16>(_mm512_xor_si512(lo, hi));
                _mm256_storeu_si256(v.as_mut_ptr().cast::<__m256i>(), _mm512_cvtepi64_epi32(f));
            }
            out.extend_from_slice(&v);
            i += 8;
        }
        i
    }

    #[inline(always)]
    fn add2(a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: AVX-512F is enabled in every caller; no memory access.
        unsafe { core::arch::x86_64::_mm512_add_epi64(a, b) }
    }

    #[inline(always)]
    fn add3(a: __m512i, b: __m512i, c: __m512i) -> __m512i {
        add2(add2(a, b), c)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lanes_equal_the_scalar_paths() {
        use crate::dedup::minhash::fold32;
        use crate::dedup::shingle::{hash_word, push_word_hash, ROLL_R};
        use crate::pytext::split_py;
        if !super::available() {
            return; // nothing to compare on this CPU
        }
        // Words of every length 1..=20 (ASCII, mixed case) with, every so often, one that has
        // non-ASCII chars (one holding a no-break space, which splits it in two).
        let mut text = String::new();
        for k in 0..90usize {
            match k % 11 {
                4 => text.push_str("Caf\u{e9}"),
                9 => text.push_str("x\u{a0}Y"),
                _ => text.extend((0..=(k % 20)).map(|i| b"aZ9.-_Qk"[(i + k) % 8] as char)),
            }
            text.push(if k % 7 == 0 { '\n' } else { ' ' });
        }
        let mut low = text.clone().into_bytes();
        low.make_ascii_lowercase();
        low.extend([0u8; 16]);
        let (mut starts, mut ends) = (Vec::new(), Vec::new());
        let mut p = 0usize;
        for w in text.split([' ', '\n']).filter(|w| !w.is_empty()) {
            let s = text[p..].find(w).unwrap() + p;
            starts.push(s as u32);
            ends.push((s + w.len()) as u32);
            p = s + w.len();
        }
        let mut got = Vec::new();
        // SAFETY: `available()` checked above.
        let done = unsafe { super::word_hashes(&text, &low, &starts, &ends, &mut got) };
        assert_eq!(done, starts.len() / 8 * 8);
        for (&s, &e) in starts[done..].iter().zip(&ends[done..]) {
            push_word_hash(&text, &low, s as usize, e as usize, &mut got);
        }
        let want: Vec<u64> = split_py(&text.to_lowercase())
            .map(|w| hash_word(w.as_bytes()))
            .collect();
        assert_eq!(got, want);
        // Grams: every n in 1..=9 against the direct formula.
        for n in 1..=9usize {
            let mut out = Vec::new();
            // SAFETY: as above.
            let done = unsafe { super::gram_fold32(&got, n, &mut out) };
            assert_eq!(done, (got.len() + 1 - n) / 8 * 8);
            for (i, &v) in out.iter().enumerate() {
                let h = (0..n).fold(0u64, |h, k| {
                    h ^ got[i + k].rotate_left((ROLL_R * k as u32) % 64)
                });
                assert_eq!(v, fold32(h), "n {n} gram {i}");
            }
        }
    }
}
