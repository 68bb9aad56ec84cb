//! n-gram language models over Arrow: train, ARPA in and out, per-row scores.

use std::sync::Arc;

use arrow_array::{Float64Array, UInt32Array};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::lm::{ccnet_normalize, NgramModel};
use qfast_core::parallel::map_rows;
use qfast_core::Error;

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

#[pyclass(module = "qfast._qfast", frozen)]
struct NgramLmState {
    inner: Arc<NgramModel>,
}

#[pymethods]
impl NgramLmState {
    /// Trains on the lines of every row of `column` (CCNet-normalised when `normalize`).
    #[staticmethod]
    fn train(
        py: Python<'_>,
        data: AnyArray,
        column: &str,
        order: usize,
        normalize: bool,
    ) -> PyResult<Self> {
        let chunks = text_chunks(py, data, column)?;
        let m = py
            .detach(|| -> Result<_, Error> {
                let rows = gather_rows(&chunks, column)?;
                let lines: Vec<String> = rows
                    .iter()
                    .flatten()
                    .flat_map(|t| t.lines())
                    .map(|l| {
                        if normalize {
                            ccnet_normalize(l)
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                NgramModel::train(lines.iter().map(String::as_str), order)
            })
            .py_err(py)?;
        Ok(NgramLmState { inner: Arc::new(m) })
    }

    #[staticmethod]
    fn from_arpa(py: Python<'_>, text: &str) -> PyResult<Self> {
        let m = py.detach(|| NgramModel::from_arpa(text)).py_err(py)?;
        Ok(NgramLmState { inner: Arc::new(m) })
    }

    fn to_arpa(&self, py: Python<'_>) -> String {
        let m = self.inner.clone();
        py.detach(move || m.to_arpa())
    }

    #[getter]
    fn order(&self) -> usize {
        self.inner.order()
    }

    fn counts(&self) -> Vec<usize> {
        self.inner.counts()
    }

    /// Per row: `log10` and `tokens`. `doc=False`: the row as one sentence (KenLM's
    /// `score(row, bos, eos)`); `doc=True`: CCNet's per-line sum (normalised when `normalize`).
    #[pyo3(signature = (data, column, doc, normalize, bos=true, eos=true))]
    #[allow(clippy::too_many_arguments)]
    fn score<'py>(
        &self,
        py: Python<'py>,
        data: AnyArray,
        column: &str,
        doc: bool,
        normalize: bool,
        bos: bool,
        eos: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let chunks = text_chunks(py, data, column)?;
        let m = self.inner.clone();
        let out = py
            .detach(|| -> Result<_, Error> {
                let rows = gather_rows(&chunks, column)?;
                map_rows(&rows, |t| {
                    t.map(|t| {
                        if doc {
                            m.score_doc(t, normalize)
                        } else {
                            m.score(t, bos, eos)
                        }
                    })
                })
            })
            .py_err(py)?;
        let lp: Float64Array = out.iter().map(|o| o.map(|o| o.0)).collect();
        let n: UInt32Array = out
            .iter()
            .map(|o| o.map(|o| o.1.min(u32::MAX as usize) as u32))
            .collect();
        let d = PyDict::new(py);
        d.set_item(
            "log10",
            PyArray::from_array_ref(Arc::new(lp)).to_pyarrow(py)?,
        )?;
        d.set_item(
            "tokens",
            PyArray::from_array_ref(Arc::new(n)).to_pyarrow(py)?,
        )?;
        Ok(d)
    }
}

/// CCNet's normalisation of one line.
#[pyfunction]
fn ccnet_normalize_line(line: &str) -> String {
    ccnet_normalize(line)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NgramLmState>()?;
    m.add_function(wrap_pyfunction!(ccnet_normalize_line, m)?)?;
    Ok(())
}
