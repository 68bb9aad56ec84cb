//! A direct-mapped per-thread cache of whole-chunk results (like spaCy's own chunk cache):
//! for every chunk of at most `MAX_KEY` bytes, its token boundaries and per-token flags. A
//! chunk's split is a pure function of its text, so caching never changes output.

use crate::zeroed_table::{Zeroable, ZeroedTable};

/// Longest cached chunk, in bytes.
pub(crate) const MAX_KEY: usize = 32;

/// Direct-mapped tables of fixed-size slots: `W` key words, at most `T` tokens per chunk.
macro_rules! slot_table {
    ($slot:ident, $table:ident, $align:literal, $w:literal, $t:literal, $bits:literal) => {
        #[derive(Clone, Copy)]
        #[repr(C, align($align))]
        pub(crate) struct $slot {
            key: [u64; $w],
            len: u8,
            pub(crate) ntok: u8,
            /// Token end offsets within the chunk (tokens tile the chunk).
            pub(crate) ends: [u8; $t],
            pub(crate) flags: [u8; $t],
        }

        // SAFETY: integers and arrays of integers only; all zero is an empty slot.
        unsafe impl Zeroable for $slot {}

        pub(crate) struct $table {
            slots: ZeroedTable<$slot>,
        }

        impl Default for $table {
            fn default() -> Self {
                $table {
                    slots: ZeroedTable::new(1 << $bits),
                }
            }
        }

        impl $table {
            /// First slot of the key's 2-slot set.
            #[inline(always)]
            fn index(k: &Key) -> usize {
                ((k.hash >> (64 - $bits)) as usize) & !1
            }

            /// Start loading the slot of `k` (so that a later `get` finds it in cache).
            #[inline(always)]
            pub(crate) fn probe(&self, k: &Key) {
                if let Some(s) = self.slots.get(Self::index(k)) {
                    crate::prefetch::prefetch(s);
                }
            }

            /// `(ends, flags)` of the cached split of the chunk with key `k`.
            #[inline(always)]
            pub(crate) fn get(&self, k: &Key) -> Option<(&[u8], &[u8])> {
                let i = Self::index(k);
                let set = self.slots.get(i..i + 2)?;
                for s in set {
                    if s.len as usize == k.len && s.key[..] == k.words[..$w] {
                        let n = (s.ntok as usize).min($t);
                        return Some((&s.ends[..n], &s.flags[..n]));
                    }
                }
                None
            }

            /// Remember a chunk's split: `toks` are absolute spans, the chunk starting at `base`.
            pub(crate) fn store(
                &mut self,
                k: &Key,
                base: usize,
                toks: &[(usize, usize)],
                flags: &[u8],
            ) {
                if toks.is_empty() || toks.len() > $t || toks.len() != flags.len() || k.len > 8 * $w
                {
                    return;
                }
                let (Ok(len), Ok(ntok)) = (u8::try_from(k.len), u8::try_from(toks.len())) else {
                    return;
                };
                let mut slot = $slot {
                    key: [0; $w],
                    len,
                    ntok,
                    ends: [0; $t],
                    flags: [0; $t],
                };
                slot.key.copy_from_slice(&k.words[..$w]);
                let mut p = base;
                for (i, &(x, y)) in toks.iter().enumerate() {
                    // Only tilings of the chunk are representable.
                    if x != p || y <= x || y - base > k.len {
                        return;
                    }
                    let Ok(end) = u8::try_from(y - base) else {
                        return;
                    };
                    slot.ends[i] = end;
                    slot.flags[i] = flags[i];
                    p = y;
                }
                if p != base + k.len {
                    return;
                }
                // Most recent first: the older entry of the set is evicted.
                let i = Self::index(k);
                if let Some(set) = self.slots.get_mut(i..i + 2) {
                    set[1] = set[0];
                    set[0] = slot;
                }
            }
        }
    };
}

// Sizes: 8 MB + 8 MB + 512 KB per thread (address space reserved up front, pages touched as
// slots fill). Misses cost ~20x a hit, and web text in many languages keeps bringing new
// chunks: over one cold pass of 17.6 MB of distinct web pages these sizes tokenize 1.23x as
// fast as 2 MB + 2 MB + 256 KB (145 vs 118 MB/s), 1.11x as fast as half of them.
// Chunks of up to 8 bytes (most words): 16-byte slots.
slot_table!(TinySlot, TinyTable, 16, 1, 3, 19);
// Chunks of 9..=16 bytes: 32-byte slots.
slot_table!(SmallSlot, SmallTable, 32, 2, 7, 18);
// Chunks of 17..=32 bytes: 64-byte slots.
slot_table!(BigSlot, BigTable, 64, 4, 15, 13);

/// Both tables.
#[derive(Default)]
pub(crate) struct ChunkCache {
    pub(crate) tiny: TinyTable,
    pub(crate) small: SmallTable,
    pub(crate) big: BigTable,
}

impl ChunkCache {
    #[inline(always)]
    pub(crate) fn probe(&self, k: &Key) {
        if k.len <= 8 {
            self.tiny.probe(k);
        } else if k.len <= 16 {
            self.small.probe(k);
        } else {
            self.big.probe(k);
        }
    }

    #[inline(always)]
    pub(crate) fn get(&self, k: &Key) -> Option<(&[u8], &[u8])> {
        if k.len <= 8 {
            self.tiny.get(k)
        } else if k.len <= 16 {
            self.small.get(k)
        } else {
            self.big.get(k)
        }
    }

    pub(crate) fn store(&mut self, k: &Key, base: usize, toks: &[(usize, usize)], flags: &[u8]) {
        if k.len <= 8 {
            self.tiny.store(k, base, toks, flags);
        } else if k.len <= 16 {
            self.small.store(k, base, toks, flags);
        } else {
            self.big.store(k, base, toks, flags);
        }
    }
}

/// A chunk's cache key: its bytes zero-padded, its length and its hash.
#[derive(Clone, Copy, Default)]
pub(crate) struct Key {
    words: [u64; 4],
    len: usize,
    hash: u64,
}

/// `bytes[a..a + len]` (len <= 8) as a zero-padded little-endian word.
#[inline(always)]
fn load(bytes: &[u8], a: usize, len: usize) -> u64 {
    if let Some(w) = bytes.get(a..a + 8) {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(w);
        let v = u64::from_le_bytes(buf);
        if len >= 8 {
            v
        } else {
            v & ((1u64 << (8 * len)) - 1)
        }
    } else {
        let mut buf = [0u8; 8];
        let n = len.min(8);
        if let (Some(d), Some(s)) = (buf.get_mut(..n), bytes.get(a..a + n)) {
            d.copy_from_slice(s);
        }
        u64::from_le_bytes(buf)
    }
}

impl Key {
    /// Key of the chunk `bytes[a..b]`; requires `0 < b - a <= MAX_KEY`.
    #[inline(always)]
    pub(crate) fn new(bytes: &[u8], a: usize, b: usize) -> Key {
        let len = b - a;
        let mut words = [0u64; 4];
        let mut h: u64 = (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut p = a;
        let mut k = 0usize;
        while p < b && k < 4 {
            let n = (b - p).min(8);
            let w = load(bytes, p, n);
            words[k] = w;
            h = (h ^ w).wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(29);
            p += 8;
            k += 1;
        }
        h ^= h >> 32;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        Key {
            words,
            len,
            hash: h,
        }
    }
}
