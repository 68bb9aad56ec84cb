//! The input buffer: the three input-text plugins (rewrite.def + lowercase + per-character
//! NFKC, prolonged-sound-mark collapsing, yomigana removal) and the modified → original byte
//! offset map (`m2o`) that turns analysed byte ranges back into original-text spans.
//!
//! Each plugin walks the current modified text once and streams its edits into a
//! [`Rewriter`], which builds the next modified text and map in one pass. Mapping rule for a
//! replacement of `[s, e)` by `w`: the first byte of `w` maps to `m2o[s]`, every other byte
//! to `m2o[e]`; a deletion emits nothing. That is why an expansion such as `㍿` → `株式会社`
//! yields empty surfaces for the later parts, and a deleted yomigana joins the previous token.

use super::chardef::{CharDef, HIRAGANA, KANJI, KATAKANA};
use crate::error::{Error, Result};
use crate::narrow::doc32;
use ahash::{AHashMap, AHashSet};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// `SudachiPy`'s limit on the original text (`u16::MAX / 4 * 3`).
pub const MAX_INPUT_BYTES: usize = 49_149;
/// Limit on the rewritten text.
const MAX_MODIFIED_BYTES: usize = u16::MAX as usize;

/// rewrite.def: replacement pairs and the characters exempt from NFKC.
pub struct RewriteDef {
    ignore_nfkc: AHashSet<char>,
    replace: AHashMap<String, String>,
    /// First characters of the replacement keys, to skip the lookup for everything else.
    key_starts: AHashSet<char>,
    max_key_chars: usize,
    /// One bit per BMP code point: `default_input_text` leaves it as it is (not a rewrite key's
    /// first character, no lowercase mapping, NFKC-stable or exempt). Most Japanese text is
    /// made of these, and one bit test replaces two set lookups and the NFKC check.
    plain: Vec<u64>,
}

impl RewriteDef {
    pub fn parse(text: &str) -> Result<RewriteDef> {
        let err =
            |ln: usize, m: &str| Error::BadModel(format!("sudachi rewrite.def line {ln}: {m}"));
        let mut d = RewriteDef {
            ignore_nfkc: AHashSet::new(),
            replace: AHashMap::new(),
            key_starts: AHashSet::new(),
            max_key_chars: 0,
            plain: Vec::new(),
        };
        for (ln, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split_whitespace().collect();
            match cols[..] {
                [c] => {
                    let mut it = c.chars();
                    match (it.next(), it.next()) {
                        (Some(ch), None) => {
                            d.ignore_nfkc.insert(ch);
                        }
                        _ => return Err(err(ln + 1, "an ignore entry must be one character")),
                    }
                }
                [k, v] => {
                    if d.replace.insert(k.to_owned(), v.to_owned()).is_some() {
                        return Err(err(ln + 1, "replacement key defined twice"));
                    }
                    d.key_starts.extend(k.chars().next());
                    d.max_key_chars = d.max_key_chars.max(k.chars().count());
                }
                _ => return Err(err(ln + 1, "expected 1 or 2 columns")),
            }
        }
        d.plain = vec![0; 0x1_0000 / 64];
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            if !d.key_starts.contains(&c) && !needs_lower(c) && !d.needs_nfkc(c) {
                d.plain[c as usize / 64] |= 1 << (c as usize % 64);
            }
        }
        Ok(d)
    }

    /// `default_input_text` keeps `c` as it is, known without the slow checks.
    #[inline]
    fn plain(&self, c: char) -> bool {
        self.plain
            .get(c as usize / 64)
            .is_some_and(|w| w >> (c as usize % 64) & 1 != 0)
    }

    /// Non-ASCII `c` gets an NFKC mapping (ASCII never does).
    fn needs_nfkc(&self, c: char) -> bool {
        !c.is_ascii()
            && !self.ignore_nfkc.contains(&c)
            && !new_in_unicode_18(c)
            && is_nfkc_quick(std::iter::once(c)) != IsNormalized::Yes
    }
}

/// Streams edits over `src` (in ascending, non-overlapping order) into a new text and map.
struct Rewriter<'a> {
    src: &'a str,
    src_m2o: &'a [u32],
    out: String,
    m2o: Vec<u32>,
    copied: usize,
    edited: bool,
}

impl<'a> Rewriter<'a> {
    fn new(src: &'a str, src_m2o: &'a [u32]) -> Self {
        Rewriter {
            src,
            src_m2o,
            out: String::new(),
            m2o: Vec::new(),
            copied: 0,
            edited: false,
        }
    }

    fn replace(&mut self, s: usize, e: usize, w: &str) {
        if !self.edited {
            self.edited = true;
            self.out.reserve(self.src.len() + 16);
            self.m2o.reserve(self.src.len() + 17);
        }
        self.out.push_str(&self.src[self.copied..s]);
        self.m2o.extend_from_slice(&self.src_m2o[self.copied..s]);
        if let Some(first) = self.src_m2o.get(s) {
            if !w.is_empty() {
                self.out.push_str(w);
                self.m2o.push(*first);
                let last = self.src_m2o[e];
                self.m2o.extend(std::iter::repeat_n(last, w.len() - 1));
            }
        }
        self.copied = e;
    }

    /// The new (text, map), or None when nothing was edited.
    fn finish(mut self) -> Option<(String, Vec<u32>)> {
        if !self.edited {
            return None;
        }
        self.out.push_str(&self.src[self.copied..]);
        self.m2o.extend_from_slice(&self.src_m2o[self.copied..]);
        self.m2o[0] = 0;
        Some((self.out, self.m2o))
    }
}

pub struct InputBuffer {
    pub modified: String,
    /// Original byte offset of each modified byte offset, `modified.len() + 1` entries.
    pub m2o: Vec<u32>,
}

impl InputBuffer {
    /// Runs the three input plugins over `original` (at most [`MAX_INPUT_BYTES`] long).
    pub fn build(original: &str, rw: &RewriteDef, cd: &CharDef) -> Result<InputBuffer> {
        let mut b = InputBuffer {
            modified: original.to_owned(),
            m2o: (0..=doc32(original.len())).collect(),
        };
        let r = default_input_text(&b.modified, &b.m2o, rw);
        b.commit(r)?;
        let r = prolonged_sound_marks(&b.modified, &b.m2o);
        b.commit(r)?;
        let r = ignore_yomigana(&b.modified, &b.m2o, cd);
        b.commit(r)?;
        Ok(b)
    }

    fn commit(&mut self, r: Option<(String, Vec<u32>)>) -> Result<()> {
        if let Some((text, m2o)) = r {
            if text.len() > MAX_MODIFIED_BYTES {
                return Err(Error::Config(format!(
                    "sudachi: rewritten input is {} bytes, over the {MAX_MODIFIED_BYTES}-byte limit",
                    text.len()
                )));
            }
            self.modified = text;
            self.m2o = m2o;
        }
        Ok(())
    }
}

/// `c` has a lowercase mapping.
fn needs_lower(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        c.is_uppercase()
    }
}

/// `DefaultInputTextPlugin`: rewrite.def pairs (anchored, shortest key first), else lowercase
/// and per-character NFKC; a character is replaced only when the candidate's first
/// character differs from it.
fn default_input_text(src: &str, m2o: &[u32], rw: &RewriteDef) -> Option<(String, Vec<u32>)> {
    let mut out = Rewriter::new(src, m2o);
    let mut buf = String::new();
    let mut it = src.char_indices().peekable();
    while let Some((o, ch)) = it.next() {
        if rw.plain(ch) {
            continue;
        }
        if rw.key_starts.contains(&ch) {
            let mut key = String::new();
            let mut found = None;
            for (k, c) in src[o..].chars().take(rw.max_key_chars).enumerate() {
                key.push(c);
                if let Some(v) = rw.replace.get(&key) {
                    found = Some((k, v));
                    break;
                }
            }
            if let Some((k, v)) = found {
                out.replace(o, o + key.len(), v);
                for _ in 0..k {
                    it.next();
                }
                continue;
            }
        }
        if ch.is_ascii() {
            if ch.is_ascii_uppercase() {
                let l = ch.to_ascii_lowercase();
                out.replace(o, o + 1, l.encode_utf8(&mut [0; 4]));
            }
            continue;
        }
        let need_lower = needs_lower(ch);
        let need_nfkc = rw.needs_nfkc(ch);
        if !need_lower && !need_nfkc {
            continue;
        }
        buf.clear();
        match (need_lower, need_nfkc) {
            (true, false) => buf.extend(ch.to_lowercase()),
            (false, true) => buf.extend(std::iter::once(ch).nfkc()),
            _ => buf.extend(ch.to_lowercase().nfkc()),
        }
        if !buf.starts_with(ch) {
            out.replace(o, o + ch.len_utf8(), &buf);
        }
    }
    out.finish()
}

/// Code points that gained an NFKC mapping in Unicode 18 (unicode-normalization 0.1.26, our
/// dependency) but are unassigned, hence left alone, in Unicode 17 (0.1.25, which `SudachiPy`
/// 0.7.0 was built with). Found by comparing the two crates over every code point: these 68
/// are the only differences, and in 0.1.25 each is `NFKC_QC` = Yes. Among them are the kana
/// ligatures U+1B123–1B126 (こと, トキ, トテ, ヨリ).
fn new_in_unicode_18(c: char) -> bool {
    matches!(c as u32,
        0x558 | 0x58B..=0x58C | 0x209D..=0x209F | 0x107BB..=0x107BF | 0x1B123..=0x1B126
        | 0x1D6A6 | 0x1DF95 | 0x1DFCD..=0x1DFFF)
}

fn is_prolonged(c: char) -> bool {
    matches!(c, 'ー' | '-' | '⁓' | '〜' | '〰')
}

/// `ProlongedSoundMarkPlugin`: every run of 2+ marks becomes one `ー`.
fn prolonged_sound_marks(src: &str, m2o: &[u32]) -> Option<(String, Vec<u32>)> {
    let mut out = Rewriter::new(src, m2o);
    let mut run: Option<(usize, usize)> = None; // (start byte, count)
    for (o, ch) in src.char_indices().chain(std::iter::once((src.len(), '\0'))) {
        if o < src.len() && is_prolonged(ch) {
            run = Some(match run {
                Some((s, n)) => (s, n + 1),
                None => (o, 1),
            });
        } else if let Some((s, n)) = run.take() {
            if n >= 2 {
                out.replace(s, o, "ー");
            }
        }
    }
    out.finish()
}

/// `IgnoreYomiganaPlugin`: deletes `(reading)` after a kanji when the reading is 1–4 kana,
/// i.e. the regex `K([(（]R{1,4}[)）])` with leftmost non-overlapping matches. R and the
/// closing brackets are disjoint, so "greedy with backtracking" reduces to "the kana run
/// right after the bracket is 1–4 long and is followed by a closing bracket".
fn ignore_yomigana(src: &str, m2o: &[u32], cd: &CharDef) -> Option<(String, Vec<u32>)> {
    if !src.contains(['(', '（']) {
        return None;
    }
    let is_k = |c: char| cd.cat(c) & KANJI != 0;
    let is_r = |c: char| cd.cat(c) & (HIRAGANA | KATAKANA) != 0;
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Rewriter::new(src, m2o);
    let mut i = 0;
    while i + 1 < chars.len() {
        if is_k(chars[i].1) && matches!(chars[i + 1].1, '(' | '（') {
            let mut j = i + 2;
            while j < chars.len() && j - (i + 2) < 4 && is_r(chars[j].1) {
                j += 1;
            }
            let n = j - (i + 2);
            if n >= 1 && j < chars.len() && matches!(chars[j].1, ')' | '）') {
                let end = chars.get(j + 1).map_or(src.len(), |c| c.0);
                out.replace(chars[i + 1].0, end, "");
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHARDEF: &str = "
0x3041..0x309F HIRAGANA
0x30A1..0x30FA KATAKANA
0x4E00..0x9FFF KANJI
0x3005 KANJI SYMBOL NOOOVBOW
";
    const REWRITE: &str = "
# comment
Ⅰ
ｶﾞ ガ
か゛ が
テ\u{3099} デ
";

    fn run(s: &str) -> (String, Vec<u32>) {
        let cd = CharDef::parse(CHARDEF).unwrap();
        let rw = RewriteDef::parse(REWRITE).unwrap();
        let b = InputBuffer::build(s, &rw, &cd).unwrap();
        (b.modified, b.m2o)
    }

    fn surface<'a>(orig: &'a str, m2o: &[u32], b: usize, e: usize) -> &'a str {
        &orig[m2o[b] as usize..m2o[e] as usize]
    }

    #[test]
    fn nfkc_lowercase_and_rewrites() {
        assert_eq!(run("ＡＢＣｄｅｆ１２３").0, "abcdef123");
        assert_eq!(run("Ⅰ").0, "ⅰ"); // ignore set blocks NFKC, not lowercasing
        assert_eq!(run("Ⅻ").0, "xii");
        assert_eq!(run("ｶﾞｷ").0, "ガキ");
        assert_eq!(run("テ\u{3099}ータ").0, "データ");
        assert_eq!(run("か゛き").0, "がき");
        // a lone combining mark normalizes to itself: left alone
        assert_eq!(run("\u{301}").0, "\u{301}");
        assert_eq!(run("İ").0, "i\u{307}");
    }

    #[test]
    fn expansion_maps_first_byte_to_start_rest_to_end() {
        let o = "㍿です";
        let (m, m2o) = run(o);
        assert_eq!(m, "株式会社です");
        assert_eq!(m2o.len(), m.len() + 1);
        assert_eq!(surface(o, &m2o, 0, 6), "㍿");
        assert_eq!(surface(o, &m2o, 6, 12), "");
        assert_eq!(surface(o, &m2o, 12, m.len()), "です");
    }

    #[test]
    fn prolonged_runs_collapse() {
        let o = "すごーーーい--x-";
        let (m, m2o) = run(o);
        assert_eq!(m, "すごーいーx-");
        assert_eq!(surface(o, &m2o, 6, 9), "ーーー");
        assert_eq!(run("〜〜〜と～～").0, "ーと~~");
    }

    #[test]
    fn yomigana_removed_after_kanji() {
        let o = "漢字(かんじ)を";
        let (m, m2o) = run(o);
        assert_eq!(m, "漢字を");
        assert_eq!(surface(o, &m2o, 0, 6), "漢字(かんじ)");
        assert_eq!(run("漢(かん)字(じ)").0, "漢字");
        assert_eq!(run("漢字(かんじかんじ)").0, "漢字(かんじかんじ)");
        assert_eq!(run("東京（とうきょう）").0, "東京(とうきょう)");
        assert_eq!(run("々(のま)").0, "々");
        assert_eq!(run("あ(かな)").0, "あ(かな)");
        assert_eq!(run("漢()").0, "漢()");
    }

    #[test]
    fn unicode_18_additions_follow_sudachipy() {
        // If this fails, unicode-normalization moved past Unicode 18: recompute the list in
        // `new_in_unicode_18` against SudachiPy's unicode-normalization 0.1.25.
        assert_eq!(unicode_normalization::UNICODE_VERSION, (18, 0, 0));
        for c in (0..=0x0010_FFFF_u32).filter_map(char::from_u32) {
            if new_in_unicode_18(c) {
                assert_ne!(is_nfkc_quick(std::iter::once(c)), IsNormalized::Yes);
            }
        }
        assert_eq!(run("a\u{209D}\u{1B123}").0, "a\u{209D}\u{1B123}");
    }

    #[test]
    fn bad_rewrite_lines() {
        assert!(RewriteDef::parse("ab").is_err());
        assert!(RewriteDef::parse("a b c").is_err());
        assert!(RewriteDef::parse("a b\na c").is_err());
    }
}
