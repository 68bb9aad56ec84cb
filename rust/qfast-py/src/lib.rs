//! pyo3 binding of qfast-core: convert Arrow in and out, release the GIL, call core, map
//! errors. No text logic lives here.

use pyo3::prelude::*;

// Kernels allocate per-document buffers of widely varying size; mimalloc keeps them in
// thread-local heaps instead of fresh zeroed pages from the kernel on every large document.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod arrow_io;
mod assess;
mod badwords;
mod clean;
mod decontam;
mod dedup;
mod errors;
mod fasttext;
mod lm;
mod pii;
mod pipeline;
mod pool;
mod rules;
mod segment;
mod selection;
mod tokenize;
mod url_filter;

#[pymodule]
fn _qfast(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    pool::register(m)?;
    tokenize::register(m)?;
    pipeline::register(m)?;
    dedup::register(m)?;
    fasttext::register(m)?;
    pii::register(m)?;
    badwords::register(m)?;
    url_filter::register(m)?;
    rules::register(m)?;
    clean::register(m)?;
    decontam::register(m)?;
    selection::register(m)?;
    lm::register(m)?;
    segment::register(m)?;
    assess::register(m)?;
    Ok(())
}
