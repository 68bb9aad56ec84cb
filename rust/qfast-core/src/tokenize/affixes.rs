//! spaCy's `find_prefix`, `find_suffix` and `find_infix` over a slice of chars, with Python
//! `re.search` / `re.finditer` semantics for the joined alternation patterns.

use super::pyregex::Matcher;
use super::rules::Rules;

/// Length (in chars) of the prefix `prefix_search` finds, 0 if none.
pub(crate) fn find_prefix(r: &Rules, s: &[char]) -> usize {
    let Some(&c0) = s.first() else { return 0 };
    if !r.prefix_first.contains(c0) {
        return 0;
    }
    let m = Matcher { sets: &r.sets, s };
    // `^a|^b|...`: only position 0 can match; the first alternative that matches wins.
    for p in &r.prefixes {
        if p.min_width > s.len() {
            continue;
        }
        if let Some(end) = m.match_at(&p.seq, 0) {
            return end;
        }
    }
    0
}

/// Length (in chars) of the suffix `suffix_search` finds, 0 if none.
pub(crate) fn find_suffix(r: &Rules, s: &[char]) -> usize {
    let n = s.len();
    let Some(&last) = s.last() else { return 0 };
    if !r.suffix_last.contains(last) {
        return 0;
    }
    let m = Matcher { sets: &r.sets, s };
    // `a$|b$|...` searched left to right: the leftmost start of any alternative wins, and every
    // alternative ends at the end of the string, so take the smallest start over alternatives.
    let mut best = n;
    for p in &r.suffixes {
        if p.min_width > n {
            continue;
        }
        let lo = match p.max_width {
            Some(w) if w < n => n - w,
            _ => 0,
        };
        let hi = (n - p.min_width).min(best.saturating_sub(1));
        let mut st = lo;
        while st <= hi && st < best {
            if m.match_at(&p.seq, st).is_some() {
                best = st;
                break;
            }
            st += 1;
        }
    }
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
        if r.infix_first.contains(c) {
            let mut found = None;
            for p in &r.infixes {
                if let Some(end) = m.match_at(&p.seq, pos) {
                    found = Some(end);
                    break;
                }
            }
            if let Some(end) = found {
                out.push((pos, end));
                pos = if end > pos { end } else { pos + 1 };
                continue;
            }
        }
        pos += 1;
    }
}
