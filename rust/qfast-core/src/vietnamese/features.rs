//! pyvi's per-syllable CRF attributes (`ViTokenizer.word2features`) as `CRFsuite` state scores.
//!
//! Attributes per syllable, in pyvi's dict order (`CRFsuite` sums state weights in item order):
//! `bias`; `word.lower():<w>`, `word.isupper()`, `word.istitle()`, `word.isdigit()`; for the
//! previous syllable `-1:word.lower():<w>`, `-1:word.istitle()`, `-1:word.isupper()`,
//! `-1:word.bi_gram()` and, two back, `-2:word.tri_gram()`; the same for the next ones
//! (`+1:`, `+2:`). Strings become `key:value` with value 1; booleans are `key` with value 0 or
//! 1 (0 adds nothing, so false ones are skipped). n-gram membership tests the lower-cased
//! syllables joined by one space against `words.txt`'s two- and three-word lines.

use std::collections::HashSet;

use super::pystr;
use crate::crfsuite::CrfModel;

type Set = HashSet<Box<str>, ahash::RandomState>;

/// The bigram and trigram lines of `words.txt`.
pub struct NGrams {
    bi: Set,
    tri: Set,
}

impl NGrams {
    /// Lines split on `\n`; a line of exactly two (three) `' '`-separated parts is a bigram
    /// (trigram).
    pub fn from_text(text: &str) -> NGrams {
        let mut bi = Set::default();
        let mut tri = Set::default();
        for line in text.split('\n') {
            match line.split(' ').count() {
                2 => {
                    bi.insert(line.into());
                }
                3 => {
                    tri.insert(line.into());
                }
                _ => {}
            }
        }
        NGrams { bi, tri }
    }

    pub fn is_empty(&self) -> bool {
        self.bi.is_empty()
    }

    pub fn len(&self) -> usize {
        self.bi.len() + self.tri.len()
    }

    /// Whether `parts` joined by `' '` is a bigram (two parts) or trigram; `buf` is scratch.
    fn has(&self, parts: &[&str], buf: &mut String) -> bool {
        buf.clear();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.push_str(p);
        }
        let set = if parts.len() == 2 {
            &self.bi
        } else {
            &self.tri
        };
        set.contains(buf.as_str())
    }
}

/// Attribute ids of the fixed-name attributes (None: not in the model).
pub struct FixedAttrs {
    bias: Option<u32>,
    upper: Option<u32>,
    title: Option<u32>,
    digit: Option<u32>,
    prev_title: Option<u32>,
    prev_upper: Option<u32>,
    prev_bi: Option<u32>,
    prev_tri: Option<u32>,
    next_title: Option<u32>,
    next_upper: Option<u32>,
    next_bi: Option<u32>,
    next_tri: Option<u32>,
}

impl FixedAttrs {
    pub fn new(m: &CrfModel) -> FixedAttrs {
        FixedAttrs {
            bias: m.attr("bias"),
            upper: m.attr("word.isupper()"),
            title: m.attr("word.istitle()"),
            digit: m.attr("word.isdigit()"),
            prev_title: m.attr("-1:word.istitle()"),
            prev_upper: m.attr("-1:word.isupper()"),
            prev_bi: m.attr("-1:word.bi_gram()"),
            prev_tri: m.attr("-2:word.tri_gram()"),
            next_title: m.attr("+1:word.istitle()"),
            next_upper: m.attr("+1:word.isupper()"),
            next_bi: m.attr("+1:word.bi_gram()"),
            next_tri: m.attr("+2:word.tri_gram()"),
        }
    }
}

struct Syl {
    lower: String,
    upper: bool,
    title: bool,
    digit: bool,
    /// Ids of `word.lower():`, `-1:word.lower():`, `+1:word.lower():` with this syllable.
    lower_ids: [Option<u32>; 3],
}

/// Per-syllable state scores (`out[t * L + label]`) for `syl`.
pub fn state_scores(m: &CrfModel, fx: &FixedAttrs, ng: &NGrams, syl: &[&str]) -> Vec<f64> {
    let l = m.labels().len();
    let mut buf = String::new();
    let info: Vec<Syl> = syl
        .iter()
        .map(|w| {
            let lower = pystr::lower(w);
            let mut id = |prefix: &str| {
                buf.clear();
                buf.push_str(prefix);
                buf.push_str(&lower);
                m.attr(&buf)
            };
            let lower_ids = [
                id("word.lower():"),
                id("-1:word.lower():"),
                id("+1:word.lower():"),
            ];
            Syl {
                upper: pystr::isupper(w),
                title: pystr::istitle(w),
                digit: pystr::isdigit(w),
                lower,
                lower_ids,
            }
        })
        .collect();
    let n = info.len();
    let mut out = vec![0.0; n * l];
    for (i, row) in out.chunks_exact_mut(l).enumerate() {
        let mut add = |a: Option<u32>, on: bool| {
            if let (Some(a), true) = (a, on) {
                m.add_state(a, row);
            }
        };
        let w = &info[i];
        add(fx.bias, true);
        add(w.lower_ids[0], true);
        add(fx.upper, w.upper);
        add(fx.title, w.title);
        add(fx.digit, w.digit);
        if i > 0 {
            let p = &info[i - 1];
            add(p.lower_ids[1], true);
            add(fx.prev_title, p.title);
            add(fx.prev_upper, p.upper);
            add(fx.prev_bi, ng.has(&[&p.lower, &w.lower], &mut buf));
            if i > 1 {
                let pp = &info[i - 2];
                add(
                    fx.prev_tri,
                    ng.has(&[&pp.lower, &p.lower, &w.lower], &mut buf),
                );
            }
        }
        if i + 1 < n {
            let x = &info[i + 1];
            add(x.lower_ids[2], true);
            add(fx.next_title, x.title);
            add(fx.next_upper, x.upper);
            add(fx.next_bi, ng.has(&[&w.lower, &x.lower], &mut buf));
            if i + 2 < n {
                let xx = &info[i + 2];
                add(
                    fx.next_tri,
                    ng.has(&[&w.lower, &x.lower, &xx.lower], &mut buf),
                );
            }
        }
    }
    out
}
