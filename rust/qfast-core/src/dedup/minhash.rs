//! `MinHash` signatures.
//!
//! Two schemes:
//! - **datatrove** (`Shingling::Datatrove`): datatrove 0.10.1's `MinhashDedupSignature`, bit for
//!   bit. Shingles are `xxh64(" ".join(toks[i:i+n]))` (`xxh32` at precision 32) over the spaCy-parity
//!   tokens of `simplify_text(text)`, duplicates kept; permutation parameters come from numpy's
//!   `RandomState(seed)`; `phv = ((h * a + b) mod 2^64) mod (2^61 - 1)` (numpy's wrapping
//!   arithmetic), masked to 32 bits at precision 32. Documents with fewer than `n` tokens get no
//!   signature.
//! - **fast** (`Shingling::Words` / `Shingling::Chars`): shingles are word n-grams of
//!   `text.lower().split()` (the peers' definition) or character n-grams, each hashed to 64 bits
//!   from per-word hashes (the same n-gram always gets the same hash, whatever the document).
//!   Permutations: at precision 32 `a * fmix(h) + b mod 2^32` with odd `a` (datasketch's affine32);
//!   at precision 64 the Mersenne form above. Parameters come from SplitMix64(seed).

use xxhash_rust::{xxh32::xxh32, xxh64::xxh64};

use super::mt19937::Mt19937;
use super::shingle::{char_gram_hashes, word_gram_fold32, word_gram_hashes};
use super::simplify::{simplify_text, TextNorm};
use crate::error::{Error, Result};
use crate::narrow::{low32, low64};
use crate::tokenize::Tokenizer;

/// `2^61 - 1`.
pub const MERSENNE_61: u64 = (1 << 61) - 1;

/// How a document becomes shingles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shingling {
    /// datatrove's: `simplify_text` with this config, then the word tokenizer, n-grams joined by
    /// `" "`, xxhash.
    Datatrove(TextNorm),
    /// Word n-grams of `text.split()` (Python whitespace), lowercased (Python `str.lower`) if
    /// asked.
    Words { lowercase: bool },
    /// Code-point n-grams of the text with its whitespace removed (the usual CJK definition),
    /// lowercased if asked (char by char: no `Final_Sigma` context).
    Chars { lowercase: bool },
}

/// `MinHash` parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub shingling: Shingling,
    /// Shingle length in words (or chars).
    pub n_grams: usize,
    /// LSH bands ("buckets" in datatrove) and rows per band ("`hashes_per_bucket`").
    pub bands: usize,
    pub rows: usize,
    pub seed: u64,
    /// 32 or 64.
    pub precision: u32,
}

impl Default for Config {
    /// datatrove's `MinhashConfig()`.
    fn default() -> Self {
        Config {
            shingling: Shingling::Datatrove(TextNorm::default()),
            n_grams: 5,
            bands: 14,
            rows: 8,
            seed: 1,
            precision: 64,
        }
    }
}

impl Config {
    #[must_use]
    pub fn num_perm(&self) -> usize {
        self.bands * self.rows
    }

    pub fn validate(&self) -> Result<()> {
        if self.n_grams == 0 {
            return Err(Error::Config("n_grams must be at least 1".into()));
        }
        if self.bands == 0 || self.rows == 0 || self.bands * self.rows > 4096 {
            return Err(Error::Config(format!(
                "bands x rows must be between 1 and 4096 permutations, got {} x {}",
                self.bands, self.rows
            )));
        }
        if self.precision != 32 && self.precision != 64 {
            return Err(Error::Config(format!(
                "precision must be 32 or 64, got {}",
                self.precision
            )));
        }
        if matches!(self.shingling, Shingling::Datatrove(_)) && self.seed > u64::from(u32::MAX) {
            return Err(Error::Config(
                "datatrove mode seeds numpy's RandomState: seed must fit in 32 bits".into(),
            ));
        }
        Ok(())
    }
}

/// Permutation parameters, ready to apply.
#[derive(Clone, Debug)]
pub struct MinHasher {
    cfg: Config,
    a64: Vec<u64>,
    b64: Vec<u64>,
    a32: Vec<u32>,
    b32: Vec<u32>,
    tok: Tokenizer,
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `x mod (2^61 - 1)` for any u64.
#[inline(always)]
fn mod_mersenne(x: u64) -> u64 {
    let y = (x & MERSENNE_61) + (x >> 61);
    if y >= MERSENNE_61 {
        y - MERSENNE_61
    } else {
        y
    }
}

impl MinHasher {
    pub fn new(cfg: Config, tok: Tokenizer) -> Result<Self> {
        cfg.validate()?;
        let k = cfg.num_perm();
        let (mut a64, mut b64, mut a32, mut b32) = (vec![], vec![], vec![], vec![]);
        if let Shingling::Datatrove(_) = cfg.shingling {
            // `validate` keeps datatrove-mode seeds below 2^32 (numpy's seed range).
            let mut g = Mt19937::new(low32(cfg.seed));
            a64 = g.randint(1, MERSENNE_61, k);
            b64 = g.randint(0, MERSENNE_61, k);
        } else {
            let mut s = cfg.seed;
            if cfg.precision == 64 {
                a64 = (0..k)
                    .map(|_| 1 + splitmix64(&mut s) % (MERSENNE_61 - 1))
                    .collect();
                b64 = (0..k).map(|_| splitmix64(&mut s) % MERSENNE_61).collect();
            } else {
                a32 = (0..k).map(|_| low32(splitmix64(&mut s)) | 1).collect();
                b32 = (0..k).map(|_| low32(splitmix64(&mut s))).collect();
            }
        }
        Ok(MinHasher {
            cfg,
            a64,
            b64,
            a32,
            b32,
            tok,
        })
    }

    #[must_use]
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The permutation parameters `(a, b)` at precision 64 (datatrove's `parameters`), or their
    /// 32-bit form widened.
    #[must_use]
    pub fn parameters(&self) -> (Vec<u64>, Vec<u64>) {
        if self.a64.is_empty() {
            (
                self.a32.iter().map(|&x| u64::from(x)).collect(),
                self.b32.iter().map(|&x| u64::from(x)).collect(),
            )
        } else {
            (self.a64.clone(), self.b64.clone())
        }
    }

    /// The shingle hashes of `text`, in order, duplicates kept (fewer than `n_grams` units: none).
    pub fn shingles(&self, text: &str, out: &mut Vec<u64>) {
        out.clear();
        let n = self.cfg.n_grams;
        match &self.cfg.shingling {
            Shingling::Datatrove(norm) => {
                let simple = simplify_text(text, norm);
                let words = self.tok.words(&simple);
                if words.len() < n {
                    return;
                }
                let mut buf = String::new();
                for g in words.windows(n) {
                    buf.clear();
                    for (i, w) in g.iter().enumerate() {
                        if i > 0 {
                            buf.push(' ');
                        }
                        buf.push_str(w);
                    }
                    out.push(if self.cfg.precision == 64 {
                        xxh64(buf.as_bytes(), 0)
                    } else {
                        u64::from(xxh32(buf.as_bytes(), 0))
                    });
                }
            }
            Shingling::Words { lowercase } => {
                word_gram_hashes(text, *lowercase, n, out);
            }
            Shingling::Chars { lowercase } => {
                char_gram_hashes(text, *lowercase, n, out);
            }
        }
    }

    /// Signature of a shingle list into `sig` (length `num_perm`); false (and `sig` untouched)
    /// when there are no shingles.
    pub fn sign_shingles(&self, shingles: &[u64], sig: &mut [u64]) -> bool {
        if shingles.is_empty() {
            return false;
        }
        if self.a64.is_empty() {
            BUF32.with_borrow_mut(|(hs, tmp)| {
                hashes32(shingles, hs);
                tmp.clear();
                tmp.resize(sig.len(), 0);
                super::kernel::sketch32(hs, &self.a32, &self.b32, tmp);
                for (s, &t) in sig.iter_mut().zip(tmp.iter()) {
                    *s = u64::from(t);
                }
            });
        } else {
            let mask = if self.cfg.precision == 32 {
                u64::from(u32::MAX)
            } else {
                u64::MAX
            };
            for (j, s) in sig.iter_mut().enumerate() {
                let (a, b) = (self.a64[j], self.b64[j]);
                // datatrove masks each value to 32 bits (precision 32) before taking the min.
                *s = shingles
                    .iter()
                    .map(|&h| mod_mersenne(h.wrapping_mul(a).wrapping_add(b)) & mask)
                    .min()
                    .unwrap_or(u64::MAX);
            }
        }
        true
    }

    /// Signature of `text` into `sig`; false when the text has no shingles.
    pub fn sign(&self, text: &str, scratch: &mut Vec<u64>, sig: &mut [u64]) -> bool {
        self.shingles(text, scratch);
        self.sign_shingles(scratch, sig)
    }

    /// 32-bit signature (fast scheme at precision 32 only) straight into `sig`.
    pub fn sign32(&self, text: &str, scratch: &mut Scratch, sig: &mut [u32]) -> bool {
        if self.a32.is_empty() {
            self.shingles(text, &mut scratch.shingles);
            let mut wide = vec![0u64; sig.len()];
            if !self.sign_shingles(&scratch.shingles, &mut wide) {
                return false;
            }
            for (s, w) in sig.iter_mut().zip(wide) {
                *s = low32(w);
            }
            return true;
        }
        if let Shingling::Words { lowercase } = &self.cfg.shingling {
            // Word grams folded to kernel inputs as they are made: no 64-bit list in between.
            scratch.h32.clear();
            word_gram_fold32(text, *lowercase, self.cfg.n_grams, &mut scratch.h32);
        } else {
            self.shingles(text, &mut scratch.shingles);
            hashes32(&scratch.shingles, &mut scratch.h32);
        }
        if scratch.h32.is_empty() {
            return false;
        }
        super::kernel::sketch32(&scratch.h32, &self.a32, &self.b32, sig);
        true
    }
}

/// The fast scheme's 32-bit kernel inputs: each shingle hash folded by one 64x64 -> 128-bit
/// multiply (every input bit reaches the middle bits taken).
fn hashes32(shingles: &[u64], out: &mut Vec<u32>) {
    out.clear();
    out.extend(shingles.iter().map(|&h| fold32(h)));
}

/// Constants of `fold32` (shared with its vector form in `simd_words`).
pub(super) const FOLD_XOR: u64 = 0x243F_6A88_85A3_08D3;
pub(super) const FOLD_MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// One shingle hash as a 32-bit kernel input.
#[inline(always)]
pub(super) fn fold32(h: u64) -> u32 {
    let r = u128::from(h ^ FOLD_XOR) * u128::from(FOLD_MUL);
    low32((low64(r) ^ low64(r >> 64)) >> 16)
}

thread_local! {
    /// Per-thread kernel buffers for `sign_shingles` (inputs, 32-bit minima).
    static BUF32: std::cell::RefCell<(Vec<u32>, Vec<u32>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Reusable buffers for signing.
#[derive(Default)]
pub struct Scratch {
    pub shingles: Vec<u64>,
    h32: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::TokenizerKind;

    fn dt() -> MinHasher {
        MinHasher::new(Config::default(), Tokenizer::new(TokenizerKind::Spacy)).unwrap()
    }

    /// datatrove 0.10.1's bucket 0 for its test sentence (reference spec section 3.1).
    #[test]
    fn datatrove_signature_vector() {
        let m = dt();
        let mut sig = vec![0u64; 112];
        let mut sc = Vec::new();
        let text = "The quick brown fox jumps over the lazy dog. It's 3.14 o'clock, Café Déjà-vu!";
        assert!(m.sign(text, &mut sc, &mut sig));
        assert_eq!(
            sig[..8],
            [
                85_330_943_174_081_874,
                663_359_892_825_767_826,
                302_227_827_184_868_053,
                34_440_879_854_629_237,
                58_618_517_753_054_747,
                117_899_488_208_280_896,
                90_937_651_562_094_116,
                38_134_188_909_626_994
            ]
        );
        assert!(!m.sign("only four words here", &mut sc, &mut sig));
    }

    #[test]
    fn fast_words_are_the_peers_shingles() {
        let m = MinHasher::new(
            Config {
                shingling: Shingling::Words { lowercase: true },
                n_grams: 2,
                bands: 4,
                rows: 2,
                seed: 7,
                precision: 32,
            },
            Tokenizer::new(TokenizerKind::Spacy),
        )
        .unwrap();
        let mut a = Vec::new();
        let mut b = Vec::new();
        m.shingles("Hello  World\tfoo", &mut a);
        m.shingles("hello world\u{a0}FOO ", &mut b);
        assert_eq!(a.len(), 2);
        assert_eq!(a, b);
        m.shingles("ΣΑΣ ΟΔΟΣ", &mut a);
        m.shingles("σας οδος", &mut b);
        assert_eq!(a, b, "Final_Sigma as Python lowercases");
        // Same set, same signature; signatures are a min over the set.
        let mut s = Scratch::default();
        let (mut x, mut y) = (vec![0u32; 8], vec![0u32; 8]);
        assert!(m.sign32("a b c a b", &mut s, &mut x));
        assert!(m.sign32("b c a b", &mut s, &mut y));
        assert_eq!(x, y);
    }

    #[test]
    fn one_pass_sign32_equals_the_shingle_list_path() {
        let texts = [
            "The quick brown fox jumps over the lazy dog, and the dog sleeps on",
            "ΣΑΣ ΟΔΟΣ the Final Sigma text with more than five words in it",
            "a b",
            "",
            "Ünïcödé wörds\u{a0}with NBSP and\u{3000}ideographic space 字字 and more words",
        ];
        for n in [1, 3, 5, 9, 16, 17, 70] {
            let m = MinHasher::new(
                Config {
                    shingling: Shingling::Words { lowercase: true },
                    n_grams: n,
                    bands: 16,
                    rows: 8,
                    seed: 42,
                    precision: 32,
                },
                Tokenizer::new(TokenizerKind::Spacy),
            )
            .unwrap();
            let long = texts.join(" ").repeat(3);
            for t in texts.iter().copied().chain([long.as_str()]) {
                let mut s = Scratch::default();
                let mut one = vec![0u32; 128];
                let got = m.sign32(t, &mut s, &mut one);
                let mut list = Vec::new();
                m.shingles(t, &mut list);
                let mut wide = vec![0u64; 128];
                assert_eq!(got, m.sign_shingles(&list, &mut wide), "{n} {t:?}");
                if got {
                    let two: Vec<u32> = wide.iter().map(|&w| low32(w)).collect();
                    assert_eq!(one, two, "{n} {t:?}");
                }
            }
        }
    }
}
