//! char.def: per-code-point category sets and the per-category OOV properties.
//!
//! All mapping lines covering a code point are OR-ed together (order and overlap do not
//! matter), and a code point with an empty set is DEFAULT. Lookups go through a dense table
//! for the BMP and a binary search over range boundaries above it.

use crate::error::{Error, Result};

pub const DEFAULT: u32 = 1 << 0;
pub const SPACE: u32 = 1 << 1;
pub const KANJI: u32 = 1 << 2;
pub const SYMBOL: u32 = 1 << 3;
pub const NUMERIC: u32 = 1 << 4;
pub const ALPHA: u32 = 1 << 5;
pub const HIRAGANA: u32 = 1 << 6;
pub const KATAKANA: u32 = 1 << 7;
pub const KANJINUMERIC: u32 = 1 << 8;
pub const GREEK: u32 = 1 << 9;
pub const CYRILLIC: u32 = 1 << 10;
pub const NOOOVBOW: u32 = 1 << 30;
pub const NOOOVEOW: u32 = 1 << 31;
/// The composite `ALL`: every category bit, not the two NOOOV flags.
pub const ALL: u32 = (1 << 30) - 1;

/// Category names in declaration order (bit i = 1 << i), then the two flags.
const NAMES: [(&str, u32); 18] = [
    ("DEFAULT", DEFAULT),
    ("SPACE", SPACE),
    ("KANJI", KANJI),
    ("SYMBOL", SYMBOL),
    ("NUMERIC", NUMERIC),
    ("ALPHA", ALPHA),
    ("HIRAGANA", HIRAGANA),
    ("KATAKANA", KATAKANA),
    ("KANJINUMERIC", KANJINUMERIC),
    ("GREEK", GREEK),
    ("CYRILLIC", CYRILLIC),
    ("USER1", 1 << 11),
    ("USER2", 1 << 12),
    ("USER3", 1 << 13),
    ("USER4", 1 << 14),
    ("NOOOVBOW", NOOOVBOW),
    ("NOOOVEOW", NOOOVEOW),
    ("ALL", ALL),
];

/// The single-category bits in iteration order (declaration order), as `MeCab` OOV walks them.
pub const ITER_ORDER: [u32; 17] = [
    DEFAULT,
    SPACE,
    KANJI,
    SYMBOL,
    NUMERIC,
    ALPHA,
    HIRAGANA,
    KATAKANA,
    KANJINUMERIC,
    GREEK,
    CYRILLIC,
    1 << 11,
    1 << 12,
    1 << 13,
    1 << 14,
    NOOOVBOW,
    NOOOVEOW,
];

pub fn category_bits(name: &str) -> Option<u32> {
    NAMES.iter().find(|(n, _)| *n == name).map(|&(_, b)| b)
}

fn err(line: usize, msg: impl std::fmt::Display) -> Error {
    Error::BadModel(format!("sudachi char.def line {line}: {msg}"))
}

/// A category's OOV properties (`NAME INVOKE GROUP LENGTH`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatProp {
    pub invoke: bool,
    pub group: bool,
    pub length: u32,
}

pub struct CharDef {
    /// Sorted range starts and ends (exclusive) of all mapping lines.
    bounds: Vec<u32>,
    /// seg[i] = categories of [bounds[i-1], bounds[i]); seg[0] and past-the-end are DEFAULT.
    seg: Vec<u32>,
    bmp: Vec<u32>,
    /// Properties indexed by bit number.
    props: [Option<CatProp>; 32],
}

fn parse_hex(s: &str) -> Option<u32> {
    let h = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    u32::from_str_radix(h, 16)
        .ok()
        .filter(|&c| c <= 0x0010_FFFF)
}

impl CharDef {
    pub fn parse(text: &str) -> Result<CharDef> {
        let mut ranges: Vec<(u32, u32, u32)> = Vec::new();
        let mut props = [None; 32];
        for (ln, line) in text.lines().enumerate() {
            let ln = ln + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split_whitespace();
            let first = cols.next().unwrap_or_default();
            if line.starts_with("0x") {
                let (b, e) = match first.split_once("..") {
                    Some((b, e)) => (parse_hex(b), parse_hex(e)),
                    None => (parse_hex(first), parse_hex(first)),
                };
                let (Some(b), Some(e)) = (b, e) else {
                    return Err(err(ln, format!("bad code point range {first:?}")));
                };
                if e < b {
                    return Err(err(ln, "range end before start"));
                }
                let mut cats = 0;
                for c in cols.take_while(|c| !c.starts_with('#')) {
                    cats |= category_bits(c)
                        .ok_or_else(|| err(ln, format!("unknown category {c:?}")))?;
                }
                ranges.push((b, e + 1, cats));
            } else {
                let bit = category_bits(first)
                    .filter(|b| b.is_power_of_two())
                    .ok_or_else(|| err(ln, format!("unknown category {first:?}")))?;
                let v: Vec<&str> = cols.take(3).collect();
                let num = |s: &str| s.parse::<u32>().map_err(|_| err(ln, "bad number"));
                if v.len() < 3 {
                    return Err(err(ln, "expected NAME INVOKE GROUP LENGTH"));
                }
                props[bit.trailing_zeros() as usize] = Some(CatProp {
                    invoke: num(v[0])? == 1,
                    group: num(v[1])? == 1,
                    length: num(v[2])?,
                });
            }
        }
        let mut bounds: Vec<u32> = ranges.iter().flat_map(|&(b, e, _)| [b, e]).collect();
        bounds.sort_unstable();
        bounds.dedup();
        let mut seg = vec![0u32; bounds.len() + 1];
        for &(b, e, c) in &ranges {
            let first = bounds.partition_point(|&x| x < b) + 1;
            let last = bounds.partition_point(|&x| x < e); // index of e
            for s in seg.iter_mut().take(last + 1).skip(first) {
                *s |= c;
            }
        }
        for s in &mut seg {
            if *s == 0 {
                *s = DEFAULT;
            }
        }
        let mut cd = CharDef {
            bounds,
            seg,
            bmp: Vec::new(),
            props,
        };
        cd.bmp = (0..0x10000u32).map(|cp| cd.lookup(cp)).collect();
        Ok(cd)
    }

    fn lookup(&self, cp: u32) -> u32 {
        // seg has bounds.len() + 1 entries, so every partition point indexes it.
        self.seg[self.bounds.partition_point(|&x| x <= cp)]
    }

    #[inline]
    pub fn cat(&self, c: char) -> u32 {
        let cp = c as u32;
        match self.bmp.get(cp as usize) {
            Some(&v) => v,
            None => self.lookup(cp),
        }
    }

    pub fn prop(&self, bit: u32) -> Option<CatProp> {
        self.props[bit.trailing_zeros() as usize & 31]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEF: &str = "
DEFAULT 0 1 0  # mandatory
KATAKANA 1 1 2
0x30A1..0x30FA KATAKANA
0x30FC KATAKANA NOOOVBOW # prolonged
0x3005 KANJI
0x3005 SYMBOL NOOOVBOW
0x0300..0x036F ALL NOOOVBOW
0x1F3FB..0x1F3FE ALL NOOOVBOW
";

    #[test]
    fn categories_are_ored_and_default_elsewhere() {
        let cd = CharDef::parse(DEF).unwrap();
        assert_eq!(cd.cat('ア'), KATAKANA);
        assert_eq!(cd.cat('ー'), KATAKANA | NOOOVBOW);
        assert_eq!(cd.cat('々'), KANJI | SYMBOL | NOOOVBOW);
        assert_eq!(cd.cat('\u{301}'), ALL | NOOOVBOW);
        assert_eq!(cd.cat('\u{1F3FC}'), ALL | NOOOVBOW);
        assert_eq!(cd.cat('\u{1F3FF}'), DEFAULT);
        assert_eq!(cd.cat('\u{10FFFF}'), DEFAULT);
        assert_eq!(cd.cat('a'), DEFAULT);
        assert_eq!(
            cd.prop(KATAKANA),
            Some(CatProp {
                invoke: true,
                group: true,
                length: 2
            })
        );
        assert_eq!(cd.prop(KANJI), None);
    }

    #[test]
    fn rejects_bad_lines() {
        assert!(CharDef::parse("0xZZ KANJI").is_err());
        assert!(CharDef::parse("0x30 NOPE").is_err());
        assert!(CharDef::parse("KANJI 0 0").is_err());
    }
}
