//! Which AVX-512 paths this CPU can take (std detects each feature once, then it is an atomic
//! load), with a test switch that sends every caller to its scalar path.

#[cfg(test)]
thread_local! {
    /// Tests set this to run the scalar paths on a CPU that has the vector ones.
    pub(crate) static FORCE_SCALAR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The AVX-512 subsets the vector passes use.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Avx512 {
    F,
    FBw,
    FDq,
    FBwDq,
    FBwDqVbmi,
    FBwDqVbmi2,
}

/// Whether the CPU has every feature of `set` (false off x86-64, and in tests under
/// `FORCE_SCALAR`).
#[inline]
pub(crate) fn has(set: Avx512) -> bool {
    #[cfg(test)]
    if FORCE_SCALAR.get() {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        use std::is_x86_feature_detected as on;
        let f_dq = || on!("avx512f") && on!("avx512dq");
        match set {
            Avx512::F => on!("avx512f"),
            Avx512::FBw => on!("avx512f") && on!("avx512bw"),
            Avx512::FDq => f_dq(),
            Avx512::FBwDq => f_dq() && on!("avx512bw"),
            Avx512::FBwDqVbmi => f_dq() && on!("avx512bw") && on!("avx512vbmi"),
            Avx512::FBwDqVbmi2 => f_dq() && on!("avx512bw") && on!("avx512vbmi2"),
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = set;
        false
    }
}
