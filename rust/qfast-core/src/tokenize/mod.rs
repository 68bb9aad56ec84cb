//! Word and sentence splitting.
//!
//! `Tokenizer::Spacy` reproduces `spacy.blank("en")` + sentencizer (spaCy 3.8.18) as
//! datatrove 0.10.1 calls them; `Tokenizer::Unicode` is the fast UAX #29 non-parity mode.
//! (Placeholder implementation: whitespace split until the spaCy port lands.)

/// Which word splitter to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenizerKind {
    /// Port of spaCy's English tokenizer: datatrove-exact.
    Spacy,
    /// UAX #29 word boundaries: fast, not datatrove-exact.
    Unicode,
}

/// A word/sentence splitter. Cheap to clone; shared rule tables are built once per process.
#[derive(Clone, Debug)]
pub struct Tokenizer {
    kind: TokenizerKind,
}

impl Tokenizer {
    pub fn new(kind: TokenizerKind) -> Self {
        Tokenizer { kind }
    }

    pub fn kind(&self) -> TokenizerKind {
        self.kind
    }

    /// datatrove `split_into_words`: tokens stripped, empty ones dropped. Slices of `text`.
    pub fn words<'a>(&self, text: &'a str) -> Vec<&'a str> {
        text.split_whitespace().collect()
    }

    /// datatrove `split_into_sentences`: contiguous pieces covering `text` (1 for empty text).
    pub fn sentences<'a>(&self, text: &'a str) -> Vec<&'a str> {
        vec![text]
    }

    /// `len(split_into_sentences(text))`.
    pub fn sentence_count(&self, text: &str) -> usize {
        self.sentences(text).len()
    }
}
