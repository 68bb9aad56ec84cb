//! Byte tests on 8 bytes at a time in a `u64` (SWAR), for the text scans of the hot loops.

use crate::narrow::low64;

/// `0x01` in every byte.
pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte.
pub(crate) const HI: u64 = LO << 7;

/// The high bit of the lowest zero byte of `y`. Bits above it may be spurious (a borrow), so
/// only the lowest set bit of a mask built from these is exact.
#[inline(always)]
pub(crate) fn zero(y: u64) -> u64 {
    y.wrapping_sub(LO) & !y & HI
}

/// `zero` of the bytes equal to `c`.
#[inline(always)]
pub(crate) fn eq(x: u64, c: u8) -> u64 {
    zero(x ^ (LO * u64::from(c)))
}

/// The high bit of every ASCII byte of `x` below `k` (`k <= 0x80`), exact: adding `0x80 - k`
/// to `b & 0x7F` carries into no other byte.
#[inline(always)]
pub(crate) fn ascii_below(x: u64, k: u8) -> u64 {
    !((x & !HI) + LO * (0x80 - u64::from(k))) & !x & HI
}

/// The first position at or after `i` whose byte `mask` flags, reading 8 bytes at a time
/// (`mask` gives the high bit of flagged bytes; its lowest set bit must be exact). Within the
/// last 8 bytes of `b` it returns the position it reached: the caller goes on byte by byte.
#[inline(always)]
pub(crate) fn scan(b: &[u8], mut i: usize, mask: impl Fn(u64) -> u64) -> usize {
    while let Some(w) = b.get(i..i + 8) {
        let m = mask(u64::from_le_bytes(w.try_into().unwrap_or([0; 8])));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// The bytes of `word` (at most 16) as two zero-padded little-endian words. A word lying inside
/// `text` (words are slices of the text they were split from) is read from there, 16 bytes at
/// once whatever its length; near the end of `text`, or for a word from elsewhere, through a
/// padded copy. Either way the result depends on the word's bytes only.
#[inline(always)]
pub(crate) fn load_word(text: &[u8], word: &[u8]) -> (u64, u64) {
    let len = word.len().min(16);
    let at = (word.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let (x0, x1) = if let Some(w) = text.get(at..at.wrapping_add(16)) {
        (load8(w, 0), load8(w, 8))
    } else {
        let mut pad = [0u8; 16];
        pad[..len].copy_from_slice(&word[..len]);
        (load8(&pad, 0), load8(&pad, 8))
    };
    (
        x0 & low64((1u128 << (8 * len.min(8))) - 1),
        x1 & low64((1u128 << (8 * len.saturating_sub(8))) - 1),
    )
}

#[inline(always)]
fn load8(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_tests_match_their_definitions() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Bytes biased toward the interesting values.
            let v = x & 0x7F1F_FF20_E2FF_0A80;
            let bytes = v.to_le_bytes();
            let lowest = |f: &dyn Fn(u8) -> bool| bytes.iter().position(|&c| f(c));
            let lowest_bit = |m: u64| (m != 0).then(|| (m.trailing_zeros() / 8) as usize);
            for k in [0x1F_u8, 0x21, 0x80] {
                let m = ascii_below(v, k);
                for (j, &c) in bytes.iter().enumerate() {
                    assert_eq!((m >> (8 * j + 7)) & 1 == 1, c < k, "{v:#x} {k:#x}");
                }
            }
            for c in [b'\n', 0xE2, 0] {
                assert_eq!(lowest_bit(eq(v, c)), lowest(&|b| b == c), "{v:#x} {c:#x}");
            }
        }
    }

    #[test]
    fn scan_stops_at_the_first_flagged_byte_or_the_tail() {
        let b = b"abcdefghijklmnopqrstuvwxyz\nABCDEFGHIJ";
        let nl = |x: u64| eq(x, b'\n');
        assert_eq!(scan(b, 0, nl), 26);
        assert_eq!(scan(b, 20, nl), 26);
        assert_eq!(scan(b, 27, nl), 35); // no newline in 27..35; fewer than 8 bytes after 35
        assert_eq!(scan(&b[..30], 0, nl), 24); // stops where fewer than 8 bytes are left
        assert_eq!(scan(b"abc", 0, nl), 0);
    }

    #[test]
    fn load_word_reads_the_same_bytes_from_the_text_or_a_copy() {
        let text = "one two three-and-four 0123456789abcdef é€ end";
        for w in text.split(' ').filter(|w| w.len() <= 16) {
            let copy = w.to_string();
            let want = {
                let mut pad = [0u8; 16];
                pad[..w.len()].copy_from_slice(w.as_bytes());
                (load8(&pad, 0), load8(&pad, 8))
            };
            assert_eq!(load_word(text.as_bytes(), w.as_bytes()), want, "{w:?}");
            assert_eq!(load_word(text.as_bytes(), copy.as_bytes()), want, "{w:?}");
            assert_eq!(load_word(b"", w.as_bytes()), want, "{w:?}");
        }
    }
}
