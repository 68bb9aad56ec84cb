//! newmm: `PyThaiNLP`'s dictionary maximal matching constrained by TCC boundaries
//! (`docs/dev/thai-spec.md` sections 1.5 and 1.6), and its "safe" mode that cuts long texts
//! into chunks of about 100..140 code points first. Positions are code point indices; a
//! segmentation is returned as the end positions of its tokens (they tile the text).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::dict::Trie;
use super::nonthai::{is_two_chars, nonthai_end};
use super::tcc::valid_boundaries;

/// Edges added to the graph since the last resolution point beyond which each node only
/// contributes its shortest valid word.
const MAX_GRAPH_SIZE: usize = 50;
/// Safe mode: texts of at least `SCAN_END` code points are cut in `[SCAN_BEGIN, SCAN_END)`.
const SCAN_BEGIN: usize = 100;
const SCAN_END: usize = 140;

/// newmm over `text` (`safe`: newmm-safe), token end positions appended to `out` shifted by
/// `base`.
pub fn segment(trie: &Trie, text: &[char], safe: bool, base: usize, out: &mut Vec<usize>) {
    if !safe || text.len() < SCAN_END {
        onecut(trie, text, base, out);
        return;
    }
    let mut start = 0usize;
    while text.len() - start >= SCAN_END {
        let cut = find_cut(trie, &text[start..]);
        onecut(trie, &text[start..start + cut], base + start, out);
        start += cut;
    }
    if start < text.len() {
        onecut(trie, &text[start..], base + start, out);
    }
}

/// Where safe mode cuts `text` (at least `SCAN_END` long): after the last U+0020 of
/// `text[100..140]`, else at the start of the longest (last of the longest) token of that
/// window segmented alone.
fn find_cut(trie: &Trie, text: &[char]) -> usize {
    let sample = &text[SCAN_BEGIN..SCAN_END];
    if let Some(i) = sample.iter().rposition(|&c| c == ' ') {
        return SCAN_BEGIN + i + 1;
    }
    let mut ends = Vec::new();
    onecut(trie, sample, 0, &mut ends);
    let (mut best_start, mut best_len, mut prev) = (0usize, 0usize, 0usize);
    for &e in &ends {
        if e - prev >= best_len {
            best_len = e - prev;
            best_start = prev;
        }
        prev = e;
    }
    SCAN_BEGIN + best_start
}

/// State of one `_onecut` run.
struct Cut<'a> {
    trie: &'a Trie,
    text: &'a [char],
    valid: Vec<bool>,
    /// Edges `(from, to)` since the last resolution, in insertion order; a node's edges are
    /// contiguous because each position is expanded once.
    edges: Vec<(usize, usize)>,
    /// `(node, first edge, edge count)` for each expanded node, in increasing node order.
    nodes: Vec<(usize, usize, usize)>,
    heap: BinaryHeap<Reverse<usize>>,
    pending: Vec<bool>,
    /// Scratch buffers: words found at a node, BFS parents (by position - start) and queue.
    found: Vec<usize>,
    parent: Vec<usize>,
    queue: VecDeque<usize>,
}

impl Cut<'_> {
    fn push(&mut self, p: usize) {
        if !self.pending[p] {
            self.pending[p] = true;
            self.heap.push(Reverse(p));
        }
    }

    fn pop(&mut self) -> Option<usize> {
        let Reverse(p) = self.heap.pop()?;
        self.pending[p] = false;
        Some(p)
    }

    /// Adds the dictionary words starting at `b` that end on a cluster boundary.
    fn extend(&mut self, b: usize) {
        let first = self.edges.len();
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        let graph_size = self.edges.len();
        let valid = &self.valid;
        self.trie.prefixes(self.text, b, |e| {
            if valid[e] {
                found.push(e);
                if graph_size + found.len() > MAX_GRAPH_SIZE {
                    return false;
                }
            }
            true
        });
        for &e in &found {
            self.edges.push((b, e));
            self.push(e);
        }
        self.found = found;
        if self.edges.len() > first {
            self.nodes.push((b, first, self.edges.len() - first));
        }
    }

    fn neighbours(&self, v: usize) -> &[(usize, usize)] {
        match self.nodes.binary_search_by_key(&v, |&(n, _, _)| n) {
            Ok(i) => {
                let (_, a, k) = self.nodes[i];
                &self.edges[a..a + k]
            }
            Err(_) => &[],
        }
    }

    /// The breadth-first path from `start` to `goal` (nodes after `start`), as Python's
    /// `_bfs_paths_graph` finds it first: FIFO, neighbours in insertion order, the goal
    /// reported when first seen as a neighbour. Every graph node lies in `start..goal`.
    fn bfs(&mut self, start: usize, goal: usize) -> Option<Vec<usize>> {
        const NONE: usize = usize::MAX;
        // Single edge start -> goal: the common case.
        if self.edges.len() == 1 && self.edges[0] == (start, goal) {
            return Some(vec![goal]);
        }
        let mut parent = std::mem::take(&mut self.parent);
        parent.clear();
        parent.resize(goal - start + 1, NONE);
        parent[0] = start;
        let mut queue = std::mem::take(&mut self.queue);
        queue.clear();
        queue.push_back(start);
        let mut found = None;
        'search: while let Some(v) = queue.pop_front() {
            for &(_, p) in self.neighbours(v) {
                if p == goal {
                    found = Some(v);
                    break 'search;
                }
                let Some(slot) = p.checked_sub(start).and_then(|k| parent.get_mut(k)) else {
                    continue;
                };
                if *slot == NONE {
                    *slot = v;
                    queue.push_back(p);
                }
            }
        }
        let path = found.map(|v| {
            let mut path = vec![goal];
            let mut x = v;
            while x != start {
                path.push(x);
                x = parent[x - start];
            }
            path.reverse();
            path
        });
        self.parent = parent;
        self.queue = queue;
        path
    }

    /// End of the out-of-dictionary token starting at `b`.
    fn skip_end(&self, b: usize) -> usize {
        let text = self.text;
        if let Some(e) = nonthai_end(text, b) {
            return e;
        }
        for p in b + 1..text.len() {
            if !self.valid[p] {
                continue;
            }
            let mut word = false;
            self.trie.prefixes(text, p, |e| {
                if self.valid[e] && !is_two_chars(&text[p..e]) {
                    word = true;
                    return false;
                }
                true
            });
            if word || nonthai_end(text, p).is_some() {
                return p;
            }
        }
        text.len()
    }

    fn clear(&mut self) {
        self.edges.clear();
        self.nodes.clear();
    }
}

/// `PyThaiNLP`'s `_onecut`: token end positions of `text` appended to `out` (plus `base`).
fn onecut(trie: &Trie, text: &[char], base: usize, out: &mut Vec<usize>) {
    let n = text.len();
    if n == 0 {
        return;
    }
    let mut st = Cut {
        trie,
        text,
        valid: valid_boundaries(text),
        edges: Vec::new(),
        nodes: Vec::new(),
        heap: BinaryHeap::new(),
        pending: vec![false; n + 1],
        found: Vec::new(),
        parent: Vec::new(),
        queue: VecDeque::new(),
    };
    st.push(0);
    let mut end = 0usize;
    while let Some(&Reverse(b)) = st.heap.peek() {
        if b >= n {
            break;
        }
        st.pop();
        st.extend(b);
        match st.heap.len() {
            1 => {
                let Some(&Reverse(g)) = st.heap.peek() else {
                    break;
                };
                // The goal is always reachable (every pending position is an edge end of an
                // expanded node); a single token is the fallback.
                let path = st.bfs(end, g).unwrap_or_else(|| vec![g]);
                out.extend(path.iter().map(|&p| base + p));
                end = g;
                st.clear();
            }
            0 => {
                let s = st.skip_end(b).max(b + 1);
                out.push(base + s);
                end = s;
                st.clear();
                st.push(s);
            }
            _ => {}
        }
    }
    if end < n {
        // Not reached (see above); keeps the tokens tiling the text.
        out.push(base + n);
    }
}
