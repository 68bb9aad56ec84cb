//! Best-path nodes as the path-rewrite plugins and the mode-A splitter see them.

use super::dic::{entry_id, split_entry, Dic};
use super::lattice::{Lattice, Text};
use crate::error::Result;

/// Where a node's normalized form comes from (only `JoinNumeric` reads it).
#[derive(Clone, Debug)]
pub enum Norm {
    /// The normalized form of a dictionary word (`LexWord::word`).
    Entry(u32),
    /// The modified text of the node's own span (OOV nodes).
    Slice,
    /// Built by a concatenation.
    Owned(String),
}

#[derive(Clone, Debug)]
pub struct PathNode {
    /// Character range in the modified text.
    pub begin: usize,
    pub end: usize,
    pub pos: u16,
    pub oov: bool,
    /// The dictionary entry whose A split applies; None = not split (OOV, built by a
    /// plugin, or an entry without an A split).
    pub split_eid: Option<u32>,
    pub norm: Norm,
}

impl PathNode {
    pub fn from_lattice(lat: &Lattice, path: &[u32]) -> Vec<PathNode> {
        path.iter()
            .map(|&i| {
                let n = lat.node(i);
                let dict = !n.is_oov();
                PathNode {
                    begin: n.begin as usize,
                    end: n.end as usize,
                    pos: n.pos,
                    oov: !dict,
                    split_eid: split_entry(n.word).filter(|_| dict),
                    norm: if dict {
                        Norm::Entry(n.word)
                    } else {
                        Norm::Slice
                    },
                }
            })
            .collect()
    }

    fn slice<'t>(&self, t: &Text<'t>) -> &'t str {
        &t.text[t.c2b[self.begin] as usize..t.c2b[self.end] as usize]
    }

    pub fn norm_string(&self, dic: &Dic, t: &Text) -> Result<String> {
        Ok(match &self.norm {
            Norm::Entry(word) => dic.normalized(entry_id(*word))?,
            Norm::Slice => self.slice(t).to_owned(),
            Norm::Owned(s) => s.clone(),
        })
    }

    /// `Some(b',')` / `Some(b'.')` when the normalized form is exactly that, else None.
    pub fn norm_comma_or_period(&self, dic: &Dic, t: &Text) -> Result<Option<u8>> {
        let punct = |s: &str| match s.as_bytes() {
            [b @ (b',' | b'.')] => Some(*b),
            _ => None,
        };
        Ok(match &self.norm {
            Norm::Entry(word) => dic.norm_comma_or_period(*word)?,
            Norm::Slice => punct(self.slice(t)),
            Norm::Owned(s) => punct(s),
        })
    }
}

/// The best path as the rewrite plugins edit it: a gap buffer, so that replacing a range by
/// one node costs the distance from the previous edit rather than the whole tail. Both
/// plugins edit at non-decreasing positions, which keeps long inputs linear (splicing a
/// plain Vec made 49 KB of `1,234 1,234 …` quadratic).
pub struct Path {
    front: Vec<PathNode>,
    /// Nodes after the gap, in reverse order.
    back: Vec<PathNode>,
}

impl Path {
    pub fn new(nodes: Vec<PathNode>) -> Path {
        Path {
            front: nodes,
            back: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.front.len() + self.back.len()
    }

    fn move_gap(&mut self, at: usize) {
        while self.front.len() > at {
            let Some(x) = self.front.pop() else { break };
            self.back.push(x);
        }
        while self.front.len() < at {
            let Some(x) = self.back.pop() else { break };
            self.front.push(x);
        }
    }

    /// Replaces nodes [b, e) with `node`.
    pub fn replace(&mut self, b: usize, e: usize, node: PathNode) {
        self.move_gap(e);
        self.front.truncate(b);
        self.front.push(node);
    }

    pub fn into_vec(mut self) -> Vec<PathNode> {
        let n = self.len();
        self.move_gap(n);
        self.front
    }
}

impl std::ops::Index<usize> for Path {
    type Output = PathNode;
    fn index(&self, i: usize) -> &PathNode {
        match i.checked_sub(self.front.len()) {
            None => &self.front[i],
            Some(k) => &self.back[self.back.len() - 1 - k],
        }
    }
}

impl std::ops::IndexMut<usize> for Path {
    fn index_mut(&mut self, i: usize) -> &mut PathNode {
        match i.checked_sub(self.front.len()) {
            None => &mut self.front[i],
            Some(k) => {
                let j = self.back.len() - 1 - k;
                &mut self.back[j]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(begin: usize) -> PathNode {
        PathNode {
            begin,
            end: begin + 1,
            pos: 0,
            oov: false,
            split_eid: None,
            norm: Norm::Slice,
        }
    }

    #[test]
    fn gap_buffer_replace_and_index() {
        let mut p = Path::new((0..6).map(node).collect());
        p.replace(1, 3, PathNode { end: 3, ..node(1) });
        assert_eq!(p.len(), 5);
        assert_eq!((p[1].begin, p[1].end, p[2].begin, p[4].begin), (1, 3, 3, 5));
        p[3].pos = 7;
        p.replace(0, 1, node(0));
        p.replace(3, 5, PathNode { end: 6, ..node(4) });
        let v: Vec<(usize, usize, u16)> = p
            .into_vec()
            .iter()
            .map(|n| (n.begin, n.end, n.pos))
            .collect();
        assert_eq!(v, [(0, 1, 0), (1, 3, 0), (3, 4, 0), (4, 6, 0)]);
    }
}
