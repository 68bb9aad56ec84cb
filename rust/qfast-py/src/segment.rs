//! Word segmentation for languages written without spaces (jieba for Chinese, Sudachi for
//! Japanese, PyThaiNLP's newmm and crfcut for Thai, pyvi's CRF for Vietnamese) over Arrow.

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
        Ok(PyArray::from_array_ref(string_lists(&words).py_err(py)?)
            .to_pyarrow(py)?
            .unbind())
    }
}

/// Sudachi's system dictionary and resources, for datatrove's Japanese tokenizer.
#[pyclass(module = "qfast._qfast", frozen)]
pub struct SudachiState {
    inner: Arc<qfast_core::sudachi::Sudachi>,
}

impl SudachiState {
    /// spaCy `ja` over this dictionary, chunked as datatrove does, for a `Tokenizer`.
    pub fn segmenter(&self) -> Arc<dyn qfast_core::tokenize::Segmenter> {
        Arc::new(qfast_core::ja::JaSegmenter::new(self.inner.clone()))
    }
}

#[pymethods]
impl SudachiState {
    /// From the path of `system.dic` (sudachidict_core) and the text of SudachiPy's
    /// `char.def`, `unk.def` and `rewrite.def`.
    #[new]
    fn new(
        py: Python<'_>,
        dic_path: std::path::PathBuf,
        char_def: &str,
        unk_def: &str,
        rewrite_def: &str,
    ) -> PyResult<Self> {
        let s = py
            .detach(|| -> Result<_, Error> {
                let dic = std::fs::read(&dic_path).map_err(|e| {
                    Error::Config(format!("cannot read {}: {e}", dic_path.display()))
                })?;
                qfast_core::sudachi::Sudachi::new(dic, char_def, unk_def, rewrite_def)
            })
            .py_err(py)?;
        Ok(SudachiState { inner: Arc::new(s) })
    }
}

/// PyThaiNLP's dictionary and sentence model, for datatrove's Thai tokenizer.
#[pyclass(module = "qfast._qfast", frozen)]
pub struct ThaiState {
    inner: Arc<qfast_core::thai::Thai>,
}

impl ThaiState {
    /// newmm-safe words and crfcut sentences, for a `Tokenizer`.
    pub fn segmenter(&self) -> Arc<dyn qfast_core::tokenize::Segmenter> {
        self.inner.clone()
    }
}

#[pymethods]
impl ThaiState {
    /// From the paths of PyThaiNLP's `corpus/words_th.txt` and
    /// `corpus/sentenceseg_crfcut.model`.
    #[new]
    fn new(
        py: Python<'_>,
        dict_path: std::path::PathBuf,
        model_path: std::path::PathBuf,
    ) -> PyResult<Self> {
        let t = py
            .detach(|| qfast_core::thai::Thai::from_paths(&dict_path, &model_path))
            .py_err(py)?;
        Ok(ThaiState { inner: Arc::new(t) })
    }

    /// datatrove `ThaiTokenizer.word_tokenize(text)`.
    fn word_tokenize(&self, py: Python<'_>, text: &str) -> Vec<String> {
        let spans = py.detach(|| self.inner.words(text));
        spans.iter().map(|&(a, b)| text[a..b].to_string()).collect()
    }

    /// datatrove `ThaiTokenizer.sent_tokenize(text)`.
    fn sent_tokenize(&self, py: Python<'_>, text: &str) -> Vec<String> {
        let spans = py.detach(|| self.inner.sentences(text));
        spans.iter().map(|&(a, b)| text[a..b].to_string()).collect()
    }

    /// datatrove `ThaiTokenizer.span_tokenize(text)`: `(start, end)` in code points.
    fn span_tokenize(&self, py: Python<'_>, text: &str) -> Vec<(usize, usize)> {
        py.detach(|| {
            // Spans are in order: count code points incrementally.
            let (mut at, mut n) = (0usize, 0usize);
            let mut cp = |byte: usize| {
                if byte >= at {
                    n += qfast_core::pytext::len_cp(&text[at..byte]);
                } else {
                    n -= qfast_core::pytext::len_cp(&text[byte..at]);
                }
                at = byte;
                n
            };
            let spans = self.inner.spans(text);
            spans.iter().map(|&(a, b)| (cp(a), cp(b))).collect()
        })
    }

    /// Number of dictionary words.
    fn __len__(&self) -> usize {
        self.inner.dict_len()
    }
}

/// pyvi's CRF model and n-gram list, for datatrove's Vietnamese tokenizer (spaCy `vi`).
#[pyclass(module = "qfast._qfast", frozen)]
pub struct VietnameseState {
    inner: Arc<qfast_core::vietnamese::Vietnamese>,
}

impl VietnameseState {
    /// spaCy `vi` (pyvi's words) with the sentencizer, for a `Tokenizer`.
    pub fn segmenter(&self) -> Arc<dyn qfast_core::tokenize::Segmenter> {
        self.inner.clone()
    }
}

#[pymethods]
impl VietnameseState {
    /// From the paths of pyvi's `models/words.txt` and `models/pyvi3.pkl` (the CRFsuite model
    /// is read out of the pickle's bytes; nothing is unpickled).
    #[new]
    fn new(
        py: Python<'_>,
        words_path: std::path::PathBuf,
        pickle_path: std::path::PathBuf,
    ) -> PyResult<Self> {
        let v = py
            .detach(|| qfast_core::vietnamese::Vietnamese::from_paths(&words_path, &pickle_path))
            .py_err(py)?;
        Ok(VietnameseState { inner: Arc::new(v) })
    }

    /// spaCy's `VietnameseTokenizer.pyvi_tokenize(text)`: pyvi's words, whitespace kept inside
    /// words of several syllables; a whitespace-only text is one word, as there.
    fn pyvi_tokenize(&self, py: Python<'_>, text: &str) -> Vec<String> {
        let spans = py.detach(|| self.inner.words(text));
        if spans.is_empty() && !text.is_empty() {
            return vec![text.to_string()];
        }
        spans.iter().map(|&(a, b)| text[a..b].to_string()).collect()
    }

    /// Number of bigrams and trigrams in `words.txt`.
    fn __len__(&self) -> usize {
        self.inner.ngram_len()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<JiebaState>()?;
    m.add_class::<SudachiState>()?;
    m.add_class::<ThaiState>()?;
    m.add_class::<VietnameseState>()?;
    Ok(())
}
