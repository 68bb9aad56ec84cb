//! GopherQualityFilter (datatrove `gopher_quality_filter.py`).

use super::{enabled, ratio, Reason};
use crate::chars::has_non_punctuation;
use crate::pytext::{any_alpha, count, lstrip, rstrip, splitlines};

/// datatrove's default `STOP_WORDS`.
pub const STOP_WORDS: [&str; 8] = ["the", "be", "to", "of", "and", "that", "have", "with"];

/// Parameters of `GopherQualityFilter`, with datatrove's names and defaults. `None` or `Some(0.0)`
/// disables a check (Python falsiness). Integer parameters are stored as `f64` (exact below 2^53).
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub min_doc_words: Option<f64>,
    pub max_doc_words: Option<f64>,
    pub min_avg_word_length: Option<f64>,
    pub max_avg_word_length: Option<f64>,
    pub max_symbol_word_ratio: Option<f64>,
    pub max_bullet_lines_ratio: Option<f64>,
    pub max_ellipsis_lines_ratio: Option<f64>,
    /// Misnamed in datatrove: a **minimum** ratio of words containing a letter.
    pub max_non_alpha_words_ratio: Option<f64>,
    pub min_stop_words: Option<f64>,
    /// Case-sensitive; duplicates are irrelevant (datatrove makes a set).
    pub stop_words: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_doc_words: Some(50.0),
            max_doc_words: Some(100_000.0),
            min_avg_word_length: Some(3.0),
            max_avg_word_length: Some(10.0),
            max_symbol_word_ratio: Some(0.1),
            max_bullet_lines_ratio: Some(0.9),
            max_ellipsis_lines_ratio: Some(0.3),
            max_non_alpha_words_ratio: Some(0.8),
            min_stop_words: Some(2.0),
            stop_words: STOP_WORDS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// Everything GopherQualityFilter measures on one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signals {
    /// `len(words)` (all tokens, punctuation included).
    pub n_words: u64,
    /// Tokens with at least one character outside PUNCTUATION_SET.
    pub n_non_symbol_words: u64,
    /// `np.mean([len(w) for w in non_symbol_words])`; NaN when there are none (passes both checks).
    pub avg_word_length: f64,
    /// `text.count("#")`.
    pub hash_count: u64,
    /// `text.count("...") + text.count("…")`.
    pub ellipsis_count: u64,
    /// `hash_count / n_words` (NaN for 0/0; Python would raise ZeroDivisionError).
    pub hash_ratio: f64,
    /// `ellipsis_count / n_words`.
    pub ellipsis_ratio: f64,
    /// `len(text.splitlines())`.
    pub n_lines: u64,
    /// Lines whose `lstrip()` starts with `•` or `-`.
    pub bullet_lines: u64,
    /// Lines whose `rstrip()` ends with `...` or `…`.
    pub end_ellipsis_lines: u64,
    /// `bullet_lines / n_lines` (NaN for the empty text, which has no lines).
    pub bullet_lines_ratio: f64,
    /// `end_ellipsis_lines / n_lines`.
    pub end_ellipsis_lines_ratio: f64,
    /// Tokens containing at least one `isalpha` character.
    pub alpha_words: u64,
    /// `alpha_words / n_words`.
    pub alpha_words_ratio: f64,
    /// `len(stop_words ∩ set(words))`: distinct stop words present.
    pub stop_words: u64,
}

/// Measure `text`. `words` must be `split_into_words(text)` (shared tokenization).
pub fn signals(text: &str, words: &[&str], cfg: &Config) -> Signals {
    let n_words = words.len() as u64;
    let mut n_nsw = 0u64;
    let mut nsw_len = 0u64;
    let mut alpha_words = 0u64;

    // Distinct stop words present: tiny set, linear scan with a length pre-check.
    let stop: Vec<&str> = {
        let mut v: Vec<&str> = cfg.stop_words.iter().map(String::as_str).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let max_stop_len = stop.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut stop_seen = vec![false; stop.len()];

    for &w in words {
        if w.is_ascii() {
            let b = w.as_bytes();
            // ASCII members of PUNCTUATION_SET are exactly the ASCII PUNCTUATION members.
            if has_non_punctuation(w) {
                n_nsw += 1;
                nsw_len += b.len() as u64;
            }
            if b.iter().any(|&c| (c | 0x20).wrapping_sub(b'a') < 26) {
                alpha_words += 1;
            }
        } else {
            if has_non_punctuation(w) {
                n_nsw += 1;
                nsw_len += crate::pytext::len_cp(w) as u64;
            }
            if any_alpha(w) {
                alpha_words += 1;
            }
        }
        if w.len() <= max_stop_len {
            if let Some(i) = stop.iter().position(|s| *s == w) {
                stop_seen[i] = true;
            }
        }
    }
    let stop_words = stop_seen.iter().filter(|&&b| b).count() as u64;

    let hash_count = count(text, "#") as u64;
    let ellipsis_count = (count(text, "...") + count(text, "…")) as u64;

    let (mut n_lines, mut bullet_lines, mut end_ellipsis_lines) = (0u64, 0u64, 0u64);
    for line in splitlines(text) {
        n_lines += 1;
        let l = lstrip(line);
        if l.starts_with('•') || l.starts_with('-') {
            bullet_lines += 1;
        }
        let r = rstrip(line);
        if r.ends_with("...") || r.ends_with('…') {
            end_ellipsis_lines += 1;
        }
    }

    Signals {
        n_words,
        n_non_symbol_words: n_nsw,
        avg_word_length: ratio(nsw_len, n_nsw),
        hash_count,
        ellipsis_count,
        hash_ratio: ratio(hash_count, n_words),
        ellipsis_ratio: ratio(ellipsis_count, n_words),
        n_lines,
        bullet_lines,
        end_ellipsis_lines,
        bullet_lines_ratio: ratio(bullet_lines, n_lines),
        end_ellipsis_lines_ratio: ratio(end_ellipsis_lines, n_lines),
        alpha_words,
        alpha_words_ratio: ratio(alpha_words, n_words),
        stop_words,
    }
}

/// First failing check in datatrove's order, or `None` to keep.
///
/// Where Python would raise ZeroDivisionError (n_words == 0 with `min_doc_words` disabled; the
/// empty text's zero lines), the ratio is NaN and the check passes (module docs of `filters`).
pub fn verdict(s: &Signals, cfg: &Config) -> Option<Reason> {
    let nsw = s.n_non_symbol_words as f64;
    if let Some(t) = enabled(cfg.min_doc_words) {
        if nsw < t {
            return Some("gopher_short_doc".into());
        }
    }
    if let Some(t) = enabled(cfg.max_doc_words) {
        if nsw > t {
            return Some("gopher_long_doc".into());
        }
    }
    if let Some(t) = enabled(cfg.min_avg_word_length) {
        if s.avg_word_length < t {
            return Some("gopher_below_avg_threshold".into());
        }
    }
    if let Some(t) = enabled(cfg.max_avg_word_length) {
        if s.avg_word_length > t {
            return Some("gopher_above_avg_threshold".into());
        }
    }
    if let Some(t) = enabled(cfg.max_symbol_word_ratio) {
        if s.hash_ratio > t {
            return Some("gopher_too_many_hashes".into());
        }
        if s.ellipsis_ratio > t {
            return Some("gopher_too_many_ellipsis".into());
        }
    }
    if let Some(t) = enabled(cfg.max_bullet_lines_ratio) {
        if s.bullet_lines_ratio > t {
            return Some("gopher_too_many_bullets".into());
        }
    }
    if let Some(t) = enabled(cfg.max_ellipsis_lines_ratio) {
        if s.end_ellipsis_lines_ratio > t {
            return Some("gopher_too_many_end_ellipsis".into());
        }
    }
    if let Some(t) = enabled(cfg.max_non_alpha_words_ratio) {
        if s.alpha_words_ratio < t {
            return Some("gopher_below_alpha_threshold".into());
        }
    }
    if let Some(t) = enabled(cfg.min_stop_words) {
        if (s.stop_words as f64) < t {
            return Some("gopher_enough_stop_words".into());
        }
    }
    None
}

/// `verdict(&signals(text, words, cfg), cfg)`.
pub fn filter(text: &str, words: &[&str], cfg: &Config) -> Option<Reason> {
    verdict(&signals(text, words, cfg), cfg)
}

#[cfg(test)]
mod tests {
    //! Expected verdicts obtained by running datatrove 0.10.1 (words = whitespace split).
    use super::*;

    fn run(t: &str, cfg: &Config) -> Option<String> {
        let w: Vec<&str> = t.split_whitespace().collect();
        filter(t, &w, cfg).map(|r| r.to_string())
    }

    #[test]
    fn nan_average_passes() {
        // min_doc_words=0: no non-symbol words -> np.mean([]) = NaN passes both avg checks;
        // "... !!! ???" then fails on ellipsis (1/3 > 0.1).
        let cfg = Config {
            min_doc_words: Some(0.0),
            ..Config::default()
        };
        let w = ["...", "!!!", "???"];
        let s = signals("... !!! ???", &w, &cfg);
        assert!(s.avg_word_length.is_nan());
        assert_eq!(
            run("... !!! ???", &cfg).as_deref(),
            Some("gopher_too_many_ellipsis")
        );
        assert_eq!(
            run("!!! ??? --- ,,,", &cfg).as_deref(),
            Some("gopher_below_alpha_threshold")
        );
    }

    #[test]
    fn stop_words_distinct_and_alpha_over_all_tokens() {
        let cfg = Config {
            min_doc_words: Some(1.0),
            min_avg_word_length: Some(1.0),
            ..Config::default()
        };
        // "the" three times is one distinct stop word.
        assert_eq!(
            run("the the the cat sat down here", &cfg).as_deref(),
            Some("gopher_enough_stop_words")
        );
        // 6 alpha tokens of 8 = 0.75 < 0.8 (punctuation tokens count).
        assert_eq!(
            run("the cat and the dog - - x", &cfg).as_deref(),
            Some("gopher_below_alpha_threshold")
        );
        assert_eq!(run("the cat and the dog - x", &cfg), None);
        let s = signals(
            "the cat and the dog - x",
            &["the", "cat", "and", "the", "dog", "-", "x"],
            &cfg,
        );
        assert_eq!(
            (s.n_words, s.n_non_symbol_words, s.alpha_words, s.stop_words),
            (7, 6, 6, 2)
        );
    }

    #[test]
    fn lines_bullets_and_ellipsis() {
        let t = "  • a\n- b\nc…  \nd...\ne";
        let w: Vec<&str> = t.split_whitespace().collect();
        let s = signals(t, &w, &Config::default());
        assert_eq!((s.n_lines, s.bullet_lines, s.end_ellipsis_lines), (5, 2, 2));
        assert_eq!((s.hash_count, s.ellipsis_count), (0, 2));
        assert_eq!(s.ellipsis_ratio, 2.0 / w.len() as f64);
    }

    #[test]
    fn falsy_thresholds_disable() {
        let off = Config {
            min_doc_words: None,
            max_doc_words: Some(0.0),
            min_avg_word_length: None,
            max_avg_word_length: None,
            max_symbol_word_ratio: None,
            max_bullet_lines_ratio: None,
            max_ellipsis_lines_ratio: None,
            max_non_alpha_words_ratio: None,
            min_stop_words: None,
            stop_words: vec![],
        };
        assert_eq!(run("### ...", &off), None);
        assert_eq!(run("", &off), None); // all NaN ratios, nothing enabled
        assert_eq!(
            run("", &Config::default()).as_deref(),
            Some("gopher_short_doc")
        );
    }
}
