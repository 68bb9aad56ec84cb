//! fastText's dictionary and its line preprocessing for supervised prediction: whitespace
//! tokens, the end-of-line token, in-vocabulary words with their character n-grams, hashed
//! n-grams of out-of-vocabulary words, and hashed word n-grams, with fastText's integer quirks
//! (sign-extended bytes in the FNV-1a hash, sign-extended word hashes in word n-grams).

use ahash::AHashMap as HashMap;

use super::reader::{bad, Reader};
use crate::error::Result;
use crate::narrow::{id32, low32, usize64};

pub(super) const EOS: &[u8] = b"</s>";
const BOW: u8 = b'<';
const EOW: u8 = b'>';
const LABEL_PREFIX: &[u8] = b"__label__";

/// fastText's FNV-1a variant: each byte is sign-extended before the xor.
#[inline]
pub(super) fn fnv(bytes: &[u8]) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for &b in bytes {
        h ^= i32::from(b as i8) as u32;
        h = h.wrapping_mul(16_777_619);
    }
    h
}

/// The hyper-parameters preprocessing needs.
#[derive(Clone, Copy, Debug)]
pub(super) struct Params {
    pub minn: usize,
    pub maxn: usize,
    pub word_ngrams: usize,
    pub bucket: u64,
}

pub(super) struct Dictionary {
    pub(super) nwords: usize,
    /// Label names in label-id order, and their training counts (for the HS tree).
    pub(super) labels: Vec<String>,
    pub(super) label_counts: Vec<i64>,
    /// Word -> id (words only; labels are looked up by `labels`).
    ids: HashMap<Vec<u8>, u32>,
    /// Label entries by text, for tokens that spell a label (they are skipped).
    label_ids: HashMap<Vec<u8>, u32>,
    /// Per word id: its id followed by its character n-gram rows.
    subwords: Vec<Vec<u32>>,
    /// Pruned models: bucket -> row (`None`: not pruned).
    prune: Option<HashMap<i32, i32>>,
    params: Params,
}

impl Dictionary {
    pub(super) fn load(r: &mut Reader<'_>, params: Params) -> Result<Self> {
        let size = r.i32("dictionary size")?;
        let nwords = r.i32("dictionary nwords")?;
        let nlabels = r.i32("dictionary nlabels")?;
        let _ntokens = r.i64("dictionary ntokens")?;
        let prune_size = r.i64("dictionary pruneidx_size")?;
        if size < 0
            || nwords < 0
            || nlabels < 0
            || i64::from(nwords) + i64::from(nlabels) != i64::from(size)
        {
            return Err(bad(format!(
                "dictionary: size {size}, nwords {nwords}, nlabels {nlabels} are inconsistent"
            )));
        }
        // Each entry takes at least 10 bytes (NUL, count, type): refuse sizes the file can't hold.
        if size as usize > r.remaining() / 10 {
            return Err(bad(format!(
                "dictionary: {size} entries cannot fit in the {} bytes left",
                r.remaining()
            )));
        }
        let (nwords, nlabels) = (nwords as usize, nlabels as usize);
        let mut ids = HashMap::with_capacity(nwords);
        let mut label_ids = HashMap::with_capacity(nlabels);
        let mut words: Vec<Vec<u8>> = Vec::with_capacity(nwords);
        let mut labels = Vec::with_capacity(nlabels);
        let mut label_counts = Vec::with_capacity(nlabels);
        for i in 0..size as usize {
            let w = r.cstr("dictionary entry")?.to_vec();
            let count = r.i64("dictionary entry count")?;
            let kind = r.u8("dictionary entry type")?;
            match (kind, i < nwords) {
                (0, true) => {
                    ids.insert(w.clone(), id32(i)); // i < size, an i32
                    words.push(w);
                }
                (1, false) => {
                    let name = String::from_utf8(w.clone())
                        .map_err(|_| bad(format!("dictionary: label {i} is not valid UTF-8")))?;
                    label_ids.insert(w, id32(i - nwords));
                    labels.push(name);
                    label_counts.push(count);
                }
                _ => {
                    return Err(bad(format!(
                        "dictionary: entry {i} has type {kind}; words must come before labels"
                    )))
                }
            }
        }
        let prune = if prune_size >= 0 {
            let n = r.size(prune_size, "pruneidx size")?;
            if n > r.remaining() / 8 {
                return Err(bad(format!(
                    "dictionary: {n} pruned buckets cannot fit in the file"
                )));
            }
            let mut m = HashMap::with_capacity(n);
            for _ in 0..n {
                let a = r.i32("pruneidx")?;
                let b = r.i32("pruneidx")?;
                m.insert(a, b);
            }
            Some(m)
        } else if prune_size == -1 {
            None
        } else {
            return Err(bad(format!("dictionary: pruneidx_size {prune_size}")));
        };
        let mut d = Dictionary {
            nwords,
            labels,
            label_counts,
            ids,
            label_ids,
            subwords: Vec::new(),
            prune,
            params,
        };
        // Character n-grams are precomputed per word, as fastText does: up to
        // maxn - max(minn, 1) + 1 ids per byte of a word. A forged maxn over a long word would
        // need memory quadratic in the file (a 20 KB word with maxn 1000: 80 MB of ids), so the
        // table is refused past 16 bytes of ids per byte of file (real models need 1-7).
        let per_byte = if params.maxn == 0 || params.bucket == 0 {
            0
        } else {
            (params.maxn + 1).saturating_sub(params.minn.max(1))
        };
        let bytes: usize = words.iter().map(|w| w.len() + 2).sum();
        let ids = nwords.saturating_add(bytes.saturating_mul(per_byte));
        if ids.saturating_mul(4) > 16 * r.len() + (1 << 20) {
            return Err(bad(format!(
                "dictionary: {nwords} words with character n-grams {}..={} would need {ids} \
                 subword ids for a {}-byte file",
                params.minn,
                params.maxn,
                r.len()
            )));
        }
        let mut subwords = Vec::with_capacity(nwords);
        let mut buf = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let mut sw = vec![id32(i)]; // i < nwords, an i32
            if w.as_slice() != EOS {
                buf.clear();
                buf.push(BOW);
                buf.extend_from_slice(w);
                buf.push(EOW);
                d.char_ngrams(&buf, &mut sw);
            }
            subwords.push(sw);
        }
        d.subwords = subwords;
        Ok(d)
    }

    /// The largest row id preprocessing can produce, plus one.
    pub(super) fn rows_needed(&self) -> usize {
        match &self.prune {
            None => self.nwords + usize64(self.params.bucket),
            Some(m) => {
                self.nwords
                    + m.values()
                        .map(|&v| v.max(0) as usize + 1)
                        .max()
                        .unwrap_or(0)
            }
        }
    }

    /// fastText's `pushHash`: bucket `id` as an input row (pruned models remap or drop it).
    #[inline]
    fn push_hash(&self, out: &mut Vec<u32>, id: i32) {
        if id < 0 {
            return;
        }
        let id = match &self.prune {
            None => id,
            Some(m) => match m.get(&id) {
                Some(&v) => v,
                None => return,
            },
        };
        // nwords and id are both non-negative i32s, so the row is below 2^32.
        out.push(id32(self.nwords + id as usize));
    }

    /// Character n-grams (`minn..=maxn` code points, UTF-8 continuation bytes kept together)
    /// of `word` (already wrapped in `<` `>`), as rows.
    fn char_ngrams(&self, word: &[u8], out: &mut Vec<u32>) {
        let Params {
            minn, maxn, bucket, ..
        } = self.params;
        if maxn == 0 || bucket == 0 {
            return;
        }
        let len = word.len();
        for i in 0..len {
            if word[i] & 0xC0 == 0x80 {
                continue;
            }
            let mut j = i;
            let mut n = 1;
            while j < len && n <= maxn {
                j += 1;
                while j < len && word[j] & 0xC0 == 0x80 {
                    j += 1;
                }
                if n >= minn && !(n == 1 && (i == 0 || j == len)) {
                    let h = u64::from(fnv(&word[i..j])) % bucket;
                    self.push_hash(out, low32(h) as i32); // h < bucket, an i32
                }
                n += 1;
            }
        }
    }

    /// Input rows of one line: `text` split on fastText's whitespace, then the end-of-line
    /// token, as `predict(text + "\n")` sees it (a `\n` inside `text` counts as a space).
    pub(super) fn line_rows(&self, text: &[u8], rows: &mut Vec<u32>, hashes: &mut Vec<i32>) {
        rows.clear();
        hashes.clear();
        let is_ws = |b: u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0x0B | 0x0C | 0);
        let mut buf = Vec::new();
        let tokens = text
            .split(|&b| is_ws(b))
            .filter(|t| !t.is_empty())
            .chain(std::iter::once(EOS));
        for tok in tokens {
            let h = fnv(tok);
            if let Some(&wid) = self.ids.get(tok) {
                let sw = &self.subwords[wid as usize];
                if self.params.maxn == 0 {
                    rows.push(wid);
                } else {
                    rows.extend_from_slice(sw);
                }
                hashes.push(h as i32);
            } else if self.label_ids.contains_key(tok) || tok.starts_with(LABEL_PREFIX) {
                // A label token: not a feature.
            } else {
                if tok != EOS {
                    buf.clear();
                    buf.push(BOW);
                    buf.extend_from_slice(tok);
                    buf.push(EOW);
                    self.char_ngrams(&buf, rows);
                }
                hashes.push(h as i32);
            }
        }
        let n = self.params.word_ngrams;
        if n > 1 && self.params.bucket > 0 {
            for i in 0..hashes.len() {
                // fastText widens the i32 hash with sign extension.
                let mut h = i64::from(hashes[i]) as u64;
                for &hj in hashes.iter().skip(i + 1).take(n - 1) {
                    h = h
                        .wrapping_mul(116_049_371)
                        .wrapping_add(i64::from(hj) as u64);
                    self.push_hash(rows, low32(h % self.params.bucket) as i32);
                }
            }
        }
    }
}
