//! The streaming counters behind `qfast.assess` (distinct n-grams, vocabulary growth).

use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use qfast_core::column::gather_rows;
use qfast_core::diversity::Diversity;

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

/// Distinct n-gram counts over every batch added (see `qfast_core::diversity`).
#[pyclass(module = "qfast._qfast")]
struct DiversityState {
    inner: Diversity,
}

#[pymethods]
impl DiversityState {
    #[new]
    #[pyo3(signature = (max_n = 3))]
    fn new(py: Python<'_>, max_n: usize) -> PyResult<Self> {
        Ok(Self {
            inner: Diversity::new(max_n).py_err(py)?,
        })
    }

    /// Adds one batch, in order; null rows are skipped.
    #[pyo3(signature = (data, column = "text"))]
    fn add(&mut self, py: Python<'_>, data: AnyArray, column: &str) -> PyResult<()> {
        let chunks = text_chunks(py, data, column)?;
        let inner = &mut self.inner;
        py.detach(|| {
            let rows = gather_rows(&chunks, column)?;
            inner.add(&rows)
        })
        .py_err(py)
    }

    /// `(n, total, distinct)` for each n.
    fn counts(&self) -> Vec<(usize, u64, u64)> {
        self.inner.counts()
    }

    /// `(tokens, distinct words)` at each checkpoint.
    fn growth(&self) -> Vec<(u64, u64)> {
        self.inner.growth()
    }

    /// Documents added (null rows excluded).
    fn docs(&self) -> u64 {
        self.inner.docs()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<DiversityState>()
}
