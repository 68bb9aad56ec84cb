//! Zero-filled memory for large direct-mapped tables (the tokenizer's chunk cache), backed by
//! transparent huge pages where Linux offers them: lookups land anywhere in several MB, and
//! with 4 KiB pages most of them also miss the TLB. Pages are only touched as slots fill.
//! Elsewhere (or if the mapping fails) a plain zeroed `Vec`.

use std::ops::{Deref, DerefMut};

/// A type whose all-zero bit pattern is a valid value.
///
/// # Safety
/// Implement only for types made of integers (and arrays of them) with no padding invariants.
pub(crate) unsafe trait Zeroable: Copy {}

// SAFETY: integers.
unsafe impl Zeroable for u32 {}
// SAFETY: integers.
unsafe impl Zeroable for i16 {}

pub(crate) struct ZeroedTable<T: Zeroable> {
    inner: Inner<T>,
}

enum Inner<T> {
    Vec(Vec<T>),
    #[cfg(target_os = "linux")]
    Mapped {
        /// The mapping (as returned by `mmap`) and its length in bytes.
        base: *mut libc::c_void,
        map_len: usize,
        /// The table inside it, 2 MiB aligned.
        ptr: *mut T,
        len: usize,
    },
}

// SAFETY: the table owns its memory exclusively (like a Vec<T>); nothing is shared.
unsafe impl<T: Zeroable + Send> Send for ZeroedTable<T> {}
// SAFETY: shared access only reads through `&[T]`.
unsafe impl<T: Zeroable + Sync> Sync for ZeroedTable<T> {}

#[cfg(target_os = "linux")]
const HUGE: usize = 2 << 20;

impl<T: Zeroable> ZeroedTable<T> {
    /// `len` zeroed values.
    pub(crate) fn new(len: usize) -> Self {
        #[cfg(target_os = "linux")]
        if let Some(t) = Self::mapped(len) {
            return t;
        }
        // SAFETY: all-zero bytes are a valid T (`Zeroable`).
        let zero: T = unsafe { std::mem::zeroed() };
        ZeroedTable {
            inner: Inner::Vec(vec![zero; len]),
        }
    }

    /// A copy of `values` (in huge pages where available, like `new`).
    pub(crate) fn from_slice(values: &[T]) -> Self {
        let mut t = Self::new(values.len());
        t.copy_from_slice(values);
        t
    }

    #[cfg(target_os = "linux")]
    fn mapped(len: usize) -> Option<Self> {
        let bytes = len.checked_mul(std::mem::size_of::<T>())?;
        // Small tables gain nothing; alignments above 2 MiB do not occur.
        if bytes < HUGE || std::mem::align_of::<T>() > HUGE {
            return None;
        }
        let map_len = bytes.checked_add(HUGE)?;
        // SAFETY: a fresh private anonymous mapping (zero-filled by the kernel); checked below.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return None;
        }
        let skip = (HUGE - (base as usize) % HUGE) % HUGE;
        // SAFETY: skip < HUGE and bytes + HUGE = map_len: the table lies inside the mapping.
        let ptr = unsafe { base.cast::<u8>().add(skip) }.cast::<T>();
        // A hint: without huge pages the table works the same.
        // SAFETY: the range is inside the mapping.
        unsafe {
            libc::madvise(ptr.cast(), bytes, libc::MADV_HUGEPAGE);
        }
        Some(ZeroedTable {
            inner: Inner::Mapped {
                base,
                map_len,
                ptr,
                len,
            },
        })
    }
}

impl<T: Zeroable> Deref for ZeroedTable<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match &self.inner {
            Inner::Vec(v) => v,
            #[cfg(target_os = "linux")]
            // SAFETY: `len` zero-initialised (valid) values at `ptr`, owned by `self`, 2 MiB
            // (so T-) aligned.
            Inner::Mapped { ptr, len, .. } => unsafe { std::slice::from_raw_parts(*ptr, *len) },
        }
    }
}

impl<T: Zeroable> DerefMut for ZeroedTable<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.inner {
            Inner::Vec(v) => v,
            #[cfg(target_os = "linux")]
            // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
            Inner::Mapped { ptr, len, .. } => unsafe { std::slice::from_raw_parts_mut(*ptr, *len) },
        }
    }
}

impl<T: Zeroable> Drop for ZeroedTable<T> {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Inner::Mapped { base, map_len, .. } = self.inner {
            // SAFETY: the mapping made in `mapped`, unmapped once (T is Copy: no destructors).
            unsafe {
                libc::munmap(base, map_len);
            }
        }
    }
}

/// Gives the whole pages of `v`'s spare capacity (past its length) back to the OS, keeping
/// the allocation: for a large buffer cut down to a small part, without the copy (and the
/// allocator's whims) of a shrinking realloc. Linux only; elsewhere nothing happens.
pub(crate) fn release_spare_capacity(v: &mut Vec<u8>) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let base = v.as_mut_ptr() as usize;
        let from = (base + v.len()).div_ceil(PAGE) * PAGE;
        let to = (base + v.capacity()) / PAGE * PAGE;
        if to > from {
            // SAFETY: [from, to) lies inside `v`'s allocation, past its initialised length,
            // so nothing reads it; MADV_DONTNEED on private anonymous memory only makes those
            // pages read as zeros if they are ever touched again (a later push writes first).
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_DONTNEED);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    #[repr(C, align(64))]
    struct Slot {
        a: [u64; 4],
        b: u8,
    }
    // SAFETY: integers only.
    unsafe impl Zeroable for Slot {}

    #[test]
    fn released_capacity_keeps_the_contents_and_stays_usable() {
        let mut v: Vec<u8> = (0..=255u8).cycle().take(3 << 20).collect();
        v.truncate(10_000);
        release_spare_capacity(&mut v);
        assert!(v.iter().enumerate().all(|(i, &b)| b == (i % 256) as u8));
        v.resize(2 << 20, 7);
        assert!(v[10_000..].iter().all(|&b| b == 7));
    }

    #[test]
    fn tables_start_zeroed_hold_writes_and_are_aligned() {
        for len in [0usize, 1, 100, 1 << 16, (1 << 16) + 3] {
            let mut t: ZeroedTable<Slot> = ZeroedTable::new(len);
            assert_eq!(t.len(), len);
            assert!(t.iter().all(|s| s.a == [0; 4] && s.b == 0));
            if let Some(s) = t.last_mut() {
                s.a[3] = 7;
                s.b = 9;
            }
            if len > 0 {
                assert_eq!((t[len - 1].a[3], t[len - 1].b), (7, 9));
                assert_eq!(t.as_ptr() as usize % 64, 0);
            }
        }
    }
}
