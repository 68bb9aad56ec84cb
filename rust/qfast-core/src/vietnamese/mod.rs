//! datatrove 0.10.1's Vietnamese tokenizer, `SpaCyTokenizer("vi")`: spaCy 3.8's Vietnamese
//! tokenizer, which segments words with pyvi 0.1.1's CRF, then spaCy's sentencizer.
//!
//! Per text: `syllables` (pyvi's regex syllabifier, whitespace kept aside), `features` (the
//! per-syllable CRF attributes pyvi builds), Viterbi over pyvi's `CRFsuite` model
//! (`crate::crfsuite`), then syllables labelled `I_W` join the previous word unless one of
//! pyvi's merge rules forbids it (see [`Vietnamese::words`]); a joined word keeps the
//! whitespace between its syllables. spaCy's `get_words_and_spaces` turns the words into the
//! `Doc`'s tokens ([`crate::tokenize::spacy_words_and_spaces`]).
//!
//! pyvi's data is read from the installed package by the caller: `models/words.txt` (bigram
//! and trigram membership features) and the model file embedded in `models/pyvi3.pkl`
//! (`pickle`: extracted without unpickling). Python `str` semantics: `pystr`.

mod features;
mod pickle;
mod pystr;
mod syllables;

#[cfg(test)]
mod tests;

use std::path::Path;

use crate::crfsuite::CrfModel;
use crate::error::{Error, Result};
use crate::tokenize::{spacy_words_and_spaces, Segmenter};

pub use pickle::crfsuite_model;
pub use syllables::syllables;

/// `string.punctuation`; pyvi tests `token in string.punctuation` (a substring test).
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// pyvi's model and n-gram lists.
pub struct Vietnamese {
    model: CrfModel,
    ngrams: features::NGrams,
    attrs: features::FixedAttrs,
    i_w: usize,
}

impl Vietnamese {
    /// From `words.txt`'s text and the `CRFsuite` model's bytes.
    pub fn new(words_txt: &str, model: &[u8]) -> Result<Vietnamese> {
        let model = CrfModel::from_bytes(model)?;
        let i_w = model
            .label_id("I_W")
            .ok_or_else(|| Error::BadModel("the pyvi model has no label 'I_W'".into()))?;
        let ngrams = features::NGrams::from_text(words_txt);
        if ngrams.is_empty() {
            return Err(Error::Config("pyvi's words.txt has no bigrams".into()));
        }
        let attrs = features::FixedAttrs::new(&model);
        Ok(Vietnamese {
            model,
            ngrams,
            attrs,
            i_w,
        })
    }

    /// From the paths of pyvi's `models/words.txt` and `models/pyvi3.pkl`.
    pub fn from_paths(words: &Path, pickle: &Path) -> Result<Vietnamese> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| Error::Config(format!("cannot read {}: {e}", p.display())))
        };
        let text = String::from_utf8(read(words)?)
            .map_err(|_| Error::Config(format!("{} is not valid UTF-8", words.display())))?;
        let model = crfsuite_model(&read(pickle)?)?;
        Vietnamese::new(&text, &model)
    }

    /// The CRF labels of syllables (true = `I_W`), as `model.predict` gives them.
    #[must_use]
    pub fn labels(&self, syl: &[&str]) -> Vec<bool> {
        let state = features::state_scores(&self.model, &self.attrs, &self.ngrams, syl);
        self.model
            .viterbi(&state)
            .into_iter()
            .map(|l| l == self.i_w)
            .collect()
    }

    /// spaCy's `pyvi_tokenize(text)` as byte spans: words (a word of several syllables spans
    /// the whitespace between them), no whitespace-only words.
    #[must_use]
    pub fn words(&self, text: &str) -> Vec<(usize, usize)> {
        let spans = syllables(text);
        if spans.is_empty() {
            return spans;
        }
        let syl: Vec<&str> = spans.iter().map(|&(a, b)| &text[a..b]).collect();
        let labels = self.labels(&syl);
        let mut out = Vec::new();
        let mut start = spans[0].0;
        for i in 1..syl.len() {
            if labels[i] && joins(syl[i - 1], syl[i]) {
                continue;
            }
            out.push((start, spans[i - 1].1));
            start = spans[i].0;
        }
        out.push((start, spans[spans.len() - 1].1));
        out
    }

    /// Number of bigrams and trigrams in `words.txt`.
    #[must_use]
    pub fn ngram_len(&self) -> usize {
        self.ngrams.len()
    }
}

/// pyvi's rule for an `I_W` syllable `cur` after `prev`: neither is (a substring of)
/// `string.punctuation`, neither starts with a digit, and `cur` does not start with an
/// upper/titlecase letter unless `prev` does.
fn joins(prev: &str, cur: &str) -> bool {
    let first = |s: &str| s.chars().next().unwrap_or(' ');
    let (p, c) = (first(prev), first(cur));
    !PUNCTUATION.contains(cur)
        && !PUNCTUATION.contains(prev)
        && !pystr::isdigit_char(c)
        && !pystr::isdigit_char(p)
        && (!pystr::istitle_char(c) || pystr::istitle_char(p))
}

impl Segmenter for Vietnamese {
    fn doc_tokens(&self, text: &str) -> Vec<(usize, usize)> {
        spacy_words_and_spaces(text, &self.words(text))
    }

    fn lines_independent(&self) -> bool {
        false
    }
}
