//! datatrove 0.10.1's Thai tokenizer (`ThaiTokenizer`: `PyThaiNLP` 5.4.0), ported from
//! `docs/dev/thai-spec.md`:
//!
//! - words: `word_tokenize(text, engine="newmm-safe", keep_whitespace=False)`, each token
//!   Python-`strip()`ped and empty ones dropped;
//! - sentences: `sent_tokenize(text)` (crfcut: plain newmm with whitespace kept, a `CRFsuite`
//!   model, label overrides), stripped, empty ones dropped;
//! - spans: datatrove's `simple_span_tokenize` of those sentences.
//!
//! The dictionary (`words_th.txt`) and the CRF model (`sentenceseg_crfcut.model`) are read from
//! the installed `pythainlp` package by the caller. Layout: `dict` (trie), `tcc` (cluster
//! boundaries), `nonthai` (the small regexes, formatted-number rejoin), `newmm` (maximal
//! matching, safe mode), `crate::crfsuite` (model reader, Viterbi, shared with Vietnamese), `crfcut` (features, labels).

mod crfcut;
mod dict;
mod newmm;
mod nonthai;
mod tcc;

#[cfg(test)]
mod tests;

use std::path::Path;

pub use crate::crfsuite::CrfModel;
pub use dict::Trie;

use crate::error::{Error, Result};
use crate::pytext::{lstrip, rstrip};
use crate::tokenize::Segmenter;

/// The loaded dictionary and sentence model.
pub struct Thai {
    trie: Trie,
    model: CrfModel,
    features: crfcut::Features,
}

/// `text` as code points with the byte offset of each (plus the end).
struct Chars {
    chars: Vec<char>,
    at: Vec<usize>,
}

impl Chars {
    fn new(text: &str) -> Chars {
        let mut chars = Vec::with_capacity(text.len());
        let mut at = Vec::with_capacity(text.len() + 1);
        for (i, c) in text.char_indices() {
            chars.push(c);
            at.push(i);
        }
        at.push(text.len());
        Chars { chars, at }
    }

    /// Token byte spans from code point end positions.
    fn spans(&self, ends: &[usize]) -> Vec<(usize, usize)> {
        let mut prev = 0usize;
        ends.iter()
            .map(|&e| {
                let s = (self.at[prev], self.at[e]);
                prev = e;
                s
            })
            .collect()
    }
}

/// The Python-`strip()`ped part of `text[a..b]` as a byte span, None if nothing is left.
fn strip_span(text: &str, (a, b): (usize, usize)) -> Option<(usize, usize)> {
    let t = &text[a..b];
    let l = lstrip(t);
    if l.is_empty() {
        return None;
    }
    let start = a + (t.len() - l.len());
    Some((start, start + rstrip(l).len()))
}

impl Thai {
    /// From the dictionary's text and the model file's bytes.
    pub fn new(dict_text: &str, model: &[u8]) -> Result<Thai> {
        let trie = Trie::from_text(dict_text);
        if trie.is_empty() {
            return Err(Error::Config("the Thai dictionary has no words".into()));
        }
        let model = CrfModel::from_bytes(model)?;
        if model.label_id("E").is_none() {
            return Err(Error::BadModel(
                "the Thai sentence model has no label 'E'".into(),
            ));
        }
        let features = crfcut::Features::new(&model);
        Ok(Thai {
            trie,
            model,
            features,
        })
    }

    /// From the paths of `words_th.txt` and `sentenceseg_crfcut.model`.
    pub fn from_paths(dict: &Path, model: &Path) -> Result<Thai> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| Error::Config(format!("cannot read {}: {e}", p.display())))
        };
        let dict_bytes = read(dict)?;
        let dict_text = String::from_utf8(dict_bytes)
            .map_err(|_| Error::Config(format!("{} is not valid UTF-8", dict.display())))?;
        Thai::new(&dict_text, &read(model)?)
    }

    /// `PyThaiNLP` `word_tokenize(text, engine="newmm"/"newmm-safe")` with whitespace kept
    /// (numbers like `1,234.5` rejoined): token byte spans tiling `text`.
    #[must_use]
    pub fn newmm(&self, text: &str, safe: bool) -> Vec<(usize, usize)> {
        let c = Chars::new(text);
        let mut ends = Vec::new();
        newmm::segment(&self.trie, &c.chars, safe, 0, &mut ends);
        let ends = nonthai::rejoin_formatted_num(&c.chars, &ends);
        c.spans(&ends)
    }

    /// datatrove `ThaiTokenizer.word_tokenize`: newmm-safe tokens, stripped, empty ones
    /// dropped, as byte spans of `text`.
    #[must_use]
    pub fn words(&self, text: &str) -> Vec<(usize, usize)> {
        self.newmm(text, true)
            .into_iter()
            .filter_map(|s| strip_span(text, s))
            .collect()
    }

    /// `PyThaiNLP` `sent_tokenize(text)` (crfcut), each sentence stripped and empty ones
    /// dropped (datatrove's `sent_tokenize`), as byte spans of `text`.
    #[must_use]
    pub fn sentences(&self, text: &str) -> Vec<(usize, usize)> {
        let tokens = self.newmm(text, false);
        crfcut::sentences(&self.model, &self.features, text, &tokens)
            .into_iter()
            .filter_map(|s| strip_span(text, s))
            .collect()
    }

    /// datatrove `ThaiTokenizer.span_tokenize` as byte spans: one sentence is the whole text,
    /// otherwise each stripped sentence where it is (the first occurrence from the previous
    /// span's end, which is where it is: only whitespace lies between).
    #[must_use]
    pub fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        let s = self.sentences(text);
        if s.len() == 1 {
            return vec![(0, text.len())];
        }
        s
    }

    /// The CRF's raw labels for tokens (for tests): true = `E`.
    #[must_use]
    pub fn crf_labels(&self, tokens: &[&str]) -> Vec<bool> {
        crfcut::crf_labels(&self.model, &self.features, tokens)
    }

    /// The TCC clusters of `text` (for tests).
    #[must_use]
    pub fn clusters(text: &str) -> Vec<String> {
        tcc::clusters(text)
    }

    /// Number of dictionary words.
    #[must_use]
    pub fn dict_len(&self) -> usize {
        self.trie.len()
    }
}

impl Segmenter for Thai {
    fn doc_tokens(&self, text: &str) -> Vec<(usize, usize)> {
        self.words(text)
    }

    fn lines_independent(&self) -> bool {
        false
    }

    fn sentence_spans(&self, text: &str) -> Option<Vec<(usize, usize)>> {
        Some(self.spans(text))
    }
}
