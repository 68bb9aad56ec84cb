//! Fast-mode shingles: word n-grams of `text.lower().split()` and code-point n-grams, each hashed
//! to 64 bits from per-unit hashes. A word's hash is a function of its lowercased UTF-8 bytes
//! only (whatever path computed it), so equal n-grams always hash equally.

use xxhash_rust::xxh3::xxh3_64;

use super::minhash::fold32;
use super::simd_words;
use crate::narrow::id32;
use crate::pytext::{is_space, split_py};

const GK: u64 = 0x9E37_79B9_7F4A_7C15;

/// Hash of a unit sequence from the units' hashes: order-sensitive.
#[inline(always)]
fn combine(units: &[u64]) -> u64 {
    let mut g = (units.len() as u64).wrapping_mul(GK);
    for &w in units {
        g = (g ^ w).wrapping_mul(0xFF51_AFD7_ED55_8CCD).rotate_left(31);
    }
    g ^= g >> 29;
    g = g.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    g ^ (g >> 32)
}

/// Constants of `hash16` (shared with its vector form in `simd_words`).
pub(super) const HASH16: [u64; 5] = [
    0x243F_6A88_85A3_08D3,
    0x9FB2_1C65_1E98_DF25,
    0xC2B2_AE3D_27D4_EB4F,
    0x94D0_49BB_1331_11EB,
    GK,
];

/// Hash of up to 16 bytes given as two zero-padded little-endian words.
#[inline(always)]
fn hash16(k0: u64, k1: u64, len: usize) -> u64 {
    let [c0, c1, c2, c3, gk] = HASH16;
    let a = (k0 ^ c0).wrapping_mul(c1);
    let b = (k1 ^ (len as u64).wrapping_mul(gk)).wrapping_mul(c2);
    let h = a ^ b.rotate_left(29);
    (h ^ (h >> 31)).wrapping_mul(c3) ^ (h >> 27)
}

/// The word hash of already-lowercased bytes.
#[inline]
pub(super) fn hash_word(b: &[u8]) -> u64 {
    if b.len() <= 16 {
        let mut pad = [0u8; 16];
        pad[..b.len()].copy_from_slice(b);
        let k0 = u64::from_le_bytes(pad[..8].try_into().unwrap_or([0; 8]));
        let k1 = u64::from_le_bytes(pad[8..].try_into().unwrap_or([0; 8]));
        hash16(k0, k1, b.len())
    } else {
        xxh3_64(b)
    }
}

#[inline(always)]
fn load8(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]))
}

const H8: u64 = 0x8080_8080_8080_8080;

/// Bit `j` set when byte `j` of the block is ASCII whitespace by Python's rules
/// (`\t`..`\r`, `\x1c`..`\x1f`, space).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn ws_mask64(block: &[u8; 64]) -> u64 {
    let mut m = 0u64;
    for (j, &c) in block.iter().enumerate() {
        m |= (crate::pytext::is_space_ascii(c) as u64) << j;
    }
    m
}

thread_local! {
    /// Per-thread buffer for lowercasing long or non-ASCII words.
    static LOWER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Chars whose lowercase is themselves, checked by range before the case tables: punctuation,
/// arrows, box drawing and other symbols, CJK symbols, kana, ideographs and Hangul syllables
/// (no cased letters in these blocks; a unit test checks every char).
#[inline(always)]
fn uncased(c: char) -> bool {
    matches!(
        c as u32,
        0x2000..=0x20FF | 0x2190..=0x24B5 | 0x2500..=0x2BFF | 0x3000..=0x9FFF | 0xAC00..=0xD7A3
    )
}

#[inline(never)]
fn push_lower_word_slow(word: &str, out: &mut Vec<u64>) {
    LOWER.with_borrow_mut(|buf| {
        if word.is_ascii() {
            buf.clear();
            buf.push_str(word);
            buf.make_ascii_lowercase();
            out.push(hash_word(buf.as_bytes()));
            return;
        }
        // Python's lower() of a word without Σ, char by char (ASCII directly).
        for w in split_py(word) {
            buf.clear();
            for c in w.chars() {
                if c.is_ascii() {
                    buf.push(c.to_ascii_lowercase());
                } else if uncased(c) {
                    buf.push(c);
                } else {
                    buf.extend(c.to_lowercase());
                }
            }
            out.push(hash_word(buf.as_bytes()));
        }
    });
}

/// Word hashes of `text.split()` or of `text.lower().split()`, appended to `out`.
fn word_hashes(text: &str, lowercase: bool, out: &mut Vec<u64>) {
    if !lowercase {
        out.extend(split_py(text).map(|w| hash_word(w.as_bytes())));
        return;
    }
    SCAN.with_borrow_mut(|sc| {
        lower_word_hashes(text, sc, out);
        // The buffers hold ~5 bytes per byte of the longest text seen: don't keep a huge
        // document's alive in every pool thread.
        if sc.low.len() > MAX_KEPT_SCAN {
            *sc = Scan::default();
        }
    });
}

/// Per-thread buffers of [`lower_word_hashes`], grown as needed and never cleared (every
/// position read was written for the current text).
#[derive(Default)]
struct Scan {
    /// The text with ASCII letters lowercased, in whole 64-byte blocks plus 16 bytes of slack
    /// for the 16-byte word loads.
    low: Vec<u8>,
    /// Word start and end offsets.
    starts: Vec<u32>,
    ends: Vec<u32>,
}

/// Longest text (bytes) whose scan buffers a thread keeps for the next one.
const MAX_KEPT_SCAN: usize = 1 << 24;

thread_local! {
    static SCAN: std::cell::RefCell<Scan> = std::cell::RefCell::new(Scan::default());
}

/// `(x0 & M0[len], x1 & M1[len])` keeps the first `len` (<= 16) bytes of a 16-byte load.
const M0: [u64; 17] = {
    let mut m = [0u64; 17];
    let mut k = 0;
    while k <= 16 {
        m[k] = if k >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * k)) - 1
        };
        k += 1;
    }
    m
};
const M1: [u64; 17] = {
    let mut m = [0u64; 17];
    let mut k = 9;
    while k <= 16 {
        m[k] = if k == 16 {
            u64::MAX
        } else {
            (1u64 << (8 * (k - 8))) - 1
        };
        k += 1;
    }
    m
};

/// Hashes of the words of `text.lower().split()`, in two passes so that neither branches per
/// word on data: (1) per 64-byte block, the whitespace mask, the block lowercased (ASCII) into
/// `sc.low`, and the word starts and ends written out as offsets; (2) per word, its hash from
/// one 16-byte load of the lowercased text. ASCII whitespace always separates words; non-ASCII
/// whitespace only occurs inside a "word" with non-ASCII bytes, which the slow path splits
/// again by Python's rules. (Texts of 4 GiB or more take the `split_py` path.)
fn lower_word_hashes(text: &str, sc: &mut Scan, out: &mut Vec<u64>) {
    let b = text.as_bytes();
    let n = b.len();
    // Whole-text lowercasing, for Python's `Final_Sigma` rule (Σ's lowercase depends on its
    // neighbours), and for texts whose offsets do not fit in `u32`.
    let whole = |out: &mut Vec<u64>| {
        out.extend(split_py(&text.to_lowercase()).map(|w| hash_word(w.as_bytes())));
    };
    if u32::try_from(n + 128).is_err() {
        whole(out);
        return;
    }
    let blocks = n.div_ceil(64);
    if sc.low.len() < 64 * blocks + 16 {
        sc.low.resize(64 * blocks + 16, 0);
    }
    // At most 32 starts (and ends) per block; `flatten` writes up to 32 past the count.
    let cap = 32 * blocks + 64;
    if sc.starts.len() < cap {
        sc.starts.resize(cap, 0);
        sc.ends.resize(cap, 0);
    }
    // (blocks done, starts, ends, whether the last byte seen is whitespace, whether a byte
    // seen is not ASCII)
    let (k0, mut ns, mut ne, mut carry, high) = if simd_words::available_scan() {
        // SAFETY: the CPU has the features (`available_scan`).
        unsafe { simd_words::scan_blocks(b, &mut sc.low, &mut sc.starts, &mut sc.ends) }
    } else {
        (0, 0, 0, 1, false) // before the text: whitespace
    };
    if (high || !b[64 * k0..].is_ascii()) && text.contains('Σ') {
        whole(out);
        return;
    }
    let mut tail = [b' '; 64];
    for k in k0..blocks {
        let base = 64 * k;
        let full = b
            .get(base..base + 64)
            .and_then(|s| <&[u8; 64]>::try_from(s).ok());
        let block: &[u8; 64] = if let Some(full) = full {
            full
        } else {
            // The last partial block, padded with spaces (which end a word ending at `n`).
            tail[..n - base].copy_from_slice(&b[base..]);
            &tail
        };
        let ws = lower_block(block, &mut sc.low[base..base + 64]);
        let prev = (ws << 1) | carry;
        let at = id32(base); // offsets up to `base + 64` fit (checked above)
        flatten(!ws & prev, at, &mut sc.starts, &mut ns);
        flatten(ws & !prev, at, &mut sc.ends, &mut ne);
        carry = ws >> 63;
    }
    if carry == 0 && n > 0 {
        sc.ends[ne] = id32(n); // the text ends a full block inside a word
        ne += 1;
    }
    debug_assert_eq!(ns, ne);
    let (low, starts, ends) = (&sc.low[..], &sc.starts[..ns], &sc.ends[..ns]);
    out.reserve(ns);
    let done = if simd_words::available() {
        // SAFETY: the CPU has the features (`available`).
        unsafe { simd_words::word_hashes(text, low, starts, ends, out) }
    } else {
        0
    };
    for (&s, &e) in starts[done..].iter().zip(&ends[done..]) {
        push_word_hash(text, low, s as usize, e as usize, out);
    }
}

/// Hash of the word `text[s..e]` lowercased, `low` being the text with ASCII lowercased (and
/// 16 readable bytes from `s`): ASCII words from one 16-byte load or a slice of `low`, others
/// on the slow path.
#[inline(always)]
pub(super) fn push_word_hash(text: &str, low: &[u8], s: usize, e: usize, out: &mut Vec<u64>) {
    let len = e - s;
    if len <= 16 {
        let k0 = load8(low, s) & M0[len];
        let k1 = load8(low, s + 8) & M1[len];
        if (k0 | k1) & H8 == 0 {
            out.push(hash16(k0, k1, len));
            return;
        }
    } else if low[s..e].is_ascii() {
        out.push(xxh3_64(&low[s..e]));
        return;
    }
    push_lower_word_slow(&text[s..e], out);
}

/// Offsets `base + j` of the set bits `j` of `bits`, written at `dst[*k..]` (`*k` advanced by
/// their count). Writes 16 (or 32) slots whatever the count, so that the loop never branches
/// on it; `dst` needs 32 slots past `*k`.
#[inline(always)]
fn flatten(mut bits: u64, base: u32, dst: &mut [u32], k: &mut usize) {
    let cnt = bits.count_ones() as usize;
    let d = &mut dst[*k..*k + 32];
    for slot in &mut d[..16] {
        *slot = base + bits.trailing_zeros();
        bits &= bits.wrapping_sub(1);
    }
    if cnt > 16 {
        for slot in &mut d[16..] {
            *slot = base + bits.trailing_zeros();
            bits &= bits.wrapping_sub(1);
        }
    }
    *k += cnt;
}

/// Bit `j` set when byte `j` of the block is ASCII whitespace by Python's rules (`\t`..`\r`,
/// `\x1c`..`\x1f`, space); the block, with ASCII letters lowercased, is stored into `dst` (64
/// bytes).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(
    clippy::cast_ptr_alignment,
    reason = "loadu/storeu take unaligned pointers"
)]
fn lower_block(block: &[u8; 64], dst: &mut [u8]) -> u64 {
    use core::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_storeu_si128,
    };
    debug_assert_eq!(dst.len(), 64);
    let mut m = 0u64;
    for (k, (c, d)) in block
        .chunks_exact(16)
        .zip(dst.chunks_exact_mut(16))
        .enumerate()
    {
        // SAFETY: SSE2 is part of every x86_64 target's baseline; the unaligned load and store
        // touch the 16 bytes of `c` and of `d`.
        let bits = unsafe {
            let x = _mm_loadu_si128(c.as_ptr().cast::<__m128i>());
            // Signed byte compares: non-ASCII bytes are negative and fall outside every range.
            let within = |lo: i8, hi: i8| {
                _mm_and_si128(
                    _mm_cmpgt_epi8(x, _mm_set1_epi8(lo - 1)),
                    _mm_cmplt_epi8(x, _mm_set1_epi8(hi + 1)),
                )
            };
            let ws = _mm_or_si128(within(0x09, 0x0D), within(0x1C, 0x20));
            let upper = within(0x41, 0x5A);
            let low = _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
            _mm_storeu_si128(d.as_mut_ptr().cast::<__m128i>(), low);
            _mm_movemask_epi8(ws)
        };
        m |= u64::from(bits as u32) << (16 * k);
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn lower_block(block: &[u8; 64], dst: &mut [u8]) -> u64 {
    for (d, &c) in dst.iter_mut().zip(block) {
        *d = c.to_ascii_lowercase();
    }
    ws_mask64(block)
}

/// Word n-gram hashes of `text.lower().split()` (or `text.split()`).
pub(super) fn word_gram_hashes(text: &str, lowercase: bool, n: usize, out: &mut Vec<u64>) {
    WORDS.with_borrow_mut(|words| {
        fill_word_hashes(text, lowercase, words);
        roll_grams(words, n, |h| h, out);
    });
}

/// `fold32` of each word gram hash (the 32-bit kernel inputs of the fast scheme), 8 grams at a
/// time where the CPU allows.
pub(super) fn word_gram_fold32(text: &str, lowercase: bool, n: usize, out: &mut Vec<u32>) {
    WORDS.with_borrow_mut(|words| {
        fill_word_hashes(text, lowercase, words);
        let done = if n <= 16 && simd_words::available() {
            // SAFETY: the CPU has the features (`available`).
            unsafe { simd_words::gram_fold32(words, n, out) }
        } else {
            0
        };
        // Grams from `done` on are the grams of the words from `done` on.
        roll_grams(&words[done.min(words.len())..], n, fold32, out);
    });
}

thread_local! {
    /// Per-thread word-hash buffer, reused across documents.
    static WORDS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The word hashes of `text` (lowercased when asked) into `words`.
fn fill_word_hashes(text: &str, lowercase: bool, words: &mut Vec<u64>) {
    words.clear();
    word_hashes(text, lowercase, words);
}

/// The n-gram hashes of the word hashes `words`, mapped by `f`, appended to `out`.
fn roll_grams<T>(words: &[u64], n: usize, f: impl Fn(u64) -> T, out: &mut Vec<T>) {
    if words.len() < n {
        return;
    }
    out.reserve(words.len() + 1 - n);
    if n > ROLL_MAX {
        out.extend(words.windows(n).map(|g| f(combine(g))));
        return;
    }
    // `XOR_k rotl(w[i + k], R * k)`, rolled from one window to the next. Word hashes are
    // already well mixed, so the XOR of distinct rotations identifies the gram as well as a
    // chained hash would (R is odd: the first 64 rotations are distinct). The kernel input is
    // mixed from it later (`hashes32`).
    let n32 = id32(n); // n <= ROLL_MAX
    let r_last = (ROLL_R * (n32 - 1)) % 64;
    let mut h = (0..n32)
        .zip(&words[..n])
        .fold(0u64, |h, (k, &w)| h ^ w.rotate_left((ROLL_R * k) % 64));
    out.push(f(h));
    for (&old, &new) in words.iter().zip(&words[n..]) {
        h = (h ^ old).rotate_right(ROLL_R) ^ new.rotate_left(r_last);
        out.push(f(h));
    }
}

/// Rotation step of the rolled word-gram hash, and the largest n it is used for.
pub(super) const ROLL_R: u32 = 13;
const ROLL_MAX: usize = 64;

/// Code-point n-gram hashes of the text without its whitespace (the usual definition for CJK,
/// where words are not space-separated), lowercased when asked.
pub(super) fn char_gram_hashes(text: &str, lowercase: bool, n: usize, out: &mut Vec<u64>) {
    let mut cps: Vec<u64> = Vec::with_capacity(text.len());
    for c in text.chars() {
        if is_space(c) {
            continue;
        }
        if lowercase && !c.is_ascii() {
            cps.extend(c.to_lowercase().map(|l| l as u64));
        } else if lowercase {
            cps.push(c.to_ascii_lowercase() as u64);
        } else {
            cps.push(c as u64);
        }
    }
    if cps.len() < n {
        return;
    }
    out.extend(cps.windows(n).map(combine));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Vec<u64> {
        // Python: [h(w) for w in text.lower().split()]
        split_py(&text.to_lowercase())
            .map(|w| hash_word(w.as_bytes()))
            .collect()
    }

    #[test]
    fn block_scan_equals_reference_at_every_alignment() {
        // Words of every length class (<= 16, 17..=64, > 64 bytes, ASCII or not) and every
        // separator kind, placed across 64-byte block edges and at the very end of the text.
        let long_ascii = "Long".repeat(20);
        let long_accented = "\u{e9}".repeat(40);
        let pieces = [
            "A",
            "wOrd",
            "ExactlySixteen16",
            "SeventeenLetters1",
            long_ascii.as_str(),
            "\u{e9}T\u{c9}",
            "\u{2500}\u{2500}",
            "\u{5b57}\u{5b57}",
            "\u{212a}",
            "x\u{a0}Y",
            "\u{410}\u{431}", // (Σ: see `final_sigma_lowercases_the_whole_text`)
            long_accented.as_str(),
            "\x1c",
            " ",
            "\t\n",
            "\u{85}",
            "  ",
        ];
        let mut state = 0x1234_5678_u64;
        for _ in 0..3000 {
            let mut t = String::new();
            while t.len() < 200 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                t.push_str(pieces[(state >> 33) as usize % pieces.len()]);
                if state >> 62 == 0 {
                    t.push(' ');
                }
            }
            for cut in [63, 64, 65, 127, 128, t.len()] {
                let Some(t) = t.get(..cut.min(t.len())) else {
                    continue;
                };
                // The vector passes (where the CPU has them) and the scalar ones.
                for scalar in [false, true] {
                    crate::cpu::FORCE_SCALAR.set(scalar);
                    let mut got = Vec::new();
                    word_hashes(t, true, &mut got);
                    crate::cpu::FORCE_SCALAR.set(false);
                    assert_eq!(got, reference(t), "{t:?} scalar={scalar}");
                }
            }
        }
    }

    #[test]
    fn final_sigma_lowercases_the_whole_text() {
        // Σ in a block the vector pass scans, in the scalar tail, or after other non-ASCII.
        for k in (0..140).step_by(7) {
            for tail in [
                " \u{39f}\u{394}\u{39f}\u{3a3} x",
                " caf\u{e9} \u{3a3}\u{391}\u{3a3}.",
            ] {
                let t = format!("{}{tail} Words AFTER", "Ab ".repeat(k / 3));
                for scalar in [false, true] {
                    crate::cpu::FORCE_SCALAR.set(scalar);
                    let mut got = Vec::new();
                    word_hashes(&t, true, &mut got);
                    crate::cpu::FORCE_SCALAR.set(false);
                    assert_eq!(got, reference(&t), "{t:?} scalar={scalar}");
                }
            }
        }
        // Σ's lowercase depends on its neighbours: the word alone would lowercase otherwise.
        let mut alone = Vec::new();
        word_hashes("\u{3a3}", true, &mut alone);
        let mut final_ = Vec::new();
        word_hashes("\u{3bf}\u{3a3}", true, &mut final_);
        assert_eq!(alone, vec![hash_word("\u{3c3}".as_bytes())]);
        assert_eq!(final_, vec![hash_word("\u{3bf}\u{3c2}".as_bytes())]);
    }

    #[test]
    fn a_huge_text_leaves_no_scan_buffers_behind() {
        let t = "Word ".repeat(MAX_KEPT_SCAN / 5 + 100);
        let mut got = Vec::new();
        word_hashes(&t, true, &mut got);
        assert_eq!(got.len(), MAX_KEPT_SCAN / 5 + 100);
        assert!(SCAN.with_borrow(|sc| sc.low.is_empty() && sc.starts.is_empty()));
        word_hashes("small text", true, &mut got);
        assert!(SCAN.with_borrow(|sc| !sc.low.is_empty()));
    }

    #[test]
    fn uncased_ranges_have_no_lowercase_mapping() {
        for c in (0x2000..0xD800)
            .filter_map(char::from_u32)
            .filter(|&c| uncased(c))
        {
            assert!(c.to_lowercase().eq([c]), "{c:?}");
        }
    }

    #[test]
    fn fast_word_hashes_equal_lowercase_then_split() {
        for t in [
            "Hello World",
            "  MIXED case\tWords\nAND A VeryLongWordThatIsLongerThan16 x",
            "caf\u{e9} CAF\u{c9} \u{212a}elvin kelvin",
            "a\u{a0}b\u{3000}C\u{85}d \u{1680}",
            "x \u{a0}\u{2028}",
            "ABCDEFGHIJKLMNOP abcdefghijklmnop @[`{ Z",
            "",
        ] {
            let mut got = Vec::new();
            word_hashes(t, true, &mut got);
            assert_eq!(got, reference(t), "{t:?}");
        }
        // The block pass lowercases exactly `A`..=`Z` and marks exactly Python's ASCII
        // whitespace.
        for k in 0..4u8 {
            let block: [u8; 64] = std::array::from_fn(|i| 64 * k + i as u8);
            let mut low = [0u8; 64];
            let ws = lower_block(&block, &mut low);
            for (i, (&c, &l)) in block.iter().zip(&low).enumerate() {
                assert_eq!(l, c.to_ascii_lowercase(), "{c:#x}");
                assert_eq!(ws >> i & 1 == 1, crate::pytext::is_space_ascii(c), "{c:#x}");
            }
        }
    }
}
