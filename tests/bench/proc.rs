//! What the build benchmark reads of Linux's `/proc` text, as pure
//! functions of that text (so `tests/bench_parts.rs` can feed them lines
//! without a process): a process's state and CPU time from its `stat`, and
//! its peak resident memory from its `status`.

/// Linux gives the times in `/proc/<pid>/stat` in units of `USER_HZ`,
/// which is 100 on every architecture it runs on (the kernel's own `HZ`
/// may differ; `/proc` converts).
pub const USER_HZ: f64 = 100.0;

/// The fields of `/proc/<pid>/stat` the benchmark uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// The state letter: `R` running, `S` sleeping, `Z` zombie (exited,
    /// not yet reaped by its parent), …
    pub state: char,
    /// User time of every thread, the exited ones too, in clock ticks.
    pub utime: u64,
    /// System time of every thread, the exited ones too, in clock ticks.
    pub stime: u64,
}

impl Stat {
    /// Reads the text of a `stat` file: `pid (comm) state ppid …`, where
    /// `comm` is the command name in parentheses and may itself hold
    /// spaces and `)`, so the fields are counted from the *last* `)`:
    /// the state is field 3, utime and stime are fields 14 and 15.
    pub fn parse(text: &str) -> Option<Stat> {
        let rest = &text[text.rfind(')')? + 1..];
        let mut fields = rest.split_whitespace();
        let mut state = fields.next()?.chars();
        let letter = state.next()?;
        if state.next().is_some() {
            return None;
        }
        // Fields 4 to 13 (ppid … cmajflt) come between.
        let mut fields = fields.skip(10);
        let utime = fields.next()?.parse().ok()?;
        let stime = fields.next()?.parse().ok()?;
        Some(Stat {
            state: letter,
            utime,
            stime,
        })
    }

    /// User + system time, in seconds (10 ms steps).
    pub fn cpu_seconds(&self) -> f64 {
        (self.utime + self.stime) as f64 / USER_HZ
    }
}

/// `VmHWM` of a `status` file: the highest resident set size, in KiB,
/// since the process started or since its peak was last reset (writing `5`
/// to its `clear_refs`). A zombie's `status` has no `Vm…` lines: its memory
/// is gone.
pub fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let mut fields = line.split_whitespace().skip(1);
    let value = fields.next()?.parse().ok()?;
    (fields.next()? == "kB").then_some(value)
}
