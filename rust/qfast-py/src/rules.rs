//! User rules (`RegexFilter`, `WordList`) over an Arrow column: index of the first matching
//! rule per row, the GIL released.

use std::sync::Arc;

use arrow_array::Int32Array;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::rules::{Patterns, WordList};
use qfast_core::{parallel, Error};

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

enum Rules {
    Patterns(Patterns),
    Words(WordList),
}

/// Compiled patterns (`kind="regex"`) or a word list (`kind="words"`).
#[pyclass(module = "qfast._qfast", frozen)]
struct RulesState {
    rules: Arc<Rules>,
}

#[pymethods]
impl RulesState {
    #[new]
    #[pyo3(signature = (kind, items, word_boundaries = true, case_sensitive = false))]
    fn new(
        py: Python<'_>,
        kind: &str,
        items: Vec<String>,
        word_boundaries: bool,
        case_sensitive: bool,
    ) -> PyResult<Self> {
        let rules = py
            .detach(|| match kind {
                "regex" => Patterns::new(&items).map(Rules::Patterns),
                "words" => WordList::new(&items, word_boundaries, case_sensitive).map(Rules::Words),
                k => Err(Error::Config(format!("unknown rule kind {k:?}"))),
            })
            .py_err(py)?;
        Ok(RulesState {
            rules: Arc::new(rules),
        })
    }

    /// Per row: the index of the first rule found (-1: none; null for a null text).
    fn first_match(&self, py: Python<'_>, data: AnyArray, column: &str) -> PyResult<Py<PyAny>> {
        let chunks = text_chunks(py, data, column)?;
        let rules = self.rules.clone();
        let out = py
            .detach(|| -> Result<Vec<Option<i32>>, Error> {
                let rows = gather_rows(&chunks, column)?;
                let r = parallel::map_rows(&rows, |t| {
                    t.map(|t| match &*rules {
                        Rules::Patterns(p) => p.first_match(t),
                        Rules::Words(w) => Ok(w.first_match(t)),
                    })
                })?;
                r.into_iter()
                    .map(|x| x.transpose().map(|o| o.map(|m| m.map_or(-1, |i| i as i32))))
                    .collect()
            })
            .py_err(py)?;
        Ok(PyArray::from_array_ref(Arc::new(Int32Array::from(out)))
            .to_pyarrow(py)?
            .unbind())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RulesState>()?;
    Ok(())
}
