//! Steps run over a text column as datatrove runs a chain: each step sees the text the
//! previous one left (C4 rewrites it), the first dropping step gives the reason, and one
//! tokenization of a given text serves every step that needs words.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::error::Result;
use crate::filters::{c4, fineweb, gopher_quality, gopher_repetition, Reason};
use crate::narrow::{id32, usize64};
use crate::parallel::map_rows;
use crate::tokenize::{Tokenizer, Tokens};

/// One step of a pipeline.
#[derive(Clone, Debug)]
pub enum Step {
    GopherQuality(gopher_quality::Config),
    GopherRepetition(gopher_repetition::Config),
    C4Quality(c4::Config),
    FineWebQuality(fineweb::Config),
    /// Every part keeps; each part sees the text the previous part left.
    And(Vec<Step>),
    /// Some part keeps; parts run on the same input; the first keeper's text wins.
    Or(Vec<Step>),
    /// Keeps what the part drops; the text is never rewritten. Holds the part's name.
    Not(Box<Step>, String),
}

impl Step {
    /// True if this step can rewrite the text.
    pub fn rewrites(&self) -> bool {
        match self {
            Step::C4Quality(_) => true,
            Step::And(parts) | Step::Or(parts) => parts.iter().any(Step::rewrites),
            _ => false,
        }
    }
}

/// A document as it moves through the steps: its current text and, once computed, its
/// tokens (reset when a step rewrites the text).
#[derive(Clone)]
pub struct Doc<'a> {
    text: Cow<'a, str>,
    tokens: Option<Tokens>,
    /// The words, while the text is still the input text (they borrow it).
    words: Option<Vec<&'a str>>,
    /// Word count of the current text when a step learned it without keeping the tokens.
    n_words: Option<usize>,
}

impl<'a> Doc<'a> {
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        Doc {
            text: Cow::Borrowed(text),
            tokens: None,
            words: None,
            n_words: None,
        }
    }

    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The current text and its tokens (tokenized once per text).
    pub fn text_and_tokens(&mut self, tok: &Tokenizer) -> (&str, &Tokens) {
        let text: &str = &self.text;
        let toks = self
            .tokens
            .get_or_insert_with(|| tok.tokens_with_flags(text));
        (text, toks)
    }

    /// `f(text, words)` for the current text (tokenized once per text; the words of the input
    /// text are built once and shared by every step).
    pub fn with_words<R>(&mut self, tok: &Tokenizer, f: impl FnOnce(&str, &[&str]) -> R) -> R {
        if let Cow::Borrowed(text) = self.text {
            if self.words.is_none() {
                let toks = self
                    .tokens
                    .get_or_insert_with(|| tok.tokens_with_flags(text));
                self.words = Some(toks.words(text));
            }
            f(text, self.words.as_deref().unwrap_or(&[]))
        } else {
            let (text, toks) = self.text_and_tokens(tok);
            f(text, &toks.words(text))
        }
    }

    /// The current text and `len(split_into_words(text))`.
    pub fn text_and_word_count(&mut self, tok: &Tokenizer) -> (&str, usize) {
        if let Some(w) = &self.words {
            return (&self.text, w.len());
        }
        if let (Some(n), None) = (self.n_words, &self.tokens) {
            return (&self.text, n);
        }
        let (text, toks) = self.text_and_tokens(tok);
        (text, toks.word_count())
    }

    fn rewrite(&mut self, text: String, n_words: Option<usize>) {
        if text != *self.text {
            self.text = Cow::Owned(text);
            self.tokens = None;
            self.words = None;
            self.n_words = n_words;
        }
    }
}

/// Runs one step on `doc`: `None` keeps (the text may have been rewritten), `Some` drops.
/// Uses each filter's early-exit path; `signals` measures everything.
pub fn eval_step(step: &Step, doc: &mut Doc<'_>, tok: &Tokenizer) -> Option<Reason> {
    match step {
        Step::GopherQuality(cfg) => {
            doc.with_words(tok, |text, words| gopher_quality::filter(text, words, cfg))
        }
        Step::GopherRepetition(cfg) => {
            // The line and paragraph checks need no words: a document they drop is never
            // tokenized (about a fifth of web text bytes).
            match gopher_repetition::filter_lines(doc.text(), cfg) {
                Err(r) => Some(r),
                Ok(len) => doc.with_words(tok, |text, words| {
                    gopher_repetition::filter_ngrams(text, words, len, cfg)
                }),
            }
        }
        Step::FineWebQuality(cfg) => {
            let (text, n_words) = doc.text_and_word_count(tok);
            fineweb::filter(text, n_words, cfg)
        }
        Step::C4Quality(cfg) => {
            let out = if cfg.split_paragraph && cfg.min_num_sentences != -1 {
                let (text, tokens) = doc.text_and_tokens(tok);
                c4::apply_with_tokens(text, cfg, tok, Some(tokens))
            } else {
                c4::apply(doc.text(), cfg, tok)
            };
            if let Some(r) = out.verdict {
                Some(r)
            } else {
                if let Some(t) = out.text {
                    doc.rewrite(t, out.n_words.map(usize64));
                }
                None
            }
        }
        Step::And(parts) => parts.iter().find_map(|p| eval_step(p, doc, tok)),
        Step::Or(parts) => {
            let mut first_reason = None;
            for p in parts {
                let mut trial = doc.clone();
                match eval_step(p, &mut trial, tok) {
                    None => {
                        *doc = trial;
                        return None;
                    }
                    Some(r) => {
                        first_reason.get_or_insert(r);
                    }
                }
            }
            first_reason
        }
        Step::Not(part, name) => {
            let mut trial = doc.clone();
            match eval_step(part, &mut trial, tok) {
                None => Some(Cow::Owned(format!("not_{name}"))),
                Some(_) => None,
            }
        }
    }
}

/// Per-step counts, named like datatrove's stats.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepStats {
    pub rows_in: u64,
    pub bytes_in: u64,
    pub kept: u64,
    pub bytes_kept: u64,
    pub dropped: u64,
    /// `reason -> rows`, reported as `dropped_<reason>`.
    pub dropped_by: BTreeMap<String, u64>,
}

/// What happened to one row.
#[derive(Clone, Debug)]
pub struct RowOutcome {
    /// Index of the dropping step, or None when kept.
    pub step: Option<u32>,
    pub reason: Option<Reason>,
    /// Final text when a step rewrote it and the row was kept.
    pub text: Option<String>,
    /// UTF-8 bytes of the text as it entered each step it reached.
    bytes_in: Vec<u64>,
}

/// The reason given to a null text: dropped at the first step and counted there.
pub const NULL_TEXT: &str = "null_text";

fn run_row(steps: &[Step], text: Option<&str>, tok: &Tokenizer) -> RowOutcome {
    let Some(text) = text else {
        return RowOutcome {
            step: Some(0),
            reason: Some(Cow::Borrowed(NULL_TEXT)),
            text: None,
            bytes_in: vec![0],
        };
    };
    let mut doc = Doc::new(text);
    let mut bytes_in = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        bytes_in.push(doc.text().len() as u64);
        if let Some(reason) = eval_step(step, &mut doc, tok) {
            return RowOutcome {
                step: Some(id32(i)), // a step of the pipeline
                reason: Some(reason),
                text: None,
                bytes_in,
            };
        }
    }
    let text = match doc.text {
        Cow::Owned(t) => Some(t),
        Cow::Borrowed(_) => None,
    };
    RowOutcome {
        step: None,
        reason: None,
        text,
        bytes_in,
    }
}

/// The result of running steps over a column.
pub struct PipelineOutput {
    pub rows: Vec<RowOutcome>,
    pub stats: Vec<StepStats>,
}

/// Runs `steps` over every row (None = null) on the core pool.
pub fn run(steps: &[Step], rows: &[Option<&str>], tok: &Tokenizer) -> Result<PipelineOutput> {
    let outcomes = map_rows(rows, |t| run_row(steps, t, tok))?;
    let mut stats = vec![StepStats::default(); steps.len()];
    for (row, o) in rows.iter().zip(&outcomes) {
        for (i, b) in o.bytes_in.iter().enumerate() {
            stats[i].rows_in += 1;
            stats[i].bytes_in += b;
            match (o.step, &o.reason) {
                (Some(s), Some(r)) if s as usize == i => {
                    stats[i].dropped += 1;
                    *stats[i].dropped_by.entry(r.to_string()).or_default() += 1;
                }
                _ => {
                    stats[i].kept += 1;
                    let next = o.bytes_in.get(i + 1).copied();
                    let out_bytes = next.unwrap_or_else(|| {
                        o.text
                            .as_ref()
                            .map_or(row.map_or(0, str::len), std::string::String::len)
                            as u64
                    });
                    stats[i].bytes_kept += out_bytes;
                }
            }
        }
    }
    Ok(PipelineOutput {
        rows: outcomes,
        stats,
    })
}

/// Every step's verdict on every row, each step on the row's original text (as if each ran
/// alone), tokenizing each row once: steps that do not rewrite share the row's tokens, a step
/// that rewrites works on a copy. `None` keeps; a null row is `NULL_TEXT` for every step.
pub fn verdicts_each(
    steps: &[Step],
    rows: &[Option<&str>],
    tok: &Tokenizer,
) -> Result<Vec<Vec<Option<Reason>>>> {
    map_rows(rows, |t| {
        let Some(text) = t else {
            return vec![Some(Cow::Borrowed(NULL_TEXT)); steps.len()];
        };
        let mut doc = Doc::new(text);
        steps
            .iter()
            .map(|step| {
                if step.rewrites() {
                    eval_step(step, &mut doc.clone(), tok)
                } else {
                    eval_step(step, &mut doc, tok)
                }
            })
            .collect()
    })
}
