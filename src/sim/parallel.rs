//! Replications in parallel, folded in their fixed order.
//!
//! Floating-point sums depend on the order of their terms, so results are
//! folded in replication order whatever thread finished first: the report is
//! byte-identical on one core or many. Workers run at most a window ahead of
//! the fold, so a slow replication cannot make finished ones pile up.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};

struct State<T, F> {
    next: u32,
    folded: u32,
    pending: BTreeMap<u32, T>,
    fold: F,
}

/// Runs `work(r)` for every `r` in `0..count` on `workers` threads and
/// passes the results to `fold` in the order of `r`.
pub(crate) fn in_order_on<T: Send>(
    workers: usize,
    count: u32,
    work: impl Fn(u32) -> T + Sync,
    mut fold: impl FnMut(u32, T) + Send,
) {
    if workers <= 1 {
        for r in 0..count {
            fold(r, work(r));
        }
        return;
    }
    let window = 4 * workers as u32;
    let state = Mutex::new(State {
        next: 0,
        folded: 0,
        pending: BTreeMap::new(),
        fold,
    });
    let ready = Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let r = {
                        let mut state = state.lock().expect("a replication thread panicked");
                        while state.next < count && state.next >= state.folded + window {
                            state = ready.wait(state).expect("a replication thread panicked");
                        }
                        if state.next >= count {
                            break;
                        }
                        state.next += 1;
                        state.next - 1
                    };
                    let result = work(r);
                    let mut state = state.lock().expect("a replication thread panicked");
                    state.pending.insert(r, result);
                    let State {
                        folded,
                        pending,
                        fold,
                        ..
                    } = &mut *state;
                    while let Some(result) = pending.remove(folded) {
                        fold(*folded, result);
                        *folded += 1;
                    }
                    ready.notify_all();
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_in_order_whatever_finishes_first() {
        for workers in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            in_order_on(
                workers,
                50,
                |r| {
                    // Early replications take longest, to finish out of order.
                    std::thread::sleep(std::time::Duration::from_micros(u64::from(50 - r) * 20));
                    r * 10
                },
                |r, value| seen.push((r, value)),
            );
            let expected: Vec<(u32, u32)> = (0..50).map(|r| (r, r * 10)).collect();
            assert_eq!(seen, expected, "{workers} workers");
        }
    }
}
