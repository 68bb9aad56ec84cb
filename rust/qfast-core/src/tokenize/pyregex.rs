//! A tiny backtracking matcher for the Python `re` syntax trees emitted by
//! `scripts/gen_spacy_tables.py` (spaCy's prefix/suffix/infix alternatives).
//!
//! Semantics follow Python `re`: leftmost-first alternation, greedy/lazy repeats with
//! backtracking, fixed-width look-behind, look-ahead, `^`, `$` (end or before a final `\n`).
//! Character classes arrive already resolved to code point ranges with Python's meaning.

use crate::narrow::usize64;
use serde_json::Value;

/// A set of code points: sorted, non-overlapping inclusive ranges plus an ASCII bitmap, and
/// for sets of many ranges a BMP bitmap (8 KB): the tokenizer tests every character of a CJK
/// chunk against such sets (e.g. the infix characters, with spaCy's icon class), where a
/// binary search per character cost more than the rest of the chunk's work.
#[derive(Clone, Debug, Default)]
pub(crate) struct CharSet {
    ascii: [u64; 2],
    ranges: Vec<(u32, u32)>,
    bmp: Option<std::sync::Arc<[u64]>>,
}

/// Sets with at least this many ranges get a BMP bitmap.
const BMP_MIN_RANGES: usize = 8;

impl CharSet {
    pub(crate) fn from_ranges(mut ranges: Vec<(u32, u32)>) -> Self {
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            match merged.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        let mut ascii = [0u64; 2];
        for &(lo, hi) in &merged {
            for cp in lo..=hi.min(127) {
                ascii[(cp >> 6) as usize] |= 1u64 << (cp & 63);
            }
        }
        let bmp = (merged.len() >= BMP_MIN_RANGES).then(|| {
            let mut bits = vec![0u64; 0x10000 / 64];
            for &(lo, hi) in &merged {
                for cp in lo..=hi.min(0xFFFF) {
                    bits[(cp >> 6) as usize] |= 1u64 << (cp & 63);
                }
            }
            bits.into()
        });
        CharSet {
            ascii,
            ranges: merged,
            bmp,
        }
    }

    /// The sorted, merged inclusive code point ranges.
    pub(crate) fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub(crate) fn has_non_ascii(&self) -> bool {
        self.ranges.last().is_some_and(|&(_, hi)| hi >= 128)
    }

    pub(crate) fn same_as(&self, other: &CharSet) -> bool {
        self.ranges == other.ranges
    }

    pub(crate) fn all() -> Self {
        Self::from_ranges(vec![(0, 0x0010_FFFF)])
    }

    pub(crate) fn union(&self, other: &CharSet) -> CharSet {
        let mut r = self.ranges.clone();
        r.extend_from_slice(&other.ranges);
        Self::from_ranges(r)
    }

    #[inline]
    pub(crate) fn contains(&self, c: char) -> bool {
        let cp = c as u32;
        if cp < 128 {
            return self.ascii[(cp >> 6) as usize] & (1u64 << (cp & 63)) != 0;
        }
        if let (Some(bits), true) = (&self.bmp, cp < 0x10000) {
            return bits[(cp >> 6) as usize] & (1u64 << (cp & 63)) != 0;
        }
        // Binary search over ranges.
        let r = &self.ranges;
        let idx = r.partition_point(|&(_, hi)| hi < cp);
        idx < r.len() && r[idx].0 <= cp
    }

    pub(crate) fn parse(v: &Value) -> Option<CharSet> {
        let arr = v.as_array()?;
        let mut ranges = Vec::with_capacity(arr.len());
        for item in arr {
            let pair = item.as_array()?;
            let lo = u32::try_from(pair.first()?.as_u64()?).ok()?;
            let hi = u32::try_from(pair.get(1)?.as_u64()?).ok()?;
            ranges.push((lo, hi));
        }
        Some(CharSet::from_ranges(ranges))
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Node {
    Lit(char),
    Set(usize),
    Repeat {
        min: usize,
        max: Option<usize>,
        lazy: bool,
        body: Vec<Node>,
    },
    Alt(Vec<Vec<Node>>),
    Look {
        behind: bool,
        negate: bool,
        width: usize,
        body: Vec<Node>,
    },
    Start,
    End,
    EndAbs,
}

/// One compiled alternative of an affix pattern.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    pub(crate) seq: Vec<Node>,
    pub(crate) min_width: usize,
    pub(crate) max_width: Option<usize>,
    /// For unbounded patterns: every char a match consumes is in this set (look-arounds
    /// excluded), so a match ending at the end lies inside the trailing run of such chars.
    pub(crate) body: Option<CharSet>,
    /// Straight-line form (single chars and fixed one-char-per-node look-arounds), matched
    /// without backtracking; None when the pattern needs the general matcher.
    pub(crate) simple: Option<Vec<Simple>>,
}

/// One step of a straight-line pattern.
#[derive(Clone, Debug)]
pub(crate) enum Simple {
    /// Consume one char matching the node (a `Lit` or `Set`).
    Char(Node),
    /// The chars just before (behind) or at (ahead) the position match `nodes` (or, negated,
    /// do not).
    Look {
        behind: bool,
        negate: bool,
        nodes: Vec<Node>,
    },
    Start,
    End,
    EndAbs,
}

fn simple_form(seq: &[Node]) -> Option<Vec<Simple>> {
    let single = |n: &Node| matches!(n, Node::Lit(_) | Node::Set(_));
    seq.iter()
        .map(|n| match n {
            Node::Lit(_) | Node::Set(_) => Some(Simple::Char(n.clone())),
            Node::Look {
                behind,
                negate,
                width,
                body,
            } if body.iter().all(single) && body.len() == *width && !body.is_empty() => {
                Some(Simple::Look {
                    behind: *behind,
                    negate: *negate,
                    nodes: body.clone(),
                })
            }
            Node::Start => Some(Simple::Start),
            Node::End => Some(Simple::End),
            Node::EndAbs => Some(Simple::EndAbs),
            _ => None,
        })
        .collect()
}

/// Union of the chars `seq` can consume outside look-arounds (None if some node is unknown).
fn consumed_chars(seq: &[Node], sets: &[CharSet], acc: &mut Vec<(u32, u32)>) -> Option<()> {
    for n in seq {
        match n {
            Node::Lit(c) => acc.push((*c as u32, *c as u32)),
            Node::Set(i) => acc.extend_from_slice(&sets.get(*i)?.ranges),
            Node::Repeat { body, .. } => consumed_chars(body, sets, acc)?,
            Node::Alt(bs) => {
                for b in bs {
                    consumed_chars(b, sets, acc)?;
                }
            }
            Node::Look { .. } | Node::Start | Node::End | Node::EndAbs => {}
        }
    }
    Some(())
}

impl Pattern {
    pub(crate) fn with_body(mut self, sets: &[CharSet]) -> Self {
        self.simple = simple_form(&self.seq);
        if self.max_width.is_none() {
            let mut acc = Vec::new();
            if consumed_chars(&self.seq, sets, &mut acc).is_some() {
                self.body = Some(CharSet::from_ranges(acc));
            }
        }
        self
    }
}

pub(crate) fn parse_seq(v: &Value) -> Option<Vec<Node>> {
    v.as_array()?.iter().map(parse_node).collect()
}

fn parse_node(v: &Value) -> Option<Node> {
    let a = v.as_array()?;
    let tag = a.first()?.as_str()?;
    Some(match tag {
        "L" => Node::Lit(char::from_u32(u32::try_from(a.get(1)?.as_u64()?).ok()?)?),
        "S" => Node::Set(usize64(a.get(1)?.as_u64()?)),
        "R" => {
            let min = usize64(a.get(1)?.as_u64()?);
            let max = a.get(2)?.as_i64()?;
            Node::Repeat {
                min,
                max: usize::try_from(max).ok(), // -1: unbounded
                lazy: a.get(3)?.as_bool()?,
                body: parse_seq(a.get(4)?)?,
            }
        }
        "B" => Node::Alt(
            a.get(1)?
                .as_array()?
                .iter()
                .map(parse_seq)
                .collect::<Option<Vec<_>>>()?,
        ),
        "A" => Node::Look {
            behind: a.get(1)?.as_bool()?,
            negate: a.get(2)?.as_bool()?,
            width: usize64(a.get(3)?.as_u64()?),
            body: parse_seq(a.get(4)?)?,
        },
        "^" => Node::Start,
        "$" => Node::End,
        "z" => Node::EndAbs,
        _ => return None,
    })
}

pub(crate) fn parse_pattern(v: &Value) -> Option<Pattern> {
    let w = v.get("w")?.as_array()?;
    let min_width = usize64(w.first()?.as_u64()?);
    let max = w.get(1)?.as_i64()?;
    Some(Pattern {
        seq: parse_seq(v.get("re")?)?,
        min_width,
        max_width: usize::try_from(max).ok(), // -1: unbounded
        body: None,
        simple: None,
    })
}

/// Matcher context: the set table and the subject (a slice of chars).
pub(crate) struct Matcher<'s> {
    pub(crate) sets: &'s [CharSet],
    pub(crate) s: &'s [char],
}

impl Matcher<'_> {
    #[inline]
    fn single(&self, node: &Node, pos: usize) -> Option<bool> {
        // Some(matches?) for single-char nodes, None otherwise.
        match node {
            Node::Lit(c) => Some(self.s.get(pos) == Some(c)),
            Node::Set(i) => Some(match (self.s.get(pos), self.sets.get(*i)) {
                (Some(&ch), Some(set)) => set.contains(ch),
                _ => false,
            }),
            _ => None,
        }
    }

    /// Try to match `seq` at `pos`; on each way it can end, call `k(end)`; stop at the first true.
    pub(crate) fn m(&self, seq: &[Node], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        let Some((node, rest)) = seq.split_first() else {
            return k(pos);
        };
        match node {
            Node::Lit(_) | Node::Set(_) => {
                if self.single(node, pos) == Some(true) {
                    self.m(rest, pos + 1, k)
                } else {
                    false
                }
            }
            Node::Start => pos == 0 && self.m(rest, pos, k),
            Node::End => {
                let n = self.s.len();
                (pos == n || (pos + 1 == n && self.s.get(pos) == Some(&'\n')))
                    && self.m(rest, pos, k)
            }
            Node::EndAbs => pos == self.s.len() && self.m(rest, pos, k),
            Node::Alt(branches) => {
                for b in branches {
                    if self.m(b, pos, &mut |p| self.m(rest, p, k)) {
                        return true;
                    }
                }
                false
            }
            Node::Look {
                behind,
                negate,
                width,
                body,
            } => {
                let found = if *behind {
                    if pos < *width {
                        false
                    } else {
                        self.m(body, pos - width, &mut |p| p == pos)
                    }
                } else {
                    self.m(body, pos, &mut |_| true)
                };
                found != *negate && self.m(rest, pos, k)
            }
            Node::Repeat {
                min,
                max,
                lazy,
                body,
            } => {
                let max = max.unwrap_or(usize::MAX);
                if let [one] = body.as_slice() {
                    if self.single(one, pos).is_some() {
                        // Single-char body: count the run, then try lengths without recursion.
                        let mut n = 0usize;
                        while n < max && self.single(one, pos + n) == Some(true) {
                            n += 1;
                        }
                        if n < *min {
                            return false;
                        }
                        if *lazy {
                            for j in *min..=n {
                                if self.m(rest, pos + j, k) {
                                    return true;
                                }
                            }
                        } else {
                            for j in (*min..=n).rev() {
                                if self.m(rest, pos + j, k) {
                                    return true;
                                }
                            }
                        }
                        return false;
                    }
                }
                self.rep(body, *min, max, *lazy, rest, 0, pos, k)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rep(
        &self,
        body: &[Node],
        min: usize,
        max: usize,
        lazy: bool,
        rest: &[Node],
        count: usize,
        pos: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        if lazy && count >= min && self.m(rest, pos, k) {
            return true;
        }
        if count < max
            && self.m(body, pos, &mut |p| {
                // An empty iteration past the minimum cannot make progress.
                if p == pos && count >= min {
                    return false;
                }
                self.rep(body, min, max, lazy, rest, count + 1, p, k)
            })
        {
            return true;
        }
        !lazy && count >= min && self.m(rest, pos, k)
    }

    /// End of the match of `p` starting at `pos` (Python `pattern.match(s, pos)`).
    #[inline]
    pub(crate) fn match_pattern(&self, p: &Pattern, pos: usize) -> Option<usize> {
        match &p.simple {
            Some(ops) => self.match_simple(ops, pos),
            None => self.match_at(&p.seq, pos),
        }
    }

    fn match_simple(&self, ops: &[Simple], mut pos: usize) -> Option<usize> {
        let n = self.s.len();
        for op in ops {
            match op {
                Simple::Char(node) => {
                    if self.single(node, pos) != Some(true) {
                        return None;
                    }
                    pos += 1;
                }
                Simple::Look {
                    behind,
                    negate,
                    nodes,
                } => {
                    let at = if *behind {
                        pos.checked_sub(nodes.len())
                    } else {
                        Some(pos)
                    };
                    let found = match at {
                        Some(at) => nodes
                            .iter()
                            .enumerate()
                            .all(|(j, nd)| self.single(nd, at + j) == Some(true)),
                        None => false,
                    };
                    if found == *negate {
                        return None;
                    }
                }
                Simple::Start => {
                    if pos != 0 {
                        return None;
                    }
                }
                Simple::End => {
                    if !(pos == n || (pos + 1 == n && self.s.get(pos) == Some(&'\n'))) {
                        return None;
                    }
                }
                Simple::EndAbs => {
                    if pos != n {
                        return None;
                    }
                }
            }
        }
        Some(pos)
    }

    /// End of the first match of `seq` starting at `pos` (Python `pattern.match(s, pos)`).
    pub(crate) fn match_at(&self, seq: &[Node], pos: usize) -> Option<usize> {
        let mut end = None;
        self.m(seq, pos, &mut |p| {
            end = Some(p);
            true
        });
        end
    }
}

/// Characters a match of `seq` can start with (None = unknown/any).
pub(crate) fn first_chars(seq: &[Node], sets: &[CharSet]) -> Option<CharSet> {
    edge_chars(seq, sets, false)
}

/// Characters a match of `seq` can end with (None = unknown/any).
pub(crate) fn last_chars(seq: &[Node], sets: &[CharSet]) -> Option<CharSet> {
    edge_chars(seq, sets, true)
}

/// Characters at the start (or, `from_end`, the end) of any match of `seq`.
fn edge_chars(seq: &[Node], sets: &[CharSet], from_end: bool) -> Option<CharSet> {
    let nodes: Box<dyn Iterator<Item = &Node>> = if from_end {
        Box::new(seq.iter().rev())
    } else {
        Box::new(seq.iter())
    };
    for node in nodes {
        match node {
            Node::Start | Node::End | Node::EndAbs | Node::Look { .. } => {}
            Node::Lit(c) => return Some(CharSet::from_ranges(vec![(*c as u32, *c as u32)])),
            Node::Set(i) => return sets.get(*i).cloned(),
            Node::Repeat { min, body, .. } => {
                return if *min >= 1 {
                    edge_chars(body, sets, from_end)
                } else {
                    None
                }
            }
            Node::Alt(branches) => {
                let mut acc = CharSet::default();
                for b in branches {
                    if b.is_empty() {
                        return None;
                    }
                    acc = acc.union(&edge_chars(b, sets, from_end)?);
                }
                return Some(acc);
            }
        }
    }
    None
}
