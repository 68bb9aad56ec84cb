//! `JoinNumericPlugin` (enableNormalize = true): joins runs of number-like nodes
//! (`1`,`,`,`234`, `二千`,`二十四`, `3`,`.`,`14`) into one unsplit node, driven by a
//! numeric parser whose success/error states decide where a run ends and whether a
//! trailing `,`/`.` is left out. Only the parser's accept/reject logic matters for surfaces,
//! so the parsed value itself is not produced.

use super::chardef::{KANJINUMERIC, NUMERIC};
use super::dic::Dic;
use super::lattice::Text;
use super::path::{Norm, Path, PathNode};
use crate::error::Result;

/// A decimal accumulator: significant digits, implied trailing zeros and a decimal point.
#[derive(Clone, Debug, Default)]
struct Decimal {
    sig: Vec<u8>,
    scale: usize,
    /// Index of the decimal point in `sig`, or None.
    point: Option<usize>,
    /// False once a non-zero digit was appended (Default gives false; `clear` sets true).
    all_zero: bool,
}

impl Decimal {
    fn new() -> Self {
        Decimal {
            all_zero: true,
            ..Default::default()
        }
    }
    fn is_zero(&self) -> bool {
        self.sig.is_empty()
    }
    fn append(&mut self, d: u8) {
        if d != 0 {
            self.all_zero = false;
        }
        self.sig.push(d);
    }
    fn shift(&mut self, k: usize) {
        if self.is_zero() {
            self.sig.push(1);
        }
        self.scale += k;
    }
    fn normalize(&mut self) {
        if let Some(p) = self.point {
            let m = self.sig.len() - p;
            if m > self.scale {
                self.point = Some(p + self.scale);
                self.scale = 0;
            } else {
                self.scale -= m;
                self.point = None;
            }
        }
    }
    fn int_len(&mut self) -> usize {
        self.normalize();
        self.point.unwrap_or(self.sig.len() + self.scale)
    }
    fn add(&mut self, o: &mut Decimal) -> bool {
        if o.is_zero() {
            return true;
        }
        if self.is_zero() {
            self.sig.extend_from_slice(&o.sig);
            self.scale = o.scale;
            self.point = o.point;
            return true;
        }
        self.normalize();
        let l = o.int_len();
        if self.scale >= l {
            let zeros = self.scale - l;
            self.sig.resize(self.sig.len() + zeros, 0);
            if let Some(op) = o.point {
                self.point = Some(self.sig.len() + op);
            }
            self.sig.extend_from_slice(&o.sig);
            self.scale = o.scale;
            true
        } else {
            false
        }
    }
    fn set_point(&mut self) -> bool {
        if self.scale == 0 && self.point.is_none() {
            self.point = Some(self.sig.len());
            true
        } else {
            false
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParseError {
    None,
    Point,
    Comma,
}

struct NumericParser {
    digit_length: usize,
    is_first_digit: bool,
    has_comma: bool,
    has_hanging_point: bool,
    error: ParseError,
    total: Decimal,
    subtotal: Decimal,
    tmp: Decimal,
}

/// Digit value (0–9), or a negative power of ten for a unit character.
fn char_value(c: char) -> Option<i32> {
    Some(match c {
        '0'..='9' => c as i32 - '0' as i32,
        '〇' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => -1,
        '百' => -2,
        '千' => -3,
        '万' => -4,
        '億' => -8,
        '兆' => -12,
        _ => return None,
    })
}

impl NumericParser {
    fn new() -> Self {
        NumericParser {
            digit_length: 0,
            is_first_digit: true,
            has_comma: false,
            has_hanging_point: false,
            error: ParseError::None,
            total: Decimal::new(),
            subtotal: Decimal::new(),
            tmp: Decimal::new(),
        }
    }

    fn check_comma(&self) -> bool {
        if self.is_first_digit {
            false
        } else if !self.has_comma {
            self.digit_length <= 3 && !self.tmp.is_zero() && !self.tmp.all_zero
        } else {
            self.digit_length == 3
        }
    }

    /// Feeds one character; false = stop (with `error` set for `.`/`,` problems).
    fn append(&mut self, c: char) -> bool {
        match c {
            '.' => {
                self.has_hanging_point = true;
                if self.is_first_digit {
                    self.error = ParseError::Point;
                    return false;
                }
                if self.has_comma && !self.check_comma() {
                    self.error = ParseError::Comma;
                    return false;
                }
                if !self.tmp.set_point() {
                    self.error = ParseError::Point;
                    return false;
                }
                self.has_comma = false;
                true
            }
            ',' => {
                if !self.check_comma() {
                    self.error = ParseError::Comma;
                    return false;
                }
                self.has_comma = true;
                self.digit_length = 0;
                true
            }
            _ => {
                let Some(v) = char_value(c) else {
                    return false;
                };
                if (-3..0).contains(&v) {
                    self.tmp.shift((-v) as usize);
                    if !self.subtotal.add(&mut self.tmp) {
                        return false;
                    }
                    self.tmp = Decimal::new();
                    self.is_first_digit = true;
                    self.digit_length = 0;
                    self.has_comma = false;
                } else if v < -3 {
                    if !self.subtotal.add(&mut self.tmp) || self.subtotal.is_zero() {
                        return false;
                    }
                    self.subtotal.shift((-v) as usize);
                    if !self.total.add(&mut self.subtotal) {
                        return false;
                    }
                    self.subtotal = Decimal::new();
                    self.tmp = Decimal::new();
                    self.is_first_digit = true;
                    self.digit_length = 0;
                    self.has_comma = false;
                } else {
                    self.tmp.append(u8::try_from(v).unwrap_or(0)); // a digit, 0..=9, here
                    self.is_first_digit = false;
                    self.digit_length += 1;
                    self.has_hanging_point = false;
                }
                true
            }
        }
    }

    fn done(&mut self) -> bool {
        let ok = self.subtotal.add(&mut self.tmp) && self.total.add(&mut self.subtotal);
        if self.has_hanging_point {
            self.error = ParseError::Point;
            return false;
        }
        if self.has_comma && self.digit_length != 3 {
            self.error = ParseError::Comma;
            return false;
        }
        ok
    }
}

/// Replaces nodes [b, e) by one unsplit OOV-flagged node, if node b is 名詞,数詞.
fn concat(
    path: &mut Path,
    b: usize,
    e: usize,
    numeric_pos: u16,
    dic: &Dic,
    t: &Text,
) -> Result<()> {
    if e <= b || e > path.len() || path[b].pos != numeric_pos {
        return Ok(());
    }
    if e - b > 1 {
        let mut norm = String::new();
        for k in b..e {
            norm.push_str(&path[k].norm_string(dic, t)?);
        }
        let node = PathNode {
            begin: path[b].begin,
            end: path[e - 1].end,
            pos: path[b].pos,
            oov: true,
            split_eid: None,
            norm: Norm::Owned(norm),
        };
        path.replace(b, e, node);
    } else {
        path[b].split_eid = None;
        path[b].oov = true;
    }
    Ok(())
}

pub fn join_numeric(path: &mut Path, dic: &Dic, t: &Text, numeric_pos: u16) -> Result<()> {
    let mut begin: isize = -1;
    let mut comma_as_digit = true;
    let mut period_as_digit = true;
    let mut p = NumericParser::new();
    let mut i: isize = -1;
    while i < path.len() as isize - 1 {
        i += 1;
        let iu = i as usize;
        let node = &path[iu];
        let ct = t.cat_range(node.begin, node.end);
        let a = node.norm_comma_or_period(dic, t)?;
        if ct & (NUMERIC | KANJINUMERIC) != 0
            || (comma_as_digit && a == Some(b','))
            || (period_as_digit && a == Some(b'.'))
        {
            if begin < 0 {
                p = NumericParser::new();
                begin = i;
            }
            let s = node.norm_string(dic, t)?;
            for c in s.chars() {
                if !p.append(c) {
                    // Rescan the run with `,` (or `.`) no longer treated as a digit. The
                    // flag check only guards against a node whose own text keeps failing
                    // (which would otherwise rescan forever).
                    match p.error {
                        ParseError::Comma if comma_as_digit => {
                            comma_as_digit = false;
                            i = begin - 1;
                        }
                        ParseError::Point if period_as_digit => {
                            period_as_digit = false;
                            i = begin - 1;
                        }
                        _ => {}
                    }
                    begin = -1;
                    break;
                }
            }
            continue;
        }
        if begin >= 0 {
            let bu = begin as usize;
            if p.done() {
                concat(path, bu, iu, numeric_pos, dic, t)?;
                i = begin + 1;
            } else {
                let prev = path[iu - 1].norm_comma_or_period(dic, t)?;
                if (p.error == ParseError::Comma && prev == Some(b','))
                    || (p.error == ParseError::Point && prev == Some(b'.'))
                {
                    concat(path, bu, iu - 1, numeric_pos, dic, t)?;
                    i = begin + 2;
                }
            }
        }
        begin = -1;
        if !comma_as_digit && a != Some(b',') {
            comma_as_digit = true;
        }
        if !period_as_digit && a != Some(b'.') {
            period_as_digit = true;
        }
    }
    if begin >= 0 {
        let bu = begin as usize;
        let len = path.len();
        if p.done() {
            concat(path, bu, len, numeric_pos, dic, t)?;
        } else {
            let prev = path[len - 1].norm_comma_or_period(dic, t)?;
            if (p.error == ParseError::Comma && prev == Some(b','))
                || (p.error == ParseError::Point && prev == Some(b'.'))
            {
                concat(path, bu, len - 1, numeric_pos, dic, t)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds whole strings as one run; returns `done()` and the error.
    fn parse(s: &str) -> (bool, ParseError) {
        let mut p = NumericParser::new();
        for c in s.chars() {
            if !p.append(c) {
                return (false, p.error);
            }
        }
        let ok = p.done();
        (ok, p.error)
    }

    #[test]
    fn parser_states() {
        assert_eq!(parse("1,234,567"), (true, ParseError::None));
        assert_eq!(parse("12,34"), (false, ParseError::Comma));
        assert_eq!(parse("1,2345"), (false, ParseError::Comma));
        assert_eq!(parse("3.14"), (true, ParseError::None));
        assert_eq!(parse("2."), (false, ParseError::Point));
        assert_eq!(parse(".5"), (false, ParseError::Point));
        assert_eq!(parse("2.0.1"), (false, ParseError::Point));
        assert_eq!(parse("二千二十四"), (true, ParseError::None));
        assert_eq!(parse("一億二千万"), (true, ParseError::None));
        assert_eq!(parse("万"), (false, ParseError::None));
        assert_eq!(parse("0,123"), (false, ParseError::Comma));
        assert_eq!(parse("1.5万"), (true, ParseError::None));
    }
}
