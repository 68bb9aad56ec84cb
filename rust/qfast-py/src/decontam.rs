//! `DecontamIndex` over Arrow: evaluation texts in, per-row overlap (window count, spans,
//! matched item names) out, the GIL released.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::arrow_out::{span_lists, string_lists, u32s};
use qfast_core::column::gather_rows;
use qfast_core::decontam::DecontamIndex;
use qfast_core::Error;

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

#[pyclass(module = "qfast._qfast")]
struct DecontamState {
    inner: DecontamIndex,
}

#[pymethods]
impl DecontamState {
    #[new]
    fn new(py: Python<'_>, n: usize, min_words: usize) -> PyResult<Self> {
        let inner = DecontamIndex::new(n, min_words).py_err(py)?;
        Ok(DecontamState { inner })
    }

    /// Adds the rows of `column` as evaluation items named by `names` (one per row).
    fn add(
        &mut self,
        py: Python<'_>,
        data: AnyArray,
        column: &str,
        names: Vec<String>,
    ) -> PyResult<()> {
        let chunks = text_chunks(py, data, column)?;
        let inner = &mut self.inner;
        py.detach(|| -> Result<(), Error> {
            let rows = gather_rows(&chunks, column)?;
            inner.add(&rows, &names)
        })
        .py_err(py)
    }

    /// Per row: `windows` (uint32), `spans` (list of code-point `{start, end}`), `items`
    /// (list of matched item names); null for a null text.
    fn scan<'py>(
        &self,
        py: Python<'py>,
        data: AnyArray,
        column: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let chunks = text_chunks(py, data, column)?;
        let inner = &self.inner;
        let hits = py
            .detach(|| -> Result<_, Error> {
                let rows = gather_rows(&chunks, column)?;
                inner.scan_rows(&rows)
            })
            .py_err(py)?;
        let windows: Vec<Option<u32>> =
            hits.iter().map(|h| h.as_ref().map(|h| h.windows)).collect();
        let spans: Vec<Option<Vec<(u32, u32)>>> = hits
            .iter()
            .map(|h| h.as_ref().map(|h| h.spans.clone()))
            .collect();
        let items: Vec<Option<Vec<&str>>> = hits
            .iter()
            .map(|h| {
                h.as_ref()
                    // Hit ids come from this index (the fuzz harness asserts each names an item).
                    .map(|h| h.items.iter().filter_map(|&i| inner.name(i)).collect())
            })
            .collect();
        let d = PyDict::new(py);
        d.set_item(
            "windows",
            PyArray::from_array_ref(u32s(&windows)).to_pyarrow(py)?,
        )?;
        d.set_item(
            "spans",
            PyArray::from_array_ref(span_lists(&spans).py_err(py)?).to_pyarrow(py)?,
        )?;
        d.set_item(
            "items",
            PyArray::from_array_ref(string_lists(&items).py_err(py)?).to_pyarrow(py)?,
        )?;
        Ok(d)
    }

    #[getter]
    fn n(&self) -> usize {
        self.inner.n()
    }

    #[getter]
    fn min_words(&self) -> usize {
        self.inner.min_words()
    }

    /// `items`, `short_items`, `skipped_items`, `grams`.
    fn stats(&self) -> (u64, u64, u64, u64) {
        let s = self.inner.stats();
        (s.items, s.short_items, s.skipped_items, s.grams)
    }

    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let inner = &self.inner;
        py.detach(|| inner.save(&path)).py_err(py)
    }

    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = py.detach(|| DecontamIndex::load(&path)).py_err(py)?;
        Ok(DecontamState { inner })
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let b = self.inner.to_bytes().py_err(py)?;
        Ok(PyBytes::new(py, &b))
    }

    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let inner = DecontamIndex::from_bytes(data)
            .map_err(Error::BadIndex)
            .py_err(py)?;
        Ok(DecontamState { inner })
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<DecontamState>()?;
    Ok(())
}
