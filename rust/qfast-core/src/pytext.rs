//! Python `str` semantics over UTF-8: code-point lengths, `isspace`, `strip`, `splitlines`,
//! `split()`, `isalpha`, `count`, `x in s.lower()`, and `re`'s `\d`. The reference filters are
//! Python, so these decide parity.
//!
//! Character tables (`ALPHA_RANGES`, `DECIMAL_RANGES`, the `isspace` set) were generated from
//! CPython 3.11.7, whose `unicodedata.unidata_version` is **Unicode 14.0.0** (the interpreter
//! datatrove 0.10.1 runs under in our reference venv). Rust's own `char` predicates follow a newer
//! Unicode version and different definitions (`char::is_alphabetic` is the `Alphabetic` property,
//! which includes Nl/Mn/Mc/So members; `char::is_whitespace` lacks U+001C..U+001F), so they are not
//! used here. Generator (run with the reference interpreter):
//!
//! ```text
//! def ranges(pred):  # inclusive (lo, hi) runs of code points c (surrogates excluded) with pred(chr(c))
//! alpha   = ranges(str.isalpha)                              # categories Lu Ll Lt Lm Lo
//! decimal = ranges(lambda ch: re.match(r"\d", ch) is not None)
//! space   = ranges(str.isspace)
//! lower_to_ascii = {c: chr(c).lower() for c >= 128 if any(ord(x) < 128 for x in chr(c).lower())}
//!         # == {U+0130: "i\u0307", U+212A: "k"}
//! ```

/// Python `str.isspace()` for one code point (CPython `Py_UNICODE_ISSPACE`): bidi class WS/B/S
/// or category Zs. Exactly: U+0009..U+000D, U+001C..U+0020, U+0085, U+00A0, U+1680,
/// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
#[inline]
pub fn is_space(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        return is_space_ascii(c as u8);
    }
    matches!(
        c,
        0x85 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
    )
}

/// `is_space` for an ASCII byte.
#[inline]
pub fn is_space_ascii(b: u8) -> bool {
    matches!(b, 0x09..=0x0D | 0x1C..=0x20)
}

/// Python `str.isalpha()` for one code point: general category Lu, Ll, Lt, Lm or Lo
/// (Unicode 14.0.0, CPython 3.11).
#[inline]
pub fn is_alpha(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        return (c | 0x20).wrapping_sub(b'a' as u32) < 26;
    }
    in_ranges(ALPHA_RANGES, c)
}

/// Python `re`'s `\w` on a `str` pattern: `str.isalnum()` or `_`.
#[inline]
pub fn is_word(c: char) -> bool {
    c == '_' || is_alpha(c) || c.is_numeric()
}

/// Python `re`'s `\d` on a `str` pattern (Unicode decimal digits, category Nd; Unicode 14.0.0).
#[inline]
pub fn is_decimal(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        return c.wrapping_sub(b'0' as u32) < 10;
    }
    in_ranges(DECIMAL_RANGES, c)
}

#[inline]
fn in_ranges(table: &[(u32, u32)], c: u32) -> bool {
    // Index of the first range whose upper bound is >= c.
    let i = table.partition_point(|&(_, hi)| hi < c);
    match table.get(i) {
        Some(&(lo, _)) => lo <= c,
        None => false,
    }
}

/// `any(ch.isalpha() for ch in s)`.
#[inline]
pub fn any_alpha(s: &str) -> bool {
    if s.is_ascii() {
        return s.bytes().any(|b| (b | 0x20).wrapping_sub(b'a') < 26);
    }
    s.chars().any(is_alpha)
}

/// Python `len(s)`: number of code points.
#[inline]
pub fn len_cp(s: &str) -> usize {
    // Count bytes that are not UTF-8 continuation bytes (0b10xx_xxxx). Vectorises well.
    s.as_bytes()
        .iter()
        .map(|&b| ((b as i8) >= -0x40) as usize)
        .sum()
}

/// Python `s.lstrip()` (no argument): strips `isspace` code points. Returns a subslice.
#[inline]
pub fn lstrip(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            if is_space_ascii(c) {
                i += 1;
                continue;
            }
            break;
        }
        // Non-ASCII: decode one char (i is always on a char boundary here).
        match s[i..].chars().next() {
            Some(ch) if is_space(ch) => i += ch.len_utf8(),
            _ => break,
        }
    }
    &s[i..]
}

/// Python `s.rstrip()` (no argument). Returns a subslice.
#[inline]
pub fn rstrip(s: &str) -> &str {
    let b = s.as_bytes();
    let mut j = b.len();
    while j > 0 {
        let c = b[j - 1];
        if c < 0x80 {
            if is_space_ascii(c) {
                j -= 1;
                continue;
            }
            break;
        }
        match s[..j].chars().next_back() {
            Some(ch) if is_space(ch) => j -= ch.len_utf8(),
            _ => break,
        }
    }
    &s[..j]
}

/// Python `s.strip()` (no argument). Returns a subslice.
#[inline]
pub fn strip(s: &str) -> &str {
    rstrip(lstrip(s))
}

/// `s.strip() == ""`, i.e. `s` is empty or all `isspace`.
#[inline]
pub fn is_blank(s: &str) -> bool {
    lstrip(s).is_empty()
}

/// Python `s.split()` (no argument): maximal runs of non-`isspace` code points.
pub fn split_py(s: &str) -> SplitPy<'_> {
    SplitPy { s, pos: 0 }
}

/// Iterator returned by [`split_py`]: a byte scan, decoding only non-ASCII chars.
#[derive(Clone, Debug)]
pub struct SplitPy<'a> {
    s: &'a str,
    pos: usize,
}

impl SplitPy<'_> {
    /// Width of the whitespace char at byte `i` (a char boundary), or 0 if it is not one.
    #[inline(always)]
    fn space_at(&self, i: usize) -> usize {
        let c = self.s.as_bytes()[i];
        if c < 0x80 {
            return is_space_ascii(c) as usize;
        }
        match self.s.get(i..).and_then(|t| t.chars().next()) {
            Some(ch) if is_space(ch) => ch.len_utf8(),
            _ => 0,
        }
    }
}

impl<'a> Iterator for SplitPy<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let b = self.s.as_bytes();
        let mut i = self.pos;
        while i < b.len() {
            match self.space_at(i) {
                0 => break,
                w => i += w,
            }
        }
        if i >= b.len() {
            self.pos = i;
            return None;
        }
        let start = i;
        while i < b.len() {
            let c = b[i];
            // Bytes of a multi-byte char never are ASCII whitespace: skip them one by one
            // unless they start a char that may be whitespace (lead bytes C2, E1, E2, E3).
            if c < 0x80 {
                if is_space_ascii(c) {
                    break;
                }
                i += 1;
            } else if matches!(c, 0xC2 | 0xE1 | 0xE2 | 0xE3) && self.space_at(i) != 0 {
                break;
            } else {
                i += 1;
            }
        }
        self.pos = i;
        Some(&self.s[start..i])
    }
}

/// Python `s.splitlines()` (keepends=False): splits on `\n \r \r\n \v \f \x1c \x1d \x1e \x85
/// \u2028 \u2029`; a trailing separator does not produce a final empty piece, and `""` gives no
/// pieces.
pub fn splitlines(s: &str) -> SplitLines<'_> {
    SplitLines { s, pos: 0 }
}

/// Iterator returned by [`splitlines`].
#[derive(Clone, Debug)]
pub struct SplitLines<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Iterator for SplitLines<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let b = self.s.as_bytes();
        let start = self.pos;
        if start >= b.len() {
            return None;
        }
        let mut i = start;
        while i < b.len() {
            let c = b[i];
            match c {
                b'\n' | 0x0B | 0x0C | 0x1C | 0x1D | 0x1E => {
                    self.pos = i + 1;
                    return Some(&self.s[start..i]);
                }
                b'\r' => {
                    self.pos = if b.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    return Some(&self.s[start..i]);
                }
                // U+0085 = C2 85
                0xC2 if b.get(i + 1) == Some(&0x85) => {
                    self.pos = i + 2;
                    return Some(&self.s[start..i]);
                }
                // U+2028 / U+2029 = E2 80 A8 / E2 80 A9
                0xE2 if b.get(i + 1) == Some(&0x80)
                    && matches!(b.get(i + 2), Some(&0xA8 | &0xA9)) =>
                {
                    self.pos = i + 3;
                    return Some(&self.s[start..i]);
                }
                _ => i += 1,
            }
        }
        self.pos = b.len();
        Some(&self.s[start..])
    }
}

/// Python `haystack.count(needle)`: non-overlapping occurrences, scanning left to right.
/// An empty needle counts `len(haystack) + 1` (code points), as Python does.
pub fn count(haystack: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return len_cp(haystack) + 1;
    }
    if needle.len() == 1 {
        let n = needle.as_bytes()[0];
        return haystack.bytes().filter(|&b| b == n).count();
    }
    haystack.matches(needle).count()
}

/// Python `needle in haystack.lower()` for a needle made of lowercase ASCII only (e.g. C4's
/// `"lorem ipsum"`, `"javascript"`, policy phrases). No allocation.
///
/// Under Python 3.11 full lowercasing, the only non-ASCII code points whose lowercase contains an
/// ASCII character are U+0130 (`"i\u0307"`) and U+212A KELVIN SIGN (`"k"`); every other non-ASCII
/// code point lowercases to non-ASCII and so can never be part of an ASCII match.
pub fn lower_contains_ascii(haystack: &str, needle: &str) -> bool {
    debug_assert!(needle
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase()));
    let nb = needle.as_bytes();
    if nb.is_empty() {
        return true;
    }
    let hb = haystack.as_bytes();
    if haystack.is_ascii() {
        return hb.len() >= nb.len()
            && hb
                .windows(nb.len())
                .any(|w| w.iter().zip(nb).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    // Lowered "units": one ASCII byte per ASCII code point, 0xFF for a code point whose lowercase
    // is non-ASCII (it can never take part in an ASCII match).
    let mut units: Vec<u8> = Vec::with_capacity(hb.len());
    for ch in haystack.chars() {
        let c = ch as u32;
        if c < 0x80 {
            units.push((c as u8).to_ascii_lowercase());
        } else if c == 0x212A {
            units.push(b'k');
        } else if c == 0x130 {
            units.extend_from_slice(&[b'i', 0xFF]);
        } else {
            units.push(0xFF);
        }
    }
    units.len() >= nb.len() && units.windows(nb.len()).any(|w| w == nb)
}

// ---- generated tables (CPython 3.11.7, Unicode 14.0.0); ASCII handled separately ----

pub(crate) static ALPHA_RANGES: &[(u32, u32)] = &[
    (0xAA, 0xAA),
    (0xB5, 0xB5),
    (0xBA, 0xBA),
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x2C1),
    (0x2C6, 0x2D1),
    (0x2E0, 0x2E4),
    (0x2EC, 0x2EC),
    (0x2EE, 0x2EE),
    (0x370, 0x374),
    (0x376, 0x377),
    (0x37A, 0x37D),
    (0x37F, 0x37F),
    (0x386, 0x386),
    (0x388, 0x38A),
    (0x38C, 0x38C),
    (0x38E, 0x3A1),
    (0x3A3, 0x3F5),
    (0x3F7, 0x481),
    (0x48A, 0x52F),
    (0x531, 0x556),
    (0x559, 0x559),
    (0x560, 0x588),
    (0x5D0, 0x5EA),
    (0x5EF, 0x5F2),
    (0x620, 0x64A),
    (0x66E, 0x66F),
    (0x671, 0x6D3),
    (0x6D5, 0x6D5),
    (0x6E5, 0x6E6),
    (0x6EE, 0x6EF),
    (0x6FA, 0x6FC),
    (0x6FF, 0x6FF),
    (0x710, 0x710),
    (0x712, 0x72F),
    (0x74D, 0x7A5),
    (0x7B1, 0x7B1),
    (0x7CA, 0x7EA),
    (0x7F4, 0x7F5),
    (0x7FA, 0x7FA),
    (0x800, 0x815),
    (0x81A, 0x81A),
    (0x824, 0x824),
    (0x828, 0x828),
    (0x840, 0x858),
    (0x860, 0x86A),
    (0x870, 0x887),
    (0x889, 0x88E),
    (0x8A0, 0x8C9),
    (0x904, 0x939),
    (0x93D, 0x93D),
    (0x950, 0x950),
    (0x958, 0x961),
    (0x971, 0x980),
    (0x985, 0x98C),
    (0x98F, 0x990),
    (0x993, 0x9A8),
    (0x9AA, 0x9B0),
    (0x9B2, 0x9B2),
    (0x9B6, 0x9B9),
    (0x9BD, 0x9BD),
    (0x9CE, 0x9CE),
    (0x9DC, 0x9DD),
    (0x9DF, 0x9E1),
    (0x9F0, 0x9F1),
    (0x9FC, 0x9FC),
    (0xA05, 0xA0A),
    (0xA0F, 0xA10),
    (0xA13, 0xA28),
    (0xA2A, 0xA30),
    (0xA32, 0xA33),
    (0xA35, 0xA36),
    (0xA38, 0xA39),
    (0xA59, 0xA5C),
    (0xA5E, 0xA5E),
    (0xA72, 0xA74),
    (0xA85, 0xA8D),
    (0xA8F, 0xA91),
    (0xA93, 0xAA8),
    (0xAAA, 0xAB0),
    (0xAB2, 0xAB3),
    (0xAB5, 0xAB9),
    (0xABD, 0xABD),
    (0xAD0, 0xAD0),
    (0xAE0, 0xAE1),
    (0xAF9, 0xAF9),
    (0xB05, 0xB0C),
    (0xB0F, 0xB10),
    (0xB13, 0xB28),
    (0xB2A, 0xB30),
    (0xB32, 0xB33),
    (0xB35, 0xB39),
    (0xB3D, 0xB3D),
    (0xB5C, 0xB5D),
    (0xB5F, 0xB61),
    (0xB71, 0xB71),
    (0xB83, 0xB83),
    (0xB85, 0xB8A),
    (0xB8E, 0xB90),
    (0xB92, 0xB95),
    (0xB99, 0xB9A),
    (0xB9C, 0xB9C),
    (0xB9E, 0xB9F),
    (0xBA3, 0xBA4),
    (0xBA8, 0xBAA),
    (0xBAE, 0xBB9),
    (0xBD0, 0xBD0),
    (0xC05, 0xC0C),
    (0xC0E, 0xC10),
    (0xC12, 0xC28),
    (0xC2A, 0xC39),
    (0xC3D, 0xC3D),
    (0xC58, 0xC5A),
    (0xC5D, 0xC5D),
    (0xC60, 0xC61),
    (0xC80, 0xC80),
    (0xC85, 0xC8C),
    (0xC8E, 0xC90),
    (0xC92, 0xCA8),
    (0xCAA, 0xCB3),
    (0xCB5, 0xCB9),
    (0xCBD, 0xCBD),
    (0xCDD, 0xCDE),
    (0xCE0, 0xCE1),
    (0xCF1, 0xCF2),
    (0xD04, 0xD0C),
    (0xD0E, 0xD10),
    (0xD12, 0xD3A),
    (0xD3D, 0xD3D),
    (0xD4E, 0xD4E),
    (0xD54, 0xD56),
    (0xD5F, 0xD61),
    (0xD7A, 0xD7F),
    (0xD85, 0xD96),
    (0xD9A, 0xDB1),
    (0xDB3, 0xDBB),
    (0xDBD, 0xDBD),
    (0xDC0, 0xDC6),
    (0xE01, 0xE30),
    (0xE32, 0xE33),
    (0xE40, 0xE46),
    (0xE81, 0xE82),
    (0xE84, 0xE84),
    (0xE86, 0xE8A),
    (0xE8C, 0xEA3),
    (0xEA5, 0xEA5),
    (0xEA7, 0xEB0),
    (0xEB2, 0xEB3),
    (0xEBD, 0xEBD),
    (0xEC0, 0xEC4),
    (0xEC6, 0xEC6),
    (0xEDC, 0xEDF),
    (0xF00, 0xF00),
    (0xF40, 0xF47),
    (0xF49, 0xF6C),
    (0xF88, 0xF8C),
    (0x1000, 0x102A),
    (0x103F, 0x103F),
    (0x1050, 0x1055),
    (0x105A, 0x105D),
    (0x1061, 0x1061),
    (0x1065, 0x1066),
    (0x106E, 0x1070),
    (0x1075, 0x1081),
    (0x108E, 0x108E),
    (0x10A0, 0x10C5),
    (0x10C7, 0x10C7),
    (0x10CD, 0x10CD),
    (0x10D0, 0x10FA),
    (0x10FC, 0x1248),
    (0x124A, 0x124D),
    (0x1250, 0x1256),
    (0x1258, 0x1258),
    (0x125A, 0x125D),
    (0x1260, 0x1288),
    (0x128A, 0x128D),
    (0x1290, 0x12B0),
    (0x12B2, 0x12B5),
    (0x12B8, 0x12BE),
    (0x12C0, 0x12C0),
    (0x12C2, 0x12C5),
    (0x12C8, 0x12D6),
    (0x12D8, 0x1310),
    (0x1312, 0x1315),
    (0x1318, 0x135A),
    (0x1380, 0x138F),
    (0x13A0, 0x13F5),
    (0x13F8, 0x13FD),
    (0x1401, 0x166C),
    (0x166F, 0x167F),
    (0x1681, 0x169A),
    (0x16A0, 0x16EA),
    (0x16F1, 0x16F8),
    (0x1700, 0x1711),
    (0x171F, 0x1731),
    (0x1740, 0x1751),
    (0x1760, 0x176C),
    (0x176E, 0x1770),
    (0x1780, 0x17B3),
    (0x17D7, 0x17D7),
    (0x17DC, 0x17DC),
    (0x1820, 0x1878),
    (0x1880, 0x1884),
    (0x1887, 0x18A8),
    (0x18AA, 0x18AA),
    (0x18B0, 0x18F5),
    (0x1900, 0x191E),
    (0x1950, 0x196D),
    (0x1970, 0x1974),
    (0x1980, 0x19AB),
    (0x19B0, 0x19C9),
    (0x1A00, 0x1A16),
    (0x1A20, 0x1A54),
    (0x1AA7, 0x1AA7),
    (0x1B05, 0x1B33),
    (0x1B45, 0x1B4C),
    (0x1B83, 0x1BA0),
    (0x1BAE, 0x1BAF),
    (0x1BBA, 0x1BE5),
    (0x1C00, 0x1C23),
    (0x1C4D, 0x1C4F),
    (0x1C5A, 0x1C7D),
    (0x1C80, 0x1C88),
    (0x1C90, 0x1CBA),
    (0x1CBD, 0x1CBF),
    (0x1CE9, 0x1CEC),
    (0x1CEE, 0x1CF3),
    (0x1CF5, 0x1CF6),
    (0x1CFA, 0x1CFA),
    (0x1D00, 0x1DBF),
    (0x1E00, 0x1F15),
    (0x1F18, 0x1F1D),
    (0x1F20, 0x1F45),
    (0x1F48, 0x1F4D),
    (0x1F50, 0x1F57),
    (0x1F59, 0x1F59),
    (0x1F5B, 0x1F5B),
    (0x1F5D, 0x1F5D),
    (0x1F5F, 0x1F7D),
    (0x1F80, 0x1FB4),
    (0x1FB6, 0x1FBC),
    (0x1FBE, 0x1FBE),
    (0x1FC2, 0x1FC4),
    (0x1FC6, 0x1FCC),
    (0x1FD0, 0x1FD3),
    (0x1FD6, 0x1FDB),
    (0x1FE0, 0x1FEC),
    (0x1FF2, 0x1FF4),
    (0x1FF6, 0x1FFC),
    (0x2071, 0x2071),
    (0x207F, 0x207F),
    (0x2090, 0x209C),
    (0x2102, 0x2102),
    (0x2107, 0x2107),
    (0x210A, 0x2113),
    (0x2115, 0x2115),
    (0x2119, 0x211D),
    (0x2124, 0x2124),
    (0x2126, 0x2126),
    (0x2128, 0x2128),
    (0x212A, 0x212D),
    (0x212F, 0x2139),
    (0x213C, 0x213F),
    (0x2145, 0x2149),
    (0x214E, 0x214E),
    (0x2183, 0x2184),
    (0x2C00, 0x2CE4),
    (0x2CEB, 0x2CEE),
    (0x2CF2, 0x2CF3),
    (0x2D00, 0x2D25),
    (0x2D27, 0x2D27),
    (0x2D2D, 0x2D2D),
    (0x2D30, 0x2D67),
    (0x2D6F, 0x2D6F),
    (0x2D80, 0x2D96),
    (0x2DA0, 0x2DA6),
    (0x2DA8, 0x2DAE),
    (0x2DB0, 0x2DB6),
    (0x2DB8, 0x2DBE),
    (0x2DC0, 0x2DC6),
    (0x2DC8, 0x2DCE),
    (0x2DD0, 0x2DD6),
    (0x2DD8, 0x2DDE),
    (0x2E2F, 0x2E2F),
    (0x3005, 0x3006),
    (0x3031, 0x3035),
    (0x303B, 0x303C),
    (0x3041, 0x3096),
    (0x309D, 0x309F),
    (0x30A1, 0x30FA),
    (0x30FC, 0x30FF),
    (0x3105, 0x312F),
    (0x3131, 0x318E),
    (0x31A0, 0x31BF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0xA48C),
    (0xA4D0, 0xA4FD),
    (0xA500, 0xA60C),
    (0xA610, 0xA61F),
    (0xA62A, 0xA62B),
    (0xA640, 0xA66E),
    (0xA67F, 0xA69D),
    (0xA6A0, 0xA6E5),
    (0xA717, 0xA71F),
    (0xA722, 0xA788),
    (0xA78B, 0xA7CA),
    (0xA7D0, 0xA7D1),
    (0xA7D3, 0xA7D3),
    (0xA7D5, 0xA7D9),
    (0xA7F2, 0xA801),
    (0xA803, 0xA805),
    (0xA807, 0xA80A),
    (0xA80C, 0xA822),
    (0xA840, 0xA873),
    (0xA882, 0xA8B3),
    (0xA8F2, 0xA8F7),
    (0xA8FB, 0xA8FB),
    (0xA8FD, 0xA8FE),
    (0xA90A, 0xA925),
    (0xA930, 0xA946),
    (0xA960, 0xA97C),
    (0xA984, 0xA9B2),
    (0xA9CF, 0xA9CF),
    (0xA9E0, 0xA9E4),
    (0xA9E6, 0xA9EF),
    (0xA9FA, 0xA9FE),
    (0xAA00, 0xAA28),
    (0xAA40, 0xAA42),
    (0xAA44, 0xAA4B),
    (0xAA60, 0xAA76),
    (0xAA7A, 0xAA7A),
    (0xAA7E, 0xAAAF),
    (0xAAB1, 0xAAB1),
    (0xAAB5, 0xAAB6),
    (0xAAB9, 0xAABD),
    (0xAAC0, 0xAAC0),
    (0xAAC2, 0xAAC2),
    (0xAADB, 0xAADD),
    (0xAAE0, 0xAAEA),
    (0xAAF2, 0xAAF4),
    (0xAB01, 0xAB06),
    (0xAB09, 0xAB0E),
    (0xAB11, 0xAB16),
    (0xAB20, 0xAB26),
    (0xAB28, 0xAB2E),
    (0xAB30, 0xAB5A),
    (0xAB5C, 0xAB69),
    (0xAB70, 0xABE2),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6),
    (0xD7CB, 0xD7FB),
    (0xF900, 0xFA6D),
    (0xFA70, 0xFAD9),
    (0xFB00, 0xFB06),
    (0xFB13, 0xFB17),
    (0xFB1D, 0xFB1D),
    (0xFB1F, 0xFB28),
    (0xFB2A, 0xFB36),
    (0xFB38, 0xFB3C),
    (0xFB3E, 0xFB3E),
    (0xFB40, 0xFB41),
    (0xFB43, 0xFB44),
    (0xFB46, 0xFBB1),
    (0xFBD3, 0xFD3D),
    (0xFD50, 0xFD8F),
    (0xFD92, 0xFDC7),
    (0xFDF0, 0xFDFB),
    (0xFE70, 0xFE74),
    (0xFE76, 0xFEFC),
    (0xFF21, 0xFF3A),
    (0xFF41, 0xFF5A),
    (0xFF66, 0xFFBE),
    (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7),
    (0xFFDA, 0xFFDC),
    (0x10000, 0x1000B),
    (0x1000D, 0x10026),
    (0x10028, 0x1003A),
    (0x1003C, 0x1003D),
    (0x1003F, 0x1004D),
    (0x10050, 0x1005D),
    (0x10080, 0x100FA),
    (0x10280, 0x1029C),
    (0x102A0, 0x102D0),
    (0x10300, 0x1031F),
    (0x1032D, 0x10340),
    (0x10342, 0x10349),
    (0x10350, 0x10375),
    (0x10380, 0x1039D),
    (0x103A0, 0x103C3),
    (0x103C8, 0x103CF),
    (0x10400, 0x1049D),
    (0x104B0, 0x104D3),
    (0x104D8, 0x104FB),
    (0x10500, 0x10527),
    (0x10530, 0x10563),
    (0x10570, 0x1057A),
    (0x1057C, 0x1058A),
    (0x1058C, 0x10592),
    (0x10594, 0x10595),
    (0x10597, 0x105A1),
    (0x105A3, 0x105B1),
    (0x105B3, 0x105B9),
    (0x105BB, 0x105BC),
    (0x10600, 0x10736),
    (0x10740, 0x10755),
    (0x10760, 0x10767),
    (0x10780, 0x10785),
    (0x10787, 0x107B0),
    (0x107B2, 0x107BA),
    (0x10800, 0x10805),
    (0x10808, 0x10808),
    (0x1080A, 0x10835),
    (0x10837, 0x10838),
    (0x1083C, 0x1083C),
    (0x1083F, 0x10855),
    (0x10860, 0x10876),
    (0x10880, 0x1089E),
    (0x108E0, 0x108F2),
    (0x108F4, 0x108F5),
    (0x10900, 0x10915),
    (0x10920, 0x10939),
    (0x10980, 0x109B7),
    (0x109BE, 0x109BF),
    (0x10A00, 0x10A00),
    (0x10A10, 0x10A13),
    (0x10A15, 0x10A17),
    (0x10A19, 0x10A35),
    (0x10A60, 0x10A7C),
    (0x10A80, 0x10A9C),
    (0x10AC0, 0x10AC7),
    (0x10AC9, 0x10AE4),
    (0x10B00, 0x10B35),
    (0x10B40, 0x10B55),
    (0x10B60, 0x10B72),
    (0x10B80, 0x10B91),
    (0x10C00, 0x10C48),
    (0x10C80, 0x10CB2),
    (0x10CC0, 0x10CF2),
    (0x10D00, 0x10D23),
    (0x10E80, 0x10EA9),
    (0x10EB0, 0x10EB1),
    (0x10F00, 0x10F1C),
    (0x10F27, 0x10F27),
    (0x10F30, 0x10F45),
    (0x10F70, 0x10F81),
    (0x10FB0, 0x10FC4),
    (0x10FE0, 0x10FF6),
    (0x11003, 0x11037),
    (0x11071, 0x11072),
    (0x11075, 0x11075),
    (0x11083, 0x110AF),
    (0x110D0, 0x110E8),
    (0x11103, 0x11126),
    (0x11144, 0x11144),
    (0x11147, 0x11147),
    (0x11150, 0x11172),
    (0x11176, 0x11176),
    (0x11183, 0x111B2),
    (0x111C1, 0x111C4),
    (0x111DA, 0x111DA),
    (0x111DC, 0x111DC),
    (0x11200, 0x11211),
    (0x11213, 0x1122B),
    (0x11280, 0x11286),
    (0x11288, 0x11288),
    (0x1128A, 0x1128D),
    (0x1128F, 0x1129D),
    (0x1129F, 0x112A8),
    (0x112B0, 0x112DE),
    (0x11305, 0x1130C),
    (0x1130F, 0x11310),
    (0x11313, 0x11328),
    (0x1132A, 0x11330),
    (0x11332, 0x11333),
    (0x11335, 0x11339),
    (0x1133D, 0x1133D),
    (0x11350, 0x11350),
    (0x1135D, 0x11361),
    (0x11400, 0x11434),
    (0x11447, 0x1144A),
    (0x1145F, 0x11461),
    (0x11480, 0x114AF),
    (0x114C4, 0x114C5),
    (0x114C7, 0x114C7),
    (0x11580, 0x115AE),
    (0x115D8, 0x115DB),
    (0x11600, 0x1162F),
    (0x11644, 0x11644),
    (0x11680, 0x116AA),
    (0x116B8, 0x116B8),
    (0x11700, 0x1171A),
    (0x11740, 0x11746),
    (0x11800, 0x1182B),
    (0x118A0, 0x118DF),
    (0x118FF, 0x11906),
    (0x11909, 0x11909),
    (0x1190C, 0x11913),
    (0x11915, 0x11916),
    (0x11918, 0x1192F),
    (0x1193F, 0x1193F),
    (0x11941, 0x11941),
    (0x119A0, 0x119A7),
    (0x119AA, 0x119D0),
    (0x119E1, 0x119E1),
    (0x119E3, 0x119E3),
    (0x11A00, 0x11A00),
    (0x11A0B, 0x11A32),
    (0x11A3A, 0x11A3A),
    (0x11A50, 0x11A50),
    (0x11A5C, 0x11A89),
    (0x11A9D, 0x11A9D),
    (0x11AB0, 0x11AF8),
    (0x11C00, 0x11C08),
    (0x11C0A, 0x11C2E),
    (0x11C40, 0x11C40),
    (0x11C72, 0x11C8F),
    (0x11D00, 0x11D06),
    (0x11D08, 0x11D09),
    (0x11D0B, 0x11D30),
    (0x11D46, 0x11D46),
    (0x11D60, 0x11D65),
    (0x11D67, 0x11D68),
    (0x11D6A, 0x11D89),
    (0x11D98, 0x11D98),
    (0x11EE0, 0x11EF2),
    (0x11FB0, 0x11FB0),
    (0x12000, 0x12399),
    (0x12480, 0x12543),
    (0x12F90, 0x12FF0),
    (0x13000, 0x1342E),
    (0x14400, 0x14646),
    (0x16800, 0x16A38),
    (0x16A40, 0x16A5E),
    (0x16A70, 0x16ABE),
    (0x16AD0, 0x16AED),
    (0x16B00, 0x16B2F),
    (0x16B40, 0x16B43),
    (0x16B63, 0x16B77),
    (0x16B7D, 0x16B8F),
    (0x16E40, 0x16E7F),
    (0x16F00, 0x16F4A),
    (0x16F50, 0x16F50),
    (0x16F93, 0x16F9F),
    (0x16FE0, 0x16FE1),
    (0x16FE3, 0x16FE3),
    (0x17000, 0x187F7),
    (0x18800, 0x18CD5),
    (0x18D00, 0x18D08),
    (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE),
    (0x1B000, 0x1B122),
    (0x1B150, 0x1B152),
    (0x1B164, 0x1B167),
    (0x1B170, 0x1B2FB),
    (0x1BC00, 0x1BC6A),
    (0x1BC70, 0x1BC7C),
    (0x1BC80, 0x1BC88),
    (0x1BC90, 0x1BC99),
    (0x1D400, 0x1D454),
    (0x1D456, 0x1D49C),
    (0x1D49E, 0x1D49F),
    (0x1D4A2, 0x1D4A2),
    (0x1D4A5, 0x1D4A6),
    (0x1D4A9, 0x1D4AC),
    (0x1D4AE, 0x1D4B9),
    (0x1D4BB, 0x1D4BB),
    (0x1D4BD, 0x1D4C3),
    (0x1D4C5, 0x1D505),
    (0x1D507, 0x1D50A),
    (0x1D50D, 0x1D514),
    (0x1D516, 0x1D51C),
    (0x1D51E, 0x1D539),
    (0x1D53B, 0x1D53E),
    (0x1D540, 0x1D544),
    (0x1D546, 0x1D546),
    (0x1D54A, 0x1D550),
    (0x1D552, 0x1D6A5),
    (0x1D6A8, 0x1D6C0),
    (0x1D6C2, 0x1D6DA),
    (0x1D6DC, 0x1D6FA),
    (0x1D6FC, 0x1D714),
    (0x1D716, 0x1D734),
    (0x1D736, 0x1D74E),
    (0x1D750, 0x1D76E),
    (0x1D770, 0x1D788),
    (0x1D78A, 0x1D7A8),
    (0x1D7AA, 0x1D7C2),
    (0x1D7C4, 0x1D7CB),
    (0x1DF00, 0x1DF1E),
    (0x1E100, 0x1E12C),
    (0x1E137, 0x1E13D),
    (0x1E14E, 0x1E14E),
    (0x1E290, 0x1E2AD),
    (0x1E2C0, 0x1E2EB),
    (0x1E7E0, 0x1E7E6),
    (0x1E7E8, 0x1E7EB),
    (0x1E7ED, 0x1E7EE),
    (0x1E7F0, 0x1E7FE),
    (0x1E800, 0x1E8C4),
    (0x1E900, 0x1E943),
    (0x1E94B, 0x1E94B),
    (0x1EE00, 0x1EE03),
    (0x1EE05, 0x1EE1F),
    (0x1EE21, 0x1EE22),
    (0x1EE24, 0x1EE24),
    (0x1EE27, 0x1EE27),
    (0x1EE29, 0x1EE32),
    (0x1EE34, 0x1EE37),
    (0x1EE39, 0x1EE39),
    (0x1EE3B, 0x1EE3B),
    (0x1EE42, 0x1EE42),
    (0x1EE47, 0x1EE47),
    (0x1EE49, 0x1EE49),
    (0x1EE4B, 0x1EE4B),
    (0x1EE4D, 0x1EE4F),
    (0x1EE51, 0x1EE52),
    (0x1EE54, 0x1EE54),
    (0x1EE57, 0x1EE57),
    (0x1EE59, 0x1EE59),
    (0x1EE5B, 0x1EE5B),
    (0x1EE5D, 0x1EE5D),
    (0x1EE5F, 0x1EE5F),
    (0x1EE61, 0x1EE62),
    (0x1EE64, 0x1EE64),
    (0x1EE67, 0x1EE6A),
    (0x1EE6C, 0x1EE72),
    (0x1EE74, 0x1EE77),
    (0x1EE79, 0x1EE7C),
    (0x1EE7E, 0x1EE7E),
    (0x1EE80, 0x1EE89),
    (0x1EE8B, 0x1EE9B),
    (0x1EEA1, 0x1EEA3),
    (0x1EEA5, 0x1EEA9),
    (0x1EEAB, 0x1EEBB),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B738),
    (0x2B740, 0x2B81D),
    (0x2B820, 0x2CEA1),
    (0x2CEB0, 0x2EBE0),
    (0x2F800, 0x2FA1D),
    (0x30000, 0x3134A),
];
pub(crate) static DECIMAL_RANGES: &[(u32, u32)] = &[
    (0x660, 0x669),
    (0x6F0, 0x6F9),
    (0x7C0, 0x7C9),
    (0x966, 0x96F),
    (0x9E6, 0x9EF),
    (0xA66, 0xA6F),
    (0xAE6, 0xAEF),
    (0xB66, 0xB6F),
    (0xBE6, 0xBEF),
    (0xC66, 0xC6F),
    (0xCE6, 0xCEF),
    (0xD66, 0xD6F),
    (0xDE6, 0xDEF),
    (0xE50, 0xE59),
    (0xED0, 0xED9),
    (0xF20, 0xF29),
    (0x1040, 0x1049),
    (0x1090, 0x1099),
    (0x17E0, 0x17E9),
    (0x1810, 0x1819),
    (0x1946, 0x194F),
    (0x19D0, 0x19D9),
    (0x1A80, 0x1A89),
    (0x1A90, 0x1A99),
    (0x1B50, 0x1B59),
    (0x1BB0, 0x1BB9),
    (0x1C40, 0x1C49),
    (0x1C50, 0x1C59),
    (0xA620, 0xA629),
    (0xA8D0, 0xA8D9),
    (0xA900, 0xA909),
    (0xA9D0, 0xA9D9),
    (0xA9F0, 0xA9F9),
    (0xAA50, 0xAA59),
    (0xABF0, 0xABF9),
    (0xFF10, 0xFF19),
    (0x104A0, 0x104A9),
    (0x10D30, 0x10D39),
    (0x11066, 0x1106F),
    (0x110F0, 0x110F9),
    (0x11136, 0x1113F),
    (0x111D0, 0x111D9),
    (0x112F0, 0x112F9),
    (0x11450, 0x11459),
    (0x114D0, 0x114D9),
    (0x11650, 0x11659),
    (0x116C0, 0x116C9),
    (0x11730, 0x11739),
    (0x118E0, 0x118E9),
    (0x11950, 0x11959),
    (0x11C50, 0x11C59),
    (0x11D50, 0x11D59),
    (0x11DA0, 0x11DA9),
    (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9),
    (0x16B50, 0x16B59),
    (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9),
    (0x1E950, 0x1E959),
    (0x1FBF0, 0x1FBF9),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_set_exact() {
        // Vector: [c for c in range(0x110000) if chr(c).isspace()] (CPython 3.11).
        let want: Vec<u32> = (0x09..=0x0D)
            .chain(0x1C..=0x20)
            .chain([0x85, 0xA0, 0x1680])
            .chain(0x2000..=0x200A)
            .chain([0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
            .collect();
        let got: Vec<u32> = (0..0x110000u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_space(c))
            .map(|c| c as u32)
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn alpha_counts() {
        // sum(chr(c).isalpha() for c in range(0x110000)) == 131756 under CPython 3.11 (Unicode 14).
        let n = (0..0x110000u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_alpha(c))
            .count();
        assert_eq!(n, 131_756);
        assert!(is_alpha('a') && is_alpha('Z') && is_alpha('é') && is_alpha('中'));
        assert!(is_alpha('ª')); // Lo
        assert!(!is_alpha('Ⅳ')); // Nl: Rust's is_alphabetic says yes, Python says no
        assert!('Ⅳ'.is_alphabetic());
        assert!(!is_alpha('\u{0301}')); // Mn
        assert!(!is_alpha('1') && !is_alpha('_') && !is_alpha(' '));
    }

    #[test]
    fn decimal_counts() {
        // sum(re.match(r"\d", chr(c)) is not None for c in ...) under CPython 3.11.
        let n = (0..0x110000u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_decimal(c))
            .count();
        assert_eq!(n, 660);
        assert!(is_decimal('7') && is_decimal('٣') && !is_decimal('²') && !is_decimal('a'));
    }

    #[test]
    fn strip_and_blank() {
        assert_eq!(strip("  \t a b \u{3000}\u{85}"), "a b");
        assert_eq!(lstrip("\x1c\x1fx "), "x ");
        assert_eq!(rstrip(" x\u{200b}"), " x\u{200b}"); // ZWSP is not isspace
        assert_eq!(strip("\u{a0}"), "");
        assert!(is_blank(" \r\n\u{2028}") && !is_blank(" .") && is_blank(""));
    }

    #[test]
    fn splitlines_exact() {
        // Python: "a\nb\r\nc\rd\x0be\x0cf\x1cg\x1dh\x1ei\x85j\u2028k\u2029l\n".splitlines()
        let s = "a\nb\r\nc\rd\x0be\x0cf\x1cg\x1dh\x1ei\u{85}j\u{2028}k\u{2029}l\n";
        let got: Vec<&str> = splitlines(s).collect();
        assert_eq!(
            got,
            ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]
        );
        assert_eq!(splitlines("").count(), 0);
        assert_eq!(splitlines("\n").collect::<Vec<_>>(), [""]);
        assert_eq!(splitlines("\n\n x").collect::<Vec<_>>(), ["", "", " x"]);
        assert_eq!(splitlines("x\r\r\n").collect::<Vec<_>>(), ["x", ""]);
        assert_eq!(splitlines("a\x1fb\tc").collect::<Vec<_>>(), ["a\x1fb\tc"]);
    }

    #[test]
    fn count_and_len() {
        assert_eq!(count("......", "..."), 2);
        assert_eq!(count(".....", "..."), 1);
        assert_eq!(count("a#b##", "#"), 3);
        assert_eq!(count("…x…", "…"), 2);
        assert_eq!(count("héllo", ""), 6);
        assert_eq!(len_cp("héllo 中文 🎉"), 10);
        assert_eq!(len_cp(""), 0);
    }

    #[test]
    fn split_py_matches_python() {
        // "a\x1cb  c\u00a0d\u200be".split() == ['a', 'b', 'c', 'd\u200be']
        let got: Vec<&str> = split_py("a\x1cb  c\u{a0}d\u{200b}e").collect();
        assert_eq!(got, ["a", "b", "c", "d\u{200b}e"]);
        assert_eq!(split_py(" \t ").count(), 0);
    }

    #[test]
    fn lower_contains() {
        assert!(lower_contains_ascii("Enable JavaScript now", "javascript"));
        assert!(lower_contains_ascii(
            "Uses Coo\u{212A}ies ok é",
            "uses cookies"
        ));
        assert!(!lower_contains_ascii("Java\u{200b}script é", "javascript"));
        assert!(!lower_contains_ascii("lorem \u{130}psum", "lorem ipsum"));
        assert!(lower_contains_ascii("é LOREM IPSUM", "lorem ipsum"));
        assert!(!lower_contains_ascii("lorem", "lorem ipsum"));
    }
}
