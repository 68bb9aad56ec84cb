//! Narrowing integer conversions that cannot lose information, each for a stated reason: the
//! high bits are dropped on purpose (hash mixing), or an invariant checked at the boundary bounds
//! the value. Clippy's `cast_possible_truncation` is answered here once instead of at every site.

use crate::column::MAX_DOC_BYTES;

/// The low 32 bits of a 64-bit hash or random word (dropping the rest is the point).
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "keeping the low bits is the intent"
)]
#[must_use]
pub const fn low32(x: u64) -> u32 {
    x as u32
}

/// The low 64 bits of a 128-bit product or hash (dropping the rest is the point).
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "keeping the low bits is the intent"
)]
#[must_use]
pub const fn low64(x: u128) -> u64 {
    x as u64
}

/// A byte offset, length or count inside one document. Rows longer than [`MAX_DOC_BYTES`]
/// (`u32::MAX`) are refused when a column is opened (`column::StrChunk::new`), so any position
/// within a document fits in 32 bits.
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "bounded by MAX_DOC_BYTES, see above"
)]
#[must_use]
pub fn doc32(x: usize) -> u32 {
    debug_assert!(x <= MAX_DOC_BYTES, "position {x} beyond the document limit");
    x as u32
}

/// An index or count below `u32::MAX` by a bound the call site states: the number of a word,
/// n-gram or character of one document (fewer than its [`MAX_DOC_BYTES`] bytes), of a document
/// in one dedup run (`dedup::Dedup::add` refuses `u32::MAX` of them), or of an entry of a table
/// whose size the caller has checked.
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "bounded as documented above"
)]
#[must_use]
pub fn id32(x: usize) -> u32 {
    debug_assert!(x < u32::MAX as usize, "id {x} beyond u32");
    x as u32
}

/// A 64-bit count or offset as `usize`. qfast-core builds for 64-bit targets only (`lib.rs`
/// refuses others), where this is lossless.
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "usize is 64 bits: lib.rs refuses other targets"
)]
#[must_use]
pub const fn usize64(x: u64) -> usize {
    x as usize
}

/// The floor of a non-negative float as an index or count (a float-to-int `as` cast saturates,
/// so out-of-range values clamp rather than wrap).
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "flooring is the intent; the cast saturates"
)]
#[must_use]
pub fn floor_usize(x: f64) -> usize {
    x as usize
}

/// A double rounded to the nearest float, as C++ converts `double` to `float` (fastText computes
/// in double and stores float).
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "rounding to f32 is the intent"
)]
#[must_use]
pub fn f64_to_f32(x: f64) -> f32 {
    x as f32
}
