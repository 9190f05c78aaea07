//! The one parallel map of skillc: independent work over every core, results in input order (so
//! output never depends on scheduling), and a worker's panic re-raised on the caller.
//!
//! It lives here, in the lowest crate, because parsing (`skillc-syntax`) and lowering
//! (`skillc-ir`) need it as much as the backends and the CLI do, and every one of them already
//! depends on this crate; `skillc-backend-support` re-exports it for the backends.

use std::convert::Infallible;
use std::num::NonZero;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How many threads a map may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    min_items: usize,
    threads: usize,
    stack_bytes: Option<usize>,
}

impl Options {
    /// Up to one thread per core (at most 8); fewer than `min_items` items (or one thread) run on
    /// the calling thread.
    pub fn new(min_items: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
        Self {
            min_items,
            threads: cores.clamp(1, 8),
            stack_bytes: None,
        }
    }

    /// At most `n` threads, whatever the number of cores.
    #[must_use]
    pub fn threads(self, n: usize) -> Self {
        Self { threads: n, ..self }
    }

    /// Each worker thread gets a stack of `bytes`.
    #[must_use]
    pub fn stack_bytes(self, bytes: usize) -> Self {
        Self {
            stack_bytes: Some(bytes),
            ..self
        }
    }
}

/// `f` over `items`, results in input order. A panic in a worker is re-raised here.
pub fn map<T: Sync, R: Send>(items: &[T], options: Options, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let Ok(out) = try_map(items, options, |t| Ok::<R, Infallible>(f(t)));
    out
}

/// `f` over `items`, results in input order, or the error of the first failing item in input
/// order (the same error on every run). Workers take items in order from a shared counter and
/// take no more once an item failed, so every item before a failing one has run. A panic in a
/// worker is re-raised here.
pub fn try_map<T: Sync, R: Send, E: Send>(
    items: &[T],
    options: Options,
    f: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let threads = options.threads.min(items.len());
    if threads <= 1 || items.len() < options.min_items.max(2) {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            match f(item) {
                Ok(r) => done.push((i, r)),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    return (done, Some((i, e)));
                }
            }
        }
        (done, None)
    };
    let parts = std::thread::scope(|scope| {
        let mut spawned = Vec::new();
        let mut unspawned = false;
        for _ in 0..threads {
            let mut builder = std::thread::Builder::new();
            if let Some(bytes) = options.stack_bytes {
                builder = builder.stack_size(bytes);
            }
            match builder.spawn_scoped(scope, work) {
                Ok(h) => spawned.push(h),
                Err(_) => unspawned = true,
            }
        }
        // No thread to be had (or fewer than asked): this thread works too.
        let mut parts: Vec<_> = if unspawned { vec![work()] } else { Vec::new() };
        for h in spawned {
            parts.push(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        parts
    });
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let mut first_error: Option<(usize, E)> = None;
    for (done, error) in parts {
        for (i, r) in done {
            slots[i] = Some(r);
        }
        if let Some((i, e)) = error
            && first_error.as_ref().is_none_or(|(j, _)| i < *j)
        {
            first_error = Some((i, e));
        }
    }
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    Ok(slots.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order() {
        let items: Vec<usize> = (0..1000).collect();
        let out = map(&items, Options::new(1).threads(4), |&i| i * 2);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn one_thread_works() {
        let items = [3, 1, 2];
        let caller = std::thread::current().id();
        let out = map(&items, Options::new(1).threads(1), |&i| {
            assert_eq!(std::thread::current().id(), caller);
            i + 1
        });
        assert_eq!(out, [4, 2, 3]);
    }

    #[test]
    fn a_panic_in_one_item_reaches_the_caller() {
        let items: Vec<usize> = (0..100).collect();
        let caught = std::panic::catch_unwind(|| {
            map(&items, Options::new(1).threads(4), |&i| {
                assert!(i != 57, "item 57");
                i
            })
        });
        let payload = caught.expect_err("the panic is re-raised");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"item 57"));
    }

    #[test]
    fn the_first_error_in_input_order_wins() {
        let items: Vec<usize> = (0..500).collect();
        for _ in 0..20 {
            let r = try_map(&items, Options::new(1).threads(4), |&i| {
                if i % 100 == 99 { Err(i) } else { Ok(i) }
            });
            assert_eq!(r, Err(99));
        }
    }

    #[test]
    fn workers_get_the_stack_asked_for() {
        fn depth(n: u64) -> u64 {
            let pad = std::hint::black_box([n; 64]);
            if n == 0 {
                0
            } else {
                1 + depth(n - 1) + pad[0] - n
            }
        }
        // About 6 MiB of frames: more than the default 2 MiB thread stack.
        let items = [12_000_u64, 12_000];
        let out = map(
            &items,
            Options::new(1).threads(2).stack_bytes(64 << 20),
            |&n| depth(n),
        );
        assert_eq!(out, items);
    }
}
