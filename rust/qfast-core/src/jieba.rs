//! Chinese word segmentation as jieba 0.42 cuts by default (`jieba.cut(text)`: accurate mode,
//! HMM on), from jieba's own dictionary and HMM tables (handed over by the caller, e.g. read from
//! the installed `jieba` package; nothing is bundled or downloaded):
//!
//! 1. the text splits into runs of `[\u4E00-\u9FD5a-zA-Z0-9+#&._%-]` and other text; other text
//!    comes out one character at a time (`\r\n` and whitespace characters as they are);
//! 2. a run is cut by the most probable path through the DAG of dictionary words
//!    (`log(freq or 1) - log(total)`, ties to the longer word);
//! 3. consecutive single characters the path leaves, when not a dictionary word themselves, go
//!    through the B/M/E/S HMM (Viterbi, jieba's tie order), Han characters only; letters and
//!    digits (`[a-zA-Z0-9]+(\.\d+)?%?`) and the rest split around them.
//!
//! Floating-point sums follow jieba's order, so ties and near-ties resolve as in Python.

use ahash::AHashMap;

use crate::error::{Error, Result};
use crate::narrow::{doc32, id32, low32};
use crate::prefetch::prefetch;
use crate::pytext::is_decimal;

const MIN_FLOAT: f64 = -3.14e100;
/// HMM states in jieba's character order (ties in `max` go to the later one): B, E, M, S.
const B: usize = 0;
const E: usize = 1;
const M: usize = 2;
const S: usize = 3;
/// Possible previous states of each state (jieba's `PrevStatus`).
const PREV: [[usize; 2]; 4] = [[E, S], [B, M], [M, B], [S, E]];

/// jieba's prefix dictionary (`FREQ`: every word, and every prefix of a word at 0) as a
/// character trie laid out for `get_DAG`'s walk (`while frag in FREQ`): the first step is an
/// array index by character, every later step one probe of a flat open-addressing table of
/// `u64` slots. A node is the index of the slot holding its incoming edge, and the slot also
/// says whether the node is a word, so a step costs one cache miss in an 8 MB table (a general
/// hash map took two or three); the word's `log(freq) - log(total)` comes from a small table of
/// the distinct frequencies.
struct Trie {
    /// Root edges by character (below `ROOT_CHARS`): `(child, word)`, child `NO_NODE` = none.
    root: Vec<(u32, u32)>,
    /// Edge slots: char (bits 0..21), parent node (21..44), word code (44..64); `EMPTY` = free.
    slots: Vec<u64>,
    mask: usize,
    /// `log(freq) - log(total)` of each distinct frequency; a word code `w > 0` is `logp[w - 1]`.
    logp: Vec<f64>,
    /// One bit per hashed edge key (8 Mbit, 1 MB: stays in L2 where the 8 MB table does not);
    /// a clear bit means no such edge, which ends most walks without touching `slots`.
    edge_bits: Vec<u64>,
}

const EDGE_BITS_LOG2: u32 = 23;

fn edge_bit(key: u64) -> usize {
    (key.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> (64 - EDGE_BITS_LOG2)) as usize
}

const ROOT_CHARS: usize = 0xA000;
const EMPTY: u64 = u64::MAX;
const NODE_BITS: u32 = 23;
const KEY_BITS: u32 = 21 + NODE_BITS;
const KEY_MASK: u64 = (1 << KEY_BITS) - 1;
/// The root's node id (the all-ones id is left to `EMPTY`).
const ROOT: u32 = (1 << NODE_BITS) - 2;
const NO_NODE: u32 = u32::MAX;
const MAX_WORD_CODE: usize = (1 << (64 - KEY_BITS)) - 1;

fn slot_key(node: u32, c: char) -> u64 {
    (u64::from(node) << 21) | u64::from(c as u32)
}

fn slot_hash(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize
}

impl Trie {
    /// From the last frequency listed for each word (a later line wins, as in jieba).
    fn new(words: &AHashMap<&str, u64>, log_total: f64) -> Result<Trie> {
        let mut freqs: Vec<u64> = words.values().copied().filter(|&f| f > 0).collect();
        freqs.sort_unstable();
        freqs.dedup();
        if freqs.len() > MAX_WORD_CODE {
            return Err(Error::Config(format!(
                "jieba dictionary: more than {MAX_WORD_CODE} distinct frequencies"
            )));
        }
        let logp = freqs.iter().map(|&f| (f as f64).ln() - log_total).collect();
        // Build as (parent, char) -> child with provisional ids, then lay the edges out parents
        // first, so that a child's id (its slot) is known before its own edges go in.
        let mut edges: AHashMap<(u32, char), u32> = AHashMap::new();
        let mut code: Vec<u32> = vec![0];
        for (w, &f) in words {
            let mut node = 0u32;
            for c in w.chars() {
                node = *edges.entry((node, c)).or_insert_with(|| {
                    code.push(0);
                    id32(code.len() - 1) // trie nodes of the dictionary
                });
            }
            if f > 0 {
                code[node as usize] = freqs.binary_search(&f).map_or(0, |i| id32(i) + 1);
            }
        }
        let cap = (edges.len() * 2).next_power_of_two().max(16);
        if cap >= ROOT as usize {
            return Err(Error::Config(format!(
                "jieba dictionary: {} trie edges is more than this layout holds",
                edges.len()
            )));
        }
        let mut children: Vec<(u32, char, u32)> =
            edges.iter().map(|(&(p, c), &ch)| (p, c, ch)).collect();
        children.sort_unstable();
        let mut t = Trie {
            root: vec![(NO_NODE, 0); ROOT_CHARS],
            slots: vec![EMPTY; cap],
            mask: cap - 1,
            logp,
            edge_bits: vec![0; 1 << (EDGE_BITS_LOG2 - 6)],
        };
        // Provisional id -> final id, filled breadth first from the root.
        let mut id = vec![NO_NODE; code.len()];
        id[0] = ROOT;
        let mut queue = std::collections::VecDeque::from([0u32]);
        while let Some(p) = queue.pop_front() {
            let from = children.partition_point(|e| e.0 < p);
            for &(_, c, ch) in children[from..].iter().take_while(|e| e.0 == p) {
                let word = code[ch as usize];
                id[ch as usize] = if p == 0 && (c as usize) < ROOT_CHARS {
                    // Root edges in the array: the child still needs an id of its own.
                    let i = t.free_slot(slot_key(ROOT, c));
                    t.slots[i] = (u64::from(word) << KEY_BITS) | slot_key(ROOT, c);
                    t.root[c as usize] = (id32(i), word); // slots: a table sized for the dictionary
                    id32(i)
                } else {
                    let key = slot_key(id[p as usize], c);
                    let b = edge_bit(key);
                    t.edge_bits[b >> 6] |= 1 << (b & 63);
                    let i = t.free_slot(key);
                    t.slots[i] = (u64::from(word) << KEY_BITS) | key;
                    id32(i)
                };
                queue.push_back(ch);
            }
        }
        Ok(t)
    }

    fn free_slot(&self, key: u64) -> usize {
        let mut i = slot_hash(key) & self.mask;
        while self.slots[i] != EMPTY {
            i = (i + 1) & self.mask;
        }
        i
    }

    /// The edge from `node` by `c`: `(child, word code)`.
    #[inline]
    fn step(&self, node: u32, c: char) -> Option<(u32, u32)> {
        if self.may_have(node, c) {
            self.step_may(node, c)
        } else {
            None
        }
    }

    /// `step` for an edge `may_have` allows (the walks ask it first, then prefetch).
    #[inline]
    fn step_may(&self, node: u32, c: char) -> Option<(u32, u32)> {
        if node == ROOT && (c as usize) < ROOT_CHARS {
            let e = self.root[c as usize];
            return (e.0 != NO_NODE).then_some(e);
        }
        let key = slot_key(node, c);
        let mut i = slot_hash(key) & self.mask;
        loop {
            let s = self.slots[i];
            if s & KEY_MASK == key {
                return Some((id32(i), low32(s >> KEY_BITS)));
            }
            if s == EMPTY {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Whether the edge from `node` by `c` may exist (false: `step` gives `None`).
    #[inline]
    fn may_have(&self, node: u32, c: char) -> bool {
        if node == ROOT && (c as usize) < ROOT_CHARS {
            return true;
        }
        let b = edge_bit(slot_key(node, c));
        self.edge_bits[b >> 6] & (1 << (b & 63)) != 0
    }

    /// Starts loading the bitset word `may_have(node, c)` reads.
    #[inline]
    fn prefetch_bits(&self, node: u32, c: char) {
        if let Some(w) = self.edge_bits.get(edge_bit(slot_key(node, c)) >> 6) {
            prefetch(w);
        }
    }

    /// Starts loading the slot `step(node, c)` probes first.
    #[inline]
    fn prefetch(&self, node: u32, c: char) {
        if let Some(s) = self.slots.get(slot_hash(slot_key(node, c)) & self.mask) {
            prefetch(s);
        }
    }

    /// Whether `FREQ.get(s)` is above 0.
    fn is_word(&self, s: &str) -> bool {
        let mut e = (ROOT, 0u32);
        for c in s.chars() {
            match self.step(e.0, c) {
                Some(x) => e = x,
                None => return false,
            }
        }
        e.1 != 0
    }
}

/// Per-thread buffers of `cut_dag`, kept between documents.
#[derive(Default)]
struct Scratch {
    at: Vec<usize>,
    chars: Vec<char>,
    found: Vec<(u32, u32, f64)>,
    walks: Vec<(u32, u32)>,
    next: Vec<(u32, u32)>,
    live: Vec<(u32, u32)>,
    cursor: Vec<usize>,
    first: Vec<usize>,
    ends: Vec<(usize, f64)>,
    route: Vec<(f64, usize)>,
    hmm: Hmm,
}

/// Buffers of `viterbi_cut`.
#[derive(Default)]
struct Hmm {
    chars: Vec<(usize, char)>,
    back: Vec<[u8; 4]>,
    tags: Vec<usize>,
}

/// Characters of scratch capacity kept after a document.
const SCRATCH_KEEP: usize = 1 << 20;

thread_local! {
    // Boxed: thread-local storage of an extension module is scarce (a dlopen'ed library that
    // needs static TLS, e.g. torch's libgomp, fails once it runs out).
    static SCRATCH: std::cell::RefCell<Box<Scratch>> = std::cell::RefCell::default();
}

/// jieba's dictionary and HMM.
pub struct Jieba {
    freq: Trie,
    log_total: f64,
    start: [f64; 4],
    /// `trans[from][to]` (`-inf` where jieba has no entry).
    trans: [[f64; 4]; 4],
    /// Per char, its emission log probability in each state (`MIN_FLOAT` where jieba has none):
    /// one lookup per char instead of one per state.
    emit: AHashMap<char, [f64; 4]>,
}

#[inline]
fn han_default(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FD5}' | 'a'..='z' | 'A'..='Z' | '0'..='9')
        || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
}

#[inline]
fn han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FD5}')
}

fn state(name: &str) -> Result<usize> {
    Ok(match name {
        "B" => B,
        "E" => E,
        "M" => M,
        "S" => S,
        _ => return Err(Error::Config(format!("unknown HMM state {name:?}"))),
    })
}

impl Jieba {
    /// From `dict.txt`'s text (`word freq [tag]` per line) and the HMM's start, transition and
    /// emission log probabilities keyed by state name.
    pub fn new(
        dict: &str,
        start: &[(String, f64)],
        trans: &[(String, String, f64)],
        emit: &[(String, Vec<(char, f64)>)],
    ) -> Result<Self> {
        let mut words: AHashMap<&str, u64> = AHashMap::new();
        let mut total = 0u64;
        for (n, line) in dict.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split(' ');
            let (Some(word), Some(f)) = (parts.next(), parts.next()) else {
                return Err(Error::Config(format!(
                    "jieba dictionary line {}: {line:?}",
                    n + 1
                )));
            };
            let f: u64 = f.parse().map_err(|_| {
                Error::Config(format!(
                    "jieba dictionary line {}: bad frequency {f:?}",
                    n + 1
                ))
            })?;
            words.insert(word, f);
            // Saturating: a forged frequency must give an error or a model, not an overflow.
            total = total.saturating_add(f);
        }
        if total == 0 {
            return Err(Error::Config("the jieba dictionary is empty".into()));
        }
        let mut s = [MIN_FLOAT; 4];
        for (k, v) in start {
            s[state(k)?] = *v;
        }
        let mut t = [[f64::NEG_INFINITY; 4]; 4];
        for (a, b, v) in trans {
            t[state(a)?][state(b)?] = *v;
        }
        let mut e: AHashMap<char, [f64; 4]> = AHashMap::new();
        for (k, table) in emit {
            let st = state(k)?;
            for &(c, p) in table {
                e.entry(c).or_insert([MIN_FLOAT; 4])[st] = p;
            }
        }
        let log_total = (total as f64).ln();
        Ok(Jieba {
            freq: Trie::new(&words, log_total)?,
            log_total,
            start: s,
            trans: t,
            emit: e,
        })
    }

    /// The words of `text`, as `jieba.cut(text)` gives them.
    #[must_use]
    pub fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        SCRATCH.with(|sc| self.cut_with(text, &mut sc.borrow_mut()))
    }

    fn cut_with<'a>(&self, text: &'a str, sc: &mut Scratch) -> Vec<&'a str> {
        let mut out = Vec::new();
        for (in_han, blk) in runs(text, han_default) {
            if in_han {
                self.cut_dag(blk, sc, &mut out);
            } else {
                let mut it = blk.char_indices().peekable();
                while let Some((i, ch)) = it.next() {
                    if ch == '\r' && it.peek().map(|p| p.1) == Some('\n') {
                        it.next();
                        out.push(&blk[i..i + 2]);
                    } else {
                        out.push(&blk[i..i + ch.len_utf8()]);
                    }
                }
            }
        }
        if sc.chars.capacity() > SCRATCH_KEEP {
            // Do not hold on to the buffers of one huge document.
            *sc = Scratch::default();
        }
        out
    }

    /// jieba's DAG of `sc.chars`: for each start k, the ends (inclusive) of dictionary words
    /// with their `log(freq) - log(total)`, ascending, in `sc.ends[sc.first[k]..sc.first[k + 1]]`;
    /// a start no word begins at gets the character alone at `log(0 or 1) - log(total)` (its
    /// frequency cannot be above 0: it would be a word).
    ///
    /// The walks from all starts advance one character per round, so that the table probes of
    /// one round are independent and their cache misses overlap (prefetched first); one walk
    /// at a time would wait for each miss in turn.
    fn dag(&self, sc: &mut Scratch) {
        let chars = &sc.chars;
        let n = chars.len();
        let t = &self.freq;
        // (start, end, logp) of every word found, round by round.
        let found = &mut sc.found;
        found.clear();
        sc.walks.clear();
        for (k, &c) in chars.iter().enumerate() {
            if let Some((child, word)) = t.step(ROOT, c) {
                if word != 0 {
                    found.push((doc32(k), doc32(k), t.logp[word as usize - 1]));
                }
                if let Some(&next) = chars.get(k + 1) {
                    t.prefetch_bits(child, next);
                }
                sc.walks.push((doc32(k), child));
            }
        }
        let mut depth = 1;
        while !sc.walks.is_empty() {
            // Walks whose next edge cannot exist end here (the bitset is cheap to ask); the
            // others start loading their slots.
            sc.live.clear();
            for &(k, node) in &sc.walks {
                if let Some(&c) = chars.get(k as usize + depth) {
                    if t.may_have(node, c) {
                        t.prefetch(node, c);
                        sc.live.push((k, node));
                    }
                }
            }
            sc.next.clear();
            for &(k, node) in &sc.live {
                let i = k as usize + depth;
                let Some(&c) = chars.get(i) else { continue };
                if let Some((child, word)) = t.step_may(node, c) {
                    if word != 0 {
                        found.push((k, doc32(i), t.logp[word as usize - 1]));
                    }
                    // The next round asks the bitset about this walk first.
                    if let Some(&next) = chars.get(i + 1) {
                        t.prefetch_bits(child, next);
                    }
                    sc.next.push((k, child));
                }
            }
            std::mem::swap(&mut sc.walks, &mut sc.next);
            depth += 1;
        }
        // Group by start; rounds found each start's ends in ascending order.
        let cursor = &mut sc.cursor;
        cursor.clear();
        cursor.resize(n, 0);
        for f in found.iter() {
            cursor[f.0 as usize] += 1;
        }
        sc.first.clear();
        let mut total = 0;
        for c in cursor.iter_mut() {
            sc.first.push(total);
            let len = (*c).max(1);
            *c = total;
            total += len;
        }
        sc.first.push(total);
        sc.ends.clear();
        sc.ends.resize(total, (0, 0.0 - self.log_total));
        for (k, &e) in sc.first[..n].iter().enumerate() {
            sc.ends[e].0 = k;
        }
        for &(k, e, lp) in found.iter() {
            let at = &mut cursor[k as usize];
            sc.ends[*at] = (e as usize, lp);
            *at += 1;
        }
    }

    fn cut_dag<'a>(&self, s: &'a str, sc: &mut Scratch, out: &mut Vec<&'a str>) {
        // Byte offset of every character, and of the end.
        sc.at.clear();
        sc.chars.clear();
        for (i, c) in s.char_indices() {
            sc.at.push(i);
            sc.chars.push(c);
        }
        sc.at.push(s.len());
        let n = sc.chars.len();
        self.dag(sc);
        let (at, ends, first, hmm) = (&sc.at, &sc.ends, &sc.first, &mut sc.hmm);
        // Best path from the end: route[i] = (log prob, end of the word starting at i).
        let route = &mut sc.route;
        route.clear();
        route.resize(n + 1, (0f64, 0usize));
        for idx in (0..n).rev() {
            let mut best = (f64::NEG_INFINITY, 0usize);
            for &(x, lp) in &ends[first[idx]..first[idx + 1]] {
                let p = lp + route[x + 1].0;
                #[allow(
                    clippy::float_cmp,
                    reason = "jieba's max over (prob, index) tuples breaks exact ties"
                )]
                if p > best.0 || (p == best.0 && x > best.1) {
                    best = (p, x);
                }
            }
            route[idx] = best;
        }
        let mut x = 0;
        let mut buf_start: Option<usize> = None;
        while x < n {
            let y = route[x].1 + 1;
            if y - x == 1 {
                buf_start.get_or_insert(x);
            } else {
                if let Some(b) = buf_start.take() {
                    self.flush(s, at, b, x, hmm, out);
                }
                out.push(&s[at[x]..at[y]]);
            }
            x = y;
        }
        if let Some(b) = buf_start {
            self.flush(s, at, b, n, hmm, out);
        }
    }

    /// The single characters `b..e` the path left: one word if that is all, HMM-cut unless the
    /// run is a dictionary word, else character by character.
    fn flush<'a>(
        &self,
        s: &'a str,
        at: &[usize],
        b: usize,
        e: usize,
        hmm: &mut Hmm,
        out: &mut Vec<&'a str>,
    ) {
        let buf = &s[at[b]..at[e]];
        if e - b == 1 {
            out.push(buf);
        } else if !self.freq.is_word(buf) {
            self.finalseg(buf, hmm, out);
        } else {
            for i in b..e {
                out.push(&s[at[i]..at[i + 1]]);
            }
        }
    }

    /// jieba's `finalseg.cut`: Han runs through the HMM, the rest split around
    /// `[a-zA-Z0-9]+(\.\d+)?%?`.
    fn finalseg<'a>(&self, s: &'a str, hmm: &mut Hmm, out: &mut Vec<&'a str>) {
        for (is_han, blk) in runs(s, han) {
            if is_han {
                self.viterbi_cut(blk, hmm, out);
            } else {
                skip_split(blk, out);
            }
        }
    }

    fn viterbi_cut<'a>(&self, s: &'a str, hmm: &mut Hmm, out: &mut Vec<&'a str>) {
        let Hmm { chars, back, tags } = hmm;
        chars.clear();
        chars.extend(s.char_indices());
        let n = chars.len();
        let em = |c: char| self.emit.get(&c).copied().unwrap_or([MIN_FLOAT; 4]);
        let e0 = em(chars[0].1);
        let mut v: [f64; 4] = std::array::from_fn(|st| self.start[st] + e0[st]);
        // back[t][state] = previous state.
        back.clear();
        back.push([0; 4]);
        for &(_, c) in &chars[1..] {
            let mut nv = [0f64; 4];
            let mut bk = [0u8; 4];
            let ec = em(c);
            for y in 0..4 {
                let e = ec[y];
                let mut best = (f64::NEG_INFINITY, 0usize);
                let mut first = true;
                for &y0 in &PREV[y] {
                    let p = v[y0] + self.trans[y0][y] + e;
                    // Python's max over (prob, state): ties go to the later state.
                    #[allow(
                        clippy::float_cmp,
                        reason = "exact ties, as Python compares the tuples"
                    )]
                    if first || p > best.0 || (p == best.0 && y0 > best.1) {
                        best = (p, y0);
                        first = false;
                    }
                }
                nv[y] = best.0;
                bk[y] = u8::try_from(best.1).unwrap_or(0); // one of the 4 states
            }
            v = nv;
            back.push(bk);
        }
        let mut st = if v[S] >= v[E] { S } else { E };
        tags.clear();
        tags.resize(n, 0);
        for t in (0..n).rev() {
            tags[t] = st;
            st = back[t][st] as usize;
        }
        let (mut begin, mut next) = (0usize, 0usize);
        for (i, &(off, c)) in chars.iter().enumerate() {
            match tags[i] {
                B => begin = off,
                E => {
                    out.push(&s[begin..off + c.len_utf8()]);
                    next = off + c.len_utf8();
                }
                S => {
                    out.push(&s[off..off + c.len_utf8()]);
                    next = off + c.len_utf8();
                }
                _ => {}
            }
        }
        if next < s.len() {
            out.push(&s[next..]);
        }
    }
}

/// spaCy zh with the jieba segmenter: jieba's words through `get_words_and_spaces`.
impl crate::tokenize::Segmenter for Jieba {
    fn doc_tokens(&self, text: &str) -> Vec<(usize, usize)> {
        let base = text.as_ptr() as usize;
        let raw: Vec<(usize, usize)> = self
            .cut(text)
            .into_iter()
            .map(|w| {
                let a = w.as_ptr() as usize - base;
                (a, a + w.len())
            })
            .collect();
        crate::tokenize::spacy_words_and_spaces(text, &raw)
    }
}

/// Maximal runs of `s` whose characters do / do not satisfy `pred`, in order: what
/// `re.split("([class]+)", s)` yields without its empty pieces.
fn runs(s: &str, pred: impl Fn(char) -> bool) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        let inside = pred(c);
        let end = rest
            .char_indices()
            .find(|&(_, x)| pred(x) != inside)
            .map_or(rest.len(), |(i, _)| i);
        let (blk, tail) = rest.split_at(end);
        rest = tail;
        Some((inside, blk))
    })
}

/// `re.split("([a-zA-Z0-9]+(?:\.\d+)?%?)", s)`, empty pieces dropped.
fn skip_split<'a>(s: &'a str, out: &mut Vec<&'a str>) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i].is_ascii_alphanumeric() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            // (\.\d+)? with Unicode decimal digits.
            if i < b.len() && b[i] == b'.' {
                let digits: usize = s[i + 1..]
                    .char_indices()
                    .take_while(|&(_, c)| is_decimal(c))
                    .map(|(j, c)| j + c.len_utf8())
                    .last()
                    .unwrap_or(0);
                if digits > 0 {
                    i += 1 + digits;
                }
            }
            if i < b.len() && b[i] == b'%' {
                i += 1;
            }
            if last < start {
                out.push(&s[last..start]);
            }
            out.push(&s[start..i]);
            last = i;
        } else {
            i += 1;
        }
    }
    if last < s.len() {
        out.push(&s[last..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Jieba {
        let dict = "我 100 r\n来到 50 v\n北京 80 ns\n清华 20 nz\n清华大学 30 nt\n大学 40 n\n";
        let start = vec![
            ("B".into(), -0.26),
            ("E".into(), MIN_FLOAT),
            ("M".into(), MIN_FLOAT),
            ("S".into(), -1.46),
        ];
        let trans = vec![
            ("B".into(), "E".into(), -0.51),
            ("B".into(), "M".into(), -0.91),
            ("E".into(), "B".into(), -0.58),
            ("E".into(), "S".into(), -0.80),
            ("M".into(), "E".into(), -0.33),
            ("M".into(), "M".into(), -1.26),
            ("S".into(), "B".into(), -0.72),
            ("S".into(), "S".into(), -0.66),
        ];
        Jieba::new(dict, &start, &trans, &[]).unwrap()
    }

    #[test]
    fn dictionary_path_and_other_text() {
        let j = tiny();
        assert_eq!(
            j.cut("我来到北京清华大学"),
            ["我", "来到", "北京", "清华大学"]
        );
        assert_eq!(
            j.cut("我 来到\r\nOK!"),
            ["我", " ", "来到", "\r\n", "OK", "!"]
        );
        assert_eq!(j.cut(""), Vec::<&str>::new());
    }

    #[test]
    fn skip_split_keeps_numbers_whole() {
        let mut v = Vec::new();
        skip_split("21-23", &mut v);
        assert_eq!(v, ["21", "-", "23"]);
        v.clear();
        skip_split("3.5%x", &mut v);
        assert_eq!(v, ["3.5%", "x"]);
    }
}
