//! `FineWebQualityFilter` (datatrove `fineweb_quality_filter.py`, 0.10.1 semantics: blank lines
//! removed first, stop chars = `TERMINAL_PUNCTUATION`, `<` for `line_punct`, `>` elsewhere).

use super::{ratio, Reason};
use crate::chars::is_terminal_punctuation;
use crate::pytext::{is_blank, len_cp};
use ahash::AHashSet;

/// Parameters of `FineWebQualityFilter`, with datatrove's names and defaults. None of these checks
/// can be disabled by a falsy value (datatrove always evaluates them).
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub line_punct_thr: f64,
    pub line_punct_exclude_zero: bool,
    /// `None` = `tuple(TERMINAL_PUNCTUATION)` (single code points; fast path). Otherwise a tuple of
    /// strings with `str.endswith` semantics (an empty string matches every line).
    pub stop_chars: Option<Vec<String>>,
    pub short_line_thr: f64,
    pub short_line_length: i64,
    pub char_duplicates_ratio: f64,
    pub new_line_ratio: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            line_punct_thr: 0.12,
            line_punct_exclude_zero: false,
            stop_chars: None,
            short_line_thr: 0.67,
            short_line_length: 30,
            char_duplicates_ratio: 0.01,
            new_line_ratio: 0.3,
        }
    }
}

/// Everything `FineWebQualityFilter` measures on one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signals {
    /// Lines of `text.split("\n")` with `line.strip() != ""`.
    pub n_lines: u64,
    /// Of those, lines that `endswith(stop_chars)` (not rstripped).
    pub terminal_lines: u64,
    /// `terminal_lines / n_lines` (NaN when `n_lines` == 0; the doc is dropped as `empty`).
    pub line_punct_ratio: f64,
    /// Lines with `len(line) <= short_line_length` (code points, unstripped).
    pub short_lines: u64,
    /// `short_lines / n_lines`.
    pub short_line_ratio: f64,
    /// `find_duplicates(lines)[1]`: code points in repeated (non-blank) lines.
    pub dup_line_chars: u64,
    /// `len(text.replace("\n", ""))`.
    pub chars_no_newline: u64,
    /// `dup_line_chars / chars_no_newline`.
    pub char_dup_ratio: f64,
    /// `text.count("\n")`.
    pub newlines: u64,
    /// `len(split_into_words(text))`.
    pub n_words: u64,
    /// `newlines / n_words`. Python raises `ZeroDivisionError` for `n_words` == 0 (only reachable if
    /// the tokenizer yields no token for a text with a non-blank line); qfast gives IEEE `inf`
    /// (drops as `list_ratio`) when there are newlines, NaN (passes) when there are none.
    pub list_ratio: f64,
}

#[inline]
fn ends_with_stop(line: &str, stop: Option<&[String]>) -> bool {
    match stop {
        None => line
            .chars()
            .next_back()
            .is_some_and(is_terminal_punctuation),
        Some(v) => v.iter().any(|s| line.ends_with(s.as_str())),
    }
}

/// Measure `text`. `words_count` must be `len(split_into_words(text))`.
#[must_use]
pub fn signals(text: &str, words_count: usize, cfg: &Config) -> Signals {
    let stop = cfg.stop_chars.as_deref();
    let (mut terminal, mut short) = (0u64, 0u64);
    // One pass over `text.split("\n")`: its pieces number newlines + 1; the non-blank ones are
    // the lines measured, and the duplicate check (`find_duplicates`) runs in the same order.
    let (mut pieces, mut n_lines, mut dup_line_chars) = (0u64, 0u64, 0u64);
    let mut seen: AHashSet<&str> = AHashSet::new();
    for line in text.split('\n') {
        pieces += 1;
        if is_blank(line) {
            continue;
        }
        n_lines += 1;
        if ends_with_stop(line, stop) {
            terminal += 1;
        }
        // len(line) <= short_line_length; byte length bounds the code-point length from above.
        let len = if line.len() as i64 <= cfg.short_line_length {
            line.len()
        } else {
            len_cp(line)
        };
        if (len as i64) <= cfg.short_line_length {
            short += 1;
        }
        if !seen.insert(line) {
            dup_line_chars += len_cp(line) as u64;
        }
    }
    let newlines = pieces - 1;
    let chars_no_newline = len_cp(text) as u64 - newlines;
    let n_words = words_count as u64;
    Signals {
        n_lines,
        terminal_lines: terminal,
        line_punct_ratio: ratio(terminal, n_lines),
        short_lines: short,
        short_line_ratio: ratio(short, n_lines),
        dup_line_chars,
        chars_no_newline,
        char_dup_ratio: ratio(dup_line_chars, chars_no_newline),
        newlines,
        n_words,
        list_ratio: ratio(newlines, n_words),
    }
}

/// First failing check in datatrove's order, or `None` to keep.
#[must_use]
pub fn verdict(s: &Signals, cfg: &Config) -> Option<Reason> {
    if s.n_lines == 0 {
        return Some("empty".into());
    }
    let r = s.line_punct_ratio;
    if r < cfg.line_punct_thr && !(r == 0.0 && cfg.line_punct_exclude_zero) {
        return Some("line_punct_ratio".into());
    }
    if s.short_line_ratio > cfg.short_line_thr {
        return Some("short_line_ratio".into());
    }
    if s.char_dup_ratio > cfg.char_duplicates_ratio {
        return Some("char_dup_ratio".into());
    }
    if s.list_ratio > cfg.new_line_ratio {
        return Some("list_ratio".into());
    }
    None
}

/// `verdict(&signals(text, words_count, cfg), cfg)`.
#[must_use]
pub fn filter(text: &str, words_count: usize, cfg: &Config) -> Option<Reason> {
    verdict(&signals(text, words_count, cfg), cfg)
}

#[cfg(test)]
mod tests {
    //! Expected verdicts obtained by running datatrove 0.10.1 (words = whitespace split).
    use super::*;

    fn run(t: &str, cfg: &Config) -> Option<String> {
        filter(t, t.split_whitespace().count(), cfg).map(|r| r.to_string())
    }

    #[test]
    fn verdicts() {
        let d = Config::default();
        assert_eq!(run("A line that ends with a period. \nshort.", &d), None);
        assert_eq!(run(" \n\t\n", &d).as_deref(), Some("empty"));
        assert_eq!(run("", &d).as_deref(), Some("empty"));
        assert_eq!(run("ok.\nok.\n", &d).as_deref(), Some("short_line_ratio"));
        let t =
            "This is a long enough line ending well.\nThis is a long enough line ending well.\nz.";
        assert_eq!(run(t, &d).as_deref(), Some("char_dup_ratio"));
        let ez = Config {
            line_punct_exclude_zero: true,
            ..Config::default()
        };
        let t = "no punct at all here in this long line\nand another long line without any";
        assert_eq!(run(t, &ez), None);
        assert_eq!(run(t, &d).as_deref(), Some("line_punct_ratio"));
    }

    #[test]
    fn signals_exact() {
        let t =
            "Line one ends here.\n\n \nline two is not terminal \nline one ends here!\u{3002}\n";
        let s = signals(t, 14, &Config::default());
        assert_eq!((s.n_lines, s.terminal_lines, s.short_lines), (3, 2, 3));
        assert_eq!(s.newlines, 5);
        assert_eq!(s.chars_no_newline, (t.chars().count() - 5) as u64);
        assert_eq!(s.dup_line_chars, 0);
        assert_eq!(s.list_ratio, 5.0 / 14.0);
        // n_words == 0 policy: IEEE (inf with newlines, NaN without).
        assert!(signals("\u{200b}\n", 0, &Config::default())
            .list_ratio
            .is_infinite());
        assert!(signals("\u{200b}", 0, &Config::default())
            .list_ratio
            .is_nan());
    }

    #[test]
    fn custom_stop_chars_endswith() {
        let cfg = Config {
            stop_chars: Some(vec!["ne".into(), "…".into()]),
            ..Config::default()
        };
        let s = signals("a line\nb…\nc.", 3, &cfg);
        assert_eq!(s.terminal_lines, 2);
        let cfg = Config {
            stop_chars: Some(vec![String::new()]),
            ..Config::default()
        };
        assert_eq!(signals("x\ny", 2, &cfg).terminal_lines, 2);
    }
}
