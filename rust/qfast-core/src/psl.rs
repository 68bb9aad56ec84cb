//! The public suffix list as tldextract 5.x uses it (public section only, as datatrove's
//! `TLDExtract()` does by default): a trie of reversed labels with `*` wildcards and `!`
//! exceptions, and tldextract's `registered_domain` / `fqdn` of a URL, case kept as written.

use ahash::AHashMap;

#[derive(Default)]
struct Node {
    matches: AHashMap<String, usize>,
    end: bool,
}

pub struct SuffixList {
    nodes: Vec<Node>,
}

/// tldextract's `PUBLIC_SUFFIX_RE` (`^[.*!]*\w\S*`) on one line: the rule, if any.
fn rule_of(line: &str) -> Option<&str> {
    let start = line.len() - line.trim_start_matches(['.', '*', '!']).len();
    let rest = &line[start..];
    let first = rest.chars().next()?;
    if !(first.is_alphanumeric() || first == '_') {
        return None;
    }
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some(&line[..start + end])
}

impl SuffixList {
    /// Parse the PSL text (`public_suffix_list.dat`); rules after
    /// `// ===BEGIN PRIVATE DOMAINS===` are left out.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let public = text
            .split("// ===BEGIN PRIVATE DOMAINS===")
            .next()
            .unwrap_or("");
        let mut s = SuffixList {
            nodes: vec![Node::default()],
        };
        for line in public.lines() {
            if let Some(rule) = rule_of(line) {
                let mut node = 0;
                for label in rule.rsplit('.') {
                    let next = if let Some(&n) = s.nodes[node].matches.get(label) {
                        n
                    } else {
                        s.nodes.push(Node::default());
                        let n = s.nodes.len() - 1;
                        s.nodes[node].matches.insert(label.to_string(), n);
                        n
                    };
                    node = next;
                }
                s.nodes[node].end = true;
            }
        }
        s
    }

    /// Index of the first public-suffix label of `labels`, `None` when no rule matches.
    fn suffix_index(&self, labels: &[&str]) -> Option<usize> {
        let mut node = 0;
        let mut suffix_idx = labels.len();
        let mut label_idx = labels.len();
        for label in labels.iter().rev() {
            let decoded = decode_label(label);
            if let Some(&n) = self.nodes[node].matches.get(&decoded) {
                label_idx -= 1;
                node = n;
                if self.nodes[n].end {
                    suffix_idx = label_idx;
                }
                continue;
            }
            if self.nodes[node].matches.contains_key("*") {
                let exception = format!("!{decoded}");
                return Some(if self.nodes[node].matches.contains_key(&exception) {
                    label_idx
                } else {
                    label_idx - 1
                });
            }
            break;
        }
        (suffix_idx != labels.len()).then_some(suffix_idx)
    }

    /// tldextract's `(registered_domain, fqdn)` of `url` (empty strings when it has none).
    #[must_use]
    pub fn domains(&self, url: &str) -> (String, String) {
        let netloc = lenient_netloc(url).replace(['\u{3002}', '\u{ff0e}', '\u{ff61}'], ".");
        let n = netloc.chars().count();
        if n >= 4
            && netloc.starts_with('[')
            && netloc.ends_with(']')
            && netloc[1..netloc.len() - 1]
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
        {
            return (String::new(), String::new());
        }
        let labels: Vec<&str> = netloc.split('.').collect();
        let Some(i) = self.suffix_index(&labels) else {
            return (String::new(), String::new());
        };
        let suffix = labels[i..].join(".");
        if suffix.is_empty() || i == 0 {
            return (String::new(), String::new());
        }
        let domain = labels[i - 1];
        if domain.is_empty() {
            return (String::new(), String::new());
        }
        let registered = format!("{domain}.{suffix}");
        let fqdn = if i >= 2 {
            let sub = labels[..i - 1].join(".");
            if sub.is_empty() {
                registered.clone()
            } else {
                format!("{sub}.{registered}")
            }
        } else {
            registered.clone()
        };
        (registered, fqdn)
    }
}

/// tldextract's `_decode_punycode`: lowercase, and decode an `xn--` label when it can.
fn decode_label(label: &str) -> String {
    let lowered = label.to_lowercase();
    if let Some(rest) = lowered.strip_prefix("xn--") {
        if let Some(d) = crate::punycode::decode(rest) {
            return d;
        }
    }
    lowered
}

/// tldextract's `lenient_netloc`: the host of a URL-like string, case kept.
fn lenient_netloc(url: &str) -> String {
    let schemeless = schemeless(url);
    let authority = schemeless
        .split('/')
        .next()
        .unwrap_or("")
        .split('?')
        .next()
        .unwrap_or("")
        .split('#')
        .next()
        .unwrap_or("");
    let after_userinfo = authority.rsplit('@').next().unwrap_or("");
    if after_userinfo.starts_with('[') {
        if let Some(end) = after_userinfo.find(']') {
            return after_userinfo[..=end].to_string();
        }
    }
    let host = py_strip(after_userinfo.split(':').next().unwrap_or(""));
    host.trim_end_matches(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .to_string()
}

fn py_strip(s: &str) -> &str {
    crate::pytext::strip(s)
}

/// tldextract's `_schemeless_url`.
fn schemeless(url: &str) -> &str {
    let Some(ds) = url.find("//") else {
        return url;
    };
    if ds == 0 {
        return &url[2..];
    }
    let scheme_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    if ds < 2 || url.as_bytes()[ds - 1] != b':' || !url[..ds - 1].chars().all(scheme_ok) {
        return url;
    }
    &url[ds + 2..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tldextract_examples() {
        let psl =
            SuffixList::parse("// test\nuk\nco.uk\n*.ck\n!www.ck\ncom\n\u{516c}\u{53f8}.cn\ncn\n");
        let d = |u: &str| psl.domains(u);
        assert_eq!(
            d("http://forums.bbc.co.uk/path"),
            ("bbc.co.uk".into(), "forums.bbc.co.uk".into())
        );
        assert_eq!(d("http://localhost:8080"), (String::new(), String::new()));
        assert_eq!(
            d("https://user:pw@WWW.Example.COM.:443/x"),
            ("Example.COM".into(), "WWW.Example.COM".into())
        );
        assert_eq!(d("a.b.c.ck"), ("b.c.ck".into(), "a.b.c.ck".into()));
        assert_eq!(d("www.ck"), ("www.ck".into(), "www.ck".into()));
        assert_eq!(
            d("x.xn--55qx5d.cn"),
            ("x.xn--55qx5d.cn".into(), "x.xn--55qx5d.cn".into())
        );
        assert_eq!(d("co.uk"), (String::new(), String::new()));
        assert_eq!(d("[::1]"), (String::new(), String::new()));
        assert_eq!(d("1.2.3.4"), (String::new(), String::new()));
    }
}
