//! Per-character arrays over the modified text, lattice construction and i32 Viterbi.
//!
//! Nodes live in one flat vector; each end position keeps an intrusive singly linked list in
//! insertion order, because insertion order is the tie-break order: a node's best
//! predecessor is computed when it is inserted (every node ending at its begin position is
//! already there), and the first candidate with the minimal total wins.

use super::chardef::{CharDef, ALPHA, CYRILLIC, GREEK, NOOOVBOW, NOOOVEOW};
use super::dic::{bad, Dic};
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
    /// Dictionary entry id, or `OOV_WORD` / `BOS_WORD`.
    pub word: u32,
    total: i32,
    prev: u32,
    next: u32,
}

impl Node {
    pub fn is_oov(&self) -> bool {
        self.word == OOV_WORD
    }
}

pub struct Lattice {
    nodes: Vec<Node>,
    /// First and last node ending at each position.
    head: Vec<u32>,
    tail: Vec<u32>,
    /// Deduplicated predecessors at the current begin position: (right id, total, index).
    preds: Vec<(u16, i32, u32)>,
    /// `best_prev` results for the current begin position: (left id, sum, index).
    memo: Vec<(u16, i32, u32)>,
}

/// Everything the lattice builder reads besides the text.
pub struct Resources<'a> {
    pub dic: &'a Dic,
    pub cd: &'a CharDef,
    pub unk: &'a UnkDef,
    pub simple: OovRow,
}

impl Lattice {
    /// Collects the connected nodes ending at `p`, keeping per right id only the cheapest
    /// (the earliest on ties): the others can never win as predecessors. Contiguous
    /// (right, total, index) triples also let the matrix loads overlap.
    fn gather_preds(&mut self, p: usize) {
        self.preds.clear();
        self.memo.clear();
        let mut k = self.head[p];
        while k != NONE {
            let l = &self.nodes[k as usize];
            if l.total != i32::MAX {
                match self.preds.iter_mut().find(|x| x.0 == l.right) {
                    Some(x) => {
                        if l.total < x.1 {
                            *x = (l.right, l.total, k);
                        }
                    }
                    None => self.preds.push((l.right, l.total, k)),
                }
            }
            k = l.next;
        }
    }

    /// Best predecessor (among `preds`) for a node with left id `left`: (total + connection
    /// cost, index), first-inserted on ties. The node's own cost is the same for every
    /// candidate, so the argmin depends only on `left`; results are memoized per begin
    /// position, since all nodes inserted in one step share it and many share left ids.
    fn best_prev(&mut self, dic: &Dic, left: u16) -> (i32, u32) {
        if let Some(&(_, b, i)) = self.memo.iter().find(|m| m.0 == left) {
            return (b, i);
        }
        let mut best = i32::MAX;
        let mut best_i = NONE;
        for &(right, total, k) in &self.preds {
            let c = total.wrapping_add(i32::from(dic.conn(right, left)));
            if best_i == NONE || c < best || (c == best && k < best_i) {
                best = c;
                best_i = k;
            }
        }
        self.memo.push((left, best, best_i));
        (best, best_i)
    }

    fn insert(&mut self, dic: &Dic, mut node: Node) {
        let (best, best_i) = self.best_prev(dic, node.left);
        node.total = if best_i == NONE {
            i32::MAX
        } else {
            best.wrapping_add(i32::from(node.cost))
        };
        node.prev = best_i;
        node.next = NONE;
        let idx = id32(self.nodes.len()); // nodes of one chunk of text
        let e = node.end as usize;
        if self.tail[e] == NONE {
            self.head[e] = idx;
        } else {
            let t = self.tail[e] as usize;
            self.nodes[t].next = idx;
        }
        self.tail[e] = idx;
        self.nodes.push(node);
    }

    fn insert_oov(&mut self, dic: &Dic, p: usize, end: usize, r: OovRow) {
        self.insert(
            dic,
            Node {
                begin: doc32(p),
                end: doc32(end),
                left: r.left,
                right: r.right,
                cost: r.cost,
                pos: r.pos,
                word: OOV_WORD,
                total: 0,
                prev: NONE,
                next: NONE,
            },
        );
    }

    /// Builds the lattice of `t` (non-empty) and returns it with the best path (node indices,
    /// BOS/EOS excluded).
    pub fn build(res: &Resources, t: &Text) -> Result<(Lattice, Vec<u32>)> {
        let n = t.n();
        let dic = res.dic;
        let mut lat = Lattice {
            nodes: Vec::with_capacity(n * 4 + 1),
            head: vec![NONE; n + 1],
            tail: vec![NONE; n + 1],
            preds: Vec::new(),
            memo: Vec::new(),
        };
        lat.nodes.push(Node {
            begin: 0,
            end: 0,
            left: 0,
            right: 0,
            cost: 0,
            pos: 0,
            word: BOS_WORD,
            total: 0,
            prev: NONE,
            next: NONE,
        });
        lat.head[0] = 0;
        lat.tail[0] = 0;
        let bytes = t.text.as_bytes();
        let mut matches = Vec::new();
        let mut oovs: Vec<(usize, OovRow)> = Vec::new();
        for p in 0..n {
            if lat.head[p] == NONE {
                continue;
            }
            lat.gather_preds(p);
            let mut created = false;
            dic.prefix_search(bytes, t.c2b[p] as usize, &mut matches);
            for &(key, end_b) in &matches {
                if end_b < bytes.len() && !t.can_bow_byte(end_b) {
                    continue;
                }
                let end = t.b2c[end_b];
                if end == NONE {
                    continue;
                }
                for w in dic.words(key)? {
                    lat.insert(
                        dic,
                        Node {
                            begin: doc32(p),
                            end,
                            left: w.left,
                            right: w.right,
                            cost: w.cost,
                            pos: w.pos,
                            word: w.eid(),
                            total: 0,
                            prev: NONE,
                            next: NONE,
                        },
                    );
                    created = true;
                }
            }
            if t.can_oov_bow(p) {
                oovs.clear();
                oov::mecab(res.cd, res.unk, t, p, created, |e, r| oovs.push((e, r)));
                for &(e, r) in &oovs {
                    lat.insert_oov(dic, p, e, r);
                    created = true;
                }
                if let Some(e) = oov::simple_end(t, p, created) {
                    lat.insert_oov(dic, p, e, res.simple);
                    created = true;
                }
            }
            if !created {
                if let Some(e) = oov::simple_end(t, p, created) {
                    lat.insert_oov(dic, p, e, res.simple);
                }
            }
        }
        // EOS: left_id 0, cost 0.
        lat.gather_preds(n);
        let (_, mut cur) = lat.best_prev(dic, 0);
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

    pub fn node(&self, i: u32) -> &Node {
        &self.nodes[i as usize]
    }

    /// The lowest-cost node (first on ties) spanning exactly [begin, end), if any.
    pub fn min_cost_node(&self, begin: u32, end: u32) -> Option<&Node> {
        let mut best: Option<&Node> = None;
        let mut k = *self.head.get(end as usize)?;
        while k != NONE {
            let nd = &self.nodes[k as usize];
            if nd.begin == begin && nd.word != BOS_WORD && best.is_none_or(|b| nd.cost < b.cost) {
                best = Some(nd);
            }
            k = nd.next;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sudachi::chardef::{ALL, KANJI, KANJINUMERIC};

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
