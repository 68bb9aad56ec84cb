//! Each leaf filter's measured quantities as Arrow columns (null for a null text), so users
//! can study and re-tune thresholds without re-measuring.

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, UInt64Array};

use crate::error::{Error, Result};
use crate::filters::{c4, fineweb, gopher_quality, gopher_repetition};
use crate::narrow::floor_usize;
use crate::parallel::map_rows;
use crate::pipeline::Step;
use crate::tokenize::Tokenizer;

#[derive(Clone, Copy, Debug)]
enum Num {
    U(u64),
    F(f64),
}

fn column_names(step: &Step) -> Result<Vec<String>> {
    let s = |v: &[&str]| {
        v.iter()
            .map(std::string::ToString::to_string)
            .collect::<Vec<_>>()
    };
    Ok(match step {
        Step::GopherQuality(_) => s(&[
            "n_words",
            "n_non_symbol_words",
            "avg_word_length",
            "hash_count",
            "ellipsis_count",
            "hash_ratio",
            "ellipsis_ratio",
            "n_lines",
            "bullet_lines",
            "end_ellipsis_lines",
            "bullet_lines_ratio",
            "end_ellipsis_lines_ratio",
            "alpha_words",
            "alpha_words_ratio",
            "stop_words",
        ]),
        Step::GopherRepetition(cfg) => {
            let mut v = s(&[
                "text_len",
                "n_paragraphs",
                "dup_paragraphs",
                "dup_paragraph_chars",
                "dup_para_frac",
                "dup_para_char_frac",
                "n_lines",
                "dup_lines",
                "dup_line_chars",
                "dup_line_frac",
                "dup_line_char_frac",
                "n_words",
            ]);
            for (n, _) in &cfg.top_n_grams {
                v.push(format!("top_{n}_gram_char_frac"));
            }
            for (n, _) in &cfg.dup_n_grams {
                v.push(format!("duplicated_{n}_n_grams_char_frac"));
            }
            v
        }
        Step::FineWebQuality(_) => s(&[
            "n_lines",
            "terminal_lines",
            "line_punct_ratio",
            "short_lines",
            "short_line_ratio",
            "dup_line_chars",
            "chars_no_newline",
            "char_dup_ratio",
            "newlines",
            "n_words",
            "list_ratio",
        ]),
        Step::C4Quality(_) => s(&[
            "line_total",
            "line_filter_too_long_word",
            "line_filter_no_terminal_punc",
            "line_filter_too_few_words",
            "line_filter_javascript",
            "line_filter_policy",
            "line_kept",
            "num_sentences",
        ]),
        _ => {
            return Err(Error::Config(
                "signals are measured per filter; call signals() on each part of a combination"
                    .into(),
            ))
        }
    })
}

fn measure(step: &Step, text: &str, tok: &Tokenizer) -> Vec<Num> {
    use Num::{F, U};
    match step {
        Step::GopherQuality(cfg) => {
            let words = tok.words(text);
            let s = gopher_quality::signals(text, &words, cfg);
            vec![
                U(s.n_words),
                U(s.n_non_symbol_words),
                F(s.avg_word_length),
                U(s.hash_count),
                U(s.ellipsis_count),
                F(s.hash_ratio),
                F(s.ellipsis_ratio),
                U(s.n_lines),
                U(s.bullet_lines),
                U(s.end_ellipsis_lines),
                F(s.bullet_lines_ratio),
                F(s.end_ellipsis_lines_ratio),
                U(s.alpha_words),
                F(s.alpha_words_ratio),
                U(s.stop_words),
            ]
        }
        Step::GopherRepetition(cfg) => {
            let words = tok.words(text);
            let s = gopher_repetition::signals(text, &words, cfg);
            let mut v = vec![
                U(s.text_len),
                U(s.n_paragraphs),
                U(s.dup_paragraphs),
                U(s.dup_paragraph_chars),
                F(s.dup_para_frac),
                F(s.dup_para_char_frac),
                U(s.n_lines),
                U(s.dup_lines),
                U(s.dup_line_chars),
                F(s.dup_line_frac),
                F(s.dup_line_char_frac),
                U(s.n_words),
            ];
            v.extend(s.top_n_gram_char_frac.iter().map(|&x| F(x)));
            v.extend(s.dup_n_gram_char_frac.iter().map(|&x| F(x)));
            v
        }
        Step::FineWebQuality(cfg) => {
            let n = tok.word_count(text);
            let s = fineweb::signals(text, n, cfg);
            vec![
                U(s.n_lines),
                U(s.terminal_lines),
                F(s.line_punct_ratio),
                U(s.short_lines),
                F(s.short_line_ratio),
                U(s.dup_line_chars),
                U(s.chars_no_newline),
                F(s.char_dup_ratio),
                U(s.newlines),
                U(s.n_words),
                F(s.list_ratio),
            ]
        }
        Step::C4Quality(cfg) => {
            let o = c4::apply(text, cfg, tok);
            let l = &o.stats;
            vec![
                U(l.line_total),
                U(l.too_long_word),
                U(l.no_terminal_punc),
                U(l.too_few_words),
                U(l.javascript),
                U(l.policy),
                U(l.kept),
                U(o.num_sentences),
            ]
        }
        _ => Vec::new(),
    }
}

/// `(name, column)` pairs of the step's signals over `rows`.
pub fn columns(
    step: &Step,
    rows: &[Option<&str>],
    tok: &Tokenizer,
) -> Result<Vec<(String, ArrayRef)>> {
    let names = column_names(step)?;
    let measured = map_rows(rows, |t| t.map(|t| measure(step, t, tok)))?;
    // Column types come from a fixed probe, so they do not depend on the data (or on nulls).
    let types = measure(step, "", tok);
    let mut out = Vec::with_capacity(names.len());
    for (j, name) in names.into_iter().enumerate() {
        let is_float = matches!(types.get(j), Some(Num::F(_)));
        let value = |r: &Option<Vec<Num>>| r.as_ref().and_then(|v| v.get(j).copied());
        let col: ArrayRef = if is_float {
            let vals = measured.iter().map(|r| {
                value(r).map(|n| match n {
                    Num::F(x) => x,
                    Num::U(x) => x as f64,
                })
            });
            Arc::new(vals.collect::<Float64Array>())
        } else {
            let vals = measured.iter().map(|r| {
                value(r).map(|n| match n {
                    Num::U(x) => x,
                    Num::F(x) => floor_usize(x) as u64,
                })
            });
            Arc::new(vals.collect::<UInt64Array>())
        };
        out.push((name, col));
    }
    Ok(out)
}
