//! datatrove's `simplify_text(text, TextNormConfig)` (`utils/text.py`), the normalization `MinHash`
//! and the other dedup methods hash. Steps, in datatrove's order: `str.lower()`, decimal numbers
//! (`\p{Nd}+([.,،٫⎖⎗⎘]\p{Nd}+)?`) to `"0"`, optional weekday / month names, PUNCTUATION to
//! spaces, `re.sub(r"\s+", " ", text.strip())`, NFD without `Mn` marks (no recomposition), strip.

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use crate::chars::is_punctuation;
use crate::pytext::{in_ranges, is_decimal, is_space, strip};
use crate::unicode_tables::{MN, ND_NEWER};

/// datatrove `TextNormConfig`, same names and defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "mirrors datatrove's option flags one for one"
)]
pub struct TextNorm {
    pub lowercase: bool,
    pub norm_whitespace: bool,
    pub remove_punctuation: bool,
    pub norm_unicode_diacritics: bool,
    pub norm_numbers: bool,
    pub norm_weekdays: bool,
    pub norm_monthnames: bool,
}

impl Default for TextNorm {
    fn default() -> Self {
        TextNorm {
            lowercase: true,
            norm_whitespace: true,
            remove_punctuation: true,
            norm_unicode_diacritics: true,
            norm_numbers: true,
            norm_weekdays: false,
            norm_monthnames: false,
        }
    }
}

/// `regex`'s `\p{Nd}`: `CPython`'s decimal digits plus those `regex`'s newer Unicode added.
#[inline]
fn is_nd(c: char) -> bool {
    is_decimal(c) || (!c.is_ascii() && in_ranges(ND_NEWER, c as u32))
}

/// `unicodedata.category(c) == "Mn"`.
#[inline]
fn is_mn(c: char) -> bool {
    (c as u32) >= 0x300 && in_ranges(MN, c as u32)
}

/// The decimal separators of datatrove's `NUMBERS_PATTERN`.
fn is_decimal_sep(c: char) -> bool {
    matches!(c, '.' | ',' | '،' | '٫' | '⎖' | '⎗' | '⎘')
}

/// `NUMBERS_PATTERN.sub("0", s)`.
fn norm_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if !is_nd(c) {
            out.push(c);
            continue;
        }
        while it.peek().copied().is_some_and(is_nd) {
            it.next();
        }
        // Optional `[sep]\p{Nd}+`: taken only when a digit follows the separator.
        let mut look = it.clone();
        if let (Some(sep), Some(d)) = (look.next(), look.next()) {
            if is_decimal_sep(sep) && is_nd(d) {
                it.next();
                it.next();
                while it.peek().copied().is_some_and(is_nd) {
                    it.next();
                }
            }
        }
        out.push('0');
    }
    out
}

fn names() -> &'static (regex::Regex, regex::Regex) {
    static R: OnceLock<(regex::Regex, regex::Regex)> = OnceLock::new();
    R.get_or_init(|| {
        // Constant patterns: cannot fail.
        (
            regex::Regex::new("monday|tuesday|wednesday|thursday|friday|saturday|sunday")
                .expect("constant pattern"),
            regex::Regex::new(
                "january|february|march|april|may|june|july|august|september|october|november|december",
            )
            .expect("constant pattern"),
        )
    })
}

/// `re.sub(r"\s+", " ", s.strip())`.
fn norm_whitespace(s: &str) -> String {
    let s = strip(s);
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if is_space(c) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// datatrove `simplify_text(text, cfg)`.
pub fn simplify_text(text: &str, cfg: &TextNorm) -> String {
    let mut t: String = if cfg.lowercase {
        // Rust's `to_lowercase` is Python's full lowercasing (SpecialCasing, Final_Sigma).
        if text.is_ascii() {
            text.to_ascii_lowercase()
        } else {
            text.to_lowercase()
        }
    } else {
        text.to_string()
    };
    if cfg.norm_numbers && t.chars().any(is_nd) {
        t = norm_numbers(&t);
    }
    if cfg.norm_weekdays {
        t = names().0.replace_all(&t, "WEEKDAY").into_owned();
    }
    if cfg.norm_monthnames {
        t = names().1.replace_all(&t, "MONTH").into_owned();
    }
    if cfg.remove_punctuation {
        t = t
            .chars()
            .map(|c| if is_punctuation(c) { ' ' } else { c })
            .collect();
    }
    if cfg.norm_whitespace {
        t = norm_whitespace(&t);
    }
    if cfg.norm_unicode_diacritics && !t.is_ascii() {
        t = t.nfd().filter(|&c| !is_mn(c)).collect();
    }
    strip(&t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// datatrove 0.10.1 outputs (reference spec section 1.4 and 3.1).
    #[test]
    fn reference_vectors() {
        let d = TextNorm::default();
        for (inp, want) in [
            ("1,000.5", "0 0"),
            (
                "Hello,   World!\n\tÇa va? 3.14 ２０２４年",
                "hello world ca va 0 0年",
            ),
            (
                "It's the U.S.A.—naïve café; 12:30pm",
                "it s the u s a naive cafe 0 0pm",
            ),
            ("ﬁnancial Ⅻ ½ ¹ x²", "ﬁnancial ⅻ ½ ¹ x²"),
            (
                "The quick brown fox jumps over the lazy dog. It's 3.14 o'clock, Café Déjà-vu!",
                "the quick brown fox jumps over the lazy dog it s 0 o clock cafe deja vu",
            ),
        ] {
            assert_eq!(simplify_text(inp, &d), want, "{inp:?}");
        }
    }

    #[test]
    fn options() {
        let cfg = TextNorm {
            norm_weekdays: true,
            norm_monthnames: true,
            ..TextNorm::default()
        };
        assert_eq!(
            simplify_text("Monday, May 5: the mayor", &cfg),
            "WEEKDAY MONTH 0 the MONTHor"
        );
        let off = TextNorm {
            lowercase: false,
            norm_whitespace: false,
            remove_punctuation: false,
            norm_unicode_diacritics: false,
            norm_numbers: false,
            norm_weekdays: false,
            norm_monthnames: false,
        };
        assert_eq!(simplify_text("  A,  b\u{301} ", &off), "A,  b\u{301}");
        assert_eq!(simplify_text("ΟΔΟΣ Σ", &TextNorm::default()), "οδος σ");
    }
}
