//! Port of spaCy 3.8.18's `Tokenizer.__call__` (`_tokenize_affixes` + `_apply_special_cases`)
//! for `spacy.blank("en")`, producing token byte spans.
//!
//! Cache notes: datatrove tokenizes inside `memory_zone()`, where spaCy never stores cache
//! entries, so only the load-time cache could matter. The only chunk it holds after loading is
//! `’’` (the last special case registered with the phrase matcher), and special cases are
//! consulted before the cache, so it never changes the output: no cache emulation is needed.

use super::affixes::{find_infixes, find_prefix, find_suffix};
use super::chunk_cache;
use super::rules::{py_isspace, rules, Rules};
use super::special_cases::apply_special_cases;

/// Reusable per-call buffers for the slow path.
#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    offs: Vec<usize>,
    infixes: Vec<(usize, usize)>,
    prefixes: Vec<(usize, usize)>,
    suffixes: Vec<(usize, usize)>,
}

/// spaCy tokens of `text` as byte spans `(start, end)`, including whitespace tokens.
pub fn spacy_tokens(text: &str) -> Vec<(usize, usize)> {
    let r = rules();
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    let mut scratch = Scratch::default();
    let mut chars = text.char_indices();
    let Some((_, c0)) = chars.next() else {
        return out;
    };
    let mut in_ws = py_isspace(c0);
    let mut start = 0usize;
    let bytes = text.as_bytes();
    let n = bytes.len();
    let flags_table = &r.ascii_flags;
    // OR of the ASCII flags of the current non-whitespace run, and whether it is all ASCII.
    let mut flags = 0u8;
    let mut ascii_only = true;
    let mut i = 0usize;
    while i < n {
        // Skip the rest of the current run quickly while it stays ASCII.
        if in_ws {
            while i < n && bytes[i] < 0x80 && ASCII_SPACE[bytes[i] as usize] {
                i += 1;
            }
        } else {
            while i < n && bytes[i] < 0x80 && !ASCII_SPACE[bytes[i] as usize] {
                flags |= flags_table[bytes[i] as usize];
                i += 1;
            }
        }
        if i >= n {
            break;
        }
        let b = bytes[i];
        let (ws, width) = if b < 0x80 {
            (ASCII_SPACE[b as usize], 1)
        } else {
            match text.get(i..).and_then(|t| t.chars().next()) {
                Some(c) => (py_isspace(c), c.len_utf8()),
                None => (false, 1),
            }
        };
        if ws != in_ws {
            if start < i {
                let hint = (!in_ws && ascii_only).then_some(flags);
                tokenize_chunk(r, text, start, i, hint, &mut out, &mut scratch);
            }
            start = if b == b' ' { i + 1 } else { i };
            in_ws = !in_ws;
            if !in_ws {
                // This char starts a new non-whitespace run.
                flags = if b < 0x80 { flags_table[b as usize] } else { 0 };
                ascii_only = b < 0x80;
            }
        } else if !in_ws {
            // A non-ASCII char inside a non-whitespace run.
            ascii_only = false;
        }
        i += width;
    }
    if start < text.len() {
        let hint = (!in_ws && ascii_only).then_some(flags);
        tokenize_chunk(r, text, start, text.len(), hint, &mut out, &mut scratch);
    }
    apply_special_cases(r, text, &mut out);
    out
}

/// Python `str.isspace` for ASCII.
const ASCII_SPACE: [bool; 128] = {
    let mut t = [false; 128];
    let mut c = 9;
    while c <= 13 {
        t[c] = true;
        c += 1;
    }
    let mut c = 28;
    while c <= 32 {
        t[c] = true;
        c += 1;
    }
    t
};

fn push_special(orths: &[String], base: usize, out: &mut Vec<(usize, usize)>) {
    let mut p = base;
    for o in orths {
        out.push((p, p + o.len()));
        p += o.len();
    }
}

fn tokenize_chunk(
    r: &Rules,
    text: &str,
    a: usize,
    b: usize,
    hint: Option<u8>,
    out: &mut Vec<(usize, usize)>,
    sc: &mut Scratch,
) {
    let chunk = &text[a..b];
    if let Some(orths) = r.special(chunk) {
        push_special(orths, a, out);
        return;
    }
    // Fast path: no char can take part in a prefix, suffix or infix match.
    let mut it = chunk.chars();
    let (Some(first), last) = (it.next(), chunk.chars().next_back()) else {
        return;
    };
    let last = last.unwrap_or(first);
    let has_infix_char = match hint {
        Some(f) => f & 1 != 0,
        None => chunk.chars().any(|c| r.infixes.any.contains(c)),
    };
    if !has_infix_char
        && !r.prefixes.may_match(chunk, first, false, hint)
        && !r.suffixes.may_match(chunk, last, true, hint)
    {
        out.push((a, b));
        return;
    }
    if chunk_cache::lookup(chunk, a, out) {
        return;
    }
    let n0 = out.len();
    slow_chunk(r, text, a, b, out, sc);
    chunk_cache::store(chunk, a, &out[n0..]);
}

fn slow_chunk(
    r: &Rules,
    text: &str,
    base: usize,
    end: usize,
    out: &mut Vec<(usize, usize)>,
    sc: &mut Scratch,
) {
    let chunk = &text[base..end];
    sc.chars.clear();
    sc.offs.clear();
    for (i, c) in chunk.char_indices() {
        sc.chars.push(c);
        sc.offs.push(base + i);
    }
    sc.offs.push(end);
    let chars = &sc.chars;
    let offs = &sc.offs;
    let sub = |x: usize, y: usize| -> &str { &text[offs[x]..offs[y]] };
    let is_special = |x: usize, y: usize| -> bool { r.special(sub(x, y)).is_some() };

    // _split_affixes
    let prefixes = &mut sc.prefixes;
    let suffixes = &mut sc.suffixes;
    prefixes.clear();
    suffixes.clear();
    let (mut s, mut e) = (0usize, chars.len());
    let mut last_size = 0usize;
    while e > s && e - s != last_size {
        if is_special(s, e) {
            break;
        }
        last_size = e - s;
        let pre_len = find_prefix(r, &chars[s..e]);
        if pre_len != 0 && s + pre_len < e && is_special(s + pre_len, e) {
            prefixes.push((s, s + pre_len));
            s += pre_len;
            break;
        }
        let suf_len = find_suffix(r, &chars[s + pre_len..e]);
        if suf_len != 0 && s < e - suf_len && is_special(s, e - suf_len) {
            suffixes.push((e - suf_len, e));
            e -= suf_len;
            break;
        }
        if pre_len != 0 && suf_len != 0 && pre_len + suf_len <= e - s {
            prefixes.push((s, s + pre_len));
            suffixes.push((e - suf_len, e));
            s += pre_len;
            e -= suf_len;
        } else if pre_len != 0 {
            prefixes.push((s, s + pre_len));
            s += pre_len;
        } else if suf_len != 0 {
            suffixes.push((e - suf_len, e));
            e -= suf_len;
        }
    }

    // _attach_tokens
    for &(x, y) in prefixes.iter() {
        out.push((offs[x], offs[y]));
    }
    if e > s {
        let core = sub(s, e);
        if let Some(orths) = r.special(core) {
            push_special(orths, offs[s], out);
        } else {
            // spaCy tries url_match before the infixes; without infixes both give the whole
            // core, so the (costlier) URL regex only runs when there are infixes.
            find_infixes(r, &chars[s..e], &mut sc.infixes);
            if sc.infixes.is_empty() || (core.contains('.') && url_match(r, core)) {
                out.push((offs[s], offs[e]));
            } else {
                let mut start = 0usize;
                for &(is, ie) in sc.infixes.iter() {
                    if is == 0 {
                        continue;
                    }
                    if is != start {
                        out.push((offs[s + start], offs[s + is]));
                    }
                    if is != ie {
                        out.push((offs[s + is], offs[s + ie]));
                    }
                    start = ie;
                }
                if start < e - s {
                    out.push((offs[s + start], offs[e]));
                }
            }
        }
    }
    for &(x, y) in suffixes.iter().rev() {
        out.push((offs[x], offs[y]));
    }
}

fn url_match(r: &Rules, s: &str) -> bool {
    match &r.url {
        Some(re) => matches!(re.is_match(s), Ok(true)),
        None => false,
    }
}
