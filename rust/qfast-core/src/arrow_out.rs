//! Arrow out: result columns built from per-row values. New text columns are LargeUtf8.

use std::sync::Arc;

use arrow_array::builder::{GenericListBuilder, LargeStringBuilder};
use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, LargeStringArray, ListArray, StructArray, UInt32Array,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields};

/// `list<large_utf8>`; `None` rows are null lists.
pub fn string_lists<S: AsRef<str>>(rows: &[Option<Vec<S>>]) -> ArrayRef {
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
    Arc::new(b.finish())
}

pub fn large_strings<S: AsRef<str>>(rows: &[Option<S>]) -> ArrayRef {
    Arc::new(
        rows.iter()
            .map(|r| r.as_ref().map(|s| s.as_ref()))
            .collect::<LargeStringArray>(),
    )
}

pub fn bools(rows: &[bool]) -> ArrayRef {
    Arc::new(BooleanArray::from(rows.to_vec()))
}

pub fn f64s(rows: &[Option<f64>]) -> ArrayRef {
    Arc::new(rows.iter().copied().collect::<Float64Array>())
}

pub fn u32s(rows: &[Option<u32>]) -> ArrayRef {
    Arc::new(rows.iter().copied().collect::<UInt32Array>())
}

/// `list<struct<start: uint32, end: uint32>>`; `None` rows are null lists.
pub fn span_lists(rows: &[Option<Vec<(u32, u32)>>]) -> ArrayRef {
    let (mut starts, mut ends) = (Vec::new(), Vec::new());
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    offsets.push(0i32);
    for row in rows {
        for &(s, e) in row.iter().flatten() {
            starts.push(s);
            ends.push(e);
        }
        offsets.push(starts.len() as i32);
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
    Arc::new(ListArray::new(
        Arc::new(Field::new("item", DataType::Struct(fields), false)),
        OffsetBuffer::new(offsets.into()),
        Arc::new(values),
        Some(nulls),
    ))
}
