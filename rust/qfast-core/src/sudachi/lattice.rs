//! Per-character arrays over the modified text, lattice construction and i32 Viterbi.
//!
//! Nodes live in one flat vector; each end position keeps an intrusive singly linked list in
//! insertion order, because insertion order is the tie-break order: a node's best
//! predecessor is computed when it is inserted (every node ending at its begin position is
//! already there), and the first candidate with the minimal total wins.

use super::chardef::{CharDef, ALPHA, CYRILLIC, GREEK, NOOOVBOW, NOOOVEOW};
use super::dic::{bad, Dic, MANY_STARTS};
use super::oov::{self, OovRow, UnkDef};
use crate::error::Result;
use crate::narrow::{doc32, id32};

const NONE: u32 = u32::MAX;

/// `Node::word` of an OOV node.
pub const OOV_WORD: u32 = u32::MAX;
const BOS_WORD: u32 = u32::MAX - 1;

/// The modified text with its per-character arrays.
#[allow(
    clippy::struct_field_names,
    reason = "`text.text` is the input text itself"
)]
pub struct Text<'a> {
    pub text: &'a str,
    /// Byte offset of each character, plus the text length at index n.
    pub c2b: Vec<u32>,
    /// Character index of each byte offset that starts a character (and of the end), else NONE.
    pub b2c: Vec<u32>,
    pub cats: Vec<u32>,
    /// Whether a word may begin at each character (a letter cannot begin a word right after
    /// a character sharing one of its categories).
    pub can_bow: Vec<bool>,
    /// Java-compatible continuity of the category intersection starting at each character.
    pub cont: Vec<usize>,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str, cd: &CharDef) -> Text<'a> {
        let mut t = Text {
            text,
            c2b: Vec::with_capacity(text.len() + 1),
            b2c: vec![NONE; text.len() + 1],
            cats: Vec::with_capacity(text.len()),
            can_bow: Vec::with_capacity(text.len()),
            cont: Vec::new(),
        };
        let mut prev = 0;
        for (i, (o, ch)) in text.char_indices().enumerate() {
            t.c2b.push(doc32(o));
            t.b2c[o] = doc32(i);
            let c = cd.cat(ch);
            t.cats.push(c);
            t.can_bow
                .push(c & (ALPHA | GREEK | CYRILLIC) == 0 || c & prev == 0);
            prev = c;
        }
        let n = t.cats.len();
        t.c2b.push(doc32(text.len()));
        t.b2c[text.len()] = doc32(n);
        t.cont = vec![0; n];
        let mut l = 1;
        for s in 0..n {
            if l > 1 {
                l -= 1;
            } else {
                let mut common = t.cats[s];
                l = 1;
                while s + l < n {
                    common &= t.cats[s + l];
                    if common == 0 {
                        break;
                    }
                    l += 1;
                }
            }
            t.cont[s] = l;
        }
        t
    }

    /// Number of characters.
    pub fn n(&self) -> usize {
        self.cats.len()
    }

    /// `can_bow` by byte offset: false inside a character.
    fn can_bow_byte(&self, b: usize) -> bool {
        match self.b2c.get(b) {
            Some(&c) if c != NONE => self.can_bow.get(c as usize).copied().unwrap_or(true),
            _ => false,
        }
    }

    fn can_oov_bow(&self, p: usize) -> bool {
        self.cats[p] & NOOOVBOW == 0 && (p == 0 || self.cats[p - 1] & NOOOVEOW == 0)
    }

    /// AND of the categories of characters [a, b); empty for an empty range.
    pub fn cat_range(&self, a: usize, b: usize) -> u32 {
        if a >= b {
            return 0;
        }
        self.cats[a..b].iter().fold(u32::MAX, |x, &c| x & c)
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Node {
    pub begin: u32,
    pub end: u32,
    pub left: u16,
    pub right: u16,
    pub cost: i16,
    pub pos: u16,
    /// Dictionary word id (`LexWord::word`: entry id and normalized-form class), or
    /// `OOV_WORD` / `BOS_WORD`.
    pub word: u32,
    /// Cost of the best path from BOS through this node (`i32::MAX`: unreachable).
    total: i32,
    /// The best path's previous node.
    prev: u32,
}

impl Node {
    pub fn is_oov(&self) -> bool {
        self.word == OOV_WORD
    }

    fn new(
        begin: usize,
        end: usize,
        left: u16,
        right: u16,
        cost: i16,
        pos: u16,
        word: u32,
    ) -> Node {
        Node {
            begin: doc32(begin),
            end: doc32(end),
            left,
            right,
            cost,
            pos,
            word,
            total: 0,
            prev: NONE,
        }
    }
}

/// The lattice, built in two passes: first every node (dictionary words and OOV nodes at
/// each position a node ends at), then Viterbi over them. Nodes keep the order Sudachi
/// inserts them in (by begin position, then dictionary words before OOV), because that
/// order is the tie-break: the first candidate with the minimal total wins. With the passes
/// apart, each loop is short and branch-light, and the Viterbi step needs no per-position
/// deduplication or memo (an argmin over all predecessors gives the same node).
pub struct Lattice {
    nodes: Vec<Node>,
    /// Node indices by end position, in index order: `by_end[end_at[e]..end_at[e + 1]]`.
    by_end: Vec<u32>,
    end_at: Vec<u32>,
}

/// Everything the lattice builder reads besides the text.
pub struct Resources<'a> {
    pub dic: &'a Dic,
    pub cd: &'a CharDef,
    pub unk: &'a UnkDef,
    pub simple: OovRow,
}

/// (sum, index) as a key whose unsigned order is by sum, then by index.
#[inline]
fn pack(sum: i32, index: u32) -> u64 {
    (u64::from(sum.cast_unsigned() ^ 0x8000_0000) << 32) | u64::from(index)
}

#[inline]
#[allow(
    clippy::cast_possible_truncation,
    reason = "the two halves of a `pack`ed key"
)]
fn unpack(key: u64) -> (i32, u32) {
    (((key >> 32) as u32 ^ 0x8000_0000).cast_signed(), key as u32)
}

/// The nodes ending at the current position that a path reaches, as the argmin reads them:
/// (total, right id, index), by total (index order among equal totals).
struct Preds {
    by_total: Vec<(i32, u16, u32)>,
    /// No sum of a total and a connection cost can wrap around: the bound in `best` holds.
    exact_bound: bool,
}

impl Preds {
    fn gather(&mut self, nodes: &[Node], ending: &[u32]) {
        self.by_total.clear();
        for &k in ending {
            let l = &nodes[k as usize];
            if l.total != i32::MAX {
                self.by_total.push((l.total, l.right, k));
            }
        }
        self.by_total.sort_by_key(|p| p.0);
        let margin = i32::from(i16::MAX) + 1;
        self.exact_bound = match (self.by_total.first(), self.by_total.last()) {
            (Some(lo), Some(hi)) => lo.0 >= i32::MIN + margin && hi.0 <= i32::MAX - margin,
            _ => true,
        };
    }

    /// Best predecessor for a node with left id `left`: (total + connection cost, index),
    /// first-inserted on ties; (`i32::MAX`, NONE) when nothing connects. (Sudachi keeps one
    /// predecessor per right id; the argmin over all is the same node.)
    ///
    /// Predecessors come by increasing total, so once a total plus the row's smallest cost
    /// exceeds the best sum so far, no later one can reach it, not even to tie: about three
    /// in four matrix reads are skipped. The key orders by sum (sign bit flipped so it sorts
    /// as unsigned), then by node index, so the order of evaluation does not matter.
    fn best(&self, dic: &Dic, left: u16) -> (i32, u32) {
        self.best_in(dic.conn_row(left), i32::from(dic.row_min(left)))
    }

    /// `best` with the node's matrix row and that row's smallest cost.
    fn best_in(&self, row: &[i16], floor: i32) -> (i32, u32) {
        if self.by_total.is_empty() {
            return (i32::MAX, NONE);
        }
        let mut key = u64::MAX;
        let mut best = i32::MAX;
        for &(total, r, k) in &self.by_total {
            if self.exact_bound && total + floor > best {
                break;
            }
            let c = total.wrapping_add(i32::from(row.get(r as usize).copied().unwrap_or(0)));
            best = best.min(c);
            key = key.min(pack(c, k));
        }
        unpack(key)
    }
}

impl Lattice {
    /// Builds the lattice of `t` (non-empty) and returns it with the best path (node indices,
    /// BOS/EOS excluded).
    pub fn build(res: &Resources, t: &Text) -> Result<(Lattice, Vec<u32>)> {
        let n = t.n();
        let mut nodes = Vec::with_capacity(n * 4 + 1);
        nodes.push(Node::new(0, 0, 0, 0, 0, 0, BOS_WORD));
        // (begin position, first node) of each run of nodes sharing a begin position.
        let mut runs: Vec<(u32, u32)> = Vec::with_capacity(n);
        Self::add_nodes(res, t, &mut nodes, &mut runs)?;

        // Counting sort of node indices by end position (stable: index order).
        let mut end_at = vec![0u32; n + 2];
        for nd in &nodes {
            end_at[nd.end as usize + 1] += 1;
        }
        for e in 1..end_at.len() {
            end_at[e] += end_at[e - 1];
        }
        let mut by_end = vec![0u32; nodes.len()];
        let mut fill = end_at.clone();
        for (i, nd) in nodes.iter().enumerate() {
            let e = nd.end as usize;
            by_end[fill[e] as usize] = id32(i);
            fill[e] += 1;
        }
        let mut lat = Lattice {
            nodes,
            by_end,
            end_at,
        };

        let dic = res.dic;
        let mut v = Preds {
            by_total: Vec::new(),
            exact_bound: true,
        };
        runs.push((doc32(n), id32(lat.nodes.len())));
        for w in runs.windows(2) {
            let (p, from) = (w[0].0 as usize, w[0].1 as usize);
            v.gather(&lat.nodes, lat.ending_at(p));
            for i in from..w[1].1 as usize {
                let nd = &mut lat.nodes[i];
                let (best, best_i) = v.best(dic, nd.left);
                nd.total = if best_i == NONE {
                    i32::MAX
                } else {
                    best.wrapping_add(i32::from(nd.cost))
                };
                nd.prev = best_i;
            }
        }
        // EOS: left_id 0, cost 0.
        v.gather(&lat.nodes, lat.ending_at(n));
        let (_, mut cur) = v.best(dic, 0);
        if cur == NONE {
            return Err(bad("lattice has no path from BOS to EOS"));
        }
        let mut path = Vec::new();
        while cur != NONE && lat.nodes[cur as usize].word != BOS_WORD {
            path.push(cur);
            cur = lat.nodes[cur as usize].prev;
        }
        path.reverse();
        Ok((lat, path))
    }

    /// First pass: the nodes starting at each position some node ends at (BOS ends at 0),
    /// in Sudachi's insertion order.
    fn add_nodes(
        res: &Resources,
        t: &Text,
        nodes: &mut Vec<Node>,
        runs: &mut Vec<(u32, u32)>,
    ) -> Result<()> {
        let n = t.n();
        let dic = res.dic;
        let bytes = t.text.as_bytes();
        let mut reached = vec![false; n + 1];
        reached[0] = true;
        let mut matches = Vec::new();
        let mut oovs: Vec<(usize, OovRow)> = Vec::new();
        // Trie walks for a block of positions at a time, from each position a node can end
        // at (a word cannot end where `can_bow` is false; a position reached anyway is
        // searched on its own).
        let mut found: [Vec<(u32, usize)>; MANY_STARTS] = Default::default();
        let mut starts = Vec::with_capacity(MANY_STARTS);
        let mut lane = [usize::MAX; MANY_STARTS];
        for p in 0..n {
            if p % MANY_STARTS == 0 {
                starts.clear();
                for q in p..(p + MANY_STARTS).min(n) {
                    lane[q - p] = usize::MAX;
                    if t.can_bow[q] {
                        lane[q - p] = starts.len();
                        starts.push(t.c2b[q] as usize);
                    }
                }
                dic.prefix_search_many(bytes, &starts, &mut found);
            }
            if !reached[p] {
                continue;
            }
            let first = nodes.len();
            let matches = match lane[p % MANY_STARTS] {
                usize::MAX => {
                    dic.prefix_search(bytes, t.c2b[p] as usize, &mut matches);
                    &matches
                }
                j => &found[j],
            };
            for &(key, end_b) in matches {
                if end_b < bytes.len() && !t.can_bow_byte(end_b) {
                    continue;
                }
                let end = t.b2c[end_b];
                if end == NONE {
                    continue;
                }
                for w in dic.words(key)? {
                    let e = end as usize;
                    nodes.push(Node::new(p, e, w.left, w.right, w.cost, w.pos, w.word()));
                }
            }
            let mut created = nodes.len() > first;
            let mut oov = |e: usize, r: OovRow| {
                nodes.push(Node::new(p, e, r.left, r.right, r.cost, r.pos, OOV_WORD));
            };
            if t.can_oov_bow(p) {
                oovs.clear();
                oov::mecab(res.cd, res.unk, t, p, created, |e, r| oovs.push((e, r)));
                for &(e, r) in &oovs {
                    oov(e, r);
                    created = true;
                }
                if let Some(e) = oov::simple_end(t, p, created) {
                    oov(e, res.simple);
                    created = true;
                }
            }
            if !created {
                if let Some(e) = oov::simple_end(t, p, created) {
                    oov(e, res.simple);
                }
            }
            for nd in &nodes[first..] {
                reached[nd.end as usize] = true;
            }
            if nodes.len() > first {
                runs.push((doc32(p), id32(first)));
            }
        }
        Ok(())
    }

    fn ending_at(&self, e: usize) -> &[u32] {
        &self.by_end[self.end_at[e] as usize..self.end_at[e + 1] as usize]
    }

    pub fn node(&self, i: u32) -> &Node {
        &self.nodes[i as usize]
    }

    /// The lowest-cost node (first on ties) spanning exactly [begin, end), if any.
    pub fn min_cost_node(&self, begin: u32, end: u32) -> Option<&Node> {
        let mut best: Option<&Node> = None;
        if end as usize >= self.end_at.len() - 1 {
            return None;
        }
        for &k in self.ending_at(end as usize) {
            let nd = &self.nodes[k as usize];
            if nd.begin == begin && nd.word != BOS_WORD && best.is_none_or(|b| nd.cost < b.cost) {
                best = Some(nd);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sudachi::chardef::{ALL, KANJI, KANJINUMERIC};

    /// The bounded argmin against every predecessor, with totals spread out, bunched up and
    /// near the ends of the i32 range (where sums wrap and the bound must not be used).
    #[test]
    fn bounded_argmin_is_the_full_argmin() {
        let mut next = crate::filters::testgen::xorshift(0x9E37_79B9_7F4A_7C15);
        let width = 40usize;
        for case in 0..4000 {
            let row: Vec<i16> = (0..width).map(|_| next() as i16).collect();
            let floor = i32::from(*row.iter().min().unwrap());
            let n = (next() % 12) as usize;
            let (base, spread): (i32, u64) = match case % 4 {
                0 => (0, 200_000),
                1 => (-1000, 50),
                2 => (i32::MAX - 40_000, 80_000),
                _ => (i32::MIN + 10, 60_000),
            };
            let mut preds = Preds {
                by_total: Vec::new(),
                exact_bound: true,
            };
            let mut nodes = Vec::new();
            for _ in 0..n {
                let total = base.wrapping_add((next() % spread.max(1)) as i32);
                let right = (next() % width as u64) as u16;
                let mut nd = Node::new(0, 1, 0, right, 0, 0, OOV_WORD);
                nd.total = if total == i32::MAX { 0 } else { total };
                nodes.push(nd);
            }
            let ending: Vec<u32> = (0..id32(n)).collect();
            preds.gather(&nodes, &ending);
            let mut key = u64::MAX;
            for (k, nd) in nodes.iter().enumerate() {
                let c = nd.total.wrapping_add(i32::from(row[nd.right as usize]));
                key = key.min(pack(c, id32(k)));
            }
            let want = if n == 0 {
                (i32::MAX, NONE)
            } else {
                unpack(key)
            };
            assert_eq!(preds.best_in(&row, floor), want, "case {case}");
        }
    }

    #[test]
    fn continuity_and_can_bow() {
        let cd = CharDef::parse(
            "0x0061..0x007A ALPHA\n0x0030..0x0039 NUMERIC\n0x4E00 KANJI KANJINUMERIC\n\
             0x6F22 KANJI\n0x0300..0x036F ALL NOOOVBOW\n",
        )
        .unwrap();
        let t = Text::new("ab1c\u{301}d一漢", &cd);
        assert_eq!(t.n(), 8);
        assert_eq!(
            t.can_bow,
            [true, false, true, true, false, false, true, true]
        );
        // "ab" run, then "1", then "c" + mark + "d" (ALL glues), then 一漢 (KANJI shared)
        assert_eq!(t.cont, [2, 1, 1, 3, 2, 1, 2, 1]);
        assert_eq!(t.cat_range(6, 8), KANJI);
        assert_eq!(t.cats[4], ALL | NOOOVBOW);
        assert_eq!(t.cats[6], KANJI | KANJINUMERIC);
        assert_eq!(t.cat_range(3, 3), 0);
    }
}
