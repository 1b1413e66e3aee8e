//! Where a thread's typesetting time goes: shaping, line breaking and page
//! breaking are interleaved paragraph by paragraph, so each is timed where
//! it runs and summed per thread, for [`Progress::spent`] (the CLI's
//! `--verbose` and the build benchmark).
//!
//! **In:** the parts of the work, wrapped in [`timed`]. **Out:** the time
//! each part took on this thread since the last [`take`]. **Must not:**
//! change what is made, or cost more than a clock read per paragraph.
//!
//! [`Progress::spent`]: crate::progress::Progress::spent

use std::cell::Cell;
use std::time::{Duration, Instant};

use crate::progress::Part;

thread_local! {
    /// Time spent per part on this thread, by `Part as usize`.
    static SPENT: Cell<[Duration; Part::ALL.len()]> = const { Cell::new([Duration::ZERO; Part::ALL.len()]) };
}

/// Runs `work`, adding its time to `part`'s on this thread.
pub fn timed<T>(part: Part, work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = work();
    let spent = start.elapsed();
    SPENT.with(|cell| {
        let mut all = cell.get();
        all[part as usize] += spent;
        cell.set(all);
    });
    result
}

/// The time each part took on this thread since the last call, by
/// [`Part::ALL`]; the counts start again from zero.
pub fn take() -> [Duration; Part::ALL.len()] {
    SPENT.with(|cell| cell.replace([Duration::ZERO; Part::ALL.len()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_add_up_per_thread_and_start_again() {
        take();
        timed(Part::Shape, || std::thread::sleep(Duration::from_millis(5)));
        timed(Part::Shape, || std::thread::sleep(Duration::from_millis(5)));
        let other = std::thread::spawn(|| {
            timed(Part::Break, || std::thread::sleep(Duration::from_millis(5)));
            take()
        })
        .join()
        .expect("the thread runs");
        let here = take();
        assert!(here[Part::Shape as usize] >= Duration::from_millis(10));
        assert_eq!(here[Part::Break as usize], Duration::ZERO);
        assert!(other[Part::Break as usize] >= Duration::from_millis(5));
        assert_eq!(take(), [Duration::ZERO; Part::ALL.len()]);
    }
}
