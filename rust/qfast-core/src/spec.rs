//! Step specifications as the Python API sends them (JSON objects with a `kind` and
//! datatrove's parameter names), parsed into core configs with errors naming the field.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::filters::{c4, fineweb, gopher_quality, gopher_repetition};
use crate::narrow::usize64;
use crate::pipeline::Step;

type Obj = Map<String, Value>;

fn bad(kind: &str, key: &str, want: &str, got: &Value) -> Error {
    Error::Config(format!("{kind}.{key}: expected {want}, got {got}"))
}

/// A number or null (null/false/0 disable a check, as a falsy value does in datatrove).
fn opt_f64(o: &Obj, kind: &str, key: &str, default: Option<f64>) -> Result<Option<f64>> {
    match o.get(key) {
        None => Ok(default),
        Some(Value::Null | Value::Bool(false)) => Ok(None),
        Some(v @ Value::Number(n)) => {
            let x = n.as_f64().ok_or_else(|| bad(kind, key, "a number", v))?;
            Ok((x != 0.0).then_some(x))
        }
        Some(v) => Err(bad(kind, key, "a number or null", v)),
    }
}

fn f64_(o: &Obj, kind: &str, key: &str, default: f64) -> Result<f64> {
    match o.get(key) {
        None => Ok(default),
        Some(v) => v.as_f64().ok_or_else(|| bad(kind, key, "a number", v)),
    }
}

fn i64_(o: &Obj, kind: &str, key: &str, default: i64) -> Result<i64> {
    match o.get(key) {
        None => Ok(default),
        Some(v) => v.as_i64().ok_or_else(|| bad(kind, key, "an integer", v)),
    }
}

fn bool_(o: &Obj, kind: &str, key: &str, default: bool) -> Result<bool> {
    match o.get(key) {
        None => Ok(default),
        Some(v) => v
            .as_bool()
            .ok_or_else(|| bad(kind, key, "true or false", v)),
    }
}

fn strings(o: &Obj, kind: &str, key: &str) -> Result<Option<Vec<String>>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(kind, key, "strings", v))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(v) => Err(bad(kind, key, "a list of strings", v)),
    }
}

fn pairs(o: &Obj, kind: &str, key: &str, default: &[(usize, f64)]) -> Result<Vec<(usize, f64)>> {
    let Some(v) = o.get(key) else {
        return Ok(default.to_vec());
    };
    let items = v
        .as_array()
        .ok_or_else(|| bad(kind, key, "a list of [n, fraction]", v))?;
    items
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([n, f]) => match (n.as_u64(), f.as_f64()) {
                (Some(n), Some(f)) if n > 0 => Ok((usize64(n), f)),
                _ => Err(bad(kind, key, "[n >= 1, fraction]", p)),
            },
            _ => Err(bad(kind, key, "[n, fraction]", p)),
        })
        .collect()
}

fn gopher_quality(o: &Obj) -> Result<gopher_quality::Config> {
    let k = "gopher_quality";
    let d = gopher_quality::Config::default();
    Ok(gopher_quality::Config {
        min_doc_words: opt_f64(o, k, "min_doc_words", d.min_doc_words)?,
        max_doc_words: opt_f64(o, k, "max_doc_words", d.max_doc_words)?,
        min_avg_word_length: opt_f64(o, k, "min_avg_word_length", d.min_avg_word_length)?,
        max_avg_word_length: opt_f64(o, k, "max_avg_word_length", d.max_avg_word_length)?,
        max_symbol_word_ratio: opt_f64(o, k, "max_symbol_word_ratio", d.max_symbol_word_ratio)?,
        max_bullet_lines_ratio: opt_f64(o, k, "max_bullet_lines_ratio", d.max_bullet_lines_ratio)?,
        max_ellipsis_lines_ratio: opt_f64(
            o,
            k,
            "max_ellipsis_lines_ratio",
            d.max_ellipsis_lines_ratio,
        )?,
        max_non_alpha_words_ratio: opt_f64(
            o,
            k,
            "max_non_alpha_words_ratio",
            d.max_non_alpha_words_ratio,
        )?,
        min_stop_words: opt_f64(o, k, "min_stop_words", d.min_stop_words)?,
        stop_words: strings(o, k, "stop_words")?.unwrap_or(d.stop_words),
    })
}

fn gopher_repetition(o: &Obj) -> Result<gopher_repetition::Config> {
    let k = "gopher_repetition";
    let d = gopher_repetition::Config::default();
    Ok(gopher_repetition::Config {
        dup_line_frac: opt_f64(o, k, "dup_line_frac", d.dup_line_frac)?,
        dup_para_frac: opt_f64(o, k, "dup_para_frac", d.dup_para_frac)?,
        dup_line_char_frac: opt_f64(o, k, "dup_line_char_frac", d.dup_line_char_frac)?,
        dup_para_char_frac: opt_f64(o, k, "dup_para_char_frac", d.dup_para_char_frac)?,
        top_n_grams: pairs(o, k, "top_n_grams", &d.top_n_grams)?,
        dup_n_grams: pairs(o, k, "dup_n_grams", &d.dup_n_grams)?,
    })
}

fn c4_quality(o: &Obj) -> Result<c4::Config> {
    let k = "c4_quality";
    let d = c4::Config::default();
    Ok(c4::Config {
        split_paragraph: bool_(o, k, "split_paragraph", d.split_paragraph)?,
        remove_citations: bool_(o, k, "remove_citations", d.remove_citations)?,
        filter_no_terminal_punct: bool_(
            o,
            k,
            "filter_no_terminal_punct",
            d.filter_no_terminal_punct,
        )?,
        min_num_sentences: i64_(o, k, "min_num_sentences", d.min_num_sentences)?,
        min_words_per_line: i64_(o, k, "min_words_per_line", d.min_words_per_line)?,
        max_word_length: i64_(o, k, "max_word_length", d.max_word_length)?,
        filter_lorem_ipsum: bool_(o, k, "filter_lorem_ipsum", d.filter_lorem_ipsum)?,
        filter_javascript: bool_(o, k, "filter_javascript", d.filter_javascript)?,
        filter_curly_bracket: bool_(o, k, "filter_curly_bracket", d.filter_curly_bracket)?,
        filter_policy: bool_(o, k, "filter_policy", d.filter_policy)?,
    })
}

fn fineweb_quality(o: &Obj) -> Result<fineweb::Config> {
    let k = "fineweb_quality";
    let d = fineweb::Config::default();
    Ok(fineweb::Config {
        line_punct_thr: f64_(o, k, "line_punct_thr", d.line_punct_thr)?,
        line_punct_exclude_zero: bool_(o, k, "line_punct_exclude_zero", d.line_punct_exclude_zero)?,
        stop_chars: strings(o, k, "stop_chars")?.or(d.stop_chars),
        short_line_thr: f64_(o, k, "short_line_thr", d.short_line_thr)?,
        short_line_length: i64_(o, k, "short_line_length", d.short_line_length)?,
        char_duplicates_ratio: f64_(o, k, "char_duplicates_ratio", d.char_duplicates_ratio)?,
        new_line_ratio: f64_(o, k, "new_line_ratio", d.new_line_ratio)?,
    })
}

fn step_from(v: &Value) -> Result<Step> {
    let o = v
        .as_object()
        .ok_or_else(|| Error::Config(format!("a step must be an object, got {v}")))?;
    let kind = o
        .get("kind")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Config(format!("step without a \"kind\": {v}")))?;
    let children = |key: &str| -> Result<Vec<Step>> {
        o.get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| Error::Config(format!("{kind}: expected a list {key:?}")))?
            .iter()
            .map(step_from)
            .collect()
    };
    Ok(match kind {
        "gopher_quality" => Step::GopherQuality(gopher_quality(o)?),
        "gopher_repetition" => Step::GopherRepetition(gopher_repetition(o)?),
        "c4_quality" => Step::C4Quality(c4_quality(o)?),
        "fineweb_quality" => Step::FineWebQuality(fineweb_quality(o)?),
        "and" => Step::And(children("steps")?),
        "or" => Step::Or(children("steps")?),
        "not" => {
            let part = o
                .get("step")
                .ok_or_else(|| Error::Config("not: missing \"step\"".into()))?;
            let name = o
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("step")
                .to_string();
            Step::Not(Box::new(step_from(part)?), name)
        }
        other => return Err(Error::Config(format!("unknown step kind {other:?}"))),
    })
}

/// Parses one step.
pub fn parse_step(json: &str) -> Result<Step> {
    let v: Value =
        serde_json::from_str(json).map_err(|e| Error::Config(format!("step spec: {e}")))?;
    step_from(&v)
}

/// Parses a list of steps.
pub fn parse_steps(json: &str) -> Result<Vec<Step>> {
    let v: Value =
        serde_json::from_str(json).map_err(|e| Error::Config(format!("steps spec: {e}")))?;
    v.as_array()
        .ok_or_else(|| Error::Config("steps must be a list".into()))?
        .iter()
        .map(step_from)
        .collect()
}
