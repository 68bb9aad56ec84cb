//! Selection kernels over Arrow: DSIR bucket counts and log importance weights, Gumbel top-k,
//! k-means clusters.

use std::sync::Arc;

use arrow_array::{Float64Array, UInt32Array};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::dsir::{self, Features};
use qfast_core::Error;

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

/// Feature counts per bucket over the rows of `column`.
#[pyfunction]
fn dsir_counts(
    py: Python<'_>,
    data: AnyArray,
    column: &str,
    ngrams: usize,
    buckets: u32,
) -> PyResult<Vec<u64>> {
    let f = Features::new(ngrams, buckets).py_err(py)?;
    let chunks = text_chunks(py, data, column)?;
    py.detach(|| -> Result<_, Error> { f.counts(&gather_rows(&chunks, column)?) })
        .py_err(py)
}

/// `log(p_target + 1e-8) - log(p_raw + 1e-8)` per bucket.
#[pyfunction]
fn dsir_log_diff(py: Python<'_>, target: Vec<u64>, raw: Vec<u64>) -> PyResult<Vec<f64>> {
    dsir::log_diff(&target, &raw).py_err(py)
}

/// `weight` (float64) and `length` (uint32, words) per row; null for a null text.
#[pyfunction]
fn dsir_log_weights<'py>(
    py: Python<'py>,
    data: AnyArray,
    column: &str,
    ngrams: usize,
    buckets: u32,
    log_diff: Vec<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let f = Features::new(ngrams, buckets).py_err(py)?;
    let chunks = text_chunks(py, data, column)?;
    let out = py
        .detach(|| -> Result<_, Error> { f.log_weights(&gather_rows(&chunks, column)?, &log_diff) })
        .py_err(py)?;
    let w: Float64Array = out.iter().map(|o| o.map(|o| o.0)).collect();
    let n: UInt32Array = out.iter().map(|o| o.map(|o| o.1)).collect();
    let d = PyDict::new(py);
    d.set_item(
        "weight",
        PyArray::from_array_ref(Arc::new(w)).to_pyarrow(py)?,
    )?;
    d.set_item(
        "length",
        PyArray::from_array_ref(Arc::new(n)).to_pyarrow(py)?,
    )?;
    Ok(d)
}

/// Row indices (ascending) of `k` rows chosen by Gumbel top-k over `weights` (a float64
/// array; null rows are not eligible); `seed=None` takes the top `k` without noise.
#[pyfunction]
#[pyo3(signature = (weights, k, seed))]
fn gumbel_top_k(
    py: Python<'_>,
    weights: AnyArray,
    k: usize,
    seed: Option<u128>,
) -> PyResult<Py<PyAny>> {
    let w = crate::dedup::read_scores(py, weights, "weights")?;
    let idx = py.detach(|| dsir::gumbel_top_k(&w, k, seed)).py_err(py)?;
    Ok(PyArray::from_array_ref(Arc::new(UInt32Array::from(idx)))
        .to_pyarrow(py)?
        .unbind())
}

/// Spherical k-means cluster id per row of `column` (null for a null text).
#[pyfunction]
fn kmeans_clusters(
    py: Python<'_>,
    data: AnyArray,
    column: &str,
    k: usize,
    dim: u32,
    max_iter: usize,
    seed: u128,
) -> PyResult<Py<PyAny>> {
    let chunks = text_chunks(py, data, column)?;
    let ids = py
        .detach(|| -> Result<_, Error> {
            qfast_core::kmeans::kmeans(&gather_rows(&chunks, column)?, k, dim, max_iter, seed)
        })
        .py_err(py)?;
    Ok(PyArray::from_array_ref(Arc::new(UInt32Array::from(ids)))
        .to_pyarrow(py)?
        .unbind())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(dsir_counts, m)?)?;
    m.add_function(wrap_pyfunction!(dsir_log_diff, m)?)?;
    m.add_function(wrap_pyfunction!(dsir_log_weights, m)?)?;
    m.add_function(wrap_pyfunction!(gumbel_top_k, m)?)?;
    m.add_function(wrap_pyfunction!(kmeans_clusters, m)?)?;
    Ok(())
}
