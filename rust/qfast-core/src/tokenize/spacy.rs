//! Port of spaCy 3.8.18's `Tokenizer.__call__` (`_tokenize_affixes` + `_apply_special_cases`)
//! for `spacy.blank("en")` and `spacy.blank("xx")`, producing token byte spans.
//!
//! Cache notes: datatrove tokenizes inside `memory_zone()`, where spaCy never stores cache
//! entries, so only the load-time cache could matter. The only chunk it holds after loading is
//! `’’` for en, `—` for xx (the last special case registered with the phrase matcher), and
//! special cases are consulted before the cache, so it never changes the output: no cache
//! emulation is needed.

use super::affixes::{find_infixes, find_prefix, find_suffix};
use std::cell::RefCell;

use super::chunk_cache::{ChunkCache, Key, MAX_KEY};
use super::rules::{py_isspace, rules_for, Rules, SpacyLang};
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

/// Token flag: the token is a word (its first char is not whitespace).
pub(crate) const F_WORD: u8 = 1;
/// Token flag: the token is one char of the sentencizer's punct chars.
pub(crate) const F_PUNCT_CHAR: u8 = 2;
/// Token flag: spaCy `is_punct` (every char has a Unicode P* category).
pub(crate) const F_IS_PUNCT: u8 = 4;
/// Token flags: the token is a first / second token of a multi-token, or a one-token,
/// `PhraseMatcher` pattern.
pub(crate) const F_M_FIRST: u8 = 8;
pub(crate) const F_M_SECOND: u8 = 16;
pub(crate) const F_M_SINGLE: u8 = 32;

/// The flags of one token's text.
pub(crate) fn token_flags(r: &Rules, t: &str) -> u8 {
    if r.han_plain
        && t.chars()
            .next()
            .is_some_and(|c| matches!(c, '\u{4E00}'..='\u{9FFF}'))
    {
        // A CJK ideograph is a word char, not punctuation, and starts no matcher token (the
        // common case of Chinese text, where every token asks).
        return F_WORD;
    }
    let mut cs = t.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        // One char (punctuation in CJK text, most of all): a table of every BMP char.
        if let Some(&f) = r.single_char_flags().get(c as usize) {
            return f;
        }
    }
    token_flags_of(r, t)
}

/// `token_flags` computed from the definition (no shortcut).
pub(crate) fn token_flags_of(r: &Rules, t: &str) -> u8 {
    let mut f = 0u8;
    let mut cs = t.chars();
    let first = cs.next();
    if first.is_some_and(|c| !py_isspace(c)) {
        f |= F_WORD;
    }
    if let (Some(c), None) = (first, cs.next()) {
        if r.punct_chars.contains(c) {
            f |= F_PUNCT_CHAR;
        }
    }
    if t.chars().all(|c| r.category_p.contains(c)) {
        f |= F_IS_PUNCT;
    }
    f | matcher_flags(r, t)
}

/// The token's `F_M_*` flags (phrase-matcher pattern tokens).
#[inline]
fn matcher_flags(r: &Rules, t: &str) -> u8 {
    if r.matcher_any.may_contain(t) {
        if let Some(&m) = r.matcher_flags.get(t) {
            return m;
        }
    }
    0
}

/// Per-thread tokenizer state: output buffers (reused between calls) and the chunk cache.
#[derive(Default)]
pub(crate) struct TokState {
    pub(crate) spans: Vec<(usize, usize)>,
    pub(crate) flags: Vec<u8>,
    cache: ChunkCache,
    scratch: Scratch,
    /// Chunks found by the whitespace scan, not yet tokenized: `(start, end, is_ws, key)`
    /// (the key only when the chunk is at most `MAX_KEY` bytes).
    pending: Vec<(usize, usize, bool, Key)>,
}

/// Chunks scanned ahead of tokenization, so that their cache slots load in parallel.
const BLOCK: usize = 128;

thread_local! {
    // One state per language: the chunk cache holds language-specific tokenizations.
    static STATE: RefCell<[Option<Box<TokState>>; 2]> = const { RefCell::new([None, None]) };
}

fn slot(lang: SpacyLang) -> usize {
    match lang {
        SpacyLang::En => 0,
        SpacyLang::Xx => 1,
    }
}

/// Tokenize `text` into the thread's reusable buffers and call `f(spans, flags)`.
pub(crate) fn with_tokens<R>(
    lang: SpacyLang,
    text: &str,
    f: impl FnOnce(&[(usize, usize)], &[u8]) -> R,
) -> R {
    STATE.with(|cell| {
        if let Ok(mut guard) = cell.try_borrow_mut() {
            let st = guard[slot(lang)].get_or_insert_with(Default::default);
            st.run(lang, text);
            let out = f(&st.spans, &st.flags);
            // Don't keep a huge document's buffers alive.
            if st.spans.capacity() > (1 << 22) {
                st.spans = Vec::new();
                st.flags = Vec::new();
            }
            out
        } else {
            let mut st = TokState::default();
            st.run(lang, text);
            f(&st.spans, &st.flags)
        }
    })
}

/// spaCy tokens of `text` as byte spans `(start, end)`, including whitespace tokens.
pub fn spacy_tokens(lang: SpacyLang, text: &str) -> Vec<(usize, usize)> {
    spacy_tokens_and_flags(lang, text).0
}

/// spaCy tokens of `text` and their flags, handed over without copying (the thread's buffers
/// start again empty).
pub(crate) fn spacy_tokens_and_flags(
    lang: SpacyLang,
    text: &str,
) -> (Vec<(usize, usize)>, Vec<u8>) {
    STATE.with(|cell| {
        let mut guard = cell.try_borrow_mut().ok();
        let mut local = None;
        let st = match guard.as_mut() {
            Some(g) => g[slot(lang)].get_or_insert_with(Default::default),
            None => local.insert(Box::<TokState>::default()),
        };
        st.run(lang, text);
        (std::mem::take(&mut st.spans), std::mem::take(&mut st.flags))
    })
}

impl TokState {
    /// Tokenize `text` into `spans` / `flags`.
    fn run(&mut self, lang: SpacyLang, text: &str) {
        let r = rules_for(lang);
        self.spans.clear();
        self.flags.clear();
        let bytes = text.as_bytes();
        let n = bytes.len();
        if n == 0 {
            return;
        }
        self.spans.reserve(n / 3 + 4);
        self.flags.reserve(n / 3 + 4);
        let cls = &r.ws_class;
        // Whether the char at `i` (a char boundary whose byte has class 2) is whitespace, and
        // its width.
        let wide_ws = |i: usize| -> Option<usize> {
            let c = text.get(i..)?.chars().next()?;
            py_isspace(c).then_some(c.len_utf8())
        };
        let mut i = 0usize;
        let mut start = 0usize;
        let mut in_ws = match cls[bytes[0] as usize] {
            0 => false,
            1 => true,
            _ => wide_ws(0).is_some(),
        };
        loop {
            if in_ws {
                while i < n {
                    match cls[bytes[i] as usize] {
                        0 => break,
                        1 => i += 1,
                        _ => match wide_ws(i) {
                            Some(w) => i += w,
                            None => break,
                        },
                    }
                }
                if start < i {
                    self.push_chunk(r, text, start, i, true);
                }
                if i >= n {
                    break;
                }
                start = i;
                in_ws = false;
            } else {
                // A non-whitespace run from `start` (== i).
                while i < n {
                    if r.ws_swar {
                        i = next_break_candidate(bytes, i);
                        if i >= n {
                            break;
                        }
                    }
                    match cls[bytes[i] as usize] {
                        0 => i += 1,
                        1 => break,
                        _ => {
                            if wide_ws(i).is_some() {
                                break;
                            }
                            i += 1;
                        }
                    }
                }
                if start < i {
                    self.push_chunk(r, text, start, i, false);
                }
                if i >= n {
                    break;
                }
                // spaCy attaches one following ' ' to the token.
                if bytes[i] == b' ' {
                    start = i + 1;
                    // Common case: a single space, then the next word.
                    if i + 1 < n && cls[bytes[i + 1] as usize] == 0 {
                        i += 1;
                        continue;
                    }
                } else {
                    start = i;
                }
                in_ws = true;
            }
        }
        self.flush(r, text);
        apply_special_cases(r, text, &mut self.spans, &mut self.flags);
    }

    /// Queue the chunk `text[a..b]` (a whitespace run if `ws`), starting to load its cache slot.
    #[inline(always)]
    fn push_chunk(&mut self, r: &Rules, text: &str, a: usize, b: usize, ws: bool) {
        let key = if b - a <= MAX_KEY {
            let k = Key::new(text.as_bytes(), a, b);
            self.cache.probe(&k);
            k
        } else {
            Key::default()
        };
        self.pending.push((a, b, ws, key));
        if self.pending.len() >= BLOCK {
            self.flush(r, text);
        }
    }

    /// Tokenize the queued chunks.
    fn flush(&mut self, r: &Rules, text: &str) {
        let pending = std::mem::take(&mut self.pending);
        for &(a, b, ws, ref key) in &pending {
            self.chunk(r, text, a, b, ws, key);
        }
        self.pending = pending;
        self.pending.clear();
    }

    /// Tokens of the chunk `text[a..b]` (a whitespace run if `ws`); `key` as `push_chunk` made.
    #[inline(always)]
    fn chunk(&mut self, r: &Rules, text: &str, a: usize, b: usize, ws: bool, key: &Key) {
        if b - a <= MAX_KEY {
            if let Some((ends, flags)) = self.cache.get(key) {
                let mut p = a;
                for (&e, &f) in ends.iter().zip(flags) {
                    let q = a + e as usize;
                    self.spans.push((p, q));
                    self.flags.push(f);
                    p = q;
                }
                return;
            }
            let n0 = self.spans.len();
            self.chunk_uncached(r, text, a, b, ws);
            self.cache
                .store(key, a, &self.spans[n0..], &self.flags[n0..]);
        } else {
            self.chunk_uncached(r, text, a, b, ws);
        }
    }

    #[inline(never)]
    fn chunk_uncached(&mut self, r: &Rules, text: &str, a: usize, b: usize, ws: bool) {
        let n0 = self.spans.len();
        let chunk = &text[a..b];
        // OR of the ASCII flags of the chunk's bytes, for an all-ASCII non-whitespace chunk.
        let hint = if !ws && chunk.is_ascii() {
            Some(
                chunk
                    .bytes()
                    .fold(0u8, |f, c| f | r.ascii_flags[c as usize & 127]),
            )
        } else {
            None
        };
        tokenize_chunk(r, text, a, b, hint, &mut self.spans, &mut self.scratch);
        for &(x, y) in &self.spans[n0..] {
            self.flags.push(token_flags(r, &text[x..y]));
        }
    }
}

/// The first position at or after `i` holding a byte that may start whitespace: ASCII up to
/// `' '` (whitespace or a control char) or a lead byte 0xC2 or 0xE0..=0xE3 (a superset of
/// `ws_class` != 0 when `Rules::ws_swar`); see `swar::scan` for the last 8 bytes.
#[inline(always)]
pub(super) fn next_break_candidate(b: &[u8], i: usize) -> usize {
    use crate::swar::{ascii_below, eq, scan, LO};
    scan(b, i, |x| {
        ascii_below(x, 0x21) | eq(x, 0xC2) | eq(x & (LO * 0xFC), 0xE0)
    })
}

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
    slow_chunk(r, text, a, b, out, sc);
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
                for &(is, ie) in &sc.infixes {
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

/// A cheap necessary condition for `URL_PATTERN` when `s` has no userinfo ("@") and no scheme
/// ("://"), i.e. when the host starts at 0. The host's characters (labels of
/// `[A-Za-z0-9\u00a1-\uffff_-]` joined by ".") can only be followed by the end, a port (":")
/// or a path ("/?#"), so the host is the whole leading run of such characters; its labels are
/// never empty (no ".."), and its last one is either the TLD (2 to 63 lowercase letters,
/// where spaCy's `ALPHA_LOWER` also holds every uncased script, e.g. Han) or the last IPv4
/// octet (1 to 3 digits). Long unspaced chunks of Chinese or Japanese text with an ellipsis
/// or a decimal number fail this at once, where the backtracking regex took many steps.
pub(super) fn host_may_match(s: &str) -> bool {
    if s.contains('@') || s.contains("://") {
        return true;
    }
    let host_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{a1}'..='\u{ffff}');
    let end = s
        .char_indices()
        .find(|&(_, c)| !host_char(c))
        .map_or(s.len(), |(i, _)| i);
    if end < s.len() && !matches!(s.as_bytes()[end], b':' | b'/' | b'?' | b'#') {
        return false;
    }
    let host = &s[..end];
    if host.starts_with('.') || host.contains("..") {
        return false;
    }
    let Some(dot) = host.rfind('.') else {
        return false;
    };
    let last = &host[dot + 1..];
    let octet = (1..=3).contains(&last.len()) && last.bytes().all(|b| b.is_ascii_digit());
    let tld = (2..=63).contains(&last.chars().count())
        && last.chars().all(|c| {
            // Over-approximates ALPHA_LOWER, minus the general and fullwidth punctuation it
            // does not hold (checked against spaCy 3.8's class).
            c.is_ascii_lowercase()
                || !(c.is_ascii()
                    || matches!(c, '\u{2000}'..='\u{206F}' | '\u{FF00}'..='\u{FF0F}')
                    || matches!(c, '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}')
                    || matches!(c, '\u{FF5B}'..='\u{FF65}'))
        });
    octet || tld
}

fn url_match(r: &Rules, s: &str) -> bool {
    // Both host forms of spaCy's URL_PATTERN need a "." followed by a digit (dotted IPv4) or
    // by the TLD's first letter (ASCII a-z or a non-ASCII letter): without such a "." the regex
    // cannot match, so skip running it (most chunks, e.g. "end." or "...").
    let b = s.as_bytes();
    let dot_then_host_char = b.windows(2).any(|w| {
        w[0] == b'.' && (w[1].is_ascii_lowercase() || w[1].is_ascii_digit() || w[1] >= 0x80)
    });
    if !dot_then_host_char || !host_may_match(s) {
        return false;
    }
    match &r.url {
        Some(re) => matches!(re.is_match(s), Ok(true)),
        None => false,
    }
}
