//! PII redaction over an Arrow column: rows in order, round-robin counters carried by the
//! caller across calls, the GIL released while the core works.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::column::gather_rows;
use qfast_core::pii::{redact_rows, Config, KINDS};
use qfast_core::{arrow_out, Error};

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

/// Redact `data[column]`. `enabled`, `replacements` and `counters` are per kind, in the order
/// of `pii_kinds()`. Returns `text` (large_string), one `uint32` count array per kind (key:
/// kind name), `changed` (bool) and the updated `counters`.
#[pyfunction]
#[pyo3(signature = (data, column, enabled, only_public_ips, replacements, counters))]
fn pii_redact<'py>(
    py: Python<'py>,
    data: AnyArray,
    column: &str,
    enabled: [bool; 6],
    only_public_ips: bool,
    replacements: [Vec<String>; 6],
    counters: [usize; 6],
) -> PyResult<Bound<'py, PyDict>> {
    let chunks = text_chunks(py, data, column)?;
    let cfg = Config {
        enabled,
        only_public_ips,
        replacements,
    };
    let mut counters = counters;
    let (text, counts, changed) = py
        .detach(|| -> Result<_, Error> {
            let rows = gather_rows(&chunks, column)?;
            let out = redact_rows(&rows, &cfg, &mut counters)?;
            let text: Vec<Option<&str>> = out
                .iter()
                .zip(&rows)
                .map(|(o, r)| match o {
                    Some((Some(t), _)) => Some(t.as_str()),
                    _ => *r,
                })
                .collect();
            let counts: Vec<_> = (0..KINDS.len())
                .map(|k| {
                    let v: Vec<Option<u32>> =
                        out.iter().map(|o| o.as_ref().map(|(_, n)| n[k])).collect();
                    arrow_out::u32s(&v)
                })
                .collect();
            // Changed: the text differs (a replacement can equal what it replaces).
            let changed: Vec<bool> = out
                .iter()
                .zip(&rows)
                .map(|(o, r)| matches!((o, r), (Some((Some(t), _)), Some(r)) if t != r))
                .collect();
            Ok((
                arrow_out::large_strings(&text),
                counts,
                arrow_out::bools(&changed),
            ))
        })
        .py_err(py)?;
    let d = PyDict::new(py);
    d.set_item("text", PyArray::from_array_ref(text).to_pyarrow(py)?)?;
    for (k, c) in KINDS.iter().zip(counts) {
        d.set_item(k.name(), PyArray::from_array_ref(c).to_pyarrow(py)?)?;
    }
    d.set_item("changed", PyArray::from_array_ref(changed).to_pyarrow(py)?)?;
    d.set_item("counters", counters.to_vec())?;
    Ok(d)
}

/// The PII kinds, in the order of `pii_redact`'s per-kind arguments.
#[pyfunction]
fn pii_kinds() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name()).collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(pii_redact, m)?)?;
    m.add_function(wrap_pyfunction!(pii_kinds, m)?)?;
    Ok(())
}
