//! The small regular expressions newmm and its post-processing use, matched by hand with
//! Python `re` semantics (`\d` is Unicode category Nd): the non-Thai run at a position, the
//! "at most two consonants" word test, and the formatted numbers that get rejoined.

use crate::pytext::is_decimal;

#[inline]
fn is_thai_block(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// End of the run of digits starting at `p` (`p` if none).
#[inline]
fn digits_end(text: &[char], mut p: usize) -> usize {
    while text.get(p).is_some_and(|&c| is_decimal(c)) {
        p += 1;
    }
    p
}

/// newmm's non-Thai pattern anchored at `p` (first alternative that matches wins):
/// `[-a-zA-Z]+`, `\d+([,.]\d+)*`, `[ \t]+`, `\r?\n`, `[^\u0E00-\u0E7F \t\r\n]+`.
/// Returns the match end.
pub fn nonthai_end(text: &[char], p: usize) -> Option<usize> {
    let c = *text.get(p)?;
    let run = |pred: &dyn Fn(char) -> bool| {
        let mut q = p;
        while text.get(q).is_some_and(|&c| pred(c)) {
            q += 1;
        }
        q
    };
    if c == '-' || c.is_ascii_alphabetic() {
        return Some(run(&|c| c == '-' || c.is_ascii_alphabetic()));
    }
    if is_decimal(c) {
        let mut q = digits_end(text, p);
        while matches!(text.get(q), Some(',' | '.')) {
            let r = digits_end(text, q + 1);
            if r == q + 1 {
                break;
            }
            q = r;
        }
        return Some(q);
    }
    if c == ' ' || c == '\t' {
        return Some(run(&|c| c == ' ' || c == '\t'));
    }
    if c == '\n' {
        return Some(p + 1);
    }
    if c == '\r' {
        return (text.get(p + 1) == Some(&'\n')).then_some(p + 2);
    }
    if !is_thai_block(c) {
        return Some(run(&|c| {
            !is_thai_block(c) && !matches!(c, ' ' | '\t' | '\r' | '\n')
        }));
    }
    None
}

/// `[ก-ฮ]{,2}$` matched at the start of a dictionary word (entries are stripped, so the
/// `$`-before-final-newline case cannot arise): at most two characters, all consonants.
pub fn is_two_chars(word: &[char]) -> bool {
    word.len() <= 2 && word.iter().all(|&c| ('\u{0E01}'..='\u{0E2E}').contains(&c))
}

/// The matches of `(\d+[.,:])+\d+` in `text`, left to right, as code point ranges: maximal
/// chains of at least two digit runs joined by single separators.
pub fn formatted_numbers(text: &[char]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut p = 0usize;
    std::iter::from_fn(move || {
        while p < text.len() {
            if !is_decimal(text[p]) {
                p += 1;
                continue;
            }
            let start = p;
            let mut end = digits_end(text, p);
            let mut runs = 1;
            while matches!(text.get(end), Some('.' | ',' | ':')) {
                let r = digits_end(text, end + 1);
                if r == end + 1 {
                    break;
                }
                end = r;
                runs += 1;
            }
            if runs >= 2 {
                p = end;
                return Some((start, end));
            }
            // A single run: no match can start inside it either.
            p = end;
        }
        None
    })
}

/// `PyThaiNLP`'s `rejoin_formatted_num` over tokens that tile `text`, given as their end
/// positions (code points, increasing): returns the ends after joining. Walking the tokens
/// with the running offset, a token that starts at or after a match start begins a joined
/// token that takes whole tokens until the offset reaches the match end.
pub fn rejoin_formatted_num(text: &[char], ends: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(ends.len());
    let mut matches = formatted_numbers(text);
    let mut m = matches.next();
    let mut pos = 0usize;
    let mut i = 0usize;
    while i < ends.len() {
        let Some((ms, me)) = m else { break };
        if pos >= ms {
            let first = i;
            while pos < me && i < ends.len() {
                pos = ends[i];
                i += 1;
            }
            if i > first {
                out.push(pos);
            }
            m = matches.next();
        } else {
            pos = ends[i];
            out.push(pos);
            i += 1;
        }
    }
    out.extend_from_slice(&ends[i..]);
    out
}
