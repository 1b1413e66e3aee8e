//! Wall time, CPU time and peak memory of a piece of work inside this
//! process, from `std` and Linux's `/proc` (no `libc`): CPU time is
//! `utime + stime` of `/proc/self/stat` (every thread of the process,
//! finished ones too, in clock ticks of 10 ms), peak memory is `VmHWM` of
//! `/proc/self/status`, reset before each piece by writing `5` to
//! `/proc/self/clear_refs`. Elsewhere CPU and memory read as unknown.

use std::time::Instant;

use crate::proc;

/// What one piece of work cost.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Wall time, in seconds.
    pub wall: f64,
    /// User + system CPU time of the process, in seconds.
    pub cpu: Option<f64>,
    /// The highest resident set size while it ran (the whole process's), in
    /// KiB; since the process started if the peak could not be reset.
    pub peak_kib: Option<u64>,
}

impl Sample {
    /// One line for the parent process to read: `wall cpu peak` (`-` for
    /// unknown).
    pub fn to_line(self) -> String {
        let cpu = self.cpu.map_or("-".to_string(), |c| format!("{c:.3}"));
        let peak = self.peak_kib.map_or("-".to_string(), |p| p.to_string());
        format!("{:.6} {cpu} {peak}", self.wall)
    }

    /// Reads what [`to_line`](Self::to_line) wrote.
    pub fn from_line(line: &str) -> Option<Sample> {
        let mut fields = line.split_whitespace();
        let wall = fields.next()?.parse().ok()?;
        let cpu = fields.next()?.parse().ok();
        let peak_kib = fields.next()?.parse().ok();
        Some(Sample {
            wall,
            cpu,
            peak_kib,
        })
    }
}

/// A piece of work begun: its peak reset, the clocks read.
pub struct Start {
    at: Instant,
    cpu: Option<f64>,
}

impl Start {
    /// Resets the process's peak memory and reads the clocks.
    pub fn now() -> Start {
        // Only the owner may write `clear_refs`; if it fails, the peak is the
        // process's so far.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        Start {
            cpu: cpu_seconds(),
            at: Instant::now(),
        }
    }

    /// What the work cost since [`now`](Self::now).
    pub fn sample(&self) -> Sample {
        let wall = self.at.elapsed().as_secs_f64();
        let cpu = cpu_seconds()
            .zip(self.cpu)
            .map(|(after, before)| after - before);
        Sample {
            wall,
            cpu,
            peak_kib: peak_kib(),
        }
    }
}

/// Runs `work` and measures it.
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Sample) {
    let start = Start::now();
    let result = work();
    (result, start.sample())
}

/// User + system time of this process so far, in seconds.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    Some(proc::Stat::parse(&stat)?.cpu_seconds())
}

/// The process's peak resident set size, in KiB.
fn peak_kib() -> Option<u64> {
    proc::vm_hwm_kib(&std::fs::read_to_string("/proc/self/status").ok()?)
}
