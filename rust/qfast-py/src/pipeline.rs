//! Filter steps and their signals over an Arrow column.

use std::sync::Arc;

use arrow_array::{ArrayRef, Int32Array, RecordBatch};
use arrow_schema::{Field, Schema};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::{PyArray, PyRecordBatch};
use qfast_core::column::gather_rows;
use qfast_core::{arrow_out, pipeline, signals as core_signals, spec};

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

fn to_py(py: Python<'_>, a: ArrayRef) -> PyResult<Py<PyAny>> {
    Ok(PyArray::from_array_ref(a).to_pyarrow(py)?.unbind())
}

/// Each step's drop reason per row (null: kept), every step judging the original text on its
/// own, with one tokenization per row: a list of `large_utf8` arrays, one per step.
#[pyfunction]
#[pyo3(signature = (data, steps, column = "text", tokenizer = None))]
fn verdicts_each(
    py: Python<'_>,
    data: AnyArray,
    steps: &str,
    column: &str,
    tokenizer: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<Py<PyAny>>> {
    let tok = crate::tokenize::tokenizer(tokenizer)?;
    let steps = spec::parse_steps(steps).py_err(py)?;
    let chunks = text_chunks(py, data, column)?;
    let arrays = py
        .detach(|| -> qfast_core::Result<Vec<ArrayRef>> {
            let rows = gather_rows(&chunks, column)?;
            let out = pipeline::verdicts_each(&steps, &rows, &tok)?;
            Ok((0..steps.len())
                .map(|i| {
                    let r: Vec<Option<&str>> = out.iter().map(|v| v[i].as_deref()).collect();
                    arrow_out::large_strings(&r)
                })
                .collect())
        })
        .py_err(py)?;
    arrays.into_iter().map(|a| to_py(py, a)).collect()
}

/// Runs the JSON-described steps as a chain. Returns a dict with `keep`, `reason`, `step`,
/// `text` (None unless a step rewrites text) and `stats` (one dict per step).
#[pyfunction]
#[pyo3(signature = (data, steps, column = "text", tokenizer = None))]
fn run_steps<'py>(
    py: Python<'py>,
    data: AnyArray,
    steps: &str,
    column: &str,
    tokenizer: Option<&Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let tok = crate::tokenize::tokenizer(tokenizer)?;
    let steps = spec::parse_steps(steps).py_err(py)?;
    let chunks = text_chunks(py, data, column)?;
    let rewrites = steps.iter().any(pipeline::Step::rewrites);
    let (keep, reason, step, text, stats) = py
        .detach(|| {
            let rows = gather_rows(&chunks, column)?;
            let out = pipeline::run(&steps, &rows, &tok)?;
            let keep: Vec<bool> = out.rows.iter().map(|o| o.step.is_none()).collect();
            let reason: Vec<Option<&str>> = out.rows.iter().map(|o| o.reason.as_deref()).collect();
            let step: Int32Array = out.rows.iter().map(|o| o.step.map(|s| s as i32)).collect();
            let text = rewrites.then(|| {
                let t: Vec<Option<&str>> = out
                    .rows
                    .iter()
                    .zip(&rows)
                    .map(|(o, orig)| match (&o.step, &o.text) {
                        (None, Some(t)) => Some(t.as_str()),
                        (None, None) => *orig,
                        _ => None,
                    })
                    .collect();
                arrow_out::large_strings(&t)
            });
            Ok((
                arrow_out::bools(&keep),
                arrow_out::large_strings(&reason),
                Arc::new(step) as ArrayRef,
                text,
                out.stats,
            ))
        })
        .py_err(py)?;
    let d = PyDict::new(py);
    d.set_item("keep", to_py(py, keep)?)?;
    d.set_item("reason", to_py(py, reason)?)?;
    d.set_item("step", to_py(py, step)?)?;
    d.set_item("text", text.map(|t| to_py(py, t)).transpose()?)?;
    let py_stats = stats
        .into_iter()
        .map(|s| {
            let sd = PyDict::new(py);
            sd.set_item("rows_in", s.rows_in)?;
            sd.set_item("bytes_in", s.bytes_in)?;
            sd.set_item("kept", s.kept)?;
            sd.set_item("bytes_kept", s.bytes_kept)?;
            sd.set_item("dropped", s.dropped)?;
            for (r, n) in s.dropped_by {
                sd.set_item(format!("dropped_{r}"), n)?;
            }
            Ok(sd)
        })
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("stats", py_stats)?;
    Ok(d)
}

/// The measured quantities of one leaf step, one column each (null for a null text).
#[pyfunction]
#[pyo3(signature = (data, step, column = "text", tokenizer = None))]
fn signals(
    py: Python<'_>,
    data: AnyArray,
    step: &str,
    column: &str,
    tokenizer: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let tok = crate::tokenize::tokenizer(tokenizer)?;
    let step = spec::parse_step(step).py_err(py)?;
    let chunks = text_chunks(py, data, column)?;
    let cols = py
        .detach(|| {
            let rows = gather_rows(&chunks, column)?;
            core_signals::columns(&step, &rows, &tok)
        })
        .py_err(py)?;
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(n, a.data_type().clone(), true))
        .collect();
    let arrays: Vec<ArrayRef> = cols.into_iter().map(|(_, a)| a).collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    Ok(PyRecordBatch::new(batch).into_pyarrow(py)?.unbind())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run_steps, m)?)?;
    m.add_function(wrap_pyfunction!(verdicts_each, m)?)?;
    m.add_function(wrap_pyfunction!(signals, m)?)?;
    Ok(())
}
