//! A small direct-mapped per-thread cache of slow-path chunk splits (like spaCy's own chunk
//! cache). A chunk's split is a pure function of its text, so caching never changes output.

use std::cell::RefCell;

const SLOTS: usize = 16384;
const MAX_KEY: usize = 30;
const MAX_TOKS: usize = 8;

#[derive(Clone, Copy)]
struct Slot {
    len: u8,
    ntok: u8,
    key: [u8; MAX_KEY],
    toks: [(u8, u8); MAX_TOKS],
}

const EMPTY: Slot = Slot {
    len: 0,
    ntok: 0,
    key: [0; MAX_KEY],
    toks: [(0, 0); MAX_TOKS],
};

thread_local! {
    static CACHE: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
}

#[inline]
fn slot_of(key: &[u8]) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ key.len() as u64;
    for &b in key {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    ((h ^ (h >> 29)) as usize) & (SLOTS - 1)
}

/// If `chunk` is cached, append its token spans (offset by `base`) to `out` and return true.
#[inline]
pub(crate) fn lookup(chunk: &str, base: usize, out: &mut Vec<(usize, usize)>) -> bool {
    let key = chunk.as_bytes();
    if key.is_empty() || key.len() > MAX_KEY {
        return false;
    }
    let i = slot_of(key);
    CACHE.with(|c| {
        let c = c.borrow();
        let Some(s) = c.get(i) else { return false };
        if s.len as usize == key.len() && s.key.get(..key.len()) == Some(key) {
            let n = (s.ntok as usize).min(MAX_TOKS);
            out.extend(
                s.toks[..n]
                    .iter()
                    .map(|&(x, y)| (base + x as usize, base + y as usize)),
            );
            true
        } else {
            false
        }
    })
}

/// Remember the split of `chunk` (absolute spans `toks`, chunk starting at byte `base`).
#[inline]
pub(crate) fn store(chunk: &str, base: usize, toks: &[(usize, usize)]) {
    let key = chunk.as_bytes();
    if key.is_empty() || key.len() > MAX_KEY || toks.is_empty() || toks.len() > MAX_TOKS {
        return;
    }
    let mut slot = EMPTY;
    slot.len = key.len() as u8;
    slot.ntok = toks.len() as u8;
    slot.key[..key.len()].copy_from_slice(key);
    for (d, &(x, y)) in slot.toks.iter_mut().zip(toks) {
        if x < base || y < x || y - base > MAX_KEY {
            return;
        }
        *d = ((x - base) as u8, (y - base) as u8);
    }
    let i = slot_of(key);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_empty() {
            c.resize(SLOTS, EMPTY);
        }
        if let Some(s) = c.get_mut(i) {
            *s = slot;
        }
    });
}
