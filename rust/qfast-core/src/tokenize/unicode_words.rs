//! `TokenizerKind::Unicode`: UAX #29 word segments that are not all whitespace.

use unicode_segmentation::UnicodeSegmentation;

use super::rules::py_isspace;

/// UAX #29 word-boundary segments of `text` that contain a non-whitespace char, as byte spans.
pub(crate) fn unicode_tokens(text: &str) -> Vec<(usize, usize)> {
    text.split_word_bound_indices()
        .filter(|(_, w)| !w.chars().all(py_isspace))
        .map(|(i, w)| (i, i + w.len()))
        .collect()
}
