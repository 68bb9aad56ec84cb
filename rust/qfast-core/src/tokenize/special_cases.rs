//! spaCy's `_apply_special_cases`: a `PhraseMatcher` pass (on token text) for special cases whose
//! string has an affix or a space, then span filtering and retokenization.

use std::collections::BTreeSet;

use super::rules::Rules;
use super::spacy::{token_flags, F_M_FIRST, F_M_SECOND, F_M_SINGLE};

/// `flags` are the tokens' flags (`spacy::token_flags`); kept in step with `toks`.
pub(crate) fn apply_special_cases(
    r: &Rules,
    text: &str,
    toks: &mut Vec<(usize, usize)>,
    flags: &mut Vec<u8>,
) {
    if r.matcher_by_first.is_empty() {
        return;
    }
    let bytes = text.as_bytes();
    let tok_bytes = |i: usize| -> &[u8] {
        match toks.get(i) {
            Some(&(a, b)) => bytes.get(a..b).unwrap_or_default(),
            None => &[],
        }
    };
    // find_matches: every (start, end) where some pattern's token texts occur.
    let mut matches: Vec<(usize, usize)> = Vec::new();
    let n = flags.len();
    // Exact pre-filter: a pattern can only match at i if token i is a first token and either
    // token i + 1 is a second token or token i is a one-token pattern. Tested 8 tokens at a
    // time (one byte of flags each), then the positions that pass one by one.
    let lo = 0x0101_0101_0101_0101u64;
    let load = |at: usize| -> u64 {
        if let Some(w) = flags.get(at..at + 8) {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(w);
            return u64::from_le_bytes(buf);
        }
        // The last few tokens: zero padded.
        let mut buf = [0u8; 8];
        for (d, s) in buf.iter_mut().zip(flags.get(at..).unwrap_or_default()) {
            *d = *s;
        }
        u64::from_le_bytes(buf)
    };
    let bit = |x: u64, f: u8| (x >> f.trailing_zeros()) & lo;
    let mut try_at = |i: usize| {
        let t = tok_bytes(i);
        let Some(pats) = std::str::from_utf8(t)
            .ok()
            .and_then(|t| r.matcher_by_first.get(t))
        else {
            return;
        };
        for pat in pats {
            let end = i + pat.len();
            if end <= toks.len()
                && pat
                    .iter()
                    .enumerate()
                    .all(|(j, t)| tok_bytes(i + j) == t.as_bytes())
            {
                matches.push((i, end));
            }
        }
    };
    let mut base = 0usize;
    while base < n {
        let (x, y) = (load(base), load(base + 1));
        let mut c = bit(x, F_M_FIRST) & (bit(y, F_M_SECOND) | bit(x, F_M_SINGLE));
        while c != 0 {
            try_at(base + (c.trailing_zeros() / 8) as usize);
            c &= c - 1;
        }
        base += 8;
    }
    if matches.is_empty() {
        return;
    }
    // _filter_special_spans: longest first, then leftmost; a span is kept if neither its first
    // nor its last token was covered by an earlier (kept or not) span.
    matches.sort_unstable_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
    matches.dedup();
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut filtered: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in &matches {
        if !seen.contains(&s) && !seen.contains(&(e - 1)) {
            filtered.push((s, e));
        }
        seen.extend(s..e);
    }
    filtered.sort_unstable_by_key(|m| m.0);
    // _retokenize_special_spans: replace spans whose text is a rule with the rule's tokens.
    // Kept spans never overlap. Skip the rebuild when no replacement changes a boundary.
    let mut changes: Vec<(usize, usize, &[String])> = Vec::new();
    for &(s, e) in &filtered {
        let a = toks[s].0;
        let b = toks[e - 1].1;
        if let Some(orths) = r.special(&text[a..b]) {
            let same = orths.len() == e - s && {
                let mut p = a;
                orths.iter().zip(&toks[s..e]).all(|(o, &(x, y))| {
                    let ok = x == p && y == p + o.len();
                    p += o.len();
                    ok
                })
            };
            if !same {
                changes.push((s, e, orths.as_slice()));
            }
        }
    }
    if changes.is_empty() {
        return;
    }
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(toks.len() + 4);
    let mut out_flags: Vec<u8> = Vec::with_capacity(toks.len() + 4);
    let mut i = 0usize;
    for (s, e, orths) in changes {
        if s < i {
            continue;
        }
        out.extend_from_slice(&toks[i..s]);
        out_flags.extend_from_slice(&flags[i..s]);
        let mut p = toks[s].0;
        for o in orths {
            out.push((p, p + o.len()));
            out_flags.push(token_flags(r, o));
            p += o.len();
        }
        i = e;
    }
    let i = i.min(toks.len());
    out.extend_from_slice(&toks[i..]);
    out_flags.extend_from_slice(&flags[i..]);
    *toks = out;
    *flags = out_flags;
}
