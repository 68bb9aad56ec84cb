//! Unit tests on small models written here byte by byte. Parity with the `fasttext` package on
//! real models is checked by the Python tests against golden files.

use super::dict::fnv;
use super::*;

/// Hyper-parameters of a test model.
#[derive(Clone, Copy)]
struct Args {
    loss: i32,
    dim: usize,
    bucket: i32,
    minn: i32,
    maxn: i32,
    word_ngrams: i32,
}

/// Bytes of a dense supervised model: `words` (EOS first), `labels` with counts, input rows
/// `nwords + bucket` and output rows filled by `f(row, col)`.
fn model_bytes(
    a: Args,
    words: &[&str],
    labels: &[(&str, i64)],
    f: impl Fn(usize, usize) -> f32,
) -> Vec<u8> {
    let Args {
        loss,
        dim,
        bucket,
        minn,
        maxn,
        word_ngrams,
    } = a;
    let mut b = Vec::new();
    let i32s = |b: &mut Vec<u8>, v: &[i32]| v.iter().for_each(|x| b.extend(x.to_le_bytes()));
    i32s(&mut b, &[793_712_314, 12]);
    i32s(
        &mut b,
        &[
            dim as i32,
            5,
            5,
            1,
            5,
            word_ngrams,
            loss,
            3,
            bucket,
            minn,
            maxn,
            100,
        ],
    );
    b.extend(1e-4f64.to_le_bytes());
    let size = (words.len() + labels.len()) as i32;
    i32s(&mut b, &[size, words.len() as i32, labels.len() as i32]);
    b.extend(100i64.to_le_bytes());
    b.extend((-1i64).to_le_bytes());
    for w in words {
        b.extend(w.as_bytes());
        b.push(0);
        b.extend(1i64.to_le_bytes());
        b.push(0);
    }
    for (l, c) in labels {
        b.extend(l.as_bytes());
        b.push(0);
        b.extend(c.to_le_bytes());
        b.push(1);
    }
    b.push(0); // dense input
    let rows_in = words.len() + bucket as usize;
    b.extend((rows_in as i64).to_le_bytes());
    b.extend((dim as i64).to_le_bytes());
    for r in 0..rows_in {
        for c in 0..dim {
            b.extend(f(r, c).to_le_bytes());
        }
    }
    b.push(0); // dense output
    let rows_out = if loss == 1 {
        labels.len() - 1
    } else {
        labels.len()
    };
    b.extend((rows_out as i64).to_le_bytes());
    b.extend((dim as i64).to_le_bytes());
    for r in 0..rows_out {
        for c in 0..dim {
            b.extend(f(1000 + r, c).to_le_bytes());
        }
    }
    b
}

fn weights(r: usize, c: usize) -> f32 {
    (((r * 7 + c * 3) % 11) as f32 - 5.0) / 10.0
}

#[test]
fn fnv_sign_extends_bytes() {
    assert_eq!(fnv(b""), 2_166_136_261);
    // 0xC3 is sign-extended to 0xFFFFFFC3 before the xor.
    let h = (0x811C_9DC5u32 ^ 0xFFFF_FFC3).wrapping_mul(16_777_619);
    assert_eq!(fnv(&[0xC3]), h);
}

#[test]
fn softmax_prediction_is_the_mean_of_rows_times_output() {
    let words = ["</s>", "hello", "world"];
    let labels = [("__label__a", 5), ("__label__b", 3), ("__label__c", 1)];
    let bytes = model_bytes(
        Args {
            loss: 3,
            dim: 4,
            bucket: 0,
            minn: 0,
            maxn: 0,
            word_ngrams: 1,
        },
        &words,
        &labels,
        weights,
    );
    let m = FastTextModel::from_bytes(&bytes).expect("model");
    assert_eq!(m.loss(), Loss::Softmax);
    let got = m.predict("hello  unknown\tworld", None, 0.0);
    // Rows: hello (1), world (2), </s> (0); the unknown word has no n-grams (bucket 0).
    let mut hidden = [0f32; 4];
    for r in [1, 2, 0] {
        for (c, h) in hidden.iter_mut().enumerate() {
            *h += weights(r, c);
        }
    }
    for h in &mut hidden {
        *h *= (1.0f64 / 3.0) as f32;
    }
    let logits: Vec<f32> = (0..3)
        .map(|l| (0..4).map(|c| weights(1000 + l, c) * hidden[c]).sum())
        .collect();
    let max = logits.iter().copied().fold(f32::MIN, f32::max);
    let z: f32 = logits.iter().map(|&x| (x - max).exp()).sum();
    let mut want: Vec<(u32, f32)> = logits
        .iter()
        .enumerate()
        .map(|(i, &x)| (i as u32, (x - max).exp() / z + 1e-5))
        .collect();
    want.sort_by(|a, b| b.1.total_cmp(&a.1));
    assert_eq!(got.len(), 3);
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.label, w.0);
        assert!((g.prob - w.1).abs() < 1e-5, "{g:?} vs {w:?}");
    }
    assert_eq!(m.predict("hello", Some(1), 0.0).len(), 1);
    assert!(m.predict("hello", None, 0.99).is_empty());
}

#[test]
fn hierarchical_softmax_probabilities_sum_to_one() {
    let words = ["</s>", "x"];
    let labels = [
        ("__label__a", 9),
        ("__label__b", 4),
        ("__label__c", 2),
        ("__label__d", 1),
    ];
    let bytes = model_bytes(
        Args {
            loss: 1,
            dim: 3,
            bucket: 50,
            minn: 2,
            maxn: 3,
            word_ngrams: 2,
        },
        &words,
        &labels,
        weights,
    );
    let m = FastTextModel::from_bytes(&bytes).expect("model");
    let got = m.predict("x y zz", None, 0.0);
    assert_eq!(got.len(), 4);
    let sum: f32 = got.iter().map(|p| p.prob).sum();
    assert!((sum - 1.0).abs() < 1e-3, "{sum}");
    assert!(got.windows(2).all(|w| w[0].prob >= w[1].prob));
}

#[test]
fn every_truncation_and_many_bit_flips_are_errors_or_models_never_panics() {
    let words = ["</s>", "hello"];
    let labels = [("__label__a", 2), ("__label__b", 1)];
    for loss in [1, 2, 3, 4] {
        let bytes = model_bytes(
            Args {
                loss,
                dim: 2,
                bucket: 3,
                minn: 1,
                maxn: 2,
                word_ngrams: 2,
            },
            &words,
            &labels,
            weights,
        );
        assert!(FastTextModel::from_bytes(&bytes).is_ok());
        for cut in 0..bytes.len() {
            assert!(
                FastTextModel::from_bytes(&bytes[..cut]).is_err(),
                "cut {cut}"
            );
        }
        for i in 0..bytes.len() {
            for bit in [0, 3, 7] {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                if let Ok(m) = FastTextModel::from_bytes(&b) {
                    let _ = m.predict("hello world \u{e9}t\u{e9}", None, 0.0);
                }
            }
        }
    }
}

#[test]
fn forged_sizes_are_refused_before_allocating() {
    let words = ["</s>"];
    let labels = [("__label__a", 1)];
    let mut bytes = model_bytes(
        Args {
            loss: 3,
            dim: 2,
            bucket: 0,
            minn: 0,
            maxn: 0,
            word_ngrams: 1,
        },
        &words,
        &labels,
        weights,
    );
    // Dictionary size fields start after magic, version, 12 args and t (4 * 14 + 8 = 64).
    bytes[64..68].copy_from_slice(&i32::MAX.to_le_bytes());
    let err = FastTextModel::from_bytes(&bytes).err().expect("error");
    assert!(err.to_string().contains("dictionary"), "{err}");
    assert!(FastTextModel::from_bytes(b"not a model at all").is_err());
}
