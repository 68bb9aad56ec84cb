//! `PyThaiNLP`'s word dictionary (`words_th.txt`) as a character trie. The only query newmm
//! makes is "which dictionary words start here", answered shortest first.

use crate::narrow::id32;
use crate::pytext::{splitlines, strip};

/// A character trie in flat arrays: node `i`'s children are `edges[start..start + len]`,
/// sorted by character.
pub struct Trie {
    nodes: Vec<Node>,
    edges: Vec<(char, u32)>,
    /// The root's children in the Thai block (U+0E00..U+0E7F) by offset; 0 = none.
    root_thai: Vec<u32>,
}

#[derive(Clone, Copy, Default)]
struct Node {
    start: u32,
    len: u32,
    end: bool,
}

impl Trie {
    /// From the dictionary file's text as `PyThaiNLP` reads it: an optional BOM is skipped
    /// (`utf-8-sig`), lines are Python `splitlines()`, empty lines dropped and each entry
    /// `strip()`-ed (an entry that strips to nothing can never match, so it is skipped).
    #[must_use]
    pub fn from_text(text: &str) -> Trie {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Build with per-node child lists, then flatten.
        let mut children: Vec<Vec<(char, u32)>> = vec![Vec::new()];
        let mut end: Vec<bool> = vec![false];
        for line in splitlines(text) {
            let word = strip(line);
            if word.is_empty() {
                continue;
            }
            let mut node = 0usize;
            for c in word.chars() {
                let next = if let Some(&(_, n)) = children[node].iter().find(|&&(k, _)| k == c) {
                    n as usize
                } else {
                    let n = children.len();
                    children.push(Vec::new());
                    end.push(false);
                    children[node].push((c, id32(n))); // nodes of the dictionary trie
                    n
                };
                node = next;
            }
            end[node] = true;
        }
        let mut nodes = Vec::with_capacity(children.len());
        let mut edges = Vec::with_capacity(children.len());
        for (mut kids, &is_end) in children.into_iter().zip(&end) {
            kids.sort_unstable_by_key(|&(c, _)| c);
            nodes.push(Node {
                start: id32(edges.len()),
                len: id32(kids.len()),
                end: is_end,
            });
            edges.extend(kids);
        }
        let mut root_thai = vec![0u32; 0x80];
        let r = nodes[0];
        for &(c, n) in &edges[r.start as usize..(r.start + r.len) as usize] {
            if let Some(k) = (c as u32).checked_sub(0x0E00).filter(|&k| k < 0x80) {
                root_thai[k as usize] = n;
            }
        }
        Trie {
            nodes,
            edges,
            root_thai,
        }
    }

    /// Number of words (end-of-word nodes).
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.iter().filter(|n| n.end).count()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn child(&self, node: usize, c: char) -> Option<usize> {
        if node == 0 {
            if let Some(k) = (c as u32).checked_sub(0x0E00).filter(|&k| k < 0x80) {
                return Some(self.root_thai[k as usize] as usize).filter(|&n| n != 0);
            }
        }
        let n = self.nodes[node];
        let kids = &self.edges[n.start as usize..(n.start + n.len) as usize];
        kids.binary_search_by_key(&c, |&(k, _)| k)
            .ok()
            .map(|i| kids[i].1 as usize)
    }

    /// Calls `f(end)` for every dictionary word `text[start..end]`, shortest first, until `f`
    /// returns false.
    pub fn prefixes(&self, text: &[char], start: usize, mut f: impl FnMut(usize) -> bool) {
        let mut node = 0usize;
        for (i, &c) in text.iter().enumerate().skip(start) {
            match self.child(node, c) {
                Some(n) => node = n,
                None => return,
            }
            if self.nodes[node].end && !f(i + 1) {
                return;
            }
        }
    }

    /// Whether `word` is in the dictionary.
    #[must_use]
    pub fn contains(&self, word: &str) -> bool {
        let mut node = 0usize;
        for c in word.chars() {
            match self.child(node, c) {
                Some(n) => node = n,
                None => return false,
            }
        }
        node != 0 && self.nodes[node].end
    }
}
