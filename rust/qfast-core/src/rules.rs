//! User rules compiled once and matched in one pass per text: many regexes as one
//! `RegexSet` (patterns the `regex` crate cannot express, such as look-around or
//! back-references, fall back to `fancy-regex` one by one; `\w` and `\W` mean what they mean
//! in Python, `\b` keeps the crates' Unicode definition), and word lists as one
//! Aho-Corasick automaton with optional Python-`\W` word bounds and case folding.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::RegexSet;

use crate::error::{Error, Result};
use crate::pytext::is_word;

/// Many patterns; `first_match` names the lowest-numbered pattern that matches.
pub struct Patterns {
    set: Option<RegexSet>,
    /// Index in the user's list of each pattern in `set`.
    set_ids: Vec<usize>,
    fancy: Vec<(usize, fancy_regex::Regex)>,
}

/// Python's `\w` (`str.isalnum()` or `_`) as a class; the `regex` crates' `\w` also counts
/// combining marks, connector punctuation and joiners (U+200C/D) as word characters.
const PY_WORD: &str = r"[\p{L}\p{N}_]";
const PY_NON_WORD: &str = r"[^\p{L}\p{N}_]";

/// Rewrite `\w` / `\W` to Python's definitions (escaped backslashes are left alone).
fn python_word_classes(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('w') => out.push_str(PY_WORD),
            Some('W') => out.push_str(PY_NON_WORD),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

impl Patterns {
    pub fn new(patterns: &[String]) -> Result<Self> {
        let translated: Vec<String> = patterns.iter().map(|p| python_word_classes(p)).collect();
        let patterns = &translated;
        let mut plain = Vec::new();
        let mut set_ids = Vec::new();
        let mut fancy = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            if regex::Regex::new(p).is_ok() {
                plain.push(p.as_str());
                set_ids.push(i);
            } else {
                let r = fancy_regex::Regex::new(p)
                    .map_err(|e| Error::Config(format!("pattern {i} ({p:?}): {e}")))?;
                fancy.push((i, r));
            }
        }
        let set = if plain.is_empty() {
            None
        } else {
            Some(RegexSet::new(&plain).map_err(|e| Error::Config(format!("patterns: {e}")))?)
        };
        Ok(Patterns {
            set,
            set_ids,
            fancy,
        })
    }

    /// The index of the first pattern (in the user's order) found in `text`.
    pub fn first_match(&self, text: &str) -> Result<Option<usize>> {
        let mut best = self
            .set
            .as_ref()
            .and_then(|s| s.matches(text).iter().next())
            .map(|k| self.set_ids[k]);
        for (i, r) in &self.fancy {
            if best.is_some_and(|b| b < *i) {
                break;
            }
            let hit = r
                .is_match(text)
                .map_err(|e| Error::Config(format!("pattern {i}: {e}")))?;
            if hit {
                best = Some(best.map_or(*i, |b| b.min(*i)));
                break;
            }
        }
        Ok(best)
    }
}

/// A word list matched in one pass.
pub struct WordList {
    ac: Option<AhoCorasick>,
    /// Pattern index in the automaton -> index in the user's list.
    ids: Vec<usize>,
    bounded: bool,
    lowercase: bool,
}

impl WordList {
    pub fn new(words: &[String], bounded: bool, case_sensitive: bool) -> Result<Self> {
        let lowercase = !case_sensitive;
        let mut pats = Vec::new();
        let mut ids = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if w.is_empty() {
                continue;
            }
            pats.push(if lowercase {
                w.to_lowercase()
            } else {
                w.clone()
            });
            ids.push(i);
        }
        let ac = if pats.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&pats)
                    .map_err(|e| Error::Config(format!("word list: {e}")))?,
            )
        };
        Ok(WordList {
            ac,
            ids,
            bounded,
            lowercase,
        })
    }

    /// The index (in the user's list) of a word found in `text`: the first occurrence in the
    /// text, ties broken by list order.
    #[must_use]
    pub fn first_match(&self, text: &str) -> Option<usize> {
        let ac = self.ac.as_ref()?;
        let lowered;
        let t = if self.lowercase {
            lowered = text.to_lowercase();
            lowered.as_str()
        } else {
            text
        };
        let ok = |a: usize, b: usize| {
            !self.bounded
                || (t[..a].chars().next_back().is_none_or(|c| !is_word(c))
                    && t[b..].chars().next().is_none_or(|c| !is_word(c)))
        };
        let mut best: Option<(usize, usize)> = None;
        for m in ac.find_overlapping_iter(t) {
            if let Some((s, _)) = best {
                if m.start() > s {
                    break;
                }
            }
            if ok(m.start(), m.end()) {
                let cand = (m.start(), self.ids[m.pattern().as_usize()]);
                best = Some(best.map_or(cand, |b| b.min(cand)));
            }
        }
        best.map(|(_, i)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(std::string::ToString::to_string).collect()
    }

    #[test]
    fn patterns_mix_plain_and_fancy() {
        let p = Patterns::new(&s(&[r"lorem\s+ipsum", r"(\w+) \1", r"\d{3}-\d{4}"])).expect("p");
        assert_eq!(p.first_match("call 555-1234").expect("m"), Some(2));
        assert_eq!(p.first_match("the the end").expect("m"), Some(1));
        assert_eq!(p.first_match("Lorem ipsum").expect("m"), None);
        assert_eq!(p.first_match("lorem  ipsum the the").expect("m"), Some(0));
        assert!(Patterns::new(&s(&["("])).is_err());
    }

    #[test]
    fn word_lists_bound_and_fold() {
        let w = WordList::new(&s(&["spam", "buy now"]), true, false).expect("w");
        assert_eq!(w.first_match("Please BUY NOW!"), Some(1));
        assert_eq!(w.first_match("spammer"), None);
        assert_eq!(w.first_match("no spam, buy now"), Some(0));
        let raw = WordList::new(&s(&["spam"]), false, true).expect("w");
        assert_eq!(raw.first_match("spammer"), Some(0));
        assert_eq!(raw.first_match("SPAM"), None);
    }
}
