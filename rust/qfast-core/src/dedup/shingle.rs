//! Fast-mode shingles: word n-grams of `text.lower().split()` and code-point n-grams, each hashed
//! to 64 bits from per-unit hashes. A word's hash is a function of its lowercased UTF-8 bytes
//! only (whatever path computed it), so equal n-grams always hash equally.

use xxhash_rust::xxh3::xxh3_64;

use crate::pytext::{is_space, is_space_ascii, split_py};

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
    let ge_a = x.wrapping_add(O * (0x80 - b'A' as u64));
    let gt_z = x.wrapping_add(O * (0x7F - b'Z' as u64));
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
    x & (((1u128 << (8 * k)) - 1) as u64)
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

const O8: u64 = 0x0101_0101_0101_0101;
const H8: u64 = 0x8080_8080_8080_8080;

/// Word hashes of `text.split()`, lowercased when asked, appended to `out`.
fn word_hashes(text: &str, lowercase: bool, out: &mut Vec<u64>) {
    let b = text.as_bytes();
    if !lowercase {
        out.extend(split_py(text).map(|w| hash_word(w.as_bytes())));
        return;
    }
    let n = b.len();
    let mut i = 0;
    while i < n {
        // Skip ASCII whitespace; anything else starts a word (non-ASCII goes to the slow path,
        // which also handles non-ASCII whitespace).
        let c = b[i];
        if c < 0x80 && is_space_ascii(c) {
            i += 1;
            continue;
        }
        let start = i;
        let mut ascii = true;
        loop {
            // Eight bytes at a time: the first byte <= 0x20 or >= 0x80 may end the word.
            if i + 8 <= n {
                let x = load8(b, i);
                let cand = (x.wrapping_sub(O8 * 0x21) & !x & H8) | (x & H8);
                if cand == 0 {
                    i += 8;
                    continue;
                }
                i += cand.trailing_zeros() as usize / 8;
            }
            if i >= n {
                break;
            }
            let c = b[i];
            if c >= 0x80 {
                ascii = false;
                break;
            }
            if is_space_ascii(c) {
                break;
            }
            i += 1;
        }
        if !ascii {
            // The rest of this whitespace-delimited run, by Python's rules, lowercased as text.
            let rest = &text[start..];
            let Some(w) = split_py(rest).next() else {
                break; // only whitespace left
            };
            i = start + (w.as_ptr() as usize - rest.as_ptr() as usize) + w.len();
            // Python's lower() of a word without Σ, char by char (ASCII directly).
            LOWER.with_borrow_mut(|buf| {
                buf.clear();
                for c in w.chars() {
                    if c.is_ascii() {
                        buf.push(c.to_ascii_lowercase());
                    } else {
                        buf.extend(c.to_lowercase());
                    }
                }
                out.push(hash_word(buf.as_bytes()));
            });
            continue;
        }
        let len = i - start;
        let h = if len <= 16 {
            let (k0, k1) = load16(b, start, len);
            hash16(ascii_lower8(k0), ascii_lower8(k1), len)
        } else {
            hash_word(&b[start..i].to_ascii_lowercase())
        };
        out.push(h);
    }
}

/// Word n-gram hashes of `text.lower().split()` (or `text.split()`). Lowercasing word by word
/// equals lowercasing the whole text except for Python's Final_Sigma rule, which looks at the
/// neighbouring chars: a text with Σ is lowercased as a whole.
pub(super) fn word_gram_hashes(text: &str, lowercase: bool, n: usize, out: &mut Vec<u64>) {
    WORDS.with_borrow_mut(|words| {
        words.clear();
        word_gram_hashes_into(text, lowercase, n, words, out);
    })
}

thread_local! {
    /// Per-thread buffer for lowercasing non-ASCII words.
    static LOWER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    /// Per-thread word-hash buffer, reused across documents.
    static WORDS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn word_gram_hashes_into(
    text: &str,
    lowercase: bool,
    n: usize,
    words: &mut Vec<u64>,
    out: &mut Vec<u64>,
) {
    if lowercase && !text.is_ascii() && text.contains('Σ') {
        let low = text.to_lowercase();
        word_hashes(&low, false, words);
    } else {
        word_hashes(text, lowercase, words);
    }
    if words.len() < n {
        return;
    }
    out.extend(words.windows(n).map(combine));
}

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
