//! Cleaning mappers: each rewrites a text and reports whether it changed anything.
//!
//! - `unescape`: Python's `html.unescape` (HTML5 names, longest-prefix legacy names, numeric
//!   references with its fix-ups).
//! - `strip_html`: drop comments, `script`/`style` blocks and tags (block-level tags become a
//!   newline), then `unescape`.
//! - `normalize_unicode`: NFC, NFKC, NFD or NFKD.
//! - `normalize_whitespace`: control characters out, Unicode spaces to ASCII, runs of spaces
//!   collapsed, lines stripped, blank-line runs capped.
//! - `symbol_lines`: datatrove's `SymbolLinesFormatter`.
//! - `fix_mojibake`: undo UTF-8 that was decoded as cp1252 / latin-1 (the common case ftfy
//!   fixes), run by run, only when the result decodes cleanly.

mod entities;

use std::sync::OnceLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::chars::is_punctuation_set;
use crate::error::{Error, Result};
use crate::pytext::{splitlines, strip};

/// Python's `html.unescape`.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)").expect("charref")
    });
    re.replace_all(s, |c: &regex::Captures<'_>| replace_charref(&c[1]))
        .into_owned()
}

fn named(name: &str) -> Option<&'static str> {
    entities::NAMED
        .binary_search_by(|(k, _)| (*k).cmp(name))
        .ok()
        .map(|i| entities::NAMED[i].1)
}

fn replace_charref(s: &str) -> String {
    if let Some(num) = s.strip_prefix('#') {
        let digits = num.trim_end_matches(';');
        let n = if let Some(hex) = digits.strip_prefix(['x', 'X']) {
            u128::from_str_radix(hex, 16).unwrap_or(u128::MAX)
        } else {
            digits.parse::<u128>().unwrap_or(u128::MAX)
        };
        if let Ok(k) = u32::try_from(n) {
            if let Ok(i) = entities::INVALID_CHARREFS.binary_search_by(|(c, _)| c.cmp(&k)) {
                return entities::INVALID_CHARREFS[i].1.to_string();
            }
        }
        if (0xD800..=0xDFFF).contains(&n) || n > 0x10FFFF {
            return "\u{FFFD}".to_string();
        }
        let k = n as u32;
        if entities::INVALID_CODEPOINTS.binary_search(&k).is_ok() {
            return String::new();
        }
        return char::from_u32(k).map(String::from).unwrap_or_default();
    }
    if let Some(v) = named(s) {
        return v.to_string();
    }
    // The longest prefix that is a name (legacy names without `;`).
    let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    for &x in bounds.iter().skip(2).rev() {
        if let Some(v) = named(&s[..x]) {
            return format!("{v}{}", &s[x..]);
        }
    }
    format!("&{s}")
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "td",
    "th",
];

/// Strip markup from text that still carries it.
pub fn strip_html(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return s.to_string();
    }
    static RES: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (blocks, tags) = RES.get_or_init(|| {
        (
            Regex::new(r"(?is)<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>")
                .expect("blocks"),
            Regex::new(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*>").expect("tags"),
        )
    });
    let no_blocks = blocks.replace_all(s, "");
    let no_tags = tags.replace_all(&no_blocks, |c: &regex::Captures<'_>| {
        if BLOCK_TAGS.contains(&c[1].to_ascii_lowercase().as_str()) {
            "\n"
        } else {
            ""
        }
    });
    unescape(&no_tags)
}

/// A Unicode normalization form.
#[derive(Clone, Copy, Debug)]
pub enum Form {
    Nfc,
    Nfkc,
    Nfd,
    Nfkd,
}

impl Form {
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_uppercase().as_str() {
            "NFC" => Ok(Form::Nfc),
            "NFKC" => Ok(Form::Nfkc),
            "NFD" => Ok(Form::Nfd),
            "NFKD" => Ok(Form::Nfkd),
            _ => Err(Error::Config(format!("unknown normalization form {s:?}"))),
        }
    }
}

pub fn normalize_unicode(s: &str, form: Form) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    match form {
        Form::Nfc => s.nfc().collect(),
        Form::Nfkc => s.nfkc().collect(),
        Form::Nfd => s.nfd().collect(),
        Form::Nfkd => s.nfkd().collect(),
    }
}

/// Whitespace clean-up: control and format characters (except `\n`, `\t`) removed, `\r\n`
/// and other line breaks to `\n`, Unicode spaces and tabs to one ASCII space per run, each
/// line stripped, at most `max_blank_lines` empty lines in a row, no leading/trailing blank
/// lines.
pub fn normalize_whitespace(s: &str, max_blank_lines: usize) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0usize;
    let mut started = false;
    for line in splitlines(s) {
        let mut l = String::with_capacity(line.len());
        let mut pending_space = false;
        for c in line.chars() {
            if c == '\t' || c.is_whitespace() {
                pending_space = true;
            } else if c.is_control() || matches!(c, '\u{200b}' | '\u{feff}' | '\u{00ad}') {
                continue;
            } else {
                if pending_space && !l.is_empty() {
                    l.push(' ');
                }
                pending_space = false;
                l.push(c);
            }
        }
        if l.is_empty() {
            blank_run += 1;
            continue;
        }
        if started {
            out.push('\n');
            for _ in 0..blank_run.min(max_blank_lines) {
                out.push('\n');
            }
        }
        blank_run = 0;
        started = true;
        out.push_str(&l);
    }
    out
}

/// datatrove's `SymbolLinesFormatter` with its default symbol set (`PUNCTUATION_SET`): runs of
/// lines made only of those symbols and spaces are removed (`replace_char`, if not empty, is
/// emitted once per run); lines are re-joined with `\n`.
pub fn symbol_lines(s: &str, replace_char: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut in_run = false;
    for line in splitlines(s) {
        let is_symbol =
            !strip(line).is_empty() && line.chars().all(|c| c == ' ' || is_punctuation_set(c));
        if is_symbol {
            if !in_run && !replace_char.is_empty() {
                out.push(replace_char);
            }
            in_run = true;
        } else {
            out.push(line);
            in_run = false;
        }
    }
    out.join("\n")
}

/// The cp1252 byte of `c`, if it has one (latin-1 for the code points cp1252 leaves
/// undefined, as a lenient decoder does).
fn cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if u < 0x80 || (0xA0..=0xFF).contains(&u) {
        return Some(u as u8);
    }
    const HIGH: [(u32, u8); 32] = [
        (0x20AC, 0x80),
        (0x201A, 0x82),
        (0x0192, 0x83),
        (0x201E, 0x84),
        (0x2026, 0x85),
        (0x2020, 0x86),
        (0x2021, 0x87),
        (0x02C6, 0x88),
        (0x2030, 0x89),
        (0x0160, 0x8A),
        (0x2039, 0x8B),
        (0x0152, 0x8C),
        (0x017D, 0x8E),
        (0x2018, 0x91),
        (0x2019, 0x92),
        (0x201C, 0x93),
        (0x201D, 0x94),
        (0x2022, 0x95),
        (0x2013, 0x96),
        (0x2014, 0x97),
        (0x02DC, 0x98),
        (0x2122, 0x99),
        (0x0161, 0x9A),
        (0x203A, 0x9B),
        (0x0153, 0x9C),
        (0x017E, 0x9E),
        (0x0178, 0x9F),
        (0x81, 0x81),
        (0x8D, 0x8D),
        (0x8F, 0x8F),
        (0x90, 0x90),
        (0x9D, 0x9D),
    ];
    HIGH.iter().find(|(k, _)| *k == u).map(|(_, b)| *b)
}

/// Undo UTF-8 text that was decoded as cp1252 (or latin-1): each maximal run of characters
/// that all have a cp1252 byte and include a non-ASCII one is re-encoded, and replaced by its
/// UTF-8 decoding when that is valid and not in the C1 range. Two guards keep ordinary
/// Latin-1 text intact: `ß` never starts a sequence, and a three-byte sequence that starts
/// right after a letter and whose two trailing characters are both typographic (`é` + NBSP +
/// `—`) is not decoded.
pub fn fix_mojibake(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if cp1252_byte(c).is_none_or(|b| b < 0xC2) {
            out.push(c);
            i += 1;
            continue;
        }
        // A run of cp1252-encodable chars starting at a possible UTF-8 lead byte.
        let mut j = i;
        let mut bytes = Vec::new();
        while j < chars.len() {
            match cp1252_byte(chars[j].1) {
                Some(b) if !(b.is_ascii_whitespace() && j > i && bytes.len() > 64) => {
                    bytes.push(b);
                    j += 1;
                }
                _ => break,
            }
        }
        let end = chars.get(j).map_or(s.len(), |c| c.0);
        // Decode the longest valid UTF-8 prefix of multi-byte sequences.
        let after_letter = i > 0 && chars[i - 1].1.is_alphabetic();
        let fixed = decode_prefix(&bytes, after_letter);
        match fixed {
            Some((text, used)) if used > 0 => {
                out.push_str(&text);
                // Characters consumed: `used` bytes, one char per byte.
                i += used;
            }
            _ => {
                out.push_str(&s[start..end.min(start + c.len_utf8())]);
                i += 1;
            }
        }
    }
    out
}

/// cp1252 bytes of characters that commonly follow a word: `…` `‘` `’` `“` `”` `–` `—`, NBSP,
/// soft hyphen.
const TYPOGRAPHIC: [u8; 9] = [0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0xA0, 0xAD];

/// The longest prefix of `bytes` that decodes as UTF-8 with at least one multi-byte
/// sequence, and how many bytes it used; `None` if the first sequence is not valid UTF-8.
fn decode_prefix(bytes: &[u8], after_letter: bool) -> Option<(String, usize)> {
    let mut k = 0;
    let mut text = String::new();
    let mut multi = false;
    while k < bytes.len() {
        let b = bytes[k];
        let len = match b {
            0x00..=0x7F => 1,
            // `ß` (0xDF) before typographic characters is ordinary German, not mojibake.
            0xC2..=0xDE => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => break,
        };
        let Some(seq) = bytes.get(k..k + len) else {
            break;
        };
        // ftfy's `restore_byte_a0`: a NBSP byte (0xA0) that became a plain space after `Â`
        // or `Ã` (`Year.Â Julia`, `Ã vous`).
        let restored;
        let seq = if len == 2 && matches!(b, 0xC2 | 0xC3) && seq[1] == b' ' {
            restored = [b, 0xA0];
            &restored[..]
        } else {
            seq
        };
        // Inside a word, an accented letter followed by two typographic characters
        // (`lucidité\u{a0}—`) is ordinary text far more often than a mis-decoded character.
        if len == 3 && k == 0 && after_letter && seq[1..].iter().all(|c| TYPOGRAPHIC.contains(c)) {
            break;
        }
        let Ok(t) = std::str::from_utf8(seq) else {
            break;
        };
        if len == 1 && !multi {
            return None;
        }
        let c = t.chars().next()?;
        if len > 1 && (0x80..0xA0).contains(&(c as u32)) {
            break;
        }
        if len == 1 {
            // Stop at the first ASCII byte after the repaired sequences.
            break;
        }
        multi = true;
        text.push_str(t);
        k += len;
    }
    (multi && k > 0).then_some((text, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_like_python() {
        assert_eq!(
            unescape("&amp; &lt;b&gt; &#39; &#x27; &copy &notit; &#128; &#0; &bogus;"),
            "& <b> ' ' © ¬it; € \u{fffd} &bogus;"
        );
    }

    #[test]
    fn strip_html_blocks_tags_entities() {
        let s = "<html><head><style>p{}</style><script>x<1</script></head><body><p>Hello&nbsp;<b>world</b></p><!-- c --><br>bye</body>";
        assert_eq!(strip_html(s), "\nHello\u{a0}world\n\nbye");
    }

    #[test]
    fn whitespace_and_symbol_lines() {
        assert_eq!(
            normalize_whitespace("  a \t b\u{a0}c \r\n\n\n\n x\u{7}y  \n\n", 1),
            "a b c\n\nxy"
        );
        assert_eq!(
            symbol_lines("text\n---\n***\nmore\n   \n!!", ""),
            "text\nmore\n   "
        );
        assert_eq!(symbol_lines("a\n---\n***\nb", "<sep>"), "a\n<sep>\nb");
    }

    #[test]
    fn mojibake_round_trip() {
        assert_eq!(
            fix_mojibake("cafÃ© â€œquotedâ€\u{9d} Ã¼ber"),
            "café “quoted” über"
        );
        assert_eq!(fix_mojibake("Ça va? À bientôt"), "Ça va? À bientôt");
        assert_eq!(fix_mojibake("plain"), "plain");
        assert_eq!(fix_mojibake("New Year.Â Julia"), "New Year.\u{a0}Julia");
        assert_eq!(fix_mojibake("Ã  vous"), "à vous");
        for ok in [
            "lucidité\u{a0}— un",
            "Groß\u{ad}britannien",
            "„spaß“",
            "oublié\u{a0}\u{a0}",
        ] {
            assert_eq!(fix_mojibake(ok), ok);
        }
    }
}

/// One cleaning mapper with its settings.
#[derive(Clone, Debug)]
pub enum Op {
    Unescape,
    StripHtml,
    Normalize(Form),
    Whitespace { max_blank_lines: usize },
    SymbolLines { replace_char: String },
    Mojibake,
}

impl Op {
    pub fn apply(&self, s: &str) -> String {
        match self {
            Op::Unescape => unescape(s),
            Op::StripHtml => strip_html(s),
            Op::Normalize(f) => normalize_unicode(s, *f),
            Op::Whitespace { max_blank_lines } => normalize_whitespace(s, *max_blank_lines),
            Op::SymbolLines { replace_char } => symbol_lines(s, replace_char),
            Op::Mojibake => fix_mojibake(s),
        }
    }
}

/// Apply `ops` in order to every row on the pool: the new text (`None` when unchanged; a
/// null row stays `None` too) per row.
pub fn apply_rows(rows: &[Option<&str>], ops: &[Op]) -> Result<Vec<Option<String>>> {
    crate::parallel::map_rows(rows, |t| {
        let t = t?;
        let mut cur: Option<String> = None;
        for op in ops {
            let next = op.apply(cur.as_deref().unwrap_or(t));
            cur = Some(next);
        }
        cur.filter(|c| c != t)
    })
}
