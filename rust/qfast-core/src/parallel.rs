//! Row-parallel maps on the core pool. Order is preserved; workers never touch Python.

use rayon::prelude::*;

use crate::error::Result;
use crate::pool::pool;

/// Rows per rayon task at the least. Document sizes vary by orders of magnitude, so a batch of
/// rows can hold several huge pages and leave the other threads idle at the end; rayon's
/// adaptive splitting keeps the cost of fine-grained stealing low.
const MIN_ROWS_PER_TASK: usize = 1;

/// Applies `f` to every row (None = null) on the pool, returning results in row order.
pub fn map_rows<'a, T, F>(rows: &[Option<&'a str>], f: F) -> Result<Vec<T>>
where
    T: Send,
    F: Fn(Option<&'a str>) -> T + Sync + Send,
{
    let pool = pool()?;
    if pool.current_num_threads() <= 1 {
        return Ok(rows.iter().map(|r| f(*r)).collect());
    }
    Ok(pool.install(|| {
        rows.par_iter()
            .with_min_len(MIN_ROWS_PER_TASK)
            .map(|r| f(*r))
            .collect()
    }))
}

/// Applies `f` to every item on the pool, returning results in order.
pub fn map_items<T, R, F>(items: &[T], f: F) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    let pool = pool()?;
    if pool.current_num_threads() <= 1 {
        return Ok(items.iter().map(f).collect());
    }
    Ok(pool.install(|| {
        items
            .par_iter()
            .with_min_len(MIN_ROWS_PER_TASK)
            .map(f)
            .collect()
    }))
}

/// Fills `out`, `width` values per row, on the pool: `f(row, values)` writes a row's values and
/// says whether it produced any. Returns that flag per row.
pub fn fill_rows<'a, T, F>(
    rows: &[Option<&'a str>],
    width: usize,
    out: &mut [T],
    f: F,
) -> Result<Vec<bool>>
where
    T: Send,
    F: Fn(Option<&'a str>, &mut [T]) -> bool + Sync + Send,
{
    let width = width.max(1);
    let pool = pool()?;
    if pool.current_num_threads() <= 1 {
        return Ok(out
            .chunks_mut(width)
            .zip(rows)
            .map(|(c, r)| f(*r, c))
            .collect());
    }
    Ok(pool.install(|| {
        out.par_chunks_mut(width)
            .zip(rows.par_iter())
            .with_min_len(MIN_ROWS_PER_TASK)
            .map(|(c, r)| f(*r, c))
            .collect()
    }))
}
