//! Thai Character Cluster (TCC) boundaries as `PyThaiNLP`'s `tcc_p.tcc_pos_array` finds them:
//! at each position the first of 29 cluster rules that matches (Python `re` alternation
//! order) gives the cluster; no match makes a one-character cluster. newmm may only cut a
//! word at a cluster boundary.
//!
//! Every rule is a sequence of elements whose optional parts never compete with what follows
//! (their character classes are disjoint), so a greedy left-to-right match is exactly what
//! Python's backtracking finds; see `docs/dev/thai-spec.md` section 1.3.

/// One element of a cluster rule.
#[derive(Clone, Copy)]
enum E {
    /// A consonant, U+0E01..=U+0E2E.
    C,
    /// This character.
    L(char),
    /// One of these characters.
    S(&'static [char]),
    /// Optionally one of these characters.
    O(&'static [char]),
    /// A character in this inclusive range.
    R(char, char),
    /// An optional tone mark, U+0E48..=U+0E4B.
    T,
    /// The optional silent tail: consonant, optional consonant, optional one of U+0E39,
    /// U+0E38, U+0E34, then U+0E4C.
    K,
    /// Lookahead: a leading vowel or consonant follows, or the end of the text (Python `$`:
    /// also just before a final `\n`).
    La,
}

use E::{La, C, K, L, O, R, S, T};

const SARA_E: char = '\u{0E40}';
const SARA_AE: char = '\u{0E41}';
const SARA_O: char = '\u{0E42}';
const MAITAIKHU: char = '\u{0E47}';
const THANTHAKHAT: char = '\u{0E4C}';
const SARA_A: char = '\u{0E30}';
const MAI_HAN_AKAT: char = '\u{0E31}';
const SARA_AA: char = '\u{0E32}';
const SARA_AM: char = '\u{0E33}';
const SARA_I: char = '\u{0E34}';
const SARA_II: char = '\u{0E35}';
const SARA_UE: char = '\u{0E36}';
const SARA_UEE: char = '\u{0E37}';
const SARA_U: char = '\u{0E38}';
const SARA_UU: char = '\u{0E39}';
const YO_YAK: char = '\u{0E22}';
const RO_RUA: char = '\u{0E23}';
const WO_WAEN: char = '\u{0E27}';
const O_ANG: char = '\u{0E2D}';
const HO_HIP: char = '\u{0E2B}';
const KO_KAI: char = '\u{0E01}';

/// The rules, in the order Python tries them.
const RULES: [&[E]; 29] = [
    &[L(SARA_E), C, L(MAITAIKHU), C, K],
    &[L(SARA_E), C, C, T, L(SARA_AA), L(SARA_A), K],
    &[L(SARA_E), C, C, L(SARA_II), T, L(YO_YAK), L(SARA_A), K],
    &[L(SARA_E), C, C, L(SARA_II), T, L(YO_YAK), La, K],
    &[L(SARA_E), C, C, L(MAITAIKHU), C, K],
    &[L(SARA_E), C, L(SARA_I), C, L(THANTHAKHAT), C, K],
    &[L(SARA_E), C, L(SARA_I), T, C, K],
    &[L(SARA_E), C, L(SARA_II), T, L(YO_YAK), O(&[SARA_A]), K],
    &[L(SARA_E), C, L(SARA_UEE), T, L(O_ANG), O(&[SARA_A]), K],
    &[
        L(SARA_E),
        C,
        S(&[SARA_I, SARA_II, SARA_U, SARA_UU]),
        T,
        L(YO_YAK),
        La,
        K,
    ],
    &[L(SARA_E), C, T, O(&[SARA_AA]), O(&[SARA_A]), K],
    &[C, L(MAI_HAN_AKAT), T, L(WO_WAEN), L(SARA_A), K],
    &[
        C,
        S(&[MAI_HAN_AKAT, SARA_UEE]),
        T,
        C,
        O(&[SARA_U, SARA_I, SARA_A]),
        K,
    ],
    &[C, S(&[SARA_I, SARA_U, SARA_UU]), L(THANTHAKHAT)],
    &[C, R(SARA_A, SARA_UU), T, K],
    &[C, L(RO_RUA), L(RO_RUA), C, L(THANTHAKHAT)],
    &[C, L(MAITAIKHU)],
    &[C, T, O(&[SARA_A, SARA_AA, SARA_AM]), K],
    &[C, K],
    &[L(SARA_AE), C, L(MAITAIKHU), C],
    &[L(SARA_AE), C, C, L(THANTHAKHAT)],
    &[L(SARA_AE), C, T, L(SARA_A)],
    &[L(SARA_AE), C, C, L(MAITAIKHU), C],
    &[L(SARA_AE), C, C, C, L(THANTHAKHAT)],
    &[L(SARA_O), C, T, L(SARA_A)],
    &[R('\u{0E40}', '\u{0E44}'), C, T],
    &[L(KO_KAI), L(MAITAIKHU)],
    &[L(O_ANG), L(SARA_UE)],
    &[L(HO_HIP), L(SARA_UE)],
];

#[inline]
fn is_consonant(c: char) -> bool {
    ('\u{0E01}'..='\u{0E2E}').contains(&c)
}

#[inline]
fn is_tone(c: char) -> bool {
    ('\u{0E48}'..='\u{0E4B}').contains(&c)
}

/// The end of the silent tail starting at `p` (or `p` if there is none).
fn tail(text: &[char], p: usize) -> usize {
    let at = |i: usize| text.get(i).copied();
    if !at(p).is_some_and(is_consonant) {
        return p;
    }
    let mut q = p + 1;
    if at(q).is_some_and(is_consonant) {
        q += 1;
    }
    if at(q).is_some_and(|c| matches!(c, SARA_UU | SARA_U | SARA_I)) {
        q += 1;
    }
    if at(q) == Some(THANTHAKHAT) {
        q + 1
    } else {
        p
    }
}

/// The end of rule `rule` matched at `p`, if it matches.
fn match_rule(rule: &[E], text: &[char], p: usize) -> Option<usize> {
    let mut q = p;
    for e in rule {
        let c = text.get(q).copied();
        match *e {
            C => {
                if !c.is_some_and(is_consonant) {
                    return None;
                }
                q += 1;
            }
            L(x) => {
                if c != Some(x) {
                    return None;
                }
                q += 1;
            }
            S(set) => {
                if !c.is_some_and(|c| set.contains(&c)) {
                    return None;
                }
                q += 1;
            }
            O(set) => {
                if c.is_some_and(|c| set.contains(&c)) {
                    q += 1;
                }
            }
            R(lo, hi) => {
                if !c.is_some_and(|c| (lo..=hi).contains(&c)) {
                    return None;
                }
                q += 1;
            }
            T => {
                if c.is_some_and(is_tone) {
                    q += 1;
                }
            }
            K => q = tail(text, q),
            La => {
                let ok = match c {
                    None => true,
                    Some('\n') => q + 1 == text.len(),
                    Some(c) => is_consonant(c) || ('\u{0E40}'..='\u{0E44}').contains(&c),
                };
                if !ok {
                    return None;
                }
            }
        }
    }
    Some(q)
}

/// Length of the cluster at `p` (1 where no rule matches).
fn cluster_len(text: &[char], p: usize) -> usize {
    // Every rule starts with a consonant or a leading vowel.
    if !text
        .get(p)
        .is_some_and(|&c| ('\u{0E01}'..='\u{0E44}').contains(&c))
    {
        return 1;
    }
    RULES
        .iter()
        .find_map(|r| match_rule(r, text, p))
        .map_or(1, |q| (q - p).max(1))
}

/// `valid[i]`: a word may end at `i` (`i` in `0..=len`). Position 0 is not marked; the end is.
pub fn valid_boundaries(text: &[char]) -> Vec<bool> {
    let mut valid = vec![false; text.len() + 1];
    let mut p = 0;
    while p < text.len() {
        p += cluster_len(text, p);
        valid[p] = true;
    }
    valid
}

/// The clusters of `text` (for tests).
pub fn clusters(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut p = 0;
    while p < chars.len() {
        let n = cluster_len(&chars, p);
        out.push(chars[p..p + n].iter().collect());
        p += n;
    }
    out
}
