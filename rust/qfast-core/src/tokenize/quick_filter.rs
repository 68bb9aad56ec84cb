//! A 64 Kbit membership pre-filter for short strings (special-case chunks, phrase-matcher first
//! tokens): answers "definitely not in the set" without hashing the whole string.

#[derive(Clone, Debug)]
pub(crate) struct QuickFilter {
    bits: Vec<u64>,
}

impl QuickFilter {
    pub(crate) fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let mut bits = vec![0u64; 1024];
        for k in keys {
            let h = Self::key(k);
            if let Some(w) = bits.get_mut(h >> 6) {
                *w |= 1u64 << (h & 63);
            }
        }
        QuickFilter { bits }
    }

    #[inline]
    fn key(s: &str) -> usize {
        Self::key_bytes(s.as_bytes())
    }

    #[inline]
    fn key_bytes(b: &[u8]) -> usize {
        let n = b.len();
        let first = b.first().copied().unwrap_or(0) as usize;
        let second = b.get(1).copied().unwrap_or(0) as usize;
        let last = b.last().copied().unwrap_or(0) as usize;
        let h = (n.min(31))
            .wrapping_mul(0x9E37)
            .wrapping_add(first.wrapping_mul(0x85EB))
            .wrapping_add(second.wrapping_mul(0xC2B3))
            .wrapping_add(last.wrapping_mul(0x27D5));
        (h ^ (h >> 16)) & 0xFFFF
    }

    #[inline]
    pub(crate) fn may_contain(&self, s: &str) -> bool {
        self.may_contain_bytes(s.as_bytes())
    }

    #[inline]
    fn may_contain_bytes(&self, s: &[u8]) -> bool {
        let h = Self::key_bytes(s);
        self.bits
            .get(h >> 6)
            .is_some_and(|w| w & (1u64 << (h & 63)) != 0)
    }
}
