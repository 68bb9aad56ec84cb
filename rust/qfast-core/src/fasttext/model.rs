//! A supervised fastText model (`.bin` or quantized `.ftz`) and its prediction: the mean of the
//! input rows of a line, then softmax, one-vs-all / negative-sampling sigmoids, or a walk of the
//! hierarchical-softmax Huffman tree, returning fastText's top-k `(probability, label)` pairs.

use std::cell::RefCell;

use super::dict::{Dictionary, Params};
use super::matrix::Matrix;
use super::reader::{bad, Reader};
use crate::error::Result;
use crate::narrow::{f64_to_f32, id32};

const MAGIC: i32 = 793_712_314;
const SIGMOID_TABLE_SIZE: usize = 512;
const MAX_SIGMOID: f32 = 8.0;

/// The loss a model was trained with (decides how it predicts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    HierarchicalSoftmax,
    NegativeSampling,
    Softmax,
    OneVsAll,
}

/// One prediction: label id and fastText's probability (`exp(log(p + 1e-5))`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    pub label: u32,
    pub prob: f32,
}

struct Node {
    left: i32,
    right: i32,
}

pub struct FastTextModel {
    dim: usize,
    loss: Loss,
    dict: Dictionary,
    input: Matrix,
    output: Matrix,
    /// Hierarchical softmax: the Huffman tree over labels (leaves first).
    tree: Vec<Node>,
    sigmoid: Vec<f32>,
}

/// fastText's `std_log`: `log(x + 1e-5)` in double, stored as `f32`.
#[inline]
fn std_log(x: f32) -> f32 {
    f64_to_f32((f64::from(x) + 1e-5).ln())
}

/// Per-thread buffers: input rows, word hashes, hidden vector, output scores.
#[derive(Default)]
struct Scratch {
    rows: Vec<u32>,
    hashes: Vec<i32>,
    hidden: Vec<f32>,
    output: Vec<f32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl FastTextModel {
    /// Parse a model file's bytes. Every header, size and index is validated; a malformed
    /// file is an `Error::BadModel`, and nothing larger than the file is allocated.
    pub fn from_bytes(buf: &[u8]) -> Result<Self> {
        let mut r = Reader::new(buf);
        let magic = r.i32("magic")?;
        if magic != MAGIC {
            return Err(bad(format!(
                "not a fastText model (magic {magic:#x}, expected {MAGIC:#x})"
            )));
        }
        let version = r.i32("version")?;
        if !(11..=12).contains(&version) {
            return Err(bad(format!(
                "fastText file version {version} (supported: 11, 12)"
            )));
        }
        let dim = r.i32("args.dim")?;
        let _ws = r.i32("args.ws")?;
        let _epoch = r.i32("args.epoch")?;
        let _min_count = r.i32("args.minCount")?;
        let _neg = r.i32("args.neg")?;
        let word_ngrams = r.i32("args.wordNgrams")?;
        let loss = r.i32("args.loss")?;
        let model = r.i32("args.model")?;
        let bucket = r.i32("args.bucket")?;
        let minn = r.i32("args.minn")?;
        let mut maxn = r.i32("args.maxn")?;
        let _lr_update = r.i32("args.lrUpdateRate")?;
        let _t = r.f64("args.t")?;
        if model != 3 {
            return Err(bad(format!(
                "model type {model} is not a supervised classifier (cbow=1, skipgram=2, supervised=3)"
            )));
        }
        let loss = match loss {
            1 => Loss::HierarchicalSoftmax,
            2 => Loss::NegativeSampling,
            3 => Loss::Softmax,
            4 => Loss::OneVsAll,
            v => return Err(bad(format!("unknown loss {v}"))),
        };
        if !(1..=1 << 16).contains(&dim)
            || !(1..=1000).contains(&word_ngrams)
            || bucket < 0
            || minn < 0
            || !(0..=1000).contains(&maxn)
        {
            return Err(bad(format!(
                "args out of range: dim {dim}, wordNgrams {word_ngrams}, bucket {bucket}, \
                 minn {minn}, maxn {maxn}"
            )));
        }
        if version == 11 {
            maxn = 0; // old supervised models use no character n-grams
        }
        let dim = dim as usize;
        let params = Params {
            minn: minn as usize,
            maxn: maxn as usize,
            word_ngrams: word_ngrams as usize,
            bucket: bucket as u64,
        };
        let dict = Dictionary::load(&mut r, params)?;
        let quant_input = r.bool("quant_input")?;
        let input = Matrix::load(&mut r, quant_input, "input matrix")?;
        let qout = r.bool("qout")?;
        let output = Matrix::load(&mut r, quant_input && qout, "output matrix")?;
        if r.remaining() != 0 {
            return Err(bad(format!(
                "{} unexpected bytes after the output matrix (at byte {})",
                r.remaining(),
                r.pos()
            )));
        }
        let nlabels = dict.labels.len();
        if nlabels == 0 {
            return Err(bad("the model has no labels"));
        }
        if input.dim() != dim || output.dim() != dim {
            return Err(bad(format!(
                "matrix widths {} / {} differ from dim {dim}",
                input.dim(),
                output.dim()
            )));
        }
        if input.rows() < dict.rows_needed() {
            return Err(bad(format!(
                "input matrix has {} rows, the dictionary needs {}",
                input.rows(),
                dict.rows_needed()
            )));
        }
        // fastText allocates one output row per label; hierarchical softmax uses the first
        // `nlabels - 1` (one per inner tree node).
        let rows_ok = match loss {
            Loss::HierarchicalSoftmax => output.rows() + 1 >= nlabels,
            _ => output.rows() == nlabels,
        };
        if !rows_ok {
            return Err(bad(format!(
                "output matrix has {} rows for {nlabels} labels",
                output.rows()
            )));
        }
        let tree = if loss == Loss::HierarchicalSoftmax {
            build_tree(&dict.label_counts)?
        } else {
            Vec::new()
        };
        #[allow(
            clippy::cast_possible_truncation,
            reason = "double math stored as float, as fastText does"
        )]
        let sigmoid = (0..=SIGMOID_TABLE_SIZE)
            .map(|i| {
                let x =
                    (i * 2 * MAX_SIGMOID as usize) as f32 / SIGMOID_TABLE_SIZE as f32 - MAX_SIGMOID;
                (1.0 / (1.0 + f64::from((-x).exp()))) as f32
            })
            .collect();
        Ok(FastTextModel {
            dim,
            loss,
            dict,
            input,
            output,
            tree,
            sigmoid,
        })
    }

    /// Read and validate the model file at `path` (its bytes are read once; the file size
    /// bounds every allocation).
    pub fn from_path(path: &std::path::Path) -> Result<Self> {
        let buf =
            std::fs::read(path).map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
        Self::from_bytes(&buf).map_err(|e| match e {
            crate::Error::BadModel(m) => bad(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// `predict` over rows on the core pool (a null row gives `None`).
    pub fn predict_rows(
        &self,
        rows: &[Option<&str>],
        k: Option<usize>,
        threshold: f32,
    ) -> Result<Vec<Option<Vec<Prediction>>>> {
        crate::parallel::map_rows(rows, |t| t.map(|t| self.predict(t, k, threshold)))
    }

    /// Label names in id order (with their `__label__` prefix, as in the file).
    /// Input rows of one line, as prediction computes them (for training).
    pub(super) fn line_rows(&self, text: &[u8], rows: &mut Vec<u32>, hashes: &mut Vec<i32>) {
        self.dict.line_rows(text, rows, hashes);
    }

    #[must_use]
    pub fn labels(&self) -> &[String] {
        &self.dict.labels
    }

    #[must_use]
    pub fn loss(&self) -> Loss {
        self.loss
    }

    #[must_use]
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// fastText's `Loss::sigmoid` (a 512-entry table, as the C++ predicts with it).
    #[allow(
        clippy::cast_possible_truncation,
        reason = "x is within +-MAX_SIGMOID, so the index is within the table"
    )]
    fn table_sigmoid(&self, x: f32) -> f32 {
        if x < -MAX_SIGMOID {
            0.0
        } else if x > MAX_SIGMOID {
            1.0
        } else {
            let i = ((x + MAX_SIGMOID) * SIGMOID_TABLE_SIZE as f32 / MAX_SIGMOID / 2.0) as usize;
            self.sigmoid[i.min(SIGMOID_TABLE_SIZE)]
        }
    }

    /// Top `k` predictions (all labels when `k` is `None`) with probability `>= threshold`,
    /// best first, for one line of text (newlines count as spaces). Empty when the line has
    /// no features (no known word, no n-gram row).
    #[must_use]
    pub fn predict(&self, text: &str, k: Option<usize>, threshold: f32) -> Vec<Prediction> {
        let nlabels = self.dict.labels.len();
        let k = k.unwrap_or(nlabels).min(nlabels);
        if k == 0 {
            return Vec::new();
        }
        SCRATCH.with_borrow_mut(|sc| {
            let Scratch {
                rows,
                hashes,
                hidden,
                output,
            } = sc;
            self.dict.line_rows(text.as_bytes(), rows, hashes);
            if rows.is_empty() {
                return Vec::new();
            }
            hidden.clear();
            hidden.resize(self.dim, 0.0);
            for &row in rows.iter() {
                self.input.add_row(hidden, row as usize);
            }
            let inv = f64_to_f32(1.0f64 / rows.len() as f64);
            for h in hidden.iter_mut() {
                *h *= inv;
            }
            // (log-probability, label) pairs, kept as fastText's bounded min-heap would.
            let mut heap: Vec<(f32, u32)> = Vec::with_capacity(k + 1);
            if self.loss == Loss::HierarchicalSoftmax {
                let root = 2 * nlabels - 2;
                self.dfs(k, std_log(threshold), root, 0.0, &mut heap, hidden);
            } else {
                output.clear();
                output.extend((0..nlabels).map(|i| self.output.dot_row(hidden, i)));
                if self.loss == Loss::Softmax {
                    let max = output.iter().copied().fold(output[0], f32::max);
                    let mut z = 0.0f32;
                    for o in output.iter_mut() {
                        *o = f64_to_f32(f64::from(*o - max).exp());
                        z += *o;
                    }
                    for o in output.iter_mut() {
                        *o /= z;
                    }
                } else {
                    for o in output.iter_mut() {
                        *o = self.table_sigmoid(*o);
                    }
                }
                for (i, &p) in output.iter().enumerate() {
                    if p < threshold {
                        continue;
                    }
                    push_bounded(&mut heap, k, std_log(p), id32(i)); // a label: an i32 count
                }
            }
            heap.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            heap.into_iter()
                .map(|(s, label)| Prediction {
                    label,
                    prob: s.exp(),
                })
                .collect()
        })
    }

    /// fastText's `dfs` (`log_threshold` = `std_log(threshold)`, computed once).
    fn dfs(
        &self,
        k: usize,
        log_threshold: f32,
        node: usize,
        score: f32,
        heap: &mut Vec<(f32, u32)>,
        hidden: &[f32],
    ) {
        if score < log_threshold {
            return;
        }
        if heap.len() == k && score < heap_min(heap) {
            return;
        }
        let nlabels = self.dict.labels.len();
        let n = &self.tree[node];
        if n.left == -1 && n.right == -1 {
            push_bounded(heap, k, score, id32(node)); // < 2 * labels
            return;
        }
        let f = self.output.dot_row(hidden, node - nlabels);
        let f = f64_to_f32(1.0 / f64::from(1.0f32 + (-f).exp()));
        let (l, r) = (n.left as usize, n.right as usize);
        self.dfs(k, log_threshold, l, score + std_log(1.0 - f), heap, hidden);
        self.dfs(k, log_threshold, r, score + std_log(f), heap, hidden);
    }
}

fn heap_min(heap: &[(f32, u32)]) -> f32 {
    heap.iter().map(|p| p.0).fold(f32::INFINITY, f32::min)
}

/// Adds `(score, label)` unless the heap is full and `score` is below its minimum; keeps the
/// `k` best (fastText's `findKBest` / leaf push).
fn push_bounded(heap: &mut Vec<(f32, u32)>, k: usize, score: f32, label: u32) {
    if heap.len() == k && score < heap_min(heap) {
        return;
    }
    heap.push((score, label));
    if heap.len() > k {
        let (at, _) = heap
            .iter()
            .enumerate()
            .min_by(|a, b| a.1 .0.total_cmp(&b.1 .0))
            .expect("non-empty");
        heap.swap_remove(at);
    }
}

/// Largest label count accepted (fastText's sentinel for "no node yet" is 1e15).
const MAX_COUNT: i64 = 1_000_000_000_000_000;

/// fastText's Huffman tree over label counts (labels are sorted by count, most frequent
/// first): leaves `0..n`, internal nodes `n..2n-1`, the root last. Counts must be in
/// `1..1e15`, which bounds the tree's depth (about 100) and so the prediction's recursion.
fn build_tree(counts: &[i64]) -> Result<Vec<Node>> {
    if let Some((i, c)) = counts
        .iter()
        .enumerate()
        .find(|(_, &c)| !(1..MAX_COUNT).contains(&c))
    {
        return Err(bad(format!("label {i} has count {c} (expected 1 to 1e15)")));
    }
    let n = counts.len();
    let mut count: Vec<i64> = vec![MAX_COUNT; 2 * n - 1];
    count[..n].copy_from_slice(counts);
    let mut tree: Vec<Node> = (0..2 * n - 1)
        .map(|_| Node {
            left: -1,
            right: -1,
        })
        .collect();
    let mut leaf = n as i64 - 1;
    let mut node = n;
    for i in n..2 * n - 1 {
        let mut mini = [0usize; 2];
        for m in &mut mini {
            match usize::try_from(leaf) {
                Ok(l) if count[l] < count[node] => {
                    *m = l;
                    leaf -= 1;
                }
                _ => {
                    *m = node;
                    node += 1;
                }
            }
        }
        if mini.iter().any(|&m| m >= i) {
            return Err(bad("label counts do not form a Huffman tree"));
        }
        let child = |m: usize| i32::try_from(m).map_err(|_| bad("too many labels"));
        tree[i].left = child(mini[0])?;
        tree[i].right = child(mini[1])?;
        count[i] = count[mini[0]].saturating_add(count[mini[1]]);
    }
    Ok(tree)
}
