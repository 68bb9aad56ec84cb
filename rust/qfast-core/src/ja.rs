//! datatrove's Japanese word tokenizer (`load_word_tokenizer("ja")`: spaCy 3.8.18 `ja` over
//! `SudachiPy` mode A, text cut into chunks of at most 40,000 bytes) over the native Sudachi port.
//! See `docs/dev/sudachi-spec.md` sections 9 and 10 for the rules ported here.

use std::sync::Arc;

use crate::narrow::floor_usize;
use crate::pytext::is_space;
use crate::sudachi::{Morpheme, Sudachi};
use crate::tokenize::Segmenter;

/// datatrove's chunk size for Japanese (bytes): under Sudachi's input limit.
const CHUNK_BYTES: usize = 40_000;

/// spaCy `ja` tokens over [`Sudachi`], chunked as datatrove does.
pub struct JaSegmenter {
    sudachi: Arc<Sudachi>,
}

impl JaSegmenter {
    #[must_use]
    pub fn new(sudachi: Arc<Sudachi>) -> Self {
        JaSegmenter { sudachi }
    }
}

impl Segmenter for JaSegmenter {
    fn doc_tokens(&self, text: &str) -> Vec<(usize, usize)> {
        // Chunks are at most 40,000 bytes, under Sudachi's 49,149-byte limit, its only error
        // on valid text; a longer text (only if a caller skips `chunks`) is one token.
        match self.sudachi.tokenize(text) {
            Ok(m) => spacy_ja_tokens(text, &m),
            Err(_) => vec![(0, text.len())],
        }
    }

    fn chunks(&self, text: &str) -> Vec<(usize, usize)> {
        chunk_text_on_bytes(text, CHUNK_BYTES)
    }

    fn lines_independent(&self) -> bool {
        false
    }
}

/// Python `str.isspace` of a whole token (false for "").
fn all_space(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_space)
}

/// spaCy `ja`'s token spans from Sudachi's morphemes (`JapaneseTokenizer._get_dtokens` then
/// `get_dtokens_and_spaces`): empty surfaces go; of a run of whitespace 空白 morphemes only the
/// first stays; words are kept, whitespace between them becomes one gap token, except one
/// `" "` that the next morpheme is exactly, which becomes the word's trailing space.
#[must_use]
pub fn spacy_ja_tokens(text: &str, morphemes: &[Morpheme]) -> Vec<(usize, usize)> {
    let mut dtokens: Vec<(usize, usize, bool)> = Vec::with_capacity(morphemes.len());
    for m in morphemes.iter().filter(|m| m.end > m.start) {
        let space_blank = m.blank && all_space(&text[m.start..m.end]);
        if space_blank && dtokens.last().is_some_and(|&(_, _, prev)| prev) {
            continue;
        }
        dtokens.push((m.start, m.end, space_blank));
    }
    let surface = |i: usize| &text[dtokens[i].0..dtokens[i].1];
    let mut out = Vec::with_capacity(dtokens.len());
    if dtokens.is_empty() {
        return out;
    }
    if (0..dtokens.len()).all(|i| all_space(surface(i))) {
        out.push((0, text.len()));
        return out;
    }
    let mut pos = 0usize;
    for i in 0..dtokens.len() {
        let word = surface(i);
        if all_space(word) {
            continue;
        }
        // spaCy finds the word from the cursor (`text[pos:].index(word)`).
        // Almost always the word starts at the cursor: skip building a searcher then.
        let k = if text[pos..].starts_with(word) {
            0
        } else if let Some(k) = text[pos..].find(word) {
            k
        } else {
            continue; // cannot happen: surfaces tile the text
        };
        if k > 0 {
            out.push((pos, pos + k));
            pos += k;
        }
        out.push((pos, pos + word.len()));
        pos += word.len();
        if i + 1 < dtokens.len() && surface(i + 1) == " " {
            pos += 1;
        }
    }
    if pos < text.len() {
        out.push((pos, text.len()));
    }
    out
}

/// datatrove's `chunk_text_on_bytes(text, max_chunk_size)`, ported literally (lengths in code
/// points, sizes in UTF-8 bytes, the same guesses and steps), as byte ranges of `text`.
#[must_use]
pub fn chunk_text_on_bytes(text: &str, max_chunk_size: usize) -> Vec<(usize, usize)> {
    if text.len() <= max_chunk_size {
        // The port below gives one chunk for these too; skip its bookkeeping.
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![(0, text.len())]
        };
    }
    // Code point -> byte offset.
    let mut at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let n_chars = at.len();
    at.push(text.len());
    let factor = n_chars as f64 / text.len() as f64;
    let max = max_chunk_size as f64;
    let increase_by = floor_usize((max * 0.1).clamp(1.0, 10.0));
    let step_down = (max * 0.001).min(10.0);
    let mut guess = floor_usize((max * factor - 10.0).max(1.0));
    let mut out = Vec::new();
    let mut start = 0usize; // code point where `remaining` starts
                            // bytes of remaining[:k]
    let bytes = |start: usize, k: usize| at[(start + k).min(n_chars)] - at[start];
    while start < n_chars {
        let rem = n_chars - start;
        let part = guess.min(rem);
        // `guess > 1`: a single character wider than `max_chunk_size` would never fit; it is
        // taken alone below instead of looping forever.
        if bytes(start, part) > max_chunk_size && guess > 1 {
            guess = floor_usize((guess as f64 - step_down).max(1.0));
            continue;
        }
        let mut cut = guess;
        let mut part_len = part;
        while bytes(start, part_len) < max_chunk_size && part_len != rem {
            cut = rem.min(cut + increase_by);
            part_len = cut.min(rem);
        }
        if bytes(start, part_len) > max_chunk_size {
            cut = cut.saturating_sub(increase_by);
        }
        // Python would loop forever on an empty chunk; a one-character step ends it instead.
        let take = cut.clamp(1, rem);
        out.push((at[start], at[start + take]));
        start += take;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(start: usize, end: usize, blank: bool) -> Morpheme {
        Morpheme { start, end, blank }
    }

    fn texts<'a>(text: &'a str, spans: &[(usize, usize)]) -> Vec<&'a str> {
        spans.iter().map(|&(a, b)| &text[a..b]).collect()
    }

    #[test]
    fn spacy_layer_matches_the_spec_vectors() {
        // Sudachi gives a, " ", " ", b, "　", "　", c (spec section 9).
        let t = "a  b\u{3000}\u{3000}c";
        let ms = [
            m(0, 1, false),
            m(1, 2, true),
            m(2, 3, true),
            m(3, 4, false),
            m(4, 7, true),
            m(7, 10, true),
            m(10, 11, false),
        ];
        assert_eq!(
            texts(t, &spacy_ja_tokens(t, &ms)),
            ["a", " ", "b", "\u{3000}\u{3000}", "c"]
        );
        // "末尾の空白 \n": Sudachi 末尾, の, 空白, " ", "\n"
        let t = "末尾の空白 \n";
        let ms = [
            m(0, 6, false),
            m(6, 9, false),
            m(9, 15, false),
            m(15, 16, true),
            m(16, 17, true),
        ];
        assert_eq!(
            texts(t, &spacy_ja_tokens(t, &ms)),
            ["末尾", "の", "空白", "\n"]
        );
        // "\t先頭タブ"
        let t = "\t先頭タブ";
        let ms = [m(0, 1, true), m(1, 7, false), m(7, 13, false)];
        assert_eq!(texts(t, &spacy_ja_tokens(t, &ms)), ["\t", "先頭", "タブ"]);
        // whitespace only: one token of the whole text; empty surfaces dropped
        assert_eq!(spacy_ja_tokens(" ", &[m(0, 1, true)]), [(0, 1)]);
        assert!(spacy_ja_tokens("", &[]).is_empty());
        let t = "㍿と";
        let ms = [m(0, 3, false), m(3, 3, false), m(3, 6, false)];
        assert_eq!(texts(t, &spacy_ja_tokens(t, &ms)), ["㍿", "と"]);
    }

    #[test]
    fn chunks_follow_datatrove() {
        // (text, chunk lengths in code points) as datatrove 0.10.1's chunk_text_on_bytes gives
        let mut long = vec![13_333; 14];
        long.extend([13_328, 10]);
        let cases: Vec<(String, Vec<usize>)> = vec![
            ("今日は良い天気です。".repeat(2_000), vec![13_333, 6_667]),
            ("あ".repeat(13_400) + &"a".repeat(100), vec![13_329, 171]),
            ("今日は良い天気です。".repeat(20_000), long),
            (
                ("x".repeat(39_990) + &"日本".repeat(10)).repeat(3),
                vec![39_990, 39_960, 39_960, 120],
            ),
            ("a".repeat(40_001), vec![40_000, 1]),
            ("日".repeat(13_334), vec![13_324, 10]),
        ];
        for (t, want) in cases {
            let c = chunk_text_on_bytes(&t, 40_000);
            let chars: Vec<usize> = c.iter().map(|&(a, b)| t[a..b].chars().count()).collect();
            assert_eq!(chars, want);
            assert!(c.iter().all(|&(a, b)| b - a <= 40_000));
            assert_eq!(c.first().map(|x| x.0), Some(0));
            assert!(c.windows(2).all(|w| w[0].1 == w[1].0));
        }
        assert_eq!(chunk_text_on_bytes("短い", 40_000), [(0, 6)]);
        assert!(chunk_text_on_bytes("", 40_000).is_empty());
        // Characters wider than the chunk size: one per chunk, not an endless loop.
        assert_eq!(chunk_text_on_bytes("日本語", 2), [(0, 3), (3, 6), (6, 9)]);
    }
}
