//! Python `str` predicates pyvi's features and merge rules use, with `CPython` 3.11's tables
//! (`crate::unicode_tables`): `isupper`, `istitle`, `isdigit`, and `lower()`.

use crate::pytext::{in_ranges, is_decimal};
use crate::unicode_tables::{DIGIT_NOT_DECIMAL, LOWER, TITLE, UPPER};

fn is_upper_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    in_ranges(UPPER, c as u32)
}

fn is_lower_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    in_ranges(LOWER, c as u32)
}

fn is_title_char(c: char) -> bool {
    !c.is_ascii() && in_ranges(TITLE, c as u32)
}

/// `s.isupper()`: no lowercase or titlecase letter, at least one uppercase one.
pub fn isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if is_lower_char(c) || is_title_char(c) {
            return false;
        }
        cased |= is_upper_char(c);
    }
    cased
}

/// `s.istitle()`: uppercase/titlecase letters only after uncased characters, lowercase ones
/// only after cased characters, at least one cased letter.
pub fn istitle(s: &str) -> bool {
    let (mut cased, mut prev_cased) = (false, false);
    for c in s.chars() {
        if is_upper_char(c) || is_title_char(c) {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            cased = true;
        } else if is_lower_char(c) {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            cased = true;
        } else {
            prev_cased = false;
        }
    }
    cased
}

/// `c.istitle()` for one character.
pub fn istitle_char(c: char) -> bool {
    is_upper_char(c) || is_title_char(c)
}

/// `c.isdigit()` for one character (`Numeric_Type` Digit or Decimal).
pub fn isdigit_char(c: char) -> bool {
    is_decimal(c) || (!c.is_ascii() && in_ranges(DIGIT_NOT_DECIMAL, c as u32))
}

/// `s.isdigit()`.
pub fn isdigit(s: &str) -> bool {
    !s.is_empty() && s.chars().all(isdigit_char)
}

/// `s.lower()` (full case mapping with the final-sigma rule; Rust's mapping, which agrees with
/// Python's for every code point cased in Unicode 14).
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.to_lowercase()
}
