//! Arrow out: result columns built from per-row values. New text columns are `LargeUtf8`.

use std::sync::Arc;

use arrow_array::builder::{GenericListBuilder, LargeStringBuilder};
use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, LargeStringArray, ListArray, StructArray, UInt32Array,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields};

use crate::error::{Error, Result};

/// `list<large_utf8>`; `None` rows are null lists. Fails when the batch holds 2^31 items or
/// more (a list array's offsets are `i32`; arrow's builder would panic).
pub fn string_lists<S: AsRef<str>>(rows: &[Option<Vec<S>>]) -> Result<ArrayRef> {
    let items: usize = rows.iter().flatten().map(Vec::len).sum();
    if i32::try_from(items).is_err() {
        return Err(Error::Config(format!(
            "{items} list items in one batch (at most {}): pass smaller batches",
            i32::MAX
        )));
    }
    let mut b = GenericListBuilder::<i32, _>::new(LargeStringBuilder::new());
    for row in rows {
        match row {
            Some(items) => {
                for s in items {
                    b.values().append_value(s.as_ref());
                }
                b.append(true);
            }
            None => b.append(false),
        }
    }
    Ok(Arc::new(b.finish()))
}

pub fn large_strings<S: AsRef<str>>(rows: &[Option<S>]) -> ArrayRef {
    Arc::new(
        rows.iter()
            .map(|r| r.as_ref().map(std::convert::AsRef::as_ref))
            .collect::<LargeStringArray>(),
    )
}

#[must_use]
pub fn bools(rows: &[bool]) -> ArrayRef {
    Arc::new(BooleanArray::from(rows.to_vec()))
}

#[must_use]
pub fn f64s(rows: &[Option<f64>]) -> ArrayRef {
    Arc::new(rows.iter().copied().collect::<Float64Array>())
}

#[must_use]
pub fn u32s(rows: &[Option<u32>]) -> ArrayRef {
    Arc::new(rows.iter().copied().collect::<UInt32Array>())
}

/// `list<struct<start: uint32, end: uint32>>`; `None` rows are null lists. Fails when the
/// batch holds 2^31 spans or more (a list array's offsets are `i32`).
pub fn span_lists(rows: &[Option<Vec<(u32, u32)>>]) -> Result<ArrayRef> {
    let (mut starts, mut ends) = (Vec::new(), Vec::new());
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    offsets.push(0i32);
    for row in rows {
        for &(s, e) in row.iter().flatten() {
            starts.push(s);
            ends.push(e);
        }
        offsets.push(i32::try_from(starts.len()).map_err(|_| {
            Error::Config("2^31 spans or more in one batch: pass smaller batches".into())
        })?);
    }
    let fields = Fields::from(vec![
        Field::new("start", DataType::UInt32, false),
        Field::new("end", DataType::UInt32, false),
    ]);
    let values = StructArray::new(
        fields.clone(),
        vec![
            Arc::new(UInt32Array::from(starts)),
            Arc::new(UInt32Array::from(ends)),
        ],
        None,
    );
    let nulls = NullBuffer::from(rows.iter().map(Option::is_some).collect::<Vec<_>>());
    Ok(Arc::new(ListArray::new(
        Arc::new(Field::new("item", DataType::Struct(fields), false)),
        OffsetBuffer::new(offsets.into()),
        Arc::new(values),
        Some(nulls),
    )))
}
