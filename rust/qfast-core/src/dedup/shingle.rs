//! Fast-mode shingles: word n-grams of `text.lower().split()` and code-point n-grams, each hashed
//! to 64 bits from per-unit hashes. A word's hash is a function of its lowercased UTF-8 bytes
//! only (whatever path computed it), so equal n-grams always hash equally.

use xxhash_rust::xxh3::xxh3_64;

use crate::narrow::{id32, low64};
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

/// Hash of up to 16 bytes given as two zero-padded little-endian words.
#[inline(always)]
fn hash16(k0: u64, k1: u64, len: usize) -> u64 {
    let a = (k0 ^ 0x243F_6A88_85A3_08D3).wrapping_mul(0x9FB2_1C65_1E98_DF25);
    let b = (k1 ^ (len as u64).wrapping_mul(GK)).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    let h = a ^ b.rotate_left(29);
    (h ^ (h >> 31)).wrapping_mul(0x94D0_49BB_1331_11EB) ^ (h >> 27)
}

/// The word hash of already-lowercased bytes.
#[inline]
fn hash_word(b: &[u8]) -> u64 {
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

/// ASCII uppercase letters of `x` (bytes < 0x80) to lowercase, 8 at a time.
#[inline(always)]
fn ascii_lower8(x: u64) -> u64 {
    const H: u64 = 0x8080_8080_8080_8080;
    const O: u64 = 0x0101_0101_0101_0101;
    let ge_a = x.wrapping_add(O * (0x80 - u64::from(b'A')));
    let gt_z = x.wrapping_add(O * (0x7F - u64::from(b'Z')));
    let upper = ge_a & !gt_z & H;
    x | (upper >> 2)
}

#[inline(always)]
fn load_le(b: &[u8]) -> u64 {
    let mut pad = [0u8; 8];
    pad[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(pad)
}

#[inline(always)]
fn load8(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]))
}

/// The low `k` bytes of `x` (0 <= k <= 8).
#[inline(always)]
fn low_bytes(x: u64, k: usize) -> u64 {
    x & low64((1u128 << (8 * k)) - 1)
}

/// Bytes `[at, at + len)` of `b` (len <= 16) as two zero-padded little-endian words.
#[inline(always)]
fn load16(b: &[u8], at: usize, len: usize) -> (u64, u64) {
    if at + 16 <= b.len() {
        let (x0, x1) = (load8(b, at), load8(b, at + 8));
        (
            low_bytes(x0, len.min(8)),
            low_bytes(x1, len.saturating_sub(8)),
        )
    } else {
        let (lo, hi) = b[at..at + len].split_at(len.min(8));
        (load_le(lo), load_le(hi))
    }
}

const H8: u64 = 0x8080_8080_8080_8080;

/// Bit `j` set when byte `j` of the block is ASCII whitespace by Python's rules
/// (`\t`..`\r`, `\x1c`..`\x1f`, space).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn ws_mask64(block: &[u8; 64]) -> u64 {
    use core::arch::x86_64::{
        _mm_and_si128, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_set_epi64x,
    };
    let mut m = 0u64;
    for (k, c) in block.chunks_exact(16).enumerate() {
        let (lo, hi) = (load8(c, 0), load8(c, 8));
        // SAFETY: SSE2 is part of every x86_64 target's baseline, and these intrinsics only
        // compute on values (no memory access).
        let bits = unsafe {
            // Signed byte compares: non-ASCII bytes are negative and fall outside both ranges.
            let x = _mm_set_epi64x(hi as i64, lo as i64);
            let r1 = _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(0x08)),
                _mm_cmplt_epi8(x, _mm_set1_epi8(0x0E)),
            );
            let r2 = _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(0x1B)),
                _mm_cmplt_epi8(x, _mm_set1_epi8(0x21)),
            );
            _mm_movemask_epi8(_mm_or_si128(r1, r2))
        };
        m |= u64::from(bits as u32) << (16 * k);
    }
    m
}

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

/// Hash of the lowercased word `text[s..e]` (delimited by ASCII whitespace or the text's ends,
/// so a `str`): ASCII words from registers or a stack buffer, others on the slow path. A word
/// with non-ASCII chars may hold non-ASCII whitespace, so it is split again by Python's rules.
#[inline(always)]
fn push_lower_word(text: &str, s: usize, e: usize, out: &mut Vec<u64>) {
    let b = text.as_bytes();
    let len = e - s;
    if len <= 16 {
        let (k0, k1) = load16(b, s, len);
        if (k0 | k1) & H8 == 0 {
            out.push(hash16(ascii_lower8(k0), ascii_lower8(k1), len));
            return;
        }
    } else if len <= 64 {
        let mut buf = [0u8; 64];
        let w = &mut buf[..len];
        w.copy_from_slice(&b[s..e]);
        if w.is_ascii() {
            w.make_ascii_lowercase();
            out.push(xxh3_64(w));
            return;
        }
    }
    push_lower_word_slow(&text[s..e], out);
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

/// Word hashes of `text.split()`, lowercased when asked, appended to `out`.
fn word_hashes(text: &str, lowercase: bool, out: &mut Vec<u64>) {
    if !lowercase {
        out.extend(split_py(text).map(|w| hash_word(w.as_bytes())));
        return;
    }
    // Word boundaries from 64-byte whitespace masks: a bit of `ws ^ (ws << 1 | carry)` marks a
    // change between whitespace and word. ASCII whitespace always separates words; non-ASCII
    // whitespace only occurs inside a "word" with non-ASCII bytes, split again on the slow path.
    let b = text.as_bytes();
    let n = b.len();
    let mut carry = 1u64; // before the text: whitespace
    let mut start = 0usize;
    let mut base = 0usize;
    let mut tail = [b' '; 64];
    while base < n {
        let ws = if let Some(block) = b.get(base..base + 64) {
            ws_mask64(block.try_into().unwrap_or(&[b' '; 64]))
        } else {
            // Last partial block, padded with spaces (which close a word ending at `n`).
            tail[..n - base].copy_from_slice(&b[base..]);
            ws_mask64(&tail)
        };
        let mut trans = ws ^ ((ws << 1) | carry);
        while trans != 0 {
            let j = trans.trailing_zeros() as usize;
            trans &= trans - 1;
            let at = base + j;
            if (ws >> j) & 1 == 0 {
                start = at;
            } else {
                push_lower_word(text, start, at, out);
            }
        }
        carry = ws >> 63;
        base += 64;
    }
    if carry == 0 && n > 0 {
        push_lower_word(text, start, n, out); // the text ends a full block inside a word
    }
}

/// Word n-gram hashes of `text.lower().split()` (or `text.split()`). Lowercasing word by word
/// equals lowercasing the whole text except for Python's `Final_Sigma` rule, which looks at the
/// neighbouring chars: a text with Σ is lowercased as a whole.
pub(super) fn word_gram_hashes(text: &str, lowercase: bool, n: usize, out: &mut Vec<u64>) {
    word_gram_hashes_map(text, lowercase, n, |h| h, out);
}

/// `word_gram_hashes` with each hash mapped by `f` as it is made (no 64-bit list in between).
pub(super) fn word_gram_hashes_map<T>(
    text: &str,
    lowercase: bool,
    n: usize,
    f: impl Fn(u64) -> T,
    out: &mut Vec<T>,
) {
    WORDS.with_borrow_mut(|words| word_gram_hashes_into(text, lowercase, n, words, f, out));
}

thread_local! {
    /// Per-thread word-hash buffer, reused across documents.
    static WORDS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The gram hashes of `text`, mapped by `f`, appended to `out`; `words` is scratch.
fn word_gram_hashes_into<T>(
    text: &str,
    lowercase: bool,
    n: usize,
    words: &mut Vec<u64>,
    f: impl Fn(u64) -> T,
    out: &mut Vec<T>,
) {
    words.clear();
    if lowercase && !text.is_ascii() && text.contains('Σ') {
        let low = text.to_lowercase();
        word_hashes(&low, false, words);
    } else {
        word_hashes(text, lowercase, words);
    }
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
const ROLL_R: u32 = 13;
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
            "\u{410}\u{431}", // (Σ is lowercased with the whole text, not here)
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
                let mut got = Vec::new();
                word_hashes(t, true, &mut got);
                assert_eq!(got, reference(t), "{t:?}");
            }
        }
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
        assert_eq!(
            ascii_lower8(u64::from_le_bytes(*b"AZaz@[`{")),
            u64::from_le_bytes(*b"azaz@[`{")
        );
    }
}
