//! Chinese word segmentation as jieba 0.42 cuts by default (`jieba.cut(text)`: accurate mode,
//! HMM on), from jieba's own dictionary and HMM tables (handed over by the caller, e.g. read from
//! the installed `jieba` package; nothing is bundled or downloaded):
//!
//! 1. the text splits into runs of `[\u4E00-\u9FD5a-zA-Z0-9+#&._%-]` and other text; other text
//!    comes out one character at a time (`\r\n` and whitespace characters as they are);
//! 2. a run is cut by the most probable path through the DAG of dictionary words
//!    (`log(freq or 1) - log(total)`, ties to the longer word);
//! 3. consecutive single characters the path leaves, when not a dictionary word themselves, go
//!    through the B/M/E/S HMM (Viterbi, jieba's tie order), Han characters only; letters and
//!    digits (`[a-zA-Z0-9]+(\.\d+)?%?`) and the rest split around them.
//!
//! Floating-point sums follow jieba's order, so ties and near-ties resolve as in Python.

use ahash::AHashMap;

use crate::error::{Error, Result};
use crate::pytext::is_decimal;

const MIN_FLOAT: f64 = -3.14e100;
/// HMM states in jieba's character order (ties in `max` go to the later one): B, E, M, S.
const B: usize = 0;
const E: usize = 1;
const M: usize = 2;
const S: usize = 3;
/// Possible previous states of each state (jieba's `PrevStatus`).
const PREV: [[usize; 2]; 4] = [[E, S], [B, M], [M, B], [S, E]];

/// jieba's prefix dictionary (`FREQ`: every word, and every prefix of a word at 0) as a
/// character trie, so that extending a candidate word by one character is one small lookup
/// instead of hashing the whole candidate again.
#[derive(Default)]
struct Trie {
    /// (node, next char) -> child node; node 0 is the root.
    next: AHashMap<(u32, char), u32>,
    /// Per node: the word's frequency (0 for a prefix that is not a word, as in jieba).
    freq: Vec<u64>,
}

impl Trie {
    fn child(&self, node: u32, c: char) -> Option<u32> {
        self.next.get(&(node, c)).copied()
    }

    /// Insert `word` with `f` (a later line for the same word wins, as in jieba).
    fn insert(&mut self, word: &str, f: u64) {
        if self.freq.is_empty() {
            self.freq.push(0);
        }
        let mut node = 0u32;
        for c in word.chars() {
            node = match self.child(node, c) {
                Some(n) => n,
                None => {
                    let n = self.freq.len() as u32;
                    self.freq.push(0);
                    self.next.insert((node, c), n);
                    n
                }
            };
        }
        self.freq[node as usize] = f;
    }

    /// `FREQ.get(s)`: None when `s` is neither a word nor a prefix of one.
    fn get(&self, s: &str) -> Option<u64> {
        let mut node = 0u32;
        for c in s.chars() {
            node = self.child(node, c)?;
        }
        self.freq.get(node as usize).copied()
    }
}

/// jieba's dictionary and HMM.
pub struct Jieba {
    freq: Trie,
    log_total: f64,
    start: [f64; 4],
    /// `trans[from][to]` (`-inf` where jieba has no entry).
    trans: [[f64; 4]; 4],
    emit: [AHashMap<char, f64>; 4],
}

fn han_default(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FD5}' | 'a'..='z' | 'A'..='Z' | '0'..='9')
        || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
}

fn han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FD5}')
}

fn state(name: &str) -> Result<usize> {
    Ok(match name {
        "B" => B,
        "E" => E,
        "M" => M,
        "S" => S,
        _ => return Err(Error::Config(format!("unknown HMM state {name:?}"))),
    })
}

impl Jieba {
    /// From `dict.txt`'s text (`word freq [tag]` per line) and the HMM's start, transition and
    /// emission log probabilities keyed by state name.
    pub fn new(
        dict: &str,
        start: &[(String, f64)],
        trans: &[(String, String, f64)],
        emit: &[(String, Vec<(char, f64)>)],
    ) -> Result<Self> {
        let mut freq = Trie::default();
        let mut total = 0u64;
        for (n, line) in dict.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split(' ');
            let (Some(word), Some(f)) = (parts.next(), parts.next()) else {
                return Err(Error::Config(format!(
                    "jieba dictionary line {}: {line:?}",
                    n + 1
                )));
            };
            let f: u64 = f.parse().map_err(|_| {
                Error::Config(format!(
                    "jieba dictionary line {}: bad frequency {f:?}",
                    n + 1
                ))
            })?;
            freq.insert(word, f);
            total += f;
        }
        if total == 0 {
            return Err(Error::Config("the jieba dictionary is empty".into()));
        }
        let mut s = [MIN_FLOAT; 4];
        for (k, v) in start {
            s[state(k)?] = *v;
        }
        let mut t = [[f64::NEG_INFINITY; 4]; 4];
        for (a, b, v) in trans {
            t[state(a)?][state(b)?] = *v;
        }
        let mut e: [AHashMap<char, f64>; 4] = Default::default();
        for (k, table) in emit {
            e[state(k)?] = table.iter().copied().collect();
        }
        Ok(Jieba {
            freq,
            log_total: (total as f64).ln(),
            start: s,
            trans: t,
            emit: e,
        })
    }

    /// The words of `text`, as `jieba.cut(text)` gives them.
    pub fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        for (in_han, blk) in runs(text, han_default) {
            if in_han {
                self.cut_dag(blk, &mut out);
            } else {
                let mut it = blk.char_indices().peekable();
                while let Some((i, ch)) = it.next() {
                    if ch == '\r' && it.peek().map(|p| p.1) == Some('\n') {
                        it.next();
                        out.push(&blk[i..i + 2]);
                    } else {
                        out.push(&blk[i..i + ch.len_utf8()]);
                    }
                }
            }
        }
        out
    }

    fn cut_dag<'a>(&self, s: &'a str, out: &mut Vec<&'a str>) {
        // Byte offset of every character, and of the end.
        let at: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        let n = at.len() - 1;
        let sub = |i: usize, j: usize| &s[at[i]..at[j]];
        // DAG: for each start k, the ends (inclusive) of dictionary words with their
        // frequencies, in `ends[first[k]..first[k + 1]]`.
        let chars: Vec<char> = s.chars().collect();
        let mut ends: Vec<(usize, u64)> = Vec::with_capacity(2 * n);
        let mut first: Vec<usize> = Vec::with_capacity(n + 1);
        for k in 0..n {
            first.push(ends.len());
            let mut node = 0u32;
            for (i, &c) in chars.iter().enumerate().skip(k) {
                match self.freq.child(node, c) {
                    Some(next) => {
                        node = next;
                        let f = self.freq.freq[node as usize];
                        if f > 0 {
                            ends.push((i, f));
                        }
                    }
                    None => break,
                }
            }
            if ends.len() == first[k] {
                // no word starts here: the character alone (frequency looked up as jieba does)
                ends.push((k, self.freq.get(sub(k, k + 1)).unwrap_or(0)));
            }
        }
        first.push(ends.len());
        // Best path from the end: route[i] = (log prob, end of the word starting at i).
        let mut route = vec![(0f64, 0usize); n + 1];
        for idx in (0..n).rev() {
            let mut best = (f64::NEG_INFINITY, 0usize);
            for &(x, f) in &ends[first[idx]..first[idx + 1]] {
                let p = (f.max(1) as f64).ln() - self.log_total + route[x + 1].0;
                if p > best.0 || (p == best.0 && x > best.1) {
                    best = (p, x);
                }
            }
            route[idx] = best;
        }
        let mut x = 0;
        let mut buf_start: Option<usize> = None;
        while x < n {
            let y = route[x].1 + 1;
            if y - x == 1 {
                buf_start.get_or_insert(x);
            } else {
                if let Some(b) = buf_start.take() {
                    self.flush(s, &at, b, x, out);
                }
                out.push(sub(x, y));
            }
            x = y;
        }
        if let Some(b) = buf_start {
            self.flush(s, &at, b, n, out);
        }
    }

    /// The single characters `b..e` the path left: one word if that is all, HMM-cut unless the
    /// run is a dictionary word, else character by character.
    fn flush<'a>(&self, s: &'a str, at: &[usize], b: usize, e: usize, out: &mut Vec<&'a str>) {
        let buf = &s[at[b]..at[e]];
        if e - b == 1 {
            out.push(buf);
        } else if self.freq.get(buf).unwrap_or(0) == 0 {
            self.finalseg(buf, out);
        } else {
            for i in b..e {
                out.push(&s[at[i]..at[i + 1]]);
            }
        }
    }

    /// jieba's `finalseg.cut`: Han runs through the HMM, the rest split around
    /// `[a-zA-Z0-9]+(\.\d+)?%?`.
    fn finalseg<'a>(&self, s: &'a str, out: &mut Vec<&'a str>) {
        for (is_han, blk) in runs(s, han) {
            if is_han {
                self.viterbi_cut(blk, out);
            } else {
                skip_split(blk, out);
            }
        }
    }

    fn viterbi_cut<'a>(&self, s: &'a str, out: &mut Vec<&'a str>) {
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let n = chars.len();
        let em = |st: usize, c: char| self.emit[st].get(&c).copied().unwrap_or(MIN_FLOAT);
        let mut v: [f64; 4] = std::array::from_fn(|st| self.start[st] + em(st, chars[0].1));
        // back[t][state] = previous state.
        let mut back: Vec<[u8; 4]> = Vec::with_capacity(n);
        back.push([0; 4]);
        for &(_, c) in &chars[1..] {
            let mut nv = [0f64; 4];
            let mut bk = [0u8; 4];
            for y in 0..4 {
                let e = em(y, c);
                let mut best = (f64::NEG_INFINITY, 0usize);
                let mut first = true;
                for &y0 in &PREV[y] {
                    let p = v[y0] + self.trans[y0][y] + e;
                    // Python's max over (prob, state): ties go to the later state.
                    if first || p > best.0 || (p == best.0 && y0 > best.1) {
                        best = (p, y0);
                        first = false;
                    }
                }
                nv[y] = best.0;
                bk[y] = best.1 as u8;
            }
            v = nv;
            back.push(bk);
        }
        let mut st = if v[S] >= v[E] { S } else { E };
        let mut tags = vec![0usize; n];
        for t in (0..n).rev() {
            tags[t] = st;
            st = back[t][st] as usize;
        }
        let (mut begin, mut next) = (0usize, 0usize);
        for (i, &(off, c)) in chars.iter().enumerate() {
            match tags[i] {
                B => begin = off,
                E => {
                    out.push(&s[begin..off + c.len_utf8()]);
                    next = off + c.len_utf8();
                }
                S => {
                    out.push(&s[off..off + c.len_utf8()]);
                    next = off + c.len_utf8();
                }
                _ => {}
            }
        }
        if next < s.len() {
            out.push(&s[next..]);
        }
    }
}

/// spaCy zh with the jieba segmenter: jieba's words through `get_words_and_spaces`.
impl crate::tokenize::Segmenter for Jieba {
    fn doc_tokens(&self, text: &str) -> Vec<(usize, usize)> {
        let base = text.as_ptr() as usize;
        let raw: Vec<(usize, usize)> = self
            .cut(text)
            .into_iter()
            .map(|w| {
                let a = w.as_ptr() as usize - base;
                (a, a + w.len())
            })
            .collect();
        crate::tokenize::spacy_words_and_spaces(text, &raw)
    }
}

/// Maximal runs of `s` whose characters do / do not satisfy `pred`, in order: what
/// `re.split("([class]+)", s)` yields without its empty pieces.
fn runs(s: &str, pred: fn(char) -> bool) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        let inside = pred(c);
        let end = rest
            .char_indices()
            .find(|&(_, x)| pred(x) != inside)
            .map_or(rest.len(), |(i, _)| i);
        let (blk, tail) = rest.split_at(end);
        rest = tail;
        Some((inside, blk))
    })
}

/// `re.split("([a-zA-Z0-9]+(?:\.\d+)?%?)", s)`, empty pieces dropped.
fn skip_split<'a>(s: &'a str, out: &mut Vec<&'a str>) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i].is_ascii_alphanumeric() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            // (\.\d+)? with Unicode decimal digits.
            if i < b.len() && b[i] == b'.' {
                let digits: usize = s[i + 1..]
                    .char_indices()
                    .take_while(|&(_, c)| is_decimal(c))
                    .map(|(j, c)| j + c.len_utf8())
                    .last()
                    .unwrap_or(0);
                if digits > 0 {
                    i += 1 + digits;
                }
            }
            if i < b.len() && b[i] == b'%' {
                i += 1;
            }
            if last < start {
                out.push(&s[last..start]);
            }
            out.push(&s[start..i]);
            last = i;
        } else {
            i += 1;
        }
    }
    if last < s.len() {
        out.push(&s[last..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Jieba {
        let dict = "我 100 r\n来到 50 v\n北京 80 ns\n清华 20 nz\n清华大学 30 nt\n大学 40 n\n";
        let start = vec![
            ("B".into(), -0.26),
            ("E".into(), MIN_FLOAT),
            ("M".into(), MIN_FLOAT),
            ("S".into(), -1.46),
        ];
        let trans = vec![
            ("B".into(), "E".into(), -0.51),
            ("B".into(), "M".into(), -0.91),
            ("E".into(), "B".into(), -0.58),
            ("E".into(), "S".into(), -0.80),
            ("M".into(), "E".into(), -0.33),
            ("M".into(), "M".into(), -1.26),
            ("S".into(), "B".into(), -0.72),
            ("S".into(), "S".into(), -0.66),
        ];
        Jieba::new(dict, &start, &trans, &[]).unwrap()
    }

    #[test]
    fn dictionary_path_and_other_text() {
        let j = tiny();
        assert_eq!(
            j.cut("我来到北京清华大学"),
            ["我", "来到", "北京", "清华大学"]
        );
        assert_eq!(
            j.cut("我 来到\r\nOK!"),
            ["我", " ", "来到", "\r\n", "OK", "!"]
        );
        assert_eq!(j.cut(""), Vec::<&str>::new());
    }

    #[test]
    fn skip_split_keeps_numbers_whole() {
        let mut v = Vec::new();
        skip_split("21-23", &mut v);
        assert_eq!(v, ["21", "-", "23"]);
        v.clear();
        skip_split("3.5%x", &mut v);
        assert_eq!(v, ["3.5%", "x"]);
    }
}
