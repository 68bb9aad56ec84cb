//! Fast exact n-gram measures for `gopher_repetition` (the `NGrams` type in the parent module is
//! the straightforward reference; tests check that both agree).
//!
//! - Words are hashed once, with their code-point lengths. Per-word counts start as counts of
//!   hash slots (upper bounds, enough to settle most top n-gram checks); words are interned to
//!   dense ids (first-occurrence order) only when an exact top n-gram is needed.
//! - Top n-grams (`" ".join`): when no word contains `' '`, `" ".join` is injective on word
//!   sequences of a fixed length, so grams are identified exactly by id sequences. Level k+1
//!   classes are `(level-k class at i, id[i+k])` keys (exact `u64`, no verification needed), and
//!   only positions whose level-k grams at `i` and `i+1` both repeat can hold a repeated (k+1)-gram,
//!   so each level only hashes the (shrinking) set of possibly repeated positions. Unique grams have
//!   count 1, and every occurrence of a repeated gram is processed in order, so the maximal count
//!   and its first-inserted gram are exact.
//! - Duplicated n-grams (`"".join`): the concatenation `C` of all words is materialised. A gram
//!   `(i, n)` of byte length `L` can equal another gram only if the first `K` bytes of `C` at word
//!   boundary `i` also start at another word boundary (for `K <= L`). A bitset "seen twice" filter
//!   over those `K`-byte prefixes (K = 16, 32) yields a superset of such boundaries; grams outside
//!   it are unique, so the skip-ahead walk treats them as new without touching any table (no later
//!   gram can match them). The remaining grams go through an exact table keyed by a hash of the
//!   concatenated bytes, every hash hit verified by comparing the bytes of `C`.

use std::cell::RefCell;

use crate::narrow::{doc32, id32, low64, usize64};
use crate::pytext::len_cp;

use super::simd;

const NONE: u32 = u32::MAX;

/// Open-addressing table of `(tag, value + 1)` slots (0 = empty), linear probing from `tag`.
/// Tags are hash bits; equality is decided by the caller's `eq` on the stored value. Cleared by
/// resetting the touched slots only; grows (rehashing from the tags) when half full.
#[derive(Default)]
struct Table {
    slots: Vec<(u32, u32)>,
    touched: Vec<u32>,
    mask: usize,
}

impl Table {
    /// Empty the table, sized for about `n` entries.
    fn prepare(&mut self, n: usize) {
        if self.touched.len() * 4 > self.slots.len() {
            self.slots.fill((0, 0));
        } else {
            for &t in &self.touched {
                self.slots[t as usize] = (0, 0);
            }
        }
        self.touched.clear();
        let cap = (2 * n + 2).next_power_of_two().max(64);
        if self.slots.len() < cap {
            self.slots.resize(cap, (0, 0));
        }
        self.mask = cap - 1;
    }

    /// The value of the entry with this tag for which `eq(value)` holds, or `None` after
    /// inserting `(tag, new)`.
    #[inline]
    fn find_or_insert(
        &mut self,
        tag: u32,
        new: u32,
        mut eq: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        if 2 * self.touched.len() + 2 > self.mask {
            self.grow();
        }
        let mut pos = tag as usize & self.mask;
        loop {
            let (t, v) = self.slots[pos];
            if v == 0 {
                self.slots[pos] = (tag, new + 1);
                self.touched.push(id32(pos)); // a slot of a per-document table
                return None;
            }
            if t == tag && eq(v - 1) {
                return Some(v - 1);
            }
            pos = (pos + 1) & self.mask;
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let old: Vec<(u32, u32)> = self
            .touched
            .iter()
            .map(|&p| self.slots[p as usize])
            .collect();
        for &p in &self.touched {
            self.slots[p as usize] = (0, 0);
        }
        self.touched.clear();
        let cap = (self.mask + 1) * 2;
        if self.slots.len() < cap {
            self.slots.resize(cap, (0, 0));
        }
        self.mask = cap - 1;
        for (t, v) in old {
            let mut pos = t as usize & self.mask;
            while self.slots[pos].1 != 0 {
                pos = (pos + 1) & self.mask;
            }
            self.slots[pos] = (t, v);
            self.touched.push(id32(pos)); // a slot of a per-document table
        }
    }
}

/// The multiplier of [`mix`].
pub(super) const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn mix(h: u64) -> u64 {
    (h ^ (h >> 29)).wrapping_mul(MIX)
}

#[derive(Default)]
struct Scratch {
    /// Per word: its interning tag (high hash bits) and its slot in `approx`.
    tags: Vec<u32>,
    slots: Vec<u32>,
    /// Per slot (hash bits of the word): how many words fell there, an upper bound of the
    /// count of each word in it.
    approx: Vec<u16>,
    /// Interned ids, filled only when an exact top n-gram is needed (`ensure_ids`).
    ids: Vec<u32>,
    ids_ready: bool,
    /// Per id: first position, count of occurrences.
    first: Vec<u32>,
    count: Vec<u32>,
    /// Per id: (offset in `buf`, byte length) of its first occurrence.
    wloc: Vec<(usize, usize)>,
    intern: Table,
    /// Prefix arrays over words (len nw + 1).
    cp: Vec<u64>,
    off: Vec<usize>,
    /// 32 zero bytes, the concatenation of all words, 32 zero bytes (`off` indexes into it).
    buf: Vec<u8>,
    /// Per word boundary: window flags and bitset positions (see `prepare_cat`).
    flags: Vec<u8>,
    win: Vec<[u32; 2]>,
    cands: Vec<u32>,
    /// `off` modulo 2^32, and per position a keep byte (see `dup_candidates`).
    off32: Vec<u32>,
    keep: Vec<u8>,
    /// Per bitset word: (seen, seen twice), side by side (one cache line per update).
    seen: Vec<[u64; 2]>,
    seen32: Vec<[u64; 2]>,
    table: Table,
    /// Top n-gram levels: class per position (NONE = unique), count and first position per class.
    cls: Vec<u32>,
    cls_next: Vec<u32>,
    ccount: Vec<u32>,
    cfirst: Vec<u32>,
    ckey: Vec<u64>,
    ckey128: Vec<u128>,
    /// `bound[i]`: an upper bound of the count of every gram at `i` of `bound_n` words: the
    /// smallest (exact or approximate) word count in it (`bound_n == 0`: not computed).
    bound: Vec<u32>,
    bound_n: usize,
    /// `small_upper_bounds`, once computed for the document.
    small_bounds: Option<[u64; 3]>,
    level: usize,
    any_space: bool,
    cat_ready: bool,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Run `f` with the n-gram state of `words` (scratch reused per thread). `text` is the text the
/// words were split from, if known (any `&str` will do: words found inside it are only loaded
/// faster).
pub(super) fn with_ngrams<R>(
    words: &[&str],
    text: &str,
    f: impl FnOnce(&mut Fast<'_, '_>) -> R,
) -> R {
    SCRATCH.with(|s| {
        let mut guard = s.borrow_mut();
        let mut fast = Fast::new(words, text, &mut guard);
        f(&mut fast)
    })
}

pub(super) struct Fast<'s, 'w> {
    words: &'w [&'w str],
    s: &'s mut Scratch,
}

pub(super) const K: u64 = 0x517C_C1B7_2722_0A95;

#[inline]
fn load8(buf: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(buf[o..o + 8].try_into().unwrap())
}

/// Hash of `buf[o..o + len]` (needs 8 readable bytes past the end; quality only affects speed).
#[inline]
fn hash_bytes(buf: &[u8], o: usize, len: usize) -> u64 {
    let mut h = (len as u64).wrapping_mul(K);
    let (mut p, end) = (o, o + len);
    while p + 8 <= end {
        h = (h.rotate_left(5) ^ load8(buf, p)).wrapping_mul(K);
        p += 8;
    }
    if p < end {
        let v = load8(buf, p) & (u64::MAX >> (64 - 8 * (end - p)));
        h = (h.rotate_left(5) ^ v).wrapping_mul(K);
    }
    mix(h)
}

/// `buf[a..a + len] == buf[b..b + len]` (needs 8 readable bytes past both ends).
#[inline]
fn eq_bytes(buf: &[u8], a: usize, b: usize, len: usize) -> bool {
    let mut k = 0;
    while k + 8 <= len {
        if load8(buf, a + k) != load8(buf, b + k) {
            return false;
        }
        k += 8;
    }
    if k < len {
        let m = u64::MAX >> (64 - 8 * (len - k));
        return (load8(buf, a + k) ^ load8(buf, b + k)) & m == 0;
    }
    true
}

/// Two "seen twice" bitset families (a prefix and a suffix window) over `n` insertions of
/// hashes: bit positions come from the hash's top bits, so a window seen twice always reads as
/// such (a superset: distinct windows may share a bit).
struct SeenTwice<'a> {
    /// Per 64 positions: (seen, seen twice), side by side (one cache line per update).
    bits: &'a mut Vec<[u64; 2]>,
    per_family: usize,
    shift: u32,
}

impl<'a> SeenTwice<'a> {
    fn new(bits: &'a mut Vec<[u64; 2]>, n: usize) -> Self {
        // 16 bits per insertion (capped so that positions fit in `u32`; fewer bits only keep
        // more boundaries).
        let per_family = (16 * n).next_power_of_two().clamp(1024, 1 << 29);
        bits.clear();
        bits.resize(2 * per_family / 64, [0; 2]);
        SeenTwice {
            bits,
            per_family,
            shift: 64 - per_family.trailing_zeros(),
        }
    }

    /// Insert the prefix hash `p` and suffix hash `q`; their bit positions.
    #[inline]
    fn insert(&mut self, p: u64, q: u64) -> [u32; 2] {
        [self.set(p, 0), self.set(q, self.per_family)]
    }

    /// The bit positions `insert(p, q)` would set, without setting them.
    #[inline]
    fn positions(&self, p: u64, q: u64) -> [u32; 2] {
        let b = |h: u64, base: usize| id32(usize64(h >> self.shift) + base); // < 2 * 2^29
        [b(p, 0), b(q, self.per_family)]
    }

    /// Set the bits at `positions(p, q)`.
    #[inline]
    fn insert_at(&mut self, w: [u32; 2]) {
        for b in w {
            let (i, m) = (b as usize >> 6, 1u64 << (b & 63));
            let e = &mut self.bits[i];
            e[1] |= e[0] & m;
            e[0] |= m;
        }
    }

    /// Insert hash `h` into the family starting at bit `base`; its bit position.
    #[inline]
    fn set(&mut self, h: u64, base: usize) -> u32 {
        let b = usize64(h >> self.shift) + base;
        let (w, m) = (b >> 6, 1u64 << (b & 63));
        let e = &mut self.bits[w];
        e[1] |= e[0] & m;
        e[0] |= m;
        id32(b) // < 2 * 2^29
    }

    /// Bit 0: the prefix window was seen twice; bit 1: the suffix window.
    #[inline]
    fn twice(&self, w: [u32; 2]) -> u8 {
        let bit = |b: u32| ((self.bits[b as usize >> 6][1] >> (b & 63)) & 1) as u8;
        bit(w[0]) | bit(w[1]) << 1
    }
}

impl<'s, 'w> Fast<'s, 'w> {
    fn new(words: &'w [&'w str], text: &str, s: &'s mut Scratch) -> Self {
        use crate::swar::HI;
        let tb = text.as_bytes();
        let nw = words.len();
        s.tags.clear();
        s.slots.clear();
        s.ids.clear();
        s.ids_ready = false;
        s.cp.clear();
        s.off.clear();
        s.level = 0;
        s.bound_n = 0;
        s.small_bounds = None;
        s.cat_ready = false;
        // Word counts start as counts of hash slots (4 per word, so a word rarely shares a slot
        // with a frequent one): upper bounds, which settle most top n-gram checks without
        // interning (`ensure_ids` interns exactly when they do not).
        // (Capped so that slots fit in `u32`; fewer slots only loosen the bounds.)
        let nslots = (4 * nw).next_power_of_two().clamp(64, 1 << 31);
        s.approx.clear();
        s.approx.resize(nslots, 0);
        // The concatenation, with zero padding so that 8-byte loads never leave `buf`; each word
        // is copied and hashed from the same loads. `buf` is reused: every byte of the
        // concatenation is overwritten, and the padding on both sides is zeroed.
        if s.buf.len() < 128 {
            s.buf.resize(128, 0);
        }
        s.buf[..32].fill(0);
        let mut any_space = false;
        let (mut c, mut o) = (0u64, 32usize);
        let vector = simd::available_words();
        let mut k = 0usize;
        while k < nw {
            if vector && k + 8 <= nw && k.is_multiple_of(8) {
                if o + 8 * 16 + 72 > s.buf.len() {
                    let want = (o + 8 * 16 + 72).max(2 * s.buf.len());
                    s.buf.resize(want, 0);
                }
                let mut cols = simd::WordColumns {
                    cp: &mut s.cp,
                    off: &mut s.off,
                    tags: &mut s.tags,
                    slots: &mut s.slots,
                    approx: &mut s.approx,
                };
                // SAFETY: the CPU has AVX-512F/DQ/BW (`available_words`).
                let done = unsafe {
                    simd::words8(
                        tb,
                        &words[k..k + 8],
                        &mut s.buf,
                        (c, o),
                        nslots - 1,
                        &mut cols,
                    )
                };
                if let Some((c8, o8, space)) = done {
                    (c, o) = (c8, o8);
                    any_space |= space;
                    k += 8;
                    continue;
                }
            }
            let w = words[k];
            k += 1;
            s.cp.push(c);
            s.off.push(o);
            let b = w.as_bytes();
            let len = b.len();
            if o + len + 72 > s.buf.len() {
                let want = (o + len + 72).max(2 * s.buf.len());
                s.buf.resize(want, 0);
            }
            let buf = &mut s.buf[..];
            // `v`: a function of the word's bytes; `(x0, x1)`: its bytes when len <= 16, zero
            // padded (for the code point count and the space test).
            let (v, x0, x1) = if len <= 16 {
                // One load whatever the length (no branch per length class).
                let (x0, x1) = crate::swar::load_word(tb, b);
                buf[o..o + 8].copy_from_slice(&x0.to_le_bytes());
                buf[o + 8..o + 16].copy_from_slice(&x1.to_le_bytes());
                (x0 ^ x1.rotate_left(31), x0, x1)
            } else {
                buf[o..o + len].copy_from_slice(b);
                (hash_bytes(buf, o, len), 0, 0)
            };
            let h = mix((v ^ (len as u64).wrapping_mul(K)).wrapping_mul(K));
            // The slot from the low bits, the tag from the high ones (one multiply less
            // between the word and its counter).
            let slot = usize64(h) & (nslots - 1);
            s.approx[slot] = s.approx[slot].saturating_add(1);
            s.tags.push((h >> 32) as u32);
            s.slots.push(id32(slot)); // < 2^31
            if len <= 16 {
                // Code points = bytes that are not UTF-8 continuations (10xxxxxx); padding
                // bytes are zero. (Bytes of 0/1 summed by a multiply: no popcount instruction
                // in the base target.)
                let cont = |x: u64| (x & !(x << 1) & HI) >> 7;
                let nc = (cont(x0) + cont(x1)).wrapping_mul(crate::swar::LO) >> 56;
                c += len as u64 - nc;
                // Padding bytes are zero, never a space.
                any_space |= (crate::swar::eq(x0, b' ') | crate::swar::eq(x1, b' ')) != 0;
            } else {
                c += len_cp(w) as u64;
                any_space |= b.contains(&b' ');
            }
            o += len;
        }
        s.buf[o..o + 72].fill(0);
        s.off.push(o);
        s.cp.push(c);
        s.any_space = any_space;
        Fast { words, s }
    }

    /// Intern the words to dense ids (first-occurrence order) with exact counts; bounds are
    /// recomputed from the exact counts.
    fn ensure_ids(&mut self) {
        let s = &mut *self.s;
        if s.ids_ready {
            return;
        }
        s.first.clear();
        s.count.clear();
        s.wloc.clear();
        s.intern.prepare(s.tags.len() / 2);
        for (p, &tag) in s.tags.iter().enumerate() {
            let (o, len) = (s.off[p], s.off[p + 1] - s.off[p]);
            let new = id32(s.wloc.len()); // distinct words of one document
            let (wloc, buf) = (&s.wloc[..], &s.buf[..]);
            let id = if let Some(id) = s.intern.find_or_insert(tag, new, |v| {
                let (fo, fl) = wloc[v as usize];
                fl == len && eq_bytes(buf, fo, o, len)
            }) {
                id
            } else {
                s.wloc.push((o, len));
                s.first.push(doc32(p));
                s.count.push(0);
                new
            };
            s.ids.push(id);
            s.count[id as usize] += 1;
        }
        s.ids_ready = true;
        s.bound_n = 0;
    }

    /// True when `" ".join` grams can be identified by id sequences.
    pub(super) fn ids_exact_for_spaced(&self) -> bool {
        !self.s.any_space
    }

    /// `len(top_gram) * count` for `" ".join` n-grams (n >= 1, nw >= n). Requires
    /// `ids_exact_for_spaced()`.
    pub(super) fn top_n_gram_chars(&mut self, n: usize) -> u64 {
        let nw = self.words.len();
        if n == 0 || nw < n {
            return 0;
        }
        if (2..=4).contains(&n) {
            return self.top_small(n);
        }
        if self.s.level == 0 || self.s.level > n {
            self.level1();
        }
        while self.s.level < n {
            self.next_level();
        }
        let s = &*self.s;
        // Classes are in first-occurrence order: first with the maximal count.
        let mut best = (0u32, 1u32); // (first position, count): gram 0 when all are unique.
        for (k, &c) in s.ccount.iter().enumerate() {
            if c > best.1 {
                best = (s.cfirst[k], c);
            }
        }
        let p = best.0 as usize;
        (s.cp[p + n] - s.cp[p] + (n as u64 - 1)) * u64::from(best.1)
    }

    /// An upper bound of `top_n_gram_chars(n)` (requires `ids_exact_for_spaced()`): a gram's
    /// count is at most the count of each of its words.
    pub(super) fn top_upper_bound(&mut self, n: usize) -> u64 {
        let nw = self.words.len();
        if n == 0 || nw < n {
            return 0;
        }
        if n > 8 {
            return u64::MAX;
        }
        if (2..=4).contains(&n) {
            return self.small_upper_bounds()[n - 2];
        }
        self.min_counts(n);
        let s = &*self.s;
        let extra = n as u64 - 1;
        s.bound
            .iter()
            .zip(s.cp.iter().zip(&s.cp[n..]))
            .map(|(&c, (&a, &b))| (b - a + extra) * u64::from(c))
            .max()
            .unwrap_or(0)
    }

    /// `top_upper_bound(n)` for n = 2, 3, 4 in one pass over the word counts (the default
    /// configuration checks all three), computed once per document.
    fn small_upper_bounds(&mut self) -> [u64; 3] {
        if let Some(b) = self.s.small_bounds {
            return b;
        }
        self.min_counts(1);
        let s = &mut *self.s;
        let (c, cp) = (&s.bound[..], &s.cp[..]);
        let nw = c.len();
        let value = |i: usize, n: usize, m: u32| (cp[i + n] - cp[i] + n as u64 - 1) * u64::from(m);
        let mut best = [0u64; 3];
        // Positions where grams of 2, 3 and 4 words all fit, then the last few. (Slices of one
        // length, so that the loop has no bounds checks.)
        let full = nw.saturating_sub(3);
        let done = if simd::available() {
            // SAFETY: the CPU has AVX-512F (`available`).
            unsafe { simd::small_bounds(c, cp, full, &mut best) }
        } else {
            0
        };
        if full > done {
            let (c0, c1, c2, c3) = (&c[..full], &c[1..=full], &c[2..full + 2], &c[3..full + 3]);
            let (p0, p2) = (&cp[..full], &cp[2..full + 2]);
            let (p3, p4) = (&cp[3..full + 3], &cp[4..full + 4]);
            for i in done..full {
                let m2 = c0[i].min(c1[i]);
                let m3 = m2.min(c2[i]);
                let m4 = m3.min(c3[i]);
                best[0] = best[0].max((p2[i] - p0[i] + 1) * u64::from(m2));
                best[1] = best[1].max((p3[i] - p0[i] + 2) * u64::from(m3));
                best[2] = best[2].max((p4[i] - p0[i] + 3) * u64::from(m4));
            }
        }
        for i in full..nw {
            for (k, b) in best.iter_mut().enumerate() {
                let n = k + 2;
                if i + n <= nw {
                    let m = c[i..i + n].iter().copied().min().unwrap_or(0);
                    *b = (*b).max(value(i, n, m));
                }
            }
        }
        s.small_bounds = Some(best);
        best
    }

    /// `top_n_gram_chars` for 2 <= n <= 4, keyed by the exact packed id sequence. A gram's count
    /// is at most `bound` = the smallest count of its words (the same at all its positions).
    /// Only positions with `bound >= t` are counted (in order, so classes keep their
    /// first-occurrence order): every gram with count >= t is then fully counted, so if the
    /// largest count found is >= t it is the global maximum and its first-inserted gram is
    /// exact; otherwise `t` is halved, or lowered to that largest count (a lower bound of the
    /// maximum) if higher, down to 2 (below that every gram is unique).
    fn top_small(&mut self, n: usize) -> u64 {
        self.ensure_ids();
        self.min_counts(n);
        let s = &mut *self.s;
        let nw = s.ids.len();
        let npos = nw + 1 - n;
        let maxb = s.bound.iter().copied().max().unwrap_or(0);
        let value =
            |first: usize, c: u32| (s.cp[first + n] - s.cp[first] + n as u64 - 1) * u64::from(c);
        if maxb < 2 {
            return value(0, 1);
        }
        let mut t = (maxb / 2).max(2);
        loop {
            s.table.prepare(64);
            s.ccount.clear();
            s.cfirst.clear();
            s.ckey128.clear();
            for i in 0..npos {
                if s.bound[i] < t {
                    continue;
                }
                let mut key = 0u128;
                for &id in &s.ids[i..i + n] {
                    key = (key << 32) | u128::from(id);
                }
                let h = mix(low64(key) ^ low64(key >> 64).rotate_left(17));
                let new = id32(s.ccount.len()); // distinct n-grams of one document
                let ckey = &s.ckey128;
                let c = if let Some(c) = s
                    .table
                    .find_or_insert((h >> 32) as u32, new, |v| ckey[v as usize] == key)
                {
                    c
                } else {
                    s.ccount.push(0);
                    s.cfirst.push(doc32(i));
                    s.ckey128.push(key);
                    new
                };
                s.ccount[c as usize] += 1;
            }
            let mut best = (0u32, 0u32);
            for (k, &c) in s.ccount.iter().enumerate() {
                if c > best.1 {
                    best = (s.cfirst[k], c);
                }
            }
            if best.1 >= t {
                return (s.cp[best.0 as usize + n] - s.cp[best.0 as usize] + n as u64 - 1)
                    * u64::from(best.1);
            }
            if t == 2 {
                return s.cp[n] - s.cp[0] + n as u64 - 1; // gram 0, count 1
            }
            // The grams counted have exact counts, so the maximum is >= best.1: with
            // t = best.1 the next round finds it (and its first-inserted gram).
            t = (t / 2).max(best.1).max(2);
        }
    }

    /// Fill `bound` for `n` (1 <= n <= nw), incrementally from a smaller `n`:
    /// `min[i, i + k + 1) = min(min[i, i + k), min[i + 1, i + k + 1))`.
    fn min_counts(&mut self, n: usize) {
        let s = &mut *self.s;
        if s.bound_n == 0 || s.bound_n > n {
            s.bound.clear();
            if s.ids_ready {
                let count = &s.count[..];
                s.bound.extend(s.ids.iter().map(|&id| count[id as usize]));
            } else {
                let approx = &s.approx[..];
                // A saturated counter bounds nothing.
                s.bound
                    .extend(s.slots.iter().map(|&k| match approx[k as usize] {
                        u16::MAX => u32::MAX,
                        c => u32::from(c),
                    }));
            }
            s.bound_n = 1;
        }
        while s.bound_n < n {
            let b = &mut s.bound[..];
            for i in 1..b.len() {
                b[i - 1] = b[i - 1].min(b[i]);
            }
            s.bound.pop();
            s.bound_n += 1;
        }
    }

    fn level1(&mut self) {
        self.ensure_ids();
        let s = &mut *self.s;
        s.cls.clear();
        s.cls.extend_from_slice(&s.ids);
        s.ccount.clear();
        s.ccount.extend_from_slice(&s.count);
        s.cfirst.clear();
        s.cfirst.extend_from_slice(&s.first);
        s.level = 1;
    }

    fn next_level(&mut self) {
        let s = &mut *self.s;
        let k = s.level;
        let nw = s.ids.len();
        let npos = nw + 1 - (k + 1); // positions of (k+1)-grams (nw >= k + 1)
        s.table.prepare(npos / 4);
        s.cls_next.clear();
        let mut ncount: Vec<u32> = Vec::new();
        let mut nfirst: Vec<u32> = Vec::new();
        std::mem::swap(&mut ncount, &mut s.ccount);
        std::mem::swap(&mut nfirst, &mut s.cfirst);
        // ncount/nfirst now hold level k; s.ccount/s.cfirst are rebuilt for level k+1.
        s.ccount.clear();
        s.cfirst.clear();
        s.ckey.clear();
        let rep = |c: u32| c != NONE && ncount[c as usize] >= 2;
        let mut prev_rep = rep(s.cls[0]);
        for i in 0..npos {
            let next_rep = rep(s.cls[i + 1]);
            if !(prev_rep && next_rep) {
                s.cls_next.push(NONE);
                prev_rep = next_rep;
                continue;
            }
            prev_rep = next_rep;
            let key = (u64::from(s.cls[i]) << 32) | u64::from(s.ids[i + k]);
            let new = id32(s.ccount.len()); // distinct n-grams of one document
            let ckey = &s.ckey;
            let c = if let Some(c) = s
                .table
                .find_or_insert((mix(key) >> 32) as u32, new, |v| ckey[v as usize] == key)
            {
                c
            } else {
                s.ccount.push(0);
                s.cfirst.push(doc32(i));
                s.ckey.push(key);
                new
            };
            s.ccount[c as usize] += 1;
            s.cls_next.push(c);
        }
        std::mem::swap(&mut s.cls, &mut s.cls_next);
        s.level = k + 1;
    }

    /// Per word boundary `k` (0..=nw): flags telling whether that window possibly occurs at
    /// another boundary (bit 0: P16, 1: S16, 2: P32, 3: S32; a superset, via "seen twice"
    /// bitsets).
    fn prepare_cat(&mut self) {
        const K3: u64 = 0xA409_3822_299F_31D0;
        if self.s.cat_ready {
            return;
        }
        let s = &mut *self.s;
        s.off32.clear();
        s.off32.extend(s.off.iter().map(|&o| doc32(o)));
        let (off, buf) = (&s.off[..], &s.buf[..]);
        // Folded 64x64 -> 128-bit multiply: one multiplication per 16 bytes.
        let fm = |a: u64, b: u64| {
            let r = u128::from(a) * u128::from(b);
            low64(r) ^ low64(r >> 64)
        };
        // The windows at boundary `o`: 16 bytes after (P16) and before (S16) it, and 32 bytes
        // (P32, S32) extending them (any function of the window's bytes will do).
        let h16 = |o: usize| {
            // One bounds check for the 32 bytes around the boundary.
            let w: &[u8; 32] = buf[o - 16..o + 16].try_into().unwrap();
            let v: [u64; 4] = std::array::from_fn(|j| {
                u64::from_le_bytes(w[8 * j..8 * j + 8].try_into().unwrap())
            });
            (simd::window_hash(v[2], v[3]), simd::window_hash(v[1], v[0]))
        };
        let h32 = |o: usize, p16: u64, s16: u64| {
            (
                fm(p16 ^ load8(buf, o + 16), load8(buf, o + 24) ^ K3),
                fm(s16 ^ load8(buf, o - 24), load8(buf, o - 32) ^ K3),
            )
        };
        // 16-byte windows of every boundary.
        // In passes: bit positions (independent multiplies), then the bitset updates, then
        // the reads, then the boundaries whose flags are set (branch-free: most are not).
        let mut set = SeenTwice::new(&mut s.seen, off.len());
        s.win.clear();
        let done = if simd::available_words() {
            // SAFETY: the CPU has AVX-512F/DQ (`available_words`).
            unsafe { simd::window_positions(buf, off, set.shift, id32(set.per_family), &mut s.win) }
        } else {
            0
        };
        s.win.extend(
            off[done..]
                .iter()
                .map(|&o| h16(o))
                .map(|(p, q)| set.positions(p, q)),
        );
        for &w in &s.win {
            set.insert_at(w);
        }
        s.flags.clear();
        s.flags.extend(s.win.iter().map(|&w| set.twice(w)));
        s.cands.clear();
        s.cands.resize(s.flags.len(), 0);
        let mut nc = 0usize;
        for (k, &f) in s.flags.iter().enumerate() {
            s.cands[nc] = doc32(k);
            nc += usize::from(f != 0);
        }
        s.cands.truncate(nc);
        // Equal 32-byte windows have equal 16-byte ones: only where a 16-byte window repeats
        // can the 32-byte one (usually few boundaries), so only those are hashed again.
        // (`cands` lists them here; `dup_candidates` refills it afterwards.)
        let mut set = SeenTwice::new(&mut s.seen32, s.cands.len());
        s.win.clear();
        s.win.extend(s.cands.iter().map(|&k| {
            let o = off[k as usize];
            let (p16, s16) = h16(o);
            let (p, q) = h32(o, p16, s16);
            set.insert(p, q)
        }));
        for (&k, &w) in s.cands.iter().zip(&s.win) {
            let f = &mut s.flags[k as usize];
            // Only where the 16-byte window repeats (the other insertion was spurious).
            *f |= (set.twice(w) & *f) << 2;
        }
        s.cat_ready = true;
    }

    /// datatrove `find_all_duplicate(words, n)` (n >= 1).
    pub(super) fn dup_n_gram_chars(&mut self, n: usize) -> u64 {
        if n == 0 || self.words.len() < n {
            return 0;
        }
        self.dup_candidates(n);
        self.dup_walk(n)
    }

    /// An upper bound of `dup_n_gram_chars(n)` (cheap: no hashing of grams); leaves the
    /// candidates of `n` ready for `dup_walk(n)`.
    pub(super) fn dup_upper_bound(&mut self, n: usize) -> u64 {
        if n == 0 || self.words.len() < n {
            return 0;
        }
        // Repeated grams counted by the walk do not overlap and all start at candidates, so
        // their code points are within the union of the candidates' spans.
        self.dup_candidates(n);
        let s = &*self.s;
        let (mut cov, mut until) = (0u64, 0usize);
        for &c in &s.cands {
            let (i, e) = (c as usize, c as usize + n);
            cov += s.cp[e] - s.cp[i.max(until).min(e)];
            until = until.max(e);
        }
        cov
    }

    /// Candidate positions of `n`-grams: equal grams share their length, first K and last K
    /// bytes (K <= len), so the windows at both ends occur at two different boundaries. Any
    /// other gram is unique: the walk treats it as new, and no later gram can match it.
    fn dup_candidates(&mut self, n: usize) {
        self.prepare_cat();
        let s = &mut *self.s;
        let end = s.tags.len() - n + 1;
        s.cands.clear();
        s.cands.reserve(end);
        // Lengths modulo 2^32 stay safe: the 16-byte family is valid for any length >= 16, and
        // a wrapped length < 16 only keeps the position. One keep byte (0/1) per position
        // (vectorizable), then the kept positions 8 at a time.
        let (off, flags) = (&s.off32[..], &s.flags[..]);
        let done = if simd::available() {
            // SAFETY: the CPU has AVX-512F (checked just above).
            unsafe { simd::dup_candidates(off, flags, n, end, &mut s.cands) }
        } else {
            0
        };
        s.keep.clear();
        s.keep.extend(
            off[done..end]
                .iter()
                .zip(&off[done + n..n + end])
                .zip(flags[done..end].iter().zip(&flags[done + n..n + end]))
                .map(|((&a, &b), (&fa, &fb))| {
                    let len = b.wrapping_sub(a);
                    let ok16 = fa & (fb >> 1);
                    let ok32 = (fa >> 2) & (fb >> 3);
                    let ok = if len >= 32 { ok32 } else { ok16 };
                    u8::from(len < 16) | (ok & 1)
                }),
        );
        s.keep.resize((end - done).next_multiple_of(8), 0);
        for (c, chunk) in s.keep.chunks_exact(8).enumerate() {
            let mut x = u64::from_le_bytes(chunk.try_into().unwrap());
            while x != 0 {
                s.cands.push(doc32(done + c * 8) + x.trailing_zeros() / 8);
                x &= x - 1;
            }
        }
    }

    /// What `new` computed (for tests): tags, slots, code point and byte offsets, the
    /// concatenation with its padding, the slot counts, whether a word has a space.
    #[cfg(test)]
    #[allow(clippy::type_complexity, reason = "a test's snapshot")]
    pub(super) fn snapshot(
        &self,
    ) -> (
        Vec<u32>,
        Vec<u32>,
        Vec<u64>,
        Vec<usize>,
        Vec<u8>,
        Vec<u16>,
        bool,
    ) {
        let s = &*self.s;
        let end = s.off.last().map_or(0, |&o| o + 72);
        (
            s.tags.clone(),
            s.slots.clone(),
            s.cp.clone(),
            s.off.clone(),
            s.buf[..end].to_vec(),
            s.approx.clone(),
            s.any_space,
        )
    }

    /// `small_upper_bounds` (for tests).
    #[cfg(test)]
    pub(super) fn small_bounds(&mut self) -> [u64; 3] {
        self.small_upper_bounds()
    }

    /// The candidate positions of `n`-grams (for tests).
    #[cfg(test)]
    pub(super) fn candidates(&mut self, n: usize) -> Vec<u32> {
        self.dup_candidates(n);
        self.s.cands.clone()
    }

    /// The skip-ahead walk over the candidates left by `dup_candidates(n)` (n >= 1, nw >= n).
    pub(super) fn dup_walk(&mut self, n: usize) -> u64 {
        let s = &mut *self.s;
        s.table.prepare(s.cands.len());
        let (off, buf, cp) = (&s.off[..], &s.buf[..], &s.cp[..]);
        let (mut rep, mut idx) = (0u64, 0usize);
        for &c in &s.cands {
            let i = c as usize;
            if i < idx {
                continue; // skipped over by `idx += n`
            }
            let a = off[i];
            let len = off[i + n] - a;
            let h = if len < 16 {
                hash_bytes(buf, a, len)
            } else {
                // Equal grams share their first and last 16 bytes (and length).
                let e = a + len;
                let x = (load8(buf, a) ^ (len as u64).wrapping_mul(K)).wrapping_mul(K);
                let y = (load8(buf, a + 8) ^ load8(buf, e - 16).rotate_left(21)).wrapping_mul(K);
                mix(x ^ y.rotate_left(27) ^ load8(buf, e - 8).rotate_left(43))
            };
            let found = s
                .table
                .find_or_insert((h >> 32) as u32, c, |v| {
                    let b = off[v as usize];
                    off[v as usize + n] - b == len && eq_bytes(buf, a, b, len)
                })
                .is_some();
            if found {
                rep += cp[i + n] - cp[i];
                idx = i + n;
            } else {
                idx = i + 1;
            }
        }
        rep
    }
}

/// Position of the first `\n` in `b[i..]` (or `b.len()`), 8 bytes at a time.
#[inline]
fn find_nl(b: &[u8], i: usize) -> usize {
    let mut i = crate::swar::scan(b, i, |x| crate::swar::eq(x, b'\n'));
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    i
}

/// Cheap tag of a piece: its length and up to 16 of its bytes (equal pieces, equal tags).
#[inline]
fn piece_tag(p: &[u8]) -> u32 {
    let n = p.len();
    let h = if n >= 8 {
        load8(p, 0) ^ load8(p, n - 8).rotate_left(31) ^ (n as u64).wrapping_mul(K)
    } else {
        let mut v = n as u64;
        for &x in p {
            v = (v << 8) | u64::from(x);
        }
        v
    };
    (mix(h.wrapping_mul(K)) >> 32) as u32
}

#[derive(Default)]
struct LineScratch {
    runs: Vec<(usize, usize)>,
    pieces: Vec<(usize, usize)>,
    table: Table,
}

thread_local! {
    static LINES: RefCell<LineScratch> = RefCell::new(LineScratch::default());
}

/// datatrove `find_duplicates` over `pieces` (byte ranges of `text`).
fn dups(text: &str, pieces: &[(usize, usize)], table: &mut Table) -> (u64, u64, u64) {
    let b = text.as_bytes();
    table.prepare(pieces.len());
    let (mut dup, mut chars) = (0u64, 0u64);
    for (k, &(s, e)) in pieces.iter().enumerate() {
        let p = &b[s..e];
        let found = table
            .find_or_insert(piece_tag(p), id32(k), |v| {
                let (s2, e2) = pieces[v as usize];
                b[s2..e2] == *p
            })
            .is_some();
        if found {
            dup += 1;
            chars += len_cp(&text[s..e]) as u64;
        }
    }
    (pieces.len() as u64, dup, chars)
}

/// `(find_duplicates(re.split(r"\n{2,}", text.strip())), find_duplicates(re.split(r"\n+", text)))`
/// as `(n, dup, dup_chars)` triples; `stripped` must be `strip(text)` (a subslice of `text`).
pub(super) fn para_line_dups(text: &str, stripped: &str) -> ((u64, u64, u64), (u64, u64, u64)) {
    let b = text.as_bytes();
    let s0 = stripped.as_ptr() as usize - text.as_ptr() as usize;
    let s1 = s0 + stripped.len();
    LINES.with(|ls| {
        let mut guard = ls.borrow_mut();
        let ls = &mut *guard;
        // Maximal runs of '\n'.
        ls.runs.clear();
        let mut i = 0;
        loop {
            let j = find_nl(b, i);
            if j >= b.len() {
                break;
            }
            let mut e = j + 1;
            while e < b.len() && b[e] == b'\n' {
                e += 1;
            }
            ls.runs.push((j, e));
            i = e;
        }
        // Paragraphs: runs of >= 2 inside the stripped range (stripping removes whitespace, so
        // such a run is either fully inside or fully outside it).
        ls.pieces.clear();
        let mut start = s0;
        for &(j, e) in &ls.runs {
            if e - j >= 2 && j >= s0 && e <= s1 {
                ls.pieces.push((start, j));
                start = e;
            }
        }
        ls.pieces.push((start, s1));
        let para = dups(text, &ls.pieces, &mut ls.table);
        ls.pieces.clear();
        let mut start = 0;
        for &(j, e) in &ls.runs {
            ls.pieces.push((start, j));
            start = e;
        }
        ls.pieces.push((start, b.len()));
        let line = dups(text, &ls.pieces, &mut ls.table);
        (para, line)
    })
}
