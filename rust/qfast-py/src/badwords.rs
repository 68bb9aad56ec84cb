//! `C4BadWords` over Arrow: per-row language from a column (or a default), verdict codes back.

use std::sync::Mutex;

use arrow_array::Int8Array;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::badwords::{BadWords, Verdict};
use qfast_core::column::gather_rows;

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

/// Compiled word lists and the sampling generator (which advances across calls).
#[pyclass(module = "qfast._qfast", frozen)]
struct BadWordsState {
    inner: Mutex<BadWords>,
}

#[pymethods]
impl BadWordsState {
    #[new]
    #[pyo3(signature = (lists, keep_fraction, seed))]
    fn new(
        py: Python<'_>,
        lists: Vec<(String, Vec<String>)>,
        keep_fraction: f64,
        seed: Option<u128>,
    ) -> PyResult<Self> {
        let bw = py
            .detach(|| BadWords::new(&lists, keep_fraction, seed))
            .py_err(py)?;
        Ok(BadWordsState {
            inner: Mutex::new(bw),
        })
    }

    /// Verdict code per row: 0 keep, 1 drop, 2 kept by `keep_fraction` sampling, 3 no list
    /// for the row's language; null for a null text. `langs`: the language column (a null
    /// language, or no column, means `default_language`).
    #[pyo3(signature = (data, column, langs, lang_column, default_language))]
    fn verdicts(
        &self,
        py: Python<'_>,
        data: AnyArray,
        column: &str,
        langs: Option<AnyArray>,
        lang_column: &str,
        default_language: &str,
    ) -> PyResult<Py<PyAny>> {
        let chunks = text_chunks(py, data, column)?;
        let lang_chunks = match langs {
            Some(l) => Some(text_chunks(py, l, lang_column)?),
            None => None,
        };
        let codes = py
            .detach(|| -> qfast_core::Result<Vec<Option<i8>>> {
                let rows = gather_rows(&chunks, column)?;
                let langs = match &lang_chunks {
                    Some(c) => gather_rows(c, lang_column)?,
                    None => vec![None; rows.len()],
                };
                let items: Vec<Option<(&str, &str)>> = rows
                    .iter()
                    .zip(&langs)
                    .map(|(t, l)| t.map(|t| (t, l.unwrap_or(default_language))))
                    .collect();
                let mut bw = self
                    .inner
                    .lock()
                    .map_err(|_| qfast_core::Error::Config("bad-words state poisoned".into()))?;
                Ok(bw
                    .verdicts(&items)?
                    .into_iter()
                    .map(|v| {
                        v.map(|v| match v {
                            Verdict::Keep => 0,
                            Verdict::Drop => 1,
                            Verdict::KeptSampled => 2,
                            Verdict::MissingLanguage => 3,
                        })
                    })
                    .collect())
            })
            .py_err(py)?;
        let arr = Int8Array::from(codes);
        Ok(PyArray::from_array_ref(std::sync::Arc::new(arr))
            .to_pyarrow(py)?
            .unbind())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<BadWordsState>()?;
    Ok(())
}
