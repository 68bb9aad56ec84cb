//! datatrove's `C4BadWordsFilter`: per-language word lists matched in one Aho-Corasick pass
//! over the lowercased text. For ja, th and zh any occurrence counts; for other languages an
//! occurrence must sit between non-word characters (Python's `\W`) or the text's ends, as
//! datatrove's `(?:\W|^)(w1|w2|…)(?:\W|$)` requires. Sampling with `keep_fraction` draws from
//! numpy's `default_rng(seed)` once per document with a hit, in row order.

use ahash::AHashMap;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::error::{Error, Result};
use crate::pcg64::Pcg64;
use crate::pytext::is_alpha;

/// datatrove applies both allowlists to every language.
const ALLOWLIST: [&str; 4] = ["sm", "グロ", "女の子", "性"];
/// Languages whose lists are matched as plain substrings (no word boundaries).
const SUBSTRING_LANGS: [&str; 3] = ["ja", "th", "zh"];

/// Python's `\w` for `str` patterns: alphanumeric (`isalnum`) or `_`.
fn is_word(c: char) -> bool {
    c == '_' || is_alpha(c) || c.is_numeric()
}

struct Matcher {
    ac: Option<AhoCorasick>,
    /// The list holds the empty word (a blank line): it matches wherever two non-word
    /// characters, or the text's ends, meet.
    empty: bool,
    substring: bool,
}

impl Matcher {
    fn new(lang: &str, words: &[String]) -> Result<Self> {
        let mut set: Vec<&str> = words
            .iter()
            .map(|w| w.trim())
            .filter(|w| !ALLOWLIST.contains(w))
            .collect();
        set.sort_unstable();
        set.dedup();
        let empty = set.first() == Some(&"");
        set.retain(|w| !w.is_empty());
        let ac = if set.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&set)
                    .map_err(|e| Error::Config(format!("bad-words list for {lang:?}: {e}")))?,
            )
        };
        Ok(Matcher {
            ac,
            empty,
            substring: SUBSTRING_LANGS.contains(&lang),
        })
    }

    /// Whether `lower` (already lowercased) contains a listed word.
    fn hit(&self, lower: &str) -> bool {
        if self.substring {
            // A plain alternation with an empty alternative matches any text.
            return self.empty || self.ac.as_ref().is_some_and(|ac| ac.is_match(lower));
        }
        let bounded = |a: usize, b: usize| {
            let before = lower[..a].chars().next_back();
            let after = lower[b..].chars().next();
            before.is_none_or(|c| !is_word(c)) && after.is_none_or(|c| !is_word(c))
        };
        if let Some(ac) = &self.ac {
            if ac
                .find_overlapping_iter(lower)
                .any(|m| bounded(m.start(), m.end()))
            {
                return true;
            }
        }
        if self.empty {
            // `(?:\W|^)(?:\W|$)`: empty text, or a non-word char at either end, or two in a row.
            let mut prev_nonword = true; // `^`
            let mut any = false;
            for c in lower.chars() {
                let nw = !is_word(c);
                if nw && prev_nonword {
                    return true;
                }
                prev_nonword = nw;
                any = true;
            }
            return !any || prev_nonword;
        }
        false
    }
}

/// Outcome for one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// A listed word was found, and the row is dropped.
    Drop,
    /// A listed word was found, and `keep_fraction` sampling kept the row.
    KeptSampled,
    /// The row's language has no list (kept when `fail_on_missing_language` is off).
    MissingLanguage,
}

pub struct BadWords {
    lists: AHashMap<String, Matcher>,
    keep_fraction: f64,
    rng: Option<Pcg64>,
}

impl BadWords {
    /// `lists`: language -> words (one per entry, stripped as datatrove strips lines).
    /// `seed`: numpy `default_rng` seed (`None`: seeded from the OS, not reproducible).
    pub fn new(
        lists: &[(String, Vec<String>)],
        keep_fraction: f64,
        seed: Option<u128>,
    ) -> Result<Self> {
        if !(0.0..=1.0).contains(&keep_fraction) {
            return Err(Error::Config(format!(
                "keep_fraction={keep_fraction} is not in [0, 1]"
            )));
        }
        let mut m = AHashMap::new();
        for (lang, words) in lists {
            m.insert(lang.clone(), Matcher::new(lang, words)?);
        }
        let seed = seed.unwrap_or_else(|| {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            t ^ u128::from(std::process::id()) << 64
        });
        Ok(BadWords {
            lists: m,
            keep_fraction,
            rng: (keep_fraction > 0.0).then(|| Pcg64::new(seed)),
        })
    }

    #[must_use]
    pub fn has_language(&self, lang: &str) -> bool {
        self.lists.contains_key(lang)
    }

    /// Whether `text` (any case) contains a word of `lang`'s list; `None`: no list for `lang`.
    #[must_use]
    pub fn found(&self, text: &str, lang: &str) -> Option<bool> {
        let m = self.lists.get(lang)?;
        Some(m.hit(&text.to_lowercase()))
    }

    /// Verdicts for rows in order: detection on the pool, then the sampling draws (one per row
    /// with a hit, in row order, continuing the generator across calls).
    pub fn verdicts(&mut self, rows: &[Option<(&str, &str)>]) -> Result<Vec<Option<Verdict>>> {
        let found = crate::parallel::map_items(rows, |r| r.map(|(t, l)| self.found(t, l)))?;
        Ok(found
            .into_iter()
            .map(|f| {
                f.map(|f| match f {
                    None => Verdict::MissingLanguage,
                    Some(false) => Verdict::Keep,
                    Some(true) => {
                        let kf = self.keep_fraction;
                        if self.rng.as_mut().is_some_and(|g| g.uniform() < kf) {
                            Verdict::KeptSampled
                        } else {
                            Verdict::Drop
                        }
                    }
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bw(lang: &str, words: &[&str]) -> BadWords {
        let w = words.iter().map(std::string::ToString::to_string).collect();
        BadWords::new(&[(lang.to_string(), w)], 0.0, Some(0)).expect("lists")
    }

    #[test]
    fn word_boundaries_follow_python_w() {
        let b = bw("en", &["ass", "two words", "c++"]);
        assert_eq!(b.found("Kiss my ASS!", "en"), Some(true));
        assert_eq!(b.found("classic", "en"), Some(false));
        assert_eq!(b.found("ass_hat", "en"), Some(false)); // `_` is a word char
        assert_eq!(b.found("assé", "en"), Some(false));
        assert_eq!(b.found("say two words.", "en"), Some(true));
        assert_eq!(b.found("I like c++ a lot", "en"), Some(true));
        assert_eq!(b.found("x", "de"), None);
        // Words keep their case: an uppercase list entry never matches the lowered text.
        assert_eq!(bw("en", &["Ass"]).found("ass", "en"), Some(false));
    }

    #[test]
    fn cjk_lists_match_substrings_and_allowlists_apply_everywhere() {
        let b = bw("zh", &["坏词", "性"]);
        assert_eq!(b.found("这是坏词啊", "zh"), Some(true));
        assert_eq!(b.found("性别", "zh"), Some(false));
        assert_eq!(bw("en", &["sm", "bad"]).found("sm", "en"), Some(false));
    }

    #[test]
    fn empty_word_matches_two_non_word_chars() {
        let b = bw("en", &["", "zzz"]);
        assert_eq!(b.found("abc", "en"), Some(false));
        assert_eq!(b.found("ab, c", "en"), Some(true));
        assert_eq!(b.found("abc.", "en"), Some(true));
        assert_eq!(b.found("", "en"), Some(true));
    }
}
