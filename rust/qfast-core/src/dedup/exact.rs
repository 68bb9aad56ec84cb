//! Exact duplicates: a stable 128-bit document hash, and corpus-wide line / paragraph dedup.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_128;

/// A stable 128-bit hash of `text` (XXH3-128, seed 0, over the UTF-8 bytes): the same across
/// runs, machines and qfast versions.
#[must_use]
pub fn doc_hash128(text: &str) -> u128 {
    xxh3_128(text.as_bytes())
}

/// Drops lines (or paragraphs) already seen anywhere earlier in the corpus, as C4 and dolma do.
/// Units are compared by their 128-bit hash after stripping; blank units are kept as they are
/// and never count.
#[derive(Default)]
pub struct LineDedup {
    seen: HashSet<u128>,
}

/// What [`LineDedup::apply`] removed from one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub units: u64,
    pub bytes: u64,
}

impl LineDedup {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Distinct units seen so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// The text without the units (split on `sep`, `"\n"` for lines, `"\n\n"` for paragraphs)
    /// seen before, and what was removed. Units first seen here are remembered.
    pub fn apply(&mut self, text: &str, sep: &str) -> (String, Removed) {
        let mut out = String::with_capacity(text.len());
        let mut removed = Removed::default();
        let mut first = true;
        for unit in text.split(sep) {
            let key = crate::pytext::strip(unit);
            if !key.is_empty() && !self.seen.insert(xxh3_128(key.as_bytes())) {
                removed.units += 1;
                removed.bytes += unit.len() as u64;
                continue;
            }
            if !first {
                out.push_str(sep);
            }
            first = false;
            out.push_str(unit);
        }
        (out, removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_seen_before_go() {
        let mut d = LineDedup::new();
        let (t, r) = d.apply("a\nb\n\na", "\n");
        assert_eq!(t, "a\nb\n");
        assert_eq!(r, Removed { units: 1, bytes: 1 });
        let (t, r) = d.apply("b \nc", "\n");
        assert_eq!((t.as_str(), r.units), ("c", 1));
        assert_ne!(doc_hash128("a"), doc_hash128("b"));
        assert_eq!(doc_hash128("abc"), doc_hash128("abc"));
    }
}
