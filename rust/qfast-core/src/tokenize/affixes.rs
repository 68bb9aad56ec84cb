//! spaCy's `find_prefix`, `find_suffix` and `find_infix` over a slice of chars, with Python
//! `re.search` / `re.finditer` semantics for the joined alternation patterns.

use super::pyregex::{first_chars, CharSet, Matcher, Node, Pattern};
use super::rules::Rules;

/// Affix alternatives indexed by the char a match must start (prefix, infix) or end (suffix)
/// with, so that only candidate alternatives are tried, in their original order.
pub(crate) struct AffixIndex {
    pub(crate) pats: Vec<Pattern>,
    /// Union of the key chars of all alternatives.
    pub(crate) any: CharSet,
    ascii: Vec<Vec<u16>>,
    non_ascii: Vec<(u16, Option<CharSet>)>,
    /// Per alternative: literal text every match starts (prefix index) or ends (suffix index)
    /// with, when at least two chars long; and the class of a one-char look-behind the match
    /// starts with (its char must then occur in the chunk).
    lits: Vec<Option<String>>,
    ctxs: Vec<Option<CharSet>>,
    /// Per alternative: bit (1..=7) of its ASCII-only look-behind class in the per-chunk ASCII
    /// flags computed by the whitespace scan, or 0.
    ctx_bits: Vec<u8>,
}

impl AffixIndex {
    pub(crate) fn new(
        pats: Vec<Pattern>,
        keys: Vec<Option<CharSet>>,
        at_end: bool,
        sets: &[CharSet],
    ) -> Self {
        let n_pats = pats.len();
        let lits = pats.iter().map(|p| literal_edge(&p.seq, at_end)).collect();
        let ctxs = pats.iter().map(|p| lookbehind_ctx(&p.seq, sets)).collect();
        let mut ascii = vec![Vec::new(); 128];
        let mut non_ascii = Vec::new();
        let mut any = CharSet::default();
        let mut unknown = false;
        for (i, key) in keys.into_iter().enumerate() {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "spaCy's affix tables (embedded) hold a few hundred patterns"
            )]
            let i = i as u16;
            for (c, list) in (0u8..).zip(ascii.iter_mut()) {
                let hit = match &key {
                    Some(k) => k.contains(char::from(c)),
                    None => true,
                };
                if hit {
                    list.push(i);
                }
            }
            if let Some(k) = key {
                any = any.union(&k);
                if k.has_non_ascii() {
                    non_ascii.push((i, Some(k)));
                }
            } else {
                unknown = true;
                non_ascii.push((i, None));
            }
        }
        if unknown {
            any = CharSet::all();
        }
        AffixIndex {
            pats,
            any,
            ascii,
            non_ascii,
            ctx_bits: vec![0; n_pats],
            lits,
            ctxs,
        }
    }

    /// Give each ASCII-only look-behind class a flag bit (shared through `registry`, at most 7).
    pub(crate) fn assign_ctx_bits(&mut self, registry: &mut Vec<CharSet>) {
        for (i, ctx) in self.ctxs.iter().enumerate() {
            let Some(ctx) = ctx else { continue };
            if ctx.has_non_ascii() {
                continue;
            }
            let pos = match registry.iter().position(|c| c.same_as(ctx)) {
                Some(p) => p,
                None if registry.len() < 7 => {
                    registry.push(ctx.clone());
                    registry.len() - 1
                }
                None => continue,
            };
            if let Some(b) = self.ctx_bits.get_mut(i) {
                *b = u8::try_from(pos + 1).unwrap_or(0); // pos < 7: the registry is capped
            }
        }
    }

    /// Conservative test: can any alternative keyed by `key` match `chunk` (or a substring of it
    /// that starts (prefix) / ends (suffix) where the chunk does)?
    /// `hint`: OR of the ASCII flags of the chunk's bytes, when the chunk is all ASCII.
    pub(crate) fn may_match(&self, chunk: &str, key: char, at_end: bool, hint: Option<u8>) -> bool {
        if !self.any.contains(key) {
            return false;
        }
        let mut hit = false;
        self.each_index(key, |i| {
            if let Some(Some(lit)) = self.lits.get(i) {
                let ok = if at_end {
                    chunk.ends_with(lit.as_str())
                } else {
                    chunk.starts_with(lit.as_str())
                };
                if !ok {
                    return false;
                }
            }
            if let Some(Some(ctx)) = self.ctxs.get(i) {
                let bit = self.ctx_bits.get(i).copied().unwrap_or(0);
                let present = if let (Some(flags), true) = (hint, bit != 0) {
                    flags & (1u8 << bit) != 0
                } else if ctx.has_non_ascii() {
                    chunk.chars().any(|c| ctx.contains(c))
                } else {
                    chunk.bytes().any(|b| b < 128 && ctx.contains(b as char))
                };
                if !present {
                    return false;
                }
            }
            hit = true;
            true
        });
        hit
    }

    #[inline]
    fn each_index(&self, c: char, mut f: impl FnMut(usize) -> bool) {
        if (c as u32) < 128 {
            if let Some(list) = self.ascii.get(c as usize) {
                for &i in list {
                    if f(i as usize) {
                        return;
                    }
                }
            }
        } else {
            for (i, k) in &self.non_ascii {
                if k.as_ref().is_none_or(|k| k.contains(c)) && f(*i as usize) {
                    return;
                }
            }
        }
    }

    /// Calls `f(pattern)` for each alternative whose key set holds `c`, in order, until `f`
    /// returns true.
    #[inline]
    fn each(&self, c: char, mut f: impl FnMut(&Pattern) -> bool) {
        if (c as u32) < 128 {
            if let Some(list) = self.ascii.get(c as usize) {
                for &i in list {
                    if let Some(p) = self.pats.get(i as usize) {
                        if f(p) {
                            return;
                        }
                    }
                }
            }
        } else {
            for (i, k) in &self.non_ascii {
                if k.as_ref().is_none_or(|k| k.contains(c)) {
                    if let Some(p) = self.pats.get(*i as usize) {
                        if f(p) {
                            return;
                        }
                    }
                }
            }
        }
    }
}

/// The literal chars a match of `seq` must begin (or, `at_end`, finish) with, if >= 2 chars.
fn literal_edge(seq: &[Node], at_end: bool) -> Option<String> {
    let mut lit = String::new();
    let nodes: Vec<&Node> = if at_end {
        seq.iter().rev().collect()
    } else {
        seq.iter().collect()
    };
    for n in nodes {
        match n {
            Node::Start | Node::End | Node::EndAbs if lit.is_empty() => {}
            Node::Lit(c) => lit.push(*c),
            _ => break,
        }
    }
    if at_end {
        lit = lit.chars().rev().collect();
    }
    (lit.chars().count() >= 2).then_some(lit)
}

/// The class of a leading positive one-char look-behind, if the pattern starts with one.
fn lookbehind_ctx(seq: &[Node], sets: &[CharSet]) -> Option<CharSet> {
    match seq.first()? {
        Node::Look {
            behind: true,
            negate: false,
            width: 1,
            body,
        } => first_chars(body, sets),
        _ => None,
    }
}

/// Length (in chars) of the prefix `prefix_search` finds, 0 if none.
pub(crate) fn find_prefix(r: &Rules, s: &[char]) -> usize {
    let Some(&c0) = s.first() else { return 0 };
    if !r.prefixes.any.contains(c0) {
        return 0;
    }
    let m = Matcher { sets: &r.sets, s };
    // `^a|^b|...`: only position 0 can match; the first alternative that matches wins.
    let mut len = 0;
    r.prefixes.each(c0, |p| {
        if p.min_width > s.len() {
            return false;
        }
        match m.match_pattern(p, 0) {
            Some(end) => {
                len = end;
                true
            }
            None => false,
        }
    });
    len
}

/// Length (in chars) of the suffix `suffix_search` finds, 0 if none.
pub(crate) fn find_suffix(r: &Rules, s: &[char]) -> usize {
    let n = s.len();
    let Some(&last) = s.last() else { return 0 };
    if !r.suffixes.any.contains(last) {
        return 0;
    }
    let m = Matcher { sets: &r.sets, s };
    // `a$|b$|...` searched left to right: the leftmost start of any alternative wins, and every
    // alternative ends at the end of the string, so take the smallest start over alternatives.
    let mut best = n;
    r.suffixes.each(last, |p| {
        if p.min_width > n {
            return false;
        }
        let lo = match (p.max_width, &p.body) {
            (Some(w), _) if w < n => n - w,
            (Some(_), _) | (None, None) => 0,
            (None, Some(body)) => {
                let run = s.iter().rev().take_while(|&&c| body.contains(c)).count();
                n - run
            }
        };
        let hi = (n - p.min_width).min(best.saturating_sub(1));
        let mut st = lo;
        while st <= hi && st < best {
            if m.match_pattern(p, st).is_some() {
                best = st;
                break;
            }
            st += 1;
        }
        false
    });
    n - best
}

/// Non-overlapping infix matches `(start, end)` in chars, as `infix_finditer` yields them.
pub(crate) fn find_infixes(r: &Rules, s: &[char], out: &mut Vec<(usize, usize)>) {
    out.clear();
    let n = s.len();
    let m = Matcher { sets: &r.sets, s };
    let mut pos = 0;
    while pos < n {
        let c = s[pos];
        if r.infixes.any.contains(c) {
            let mut found = None;
            r.infixes.each(c, |p| {
                found = m.match_pattern(p, pos);
                found.is_some()
            });
            if let Some(end) = found {
                out.push((pos, end));
                pos = if end > pos { end } else { pos + 1 };
                continue;
            }
        }
        pos += 1;
    }
}
