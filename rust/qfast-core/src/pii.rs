//! PII detection and redaction. Emails and IPv4 addresses reproduce datatrove 0.10.1's
//! `PIIFormatter` (its regexes, Python's `ipaddress` validity and `is_global` rules of `CPython`
//! 3.11.7, round-robin replacements whose counter runs across documents in row order). IPv6,
//! phone numbers, payment cards (Luhn-checked) and IBANs (mod-97-checked) are extra detectors,
//! off by default, each replaced by a fixed token. Every replacement is counted per row.

use regex::Regex;
use std::net::Ipv6Addr;
use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::narrow::doc32;

/// The kinds of PII (the index of each is its slot in `Config` and in the counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Email,
    Ipv4,
    Ipv6,
    Phone,
    Card,
    Iban,
}

pub const KINDS: [Kind; 6] = [
    Kind::Email,
    Kind::Ipv4,
    Kind::Ipv6,
    Kind::Phone,
    Kind::Card,
    Kind::Iban,
];

impl Kind {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Phone => "phone",
            Kind::Card => "credit_card",
            Kind::Iban => "iban",
        }
    }
}

/// What to replace and with what. `replacements[k]` is used round-robin for kind `k`.
#[derive(Clone, Debug)]
pub struct Config {
    pub enabled: [bool; 6],
    pub only_public_ips: bool,
    pub replacements: [Vec<String>; 6],
}

impl Default for Config {
    /// datatrove's `PIIFormatter()` defaults: emails and public IPv4 addresses.
    fn default() -> Self {
        let s = |v: &[&str]| {
            v.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        };
        Config {
            enabled: [true, true, false, false, false, false],
            only_public_ips: true,
            replacements: [
                s(&["email@example.com", "firstname.lastname@example.org"]),
                s(&[
                    "22.214.171.124",
                    "126.96.36.199",
                    "188.8.131.52",
                    "184.108.40.206",
                    "220.127.116.11",
                    "18.104.22.168",
                ]),
                s(&["<IPV6>"]),
                s(&["<PHONE>"]),
                s(&["<CREDIT_CARD>"]),
                s(&["<IBAN>"]),
            ],
        }
    }
}

impl Config {
    pub fn validate(&self) -> Result<()> {
        for (k, r) in KINDS.iter().zip(&self.replacements) {
            if r.is_empty() {
                return Err(Error::Config(format!(
                    "no replacement given for {}",
                    k.name()
                )));
            }
        }
        Ok(())
    }
}

const EMAIL: &str = concat!(
    r"\b[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:(?:[A-Za-z0-9](?:",
    r"[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|",
    r"[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[A-Za-z0-9-]*[A-Za-z0-9]:)])"
);
const IPV4: &str =
    r"(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)";
const IPV6: &str = r"(?i)(?:^|[^0-9a-f:.])((?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4})(?:$|[^0-9a-f:.])";
const PHONE: &str = r"(?:^|[^\w+])(\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,4}\d)(?:$|[^\w])";
const CARD: &str = r"(?:^|[^\w])(\d(?:[ -]?\d){12,18})(?:$|[^\w])";
const IBAN: &str =
    r"(?:^|[^\w])([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)(?:$|[^\w])";

fn regexes() -> &'static [Regex; 6] {
    static R: OnceLock<[Regex; 6]> = OnceLock::new();
    R.get_or_init(|| {
        [EMAIL, IPV4, IPV6, PHONE, CARD, IBAN].map(|p| Regex::new(p).expect("PII regex"))
    })
}

/// `CPython` 3.11.7 `ipaddress.ip_address(s)` for a dotted quad: `None` when it raises (an
/// octet with a leading zero or above 255), else the address.
fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut out {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')) {
            return None;
        }
        *o = p.parse::<u8>().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// `CPython` 3.11.7 `IPv4Address.is_global`: not in 100.64.0.0/10 and not in its private list.
fn ipv4_is_global(a: [u8; 4]) -> bool {
    const NETS: [(u32, u32); 15] = [
        (0x6440_0000, 10), // 100.64.0.0/10 (shared address space)
        (0x0000_0000, 8),
        (0x0A00_0000, 8),
        (0x7F00_0000, 8),
        (0xA9FE_0000, 16),
        (0xAC10_0000, 12),
        (0xC000_0000, 29),
        (0xC000_00AA, 31),
        (0xC000_0200, 24),
        (0xC0A8_0000, 16),
        (0xC612_0000, 15),
        (0xC633_6400, 24),
        (0xCB00_7100, 24),
        (0xF000_0000, 4),
        (0xFFFF_FFFF, 32),
    ];
    let v = u32::from_be_bytes(a);
    !NETS.iter().any(|&(net, bits)| {
        let mask = if bits == 0 {
            0
        } else {
            u32::MAX << (32 - bits)
        };
        v & mask == net
    })
}

/// IPv6 addresses that identify a host on the internet (not loopback, unspecified,
/// link-local, unique-local, documentation, multicast or IPv4-mapped private).
fn ipv6_is_global(a: Ipv6Addr) -> bool {
    let s = a.segments();
    !(a.is_loopback()
        || a.is_unspecified()
        || a.is_multicast()
        || (s[0] & 0xFFC0) == 0xFE80
        || (s[0] & 0xFE00) == 0xFC00
        || (s[0] == 0x2001 && s[1] == 0x0DB8))
}

/// Luhn checksum of the digits of `s`.
fn luhn(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// ISO 13616 check: country letters and check digits moved to the end, letters as numbers,
/// the whole number mod 97 is 1.
fn iban_valid(s: &str) -> bool {
    let c: Vec<u8> = s.bytes().filter(|b| *b != b' ').collect();
    if !(15..=34).contains(&c.len()) {
        return false;
    }
    let mut rem: u32 = 0;
    for &b in c[4..].iter().chain(&c[..4]) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Whether a match of kind `k` is PII to replace (the validators).
fn accept(k: Kind, m: &str, cfg: &Config) -> bool {
    match k {
        Kind::Email => true,
        Kind::Ipv4 => parse_ipv4(m).is_some_and(|a| !cfg.only_public_ips || ipv4_is_global(a)),
        Kind::Ipv6 => m
            .parse::<Ipv6Addr>()
            .is_ok_and(|a| !cfg.only_public_ips || ipv6_is_global(a)),
        Kind::Phone => {
            let n = m.chars().filter(char::is_ascii_digit).count();
            (9..=15).contains(&n)
        }
        Kind::Card => luhn(m),
        Kind::Iban => iban_valid(m),
    }
}

/// Spans `(start, end)` to replace in `text` for kind `k`.
fn spans(k: Kind, text: &str, cfg: &Config) -> Vec<(usize, usize)> {
    let re = &regexes()[k as usize];
    let mut out = Vec::new();
    match k {
        Kind::Email | Kind::Ipv4 => {
            for m in re.find_iter(text) {
                if accept(k, m.as_str(), cfg) {
                    out.push((m.start(), m.end()));
                }
            }
        }
        _ => {
            // Context-delimited patterns: the PII is group 1; the delimiters may be shared
            // by neighbouring matches, so search again from the end of the group.
            let mut at = 0;
            while let Some(c) = re.captures_at(text, at) {
                let g = c.get(1).expect("group 1");
                if accept(k, g.as_str(), cfg) {
                    out.push((g.start(), g.end()));
                }
                at = g.end().max(at + 1);
                while at < text.len() && !text.is_char_boundary(at) {
                    at += 1;
                }
                if at >= text.len() {
                    break;
                }
            }
        }
    }
    out
}

/// Kinds in the order they are replaced: the structured numbers (IBAN, card) before the
/// looser phone pattern, which would otherwise match inside them.
const ORDER: [Kind; 6] = [
    Kind::Email,
    Kind::Ipv4,
    Kind::Ipv6,
    Kind::Iban,
    Kind::Card,
    Kind::Phone,
];

/// Replace every enabled kind in `text` (kinds in `ORDER`, each on the text the previous
/// ones left), taking replacement `counters[k]` round-robin; the counters advance once per
/// replacement, as datatrove's do across documents. Returns the new text (`None`: unchanged)
/// and the number of replacements per kind. A kind without replacements is left as it is.
pub fn redact(text: &str, cfg: &Config, counters: &mut [usize; 6]) -> (Option<String>, [u32; 6]) {
    let mut cur: Option<String> = None;
    let mut counts = [0u32; 6];
    for k in ORDER {
        let ki = k as usize;
        if !cfg.enabled[ki] {
            continue;
        }
        let src = cur.as_deref().unwrap_or(text);
        let sp = spans(k, src, cfg);
        if sp.is_empty() {
            continue;
        }
        let reps = &cfg.replacements[ki];
        if reps.is_empty() {
            continue; // nothing to replace with (`redact_rows` refuses such a config)
        }
        let mut out = String::with_capacity(src.len());
        let mut last = 0;
        for &(a, b) in &sp {
            out.push_str(&src[last..a]);
            out.push_str(&reps[counters[ki] % reps.len()]);
            counters[ki] = (counters[ki] + 1) % reps.len();
            last = b;
        }
        out.push_str(&src[last..]);
        counts[ki] = doc32(sp.len()); // spans of one document
        cur = Some(out);
    }
    (cur, counts)
}

/// A row's redaction: the new text (`None`: unchanged) and replacements per kind.
pub type Redacted = (Option<String>, [u32; 6]);

/// Redact rows in order with counters that start at `counters` and run across rows (updated
/// on return), in parallel: a first pass counts each row's replacements from zero, prefix sums
/// give each row its starting counters, and rows with PII are redone with those. (Exact as
/// long as a replacement string does not itself look like PII of a later kind.)
pub fn redact_rows(
    rows: &[Option<&str>],
    cfg: &Config,
    counters: &mut [usize; 6],
) -> Result<Vec<Option<Redacted>>> {
    cfg.validate()?;
    let first = crate::parallel::map_rows(rows, |t| {
        t.map(|t| {
            let mut c = [0usize; 6];
            redact(t, cfg, &mut c)
        })
    })?;
    let mut starts = Vec::with_capacity(rows.len());
    for r in &first {
        starts.push(*counters);
        if let Some((_, n)) = r {
            for k in 0..6 {
                let len = cfg.replacements[k].len();
                counters[k] = (counters[k] + n[k] as usize) % len;
            }
        }
    }
    // Rows with PII whose counters do not start at zero are redone with their own.
    let redo: Vec<(usize, &str)> = first
        .iter()
        .zip(rows)
        .enumerate()
        .filter_map(|(i, (r, t))| match (r, t) {
            (Some((Some(_), _)), Some(t)) if starts[i] != [0; 6] => Some((i, *t)),
            _ => None,
        })
        .collect();
    let again = crate::parallel::map_items(&redo, |&(i, t)| {
        let mut c = starts[i];
        redact(t, cfg, &mut c)
    })?;
    let mut out = first;
    for ((i, _), r) in redo.into_iter().zip(again) {
        out[i] = Some(r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datatrove_examples() {
        let cfg = Config::default();
        let mut c = [0usize; 6];
        let (t, n) = redact(
            "mail a.b@c.org or x@y.io from 8.8.8.8, 10.0.0.1, 01.2.3.4 and 1.1.1.1",
            &cfg,
            &mut c,
        );
        assert_eq!(
            t.as_deref(),
            Some(
                "mail email@example.com or firstname.lastname@example.org from 22.214.171.124, 10.0.0.1, 01.2.3.4 and 126.96.36.199"
            )
        );
        assert_eq!(n, [2, 2, 0, 0, 0, 0]);
        assert_eq!(c[0], 0);
        assert_eq!(c[1], 2);
    }

    #[test]
    fn counters_run_across_rows_as_in_order() {
        let cfg = Config::default();
        let rows = [
            Some("a@b.com"),
            None,
            Some("none here"),
            Some("c@d.com e@f.com 9.9.9.9"),
        ];
        let mut c = [0usize; 6];
        let out = redact_rows(&rows, &cfg, &mut c).expect("rows");
        let mut seq = [0usize; 6];
        for (r, o) in rows.iter().zip(&out) {
            assert_eq!(r.map(|t| redact(t, &cfg, &mut seq)), *o);
        }
        assert_eq!(c, seq);
    }

    #[test]
    fn validators() {
        assert_eq!(parse_ipv4("192.168.1.1"), Some([192, 168, 1, 1]));
        assert_eq!(parse_ipv4("192.168.01.1"), None);
        assert!(!ipv4_is_global([100, 64, 0, 1]));
        assert!(ipv4_is_global([192, 0, 0, 9]));
        assert!(luhn("4111 1111 1111 1111"));
        assert!(!luhn("4111 1111 1111 1112"));
        assert!(iban_valid("GB82 WEST 1234 5698 7654 32"));
        assert!(!iban_valid("GB82 WEST 1234 5698 7654 33"));
        let cfg = Config {
            enabled: [false, false, true, true, true, true],
            ..Config::default()
        };
        let mut c = [0usize; 6];
        let (t, n) = redact(
            "v6 2a00:1450:4001:82a::200e, ::1; call +1 (415) 555-2671; card 4111-1111-1111-1111;              IBAN GB82 WEST 1234 5698 7654 32.",
            &cfg,
            &mut c,
        );
        assert_eq!(n, [0, 0, 1, 1, 1, 1], "{t:?}");
    }
}
