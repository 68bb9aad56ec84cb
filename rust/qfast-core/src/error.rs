//! Errors raised by the core. The binding maps each variant to a `qfast.errors` class.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    /// The input column is not a string column.
    #[error("column {column:?} has type {dtype}, expected a string type (utf8, large_utf8 or utf8_view) or binary holding UTF-8 text")]
    NotAStringColumn { column: String, dtype: String },
    /// A non-text column (ids, scores) has a type the operation cannot use.
    #[error("column {column:?} has type {dtype}, expected {expected}")]
    WrongType {
        column: String,
        dtype: String,
        expected: String,
    },
    /// A named column is missing from a table or record batch.
    #[error("column {column:?} not found; available columns: {available:?}")]
    MissingColumn {
        column: String,
        available: Vec<String>,
    },
    /// The column's buffers are not valid Arrow string data (e.g. invalid UTF-8 or offsets).
    #[error("column {column:?} holds invalid string data: {detail}")]
    InvalidData { column: String, detail: String },
    /// A configuration value is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// An index file is missing, truncated, corrupted or of another format version.
    #[error("bad index file: {0}")]
    BadIndex(String),
    /// A model file is not a valid fastText model (truncated, corrupted, unsupported).
    #[error("bad model file: {0}")]
    BadModel(String),
    /// Thread-pool construction failed.
    #[error("thread pool: {0}")]
    Pool(String),
}

pub type Result<T> = std::result::Result<T, Error>;
