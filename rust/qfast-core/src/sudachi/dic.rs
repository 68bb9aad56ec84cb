//! The Sudachi system dictionary ("`SudachiBinaryDic`" container, format version 1).
//!
//! `new` parses the small tables (header, block list, POS table), validates the block ranges
//! and keeps what tokenizing reads: the connection matrix, the trie, and per trie key its
//! words' lattice fields (the `Lexicon`, built from the word pointers and entries), plus the
//! entries and strings blocks, decoded lazily for the few tokens that need more (splits,
//! normalized forms). The rest of the file's 200 MB is dropped. Every read is
//! bounds-checked, so a truncated or corrupt file gives `Err`, never a panic, and
//! allocations are bounded by what the file itself holds.

use crate::error::{Error, Result};
use crate::narrow::usize64;
use crate::zeroed_table::ZeroedTable;
use std::ops::Range;

/// Old (V0) format version constants: `SudachiPy` 0.7 refuses these files, and so do we.
const V0_VERSIONS: [u64; 5] = [
    0x7366_D3F1_8BD1_11E7,
    0xCE9F_011A_9239_4434,
    0xA50F_3118_8BD2_11E7,
    0x9FDE_B5A9_0168_D868,
    0xCA98_1175_6FF6_4FB0,
];
const MAGIC: &[u8; 16] = b"SudachiBinaryDic";
/// Low 28 bits of a `WordRef` / `WordId` are the entry id.
const ENTRY_MASK: u32 = 0x0FFF_FFFF;

pub(crate) fn bad(msg: impl std::fmt::Display) -> Error {
    Error::BadModel(format!("sudachi system.dic: {msg}"))
}

/// A bounds-checked little-endian cursor over a byte slice.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8], pos: usize) -> Self {
        Reader { buf, pos }
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| bad(format!("truncated: need {n} bytes at offset {}", self.pos)))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.bytes(1)?[0])
    }
    fn i16(&mut self) -> Result<i16> {
        let b = self.bytes(2)?;
        Ok(i16::from_le_bytes([b[0], b[1]]))
    }
    fn u64(&mut self) -> Result<u64> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    /// Unsigned LEB128, at most 10 bytes.
    fn varint64(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7F);
            if i == 9 && bits > 1 {
                return Err(bad("varint overflows 64 bits"));
            }
            v |= bits << (7 * i);
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(bad("varint longer than 10 bytes"))
    }
    fn varint32(&mut self) -> Result<u32> {
        // Fast path: most word-pointer deltas fit in one byte.
        if let Some(&b) = self.buf.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u32::from(b));
            }
        }
        u32::try_from(self.varint64()?).map_err(|_| bad("varint32 out of range"))
    }
    fn utf8_string(&mut self) -> Result<&'a str> {
        let n = usize::try_from(self.varint64()?).map_err(|_| bad("string too long"))?;
        std::str::from_utf8(self.bytes(n)?).map_err(|_| bad("invalid UTF-8 string"))
    }
    fn utf16_string(&mut self) -> Result<String> {
        let n = self.i16()?;
        let n = usize::try_from(n).map_err(|_| bad("negative UTF-16 string length"))?;
        decode_utf16(self.bytes(2 * n)?)
    }
}

fn decode_utf16(b: &[u8]) -> Result<String> {
    let units = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<std::result::Result<String, _>>()
        .map_err(|_| bad("invalid UTF-16 string"))
}

fn read_u32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The 8-byte "word parameter" at the start of an entry, plus its POS id.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WordParams {
    pub left: u16,
    pub right: u16,
    pub cost: i16,
    pub pos: u16,
}

/// A dictionary word as a lattice node needs it, stored contiguously per trie key (see
/// `Lexicon`): one read per key instead of a word-pointer list plus one entry per word.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub(crate) struct LexWord {
    pub left: u16,
    pub right: u16,
    pub cost: i16,
    pub pos: u16,
    /// Entry id in the low 28 bits; the `PUNCT_` class, `SPLITS` and `LAST` above.
    tag: u32,
}

// SAFETY: integers only.
unsafe impl crate::zeroed_table::Zeroable for LexWord {}

/// Moves the `ranges` of `buf` (disjoint) to its front, keeping their order, gives the rest
/// of the memory back, and returns where each range now is.
fn keep_only<const N: usize>(buf: &mut Vec<u8>, ranges: &[Range<usize>; N]) -> [Range<usize>; N] {
    let mut order: [usize; N] = std::array::from_fn(|i| i);
    order.sort_by_key(|&i| ranges[i].start);
    let mut out: [Range<usize>; N] = std::array::from_fn(|_| 0..0);
    let mut at = 0;
    // In file order each range moves down, over nothing that is still to be moved.
    for i in order {
        let r = ranges[i].clone();
        buf.copy_within(r.clone(), at);
        out[i] = at..at + r.len();
        at += r.len();
    }
    // Released in place: a shrinking realloc copies, or leaves the allocator holding the
    // whole block (mimalloc keeps a block that shrinks by up to half).
    buf.truncate(at);
    crate::zeroed_table::release_spare_capacity(buf);
    out
}

/// A double-array unit's child offset (darts-clone layout).
fn trie_offset(u: u32) -> usize {
    ((u >> 10) << ((u & 0x200) >> 6)) as usize
}

/// How many starts `prefix_search_many` walks together.
pub(crate) const MANY_STARTS: usize = 8;

/// Last word of its key's run.
const LAST: u32 = 1 << 31;
/// The entry's A split has two or more parts (or cannot be read): the output step must read
/// the entry. Most words have none, and skipping the read skips a cache miss per token.
const SPLITS: u32 = 1 << 30;
/// The `pos` of a placeholder run of one (no real POS id is this large; its `left` says
/// which): the key has no words, or its word list or one of its entries is corrupt and
/// reading it is an error.
const PLACEHOLDER: u16 = u16::MAX;
const EMPTY_LIST: u16 = 0;
const BAD_LIST: u16 = 1;
/// Bits 28-29 of a word id: what `JoinNumeric` needs of the entry's normalized form.
const PUNCT_SHIFT: u32 = 28;
/// Normalized form neither "," nor "." / exactly "," / exactly "." / not known (read it).
const PUNCT_OTHER: u32 = 0;
const PUNCT_COMMA: u32 = 1;
const PUNCT_PERIOD: u32 = 2;
const PUNCT_UNKNOWN: u32 = 3;

impl LexWord {
    /// The word id a lattice node keeps: the entry id, plus the normalized form's
    /// comma/period class and the `SPLITS` flag above it (read with `entry_id`,
    /// `Dic::norm_comma_or_period` and `split_entry`); bit 31 is clear.
    pub fn word(&self) -> u32 {
        self.tag & !LAST
    }
}

/// The entry id of a word id.
pub(crate) fn entry_id(word: u32) -> u32 {
    word & ENTRY_MASK
}

/// The entry whose A split the output must read, if the word id's entry has one.
pub(crate) fn split_entry(word: u32) -> Option<u32> {
    (word & SPLITS != 0).then_some(entry_id(word))
}

/// The `PUNCT_` class a word id carries.
fn punct_class(word: u32) -> u32 {
    (word >> PUNCT_SHIFT) & 3
}

/// Where the lattice's hot reads go, copied out of the file at load (on huge pages where
/// Linux offers them: the reads land anywhere in ~120 MB, and with 4 KiB pages most of them
/// would also miss the TLB).
struct Lexicon {
    /// Double-array units; each value unit holds the index of its key's first `LexWord`.
    trie: ZeroedTable<u32>,
    /// Per key, its words in entry order, less those that can never be on a best path:
    /// a word with the same connection ids as an earlier-or-cheaper one of the same key has
    /// the same span and a total no lower, so it never wins a tie (the first-inserted does).
    words: ZeroedTable<LexWord>,
    /// The connection matrix (row = next node's left id).
    conn: ZeroedTable<i16>,
    /// Each row's smallest cost: a bound that lets Viterbi skip most cells.
    row_min: Vec<i16>,
}

pub(crate) struct Dic {
    /// The file's Entries and Strings blocks (the rest of the file is dropped after load).
    buf: Vec<u8>,
    lex: Lexicon,
    /// Length of a matrix row: the previous node's `right_id` indexes within a row.
    num_left: usize,
    /// Number of rows: the next node's `left_id` selects the row.
    num_right: usize,
    /// Where those blocks are in `buf`.
    entries: Range<usize>,
    strings: Range<usize>,
    /// POS table: six fields per POS, the POS id is the index.
    pub pos: Vec<[String; 6]>,
}

impl Dic {
    pub fn new(buf: Vec<u8>) -> Result<Dic> {
        let mut r = Reader::new(&buf, 0);
        let first = r.u64()?;
        if V0_VERSIONS.contains(&first) {
            return Err(bad(
                "old (V0) dictionary format; SudachiPy 0.7 needs sudachidict >= 20260723.1",
            ));
        }
        let mut r = Reader::new(&buf, 0);
        if r.bytes(16)? != MAGIC {
            return Err(bad("bad magic (not a SudachiBinaryDic file)"));
        }
        let version = r.u64()?;
        if version != 1 {
            return Err(bad(format!("unsupported format version {version}")));
        }
        let _ctime = r.u64()?;
        let _flags = r.u64()?;
        let _comment = r.utf8_string()?;
        let _signature = r.utf8_string()?;
        let reference = r.utf8_string()?;
        if !reference.is_empty() {
            return Err(bad("this is a user dictionary, not a system dictionary"));
        }
        let _num_indexed = r.varint32()?;
        let _num_total = r.varint32()?;
        let nblocks = r.varint32()?;
        let mut blocks: Vec<(String, Range<usize>)> = Vec::new();
        for _ in 0..nblocks {
            let name = r.utf8_string()?.to_owned();
            let start = r.varint64()?;
            let size = r.varint64()?;
            let end = start
                .checked_add(size)
                .filter(|&e| e <= buf.len() as u64)
                .ok_or_else(|| bad(format!("block {name:?} extends past the end of the file")))?;
            blocks.push((name, usize64(start)..usize64(end)));
        }
        let block = |name: &str| -> Result<Range<usize>> {
            blocks
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, r)| r.clone())
                .ok_or_else(|| bad(format!("missing block {name:?}")))
        };

        // Connection matrix: i16 num_left, i16 num_right, then num_left * num_right i16.
        let cm = block("ConnMatrix")?;
        let mut r = Reader::new(&buf[cm.clone()], 0);
        let num_left = usize::try_from(r.i16()?).map_err(|_| bad("negative matrix size"))?;
        let num_right = usize::try_from(r.i16()?).map_err(|_| bad("negative matrix size"))?;
        let need = 4 + 2 * num_left * num_right;
        if cm.len() < need {
            return Err(bad(format!(
                "connection matrix block is {} bytes, needs {need}",
                cm.len()
            )));
        }
        let matrix = cm.start + 4..cm.start + need;

        // POS table.
        let pb = block("POS")?;
        let mut r = Reader::new(&buf[pb], 0);
        let npos = usize::try_from(r.i16()?).map_err(|_| bad("negative POS count"))?;
        let mut pos = Vec::with_capacity(npos.min(r.buf.len() / 12));
        for _ in 0..npos {
            let mut t: [String; 6] = Default::default();
            for f in &mut t {
                *f = r.utf16_string()?;
            }
            pos.push(t);
        }

        let trie = block("TrieIndex")?;
        if trie.len() < 4 || trie.len() % 4 != 0 {
            return Err(bad("trie block size is not a positive multiple of 4"));
        }
        let word_ptrs = block("WordPointers")?;
        let entries = block("Entries")?;
        let strings = block("Strings")?;
        let mut dic = Dic {
            buf: Vec::new(),
            lex: Lexicon {
                trie: ZeroedTable::new(0),
                words: ZeroedTable::new(0),
                row_min: Vec::new(),
                conn: ZeroedTable::new(0),
            },
            num_left,
            num_right,
            entries: entries.clone(),
            strings: strings.clone(),
            pos,
        };
        // Built in an order that keeps the peak low: the lexicon from the whole file, then
        // only the matrix, entries and strings are kept while the matrix is decoded, then
        // only the entries and strings.
        dic.buf = buf;
        let (trie_units, words) = dic.lexicon_units(&dic.buf[trie], &dic.buf[word_ptrs]);
        dic.lex.trie = trie_units;
        dic.lex.words = ZeroedTable::from_slice(&words);
        drop(words);
        let [matrix, entries, strings] = keep_only(&mut dic.buf, &[matrix, entries, strings]);
        (dic.entries, dic.strings) = (entries, strings);
        let mut conn = ZeroedTable::new(num_left * num_right);
        for (cell, c) in conn.iter_mut().zip(dic.buf[matrix].chunks_exact(2)) {
            *cell = i16::from_le_bytes([c[0], c[1]]);
        }
        dic.lex.row_min = conn
            .chunks(num_left.max(1))
            .map(|row| row.iter().copied().min().unwrap_or(0))
            .collect();
        dic.lex.conn = conn;
        let [entries, strings] =
            keep_only(&mut dic.buf, &[dic.entries.clone(), dic.strings.clone()]);
        (dic.entries, dic.strings) = (entries, strings);
        Ok(dic)
    }

    /// The trie's units, each value unit pointing at its key's run of `LexWord`s, and the runs,
    /// built from the word-pointer list and entries the key named. A list or entry that cannot
    /// be read becomes a `BAD_LIST` placeholder: the error surfaces when a text reaches that
    /// key, as it would reading the file lazily.
    fn lexicon_units(&self, trie: &[u8], word_ptrs: &[u8]) -> (ZeroedTable<u32>, Vec<LexWord>) {
        let mut units = ZeroedTable::new(trie.len() / 4);
        for (u, c) in units.iter_mut().zip(trie.chunks_exact(4)) {
            *u = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        let bad = LexWord {
            left: BAD_LIST,
            right: 0,
            cost: 0,
            pos: PLACEHOLDER,
            tag: LAST,
        };
        // Run 0: a corrupt list, for keys past what the value bits can index (never in a real
        // file), so no key is left pointing at the wrong words.
        let mut words: Vec<LexWord> = vec![bad];
        let mut ids = Vec::new();
        let mut run: Vec<LexWord> = Vec::new();
        let mut parts = Vec::new();
        for u in units.iter_mut() {
            // Only value units have bit 31 set (darts-clone layout).
            if *u & 0x8000_0000 == 0 {
                continue;
            }
            let Some(at) = u32::try_from(words.len()).ok().filter(|&a| a < 0x8000_0000) else {
                *u = 0x8000_0000;
                continue;
            };
            run.clear();
            let ok = Self::word_ids_at(word_ptrs, *u & 0x7FFF_FFFF, &mut ids).is_ok()
                && ids.iter().all(|&eid| match self.params(eid) {
                    Ok(p) => {
                        let punct = match self.normalized_ascii(eid) {
                            Ok(Some(b',')) => PUNCT_COMMA,
                            Ok(Some(b'.')) => PUNCT_PERIOD,
                            Ok(_) => PUNCT_OTHER,
                            Err(_) => PUNCT_UNKNOWN,
                        };
                        let splits = match self.split_a(eid, &mut parts) {
                            Ok(()) if parts.len() < 2 => 0,
                            _ => SPLITS,
                        };
                        run.push(LexWord {
                            left: p.left,
                            right: p.right,
                            cost: p.cost,
                            pos: p.pos,
                            tag: (eid & ENTRY_MASK) | punct << PUNCT_SHIFT | splits,
                        });
                        true
                    }
                    Err(_) => false,
                });
            if !ok || run.is_empty() {
                words.push(LexWord {
                    left: if ok { EMPTY_LIST } else { BAD_LIST },
                    ..bad
                });
            } else {
                let first = words.len();
                for (i, w) in run.iter().enumerate() {
                    let beaten = run.iter().enumerate().any(|(j, o)| {
                        j != i
                            && (o.left, o.right) == (w.left, w.right)
                            && (o.cost < w.cost || (o.cost == w.cost && j < i))
                    });
                    if !beaten {
                        words.push(*w);
                    }
                }
                if let Some(w) = words[first..].last_mut() {
                    w.tag |= LAST;
                }
            }
            *u = 0x8000_0000 | at;
        }
        (units, words)
    }

    /// Whether (`left_id`, `right_id`) of a node can index the matrix.
    pub fn ids_ok(&self, left: u16, right: u16) -> bool {
        (left as usize) < self.num_right && (right as usize) < self.num_left
    }

    /// The matrix row a node with left id `next_left` reads (indexed by the previous node's
    /// right id); empty for an id outside the matrix (checked at load, so never).
    #[inline]
    pub fn conn_row(&self, next_left: u16) -> &[i16] {
        let a = next_left as usize * self.num_left;
        self.lex.conn.get(a..a + self.num_left).unwrap_or(&[])
    }

    /// The smallest cost in `conn_row(next_left)` (0 for an id outside the matrix).
    #[inline]
    pub fn row_min(&self, next_left: u16) -> i16 {
        self.lex
            .row_min
            .get(next_left as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Common-prefix search of the trie over `bytes[start..]`: pushes (key, end) pairs,
    /// shortest first; `words(key)` gives the key's words. A corrupt trie just ends the search
    /// early.
    pub fn prefix_search(&self, bytes: &[u8], start: usize, out: &mut Vec<(u32, usize)>) {
        out.clear();
        let Some(mut node) = self.trie_root() else {
            return;
        };
        for (i, &k) in bytes.iter().enumerate().skip(start) {
            match self.trie_step(node, k) {
                Some((next, key)) => {
                    node = next;
                    out.extend(key.map(|key| (key, i + 1)));
                }
                None => return,
            }
        }
    }

    fn trie_root(&self) -> Option<usize> {
        self.lex.trie.first().map(|&u| trie_offset(u))
    }

    /// One byte of a walk from `node`: the next node and the key ending there, if any; None
    /// when no key continues with `k` (or the trie is corrupt). A key's words are read once
    /// the walk ends: they start loading now.
    #[inline]
    fn trie_step(&self, node: usize, k: u8) -> Option<(usize, Option<u32>)> {
        let trie = &self.lex.trie[..];
        let node = node ^ k as usize;
        let u = *trie.get(node)?;
        if u & 0x8000_00FF != u32::from(k) {
            return None;
        }
        let node = node ^ trie_offset(u);
        if u & 0x100 == 0 {
            return Some((node, None));
        }
        let key = trie.get(node)? & 0x7FFF_FFFF;
        if let Some(w) = self.lex.words.get(key as usize) {
            crate::prefetch::prefetch(w);
        }
        Some((node, Some(key)))
    }

    /// `prefix_search` from up to `MANY_STARTS` starts at once: `found[j]` gets the matches
    /// from `starts[j]`. The walks advance one byte per round, in turn, so the trie reads of
    /// different starts overlap (a single walk is a chain of dependent loads).
    pub fn prefix_search_many(
        &self,
        bytes: &[u8],
        starts: &[usize],
        found: &mut [Vec<(u32, usize)>; MANY_STARTS],
    ) {
        let mut node = [0usize; MANY_STARTS];
        let mut at = [0usize; MANY_STARTS];
        let mut live = [0usize; MANY_STARTS];
        let mut n_live = 0;
        let root = self.trie_root();
        for (j, &s) in starts.iter().take(MANY_STARTS).enumerate() {
            found[j].clear();
            if let Some(r) = root {
                (node[j], at[j], live[n_live]) = (r, s, j);
                n_live += 1;
            }
        }
        while n_live > 0 {
            let mut kept = 0;
            for x in 0..n_live {
                let j = live[x];
                let Some(&k) = bytes.get(at[j]) else { continue };
                let Some((next, key)) = self.trie_step(node[j], k) else {
                    continue;
                };
                at[j] += 1;
                found[j].extend(key.map(|key| (key, at[j])));
                node[j] = next;
                live[kept] = j;
                kept += 1;
            }
            n_live = kept;
        }
    }

    /// The words of a key found by `prefix_search` (lattice-node fields and entry ids).
    pub fn words(&self, key: u32) -> Result<&[LexWord]> {
        let all = &self.lex.words[..];
        let from = key as usize;
        let Some(len) = all
            .get(from..)
            .and_then(|r| r.iter().position(|w| w.tag & LAST != 0))
        else {
            return Err(bad(format!("trie value {key} out of range")));
        };
        let run = &all[from..=from + len];
        match run[0] {
            w if w.pos != PLACEHOLDER => Ok(run),
            w if w.left == EMPTY_LIST => Ok(&[]),
            _ => Err(bad(format!("word list of trie value {key} is corrupt"))),
        }
    }

    /// Entry ids of the word-pointer list at byte `off` of the `WordPointers` block.
    fn word_ids_at(word_ptrs: &[u8], off: u32, out: &mut Vec<u32>) -> Result<()> {
        out.clear();
        let mut r = Reader::new(word_ptrs, off as usize);
        let n = r.varint32()?;
        let mut id: u32 = 0;
        for _ in 0..n {
            id = id
                .checked_add(r.varint32()?)
                .ok_or_else(|| bad("word id overflow"))?;
            out.push(id);
        }
        Ok(())
    }

    fn entry(&self, eid: u32, len: usize) -> Result<&[u8]> {
        let e = &self.buf[self.entries.clone()];
        let off = (eid & ENTRY_MASK) as usize * 8;
        e.get(off..off + len)
            .ok_or_else(|| bad(format!("entry {eid} out of range")))
    }

    pub fn params(&self, eid: u32) -> Result<WordParams> {
        let b = self.entry(eid, 8)?;
        let p = WordParams {
            left: i16::from_le_bytes([b[0], b[1]]) as u16,
            right: i16::from_le_bytes([b[2], b[3]]) as u16,
            cost: i16::from_le_bytes([b[4], b[5]]),
            pos: i16::from_le_bytes([b[6], b[7]]) as u16,
        };
        if !self.ids_ok(p.left, p.right) || p.pos as usize >= self.pos.len() {
            return Err(bad(format!("entry {eid} has out-of-range ids")));
        }
        Ok(p)
    }

    /// POS id of an entry. Split parts may be non-indexed entries whose connection ids are
    /// -1 (never lattice nodes), so this does not validate them.
    pub fn pos_of(&self, eid: u32) -> Result<u16> {
        let b = self.entry(eid, 8)?;
        let pos = i16::from_le_bytes([b[6], b[7]]) as u16;
        if pos as usize >= self.pos.len() {
            return Err(bad(format!("entry {eid} has an out-of-range POS id")));
        }
        Ok(pos)
    }

    /// UTF-8 byte length of the entry's trie key: where a split part ends.
    pub fn index_form_len(&self, eid: u32) -> Result<usize> {
        let b = self.entry(eid, 26)?;
        usize::try_from(i16::from_le_bytes([b[24], b[25]]))
            .map_err(|_| bad(format!("entry {eid} has a negative index form length")))
    }

    /// The A-split `WordRefs` (as entry ids) of an entry; a negative length means "same as the
    /// previous level" (A = B, B = C).
    pub fn split_a(&self, eid: u32, out: &mut Vec<u32>) -> Result<()> {
        out.clear();
        let h = self.entry(eid, 32)?;
        let (cl, bl, al) = (h[26] as i8, h[27] as i8, h[28] as i8);
        let clen = cl.max(0) as usize;
        let blen = bl.max(0) as usize;
        let alen = al.max(0) as usize;
        let full = self.entry(eid, 32 + 4 * (clen + blen + alen))?;
        let list = |start: usize, n: usize| (0..n).map(move |k| start + 4 * k);
        let (start, n) = match (al, bl) {
            (a, _) if a > 0 => (32 + 4 * (clen + blen), alen),
            (0, _) => (32, 0),
            (_, b) if b > 0 => (32 + 4 * clen, blen),
            (_, 0) => (32, 0),
            _ => (32, clen),
        };
        for o in list(start, n) {
            let v = read_u32(full, o).ok_or_else(|| bad("split list out of range"))?;
            out.push(v & ENTRY_MASK);
        }
        Ok(())
    }

    /// (length, offset) in UTF-16 units of an encoded string pointer.
    fn string_ptr(enc: u32) -> (usize, usize) {
        let base = enc >> 27;
        if base <= 19 {
            (base as usize, (enc & 0x07FF_FFFF) as usize)
        } else {
            let k = base - 19;
            let len = 19 + (((enc & 0x07FF_0000) >> (28 - k)) | (1 << (k - 1)));
            let off = (enc & (0x07FF_FFFF >> (k - 1))) << (k - 1);
            (len as usize, off as usize)
        }
    }

    fn string_units(&self, enc: u32) -> Result<&[u8]> {
        let (len, off) = Self::string_ptr(enc);
        let s = &self.buf[self.strings.clone()];
        s.get(2 * off..2 * (off + len))
            .ok_or_else(|| bad("string pointer out of range"))
    }

    /// The normalized form's headword pointer of an entry.
    fn norm_ptr(&self, eid: u32) -> Result<u32> {
        let b = self.entry(eid, 20)?;
        let norm = u32::from_le_bytes([b[16], b[17], b[18], b[19]]) & ENTRY_MASK;
        let h = self.entry(norm, 12)?;
        Ok(u32::from_le_bytes([h[8], h[9], h[10], h[11]]))
    }

    /// The normalized form of an entry (headword of its normalized-form entry).
    pub fn normalized(&self, eid: u32) -> Result<String> {
        decode_utf16(self.string_units(self.norm_ptr(eid)?)?)
    }

    /// `Some(b',')` / `Some(b'.')` when the normalized form of a word id's entry is exactly
    /// that, else None: all `JoinNumeric` asks of most nodes, known from the load.
    pub fn norm_comma_or_period(&self, word: u32) -> Result<Option<u8>> {
        Ok(match punct_class(word) {
            PUNCT_COMMA => Some(b','),
            PUNCT_PERIOD => Some(b'.'),
            PUNCT_UNKNOWN => self
                .normalized_ascii(entry_id(word))?
                .filter(|&b| b == b',' || b == b'.'),
            _ => None,
        })
    }

    /// The normalized form as one ASCII byte, if it is exactly one ASCII character (read
    /// without decoding the string).
    pub fn normalized_ascii(&self, eid: u32) -> Result<Option<u8>> {
        let u = self.string_units(self.norm_ptr(eid)?)?;
        Ok(match u {
            [lo, 0] if *lo < 0x80 => Some(*lo),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_pointer_decoding() {
        assert_eq!(Dic::string_ptr((3 << 27) | 0x64), (3, 100));
        // base 21 (k = 2): length 19 + ((bits 26..) | 2), offset = low 26 bits << 1
        let enc = (21u32 << 27) | (1 << 26) | 5;
        assert_eq!(Dic::string_ptr(enc), (22, 10));
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for len in 0..80 {
            let mut b = MAGIC.to_vec();
            b.extend_from_slice(&1u64.to_le_bytes());
            b.resize(len.max(b.len()), 0xFF);
            b.truncate(len);
            assert!(Dic::new(b).is_err());
        }
        assert!(Dic::new(V0_VERSIONS[0].to_le_bytes().repeat(40)).is_err());
        // Huge varint block sizes must not allocate.
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&1u64.to_le_bytes());
        b.extend_from_slice(&[0; 16]);
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x0F]);
        assert!(Dic::new(b).is_err());
    }

    #[test]
    fn word_ids_carry_entry_split_and_punct_independently() {
        for eid in [0, 1, ENTRY_MASK] {
            for punct in [PUNCT_OTHER, PUNCT_COMMA, PUNCT_PERIOD, PUNCT_UNKNOWN] {
                for splits in [0, SPLITS] {
                    let w = LexWord {
                        left: 0,
                        right: 0,
                        cost: 0,
                        pos: 0,
                        tag: eid | punct << PUNCT_SHIFT | splits | LAST,
                    }
                    .word();
                    assert_eq!(entry_id(w), eid);
                    assert_eq!(punct_class(w), punct);
                    assert_eq!(split_entry(w), (splits != 0).then_some(eid));
                    assert_eq!(w >> 31, 0, "bit 31 tells dictionary words from OOV/BOS");
                }
            }
        }
    }

    #[test]
    fn keep_only_moves_ranges_to_the_front() {
        let mut b: Vec<u8> = (0..100).collect();
        let [x, y, z] = keep_only(&mut b, &[60..70, 10..15, 80..100]);
        assert_eq!((x.clone(), y.clone(), z.clone()), (5..15, 0..5, 15..35));
        assert_eq!(b.len(), 35);
        assert_eq!(b[x], (60..70).collect::<Vec<u8>>()[..]);
        assert_eq!(b[y], [10, 11, 12, 13, 14]);
        assert_eq!(b[z], (80..100).collect::<Vec<u8>>()[..]);
    }

    #[test]
    fn varint_limits() {
        let b = [0xFFu8; 12];
        assert!(Reader::new(&b, 0).varint64().is_err());
        let b = [0x80, 0x01];
        assert_eq!(Reader::new(&b, 0).varint64().unwrap(), 128);
    }
}
