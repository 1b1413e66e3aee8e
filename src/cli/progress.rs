//! Progress bars and stage timings: the CLI's [`Progress`] listener.
//!
//! A bar per stage (indicatif), drawn on stderr only when both stdout and
//! stderr are terminals, the output is for people and `--quiet` is off, and
//! only once the build has taken over [`DELAY`]: a quick build shows
//! nothing. All bars are cleared when the work is done, so what stays on
//! screen is what was written. With `--verbose` the wall time of each
//! stage is printed at the end, whether or not bars were drawn.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use quire::progress::{Part, Progress, Stage};

/// How long a build runs before bars are drawn.
const DELAY: Duration = Duration::from_millis(300);

/// What is known of one stage.
struct Seen {
    began: Instant,
    ended: Option<Instant>,
    total: usize,
    done: usize,
    bar: Option<ProgressBar>,
}

/// Draws bars (maybe) and times the stages.
pub struct Bars {
    started: Instant,
    multi: Option<MultiProgress>,
    stages: Mutex<BTreeMap<Stage, Seen>>,
    /// Thread time per part of the typesetting.
    parts: Mutex<[Duration; Part::ALL.len()]>,
}

impl Bars {
    /// A listener; it draws when `draw` is set and both stdout and stderr
    /// are terminals.
    pub fn new(draw: bool) -> Self {
        let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        Bars {
            started: Instant::now(),
            multi: (draw && terminal)
                .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10))),
            stages: Mutex::new(BTreeMap::new()),
            parts: Mutex::new([Duration::ZERO; Part::ALL.len()]),
        }
    }

    /// A bar for `stage` with `done` of `total` units, if bars are drawn
    /// and the build has run long enough.
    fn bar(&self, stage: Stage, total: usize, done: usize) -> Option<ProgressBar> {
        let multi = self.multi.as_ref()?;
        if self.started.elapsed() < DELAY {
            return None;
        }
        // Made hidden, so nothing is drawn before the group takes it.
        let bar = if total > 0 {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{prefix:>8.cyan.bold}} [{{bar:30}}] {{pos}}/{{len}} {}",
                    stage.unit()
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_position(done as u64);
            bar
        } else {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{prefix:>8.cyan.bold} {spinner}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        };
        bar.set_prefix(stage.name());
        let bar = multi.add(bar);
        if total == 0 {
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        Some(bar)
    }

    /// Clears every bar from the screen.
    pub fn clear(&self) {
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
        }
    }

    /// Each stage seen, in pipeline order, with its wall time and units.
    pub fn timings(&self) -> Vec<(Stage, Duration, usize)> {
        let stages = self.stages.lock().unwrap_or_else(|e| e.into_inner());
        stages
            .iter()
            .map(|(stage, seen)| {
                let end = seen.ended.unwrap_or_else(Instant::now);
                (*stage, end - seen.began, seen.total.max(seen.done))
            })
            .collect()
    }

    /// Prints the timings on stderr (`--verbose`), with `extra` stages the
    /// CLI timed itself (writing the files).
    pub fn print_timings(&self, extra: &[(&str, Duration)]) {
        let timings = self.timings();
        let both = [Stage::Typeset, Stage::Epub]
            .iter()
            .all(|s| timings.iter().any(|(t, ..)| t == s));
        let mut out = String::from(if both {
            "timings (wall clock; the two editions are made at the same time):\n"
        } else {
            "timings (wall clock):\n"
        });
        for (stage, time, units) in timings {
            let count = match units {
                0 => String::new(),
                1 => format!("  1 {}", stage.unit().trim_end_matches('s')),
                _ => format!("  {units} {}", stage.unit()),
            };
            out.push_str(&format!(
                "  {:<8} {:>9}{count}\n",
                stage.name(),
                millis(time)
            ));
            if stage == Stage::Typeset {
                let parts = *self.parts.lock().unwrap_or_else(|e| e.into_inner());
                let summed: Vec<String> = Part::ALL
                    .iter()
                    .zip(parts)
                    .map(|(part, time)| format!("{} {}", part.name(), millis(time)))
                    .collect();
                out.push_str(&format!(
                    "           ({}: time on all threads)\n",
                    summed.join(", ")
                ));
            }
        }
        for (name, time) in extra {
            out.push_str(&format!("  {name:<8} {:>9}\n", millis(*time)));
        }
        out.push_str(&format!(
            "  {:<8} {:>9}\n",
            "total",
            millis(self.started.elapsed())
        ));
        let _ = std::io::stderr().lock().write_all(out.as_bytes());
    }
}

fn millis(time: Duration) -> String {
    format!("{:.1} ms", time.as_secs_f64() * 1000.0)
}

impl Progress for Bars {
    fn begin(&self, stage: Stage, total: usize) {
        let mut stages = self.stages.lock().unwrap_or_else(|e| e.into_inner());
        let bar = self.bar(stage, total, 0);
        stages.insert(
            stage,
            Seen {
                began: Instant::now(),
                ended: None,
                total,
                done: 0,
                bar,
            },
        );
    }

    fn step(&self, stage: Stage) {
        let mut stages = self.stages.lock().unwrap_or_else(|e| e.into_inner());
        let Some(seen) = stages.get_mut(&stage) else {
            return;
        };
        seen.done += 1;
        match &seen.bar {
            Some(bar) => bar.inc(1),
            None => seen.bar = self.bar(stage, seen.total, seen.done),
        }
    }

    fn spent(&self, part: Part, time: Duration) {
        self.parts.lock().unwrap_or_else(|e| e.into_inner())[part as usize] += time;
    }

    fn end(&self, stage: Stage) {
        let mut stages = self.stages.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(seen) = stages.get_mut(&stage) {
            seen.ended = Some(Instant::now());
            if let Some(bar) = seen.bar.take() {
                bar.finish_and_clear();
            }
        }
    }
}
