//! qfast-core: the pure-Rust half of qfast. No pyo3 here: the binding crate converts,
//! releases the GIL and maps errors; everything that touches text lives in this crate.

// Every `unsafe` block says why it is sound (a `SAFETY:` comment), enforced by clippy.
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod arrow_out;
pub mod badwords;
pub mod chars;
pub mod clean;
pub mod column;
pub mod crfsuite;
pub mod decontam;
pub mod dedup;
pub mod dsir;
pub mod error;
pub mod fasttext;
pub mod filters;
pub mod framed;
pub mod ja;
pub mod jieba;
pub mod kmeans;
pub mod lm;
pub mod parallel;
pub mod pcg64;
pub mod pii;
pub mod pipeline;
pub mod pool;
pub mod psl;
pub mod punycode;
pub mod pytext;
pub mod rules;
pub mod signals;
pub mod spec;
pub mod sudachi;
pub mod thai;
pub mod tokenize;
mod unicode_tables;
pub mod url_filter;
pub mod vietnamese;

pub use error::{Error, Result};
