//! `JoinKatakanaOovPlugin` (minLength = 3): a katakana OOV (or a short katakana word) is
//! merged with its katakana neighbours into one node. The merged node reuses the lattice's
//! cheapest node with exactly that span (a dictionary node keeps its A split), else it is a
//! synthetic 名詞,普通名詞,一般 OOV.

use super::chardef::{KATAKANA, NOOOVBOW};
use super::dic::split_entry;
use super::lattice::{Lattice, Text};
use super::path::{Norm, Path, PathNode};
use crate::narrow::doc32;

const MIN_LENGTH: usize = 3;

pub fn join_katakana(path: &mut Path, lat: &Lattice, t: &Text, oov_pos: u16) {
    let is_kata = |nd: &PathNode| t.cat_range(nd.begin, nd.end) & KATAKANA != 0;
    let starts_nooovbow = |nd: &PathNode| t.cats[nd.begin] & NOOOVBOW != 0;
    let mut i = 0;
    while i < path.len() {
        let nd = &path[i];
        if !(nd.oov || nd.end - nd.begin < MIN_LENGTH) || !is_kata(nd) {
            i += 1;
            continue;
        }
        let mut b = i;
        while b > 0 && is_kata(&path[b - 1]) {
            b -= 1;
        }
        let mut e = i + 1;
        while e < path.len() && is_kata(&path[e]) {
            e += 1;
        }
        while b != e && starts_nooovbow(&path[b]) {
            b += 1;
        }
        if e - b > 1 {
            let (nb, ne) = (path[b].begin, path[e - 1].end);
            let node = match lat.min_cost_node(doc32(nb), doc32(ne)) {
                Some(best) if !best.is_oov() => PathNode {
                    begin: nb,
                    end: ne,
                    pos: best.pos,
                    oov: false,
                    split_eid: split_entry(best.word),
                    norm: Norm::Entry(best.word),
                },
                Some(best) => PathNode {
                    begin: nb,
                    end: ne,
                    pos: best.pos,
                    oov: true,
                    split_eid: None,
                    norm: Norm::Slice,
                },
                None => PathNode {
                    begin: nb,
                    end: ne,
                    pos: oov_pos,
                    oov: true,
                    split_eid: None,
                    norm: Norm::Slice,
                },
            };
            path.replace(b, e, node);
            i = b + 1;
        }
        i += 1;
    }
}
