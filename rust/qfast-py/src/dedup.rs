//! Dedup over Arrow columns: `simplify_text`, document hashes, MinHash signatures, the MinHash
//! dedup state, exact and line dedup indexes.

use std::collections::HashSet;
use std::sync::Arc;

use arrow_array::builder::FixedSizeBinaryBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, FixedSizeListArray, Int64Array, UInt32Array, UInt64Array,
};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Field};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::dedup::{
    doc_band_keys, doc_hash128, simplify_text as core_simplify, BatchDocs, Dedup, DocId, Keep,
    LineDedup, LshIndex, MinHashConfig, MinHasher, Scratch, Shingling, TextNorm, INDEXED,
};
use qfast_core::{arrow_out, parallel, Error};

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

thread_local! {
    /// Per-thread signing buffers, reused across rows and calls.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

fn to_py(py: Python<'_>, a: ArrayRef) -> PyResult<Py<PyAny>> {
    Ok(PyArray::from_array_ref(a).to_pyarrow(py)?.unbind())
}

/// `TextNorm` from its seven flags, in datatrove's field order.
fn norm(f: [bool; 7]) -> TextNorm {
    TextNorm {
        lowercase: f[0],
        norm_whitespace: f[1],
        remove_punctuation: f[2],
        norm_unicode_diacritics: f[3],
        norm_numbers: f[4],
        norm_weekdays: f[5],
        norm_monthnames: f[6],
    }
}

/// datatrove `simplify_text` of every row (null stays null). `norm_flags`: the seven
/// `TextNormConfig` fields in datatrove's order.
#[pyfunction]
#[pyo3(signature = (data, column, norm_flags))]
fn simplify_text(
    py: Python<'_>,
    data: AnyArray,
    column: &str,
    norm_flags: [bool; 7],
) -> PyResult<Py<PyAny>> {
    let cfg = norm(norm_flags);
    let chunks = text_chunks(py, data, column)?;
    let out = py
        .detach(|| {
            let rows = gather_rows(&chunks, column)?;
            let s = parallel::map_rows(&rows, |t| t.map(|t| core_simplify(t, &cfg)))?;
            Ok(arrow_out::large_strings(&s))
        })
        .py_err(py)?;
    to_py(py, out)
}

fn hashes_of(
    rows: &[Option<&str>],
    simplify: Option<&TextNorm>,
) -> Result<Vec<Option<u128>>, Error> {
    parallel::map_rows(rows, |t| {
        t.map(|t| match simplify {
            Some(n) => doc_hash128(&core_simplify(t, n)),
            None => doc_hash128(t),
        })
    })
}

fn fixed16(hashes: &[Option<u128>]) -> ArrayRef {
    let mut b = FixedSizeBinaryBuilder::with_capacity(hashes.len(), 16);
    for h in hashes {
        match h {
            // Big-endian: the hex of the 16 bytes reads as the 128-bit number.
            Some(h) => b.append_value(h.to_be_bytes()).expect("16 bytes"),
            None => b.append_null(),
        }
    }
    Arc::new(b.finish())
}

/// 128-bit XXH3 of every row (of its `simplify_text` when `simplify`), as
/// `fixed_size_binary(16)`.
#[pyfunction]
#[pyo3(signature = (data, column = "text", simplify = false))]
fn doc_hashes(py: Python<'_>, data: AnyArray, column: &str, simplify: bool) -> PyResult<Py<PyAny>> {
    let chunks = text_chunks(py, data, column)?;
    let cfg = TextNorm::default();
    let out = py
        .detach(|| {
            let rows = gather_rows(&chunks, column)?;
            Ok(fixed16(&hashes_of(&rows, simplify.then_some(&cfg))?))
        })
        .py_err(py)?;
    to_py(py, out)
}

/// The MinHash parameters, as passed from Python (`qfast.MinHash`).
#[pyclass(module = "qfast._qfast", frozen)]
struct MinHashSpec {
    hasher: MinHasher,
}

#[pymethods]
impl MinHashSpec {
    #[new]
    #[pyo3(signature = (shingles, n_grams, bands, rows, seed, precision, lowercase, norm_flags, tokenizer = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        shingles: &str,
        n_grams: usize,
        bands: usize,
        rows: usize,
        seed: u64,
        precision: u32,
        lowercase: bool,
        norm_flags: [bool; 7],
        tokenizer: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let shingling = match shingles {
            "datatrove" => Shingling::Datatrove(norm(norm_flags)),
            "words" => Shingling::Words { lowercase },
            "chars" => Shingling::Chars { lowercase },
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown shingles {other:?}; expected \"datatrove\", \"words\" or \"chars\""
                )))
            }
        };
        let cfg = MinHashConfig {
            shingling,
            n_grams,
            bands,
            rows,
            seed,
            precision,
        };
        let hasher = MinHasher::new(cfg, crate::tokenize::tokenizer(tokenizer)?)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(MinHashSpec { hasher })
    }

    /// The permutation parameters `(a, b)`.
    fn parameters(&self) -> (Vec<u64>, Vec<u64>) {
        self.hasher.parameters()
    }

    /// Shingle hashes of one text (duplicates kept, in order).
    fn shingles(&self, text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        self.hasher.shingles(text, &mut out);
        out
    }

    /// The LSH band keys `MinHashDedup` clusters by, one row per text as
    /// `fixed_size_list<uint64>[bands]`; null for a null text or one without shingles. Two
    /// documents are candidates when they share a key at the same band index.
    #[pyo3(signature = (data, column = "text"))]
    fn band_keys(&self, py: Python<'_>, data: AnyArray, column: &str) -> PyResult<Py<PyAny>> {
        let chunks = text_chunks(py, data, column)?;
        let h = &self.hasher;
        let (k, bands) = (h.config().num_perm(), h.config().bands);
        let out = py
            .detach(|| -> Result<ArrayRef, Error> {
                let rows = gather_rows(&chunks, column)?;
                let mut flat = vec![0u64; rows.len() * bands];
                let valid = parallel::fill_rows(&rows, bands, &mut flat, |t, row| {
                    let (mut shingles, mut sig, mut keys) = (Vec::new(), vec![0u64; k], Vec::new());
                    let signed = doc_band_keys(h, t, &mut shingles, &mut sig, &mut keys);
                    if signed {
                        row.copy_from_slice(&keys);
                    }
                    signed
                })?;
                fixed_lists(Arc::new(UInt64Array::from(flat)), bands, valid)
            })
            .py_err(py)?;
        to_py(py, out)
    }

    /// Signatures of every row as `fixed_size_list<uint32|uint64>[bands * rows]`; null for a null
    /// text or one without shingles. The values buffer is handed to Arrow as built.
    #[pyo3(signature = (data, column = "text"))]
    fn signatures(&self, py: Python<'_>, data: AnyArray, column: &str) -> PyResult<Py<PyAny>> {
        let chunks = text_chunks(py, data, column)?;
        let h = &self.hasher;
        let k = h.config().num_perm();
        let wide = h.config().precision == 64;
        let out = py
            .detach(|| -> Result<ArrayRef, Error> {
                let rows = gather_rows(&chunks, column)?;
                let n = rows.len();
                let (values, valid): (ArrayRef, Vec<bool>) = if wide {
                    let mut flat = vec![0u64; n * k];
                    let valid = parallel::fill_rows(&rows, k, &mut flat, |t, sig| {
                        SCRATCH.with_borrow_mut(|sc| {
                            t.is_some_and(|t| h.sign(t, &mut sc.shingles, sig))
                        })
                    })?;
                    (Arc::new(UInt64Array::from(flat)), valid)
                } else {
                    let mut flat = vec![0u32; n * k];
                    let valid = parallel::fill_rows(&rows, k, &mut flat, |t, sig| {
                        SCRATCH.with_borrow_mut(|sc| t.is_some_and(|t| h.sign32(t, sc, sig)))
                    })?;
                    (Arc::new(UInt32Array::from(flat)), valid)
                };
                fixed_lists(values, k, valid)
            })
            .py_err(py)?;
        to_py(py, out)
    }
}

/// `fixed_size_list<values' type>[width]` over `values` (rows of `width`), null where `!valid`.
fn fixed_lists(values: ArrayRef, width: usize, valid: Vec<bool>) -> Result<ArrayRef, Error> {
    let field = Arc::new(Field::new("item", values.data_type().clone(), false));
    let arr =
        FixedSizeListArray::try_new(field, width as i32, values, Some(NullBuffer::from(valid)))
            .map_err(|e| Error::Config(e.to_string()))?;
    Ok(Arc::new(arr))
}

fn keep_policy(keep: &str) -> PyResult<Keep> {
    Ok(match keep {
        "datatrove" => Keep::Datatrove,
        "first" => Keep::First,
        "longest" => Keep::Longest,
        "highest" => Keep::Highest,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown keep policy {other:?}; expected \"datatrove\", \"first\", \"longest\" or \"highest\""
            )))
        }
    })
}

/// Reads an id column (integers or strings) of a batch.
fn read_ids(py: Python<'_>, data: AnyArray, column: &str) -> PyResult<Vec<DocId>> {
    let chunks = text_chunks(py, data, column)?;
    let mut out = Vec::new();
    for c in &chunks {
        match c.data_type() {
            DataType::Int64 | DataType::Int32 | DataType::UInt32 | DataType::Int16 => {
                let c = arrow_cast_i64(c.as_ref()).py_err(py)?;
                for (i, v) in c.iter().enumerate() {
                    out.push(DocId::Int(v.ok_or_else(|| {
                        PyValueError::new_err(format!(
                            "column {column:?}: null id at row {}",
                            out.len() + i
                        ))
                    })?));
                }
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                let one = [c.slice(0, c.len())];
                let rows = gather_rows(&one, column).py_err(py)?;
                for r in rows {
                    let Some(s) = r else {
                        return Err(PyValueError::new_err(format!(
                            "column {column:?}: null id at row {}",
                            out.len()
                        )));
                    };
                    out.push(DocId::Str(s.into()));
                }
            }
            other => {
                return Err(Error::WrongType {
                    column: column.to_string(),
                    dtype: other.to_string(),
                    expected: "integers or strings".into(),
                })
                .py_err(py)
            }
        }
    }
    Ok(out)
}

fn arrow_cast_i64(c: &dyn Array) -> Result<Int64Array, Error> {
    let any = c.as_any();
    if let Some(a) = any.downcast_ref::<Int64Array>() {
        return Ok(a.clone());
    }
    let v: Int64Array = match c.data_type() {
        DataType::Int32 => c
            .as_primitive::<arrow_array::types::Int32Type>()
            .unary(|x| x as i64),
        DataType::UInt32 => c
            .as_primitive::<arrow_array::types::UInt32Type>()
            .unary(|x| x as i64),
        DataType::Int16 => c
            .as_primitive::<arrow_array::types::Int16Type>()
            .unary(|x| x as i64),
        other => {
            return Err(Error::Config(format!("not an integer column: {other}")));
        }
    };
    Ok(v)
}

pub(crate) fn read_scores(
    py: Python<'_>,
    data: AnyArray,
    column: &str,
) -> PyResult<Vec<Option<f64>>> {
    let chunks = text_chunks(py, data, column)?;
    let mut out = Vec::new();
    for c in &chunks {
        let Ok(f) = arrow_cast_f64(c.as_ref()) else {
            return Err(Error::WrongType {
                column: column.to_string(),
                dtype: c.data_type().to_string(),
                expected: "numbers".into(),
            })
            .py_err(py);
        };
        out.extend(f.as_primitive::<Float64Type>().iter());
    }
    Ok(out)
}

fn arrow_cast_f64(c: &dyn Array) -> Result<ArrayRef, ()> {
    use arrow_array::types::*;
    let f: arrow_array::Float64Array = match c.data_type() {
        DataType::Float64 => return Ok(Arc::new(c.as_primitive::<Float64Type>().clone())),
        DataType::Float32 => c.as_primitive::<Float32Type>().unary(|x| x as f64),
        DataType::Int64 => c.as_primitive::<Int64Type>().unary(|x| x as f64),
        DataType::Int32 => c.as_primitive::<Int32Type>().unary(|x| x as f64),
        DataType::UInt32 => c.as_primitive::<UInt32Type>().unary(|x| x as f64),
        DataType::UInt64 => c.as_primitive::<UInt64Type>().unary(|x| x as f64),
        _ => return Err(()),
    };
    Ok(Arc::new(f))
}

/// MinHash dedup over a stream of batches: `add` each batch (pass 1), then `resolve` (pass 2).
#[pyclass(module = "qfast._qfast")]
struct MinHashDedupState {
    inner: Dedup,
}

#[pymethods]
impl MinHashDedupState {
    #[new]
    #[pyo3(signature = (spec, keep, threshold = None))]
    fn new(spec: &MinHashSpec, keep: &str, threshold: Option<f64>) -> PyResult<Self> {
        let inner = Dedup::new(spec.hasher.clone(), keep_policy(keep)?, threshold)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(MinHashDedupState { inner })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Pass 1 for one batch. `ids` / `scores`: arrays (or None) aligned with the texts.
    #[pyo3(signature = (data, column = "text", ids = None, scores = None))]
    fn add(
        &mut self,
        py: Python<'_>,
        data: AnyArray,
        column: &str,
        ids: Option<AnyArray>,
        scores: Option<AnyArray>,
    ) -> PyResult<()> {
        let ids = ids.map(|a| read_ids(py, a, "id")).transpose()?;
        let scores = scores.map(|a| read_scores(py, a, "score")).transpose()?;
        let chunks = text_chunks(py, data, column)?;
        let inner = &mut self.inner;
        py.detach(|| {
            let rows = gather_rows(&chunks, column)?;
            if ids.as_ref().is_some_and(|v| v.len() != rows.len())
                || scores.as_ref().is_some_and(|v| v.len() != rows.len())
            {
                return Err(Error::Config(
                    "id / score columns must have one value per text row".into(),
                ));
            }
            inner.add(&BatchDocs {
                texts: &rows,
                ids,
                scores,
            })
        })
        .py_err(py)
    }

    /// Pass 2: `dict(cluster_id=int64 (position of the kept document; -1 when an earlier,
    /// indexed document keeps it), cluster_size=uint32, is_duplicate=bool)`, one row per
    /// document added, in the order added.
    #[pyo3(signature = (index = None))]
    fn resolve<'py>(
        &self,
        py: Python<'py>,
        index: Option<PyRef<'py, LshIndexState>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let inner = &self.inner;
        let ix = index.as_ref().map(|i| &i.inner);
        let (out, edges) = py.detach(|| inner.resolve_with(ix)).py_err(py)?;
        let d = PyDict::new(py);
        let cid: Int64Array = out
            .iter()
            .map(|o| Some(if o.root == INDEXED { -1 } else { o.root as i64 }))
            .collect();
        let size: UInt32Array = out.iter().map(|o| Some(o.cluster_size)).collect();
        let dup: BooleanArray = out.iter().map(|o| Some(o.duplicate)).collect();
        d.set_item("cluster_id", to_py(py, Arc::new(cid))?)?;
        d.set_item("cluster_size", to_py(py, Arc::new(size))?)?;
        d.set_item("is_duplicate", to_py(py, Arc::new(dup))?)?;
        let a: Int64Array = edges.iter().map(|e| Some(e.0 as i64)).collect();
        let b: Int64Array = edges.iter().map(|e| Some(e.1 as i64)).collect();
        let j: arrow_array::Float64Array = edges.iter().map(|e| Some(e.2)).collect();
        d.set_item("pair_a", to_py(py, Arc::new(a))?)?;
        d.set_item("pair_b", to_py(py, Arc::new(b))?)?;
        d.set_item("pair_jaccard", to_py(py, Arc::new(j))?)?;
        Ok(d)
    }

    /// Adds every document of this run to `index`.
    fn insert_into(&self, py: Python<'_>, mut index: PyRefMut<'_, LshIndexState>) -> PyResult<()> {
        self.inner.insert_into(&mut index.inner).py_err(py)
    }

    /// An empty index with this run's parameters.
    #[pyo3(signature = (key_bits = 32))]
    fn new_index(&self, py: Python<'_>, key_bits: u32) -> PyResult<LshIndexState> {
        let inner = LshIndex::new(self.inner.index_params(key_bits)).py_err(py)?;
        Ok(LshIndexState { inner })
    }
}

/// A saved set of band keys for incremental dedup (see `qfast_core::dedup::LshIndex`).
#[pyclass(module = "qfast._qfast")]
struct LshIndexState {
    inner: LshIndex,
}

#[pymethods]
impl LshIndexState {
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let inner = py.detach(|| LshIndex::load(&path)).py_err(py)?;
        Ok(LshIndexState { inner })
    }

    fn save(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        let inner = &self.inner;
        py.detach(|| inner.save(&path)).py_err(py)
    }

    fn merge(&mut self, py: Python<'_>, other: PyRef<'_, LshIndexState>) -> PyResult<()> {
        self.inner.merge(&other.inner).py_err(py)
    }

    fn __len__(&self) -> usize {
        self.inner.n_docs() as usize
    }

    /// Bytes of band keys held.
    fn key_bytes(&self) -> u64 {
        self.inner.key_bytes()
    }

    /// `(minhash description, bands, key_bits)`.
    fn params(&self) -> (String, usize, u32) {
        let p = self.inner.params();
        (p.minhash.clone(), p.bands, p.key_bits)
    }
}

/// Exact dedup across batches: a document is a duplicate when an identical text (or simplified
/// text) was seen before, in this or an earlier batch.
#[pyclass(module = "qfast._qfast")]
struct ExactDedupState {
    seen: HashSet<u128>,
    simplify: bool,
}

#[pymethods]
impl ExactDedupState {
    #[new]
    #[pyo3(signature = (simplify = false))]
    fn new(simplify: bool) -> Self {
        ExactDedupState {
            seen: HashSet::new(),
            simplify,
        }
    }

    fn __len__(&self) -> usize {
        self.seen.len()
    }

    /// `is_duplicate` per row (null text: never a duplicate), remembering new texts.
    #[pyo3(signature = (data, column = "text"))]
    fn mark(&mut self, py: Python<'_>, data: AnyArray, column: &str) -> PyResult<Py<PyAny>> {
        let chunks = text_chunks(py, data, column)?;
        let simplify = self.simplify;
        let seen = &mut self.seen;
        let out = py
            .detach(|| -> Result<ArrayRef, Error> {
                let rows = gather_rows(&chunks, column)?;
                let cfg = TextNorm::default();
                let hashes = hashes_of(&rows, simplify.then_some(&cfg))?;
                let dup: BooleanArray = hashes
                    .iter()
                    .map(|h| Some(h.is_some_and(|h| !seen.insert(h))))
                    .collect();
                Ok(Arc::new(dup))
            })
            .py_err(py)?;
        to_py(py, out)
    }
}

/// Line or paragraph dedup across a corpus (C4 / dolma style).
#[pyclass(module = "qfast._qfast")]
struct LineDedupState {
    inner: LineDedup,
    sep: String,
}

#[pymethods]
impl LineDedupState {
    #[new]
    #[pyo3(signature = (unit = "line"))]
    fn new(unit: &str) -> PyResult<Self> {
        let sep = match unit {
            "line" => "\n",
            "paragraph" => "\n\n",
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown unit {other:?}; expected \"line\" or \"paragraph\""
                )))
            }
        };
        Ok(LineDedupState {
            inner: LineDedup::new(),
            sep: sep.into(),
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// `dict(text=large_string, removed_units=uint32, removed_bytes=uint64)` per row, in order
    /// (rows are processed sequentially: what counts as "seen before" follows row order).
    #[pyo3(signature = (data, column = "text"))]
    fn apply<'py>(
        &mut self,
        py: Python<'py>,
        data: AnyArray,
        column: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let chunks = text_chunks(py, data, column)?;
        let (inner, sep) = (&mut self.inner, self.sep.as_str());
        let (text, units, bytes) = py
            .detach(|| -> Result<_, Error> {
                let rows = gather_rows(&chunks, column)?;
                let mut texts = Vec::with_capacity(rows.len());
                let mut units = Vec::with_capacity(rows.len());
                let mut bytes = Vec::with_capacity(rows.len());
                for r in rows {
                    match r {
                        Some(t) => {
                            let (t, rem) = inner.apply(t, sep);
                            texts.push(Some(t));
                            units.push(Some(rem.units as u32));
                            bytes.push(Some(rem.bytes));
                        }
                        None => {
                            texts.push(None);
                            units.push(None);
                            bytes.push(None);
                        }
                    }
                }
                Ok((
                    arrow_out::large_strings(&texts),
                    arrow_out::u32s(&units),
                    Arc::new(bytes.into_iter().collect::<UInt64Array>()) as ArrayRef,
                ))
            })
            .py_err(py)?;
        let d = PyDict::new(py);
        d.set_item("text", to_py(py, text)?)?;
        d.set_item("removed_units", to_py(py, units)?)?;
        d.set_item("removed_bytes", to_py(py, bytes)?)?;
        Ok(d)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(simplify_text, m)?)?;
    m.add_function(wrap_pyfunction!(doc_hashes, m)?)?;
    m.add_class::<MinHashSpec>()?;
    m.add_class::<MinHashDedupState>()?;
    m.add_class::<LshIndexState>()?;
    m.add_class::<ExactDedupState>()?;
    m.add_class::<LineDedupState>()?;
    Ok(())
}
