//! Thread-pool control.

use pyo3::prelude::*;

use crate::errors::IntoPy;

/// Sets the number of worker threads for later calls (0 = one per CPU).
#[pyfunction]
fn set_num_threads(py: Python<'_>, threads: usize) -> PyResult<()> {
    qfast_core::pool::set_num_threads(threads).py_err(py)
}

/// The number of worker threads kernels use.
#[pyfunction]
fn get_num_threads() -> usize {
    qfast_core::pool::num_threads()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    Ok(())
}
