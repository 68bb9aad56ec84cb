//! A cache hint for the loops that know, a little ahead, which table entries they will read
//! (the tokenizer's chunk cache, jieba's trie): their misses then overlap instead of queueing.

/// Start loading the cache line holding `x` (no effect on program state).
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and has no architectural effect; `x` is a live reference
    // anyway. (`unsafe` is only required by Rust < 1.87, hence the allow.)
    #[allow(unused_unsafe)]
    unsafe {
        core::arch::x86_64::_mm_prefetch(
            std::ptr::from_ref(x).cast::<i8>(),
            core::arch::x86_64::_MM_HINT_T0,
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
