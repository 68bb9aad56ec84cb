//! `URLFilter` over an Arrow URL column: reason codes per row, the GIL released.

use std::sync::Arc;

use arrow_array::Int8Array;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::url_filter::{Lists, Reason, UrlFilter};
use qfast_core::{parallel, Error};

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

const REASONS: [Reason; 6] = [
    Reason::Domain,
    Reason::Subdomain,
    Reason::Url,
    Reason::HardBlacklisted,
    Reason::SoftBlacklisted,
    Reason::BlacklistedSubword,
];

#[pyclass(module = "qfast._qfast", frozen)]
struct UrlFilterState {
    inner: Arc<UrlFilter>,
}

#[pymethods]
impl UrlFilterState {
    #[new]
    #[pyo3(signature = (psl_text, domains, urls, banned_words, banned_subwords, soft_banned_words, soft_word_threshold, allowed_domains = Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        psl_text: &str,
        domains: Vec<String>,
        urls: Vec<String>,
        banned_words: Vec<String>,
        banned_subwords: Vec<String>,
        soft_banned_words: Vec<String>,
        soft_word_threshold: usize,
        allowed_domains: Vec<String>,
    ) -> PyResult<Self> {
        let lists = Lists {
            domains,
            urls,
            banned_words,
            banned_subwords,
            soft_banned_words,
            allowed_domains,
        };
        let f = py
            .detach(|| UrlFilter::new(psl_text, &lists, soft_word_threshold))
            .py_err(py)?;
        Ok(UrlFilterState { inner: Arc::new(f) })
    }

    /// Reason names, indexed by the codes `check` returns minus one.
    #[staticmethod]
    fn reasons() -> Vec<&'static str> {
        REASONS.iter().map(|r| r.name()).collect()
    }

    /// Per row: 0 keep, `1 + i` for `reasons()[i]`, null for a null URL.
    fn check(&self, py: Python<'_>, data: AnyArray, column: &str) -> PyResult<Py<PyAny>> {
        let chunks = text_chunks(py, data, column)?;
        let f = self.inner.clone();
        let codes = py
            .detach(|| -> Result<Vec<Option<i8>>, Error> {
                let rows = gather_rows(&chunks, column)?;
                parallel::map_rows(&rows, |u| {
                    u.map(|u| match f.check(u) {
                        None => 0,
                        Some(r) => 1 + REASONS.iter().position(|x| *x == r).unwrap_or(0) as i8,
                    })
                })
            })
            .py_err(py)?;
        Ok(PyArray::from_array_ref(Arc::new(Int8Array::from(codes)))
            .to_pyarrow(py)?
            .unbind())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<UrlFilterState>()?;
    Ok(())
}
