//! Arrow out: result columns built from per-row values. New text columns are LargeUtf8.

use std::sync::Arc;

use arrow_array::builder::{GenericListBuilder, LargeStringBuilder};
use arrow_array::{ArrayRef, BooleanArray, Float64Array, LargeStringArray, UInt32Array};

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
