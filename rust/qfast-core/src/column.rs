//! Read-only view over an Arrow string column (Utf8, LargeUtf8, Utf8View), sliced or not,
//! possibly in several chunks. Text bytes are never copied: rows are `&str` into the buffers.

use arrow_array::{Array, ArrayRef, LargeStringArray, StringArray, StringViewArray};
use arrow_schema::DataType;

use crate::error::{Error, Result};

/// One chunk of a string column.
#[derive(Clone, Copy, Debug)]
pub enum StrChunk<'a> {
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
}

impl<'a> StrChunk<'a> {
    /// Views `array` as strings, or says which column has which type. The buffers are
    /// validated (UTF-8, offsets, views) first: Arrow data imported through the C interface is
    /// not checked by its producer, and reading unchecked bytes as `str` would be undefined.
    pub fn new(array: &'a dyn Array, column: &str) -> Result<Self> {
        if matches!(
            array.data_type(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) {
            array
                .to_data()
                .validate_full()
                .map_err(|e| Error::InvalidData {
                    column: column.to_string(),
                    detail: e.to_string(),
                })?;
        }
        let any = array.as_any();
        let chunk = match array.data_type() {
            DataType::Utf8 => any.downcast_ref::<StringArray>().map(StrChunk::Utf8),
            DataType::LargeUtf8 => any
                .downcast_ref::<LargeStringArray>()
                .map(StrChunk::LargeUtf8),
            DataType::Utf8View => any
                .downcast_ref::<StringViewArray>()
                .map(StrChunk::Utf8View),
            _ => None,
        };
        chunk.ok_or_else(|| Error::NotAStringColumn {
            column: column.to_string(),
            dtype: array.data_type().to_string(),
        })
    }

    pub fn len(&self) -> usize {
        match self {
            StrChunk::Utf8(a) => a.len(),
            StrChunk::LargeUtf8(a) => a.len(),
            StrChunk::Utf8View(a) => a.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`, or `None` for a null.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            StrChunk::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            StrChunk::LargeUtf8(a) => a.is_valid(i).then(|| a.value(i)),
            StrChunk::Utf8View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// All rows of a (possibly chunked) string column, as borrowed slices in row order.
pub fn gather_rows<'a>(chunks: &'a [ArrayRef], column: &str) -> Result<Vec<Option<&'a str>>> {
    let views = chunks
        .iter()
        .map(|c| StrChunk::new(c.as_ref(), column))
        .collect::<Result<Vec<_>>>()?;
    let total = views.iter().map(StrChunk::len).sum();
    let mut rows = Vec::with_capacity(total);
    for v in &views {
        rows.extend((0..v.len()).map(|i| v.get(i)));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Int32Array;
    use std::sync::Arc;

    #[test]
    fn reads_every_string_layout_with_nulls_and_slices() {
        let a: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None, Some("ccc")]));
        let b: ArrayRef = Arc::new(LargeStringArray::from(vec![Some("x"), Some("yy")]).slice(1, 1));
        let c: ArrayRef = Arc::new(StringViewArray::from(vec![
            Some("a long string past twelve bytes"),
            None,
        ]));
        let chunks = [a, b, c];
        let rows = gather_rows(&chunks, "text").unwrap();
        assert_eq!(
            rows,
            vec![
                Some("a"),
                None,
                Some("ccc"),
                Some("yy"),
                Some("a long string past twelve bytes"),
                None
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_an_error_not_undefined_behaviour() {
        use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
        let offsets = OffsetBuffer::new(ScalarBuffer::from(vec![0i32, 3, 6]));
        let values = Buffer::from(b"ab\xff\xfecd".to_vec());
        // SAFETY: deliberately invalid, as a foreign producer could hand over.
        let bad = unsafe { StringArray::new_unchecked(offsets, values, None) };
        let chunks: [ArrayRef; 1] = [Arc::new(bad)];
        let err = gather_rows(&chunks, "text").unwrap_err().to_string();
        assert!(
            err.contains("invalid string data") && err.contains("UTF8"),
            "{err}"
        );
    }

    #[test]
    fn non_string_column_names_column_and_type() {
        let a: ArrayRef = Arc::new(Int32Array::from(vec![1, 2]));
        let err = gather_rows(&[a], "text").unwrap_err().to_string();
        assert!(err.contains("\"text\"") && err.contains("Int32"), "{err}");
    }
}
