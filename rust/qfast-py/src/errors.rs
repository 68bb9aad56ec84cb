//! Maps core errors to the `qfast.errors` classes defined in Python.

use pyo3::prelude::*;
use qfast_core::Error;

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("qfast.errors")?.getattr(name)
}

/// Converts a core error into the matching Python exception.
pub fn to_py(py: Python<'_>, err: Error) -> PyErr {
    let name = match &err {
        Error::NotAStringColumn { .. } | Error::WrongType { .. } => "ColumnTypeError",
        Error::MissingColumn { .. } => "ColumnNotFoundError",
        Error::Config(_) => "ConfigError",
        Error::InvalidData { .. } => "InvalidDataError",
        Error::BadIndex(_) => "IndexFileError",
        Error::BadModel(_) => "ModelFileError",
        Error::Pool(_) => "QfastError",
    };
    match class(py, name) {
        Ok(cls) => PyErr::from_value(match cls.call1((err.to_string(),)) {
            Ok(v) => v,
            Err(e) => return e,
        }),
        Err(e) => e,
    }
}

/// `Result` conversion with the GIL at hand.
pub trait IntoPy<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for qfast_core::Result<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}
