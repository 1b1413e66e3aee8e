//! Another program measured from outside, the way a user's `time` sees it:
//! wall time from spawn to exit, CPU time (user + system, every thread) and
//! peak resident memory of the whole process. No `libc`: while it runs,
//! `/proc/<pid>/status` (`VmHWM`, the highest kept) and `/proc/<pid>/stat`
//! are read every [`POLL`]. When the state turns `Z` the process has
//! exited but is not reaped yet, so its `stat` still holds its final
//! utime and stime; only then is it waited for. (Waiting, or even
//! `try_wait`, earlier would reap it and lose them.)
//!
//! The peak is the highest `VmHWM` seen by a poll: a rise in the last
//! [`POLL`] before exit is missed, and a zombie has no memory left to
//! show. Wall time is late by up to one [`POLL`]. Where `/proc` cannot be
//! read, the program is simply waited for and CPU and memory read `-`.

use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::measure::Sample;
use crate::proc;

/// How often a running program is looked at.
const POLL: Duration = Duration::from_millis(2);

/// Runs `command` to its end and measures it; its stdout and stderr are
/// kept aside and its stderr is given back in the error when it fails.
pub fn run(command: &mut Command) -> Result<Sample, String> {
    let out = tempfile::tempfile().map_err(|e| format!("a temp file: {e}"))?;
    let mut err = tempfile::tempfile().map_err(|e| format!("a temp file: {e}"))?;
    let clone = |file: &std::fs::File| file.try_clone().map_err(|e| format!("a temp file: {e}"));
    command.stdout(clone(&out)?).stderr(clone(&err)?);
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let pid = child.id();
    let stat_path = format!("/proc/{pid}/stat");
    let status_path = format!("/proc/{pid}/status");
    let mut peak_kib: Option<u64> = None;
    let (wall, cpu) = loop {
        if let Some(hwm) = std::fs::read_to_string(&status_path)
            .ok()
            .and_then(|status| proc::vm_hwm_kib(&status))
        {
            peak_kib = Some(peak_kib.map_or(hwm, |peak| peak.max(hwm)));
        }
        match std::fs::read_to_string(&stat_path)
            .ok()
            .and_then(|stat| proc::Stat::parse(&stat))
        {
            Some(stat) if stat.state == 'Z' => {
                break (start.elapsed().as_secs_f64(), Some(stat.cpu_seconds()));
            }
            Some(_) => std::thread::sleep(POLL),
            // No `/proc` here: wait, and know the wall time only.
            None => {
                child.wait().map_err(|e| format!("cannot wait: {e}"))?;
                break (start.elapsed().as_secs_f64(), None);
            }
        }
    };
    let status = child.wait().map_err(|e| format!("cannot wait: {e}"))?;
    if !status.success() {
        let mut text = String::new();
        let _ = std::io::Seek::rewind(&mut err);
        let _ = err.read_to_string(&mut text);
        return Err(format!(
            "{:?} failed ({status}):\n{text}",
            command.get_program()
        ));
    }
    Ok(Sample {
        wall,
        cpu,
        peak_kib: if cpu.is_some() { peak_kib } else { None },
    })
}
