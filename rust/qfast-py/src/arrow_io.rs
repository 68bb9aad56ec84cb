//! Arrow in: any array, chunked array, record batch, table or stream (Arrow PyCapsule
//! interface), imported without copying; a table's `column` is picked by name.

use arrow_array::{Array, ArrayRef, StructArray};
use arrow_schema::DataType;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use qfast_core::Error;

use crate::errors::IntoPy;

/// The chunks of the string column to process.
pub fn text_chunks(py: Python<'_>, data: AnyArray, column: &str) -> PyResult<Vec<ArrayRef>> {
    let chunked = data.into_chunked_array()?;
    let (chunks, field) = chunked.into_inner();
    let DataType::Struct(fields) = field.data_type() else {
        return Ok(chunks);
    };
    let Some(index) = fields.iter().position(|f| f.name() == column) else {
        return Err(Error::MissingColumn {
            column: column.to_string(),
            available: fields.iter().map(|f| f.name().clone()).collect(),
        })
        .py_err(py);
    };
    chunks
        .iter()
        .map(|c| {
            c.as_any()
                .downcast_ref::<StructArray>()
                .map(|s| s.column(index).clone())
                .ok_or_else(|| Error::Config(format!("struct column of type {}", c.data_type())))
        })
        .collect::<Result<Vec<_>, _>>()
        .py_err(py)
}
