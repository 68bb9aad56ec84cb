//! Word segmentation for languages written without spaces (jieba for Chinese) over Arrow.

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::arrow_out::string_lists;
use qfast_core::column::gather_rows;
use qfast_core::jieba::Jieba;
use qfast_core::parallel::map_rows;
use qfast_core::Error;

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

#[pyclass(module = "qfast._qfast", frozen)]
pub struct JiebaState {
    inner: Arc<Jieba>,
}

impl JiebaState {
    /// The segmenter, for a `Tokenizer`.
    pub fn segmenter(&self) -> Arc<dyn qfast_core::tokenize::Segmenter> {
        self.inner.clone()
    }
}

#[pymethods]
impl JiebaState {
    /// From jieba's `dict.txt` text and its HMM tables (`finalseg.prob_start/trans/emit.P`).
    #[new]
    fn new(
        py: Python<'_>,
        dict: &str,
        start: HashMap<String, f64>,
        trans: HashMap<String, HashMap<String, f64>>,
        emit: HashMap<String, HashMap<char, f64>>,
    ) -> PyResult<Self> {
        let start: Vec<(String, f64)> = start.into_iter().collect();
        let trans: Vec<(String, String, f64)> = trans
            .into_iter()
            .flat_map(|(a, m)| m.into_iter().map(move |(b, v)| (a.clone(), b, v)))
            .collect();
        let emit: Vec<(String, Vec<(char, f64)>)> = emit
            .into_iter()
            .map(|(k, m)| (k, m.into_iter().collect()))
            .collect();
        let j = py
            .detach(|| Jieba::new(dict, &start, &trans, &emit))
            .py_err(py)?;
        Ok(JiebaState { inner: Arc::new(j) })
    }

    /// `list<string>` of words per row (`jieba.cut(row)`); null for a null text. `drop_space`
    /// drops the whitespace tokens (what spaCy's jieba segmenter and datatrove keep).
    #[pyo3(signature = (data, column, drop_space=false))]
    fn cut(
        &self,
        py: Python<'_>,
        data: AnyArray,
        column: &str,
        drop_space: bool,
    ) -> PyResult<Py<PyAny>> {
        let chunks = text_chunks(py, data, column)?;
        let j = self.inner.clone();
        let words = py
            .detach(|| -> Result<_, Error> {
                let rows = gather_rows(&chunks, column)?;
                map_rows(&rows, |t| {
                    t.map(|t| {
                        let mut w = j.cut(t);
                        if drop_space {
                            w.retain(|w| !w.chars().all(qfast_core::pytext::is_space));
                        }
                        w
                    })
                })
            })
            .py_err(py)?;
        Ok(PyArray::from_array_ref(string_lists(&words))
            .to_pyarrow(py)?
            .unbind())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<JiebaState>()?;
    Ok(())
}
