//! A persistent LSH index for incremental dedup: per band, the sorted band keys of every document
//! indexed so far (kept or removed), nothing else. A new document that shares a band key with the
//! index is a duplicate of an earlier document. Memory and disk per indexed document:
//! `bands * key_bits / 8` bytes (56 bytes for 14 bands of 32-bit keys).
//!
//! File format (little-endian), version 1:
//! `b"QFASTLSH"`, `u32` version, `u32` header length, header (JSON: the `MinHash` parameters,
//! `key_bits`, `n_docs`), then per band `u64` count and `count` keys of `key_bits / 8` bytes,
//! then the `xxh3_64` of everything before it. Every size is checked against the file length
//! before anything is allocated; a mismatch is [`Error::BadIndex`].

use std::path::Path;

use crate::error::{Error, Result};
use crate::framed;
use crate::narrow::low32;
use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 8] = b"QFASTLSH";
const VERSION: u32 = 1;

/// What must agree between an index and the documents queried against it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexParams {
    /// A description of the shingling and permutations (`MinHasher::fingerprint`).
    pub minhash: String,
    pub bands: usize,
    pub key_bits: u32,
}

#[derive(Serialize, Deserialize)]
struct Header {
    params: IndexParams,
    n_docs: u64,
}

#[derive(Clone, Debug)]
pub struct LshIndex {
    params: IndexParams,
    n_docs: u64,
    /// Per band, sorted and deduplicated (keys truncated to `key_bits`).
    keys: Vec<Vec<u64>>,
}

impl LshIndex {
    pub fn new(params: IndexParams) -> Result<Self> {
        if params.key_bits != 32 && params.key_bits != 64 {
            return Err(Error::Config(format!(
                "key_bits must be 32 or 64, got {}",
                params.key_bits
            )));
        }
        let keys = vec![Vec::new(); params.bands];
        Ok(LshIndex {
            params,
            n_docs: 0,
            keys,
        })
    }

    #[must_use]
    pub fn params(&self) -> &IndexParams {
        &self.params
    }

    /// Documents indexed.
    #[must_use]
    pub fn n_docs(&self) -> u64 {
        self.n_docs
    }

    #[inline]
    fn cut(&self, k: u64) -> u64 {
        if self.params.key_bits == 32 {
            k & u64::from(u32::MAX)
        } else {
            k
        }
    }

    /// Whether a document with these band keys shares a band with the index.
    #[must_use]
    pub fn matches(&self, band_keys: &[u64]) -> bool {
        band_keys
            .iter()
            .zip(&self.keys)
            .any(|(&k, band)| band.binary_search(&self.cut(k)).is_ok())
    }

    /// Adds documents (their band keys, `bands` per document).
    pub fn insert(&mut self, docs: &[&[u64]]) {
        for (b, band) in self.keys.iter_mut().enumerate() {
            let cut = |k: u64| {
                if self.params.key_bits == 32 {
                    k & u64::from(u32::MAX)
                } else {
                    k
                }
            };
            band.extend(docs.iter().filter_map(|d| d.get(b).map(|&k| cut(k))));
            band.sort_unstable();
            band.dedup();
        }
        self.n_docs += docs.len() as u64;
    }

    /// Adds every document of `other` (same parameters required).
    pub fn merge(&mut self, other: &LshIndex) -> Result<()> {
        if other.params != self.params {
            return Err(Error::Config(format!(
                "cannot merge indexes built with different parameters: {:?} vs {:?}",
                self.params, other.params
            )));
        }
        for (mine, theirs) in self.keys.iter_mut().zip(&other.keys) {
            mine.extend_from_slice(theirs);
            mine.sort_unstable();
            mine.dedup();
        }
        self.n_docs += other.n_docs;
        Ok(())
    }

    /// Bytes of keys held (what memory the index needs, without the Vec headers).
    #[must_use]
    pub fn key_bytes(&self) -> u64 {
        let w = u64::from(self.params.key_bits) / 8;
        self.keys.iter().map(|b| b.len() as u64 * w).sum()
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(&Header {
            params: self.params.clone(),
            n_docs: self.n_docs,
        })
        .map_err(|e| Error::Config(e.to_string()))?;
        let hint = usize::try_from(self.key_bytes()).unwrap_or(0) + 8 * self.keys.len();
        let mut body = Vec::with_capacity(hint);
        for band in &self.keys {
            body.extend_from_slice(&(band.len() as u64).to_le_bytes());
            for &k in band {
                if self.params.key_bits == 32 {
                    // 32-bit indexes hold keys already masked to 32 bits.
                    body.extend_from_slice(&low32(k).to_le_bytes());
                } else {
                    body.extend_from_slice(&k.to_le_bytes());
                }
            }
        }
        Ok(framed::write(MAGIC, VERSION, &header, &body))
    }

    /// Writes the index to `path` atomically (a temporary file renamed into place).
    pub fn save(&self, path: &Path) -> Result<()> {
        framed::save_atomic(path, &self.to_bytes()?)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let bytes = framed::read_path(path)?;
        Self::from_bytes(&bytes).map_err(|e| Error::BadIndex(format!("{}: {e}", path.display())))
    }

    /// Parses an index file's bytes; every inconsistency is an error naming what is wrong.
    pub fn from_bytes(bytes: &[u8]) -> std::result::Result<Self, String> {
        let (header, body) = framed::read(bytes, MAGIC, VERSION, "LSH index")?;
        let header: Header =
            serde_json::from_slice(header).map_err(|e| format!("bad header: {e}"))?;
        let p = &header.params;
        if p.key_bits != 32 && p.key_bits != 64 {
            return Err(format!("bad key_bits {}", p.key_bits));
        }
        let w = p.key_bits as usize / 8;
        let mut r = Reader { b: body, at: 0 };
        let mut keys = Vec::with_capacity(p.bands.min(4096));
        for b in 0..p.bands {
            let n = u64::from_le_bytes(r.take(8)?.try_into().map_err(|_| "short")?);
            let need = usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_mul(w))
                .filter(|&need| need <= body.len().saturating_sub(r.at))
                .ok_or_else(|| format!("band {b}: {n} keys do not fit in the file"))?;
            let raw = r.take(need)?;
            let band: Vec<u64> = raw
                .chunks_exact(w)
                .map(|c| {
                    if w == 4 {
                        u64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    } else {
                        u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
                    }
                })
                .collect();
            if band.windows(2).any(|x| x[0] >= x[1]) {
                return Err(format!("band {b}: keys not sorted"));
            }
            keys.push(band);
        }
        if r.at != body.len() {
            return Err(format!(
                "{} unexpected bytes after the keys",
                body.len() - r.at
            ));
        }
        Ok(LshIndex {
            params: header.params,
            n_docs: header.n_docs,
            keys,
        })
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| "truncated".to_string())?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(bits: u32) -> IndexParams {
        IndexParams {
            minhash: "test".into(),
            bands: 3,
            key_bits: bits,
        }
    }

    #[test]
    fn roundtrip_merge_and_corruption() {
        for bits in [32, 64] {
            let mut a = LshIndex::new(params(bits)).unwrap();
            a.insert(&[&[1, 2, 3], &[4, 5, 6]]);
            assert!(a.matches(&[9, 5, 9]));
            assert!(!a.matches(&[9, 9, 9]));
            let bytes = a.to_bytes().unwrap();
            let b = LshIndex::from_bytes(&bytes).unwrap();
            assert_eq!(b.n_docs(), 2);
            assert!(b.matches(&[1, 0, 0]));
            let mut c = LshIndex::new(params(bits)).unwrap();
            c.insert(&[&[7, 8, 9]]);
            c.merge(&b).unwrap();
            assert!(c.matches(&[0, 0, 9]) && c.matches(&[4, 0, 0]) && c.n_docs() == 3);
            // Every truncation and every single-byte flip is an error, never a panic.
            for cut in 0..bytes.len() {
                assert!(LshIndex::from_bytes(&bytes[..cut]).is_err());
            }
            for i in 0..bytes.len() {
                let mut bad = bytes.clone();
                bad[i] ^= 0x40;
                assert!(LshIndex::from_bytes(&bad).is_err(), "flip at {i}");
            }
        }
        let a = LshIndex::new(params(32)).unwrap();
        let mut other = LshIndex::new(params(64)).unwrap();
        assert!(other.merge(&a).is_err());
        assert!(LshIndex::new(params(16)).is_err());
    }
}
