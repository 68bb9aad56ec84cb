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

/// What `validate_full` checks for a Utf8/LargeUtf8 array, with the UTF-8 pass done by
/// simdutf8 (arrow's std pass was ~8% of a CJK filter chain): buffer layout and nulls through
/// arrow, then every offset in bounds, non-decreasing and on a character boundary of a valid
/// UTF-8 values buffer. `false` means "not shown valid here": the caller runs arrow's full
/// validation, which also words the error.
fn quick_check<O: arrow_array::OffsetSizeTrait>(data: &arrow_data::ArrayData) -> bool {
    if data.validate().is_err() || data.validate_nulls().is_err() || data.buffers().len() < 2 {
        return false;
    }
    let values = data.buffers()[1].as_slice();
    if simdutf8::basic::from_utf8(values).is_err() {
        return false;
    }
    let Some(offsets) = data.buffers()[0]
        .typed_data::<O>()
        .get(data.offset()..data.offset() + data.len() + 1)
    else {
        return false;
    };
    let mut prev = 0usize;
    for (i, o) in offsets.iter().enumerate() {
        let Some(o) = o.to_usize() else {
            return false;
        };
        if o > values.len() || (i > 0 && o < prev) {
            return false;
        }
        // Inside valid UTF-8, a boundary is anything but a continuation byte.
        if values.get(o).is_some_and(|&b| (b as i8) < -64) {
            return false;
        }
        prev = o;
    }
    true
}

impl<'a> StrChunk<'a> {
    /// Views `array` as strings, or says which column has which type. The buffers are
    /// validated (UTF-8, offsets, views) first: Arrow data imported through the C interface is
    /// not checked by its producer, and reading unchecked bytes as `str` would be undefined.
    pub fn new(array: &'a dyn Array, column: &str) -> Result<Self> {
        let data = array.to_data();
        let checked = match array.data_type() {
            DataType::Utf8 => quick_check::<i32>(&data),
            DataType::LargeUtf8 => quick_check::<i64>(&data),
            _ => false,
        };
        if !checked
            && matches!(
                array.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            )
        {
            data.validate_full().map_err(|e| Error::InvalidData {
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
    fn quick_check_agrees_with_arrow_on_broken_buffers() {
        use arrow_buffer::Buffer;
        use arrow_data::ArrayData;
        let build = |offsets: &[i32], values: &[u8]| {
            let b = ArrayData::builder(DataType::Utf8)
                .len(offsets.len() - 1)
                .add_buffer(Buffer::from_slice_ref(offsets))
                .add_buffer(Buffer::from_slice_ref(values));
            // SAFETY: the data is only validated here, never read as strings.
            unsafe { b.build_unchecked() }
        };
        let cases: Vec<(Vec<i32>, Vec<u8>)> = vec![
            (vec![0, 3, 6], "中文".as_bytes().to_vec()),
            (vec![0, 1, 6], "中文".as_bytes().to_vec()), // inside a character
            (vec![0, 4, 3], b"abcdef".to_vec()),         // decreasing
            (vec![0, 2, 9], b"abcdef".to_vec()),         // past the end
            (vec![0, 2, 4], vec![b'a', b'b', 0xff, b'c']), // invalid byte
            (vec![0, 0], vec![]),
        ];
        for (offsets, values) in cases {
            let data = build(&offsets, &values);
            assert_eq!(
                quick_check::<i32>(&data),
                data.validate_full().is_ok(),
                "{offsets:?} {values:?}"
            );
        }
    }

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
