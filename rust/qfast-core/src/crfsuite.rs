//! A reader for `CRFsuite`'s first-order linear-chain model files (`lCRF`/`FOMC`) and its
//! Viterbi decoder, as python-crfsuite's `Tagger.tag` runs them (`docs/dev/thai-spec.md`
//! sections 2.4 and 2.5). Only what tagging needs: attribute name -> state features, and the
//! transition matrix.

use std::collections::HashMap;

use crate::error::{Error, Result};

/// A loaded model.
pub struct CrfModel {
    labels: Vec<String>,
    /// Attribute name -> index into `attr_ranges`.
    attrs: HashMap<Box<str>, u32, ahash::RandomState>,
    /// Per attribute, its state features `state_feats[a..b]` in stored order.
    attr_ranges: Vec<(u32, u32)>,
    /// `(label, weight)` of state features, grouped by attribute.
    state_feats: Vec<(u32, f64)>,
    /// `trans[from * L + to]`.
    trans: Vec<f64>,
}

fn bad(what: &str) -> Error {
    Error::BadModel(format!("CRFsuite model: {what}"))
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn u32(&self, at: usize) -> Result<u32> {
        let b = self
            .0
            .get(at..at + 4)
            .ok_or_else(|| bad("truncated file"))?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f64(&self, at: usize) -> Result<f64> {
        let b = self
            .0
            .get(at..at + 8)
            .ok_or_else(|| bad("truncated file"))?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_le_bytes(a))
    }

    fn tag(&self, at: usize, tag: [u8; 4]) -> Result<()> {
        if self.0.get(at..at + 4) != Some(&tag[..]) {
            return Err(bad(&format!(
                "missing {} chunk",
                String::from_utf8_lossy(&tag)
            )));
        }
        Ok(())
    }

    /// The strings of a CQDB chunk at `at`, by id (`count` ids), via its backward array.
    fn cqdb(&self, at: usize, count: usize) -> Result<Vec<String>> {
        self.tag(at, *b"CQDB")?;
        let bwd_size = self.u32(at + 16)? as usize;
        let bwd_off = self.u32(at + 20)? as usize;
        if bwd_size < count {
            return Err(bad("string table smaller than its count"));
        }
        let mut out = Vec::with_capacity(count);
        // Records of a well-formed table are disjoint: more key bytes than the file holds means
        // ids share records, which would let a small file expand quadratically.
        let mut total = 0usize;
        for id in 0..count {
            let rec = at + self.u32(at + bwd_off + 4 * id)? as usize;
            let ksize = self.u32(rec + 4)? as usize;
            total = total.saturating_add(ksize);
            if total > self.0.len() {
                return Err(bad("string table entries overlap"));
            }
            let key = self
                .0
                .get(rec + 8..rec + 8 + ksize.saturating_sub(1))
                .ok_or_else(|| bad("truncated string table"))?;
            out.push(String::from_utf8_lossy(key).into_owned());
        }
        Ok(out)
    }

    /// The feature id lists of a `LFRF`/`AFRF` chunk at `at` (`count` lists).
    fn refs(&self, at: usize, tag: [u8; 4], count: usize) -> Result<Vec<Vec<u32>>> {
        self.tag(at, tag)?;
        let m = self.u32(at + 8)? as usize;
        if m < count {
            return Err(bad("reference chunk smaller than its count"));
        }
        let mut out = Vec::with_capacity(count);
        // As for string tables: lists are disjoint, so their ids fit in the file.
        let mut total = 0usize;
        for i in 0..count {
            let off = self.u32(at + 12 + 4 * i)? as usize;
            let k = self.u32(off)? as usize;
            total = total.saturating_add(k);
            if total > self.0.len() / 4 {
                return Err(bad("bad reference list"));
            }
            let ids = (0..k)
                .map(|j| self.u32(off + 4 + 4 * j))
                .collect::<Result<Vec<u32>>>()?;
            out.push(ids);
        }
        Ok(out)
    }
}

impl CrfModel {
    /// Parses a model file's bytes.
    pub fn from_bytes(data: &[u8]) -> Result<CrfModel> {
        let r = Reader(data);
        r.tag(0, *b"lCRF")?;
        if data.get(8..12) != Some(&b"FOMC"[..]) {
            return Err(bad("not a first-order (FOMC) model"));
        }
        let n_labels = r.u32(20)? as usize;
        let n_attrs = r.u32(24)? as usize;
        let off_feat = r.u32(28)? as usize;
        let off_labels = r.u32(32)? as usize;
        let off_attrs = r.u32(36)? as usize;
        let off_attr_refs = r.u32(44)? as usize;
        if n_labels == 0 || n_labels > 1 << 16 || n_attrs > data.len() / 4 {
            return Err(bad("implausible label or attribute count"));
        }
        // The dense transition matrix is L² weights; real models have a handful of labels, so
        // refuse a matrix far larger than the file rather than allocate gigabytes for a forged L.
        if n_labels * n_labels * 8 > 16 * data.len() + (1 << 20) {
            return Err(bad(&format!(
                "{n_labels} labels: a transition matrix larger than the file justifies"
            )));
        }
        r.tag(off_feat, *b"FEAT")?;
        let n_feats = r.u32(off_feat + 8)? as usize;
        if n_feats > data.len() / 20 {
            return Err(bad("implausible feature count"));
        }
        let mut feats = Vec::with_capacity(n_feats);
        for i in 0..n_feats {
            let at = off_feat + 12 + 20 * i;
            feats.push((r.u32(at)?, r.u32(at + 4)?, r.u32(at + 8)?, r.f64(at + 12)?));
        }
        let labels = r.cqdb(off_labels, n_labels)?;
        let attr_names = r.cqdb(off_attrs, n_attrs)?;
        let attr_refs = r.refs(off_attr_refs, *b"AFRF", n_attrs)?;
        let mut trans = vec![0.0; n_labels * n_labels];
        for &(ty, src, dst, w) in &feats {
            if ty == 1 {
                let (s, d) = (src as usize, dst as usize);
                if s >= n_labels || d >= n_labels {
                    return Err(bad("transition feature out of range"));
                }
                trans[s * n_labels + d] = w;
            }
        }
        let mut attrs = HashMap::with_capacity_and_hasher(n_attrs, ahash::RandomState::new());
        let mut attr_ranges = Vec::with_capacity(n_attrs);
        let mut state_feats = Vec::new();
        for (a, (name, ids)) in attr_names.into_iter().zip(attr_refs).enumerate() {
            let too_many = || bad("more than 2^32 state features");
            let start = u32::try_from(state_feats.len()).map_err(|_| too_many())?;
            for fid in ids {
                let &(ty, _, dst, w) = feats
                    .get(fid as usize)
                    .ok_or_else(|| bad("feature id out of range"))?;
                if ty != 0 || dst as usize >= n_labels {
                    return Err(bad("attribute refers to a non-state feature"));
                }
                state_feats.push((dst, w));
            }
            let end = u32::try_from(state_feats.len()).map_err(|_| too_many())?;
            attr_ranges.push((start, end));
            let a = u32::try_from(a).map_err(|_| bad("more than 2^32 attributes"))?;
            attrs.insert(name.into_boxed_str(), a);
        }
        Ok(CrfModel {
            labels,
            attrs,
            attr_ranges,
            state_feats,
            trans,
        })
    }

    #[must_use]
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The id of label `name`.
    #[must_use]
    pub fn label_id(&self, name: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == name)
    }

    /// The attribute id of `name` as `CRFsuite` looks it up (a C string: cut at the first NUL).
    #[must_use]
    pub fn attr(&self, name: &str) -> Option<u32> {
        let name = name.split('\0').next().unwrap_or("");
        self.attrs.get(name).copied()
    }

    /// Every attribute name with its id.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, u32)> {
        self.attrs.iter().map(|(k, &v)| (&**k, v))
    }

    /// Adds attribute `a`'s state features (value 1.0) to `state` (one score per label).
    pub fn add_state(&self, a: u32, state: &mut [f64]) {
        let (s, e) = self.attr_ranges[a as usize];
        for &(l, w) in &self.state_feats[s as usize..e as usize] {
            state[l as usize] += w * 1.0;
        }
    }

    /// Viterbi over per-item state scores (`state[t * L + l]`): the best label ids.
    /// Ties go to the lower label, as `CRFsuite`'s strict `>` scans do.
    #[must_use]
    pub fn viterbi(&self, state: &[f64]) -> Vec<usize> {
        let l = self.labels.len();
        let t_len = state.len() / l;
        if t_len == 0 {
            return Vec::new();
        }
        let mut score = state[..l].to_vec();
        let mut back = vec![0usize; t_len * l];
        let mut next = vec![0.0; l];
        for t in 1..t_len {
            for j in 0..l {
                let mut best = f64::MIN;
                let mut arg = None;
                for (i, &s) in score.iter().enumerate() {
                    let v = s + self.trans[i * l + j];
                    if best < v {
                        best = v;
                        arg = Some(i);
                    }
                }
                if let Some(i) = arg {
                    back[t * l + j] = i;
                }
                next[j] = best + state[t * l + j];
            }
            std::mem::swap(&mut score, &mut next);
        }
        let mut best = f64::MIN;
        let mut last = 0usize;
        for (i, &s) in score.iter().enumerate() {
            if best < s {
                best = s;
                last = i;
            }
        }
        let mut out = vec![0usize; t_len];
        out[t_len - 1] = last;
        for t in (0..t_len - 1).rev() {
            out[t] = back[(t + 1) * l + out[t + 1]];
        }
        out
    }
}
