//! `C4QualityFilter` (datatrove `c4_filters.py`): line filtering that rewrites the text.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::bytes::Regex;

use super::Reason;
use crate::pytext::{is_decimal, len_cp, lower_contains_ascii, split_py, splitlines, strip};
use crate::tokenize::{Tokenizer, Tokens};

/// `END_PUNCTUATION` in datatrove.
pub const END_PUNCTUATION: [&str; 5] = [".", "?", "!", "\"", "'"];
/// `ELLIPSIS` in datatrove.
pub const ELLIPSIS: &str = "...";
/// `POLICY_SUBSTRINGS` in datatrove (matched against `line.lower()`).
pub const POLICY_SUBSTRINGS: [&str; 6] = [
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
];

/// Parameters of `C4QualityFilter`, with datatrove's names and defaults. For the numeric options
/// `-1` is datatrove's "disabled" value: `max_word_length == -1` skips the long-word check;
/// `min_num_sentences == -1` skips sentence counting (and `0 < -1` never drops);
/// `min_words_per_line` is compared as is (`len(words) < -1` never skips).
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "mirrors datatrove's option flags one for one"
)]
pub struct Config {
    pub split_paragraph: bool,
    pub remove_citations: bool,
    pub filter_no_terminal_punct: bool,
    pub min_num_sentences: i64,
    pub min_words_per_line: i64,
    pub max_word_length: i64,
    pub filter_lorem_ipsum: bool,
    pub filter_javascript: bool,
    pub filter_curly_bracket: bool,
    pub filter_policy: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            split_paragraph: true,
            remove_citations: true,
            filter_no_terminal_punct: true,
            min_num_sentences: 5,
            min_words_per_line: 3,
            max_word_length: 1000,
            filter_lorem_ipsum: true,
            filter_javascript: true,
            filter_curly_bracket: true,
            filter_policy: true,
        }
    }
}

/// datatrove's per-line stat counters, counted up to the point where the doc was decided (a
/// `lorem_ipsum` / `curly_bracket` drop stops the walk, as in datatrove).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineStats {
    /// `line-total`
    pub line_total: u64,
    /// `line-filter-too_long_word`
    pub too_long_word: u64,
    /// `line-filter-no_terminal_punc`
    pub no_terminal_punc: u64,
    /// `line-filter-too_few_words`
    pub too_few_words: u64,
    /// `line-filter-javascript`
    pub javascript: u64,
    /// `line-filter-policy`
    pub policy: u64,
    /// `line-kept`
    pub kept: u64,
}

/// Result of running `C4QualityFilter` on one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct C4Outcome {
    /// `None` = kept; otherwise `lorem_ipsum`, `curly_bracket` or `too_few_sentences`.
    pub verdict: Option<Reason>,
    /// The rewritten `doc.text` when kept (`"\n".join(kept).strip()`, or `" "` join when
    /// `split_paragraph` is false); `None` when dropped.
    pub text: Option<String>,
    pub stats: LineStats,
    /// Sentences counted over the kept lines so far (0 when `min_num_sentences == -1`).
    pub num_sentences: u64,
    /// `len(split_into_words(text))` of the rewritten text, when the kept lines were tokenized
    /// anyway for sentence counting (lines joined by "\n" tokenize as the lines do, so later
    /// steps need not tokenize the new text again to count its words).
    pub n_words: Option<u64>,
}

/// `CITATION_REGEX.sub("", line)` with `CITATION_REGEX = r"\[\d*]|\[edit]|\[citation needed]"`
/// (`\d` = Python `re` Unicode decimal digit). No re-strip afterwards (datatrove quirk).
#[must_use]
pub fn remove_citations(line: &str) -> Cow<'_, str> {
    let b = line.as_bytes();
    let Some(first) = memchr::memchr(b'[', b) else {
        return Cow::Borrowed(line);
    };
    let mut out = String::new();
    let mut copied = 0usize; // bytes of `line` already handled
    let mut i = first;
    while i < b.len() {
        let Some(k) = memchr::memchr(b'[', &b[i..]) else {
            break;
        };
        i += k;
        let rest = &line[i + 1..];
        let m = match_citation(rest);
        if let Some(len) = m {
            out.push_str(&line[copied..i]);
            i += 1 + len;
            copied = i;
        } else {
            i += 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(line);
    }
    out.push_str(&line[copied..]);
    Cow::Owned(out)
}

/// Length in bytes of a citation body after `[` (including the closing `]`), if one matches.
#[inline]
fn match_citation(rest: &str) -> Option<usize> {
    // \d*]
    let mut j = 0usize;
    for ch in rest.chars() {
        if ch == ']' {
            return Some(j + 1);
        }
        if !is_decimal(ch) {
            break;
        }
        j += ch.len_utf8();
    }
    if rest.starts_with("edit]") {
        return Some(5);
    }
    if rest.starts_with("citation needed]") {
        return Some(16);
    }
    None
}

struct Needles {
    lorem: Regex,
    javascript: Regex,
    policy: Regex,
    /// All of them: one scan of the document finds the units that need the checks.
    any: Regex,
}

fn needles() -> &'static Needles {
    static N: OnceLock<Needles> = OnceLock::new();
    N.get_or_init(|| {
        // ASCII-only case-insensitive literals over raw UTF-8 bytes. Exact for `p in line.lower()`
        // on any line without U+212A (see `lower_has`). Constant patterns: cannot fail.
        let re = |p: &str| Regex::new(&format!("(?i-u){p}")).expect("constant pattern");
        Needles {
            lorem: re("lorem ipsum"),
            javascript: re("javascript"),
            policy: re(&POLICY_SUBSTRINGS.join("|")),
            // Every needle contains one of these ("lorem ipsum", "javascript", "terms of
            // use", "privacy policy", or "cookie" for the other four): a unit holding a needle
            // holds one of them, which is all the scan below needs. Five literals, most
            // starting with few letters (fewer case variants), scan faster than the needles.
            any: re("m ipsum|javascript|s of use|y policy|cookie"),
        }
    })
}

/// `any(p in line.lower() for p in pats)` for lowercase-ASCII `pats`, with `re` their
/// ASCII-case-insensitive alternation. Under Python lowercasing only U+0130 and U+212A map non-ASCII
/// code points to ASCII; U+0130 becomes "i" + U+0307, and since no pattern ends in "i" it can never
/// complete a match, exactly like its raw (non-ASCII) bytes. U+212A ("k") is handled by the slow
/// exact path.
#[inline]
fn lower_has(line: &str, re: &Regex, pats: &[&str]) -> bool {
    if line.contains('\u{212A}') {
        return pats.iter().any(|p| lower_contains_ascii(line, p));
    }
    re.is_match(line.as_bytes())
}

/// Run the full `C4QualityFilter` on `text`. `tok` provides `split_into_sentences` (units when
/// `split_paragraph` is false, and per-line sentence counts when it is true).
#[must_use]
pub fn apply(text: &str, cfg: &Config, tok: &Tokenizer) -> C4Outcome {
    apply_with_tokens(text, cfg, tok, None)
}

/// [`apply`] given the raw token spans of the whole `text` (`Tokenizer::tokens`), when the
/// caller has them already. A line is a whitespace-delimited stretch of the text, and spaCy
/// splits whitespace-delimited chunks independently, so a stripped line's tokens are the
/// document's tokens inside it: lines untouched by citation removal are not tokenized again.
#[must_use]
pub fn apply_with_tokens(
    text: &str,
    cfg: &Config,
    tok: &Tokenizer,
    doc_tokens: Option<&Tokens>,
) -> C4Outcome {
    let base = text.as_ptr() as usize;
    let mut out = C4Outcome::default();
    let sentences;
    let units: Box<dyn Iterator<Item = &str>> = if cfg.split_paragraph {
        Box::new(splitlines(text))
    } else {
        sentences = tok.sentences(text);
        Box::new(sentences.iter().copied())
    };
    let sep = if cfg.split_paragraph { "\n" } else { " " };
    let mut joined = String::with_capacity(text.len());
    let mut first = true;
    let mut kept_words = 0u64;
    let st = &mut out.stats;
    let nd = needles();
    // Byte ranges of `any` matches in the text. A unit (a slice of `text`) that overlaps none
    // of them contains no needle: a needle holds an `any` literal, and leftmost-first matching
    // reports, for every occurrence of a literal, a match overlapping its first byte. Not used
    // with U+212A (`lower_has`'s slow case).
    let scan = (cfg.filter_lorem_ipsum || cfg.filter_javascript || cfg.filter_policy)
        && !text.contains('\u{212A}');
    let hits: Vec<(usize, usize)> = if scan {
        nd.any
            .find_iter(text.as_bytes())
            .map(|m| (m.start(), m.end()))
            .collect()
    } else {
        Vec::new()
    };
    let mut next_hit = 0usize;
    // Token cursor of `sentence_and_word_count_in` (lines come in text order).
    let mut cursor = 0usize;

    for unit in units {
        let line = strip(unit);
        st.line_total += 1;
        // words = line.split(), computed before citation removal.
        let mut n_words = 0i64;
        let mut too_long = false;
        // A word longer than the line cannot be (its code points are at most the line's
        // bytes); without that check, only whether the count reaches the minimum matters.
        let check_len = cfg.max_word_length != -1 && (line.len() as i64) > cfg.max_word_length;
        for w in split_py(line) {
            n_words += 1;
            if !check_len && n_words >= cfg.min_words_per_line {
                break;
            }
            if check_len && !too_long {
                // len(word) > max_word_length; the byte length bounds the code-point length.
                let l = if (w.len() as i64) <= cfg.max_word_length {
                    w.len()
                } else {
                    len_cp(w)
                };
                too_long = (l as i64) > cfg.max_word_length;
            }
        }
        if too_long {
            st.too_long_word += 1;
            continue;
        }
        let line: Cow<'_, str> = if cfg.remove_citations {
            remove_citations(line)
        } else {
            Cow::Borrowed(line)
        };
        if cfg.filter_no_terminal_punct
            && (!END_PUNCTUATION.iter().any(|p| line.ends_with(p)) || line.ends_with(ELLIPSIS))
        {
            st.no_terminal_punc += 1;
            continue;
        }
        if n_words < cfg.min_words_per_line {
            st.too_few_words += 1;
            continue;
        }
        // `clean`: the unit overlaps no needle match, so the needle checks would all fail.
        let clean = match &line {
            Cow::Borrowed(l) if scan => {
                let (a, b) = (
                    l.as_ptr() as usize - base,
                    l.as_ptr() as usize - base + l.len(),
                );
                while hits.get(next_hit).is_some_and(|&(_, e)| e <= a) {
                    next_hit += 1;
                }
                hits.get(next_hit).is_none_or(|&(s, _)| s >= b)
            }
            _ => false,
        };
        if !clean && cfg.filter_lorem_ipsum && lower_has(&line, &nd.lorem, &["lorem ipsum"]) {
            out.verdict = Some("lorem_ipsum".into());
            return out;
        }
        if !clean && cfg.filter_javascript && lower_has(&line, &nd.javascript, &["javascript"]) {
            st.javascript += 1;
            continue;
        }
        if cfg.filter_curly_bracket && line.contains('{') {
            out.verdict = Some("curly_bracket".into());
            return out;
        }
        if !clean && cfg.filter_policy && lower_has(&line, &nd.policy, &POLICY_SUBSTRINGS) {
            st.policy += 1;
            continue;
        }
        if cfg.min_num_sentences != -1 {
            out.num_sentences += if cfg.split_paragraph {
                let (sentences, words) = match (&line, doc_tokens) {
                    (Cow::Borrowed(l), Some(toks)) if tok.lines_independent() => {
                        let start = l.as_ptr() as usize - base;
                        tok.sentence_and_word_count_in(toks, &mut cursor, start, start + l.len())
                    }
                    _ => tok.sentence_and_word_count(&line),
                };
                kept_words += words as u64;
                sentences as u64
            } else {
                1
            };
        }
        if !first {
            joined.push_str(sep);
        }
        first = false;
        joined.push_str(&line);
        st.kept += 1;
    }
    // num_sentences < min_num_sentences (Python int comparison; num_sentences is small enough
    // that the i128 widening is only for safety).
    if i128::from(out.num_sentences) < i128::from(cfg.min_num_sentences) {
        out.verdict = Some("too_few_sentences".into());
        return out;
    }
    if cfg.split_paragraph && cfg.min_num_sentences != -1 {
        out.n_words = Some(kept_words);
    }
    let stripped = strip(&joined);
    out.text = Some(if stripped.len() == joined.len() {
        joined
    } else {
        stripped.to_string()
    });
    out
}

#[cfg(test)]
mod tests {
    //! Expected values obtained by running datatrove 0.10.1. The lines here are single sentences,
    //! so the values hold with the spaCy sentencizer these tests run with.
    use super::*;
    use crate::tokenize::TokenizerKind;

    fn run(t: &str, cfg: &Config) -> C4Outcome {
        apply(t, cfg, &Tokenizer::new(TokenizerKind::Spacy))
    }
    fn one() -> Config {
        Config {
            min_num_sentences: 1,
            ..Config::default()
        }
    }

    #[test]
    fn citation_trailing_space_quirk() {
        assert_eq!(remove_citations("Good sentence. [1]"), "Good sentence. ");
        let o = run("Good sentence. [1]", &one());
        assert_eq!(o.verdict.as_deref(), Some("too_few_sentences"));
        assert_eq!(o.stats.no_terminal_punc, 1);
        let o = run("A good one [edit].", &one());
        assert_eq!(o.text.as_deref(), Some("A good one ."));
        assert_eq!(
            remove_citations("x[12][] [citation needed][edit][a1] [٣]"),
            "x [a1] "
        );
        assert_eq!(remove_citations("[1"), "[1");
    }

    #[test]
    fn doc_drops_only_on_surviving_lines() {
        assert_eq!(run("Some words here }.\nok ok ok.", &one()).verdict, None);
        let o = run("a {\nok ok ok.", &one());
        assert_eq!(o.text.as_deref(), Some("ok ok ok."));
        assert_eq!(
            run("x y {.\n", &one()).verdict.as_deref(),
            Some("curly_bracket")
        );
        assert_eq!(run("Lorem ipsum x\nok ok ok.", &one()).verdict, None);
        assert_eq!(
            run("Lorem IPSUM dolor.\n", &one()).verdict.as_deref(),
            Some("lorem_ipsum")
        );
    }

    #[test]
    fn default_config_rewrites_text() {
        let t = "One two three.\nFour five six!\nSeven eight nine?\nTen eleven twelve\"\nA b c'\nskip this line\n";
        let o = run(t, &Config::default());
        assert_eq!(o.verdict, None);
        assert_eq!(
            o.text.as_deref(),
            Some("One two three.\nFour five six!\nSeven eight nine?\nTen eleven twelve\"\nA b c'")
        );
        assert_eq!(o.num_sentences, 5);
        assert_eq!(
            (o.stats.line_total, o.stats.kept, o.stats.no_terminal_punc),
            (6, 5, 1)
        );
    }

    #[test]
    fn line_skips() {
        let t = "Please enable JavaScript now.\nWe use cookies here.\nx\u{212A} use coo\u{212A}ies.\nfine fine fine.\nA  ended...";
        let o = run(t, &one());
        assert_eq!(o.text.as_deref(), Some("fine fine fine."));
        assert_eq!(
            (o.stats.javascript, o.stats.policy, o.stats.no_terminal_punc),
            (1, 2, 1)
        );
        let long = format!("{} ok ok.", "é".repeat(1001));
        let o = run(&long, &one());
        assert_eq!(o.stats.too_long_word, 1);
        let o = run(&format!("{} ok ok.", "é".repeat(1000)), &one());
        assert_eq!(o.stats.kept, 1);
        let o = run("a b.", &one());
        assert_eq!(o.stats.too_few_words, 1);
    }

    #[test]
    fn no_panic_on_odd_input() {
        for t in [
            "",
            "\n",
            "\r\n\r",
            "[",
            "[]",
            "\u{0}\u{85}\u{2028}{",
            "...",
            "[\u{663}",
        ] {
            let _ = run(t, &Config::default());
            let _ = run(
                t,
                &Config {
                    split_paragraph: false,
                    max_word_length: 0,
                    ..Config::default()
                },
            );
        }
    }
}

#[cfg(test)]
mod word_count_tests {
    use super::*;
    use crate::tokenize::{Tokenizer, TokenizerKind};

    /// The word count C4 hands to later steps equals tokenizing its rewritten text.
    #[test]
    fn kept_line_word_count_equals_tokenizing_the_new_text() {
        let tok = Tokenizer::new(TokenizerKind::Spacy);
        let cfg = Config {
            filter_no_terminal_punct: false,
            min_num_sentences: 1,
            ..Config::default()
        };
        let texts = [
            "Don't stop: it's 10km away... (see U.S. map) [1]\n[2] Next line, e.g. here!\n\tTabbed line here.",
            "One two three.\r\nFour five six x/y!\u{2028}Seven :) eight nine?\n\nTen eleven twelve\"",
            "a--b co-operate gonna dont \u{a0} cannot\n  leading spaces line  \nend.",
        ];
        for t in texts {
            let o = apply(t, &cfg, &tok);
            // Reusing the document's tokens gives the same outcome as tokenizing each line.
            let toks = tok.tokens_with_flags(t);
            assert_eq!(apply_with_tokens(t, &cfg, &tok, Some(&toks)), o, "{t:?}");
            let new = o.text.expect("kept");
            assert_eq!(o.n_words, Some(tok.words(&new).len() as u64), "{t:?}");
        }
    }
}
