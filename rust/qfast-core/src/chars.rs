//! datatrove's character classes (`utils/text.py`): PUNCTUATION, `TERMINAL_PUNCTUATION`,
//! `PUNCTUATION_SET`, with O(1)-ish membership (ASCII bitmask, then a `match` on the few non-ASCII
//! members, which the compiler lowers to range checks / jump tables).

/// datatrove `PUNCTUATION` (129 code points, in datatrove's order): the visible characters followed
/// by the control characters U+0000..U+0008, U+000B..U+001F, U+007F..U+009F (TAB and LF excluded).
pub const PUNCTUATION: &str = concat!(
    "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»",
    "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}",
    "\u{b}\u{c}\u{d}\u{e}\u{f}\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1a}\u{1b}",
    "\u{1c}\u{1d}\u{1e}\u{1f}",
    "\u{7f}\u{80}\u{81}\u{82}\u{83}\u{84}\u{85}\u{86}\u{87}\u{88}\u{89}\u{8a}\u{8b}\u{8c}\u{8d}\u{8e}\u{8f}",
    "\u{90}\u{91}\u{92}\u{93}\u{94}\u{95}\u{96}\u{97}\u{98}\u{99}\u{9a}\u{9b}\u{9c}\u{9d}\u{9e}\u{9f}",
);

/// datatrove `TERMINAL_PUNCTUATION` (a Python set of 159 code points), sorted by code point.
pub const TERMINAL_PUNCTUATION: [char; 159] = [
    '\u{21}',
    '\u{2E}',
    '\u{3F}',
    '\u{589}',
    '\u{61D}',
    '\u{61E}',
    '\u{61F}',
    '\u{6D4}',
    '\u{700}',
    '\u{701}',
    '\u{702}',
    '\u{7F9}',
    '\u{837}',
    '\u{839}',
    '\u{83D}',
    '\u{83E}',
    '\u{964}',
    '\u{965}',
    '\u{104A}',
    '\u{104B}',
    '\u{1362}',
    '\u{1367}',
    '\u{1368}',
    '\u{166E}',
    '\u{1735}',
    '\u{1736}',
    '\u{17D4}',
    '\u{17D5}',
    '\u{17D6}',
    '\u{17D9}',
    '\u{17DA}',
    '\u{1803}',
    '\u{1809}',
    '\u{1944}',
    '\u{1945}',
    '\u{1AA8}',
    '\u{1AA9}',
    '\u{1AAA}',
    '\u{1AAB}',
    '\u{1B5A}',
    '\u{1B5B}',
    '\u{1B5E}',
    '\u{1B5F}',
    '\u{1B7D}',
    '\u{1B7E}',
    '\u{1C3B}',
    '\u{1C3C}',
    '\u{1C7E}',
    '\u{1C7F}',
    '\u{203C}',
    '\u{203D}',
    '\u{2047}',
    '\u{2048}',
    '\u{2049}',
    '\u{2E2E}',
    '\u{2E3C}',
    '\u{2E53}',
    '\u{2E54}',
    '\u{3002}',
    '\u{A4FF}',
    '\u{A60E}',
    '\u{A60F}',
    '\u{A6F3}',
    '\u{A6F7}',
    '\u{A876}',
    '\u{A877}',
    '\u{A8CE}',
    '\u{A8CF}',
    '\u{A92F}',
    '\u{A9C8}',
    '\u{A9C9}',
    '\u{AA5D}',
    '\u{AA5E}',
    '\u{AA5F}',
    '\u{AAF0}',
    '\u{AAF1}',
    '\u{ABEB}',
    '\u{FE52}',
    '\u{FE56}',
    '\u{FE57}',
    '\u{FF01}',
    '\u{FF0E}',
    '\u{FF1F}',
    '\u{FF61}',
    '\u{10A56}',
    '\u{10A57}',
    '\u{10F55}',
    '\u{10F56}',
    '\u{10F57}',
    '\u{10F58}',
    '\u{10F59}',
    '\u{10F86}',
    '\u{10F87}',
    '\u{10F88}',
    '\u{10F89}',
    '\u{11047}',
    '\u{11048}',
    '\u{110BE}',
    '\u{110BF}',
    '\u{110C0}',
    '\u{110C1}',
    '\u{11141}',
    '\u{11142}',
    '\u{11143}',
    '\u{111C5}',
    '\u{111C6}',
    '\u{111CD}',
    '\u{111DE}',
    '\u{111DF}',
    '\u{11238}',
    '\u{11239}',
    '\u{1123B}',
    '\u{1123C}',
    '\u{112A9}',
    '\u{1144B}',
    '\u{1144C}',
    '\u{115C2}',
    '\u{115C3}',
    '\u{115C9}',
    '\u{115CA}',
    '\u{115CB}',
    '\u{115CC}',
    '\u{115CD}',
    '\u{115CE}',
    '\u{115CF}',
    '\u{115D0}',
    '\u{115D1}',
    '\u{115D2}',
    '\u{115D3}',
    '\u{115D4}',
    '\u{115D5}',
    '\u{115D6}',
    '\u{115D7}',
    '\u{11641}',
    '\u{11642}',
    '\u{1173C}',
    '\u{1173D}',
    '\u{1173E}',
    '\u{11944}',
    '\u{11946}',
    '\u{11A42}',
    '\u{11A43}',
    '\u{11A9B}',
    '\u{11A9C}',
    '\u{11C41}',
    '\u{11C42}',
    '\u{11EF7}',
    '\u{11EF8}',
    '\u{11F43}',
    '\u{11F44}',
    '\u{16A6E}',
    '\u{16A6F}',
    '\u{16AF5}',
    '\u{16B37}',
    '\u{16B38}',
    '\u{16B44}',
    '\u{16E98}',
    '\u{1BC9F}',
    '\u{1DA88}',
];

/// Bit `c` set for ASCII `c` in PUNCTUATION: all 32 printable ASCII punctuation characters plus
/// controls 0x00..0x08, 0x0B..0x1F and 0x7F.
const ASCII_PUNCT: u128 = {
    let mut m: u128 = 0;
    let mut c = 0;
    while c < 128 {
        let is = (c <= 0x08)
            || (c >= 0x0B && c <= 0x1F)
            || c == 0x7F
            || (c >= 0x21 && c <= 0x2F)
            || (c >= 0x3A && c <= 0x40)
            || (c >= 0x5B && c <= 0x60)
            || (c >= 0x7B && c <= 0x7E);
        if is {
            m |= 1u128 << c;
        }
        c += 1;
    }
    m
};

/// `c in PUNCTUATION`.
#[inline]
#[must_use]
pub const fn is_punctuation(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (ASCII_PUNCT >> u) & 1 == 1;
    }
    matches!(
        u,
        0x80..=0x9F
            | 0xAB
            | 0xB4
            | 0xBB
            | 0x2013
            | 0x2014
            | 0x2019
            | 0x201C
            | 0x201D
            | 0x201E
            | 0x2026
            | 0x2236
            | 0x2501
            | 0x25BA
            | 0x3001
            | 0x3002
            | 0x3008..=0x300D
            | 0x3010
            | 0x3011
            | 0xFF01
            | 0xFF05
            | 0xFF08
            | 0xFF09
            | 0xFF0C
            | 0xFF0E
            | 0xFF11
            | 0xFF1A
            | 0xFF1B
            | 0xFF1F
            | 0xFF5E
    )
}

/// `c in TERMINAL_PUNCTUATION`. ASCII members: `! . ?` only.
#[inline]
#[must_use]
pub fn is_terminal_punctuation(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return matches!(u, 0x21 | 0x2E | 0x3F);
    }
    if u < 0x589 {
        return false;
    }
    TERMINAL_PUNCTUATION.binary_search(&c).is_ok()
}

/// `c in PUNCTUATION_SET` (= set(PUNCTUATION) | `TERMINAL_PUNCTUATION`, 281 code points).
#[inline]
#[must_use]
pub fn is_punctuation_set(c: char) -> bool {
    let u = c as u32;
    if u < 0x1_0000 {
        // Every char of a CJK or Cyrillic word asks this: one bit instead of a search.
        return (PUNCTUATION_SET_BMP[(u >> 6) as usize] >> (u & 63)) & 1 == 1;
    }
    is_punctuation(c) || is_terminal_punctuation(c)
}

/// `PUNCTUATION_SET` over the BMP as a bitmap (8 KB), built at compile time.
static PUNCTUATION_SET_BMP: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut u = 0u32;
    while u < 0x1_0000 {
        if let Some(c) = char::from_u32(u) {
            if is_punctuation(c) {
                bits[(u >> 6) as usize] |= 1 << (u & 63);
            }
        }
        u += 1;
    }
    let mut i = 0;
    while i < TERMINAL_PUNCTUATION.len() {
        let u = TERMINAL_PUNCTUATION[i] as u32;
        if u < 0x1_0000 {
            bits[(u >> 6) as usize] |= 1 << (u & 63);
        }
        i += 1;
    }
    bits
};

/// `any(ch not in PUNCTUATION_SET for ch in w)`: the Gopher "non-symbol word" test.
#[inline]
#[must_use]
pub fn has_non_punctuation(w: &str) -> bool {
    if w.is_ascii() {
        // ASCII members of PUNCTUATION_SET are exactly ASCII_PUNCT.
        return w.bytes().any(|b| (ASCII_PUNCT >> b) & 1 == 0);
    }
    w.chars().any(|c| !is_punctuation_set(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_chars() -> impl Iterator<Item = char> {
        (0..0x0011_0000_u32).filter_map(char::from_u32)
    }

    #[test]
    fn counts_match_datatrove() {
        // Vectors from datatrove 0.10.1: len(PUNCTUATION) == len(set(PUNCTUATION)) == 129,
        // len(TERMINAL_PUNCTUATION) == 159, len(PUNCTUATION_SET) == 281.
        assert_eq!(PUNCTUATION.chars().count(), 129);
        let mut p: Vec<char> = PUNCTUATION.chars().collect();
        p.sort_unstable();
        p.dedup();
        assert_eq!(p.len(), 129);
        assert_eq!(all_chars().filter(|&c| is_punctuation(c)).count(), 129);
        assert_eq!(
            all_chars().filter(|&c| is_terminal_punctuation(c)).count(),
            159
        );
        assert_eq!(all_chars().filter(|&c| is_punctuation_set(c)).count(), 281);
        // The BMP bitmap says what the two definitions say.
        assert!(all_chars()
            .all(|c| is_punctuation_set(c) == (is_punctuation(c) || is_terminal_punctuation(c))));
        // The predicate agrees with the constants.
        for c in PUNCTUATION.chars() {
            assert!(is_punctuation(c), "{c:?}");
        }
        let mut t = TERMINAL_PUNCTUATION.to_vec();
        t.sort_unstable();
        assert_eq!(t, TERMINAL_PUNCTUATION.to_vec());
        for c in TERMINAL_PUNCTUATION {
            assert!(is_terminal_punctuation(c));
        }
    }

    #[test]
    fn members_and_non_members() {
        // datatrove: "\t" and "\n" not in PUNCTUATION; "\x0b", "\x85", "１", "’" in; "‘" not.
        for c in [
            '\x0b', '\r', '\x00', '\x7f', '\u{85}', '\u{9f}', '１', '’', '…', '►', '#', '`',
        ] {
            assert!(is_punctuation(c), "{c:?}");
        }
        for c in ['\t', '\n', ' ', '‘', '\u{a0}', 'a', '0', '２', '\u{a0}'] {
            assert!(!is_punctuation(c), "{c:?}");
        }
        // TERMINAL: ASCII members are only ! . ?
        let ascii: String = (0u8..128)
            .map(char::from)
            .filter(|&c| is_terminal_punctuation(c))
            .collect();
        assert_eq!(ascii, "!.?");
        for c in ['。', '؟', '\u{1DA88}', '\u{10F55}', '‼'] {
            assert!(is_terminal_punctuation(c) && is_punctuation_set(c));
        }
        assert!(!is_terminal_punctuation('…') && is_punctuation_set('…'));
        // Overlap of PUNCTUATION and TERMINAL_PUNCTUATION is 7 (129 + 159 - 281).
        let overlap = all_chars()
            .filter(|&c| is_punctuation(c) && is_terminal_punctuation(c))
            .count();
        assert_eq!(overlap, 7);
    }

    #[test]
    fn non_symbol_words() {
        assert!(!has_non_punctuation("..."));
        assert!(!has_non_punctuation("—“”"));
        assert!(has_non_punctuation("a."));
        assert!(has_non_punctuation("‘"));
        assert!(!has_non_punctuation(""));
        assert!(has_non_punctuation("\t"));
    }
}
