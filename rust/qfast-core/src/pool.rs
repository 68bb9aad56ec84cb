//! The rayon pool owned by core. Sized by `QFAST_NUM_THREADS`, else the CPU count, or set
//! explicitly. A pool inherited through `fork` has no worker threads in the child, so the child
//! builds its own.

use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::{Error, Result};

struct PoolState {
    pool: Arc<ThreadPool>,
    threads: usize,
}

/// The pool's slot, one per process. A forked child leaves the inherited slot alone, pool and
/// all: another parent thread may have held its lock at the fork (a thread inside `pool()`), and
/// dropping the inherited pool would wake its workers through rayon's sleep locks, one of which a
/// parent worker may have held. Either way the child would wait forever; it starts a fresh slot.
struct Slot {
    pid: u32,
    state: Mutex<Option<PoolState>>,
}

static SLOT: AtomicPtr<Slot> = AtomicPtr::new(std::ptr::null_mut());

/// Threads asked for by `set_num_threads` (0: not set). Atomic: no lock to inherit held.
static REQUESTED: AtomicUsize = AtomicUsize::new(0);

fn slot() -> &'static Slot {
    let pid = std::process::id();
    let cur = SLOT.load(Ordering::Acquire);
    // SAFETY: `SLOT` only ever holds null or a pointer from `Box::leak`, which is never freed.
    if let Some(s) = unsafe { cur.as_ref() } {
        if s.pid == pid {
            return s;
        }
    }
    let new: &'static Slot = Box::leak(Box::new(Slot {
        pid,
        state: Mutex::new(None),
    }));
    let new_ptr = std::ptr::from_ref(new).cast_mut();
    match SLOT.compare_exchange(cur, new_ptr, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => new,
        // Another thread of this process installed its slot first (ours leaks: a few bytes).
        // SAFETY: as above.
        Err(other) => unsafe { other.as_ref() }.unwrap_or(new),
    }
}

fn lock_state() -> std::sync::MutexGuard<'static, Option<PoolState>> {
    slot()
        .state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn default_threads() -> usize {
    match REQUESTED.load(Ordering::Relaxed) {
        0 => std::env::var("QFAST_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
            }),
        n => n,
    }
}

fn build(threads: usize) -> Result<Arc<ThreadPool>> {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("qfast-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| Error::Pool(e.to_string()))
}

/// The process's pool, built on first use (in a forked child too).
pub fn pool() -> Result<Arc<ThreadPool>> {
    let mut guard = lock_state();
    if let Some(state) = guard.as_ref() {
        return Ok(state.pool.clone());
    }
    let threads = default_threads();
    let pool = build(threads)?;
    *guard = Some(PoolState {
        pool: pool.clone(),
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
    REQUESTED.store(n, Ordering::Relaxed);
    *lock_state() = None;
    Ok(())
}

/// The number of threads the pool has (or will have when next built).
pub fn num_threads() -> usize {
    let built = lock_state().as_ref().map(|s| s.threads);
    built.unwrap_or_else(default_threads)
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
