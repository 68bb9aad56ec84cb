//! datatrove 0.10.1's text-quality filters. Each filter has a config (datatrove's parameters and
//! defaults; `None` disables a check, as a falsy value does in datatrove), a signals struct (the
//! quantities it measures) and a verdict (first failing check, in datatrove's order).
//!
//! Conventions shared by all filters:
//! - Lengths are Python `len()` (code points), counts are `u64`, ratios are `f64` computed with the
//!   same expression shape as datatrove (`a / b` of two integers is correctly rounded in both
//!   Python and Rust, so `ratio > thr` decides identically).
//! - A threshold of `Some(0.0)` is falsy in Python and disables its check, exactly like `None`.
//! - Division by zero: Python raises `ZeroDivisionError` (the datatrove pipeline crashes). qfast
//!   never raises; it uses IEEE-754 (`x/0 = inf` for x > 0, `0/0 = NaN`, and every comparison with
//!   NaN is false, so a NaN ratio passes its check). Each case is noted where it can occur.

use std::borrow::Cow;

pub mod c4;
pub mod fineweb;
pub mod gopher_quality;
pub mod gopher_repetition;
#[cfg(test)]
pub(crate) mod testgen;

/// Why a document was dropped: datatrove's reason name (`gopher_short_doc`, `top_2_gram`, ...).
pub type Reason = Cow<'static, str>;

/// Python truthiness of an optional numeric threshold: `None`, `0` and `-0.0` are falsy.
#[inline]
pub(crate) fn enabled(t: Option<f64>) -> Option<f64> {
    match t {
        Some(v) if v != 0.0 => Some(v),
        _ => None,
    }
}

/// datatrove `find_duplicates(xs)`: walks `xs` in order; an element seen before adds 1 to the
/// duplicate count and `len(elem)` (code points) to the duplicate chars. Returns
/// `(n_elements, dup_elements, dup_chars)`.
#[cfg(test)] // the reference the filters' own single-pass versions are tested against
pub(crate) fn find_duplicates<'a>(xs: impl Iterator<Item = &'a str>) -> (u64, u64, u64) {
    let mut seen: ahash::AHashSet<&'a str> = ahash::AHashSet::new();
    let (mut n, mut dup, mut chars) = (0u64, 0u64, 0u64);
    for x in xs {
        n += 1;
        if !seen.insert(x) {
            dup += 1;
            chars += crate::pytext::len_cp(x) as u64;
        }
    }
    (n, dup, chars)
}

/// `a / b` as Python's int/int true division (correctly rounded; exact inputs below 2^53).
#[inline]
pub(crate) fn ratio(a: u64, b: u64) -> f64 {
    a as f64 / b as f64
}

/// Cross-check against datatrove 0.10.1 itself: `testdata/vectors.json` is produced by
/// `testdata/gen_vectors.py` (datatrove in the reference venv, with `split_into_words` patched to
/// whitespace splitting so only the filters' own logic is compared; C4's sentence counts come
/// from real spaCy, which core's tokenizer ports).
#[cfg(test)]
mod datatrove_vectors {
    use serde_json::Value;

    use super::*;
    use crate::tokenize::{Tokenizer, TokenizerKind};

    fn data() -> Value {
        serde_json::from_str(include_str!("testdata/vectors.json")).expect("valid fixture")
    }

    fn opt(v: &Value, k: &str, d: Option<f64>) -> Option<f64> {
        match v.get(k) {
            None => d,
            Some(Value::Null) => None,
            Some(x) => x.as_f64(),
        }
    }
    fn num(v: &Value, k: &str, d: f64) -> f64 {
        v.get(k).and_then(Value::as_f64).unwrap_or(d)
    }
    fn int(v: &Value, k: &str, d: i64) -> i64 {
        v.get(k).and_then(Value::as_i64).unwrap_or(d)
    }
    fn flag(v: &Value, k: &str, d: bool) -> bool {
        v.get(k).and_then(Value::as_bool).unwrap_or(d)
    }
    fn pairs(v: &Value, k: &str, d: Vec<(usize, f64)>) -> Vec<(usize, f64)> {
        match v.get(k).and_then(Value::as_array) {
            None => d,
            Some(a) => a
                .iter()
                .map(|p| (p[0].as_u64().unwrap() as usize, p[1].as_f64().unwrap()))
                .collect(),
        }
    }
    fn strings(v: &Value, k: &str) -> Option<Vec<String>> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
    }

    fn gq_cfg(v: &Value) -> gopher_quality::Config {
        let d = gopher_quality::Config::default();
        gopher_quality::Config {
            min_doc_words: opt(v, "min_doc_words", d.min_doc_words),
            max_doc_words: opt(v, "max_doc_words", d.max_doc_words),
            min_avg_word_length: opt(v, "min_avg_word_length", d.min_avg_word_length),
            max_avg_word_length: opt(v, "max_avg_word_length", d.max_avg_word_length),
            max_symbol_word_ratio: opt(v, "max_symbol_word_ratio", d.max_symbol_word_ratio),
            max_bullet_lines_ratio: opt(v, "max_bullet_lines_ratio", d.max_bullet_lines_ratio),
            max_ellipsis_lines_ratio: opt(
                v,
                "max_ellipsis_lines_ratio",
                d.max_ellipsis_lines_ratio,
            ),
            max_non_alpha_words_ratio: opt(
                v,
                "max_non_alpha_words_ratio",
                d.max_non_alpha_words_ratio,
            ),
            min_stop_words: opt(v, "min_stop_words", d.min_stop_words),
            stop_words: strings(v, "stop_words").unwrap_or(d.stop_words),
        }
    }
    fn gr_cfg(v: &Value) -> gopher_repetition::Config {
        let d = gopher_repetition::Config::default();
        gopher_repetition::Config {
            dup_line_frac: opt(v, "dup_line_frac", d.dup_line_frac),
            dup_para_frac: opt(v, "dup_para_frac", d.dup_para_frac),
            dup_line_char_frac: opt(v, "dup_line_char_frac", d.dup_line_char_frac),
            dup_para_char_frac: opt(v, "dup_para_char_frac", d.dup_para_char_frac),
            top_n_grams: pairs(v, "top_n_grams", d.top_n_grams),
            dup_n_grams: pairs(v, "dup_n_grams", d.dup_n_grams),
        }
    }
    fn c4_cfg(v: &Value) -> c4::Config {
        let d = c4::Config::default();
        c4::Config {
            split_paragraph: flag(v, "split_paragraph", d.split_paragraph),
            remove_citations: flag(v, "remove_citations", d.remove_citations),
            filter_no_terminal_punct: flag(
                v,
                "filter_no_terminal_punct",
                d.filter_no_terminal_punct,
            ),
            min_num_sentences: int(v, "min_num_sentences", d.min_num_sentences),
            min_words_per_line: int(v, "min_words_per_line", d.min_words_per_line),
            max_word_length: int(v, "max_word_length", d.max_word_length),
            filter_lorem_ipsum: flag(v, "filter_lorem_ipsum", d.filter_lorem_ipsum),
            filter_javascript: flag(v, "filter_javascript", d.filter_javascript),
            filter_curly_bracket: flag(v, "filter_curly_bracket", d.filter_curly_bracket),
            filter_policy: flag(v, "filter_policy", d.filter_policy),
        }
    }
    fn fw_cfg(v: &Value) -> fineweb::Config {
        let d = fineweb::Config::default();
        fineweb::Config {
            line_punct_thr: num(v, "line_punct_thr", d.line_punct_thr),
            line_punct_exclude_zero: flag(v, "line_punct_exclude_zero", d.line_punct_exclude_zero),
            stop_chars: strings(v, "stop_chars"),
            short_line_thr: num(v, "short_line_thr", d.short_line_thr),
            short_line_length: int(v, "short_line_length", d.short_line_length),
            char_duplicates_ratio: num(v, "char_duplicates_ratio", d.char_duplicates_ratio),
            new_line_ratio: num(v, "new_line_ratio", d.new_line_ratio),
        }
    }

    /// Expected verdict, or None when datatrove raised `ZeroDivisionError` (not comparable).
    #[allow(
        clippy::option_option,
        reason = "outer: comparable at all; inner: the drop reason"
    )]
    fn expected(r: &Value) -> Option<Option<String>> {
        if r.get("error").is_some() {
            return None;
        }
        if r["keep"].as_bool().unwrap() {
            Some(None)
        } else {
            Some(Some(r["reason"].as_str().unwrap().to_string()))
        }
    }

    #[test]
    fn all_filters_match_datatrove() {
        let d = data();
        let tok = Tokenizer::new(TokenizerKind::Spacy);
        let gq: Vec<_> = d["gq_cfgs"]
            .as_array()
            .unwrap()
            .iter()
            .map(gq_cfg)
            .collect();
        let gr: Vec<_> = d["gr_cfgs"]
            .as_array()
            .unwrap()
            .iter()
            .map(gr_cfg)
            .collect();
        let c4c: Vec<_> = d["c4_cfgs"]
            .as_array()
            .unwrap()
            .iter()
            .map(c4_cfg)
            .collect();
        let fw: Vec<_> = d["fw_cfgs"]
            .as_array()
            .unwrap()
            .iter()
            .map(fw_cfg)
            .collect();
        let mut checked = 0;
        for (ci, case) in d["cases"].as_array().unwrap().iter().enumerate() {
            let text = case["text"].as_str().unwrap();
            let words: Vec<&str> = text.split_whitespace().collect();
            for (k, cfg) in gq.iter().enumerate() {
                if let Some(want) = expected(&case["gq"][k]) {
                    let got = gopher_quality::filter(text, &words, cfg).map(|r| r.to_string());
                    assert_eq!(got, want, "gq case {ci} cfg {k}: {text:?}");
                    checked += 1;
                }
            }
            for (k, cfg) in gr.iter().enumerate() {
                let want = expected(&case["gr"][k]).unwrap();
                let s = gopher_repetition::signals(text, &words, cfg);
                let got = gopher_repetition::verdict(&s, cfg).map(|r| r.to_string());
                assert_eq!(got, want, "gr case {ci} cfg {k}: {text:?}");
                let fast = gopher_repetition::filter(text, &words, cfg).map(|r| r.to_string());
                assert_eq!(fast, want, "gr filter case {ci} cfg {k}");
                checked += 1;
            }
            for (k, cfg) in c4c.iter().enumerate() {
                let r = &case["c4"][k];
                let want = expected(r).unwrap();
                let out = c4::apply(text, cfg, &tok);
                assert_eq!(
                    out.verdict.as_ref().map(std::string::ToString::to_string),
                    want,
                    "c4 case {ci} cfg {k}: {text:?}"
                );
                if want.is_none() {
                    assert_eq!(
                        out.text.as_deref(),
                        r["text"].as_str(),
                        "c4 text case {ci} cfg {k}"
                    );
                } else {
                    assert!(out.text.is_none());
                }
                let st = &r["stats"];
                let g = |name: &str| st.get(name).and_then(Value::as_u64).unwrap_or(0);
                let s = &out.stats;
                assert_eq!(
                    [
                        s.line_total,
                        s.too_long_word,
                        s.no_terminal_punc,
                        s.too_few_words,
                        s.javascript,
                        s.policy,
                        s.kept
                    ],
                    [
                        g("line-total"),
                        g("line-filter-too_long_word"),
                        g("line-filter-no_terminal_punc"),
                        g("line-filter-too_few_words"),
                        g("line-filter-javascript"),
                        g("line-filter-policy"),
                        g("line-kept")
                    ],
                    "c4 stats case {ci} cfg {k}: {text:?}"
                );
                checked += 1;
            }
            for (k, cfg) in fw.iter().enumerate() {
                if let Some(want) = expected(&case["fw"][k]) {
                    let got = fineweb::filter(text, words.len(), cfg).map(|r| r.to_string());
                    assert_eq!(got, want, "fw case {ci} cfg {k}: {text:?}");
                    checked += 1;
                }
            }
            // datatrove's own n-gram helpers on this word list.
            for (n, v) in case["top"].as_object().unwrap() {
                let n: usize = n.parse().unwrap();
                let cfg = gopher_repetition::Config {
                    top_n_grams: vec![(n, 0.0)],
                    dup_n_grams: vec![],
                    ..Default::default()
                };
                let s = gopher_repetition::signals(text, &words, &cfg);
                assert_eq!(
                    s.top_n_gram_chars[0],
                    v.as_u64().unwrap(),
                    "top {n} case {ci}"
                );
            }
            for (n, v) in case["dup"].as_object().unwrap() {
                let n: usize = n.parse().unwrap();
                let cfg = gopher_repetition::Config {
                    top_n_grams: vec![],
                    dup_n_grams: vec![(n, 0.0)],
                    ..Default::default()
                };
                let s = gopher_repetition::signals(text, &words, &cfg);
                assert_eq!(
                    s.dup_n_gram_chars[0],
                    v.as_u64().unwrap(),
                    "dup {n} case {ci}"
                );
            }
        }
        assert!(checked > 5000, "{checked}");
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use crate::tokenize::{Tokenizer, TokenizerKind};

    fn run_all(t: &str) {
        let tok = Tokenizer::new(TokenizerKind::Spacy);
        let w = tok.words(t);
        let _ = gopher_quality::filter(t, &w, &gopher_quality::Config::default());
        let cfg = gopher_repetition::Config {
            top_n_grams: vec![(0, 0.1), (1, 0.1), (2, 0.2)],
            dup_n_grams: vec![(0, 0.1), (1, 0.1), (5, 0.15), (50, 0.1)],
            ..Default::default()
        };
        let s = gopher_repetition::signals(t, &w, &cfg);
        assert_eq!(
            gopher_repetition::verdict(&s, &cfg),
            gopher_repetition::filter(t, &w, &cfg)
        );
        let _ = c4::apply(t, &c4::Config::default(), &tok);
        let _ = fineweb::filter(t, w.len(), &fineweb::Config::default());
        let _ = fineweb::filter(t, 0, &fineweb::Config::default());
    }

    #[test]
    fn no_panics_on_random_input() {
        let palette: Vec<char> =
            "ab c.\n\n\r\u{0}\u{85}\u{2028}\u{212A}\u{130}é中🎉[1]{}…#-•\t\u{a0}\u{1c}"
                .chars()
                .collect();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 200) as usize;
            let s: String = (0..len)
                .map(|k| {
                    let y = x.rotate_left(k as u32 * 7) ^ (k as u64).wrapping_mul(0x9E37_79B9);
                    palette[(y % palette.len() as u64) as usize]
                })
                .collect();
            run_all(&s);
        }
    }

    #[test]
    fn large_repetitive_input_is_linear() {
        let t = "the same line again and again.\n".repeat(50_000); // 1.55 MB
        let start = std::time::Instant::now();
        run_all(&t);
        let one_word = "x".repeat(300_000);
        run_all(&one_word);
        run_all(&"a ".repeat(200_000));
        assert!(start.elapsed().as_secs() < 60);
    }
}
