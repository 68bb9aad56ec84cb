//! datatrove's `URLFilter`: block-listed registered domains, full host names and URLs, banned
//! and "soft" banned words among the URL's alphanumeric runs, and banned subwords anywhere in
//! the normalized URL (one Aho-Corasick pass). Domain and URL lists are held as 128-bit
//! hashes (16 bytes per entry: datatrove's 4.5 M domains take ~150 MB instead of gigabytes).

use ahash::AHashSet;
use aho_corasick::AhoCorasick;
use xxhash_rust::xxh3::xxh3_128;

use crate::error::{Error, Result};
use crate::psl::SuffixList;

/// Why a URL is dropped (datatrove's reason strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Domain,
    Subdomain,
    Url,
    HardBlacklisted,
    SoftBlacklisted,
    BlacklistedSubword,
}

impl Reason {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Reason::Domain => "domain",
            Reason::Subdomain => "subdomain",
            Reason::Url => "url",
            Reason::HardBlacklisted => "hard_blacklisted",
            Reason::SoftBlacklisted => "soft_blacklisted",
            Reason::BlacklistedSubword => "blacklisted_subword",
        }
    }
}

/// datatrove's `normalize`: drop every run of non-`[a-zA-Z0-9]`, lowercase.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The lists, already parsed as datatrove parses them (domains and URLs stripped, words
/// normalized).
#[derive(Default)]
pub struct Lists {
    pub domains: Vec<String>,
    pub urls: Vec<String>,
    pub banned_words: Vec<String>,
    pub banned_subwords: Vec<String>,
    pub soft_banned_words: Vec<String>,
    /// Registered domains or host names always kept (not in datatrove: an allow list checked
    /// before everything else).
    pub allowed_domains: Vec<String>,
}

pub struct UrlFilter {
    psl: SuffixList,
    domains: AHashSet<u128>,
    allowed: AHashSet<u128>,
    urls: AHashSet<u128>,
    banned: AHashSet<String>,
    soft: AHashSet<String>,
    subwords: Option<AhoCorasick>,
    soft_threshold: usize,
}

impl UrlFilter {
    pub fn new(psl_text: &str, lists: &Lists, soft_threshold: usize) -> Result<Self> {
        let hash = |v: &[String]| v.iter().map(|s| xxh3_128(s.as_bytes())).collect();
        let subs: Vec<&str> = lists
            .banned_subwords
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        let subwords = if subs.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::new(&subs)
                    .map_err(|e| Error::Config(format!("banned subwords: {e}")))?,
            )
        };
        Ok(UrlFilter {
            psl: SuffixList::parse(psl_text),
            domains: hash(&lists.domains),
            allowed: hash(&lists.allowed_domains),
            urls: hash(&lists.urls),
            banned: lists.banned_words.iter().cloned().collect(),
            soft: lists.soft_banned_words.iter().cloned().collect(),
            subwords,
            soft_threshold,
        })
    }

    /// datatrove's checks, in its order; `None` keeps the URL.
    #[must_use]
    pub fn check(&self, url: &str) -> Option<Reason> {
        let (registered, fqdn) = self.psl.domains(url);
        if !self.allowed.is_empty()
            && (self.allowed.contains(&xxh3_128(registered.as_bytes()))
                || self.allowed.contains(&xxh3_128(fqdn.as_bytes())))
        {
            return None;
        }
        if self.domains.contains(&xxh3_128(registered.as_bytes())) {
            return Some(Reason::Domain);
        }
        if self.domains.contains(&xxh3_128(fqdn.as_bytes())) {
            return Some(Reason::Subdomain);
        }
        if self.urls.contains(&xxh3_128(url.as_bytes())) {
            return Some(Reason::Url);
        }
        // `set(re.split(r"[^a-zA-Z0-9]+", url))`, not lowercased; "" when the URL starts or
        // ends with a separator (or is empty).
        let words: AHashSet<&str> = url.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        if self.banned.iter().any(|w| words.contains(w.as_str())) {
            return Some(Reason::HardBlacklisted);
        }
        let soft = self
            .soft
            .iter()
            .filter(|w| words.contains(w.as_str()))
            .count();
        if soft >= self.soft_threshold {
            return Some(Reason::SoftBlacklisted);
        }
        if let Some(ac) = &self.subwords {
            if ac.is_match(&normalize(url)) {
                return Some(Reason::BlacklistedSubword);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datatrove_order_and_quirks() {
        let s = |v: &[&str]| {
            v.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        };
        let lists = Lists {
            domains: s(&["bad.com", "sub.ok.com"]),
            urls: s(&["http://ok.com/page"]),
            banned_words: s(&["porn"]),
            banned_subwords: s(&["xxx"]),
            soft_banned_words: s(&["hot", "girls"]),
            allowed_domains: s(&["good.bad.com"]),
        };
        let f = UrlFilter::new("com\n", &lists, 2).expect("filter");
        let r = |u: &str| f.check(u).map(Reason::name);
        assert_eq!(r("https://www.bad.com/x"), Some("domain"));
        assert_eq!(r("https://good.bad.com/porn"), None); // allow list first
        assert_eq!(r("https://sub.ok.com/x"), Some("subdomain"));
        assert_eq!(r("http://ok.com/page"), Some("url"));
        assert_eq!(r("http://ok.com/porn/1"), Some("hard_blacklisted"));
        assert_eq!(r("http://ok.com/PORN/1"), None); // words are not lowercased (quirk)
        assert_eq!(r("http://ok.com/hot-girls"), Some("soft_blacklisted"));
        assert_eq!(r("http://ok.com/a-XxX-b"), Some("blacklisted_subword"));
        assert_eq!(r("http://ok.com/fine"), None);
    }
}
