//! Split mode A and the mapping of modified-text byte ranges back to the original text.
//!
//! A node whose A split has two or more parts becomes one morpheme per part: every part but
//! the last ends `index_form_length` bytes after its start, the last takes the remainder.
//! Only one level of splitting exists.

use super::dic::{bad, Dic};
use super::lattice::Text;
use super::path::PathNode;
use super::Morpheme;
use crate::error::Result;

pub struct Output<'a> {
    pub dic: &'a Dic,
    pub t: &'a Text<'a>,
    pub m2o: &'a [u32],
    pub original: &'a str,
    pub blank_pos: &'a [bool],
}

impl Output<'_> {
    fn push(&self, out: &mut Vec<Morpheme>, b: usize, e: usize, pos: u16) -> Result<()> {
        let (Some(&s), Some(&en)) = (self.m2o.get(b), self.m2o.get(e)) else {
            return Err(bad("split part outside the text"));
        };
        let (s, en) = (s as usize, en as usize);
        if s > en || !self.original.is_char_boundary(s) || !self.original.is_char_boundary(en) {
            return Err(bad("split part does not fall on character boundaries"));
        }
        out.push(Morpheme {
            start: s,
            end: en,
            blank: self.blank_pos.get(pos as usize).copied().unwrap_or(false),
        });
        Ok(())
    }

    pub fn emit(&self, path: &[PathNode], out: &mut Vec<Morpheme>) -> Result<()> {
        let mut parts = Vec::new();
        for nd in path {
            let bs = self.t.c2b[nd.begin] as usize;
            let be = self.t.c2b[nd.end] as usize;
            if let Some(eid) = nd.split_eid {
                self.dic.split_a(eid, &mut parts)?;
                if parts.len() > 1 {
                    let mut b = bs;
                    for (k, &part) in parts.iter().enumerate() {
                        let e = if k + 1 == parts.len() {
                            be
                        } else {
                            b + self.dic.index_form_len(part)?
                        };
                        if e > be {
                            return Err(bad("split parts longer than the word"));
                        }
                        self.push(out, b, e, self.dic.pos_of(part)?)?;
                        b = e;
                    }
                    continue;
                }
            }
            self.push(out, bs, be, nd.pos)?;
        }
        Ok(())
    }
}
