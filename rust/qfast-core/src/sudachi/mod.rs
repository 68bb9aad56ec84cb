//! A from-scratch Japanese morphological analyzer reproducing the token surfaces of
//! `SudachiPy` 0.7.0, split mode A, with sudachidict-core 20261015 and `SudachiPy`'s default
//! resources (char.def, unk.def, rewrite.def, default plugin chain).
//!
//! The behaviour follows `docs/dev/sudachi-spec.md` §1–8. Pipeline per call:
//! input plugins on a copy of the text with an offset map (`input`), per-character
//! categories (`chardef`), lattice of dictionary words and OOV nodes with Viterbi
//! (`lattice`, `oov`, `dic`), the two path rewrites (`join_numeric`,
//! `join_katakana`), then the mode-A split and mapping back to the original (`split`).
//!
//! [`Sudachi`] is immutable after loading and `Send + Sync`; every call works on its own
//! buffers.

mod chardef;
mod dic;
mod input;
mod join_katakana;
mod join_numeric;
mod lattice;
mod oov;
mod path;
mod split;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use chardef::CharDef;
use dic::Dic;
use input::{InputBuffer, RewriteDef, MAX_INPUT_BYTES};
use lattice::{Lattice, Resources, Text};
use oov::{OovRow, UnkDef};
use path::{Path, PathNode};
use split::Output;

/// One mode-A morpheme: a byte span of the original text. Spans tile the text in order and
/// may be empty (the later parts of an NFKC expansion such as `㍿` → 株式/会社).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Morpheme {
    pub start: usize,
    pub end: usize,
    /// The morpheme's POS starts with 空白 (whitespace).
    pub blank: bool,
}

/// `SimpleOovPlugin` settings from `SudachiPy`'s default sudachi.json.
const SIMPLE_OOV: (u16, u16, i16) = (5968, 5968, 3857);
const SIMPLE_OOV_POS: [&str; 6] = ["補助記号", "一般", "*", "*", "*", "*"];
/// `JoinNumericPlugin`'s numeric POS and `JoinKatakanaOovPlugin`'s oovPOS.
const NUMERIC_POS: [&str; 6] = ["名詞", "数詞", "*", "*", "*", "*"];
const KATAKANA_OOV_POS: [&str; 6] = ["名詞", "普通名詞", "一般", "*", "*", "*"];

pub struct Sudachi {
    dic: Dic,
    cd: CharDef,
    unk: UnkDef,
    rw: RewriteDef,
    simple: OovRow,
    numeric_pos: u16,
    katakana_pos: u16,
    /// Per POS id: first field is 空白.
    blank_pos: Vec<bool>,
}

/// The id of a POS, appended to the table when missing (as Sudachi does for plugin POS).
fn pos_id(table: &mut Vec<[String; 6]>, fields: &[&str]) -> Result<u16> {
    if let Some(i) = table
        .iter()
        .position(|p| p.iter().zip(fields).all(|(a, b)| a == b))
    {
        return u16::try_from(i).map_err(|_| Error::BadModel("sudachi: over 65535 POS".into()));
    }
    let id = u16::try_from(table.len())
        .ok()
        .filter(|_| fields.len() == 6)
        .ok_or_else(|| Error::BadModel(format!("sudachi: cannot add POS {fields:?}")))?;
    table.push(std::array::from_fn(|i| fields[i].to_owned()));
    Ok(id)
}

impl Sudachi {
    /// `dic`: the bytes of system.dic; the three .def files as text (`SudachiPy`'s
    /// `sudachipy/resources` copies).
    pub fn new(dic: Vec<u8>, char_def: &str, unk_def: &str, rewrite_def: &str) -> Result<Sudachi> {
        let mut dic = Dic::new(dic)?;
        let cd = CharDef::parse(char_def)?;
        let rw = RewriteDef::parse(rewrite_def)?;
        let mut table = std::mem::take(&mut dic.pos);
        let mut pos_err = None;
        let unk = UnkDef::parse(
            unk_def,
            |f| {
                pos_id(&mut table, f).unwrap_or_else(|e| {
                    pos_err = Some(e);
                    0
                })
            },
            |l, r| dic.ids_ok(l, r),
        )?;
        if let Some(e) = pos_err {
            return Err(e);
        }
        let simple_pos = pos_id(&mut table, &SIMPLE_OOV_POS)?;
        let numeric_pos = pos_id(&mut table, &NUMERIC_POS)?;
        let katakana_pos = pos_id(&mut table, &KATAKANA_OOV_POS)?;
        let (l, r, cost) = SIMPLE_OOV;
        if !dic.ids_ok(l, r) {
            return Err(Error::BadModel(
                "sudachi: the dictionary's connection matrix is too small for SimpleOov".into(),
            ));
        }
        let blank_pos = table.iter().map(|p| p[0] == "空白").collect();
        dic.pos = table;
        Ok(Sudachi {
            dic,
            cd,
            unk,
            rw,
            simple: OovRow {
                left: l,
                right: r,
                cost,
                pos: simple_pos,
            },
            numeric_pos,
            katakana_pos,
            blank_pos,
        })
    }

    /// Mode-A morphemes of `text`, in order, tiling it. Fails for input over 49,149 UTF-8
    /// bytes, as `SudachiPy` does.
    pub fn tokenize(&self, text: &str) -> Result<Vec<Morpheme>> {
        if text.len() > MAX_INPUT_BYTES {
            return Err(Error::Config(format!(
                "sudachi: input is too long, it can't be more than {MAX_INPUT_BYTES} bytes, was {}",
                text.len()
            )));
        }
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let buf = InputBuffer::build(text, &self.rw, &self.cd)?;
        if buf.modified.is_empty() {
            // Unreachable with the shipped plugins (they never delete everything).
            return Ok(vec![Morpheme {
                start: 0,
                end: text.len(),
                blank: false,
            }]);
        }
        let t = Text::new(&buf.modified, &self.cd);
        let res = Resources {
            dic: &self.dic,
            cd: &self.cd,
            unk: &self.unk,
            simple: self.simple,
        };
        let (lat, best) = Lattice::build(&res, &t)?;
        let mut path = Path::new(PathNode::from_lattice(&lat, &best));
        join_numeric::join_numeric(&mut path, &self.dic, &t, self.numeric_pos)?;
        join_katakana::join_katakana(&mut path, &lat, &t, self.katakana_pos);
        let path = path.into_vec();
        let mut out = Vec::with_capacity(path.len() + path.len() / 4);
        Output {
            dic: &self.dic,
            t: &t,
            m2o: &buf.m2o,
            original: text,
            blank_pos: &self.blank_pos,
        }
        .emit(&path, &mut out)?;
        Ok(out)
    }
}
