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

pub fn kind(name: &str) -> PyResult<TokenizerKind> {
    match name {
        "spacy" => Ok(TokenizerKind::Spacy),
        "unicode" => Ok(TokenizerKind::Unicode),
        other => Err(PyValueError::new_err(format!(
            "unknown tokenizer {other:?}; expected \"spacy\" or \"unicode\""
        ))),
    }
}

/// Splits every row of the column with `split` on the core pool, GIL released, and returns
/// the pieces as `list<large_utf8>` (null for a null row).
fn split_rows(
    py: Python<'_>,
    data: AnyArray,
    column: &str,
    tokenizer: &str,
    split: for<'a> fn(&Tokenizer, &'a str) -> Vec<&'a str>,
) -> PyResult<Py<PyAny>> {
    let tok = Tokenizer::new(kind(tokenizer)?);
    let chunks = text_chunks(py, data, column)?;
    let out = py
        .detach(|| {
            let rows = gather_rows(&chunks, column)?;
            let lists = parallel::map_rows(&rows, |t| t.map(|t| split(&tok, t)))?;
            Ok(arrow_out::string_lists(&lists))
        })
        .py_err(py)?;
    Ok(PyArray::from_array_ref(out).to_pyarrow(py)?.unbind())
}

/// Per-row word lists (`list<large_utf8>`, null for a null row).
#[pyfunction]
#[pyo3(signature = (data, column = "text", tokenizer = "spacy"))]
fn words(py: Python<'_>, data: AnyArray, column: &str, tokenizer: &str) -> PyResult<Py<PyAny>> {
    split_rows(py, data, column, tokenizer, |tok, t| tok.words(t))
}

/// Per-row sentence pieces as datatrove's `split_into_sentences` makes them.
#[pyfunction]
#[pyo3(signature = (data, column = "text", tokenizer = "spacy"))]
fn sentences(py: Python<'_>, data: AnyArray, column: &str, tokenizer: &str) -> PyResult<Py<PyAny>> {
    split_rows(py, data, column, tokenizer, |tok, t| tok.sentences(t))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(words, m)?)?;
    m.add_function(wrap_pyfunction!(sentences, m)?)?;
    Ok(())
}
