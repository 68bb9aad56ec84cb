//! Read-only view over an Arrow string column (Utf8, LargeUtf8, Utf8View), sliced or not.
