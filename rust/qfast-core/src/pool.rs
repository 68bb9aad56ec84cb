//! The rayon pool owned by core. Sized by `QFAST_NUM_THREADS`, else the CPU count, or set
//! explicitly. A pool inherited through `fork` has no worker threads in the child, so it is
//! rebuilt when the process id changes.

use std::sync::{Arc, Mutex};

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::{Error, Result};

struct PoolState {
    pool: Arc<ThreadPool>,
    pid: u32,
    threads: usize,
}

static POOL: Mutex<Option<PoolState>> = Mutex::new(None);
static REQUESTED: Mutex<Option<usize>> = Mutex::new(None);

fn default_threads() -> usize {
    if let Some(n) = *REQUESTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        return n;
    }
    std::env::var("QFAST_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

fn build(threads: usize) -> Result<Arc<ThreadPool>> {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("qfast-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| Error::Pool(e.to_string()))
}

/// The process's pool, built (or rebuilt after `fork`) on demand.
pub fn pool() -> Result<Arc<ThreadPool>> {
    let mut guard = POOL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let pid = std::process::id();
    if let Some(state) = guard.as_ref() {
        if state.pid == pid {
            return Ok(state.pool.clone());
        }
    }
    let threads = default_threads();
    let pool = build(threads)?;
    *guard = Some(PoolState {
        pool: pool.clone(),
        pid,
        threads,
    });
    Ok(pool)
}

/// Sets the number of worker threads used by every later kernel call (0 = CPU count).
pub fn set_num_threads(threads: usize) -> Result<()> {
    let n = if threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        threads
    };
    *REQUESTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(n);
    let mut guard = POOL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *guard = None;
    Ok(())
}

/// The number of threads the pool has (or will have when next built).
pub fn num_threads() -> usize {
    let guard = POOL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match guard.as_ref() {
        Some(s) if s.pid == std::process::id() => s.threads,
        _ => {
            drop(guard);
            default_threads()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_num_threads_resizes_the_pool() {
        set_num_threads(2).unwrap();
        assert_eq!(pool().unwrap().current_num_threads(), 2);
        assert_eq!(num_threads(), 2);
        set_num_threads(1).unwrap();
        assert_eq!(pool().unwrap().current_num_threads(), 1);
    }
}
