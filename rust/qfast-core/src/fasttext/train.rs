//! Supervised fastText training: the dictionary of the training lines (whitespace tokens plus
//! the end-of-line token), the mean of a line's input rows (words, hashed word n-grams and
//! character n-grams, exactly as prediction computes them) fed to a softmax or one-vs-all
//! output layer, trained by SGD with fastText's linearly decaying learning rate, one random
//! target label per line (softmax) and `1 / rows` scaling of the input update. Threads update
//! the shared matrices without locks (hogwild, as fastText), through relaxed atomics; with one
//! thread the result is a pure function of the data and the seed. The model is written in
//! fastText's `.bin` format (version 12), so the `fasttext` package loads it too.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use ahash::AHashMap;

use super::dict::EOS;
use super::model::{FastTextModel, Loss};
use crate::error::{Error, Result};
use crate::narrow::{f64_to_f32, floor_usize, id32, usize64};
use crate::pcg64::Pcg64;

const MAGIC: i32 = 793_712_314;
const VERSION: i32 = 12;

/// Training hyper-parameters (fastText's names and defaults for `train_supervised`).
#[derive(Clone, Debug)]
pub struct TrainArgs {
    pub dim: usize,
    pub epoch: usize,
    pub lr: f32,
    pub word_ngrams: usize,
    pub minn: usize,
    pub maxn: usize,
    pub bucket: u64,
    pub min_count: u64,
    pub loss: Loss,
    pub threads: usize,
    pub seed: u64,
}

impl Default for TrainArgs {
    fn default() -> Self {
        TrainArgs {
            dim: 100,
            epoch: 5,
            lr: 0.1,
            word_ngrams: 1,
            minn: 0,
            maxn: 0,
            bucket: 2_000_000,
            min_count: 1,
            loss: Loss::Softmax,
            threads: 1,
            seed: 0,
        }
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0x0B | 0x0C | 0)
}

/// A matrix shared by the training threads (hogwild): `f32` bits in relaxed atomics.
struct Shared {
    dim: usize,
    data: Vec<AtomicU32>,
}

impl Shared {
    fn new(rows: usize, dim: usize, init: impl FnMut() -> f32) -> Self {
        let mut init = init;
        Shared {
            dim,
            data: (0..rows * dim)
                .map(|_| AtomicU32::new(init().to_bits()))
                .collect(),
        }
    }

    fn row(&self, i: usize) -> &[AtomicU32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    fn values(&self) -> Vec<f32> {
        self.data
            .iter()
            .map(|a| f32::from_bits(a.load(Relaxed)))
            .collect()
    }
}

fn load(a: &AtomicU32) -> f32 {
    f32::from_bits(a.load(Relaxed))
}

fn add(a: &AtomicU32, v: f32) {
    a.store((load(a) + v).to_bits(), Relaxed);
}

/// The `.bin` bytes of a supervised model.
#[allow(clippy::too_many_arguments)]
fn write_bin(
    args: &TrainArgs,
    words: &[(&[u8], i64)],
    labels: &[(&[u8], i64)],
    ntokens: i64,
    input: &[f32],
    input_rows: usize,
    output: &[f32],
) -> Result<Vec<u8>> {
    // fastText's header fields are i32: say which value does not fit rather than wrap it.
    let field = |name: &str, v: u64| {
        i32::try_from(v).map_err(|_| {
            Error::Config(format!(
                "{name} = {v} does not fit a fastText model (at most {})",
                i32::MAX
            ))
        })
    };
    let mut b = Vec::with_capacity(64 + 4 * (input.len() + output.len()));
    let i32le = |b: &mut Vec<u8>, v: i32| b.extend_from_slice(&v.to_le_bytes());
    i32le(&mut b, MAGIC);
    i32le(&mut b, VERSION);
    let loss = match args.loss {
        Loss::HierarchicalSoftmax => 1,
        Loss::NegativeSampling => 2,
        Loss::Softmax => 3,
        Loss::OneVsAll => 4,
    };
    for v in [
        field("dim", args.dim as u64)?,
        5, // ws
        field("epoch", args.epoch as u64)?,
        field("min_count", args.min_count)?,
        5, // neg
        field("word_ngrams", args.word_ngrams as u64)?,
        loss,
        3, // model: supervised
        field("bucket", args.bucket)?,
        field("minn", args.minn as u64)?,
        field("maxn", args.maxn as u64)?,
        100, // lrUpdateRate
    ] {
        i32le(&mut b, v);
    }
    b.extend_from_slice(&1e-4f64.to_le_bytes()); // t
    let size = field("words + labels", (words.len() + labels.len()) as u64)?;
    i32le(&mut b, size);
    i32le(&mut b, field("words", words.len() as u64)?);
    i32le(&mut b, field("labels", labels.len() as u64)?);
    b.extend_from_slice(&ntokens.to_le_bytes());
    b.extend_from_slice(&(-1i64).to_le_bytes()); // pruneidx_size: not pruned
    for (kind, entries) in [(0u8, words), (1u8, labels)] {
        for (w, c) in entries {
            b.extend_from_slice(w);
            b.push(0);
            b.extend_from_slice(&c.to_le_bytes());
            b.push(kind);
        }
    }
    b.push(0); // quant_input
    b.extend_from_slice(&(input_rows as i64).to_le_bytes());
    b.extend_from_slice(&(args.dim as i64).to_le_bytes());
    for v in input {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.push(0); // qout
    b.extend_from_slice(&(labels.len() as i64).to_le_bytes());
    b.extend_from_slice(&(args.dim as i64).to_le_bytes());
    for v in output {
        b.extend_from_slice(&v.to_le_bytes());
    }
    Ok(b)
}

/// Trains on `(text, labels)` examples (label names as given, e.g. `__label__good`); returns
/// the model file's bytes.
pub fn train_supervised(examples: &[(&str, Vec<String>)], args: &TrainArgs) -> Result<Vec<u8>> {
    // As fastText: without word or character n-grams there are no hashed rows.
    let mut args = args.clone();
    if args.word_ngrams <= 1 && args.maxn == 0 {
        args.bucket = 0;
    }
    let args = &args;
    let lr_ok = args.lr.is_finite() && args.lr > 0.0;
    if args.dim == 0 || args.epoch == 0 || !lr_ok || args.word_ngrams == 0 {
        return Err(Error::Config(
            "training needs dim, epoch, word_ngrams >= 1 and lr > 0".into(),
        ));
    }
    if !matches!(args.loss, Loss::Softmax | Loss::OneVsAll) {
        return Err(Error::Config(
            "training supports loss softmax and ova".into(),
        ));
    }
    if args.bucket > i32::MAX as u64 || args.dim > 1 << 16 {
        return Err(Error::Config(
            "bucket must fit in i32 and dim be <= 65536".into(),
        ));
    }
    // Dictionary: counts in first-seen order, then sorted by count (stable).
    let mut word_count: AHashMap<&[u8], (i64, usize)> = AHashMap::new();
    let mut label_count: AHashMap<&str, (i64, usize)> = AHashMap::new();
    let mut ntokens = 0i64;
    let mut used = 0usize;
    for (text, labels) in examples {
        if labels.is_empty() {
            continue;
        }
        used += 1;
        for tok in text
            .as_bytes()
            .split(|&b| is_ws(b))
            .filter(|t| !t.is_empty())
            .chain(std::iter::once(EOS))
        {
            let n = word_count.len();
            word_count.entry(tok).or_insert((0, n)).0 += 1;
            ntokens += 1;
        }
        for l in labels {
            let n = label_count.len();
            label_count.entry(l.as_str()).or_insert((0, n)).0 += 1;
            ntokens += 1;
        }
    }
    if used == 0 || label_count.is_empty() {
        return Err(Error::Config("no labelled training examples".into()));
    }
    let mut words: Vec<(&[u8], i64, usize)> = word_count
        .into_iter()
        .filter(|(_, (c, _))| *c as u64 >= args.min_count)
        .map(|(w, (c, o))| (w, c, o))
        .collect();
    words.sort_by_key(|&(_, c, o)| (-c, o));
    let mut labels: Vec<(&str, i64, usize)> = label_count
        .into_iter()
        .map(|(w, (c, o))| (w, c, o))
        .collect();
    labels.sort_by_key(|&(_, c, o)| (-c, o));
    let label_id: AHashMap<&str, u32> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.0, id32(i))) // labels of one corpus (write_bin refuses 2^31 or more)
        .collect();
    let words_out: Vec<(&[u8], i64)> = words.iter().map(|w| (w.0, w.1)).collect();
    let labels_out: Vec<(&[u8], i64)> = labels.iter().map(|l| (l.0.as_bytes(), l.1)).collect();

    // Features through the prediction code itself: a model with zero matrices of the final shape.
    let rows = words.len() + usize64(args.bucket);
    let (dim, nl) = (args.dim, labels.len());
    let shell = write_bin(
        args,
        &words_out,
        &labels_out,
        ntokens,
        &vec![0.0; rows * dim],
        rows,
        &vec![0.0; nl * dim],
    )?;
    let shell = FastTextModel::from_bytes(&shell)?;
    let mut feats: Vec<(Vec<u32>, Vec<u32>, usize)> = Vec::with_capacity(used);
    let (mut r, mut h) = (Vec::new(), Vec::new());
    for (text, labs) in examples {
        if labs.is_empty() {
            continue;
        }
        shell.line_rows(text.as_bytes(), &mut r, &mut h);
        let ids = labs.iter().map(|l| label_id[l.as_str()]).collect();
        let toks = text
            .as_bytes()
            .split(|&b| is_ws(b))
            .filter(|t| !t.is_empty())
            .count()
            + 1
            + labs.len();
        feats.push((r.clone(), ids, toks));
    }

    let mut rng = Pcg64::new(u128::from(args.seed));
    let bound = 1.0 / dim as f32;
    // fastText 0.9.2 fills the input matrix in ten blocks, one per training thread, so with
    // t < 10 threads only the first t tenths get uniform(-1/dim, 1/dim) values and the rest
    // start at zero; the same here, so models learn as fastText's do.
    let block = (rows * dim) / 10;
    let filled = if args.threads >= 10 {
        rows * dim
    } else {
        block * args.threads.max(1)
    };
    let mut k = 0usize;
    let input = Shared::new(rows, dim, || {
        k += 1;
        if k <= filled {
            f64_to_f32(rng.uniform() * 2.0 - 1.0) * bound
        } else {
            0.0
        }
    });
    let output = Shared::new(nl, dim, || 0.0);
    let total = (args.epoch as i64 * ntokens) as u64;
    let done = AtomicU64::new(0);
    let threads = args.threads.max(1);
    let work = |t: usize| {
        let mut rng = Pcg64::new(u128::from(args.seed) ^ ((t as u128 + 1) << 64));
        let mut hidden = vec![0f32; dim];
        let mut grad = vec![0f32; dim];
        let mut scores = vec![0f32; nl];
        let mut i = feats.len() * t / threads;
        loop {
            let seen = done.load(Relaxed);
            if seen >= total {
                break;
            }
            let lr = args.lr * (1.0 - seen as f32 / total as f32);
            let (rows, labs, toks) = &feats[i % feats.len()];
            i += 1;
            done.fetch_add(*toks as u64, Relaxed);
            if rows.is_empty() {
                continue;
            }
            hidden.fill(0.0);
            for &row in rows {
                for (x, a) in hidden.iter_mut().zip(input.row(row as usize)) {
                    *x += load(a);
                }
            }
            let inv = 1.0 / rows.len() as f32;
            for x in &mut *hidden {
                *x *= inv;
            }
            grad.fill(0.0);
            for (c, s) in scores.iter_mut().enumerate() {
                *s = output
                    .row(c)
                    .iter()
                    .zip(&hidden)
                    .map(|(a, x)| load(a) * x)
                    .sum();
            }
            match args.loss {
                Loss::Softmax => {
                    let target = labs[floor_usize(rng.uniform() * labs.len() as f64) % labs.len()];
                    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    let mut z = 0f32;
                    for s in &mut scores {
                        *s = (*s - max).exp();
                        z += *s;
                    }
                    for (c, s) in scores.iter().enumerate() {
                        let alpha = lr * (f32::from(u8::from(id32(c) == target)) - s / z);
                        update(&output, c, alpha, &hidden, &mut grad);
                    }
                }
                _ => {
                    for (c, s) in scores.iter().enumerate() {
                        let y = f32::from(u8::from(labs.contains(&id32(c))));
                        let alpha = lr * (y - 1.0 / (1.0 + (-s).exp()));
                        update(&output, c, alpha, &hidden, &mut grad);
                    }
                }
            }
            for g in &mut *grad {
                *g *= inv;
            }
            for &row in rows {
                for (a, g) in input.row(row as usize).iter().zip(&grad) {
                    add(a, *g);
                }
            }
        }
    };
    if threads == 1 {
        work(0);
    } else {
        std::thread::scope(|s| {
            for t in 0..threads {
                let work = &work;
                s.spawn(move || work(t));
            }
        });
    }
    write_bin(
        args,
        &words_out,
        &labels_out,
        ntokens,
        &input.values(),
        rows,
        &output.values(),
    )
}

/// `grad += alpha * out[c]; out[c] += alpha * hidden`.
fn update(output: &Shared, c: usize, alpha: f32, hidden: &[f32], grad: &mut [f32]) {
    for ((a, g), x) in output.row(c).iter().zip(grad.iter_mut()).zip(hidden) {
        *g += alpha * load(a);
        add(a, alpha * x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_task_and_round_trips() {
        let mut ex: Vec<(String, Vec<String>)> = Vec::new();
        for i in 0..200 {
            let (t, l) = if i % 2 == 0 {
                (format!("great lovely wonderful film {i}"), "__label__pos")
            } else {
                (format!("awful boring terrible film {i}"), "__label__neg")
            };
            ex.push((t, vec![l.to_string()]));
        }
        let refs: Vec<(&str, Vec<String>)> =
            ex.iter().map(|(t, l)| (t.as_str(), l.clone())).collect();
        let args = TrainArgs {
            dim: 10,
            epoch: 20,
            lr: 0.5,
            bucket: 1000,
            word_ngrams: 2,
            ..Default::default()
        };
        let bin = train_supervised(&refs, &args).unwrap();
        let m = FastTextModel::from_bytes(&bin).unwrap();
        let top = |s: &str| m.labels()[m.predict(s, Some(1), 0.0)[0].label as usize].clone();
        assert_eq!(top("a wonderful lovely day"), "__label__pos");
        assert_eq!(top("so boring and awful"), "__label__neg");
        assert_eq!(bin, train_supervised(&refs, &args).unwrap());
        // Character n-grams carry the classes to unseen spellings.
        let chars = TrainArgs {
            minn: 3,
            maxn: 5,
            word_ngrams: 1,
            ..args
        };
        let m = FastTextModel::from_bytes(&train_supervised(&refs, &chars).unwrap()).unwrap();
        let top = |s: &str| m.labels()[m.predict(s, Some(1), 0.0)[0].label as usize].clone();
        assert_eq!(top("wonderfull"), "__label__pos");
        assert_eq!(top("terribly"), "__label__neg");
    }
}
