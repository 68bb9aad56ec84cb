//! fastText models over Arrow columns: load once, predict top-k labels per row on the core
//! pool with the GIL released, return Arrow lists plus the columns filters need.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{Float32Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, Float32Array, StringArray};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::fasttext::{train_supervised, FastTextModel, Loss, TrainArgs};

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

fn to_py(py: Python<'_>, a: ArrayRef) -> PyResult<Py<PyAny>> {
    Ok(PyArray::from_array_ref(a).to_pyarrow(py)?.unbind())
}

/// A loaded fastText supervised model (`.bin` or `.ftz`).
#[pyclass(module = "qfast._qfast", frozen)]
struct FastTextState {
    model: Arc<FastTextModel>,
    /// Label names without fastText's `__label__` prefix.
    names: Vec<String>,
}

#[pymethods]
impl FastTextState {
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let model = py.detach(|| FastTextModel::from_path(&path)).py_err(py)?;
        let names = model
            .labels()
            .iter()
            .map(|l| l.strip_prefix("__label__").unwrap_or(l).to_string())
            .collect();
        Ok(FastTextState {
            model: Arc::new(model),
            names,
        })
    }

    /// Label names (without `__label__`), in the model's order.
    fn labels(&self) -> Vec<String> {
        self.names.clone()
    }

    #[getter]
    fn dim(&self) -> usize {
        self.model.dim()
    }

    #[getter]
    fn loss(&self) -> &'static str {
        match self.model.loss() {
            Loss::HierarchicalSoftmax => "hs",
            Loss::NegativeSampling => "ns",
            Loss::Softmax => "softmax",
            Loss::OneVsAll => "ova",
        }
    }

    /// Top-`k` predictions of every row (`k=None`: every label above `threshold`). Returns a
    /// dict of Arrow arrays: `labels` (list<string>) and `probs` (list<float32>) when `lists`
    /// (else `None`), `label` and `prob` (the best; null / 0.0 for a row without features),
    /// and `wanted` (per row, the best probability among the label ids in `wanted`, 0.0 when
    /// none was predicted). A null text gives nulls everywhere.
    #[pyo3(signature = (data, column, k, threshold, wanted, lists = true))]
    #[allow(clippy::too_many_arguments)]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        data: AnyArray,
        column: &str,
        k: Option<usize>,
        threshold: f32,
        wanted: Vec<u32>,
        lists: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let chunks = text_chunks(py, data, column)?;
        let model = self.model.clone();
        let preds = py
            .detach(|| {
                let rows = gather_rows(&chunks, column)?;
                model.predict_rows(&rows, k, threshold)
            })
            .py_err(py)?;
        let mut labels = ListBuilder::new(StringBuilder::new());
        let mut probs = ListBuilder::new(Float32Builder::new());
        let mut top_label: Vec<Option<&str>> = Vec::with_capacity(preds.len());
        let mut top_prob: Vec<Option<f32>> = Vec::with_capacity(preds.len());
        let mut want: Vec<Option<f32>> = Vec::with_capacity(preds.len());
        for p in &preds {
            match p {
                None => {
                    labels.append_null();
                    probs.append_null();
                    top_label.push(None);
                    top_prob.push(None);
                    want.push(None);
                }
                Some(p) => {
                    if lists {
                        for x in p {
                            labels.values().append_value(&self.names[x.label as usize]);
                            probs.values().append_value(x.prob);
                        }
                    }
                    labels.append(true);
                    probs.append(true);
                    top_label.push(p.first().map(|x| self.names[x.label as usize].as_str()));
                    top_prob.push(Some(p.first().map_or(0.0, |x| x.prob)));
                    let w = p
                        .iter()
                        .filter(|x| wanted.contains(&x.label))
                        .map(|x| x.prob)
                        .fold(0.0f32, f32::max);
                    want.push(Some(w));
                }
            }
        }
        let out = PyDict::new(py);
        if lists {
            out.set_item("labels", to_py(py, Arc::new(labels.finish()))?)?;
            out.set_item("probs", to_py(py, Arc::new(probs.finish()))?)?;
        } else {
            out.set_item("labels", py.None())?;
            out.set_item("probs", py.None())?;
        }
        out.set_item("label", to_py(py, Arc::new(StringArray::from(top_label)))?)?;
        out.set_item("prob", to_py(py, Arc::new(Float32Array::from(top_prob)))?)?;
        out.set_item("wanted", to_py(py, Arc::new(Float32Array::from(want)))?)?;
        Ok(out)
    }
}

/// Trains a supervised fastText model on the rows of `column` with per-row `labels`; returns
/// the `.bin` bytes.
#[pyfunction]
#[pyo3(signature = (data, column, labels, dim, epoch, lr, word_ngrams, minn, maxn, bucket, min_count, loss, threads, seed))]
#[allow(clippy::too_many_arguments)]
fn train_fasttext<'py>(
    py: Python<'py>,
    data: AnyArray,
    column: &str,
    labels: Vec<Vec<String>>,
    dim: usize,
    epoch: usize,
    lr: f32,
    word_ngrams: usize,
    minn: usize,
    maxn: usize,
    bucket: u64,
    min_count: u64,
    loss: &str,
    threads: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyBytes>> {
    let loss = match loss {
        "softmax" => Loss::Softmax,
        "ova" => Loss::OneVsAll,
        other => {
            return Err(qfast_core::Error::Config(format!(
                "loss must be 'softmax' or 'ova', got {other:?}"
            )))
            .py_err(py)
        }
    };
    let args = TrainArgs {
        dim,
        epoch,
        lr,
        word_ngrams,
        minn,
        maxn,
        bucket,
        min_count,
        loss,
        threads,
        seed,
    };
    let chunks = text_chunks(py, data, column)?;
    let bytes = py
        .detach(|| -> qfast_core::Result<Vec<u8>> {
            let rows = gather_rows(&chunks, column)?;
            if rows.len() != labels.len() {
                return Err(qfast_core::Error::Config(format!(
                    "{} texts but {} label lists",
                    rows.len(),
                    labels.len()
                )));
            }
            let examples: Vec<(&str, Vec<String>)> = rows
                .iter()
                .zip(labels)
                .filter_map(|(t, l)| t.map(|t| (t, l)))
                .collect();
            train_supervised(&examples, &args)
        })
        .py_err(py)?;
    Ok(PyBytes::new(py, &bytes))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(train_fasttext, m)?)?;
    m.add_class::<FastTextState>()?;
    Ok(())
}
