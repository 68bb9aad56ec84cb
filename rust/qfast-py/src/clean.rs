//! Cleaning mappers over an Arrow column: new text and a changed flag per row.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;
use qfast_core::clean::{apply_rows, Form, Op};
use qfast_core::column::gather_rows;
use qfast_core::{arrow_out, Error};

use crate::arrow_io::text_chunks;
use crate::errors::IntoPy;

fn op_of(name: &str, arg: &str) -> Result<Op, Error> {
    Ok(match name {
        "unescape" => Op::Unescape,
        "strip_html" => Op::StripHtml,
        "normalize" => Op::Normalize(Form::parse(arg)?),
        "whitespace" => Op::Whitespace {
            max_blank_lines: arg
                .parse()
                .map_err(|_| Error::Config(format!("max_blank_lines={arg:?}")))?,
        },
        "symbol_lines" => Op::SymbolLines {
            replace_char: arg.to_string(),
        },
        "mojibake" => Op::Mojibake,
        n => return Err(Error::Config(format!("unknown cleaning step {n:?}"))),
    })
}

/// Apply `(name, argument)` steps in order; returns `text` (large_string) and `changed`.
#[pyfunction]
fn clean_text<'py>(
    py: Python<'py>,
    data: AnyArray,
    column: &str,
    steps: Vec<(String, String)>,
) -> PyResult<Bound<'py, PyDict>> {
    let chunks = text_chunks(py, data, column)?;
    let (text, changed) = py
        .detach(|| -> Result<_, Error> {
            let ops = steps
                .iter()
                .map(|(n, a)| op_of(n, a))
                .collect::<Result<Vec<_>, _>>()?;
            let rows = gather_rows(&chunks, column)?;
            let out = apply_rows(&rows, &ops)?;
            let text: Vec<Option<&str>> = out
                .iter()
                .zip(&rows)
                .map(|(o, r)| o.as_deref().or(*r))
                .collect();
            let changed: Vec<bool> = out.iter().map(Option::is_some).collect();
            Ok((arrow_out::large_strings(&text), arrow_out::bools(&changed)))
        })
        .py_err(py)?;
    let d = PyDict::new(py);
    d.set_item("text", PyArray::from_array_ref(text).to_pyarrow(py)?)?;
    d.set_item("changed", PyArray::from_array_ref(changed).to_pyarrow(py)?)?;
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(clean_text, m)?)?;
    Ok(())
}
