//! Wall time, CPU time and peak memory of a piece of work, from `std` and
//! Linux's `/proc` (no `libc`): CPU time is `utime + stime` of
//! `/proc/self/stat` (every thread of the process, finished ones too, in
//! clock ticks of 10 ms: Linux's `USER_HZ` is 100), peak memory is `VmHWM`
//! of `/proc/self/status`, reset before each piece by writing `5` to
//! `/proc/self/clear_refs`. Elsewhere CPU and memory read as unknown.

use std::time::Instant;

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

/// Runs `work` and measures it.
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Sample) {
    // Only the owner may write `clear_refs`; if it fails, the peak is the
    // process's so far.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let result = work();
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let sample = Sample {
        wall,
        cpu,
        peak_kib: peak_kib(),
    };
    (result, sample)
}

/// User + system time of this process so far, in seconds.
fn cpu_seconds() -> Option<f64> {
    /// Linux reports times in `/proc` in units of `USER_HZ`, fixed at 100.
    const USER_HZ: f64 = 100.0;
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name, field 2, is in parentheses and may hold spaces:
    // count from the last `)`. utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / USER_HZ)
}

/// The process's peak resident set size, in KiB.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
