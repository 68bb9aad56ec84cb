//! Per-row character counts for `qfast.assess`'s noise figures, in one pass over each row.

use crate::pytext::is_space;

/// Characters of one text, counted by code point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CharCounts {
    /// All code points (Python `len`).
    pub chars: u64,
    /// Code points that are not Python whitespace (`str.isspace`).
    pub non_space: u64,
    /// C0 and C1 control characters other than tab, line feed and carriage return
    /// (U+0000..U+0008, U+000B, U+000C, U+000E..U+001F, U+007F..U+009F).
    pub control: u64,
}

/// Whether `c` counts as a control character (see [`CharCounts::control`]).
#[inline]
#[must_use]
pub fn is_control(c: char) -> bool {
    matches!(c as u32, 0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F..=0x9F)
}

/// The counts of one text.
#[must_use]
pub fn char_counts(text: &str) -> CharCounts {
    let mut out = CharCounts::default();
    for c in text.chars() {
        out.chars += 1;
        out.non_space += u64::from(!is_space(c));
        out.control += u64::from(is_control(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_python_whitespace_and_controls() {
        let c = char_counts("a\u{3000}b\x1c\t\x07\u{85}é\r\n");
        assert_eq!(c.chars, 10);
        // spaces: U+3000, U+001C, tab, U+0085, CR, LF; U+0007 is a control, not a space
        assert_eq!(c.non_space, 4);
        // U+001C and U+0085 are controls too (and spaces); tab, CR and LF are not counted
        assert_eq!(c.control, 3);
        assert_eq!(char_counts(""), CharCounts::default());
    }
}
