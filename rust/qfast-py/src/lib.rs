//! pyo3 binding of qfast-core.
