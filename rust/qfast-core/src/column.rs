//! Read-only view over an Arrow string column (Utf8, `LargeUtf8`, `Utf8View`), sliced or not,
//! possibly in several chunks. Text bytes are never copied: rows are `&str` into the buffers.
//! A binary column (Binary, `LargeBinary`, `BinaryView`: text stored as bytes, as some datasets
//! do) is read as text when every row is UTF-8; otherwise the error names the first bad row.

use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, LargeBinaryArray, LargeStringArray, StringArray,
    StringViewArray,
};
use arrow_schema::DataType;

use crate::error::{Error, Result};

/// The largest document qfast reads, in bytes (4 GiB - 1). Kernels keep positions inside a
/// document as `u32`; a larger row of a `LargeUtf8`/`LargeBinary` column is refused up front,
/// naming the row, rather than having its offsets wrap. (Utf8, Binary and view columns cannot
/// hold a larger row.)
pub const MAX_DOC_BYTES: usize = u32::MAX as usize;

/// The first row longer than [`MAX_DOC_BYTES`] of a 64-bit-offset column, with its length.
/// Reads only the offsets (so that it can run before the values are validated); offsets that
/// are out of range or decreasing are left to the validation that follows.
fn oversized_row(data: &arrow_data::ArrayData) -> Option<(usize, u64)> {
    if !matches!(
        data.data_type(),
        DataType::LargeUtf8 | DataType::LargeBinary
    ) {
        return None;
    }
    // Byte-wise, since the buffers are not validated yet (`typed_data` asserts on a short or
    // misaligned buffer; arrow's array constructors check that too, this does not rely on it).
    let bytes = data.buffers().first()?.as_slice();
    let offset = |i: usize| -> Option<i64> {
        let at = data.offset().checked_add(i)?.checked_mul(8)?;
        Some(i64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    (0..data.len()).find_map(|row| {
        let len = u64::try_from(offset(row + 1)?.checked_sub(offset(row)?)?).ok()?;
        (len > MAX_DOC_BYTES as u64 && data.is_valid(row)).then_some((row, len))
    })
}

/// One chunk of a string column.
#[derive(Clone, Copy, Debug)]
pub enum StrChunk<'a> {
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
    /// Binary chunks whose every non-null row was checked to be UTF-8 in [`StrChunk::new`].
    Binary(Utf8Checked<&'a BinaryArray>),
    LargeBinary(Utf8Checked<&'a LargeBinaryArray>),
    BinaryView(Utf8Checked<&'a BinaryViewArray>),
}

/// A binary array whose non-null rows are all UTF-8. Only [`StrChunk::new`] makes one (the
/// field is private), after checking; Arrow arrays are immutable, so the check stays true.
#[derive(Clone, Copy, Debug)]
pub struct Utf8Checked<T>(T);

/// The first non-null row of a binary array that is not UTF-8, with the error.
fn first_non_utf8<'a>(
    len: usize,
    valid: impl Fn(usize) -> bool,
    value: impl Fn(usize) -> &'a [u8],
) -> Option<(usize, std::str::Utf8Error)> {
    (0..len)
        .filter(|&i| valid(i))
        .find_map(|i| match simdutf8::basic::from_utf8(value(i)) {
            Ok(_) => None,
            // The compat pass only for the failing row: it says where and what.
            Err(_) => std::str::from_utf8(value(i)).err().map(|e| (i, e)),
        })
}

/// The first row of `array` (any string or binary type, layout already valid) that is not
/// UTF-8, by reading its buffers as bytes.
fn bad_row(array: &dyn Array) -> Option<(usize, std::str::Utf8Error)> {
    let binary_type = match array.data_type() {
        DataType::Utf8 | DataType::Binary => DataType::Binary,
        DataType::LargeUtf8 | DataType::LargeBinary => DataType::LargeBinary,
        DataType::Utf8View | DataType::BinaryView => DataType::BinaryView,
        _ => return None,
    };
    // Same buffers, typed as bytes: `build` checks the layout, not UTF-8.
    let data = array
        .to_data()
        .into_builder()
        .data_type(binary_type)
        .build()
        .ok()?;
    let bytes = arrow_array::make_array(data);
    let any = bytes.as_any();
    if let Some(a) = any.downcast_ref::<BinaryArray>() {
        first_non_utf8(a.len(), |i| a.is_valid(i), |i| a.value(i))
    } else if let Some(a) = any.downcast_ref::<LargeBinaryArray>() {
        first_non_utf8(a.len(), |i| a.is_valid(i), |i| a.value(i))
    } else if let Some(a) = any.downcast_ref::<BinaryViewArray>() {
        first_non_utf8(a.len(), |i| a.is_valid(i), |i| a.value(i))
    } else {
        None
    }
}

/// Whether `values` is UTF-8. A large buffer is checked in pieces on the core pool (serially,
/// its check was ~6% of a 2-thread signing call over 258 MB, time the second thread waited).
/// Pieces start at bytes that are not continuation bytes, so the whole is valid exactly when
/// every piece is.
fn utf8_valid(values: &[u8]) -> bool {
    const PIECE: usize = 1 << 20;
    let whole = || simdutf8::basic::from_utf8(values).is_ok();
    if values.len() <= 4 * PIECE {
        return whole();
    }
    let mut pieces = Vec::with_capacity(values.len() / PIECE + 1);
    let (mut start, mut at) = (0usize, PIECE);
    while at < values.len() {
        // A cut before a continuation byte (10xxxxxx) would split a character; a character
        // has at most 3 of them, so a longer run is invalid anyway.
        let mut skipped = 0;
        while values.get(at).is_some_and(|&b| b & 0xC0 == 0x80) {
            if skipped == 3 {
                return false;
            }
            at += 1;
            skipped += 1;
        }
        pieces.push((start, at));
        start = at;
        at += PIECE;
    }
    pieces.push((start, values.len()));
    match crate::parallel::map_items(&pieces, |&(a, b)| {
        values
            .get(a..b)
            .is_some_and(|v| simdutf8::basic::from_utf8(v).is_ok())
    }) {
        Ok(ok) => ok.into_iter().all(|x| x),
        Err(_) => whole(), // no pool (it could not be built): one pass here
    }
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
    if !utf8_valid(values) {
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
        Self::new_at(array, column, 0)
    }

    /// [`StrChunk::new`] for a chunk whose first row is row `first_row` of the column (for the
    /// row number in errors).
    pub fn new_at(array: &'a dyn Array, column: &str, first_row: usize) -> Result<Self> {
        let invalid = |detail: String| Error::InvalidData {
            column: column.to_string(),
            detail,
        };
        let not_utf8 = |(row, e): (usize, std::str::Utf8Error)| {
            invalid(format!(
                "row {} is not valid UTF-8 text ({e})",
                first_row + row
            ))
        };
        let data = array.to_data();
        if let Some((row, len)) = oversized_row(&data) {
            return Err(invalid(format!(
                "row {} holds {len} bytes; qfast reads documents of up to {MAX_DOC_BYTES} bytes \
                 (4 GiB - 1): split it first",
                first_row + row
            )));
        }
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
            if let Err(e) = data.validate_full() {
                return Err(match bad_row(array) {
                    Some(bad) => not_utf8(bad),
                    None => invalid(e.to_string()),
                });
            }
        }
        if matches!(
            array.data_type(),
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView
        ) {
            data.validate_full().map_err(|e| invalid(e.to_string()))?;
            if let Some(bad) = bad_row(array) {
                return Err(not_utf8(bad));
            }
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
            // Checked above: `bad_row` found no row that is not UTF-8.
            DataType::Binary => any
                .downcast_ref::<BinaryArray>()
                .map(|a| StrChunk::Binary(Utf8Checked(a))),
            DataType::LargeBinary => any
                .downcast_ref::<LargeBinaryArray>()
                .map(|a| StrChunk::LargeBinary(Utf8Checked(a))),
            DataType::BinaryView => any
                .downcast_ref::<BinaryViewArray>()
                .map(|a| StrChunk::BinaryView(Utf8Checked(a))),
            _ => None,
        };
        chunk.ok_or_else(|| Error::NotAStringColumn {
            column: column.to_string(),
            dtype: array.data_type().to_string(),
        })
    }

    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            StrChunk::Utf8(a) => a.len(),
            StrChunk::LargeUtf8(a) => a.len(),
            StrChunk::Utf8View(a) => a.len(),
            StrChunk::Binary(a) => a.0.len(),
            StrChunk::LargeBinary(a) => a.0.len(),
            StrChunk::BinaryView(a) => a.0.len(),
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`, or `None` for a null.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let bytes = match self {
            StrChunk::Utf8(a) => return a.is_valid(i).then(|| a.value(i)),
            StrChunk::LargeUtf8(a) => return a.is_valid(i).then(|| a.value(i)),
            StrChunk::Utf8View(a) => return a.is_valid(i).then(|| a.value(i)),
            StrChunk::Binary(a) => a.0.is_valid(i).then(|| a.0.value(i)),
            StrChunk::LargeBinary(a) => a.0.is_valid(i).then(|| a.0.value(i)),
            StrChunk::BinaryView(a) => a.0.is_valid(i).then(|| a.0.value(i)),
        }?;
        // SAFETY: a non-null row of a `Utf8Checked` array, whose every such row `new_at`
        // checked to be UTF-8 before making it (its field is private to this module).
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

/// All rows of a (possibly chunked) string column, as borrowed slices in row order.
pub fn gather_rows<'a>(chunks: &'a [ArrayRef], column: &str) -> Result<Vec<Option<&'a str>>> {
    let mut first_row = 0;
    let views = chunks
        .iter()
        .map(|c| {
            let v = StrChunk::new_at(c.as_ref(), column, first_row);
            first_row += c.len();
            v
        })
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
    fn a_row_over_4_gib_is_refused_by_row() {
        use arrow_buffer::{Buffer, MutableBuffer};
        use arrow_data::ArrayData;
        let big = MAX_DOC_BYTES as i64 + 1;
        // Zeroed and never touched: the check reads offsets only, so no page is committed.
        let values: Buffer = MutableBuffer::from_len_zeroed(3 + big as usize).into();
        for dtype in [DataType::LargeUtf8, DataType::LargeBinary] {
            let b = ArrayData::builder(dtype)
                .len(2)
                .add_buffer(Buffer::from_slice_ref([0i64, 3, 3 + big]))
                .add_buffer(values.clone());
            // SAFETY: the array is only handed to `new_at`, which refuses it before reading rows.
            let array = arrow_array::make_array(unsafe { b.build_unchecked() });
            let err = StrChunk::new_at(array.as_ref(), "text", 10)
                .unwrap_err()
                .to_string();
            assert!(err.contains("text") && err.contains("row 11"), "{err}");
            assert!(err.contains(&big.to_string()), "{err}");
        }
        // An ordinary row of the same type passes.
        let ok = [0i64, 3];
        let b = ArrayData::builder(DataType::LargeUtf8)
            .len(1)
            .add_buffer(Buffer::from_slice_ref(ok))
            .add_buffer(Buffer::from_slice_ref(b"abc"));
        // SAFETY: valid offsets and UTF-8.
        let array = arrow_array::make_array(unsafe { b.build_unchecked() });
        assert!(StrChunk::new(array.as_ref(), "text").is_ok());
    }

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
    fn pieces_of_a_large_buffer_agree_with_one_utf8_pass() {
        // 3-byte chars: the 1 MiB cuts fall inside characters and move past them.
        let good = "中a\u{e9}\u{1f600}".repeat(600_000).into_bytes();
        assert!(good.len() > 4 << 20);
        assert!(utf8_valid(&good));
        let piece = 1 << 20;
        for at in [
            0,
            1,
            piece - 1,
            piece,
            piece + 1,
            3 * piece + 2,
            good.len() - 1,
        ] {
            for bad in [0xFF, 0x80, 0xC0] {
                let mut v = good.clone();
                v[at] = bad;
                let want = std::str::from_utf8(&v).is_ok();
                assert_eq!(utf8_valid(&v), want, "byte {bad:#x} at {at}");
            }
        }
        // A run of continuation bytes longer than any character, where a cut falls.
        let mut v = good.clone();
        v[piece..piece + 5].fill(0x80);
        assert!(!utf8_valid(&v));
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
            err.contains("\"text\"") && err.contains("row 0 is not valid UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn binary_columns_are_text_when_utf8_and_name_the_bad_row_otherwise() {
        use arrow_array::{BinaryArray, BinaryViewArray, LargeBinaryArray};
        let ok: ArrayRef = Arc::new(BinaryArray::from(vec![Some(&b"ab"[..]), None]));
        let large: ArrayRef = Arc::new(LargeBinaryArray::from(vec![Some("中".as_bytes())]));
        let view: ArrayRef = Arc::new(BinaryViewArray::from(vec![Some(&b"x"[..])]));
        let bad: ArrayRef = Arc::new(BinaryViewArray::from(vec![
            Some(&b"fine"[..]),
            None,
            Some(&b"a\xffb"[..]),
        ]));
        let chunks = [ok, large, view];
        assert_eq!(
            gather_rows(&chunks, "text").unwrap(),
            vec![Some("ab"), None, Some("中"), Some("x")]
        );
        let mut chunks = chunks.to_vec();
        chunks.push(bad);
        let err = gather_rows(&chunks, "text").unwrap_err().to_string();
        // Row 6 of the column: 4 rows before the bad chunk, then its third row.
        assert!(
            err.contains("\"text\"") && err.contains("row 6 is not valid UTF-8"),
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
