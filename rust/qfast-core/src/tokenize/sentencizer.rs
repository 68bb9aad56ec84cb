//! spaCy's rule-based `Sentencizer` (default punct chars) and datatrove's
//! `split_into_sentences` piece construction.

/// The piece that a sentence starting at token `s` closes, as `(start, end)` bytes, advancing
/// `prev`; None where datatrove makes no cut (token 0, out of range, or no progress).
fn next_cut(spans: &[(usize, usize)], prev: &mut usize, s: usize) -> Option<(usize, usize)> {
    if s == 0 || s > spans.len() {
        return None;
    }
    let end = spans[s - 1].1;
    if end < *prev {
        return None;
    }
    let start = std::mem::replace(prev, end);
    Some((start, end))
}

/// The sentencizer over token flags (`spacy::token_flags`): `on_start(i)` for each token that
/// starts a sentence (token 0 first).
#[inline]
pub(crate) fn each_sentence_start_flags(flags: &[u8], mut on_start: impl FnMut(usize)) {
    use super::spacy::{F_IS_PUNCT, F_PUNCT_CHAR};
    if flags.is_empty() {
        return;
    }
    on_start(0);
    let mut seen_period = false;
    for (i, &f) in flags.iter().enumerate() {
        let in_punct_chars = f & F_PUNCT_CHAR != 0;
        if seen_period && !in_punct_chars && f & F_IS_PUNCT == 0 {
            if i != 0 {
                on_start(i);
            }
            seen_period = false;
        } else if in_punct_chars {
            seen_period = true;
        }
    }
}

/// datatrove pieces from token spans and flags.
pub(crate) fn pieces_from_flags<'a>(
    text: &'a str,
    spans: &[(usize, usize)],
    flags: &[u8],
) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut prev = 0usize;
    each_sentence_start_flags(flags, |s| {
        if let Some((a, b)) = next_cut(spans, &mut prev, s) {
            out.push(&text[a..b]);
        }
    });
    out.push(&text[prev..]);
    out
}

/// `pieces_from_flags(..).len()`.
pub(crate) fn piece_count_from_flags(spans: &[(usize, usize)], flags: &[u8]) -> usize {
    let mut n = 1usize;
    let mut prev = 0usize;
    each_sentence_start_flags(flags, |s| {
        n += usize::from(next_cut(spans, &mut prev, s).is_some());
    });
    n
}
