//! Word and sentence splitting over an Arrow column.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::tokenize::{Tokenizer, TokenizerKind};
use qfast_core::{arrow_out, parallel};

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

/// A tokenizer argument: `"spacy"` (spaCy en), `"spacy_xx"` (spaCy xx), `"unicode"`, or a
/// segmenter object (`JiebaState`, `SudachiState`, `ThaiState`, `VietnameseState`); None is `"spacy"`.
pub fn tokenizer(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Tokenizer> {
    let Some(obj) = obj else {
        return Ok(Tokenizer::new(TokenizerKind::Spacy));
    };
    if let Ok(seg) = obj.cast::<crate::segment::JiebaState>() {
        return Ok(Tokenizer::with_segmenter(seg.get().segmenter()));
    }
    if let Ok(seg) = obj.cast::<crate::segment::SudachiState>() {
        return Ok(Tokenizer::with_segmenter(seg.get().segmenter()));
    }
    if let Ok(seg) = obj.cast::<crate::segment::ThaiState>() {
        return Ok(Tokenizer::with_segmenter(seg.get().segmenter()));
    }
    if let Ok(seg) = obj.cast::<crate::segment::VietnameseState>() {
        return Ok(Tokenizer::with_segmenter(seg.get().segmenter()));
    }
    let name: &str = obj.extract().map_err(|_| {
        PyValueError::new_err(format!(
            "tokenizer must be a name, a JiebaState, a SudachiState, a ThaiState or a VietnameseState, got {}",
            obj.get_type()
        ))
    })?;
    let kind = match name {
        "spacy" => TokenizerKind::Spacy,
        "spacy_xx" => TokenizerKind::SpacyXx,
        "unicode" => TokenizerKind::Unicode,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown tokenizer {other:?}; expected \"spacy\", \"spacy_xx\" or \"unicode\""
            )))
        }
    };
    Ok(Tokenizer::new(kind))
}

/// Splits every row of the column with `split` on the core pool, GIL released, and returns
/// the pieces as `list<large_utf8>` (null for a null row).
fn split_rows(
    py: Python<'_>,
    data: AnyArray,
    column: &str,
    tokenizer: Option<&Bound<'_, PyAny>>,
    split: for<'a> fn(&Tokenizer, &'a str) -> Vec<&'a str>,
) -> PyResult<Py<PyAny>> {
    let tok = self::tokenizer(tokenizer)?;
    let chunks = text_chunks(py, data, column)?;
    let out = py
        .detach(|| {
            let rows = gather_rows(&chunks, column)?;
            let lists = parallel::map_rows(&rows, |t| t.map(|t| split(&tok, t)))?;
            arrow_out::string_lists(&lists)
        })
        .py_err(py)?;
    Ok(PyArray::from_array_ref(out).to_pyarrow(py)?.unbind())
}

/// Per-row word lists (`list<large_utf8>`, null for a null row).
#[pyfunction]
#[pyo3(signature = (data, column = "text", tokenizer = None))]
fn words(
    py: Python<'_>,
    data: AnyArray,
    column: &str,
    tokenizer: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    split_rows(py, data, column, tokenizer, |tok, t| tok.words(t))
}

/// Per-row sentence pieces as datatrove's `split_into_sentences` makes them.
#[pyfunction]
#[pyo3(signature = (data, column = "text", tokenizer = None))]
fn sentences(
    py: Python<'_>,
    data: AnyArray,
    column: &str,
    tokenizer: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    split_rows(py, data, column, tokenizer, |tok, t| tok.sentences(t))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(words, m)?)?;
    m.add_function(wrap_pyfunction!(sentences, m)?)?;
    Ok(())
}
