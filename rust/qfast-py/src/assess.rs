//! The streaming counters behind `qfast.assess` (distinct n-grams, vocabulary growth).

use std::sync::Arc;

use arrow_array::{ArrayRef, UInt64Array};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::diversity::Diversity;
use qfast_core::parallel;
use qfast_core::text_stats::{char_counts as core_char_counts, CharCounts};

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

/// Per row: `chars` (code points), `non_space` (not Python whitespace) and `control` (C0/C1
/// controls other than tab, LF, CR), as `uint64` arrays; null for a null row.
#[pyfunction]
#[pyo3(signature = (data, column = "text"))]
fn char_counts<'py>(py: Python<'py>, data: AnyArray, column: &str) -> PyResult<Bound<'py, PyDict>> {
    let chunks = text_chunks(py, data, column)?;
    let counts = py
        .detach(|| {
            let rows = gather_rows(&chunks, column)?;
            parallel::map_rows(&rows, |t| t.map(core_char_counts))
        })
        .py_err(py)?;
    let d = PyDict::new(py);
    let column_of = |get: fn(&CharCounts) -> u64| -> ArrayRef {
        Arc::new(
            counts
                .iter()
                .map(|c| c.as_ref().map(get))
                .collect::<UInt64Array>(),
        )
    };
    for (name, a) in [
        ("chars", column_of(|c| c.chars)),
        ("non_space", column_of(|c| c.non_space)),
        ("control", column_of(|c| c.control)),
    ] {
        d.set_item(name, PyArray::from_array_ref(a).to_pyarrow(py)?)?;
    }
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<DiversityState>()?;
    m.add_function(wrap_pyfunction!(char_counts, m)?)
}
