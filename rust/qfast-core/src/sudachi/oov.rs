//! Out-of-vocabulary node providers: MeCab-style (unk.def rows per char.def category) and
//! the Simple fallback, which guarantees every reachable position gets at least one node.

use super::chardef::{category_bits, CharDef, ITER_ORDER};
use super::lattice::Text;
use crate::error::{Error, Result};

/// One unk.def row: connection ids, cost and POS id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OovRow {
    pub left: u16,
    pub right: u16,
    pub cost: i16,
    pub pos: u16,
}

/// unk.def rows grouped by category bit, in file order.
pub struct UnkDef {
    rows: Vec<(u32, OovRow)>,
}

impl UnkDef {
    /// `pos_id` maps a 6-field POS to its id (appending unknown ones, as Sudachi does for
    /// plugin POS); `ids_ok` validates connection ids against the matrix.
    pub fn parse(
        text: &str,
        mut pos_id: impl FnMut(&[&str]) -> u16,
        ids_ok: impl Fn(u16, u16) -> bool,
    ) -> Result<UnkDef> {
        let err = |ln: usize, m: &str| Error::BadModel(format!("sudachi unk.def line {ln}: {m}"));
        let mut rows = Vec::new();
        for (ln, line) in text.lines().enumerate() {
            let ln = ln + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let c: Vec<&str> = line.split(',').collect();
            if c.len() < 10 {
                return Err(err(ln, "expected at least 10 columns"));
            }
            let cat = category_bits(c[0]).ok_or_else(|| err(ln, "unknown category"))?;
            let num = |s: &str| s.trim().parse::<i16>().map_err(|_| err(ln, "bad number"));
            let (left, right, cost) = (num(c[1])?, num(c[2])?, num(c[3])?);
            let (Ok(left), Ok(right)) = (u16::try_from(left), u16::try_from(right)) else {
                return Err(err(ln, "negative connection id"));
            };
            if !ids_ok(left, right) {
                return Err(err(ln, "connection id outside the dictionary's matrix"));
            }
            let pos = pos_id(&c[4..10]);
            rows.push((
                cat,
                OovRow {
                    left,
                    right,
                    cost,
                    pos,
                },
            ));
        }
        Ok(UnkDef { rows })
    }

    fn rows(&self, cat: u32) -> impl Iterator<Item = &OovRow> {
        self.rows.iter().filter(move |r| r.0 == cat).map(|r| &r.1)
    }
}

/// `MeCab` OOV at character position `p`: for each category of the character (declaration
/// order), one node per unk.def row for the group length (the continuity of the
/// intersection of categories, `cont_p`) and for each length 1..=LENGTH up to that. Emits
/// (end position, row). `created` = some node already starts at p.
pub fn mecab(
    cd: &CharDef,
    unk: &UnkDef,
    t: &Text,
    p: usize,
    created: bool,
    mut emit: impl FnMut(usize, OovRow),
) {
    let (cat_p, cont_p, n) = (t.cats[p], t.cont[p], t.n());
    if cont_p == 0 {
        return;
    }
    for &bit in &ITER_ORDER {
        if cat_p & bit == 0 {
            continue;
        }
        let Some(prop) = cd.prop(bit) else { continue };
        if !prop.invoke && created {
            continue;
        }
        let mut rows = unk.rows(bit).peekable();
        if rows.peek().is_none() {
            continue;
        }
        let mut ll = cont_p;
        if prop.group {
            for r in unk.rows(bit) {
                emit(p + cont_p, *r);
            }
            ll = cont_p - 1;
        }
        for k in 1..=prop.length as usize {
            let sub = (p + k).min(n) - p;
            if sub > ll {
                break;
            }
            for r in unk.rows(bit) {
                emit(p + sub, *r);
            }
        }
    }
}

/// Simple OOV at `p`: only when nothing starts there, one node up to the next character that
/// can begin a word. Returns its end position.
pub fn simple_end(t: &Text, p: usize, created: bool) -> Option<usize> {
    if created {
        return None;
    }
    Some((p + 1..t.n()).find(|&j| t.can_bow[j]).unwrap_or(t.n()))
}
