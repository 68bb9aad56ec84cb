//! Random inputs for the filters' tests: a deterministic xorshift stream, words drawn from a
//! palette, and the same words as slices of their joined text.

/// A xorshift64 stream from `seed` (not zero).
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// `len` words drawn from the first `k` words of `palette`.
pub(crate) fn draw<'a>(
    next: &mut impl FnMut() -> u64,
    palette: &[&'a str],
    len: usize,
    k: usize,
) -> Vec<&'a str> {
    let k = k.clamp(1, palette.len()) as u64;
    (0..len).map(|_| palette[(next() % k) as usize]).collect()
}

/// The words of `text` = `words.join(sep)` (one-byte `sep`), as slices of `text`.
pub(crate) fn slices<'t>(text: &'t str, words: &[&str]) -> Vec<&'t str> {
    let mut at = 0;
    words
        .iter()
        .map(|w| {
            let piece = &text[at..at + w.len()];
            at += w.len() + 1;
            piece
        })
        .collect()
}
