//! The shared parallel map under the name the rules call it by.

use skillc_backend_support::parallel::{Options, map};

/// `f` over `items`, in order, on every core; on one thread when there are fewer than `min`
/// items. A panic in a worker is re-raised here.
pub(crate) fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    map(items, Options::new(min), f)
}
