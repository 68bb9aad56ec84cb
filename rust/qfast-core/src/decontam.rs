//! Decontamination: exact word n-gram overlap of training documents with evaluation texts.
//!
//! Both sides are cut into words the same way: maximal runs of alphanumeric characters,
//! case-folded; each CJK ideograph, kana or Hangul syllable is a word of its own (those scripts
//! do not separate words with spaces). An evaluation item contributes every `n`-gram of its
//! words; an item shorter than `n` words but at least `min_words` long contributes itself
//! whole (a short question would otherwise never match); shorter items are counted, not indexed.
//! A document is contaminated where one of its word windows equals an indexed gram.
//!
//! Grams are keyed by a 64-bit hash of their word hashes (a rolling polynomial, then mixed), so a
//! false match needs a 64-bit collision: about `grams * windows / 2^64`.
//!
//! File format (little-endian), version 1: `b"QFASTDCN"`, `u32` version, `u32` header length,
//! header (JSON: parameters, counts, item names), `u64` gram count, then per gram (sorted by key)
//! `u64` key and `u32` item, then the `xxh3_64` of everything before it.

use std::collections::BTreeSet;
use std::path::Path;

use ahash::AHashMap;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::framed;
use crate::parallel::map_rows;

const MAGIC: &[u8; 8] = b"QFASTDCN";
const VERSION: u32 = 1;
/// Odd multiplier of the rolling gram hash.
const P: u64 = 0x9E37_79B9_7F4A_7C15;

/// A word: its code-point span in the text and the hash of its lowercased form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub start: u32,
    pub end: u32,
    pub hash: u64,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0x20000..=0x3134F) // extensions B-G
}

/// The words of `text` (see the module docs), appended to `out`.
pub fn words(text: &str, out: &mut Vec<Word>) {
    let mut buf = String::new();
    let mut start = 0u32;
    let mut open = false;
    let mut pos = 0u32;
    let close = |buf: &mut String, start: u32, end: u32, out: &mut Vec<Word>| {
        out.push(Word {
            start,
            end,
            hash: xxh3_64(buf.as_bytes()),
        });
        buf.clear();
    };
    for c in text.chars() {
        if is_cjk(c) && c.is_alphanumeric() {
            if open {
                close(&mut buf, start, pos, out);
                open = false;
            }
            buf.push(c);
            close(&mut buf, pos, pos + 1, out);
        } else if c.is_alphanumeric() {
            if !open {
                open = true;
                start = pos;
            }
            fold(c, &mut buf);
        } else if open {
            close(&mut buf, start, pos, out);
            open = false;
        }
        pos += 1;
    }
    if open {
        close(&mut buf, start, pos, out);
    }
}

/// Appends the case fold of `c`: lowercase, plus the full folds that lowercasing misses where
/// they matter for matching (`ß`/`ẞ` -> `ss`, final sigma, long s, Latin ligatures), so that
/// `STRASSE` matches `Straße` as Python's `str.casefold` would.
fn fold(c: char, buf: &mut String) {
    if c.is_ascii() {
        buf.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        'ß' | 'ẞ' => buf.push_str("ss"),
        'ς' => buf.push('σ'),
        'ſ' => buf.push('s'),
        'ﬀ' => buf.push_str("ff"),
        'ﬁ' => buf.push_str("fi"),
        'ﬂ' => buf.push_str("fl"),
        'ﬃ' => buf.push_str("ffi"),
        'ﬄ' => buf.push_str("ffl"),
        'ﬅ' | 'ﬆ' => buf.push_str("st"),
        _ => buf.extend(c.to_lowercase()),
    }
}

fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The key of every window of `m` words, in order (none when there are fewer than `m` words).
fn window_keys(words: &[Word], m: usize, mut f: impl FnMut(usize, u64)) {
    if m == 0 || words.len() < m {
        return;
    }
    let top = (1..m).fold(1u64, |p, _| p.wrapping_mul(P)); // P^(m-1)
    let mut h = words[..m]
        .iter()
        .fold(0u64, |h, w| h.wrapping_mul(P).wrapping_add(w.hash));
    let len_salt = (m as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    f(0, fmix(h ^ len_salt));
    for i in 1..=words.len() - m {
        h = h
            .wrapping_sub(words[i - 1].hash.wrapping_mul(top))
            .wrapping_mul(P)
            .wrapping_add(words[i + m - 1].hash);
        f(i, fmix(h ^ len_salt));
    }
}

/// Counts kept with an index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexStats {
    /// Evaluation items added (every non-null text).
    pub items: u64,
    /// Items indexed whole because they have fewer than `n` words.
    pub short_items: u64,
    /// Items with fewer than `min_words` words: too short to index, not matched.
    pub skipped_items: u64,
    /// Distinct grams held.
    pub grams: u64,
}

#[derive(Serialize, Deserialize)]
struct Header {
    n: usize,
    min_words: usize,
    stats: IndexStats,
    short_lens: Vec<usize>,
    names: Vec<String>,
}

/// Where a document overlaps the evaluation texts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    /// Word windows of the document that equal an indexed gram.
    pub windows: u32,
    /// Merged code-point spans `[start, end)` covered by those windows.
    pub spans: Vec<(u32, u32)>,
    /// Indices of the evaluation items matched (the item that first contributed each gram),
    /// sorted, distinct.
    pub items: Vec<u32>,
}

/// The evaluation side: every gram and the item it came from.
#[derive(Clone, Debug)]
pub struct DecontamIndex {
    n: usize,
    min_words: usize,
    grams: AHashMap<u64, u32>,
    short_lens: BTreeSet<usize>,
    names: Vec<String>,
    stats: IndexStats,
}

impl DecontamIndex {
    /// An empty index of `n`-grams; items of `min_words..n` words are indexed whole.
    pub fn new(n: usize, min_words: usize) -> Result<Self> {
        if n == 0 || min_words == 0 || min_words > n {
            return Err(Error::Config(format!(
                "decontamination needs 1 <= min_words <= n, got n={n}, min_words={min_words}"
            )));
        }
        Ok(DecontamIndex {
            n,
            min_words,
            grams: AHashMap::new(),
            short_lens: BTreeSet::new(),
            names: Vec::new(),
            stats: IndexStats::default(),
        })
    }

    #[must_use]
    pub fn n(&self) -> usize {
        self.n
    }

    #[must_use]
    pub fn min_words(&self) -> usize {
        self.min_words
    }

    #[must_use]
    pub fn stats(&self) -> &IndexStats {
        &self.stats
    }

    /// The name of item `i` (`None` for an id this index did not give out).
    #[must_use]
    pub fn name(&self, i: u32) -> Option<&str> {
        self.names.get(i as usize).map(String::as_str)
    }

    /// Adds evaluation items (a null text is skipped and not counted); `names` has one name
    /// per row. Words are found on the core pool; grams are inserted in row order, so the
    /// first item holding a gram is the one reported.
    pub fn add(&mut self, rows: &[Option<&str>], names: &[String]) -> Result<()> {
        if rows.len() != names.len() {
            return Err(Error::Config(format!(
                "{} texts but {} names",
                rows.len(),
                names.len()
            )));
        }
        let per_row = map_rows(rows, |t| {
            t.map(|t| {
                let mut w = Vec::new();
                words(t, &mut w);
                w
            })
        })?;
        for (ws, name) in per_row.iter().zip(names) {
            let Some(ws) = ws else { continue };
            let item = u32::try_from(self.names.len())
                .map_err(|_| Error::Config("more than 2^32 evaluation items".into()))?;
            self.names.push(name.clone());
            self.stats.items += 1;
            let m = if ws.len() >= self.n {
                self.n
            } else if ws.len() >= self.min_words {
                self.stats.short_items += 1;
                self.short_lens.insert(ws.len());
                ws.len()
            } else {
                self.stats.skipped_items += 1;
                continue;
            };
            let grams = &mut self.grams;
            window_keys(ws, m, |_, k| {
                grams.entry(k).or_insert(item);
            });
        }
        self.stats.grams = self.grams.len() as u64;
        Ok(())
    }

    /// Where `text` overlaps the index.
    #[must_use]
    pub fn scan(&self, text: &str) -> Hits {
        let mut ws = Vec::new();
        words(text, &mut ws);
        let mut hits = Hits::default();
        let mut spans = Vec::new();
        let mut items = Vec::new();
        for m in std::iter::once(self.n).chain(self.short_lens.iter().copied()) {
            window_keys(&ws, m, |i, k| {
                if let Some(&item) = self.grams.get(&k) {
                    hits.windows += 1;
                    spans.push((ws[i].start, ws[i + m - 1].end));
                    items.push(item);
                }
            });
        }
        spans.sort_unstable();
        for (s, e) in spans {
            match hits.spans.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => hits.spans.push((s, e)),
            }
        }
        items.sort_unstable();
        items.dedup();
        hits.items = items;
        hits
    }

    /// `scan` of every row on the core pool (None for a null text).
    pub fn scan_rows(&self, rows: &[Option<&str>]) -> Result<Vec<Option<Hits>>> {
        map_rows(rows, |t| t.map(|t| self.scan(t)))
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(&Header {
            n: self.n,
            min_words: self.min_words,
            stats: self.stats.clone(),
            short_lens: self.short_lens.iter().copied().collect(),
            names: self.names.clone(),
        })
        .map_err(|e| Error::Config(e.to_string()))?;
        let mut grams: Vec<(u64, u32)> = self.grams.iter().map(|(&k, &v)| (k, v)).collect();
        grams.sort_unstable();
        let mut body = Vec::with_capacity(8 + grams.len() * 12);
        body.extend_from_slice(&(grams.len() as u64).to_le_bytes());
        for (k, v) in grams {
            body.extend_from_slice(&k.to_le_bytes());
            body.extend_from_slice(&v.to_le_bytes());
        }
        Ok(framed::write(MAGIC, VERSION, &header, &body))
    }

    /// Parses an index file's bytes; every inconsistency is an error naming what is wrong.
    pub fn from_bytes(bytes: &[u8]) -> std::result::Result<Self, String> {
        let (header, body) = framed::read(bytes, MAGIC, VERSION, "decontamination index")?;
        let h: Header = serde_json::from_slice(header).map_err(|e| format!("bad header: {e}"))?;
        let mut idx = DecontamIndex::new(h.n, h.min_words).map_err(|e| e.to_string())?;
        if body.len() < 8 {
            return Err("truncated gram table".into());
        }
        let count = u64::from_le_bytes(body[..8].try_into().map_err(|_| "short")?);
        let rest = &body[8..];
        if u128::from(count) * 12 != rest.len() as u128 {
            return Err(format!(
                "{count} grams do not fit the {} bytes left",
                rest.len()
            ));
        }
        if h.stats.grams != count || h.stats.items != h.names.len() as u64 {
            return Err("header counts disagree with the contents".into());
        }
        if h.short_lens.iter().any(|&m| m < h.min_words || m >= h.n) {
            return Err("short item lengths outside min_words..n".into());
        }
        idx.grams
            .reserve(usize::try_from(count).map_err(|_| "gram count too large".to_string())?);
        let mut prev = None;
        for c in rest.chunks_exact(12) {
            let k = u64::from_le_bytes(c[..8].try_into().map_err(|_| "short")?);
            let v = u32::from_le_bytes(c[8..].try_into().map_err(|_| "short")?);
            if prev.is_some_and(|p| p >= k) {
                return Err("gram keys not sorted".into());
            }
            if u64::from(v) >= h.stats.items {
                return Err(format!(
                    "gram names item {v}, the index has {}",
                    h.stats.items
                ));
            }
            prev = Some(k);
            idx.grams.insert(k, v);
        }
        idx.short_lens = h.short_lens.into_iter().collect();
        idx.names = h.names;
        idx.stats = h.stats;
        Ok(idx)
    }

    /// Writes the index to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        framed::save_atomic(path, &self.to_bytes()?)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let bytes = framed::read_path(path)?;
        Self::from_bytes(&bytes).map_err(|e| Error::BadIndex(format!("{}: {e}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(items: &[&str], n: usize, min_words: usize) -> DecontamIndex {
        let mut idx = DecontamIndex::new(n, min_words).unwrap();
        let rows: Vec<Option<&str>> = items.iter().map(|s| Some(*s)).collect();
        let names: Vec<String> = (0..items.len()).map(|i| format!("q{i}")).collect();
        idx.add(&rows, &names).unwrap();
        idx
    }

    #[test]
    fn words_are_lowercased_alphanumeric_runs_and_cjk_chars() {
        let mut w = Vec::new();
        words("Hello, WORLD! 東京 ok", &mut w);
        let spans: Vec<(u32, u32)> = w.iter().map(|w| (w.start, w.end)).collect();
        assert_eq!(spans, vec![(0, 5), (7, 12), (14, 15), (15, 16), (17, 19)]);
        let mut v = Vec::new();
        words("hello world", &mut v);
        assert_eq!(w[0].hash, v[0].hash);
        assert_eq!(w[1].hash, v[1].hash);
    }

    #[test]
    fn finds_a_planted_gram_with_its_span_and_item() {
        let idx = index(
            &["one two three four five six", "alpha beta gamma delta"],
            4,
            3,
        );
        let doc = "Intro text. Then: THREE four, five six! and more";
        let h = idx.scan(doc);
        assert_eq!(h.windows, 1);
        let (s, e) = h.spans[0];
        let chars: Vec<char> = doc.chars().collect();
        assert_eq!(
            chars[s as usize..e as usize].iter().collect::<String>(),
            "THREE four, five six"
        );
        assert_eq!(h.items, vec![0]);
        assert_eq!(idx.scan("two three four six").windows, 0);
    }

    #[test]
    fn short_items_match_whole_and_tiny_ones_are_counted() {
        let idx = index(&["what is the capital", "yes"], 13, 3);
        assert_eq!(idx.stats().short_items, 1);
        assert_eq!(idx.stats().skipped_items, 1);
        let h = idx.scan("Q: What is the capital of France?");
        assert_eq!((h.windows, h.items.clone()), (1, vec![0]));
        assert_eq!(idx.scan("yes yes yes").windows, 0);
    }

    #[test]
    fn case_folding_and_cjk_punctuation() {
        let idx = index(&["Die Straße ist lang", "天塩山地・夕張山地"], 4, 3);
        assert_eq!(idx.scan("DIE STRASSE IST LANG").windows, 1);
        assert_eq!(idx.scan("天塩山地 夕張山地").windows, 5);
    }

    #[test]
    fn overlapping_windows_merge_into_one_span() {
        let idx = index(&["a b c d e f g"], 3, 3);
        let h = idx.scan("x a b c d e y");
        assert_eq!(h.windows, 3);
        assert_eq!(h.spans, vec![(2, 11)]);
    }

    #[test]
    fn round_trips_and_rejects_damage() {
        let idx = index(&["one two three four five six", "short one here"], 4, 3);
        let bytes = idx.to_bytes().unwrap();
        let back = DecontamIndex::from_bytes(&bytes).unwrap();
        assert_eq!(back.stats(), idx.stats());
        assert_eq!(
            back.scan("two three four five"),
            idx.scan("two three four five")
        );
        assert_eq!(back.scan("a short one here").items, vec![1]);
        let mut bad = bytes.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 1;
        assert!(DecontamIndex::from_bytes(&bad).is_err());
        assert!(DecontamIndex::from_bytes(&bytes[..bytes.len() - 3]).is_err());
        assert!(DecontamIndex::new(3, 5).is_err());
    }
}
