//! The build benchmark (issue 8, "Speed at book scale"): how long quire
//! takes to make the two test corpora, stage by stage and as a user runs
//! it, how much CPU and memory it needs, and how long Typst takes to make
//! the same book's PDF on the same machine in the same run.
//!
//! ```text
//! cargo bench --bench build                    # medium and large, Typst beside
//! cargo bench --bench build -- large           # one corpus
//! cargo bench --bench build -- --no-typst      # quire alone
//! QUIRE_BENCH_RUNS=9 cargo bench --bench build
//! QUIRE_BENCH_TYPST_RUNS=3 cargo bench --bench build
//! QUIRE_BENCH_KEEP=/tmp/out cargo bench --bench build   # keep the PDFs
//! RAYON_NUM_THREADS=1 cargo bench --bench build          # one thread
//! ```
//!
//! The corpora are `medium/` and `large/` under `../shared/corpus` from the
//! crate root, or under `$QUIRE_BENCH_CORPUS`; each holds `chNNN.md` and a
//! `meta.json` (title, subtitle, author, language, chapter files). A corpus
//! that is not there is skipped with a message. Each is made into a quire
//! book in a temp folder, with a generated `book.toml` (6 × 9 in, 11 pt, as
//! `tests/corpus/medium/book.toml`). Every build gets the same
//! `SOURCE_DATE_EPOCH` (the caller's, else 2026-01-01).
//!
//! The header names the quire commit (`git rev-parse --short HEAD`, with
//! `-dirty` when `git status --porcelain` lists anything), the thread
//! count, the date of `SOURCE_DATE_EPOCH` if the caller set it (never the
//! clock), and the machine (`nproc`, the CPU's `model name`).
//!
//! Then a table per corpus. Each run makes, one after another:
//! - **stage rows**, from a fresh child process of this binary running the
//!   stages one by one (`stages.rs`): `load` (book.toml, chapters, fonts,
//!   templates, images) and `parse` (Markdown → model), timed between the
//!   `begin` and `end` a `Progress` listener hears from
//!   `quire::compile_with`; `appendix` (the source appendix `render` adds);
//!   `typeset` (`quire::typeset::typeset_with`) with its parts `shape`,
//!   `break` and `paginate`; `pdf` (`quire::pdf::export_with`); `epub`
//!   (`quire::epub::export_with`). The children allocate with mimalloc,
//!   as the `quire` binary does;
//! - `in-process build`, from a second child: both editions as
//!   `quire build` makes them (`compile`, then `render`, which makes the
//!   two at once), no file written;
//! - **process rows**: `quire build`, the real binary
//!   (`quire -q build BOOK --out DIR`: both editions and the manifest,
//!   files written, exit 0 and the three files checked), measured from
//!   outside as a process (`process.rs`), into a new output folder (no
//!   build cache); `rebuild, 1 edit`: the same command again after a word
//!   is added to the middle chapter, with the cache the first build left
//!   in the output folder; `watch, 1 edit` (first run only): `quire
//!   watch` on the book, three such edits in turn, the rebuild time it
//!   prints for each (wall only: the process keeps running). Then, in the same run and the
//!   same way, `typst pdf`: Typst's Python package making the PDF of the
//!   corpus converted to Typst (`typst.rs`: same page, font, size,
//!   justification, hyphenation, contents, recto chapter openings,
//!   footnotes at their calls), when `python3 -c "import typst"` works
//!   (`pip install typst`; else a line says it was skipped). Its time
//!   includes starting Python and importing the package, which
//!   `typst import` measures alone (`python3 -c "import sys, typst"`):
//!   Typst's CLI would not spend it. And `pandoc epub` when a `pandoc` is
//!   on the `PATH`.
//!
//! The table gives the median over the runs (`QUIRE_BENCH_RUNS`, default 5
//! for medium and 3 for large; Typst and pandoc once, or
//! `QUIRE_BENCH_TYPST_RUNS`) of the wall time (with the fastest and
//! slowest run), the CPU time (user + system, every thread; 10 ms steps)
//! and the peak resident memory. How they are read, all from Linux's
//! `/proc` (no `libc`; CPU and memory read `-` elsewhere):
//! - in a child (`measure.rs`): CPU from `/proc/self/stat` before and
//!   after; peak `VmHWM` of `/proc/self/status`, reset by writing `5` to
//!   `/proc/self/clear_refs` as the stage begins. So a stage's peak counts
//!   what the process already held from the stages before it;
//! - for `shape`, `break` and `paginate`, which are interleaved paragraph
//!   by paragraph on every thread, CPU is the time threads spent in each,
//!   summed (`Progress::spent`: a thread's clock time, so on a busy
//!   machine time waiting for a core counts); wall is `typeset`'s wall
//!   shared out in proportion to that time; memory is `typeset`'s;
//! - for a process: `/proc/<pid>/status` and `/proc/<pid>/stat` read every
//!   2 ms while it runs (the highest `VmHWM` kept); when it turns zombie,
//!   its final utime and stime, then it is reaped. That is the whole
//!   process: startup, every thread, writing the files.
//!
//! Last come the ratios the issue sets targets for: Typst's wall time over
//! quire's per corpus, and quire's large over medium. With
//! `QUIRE_BENCH_KEEP=DIR`, the last run's files (quire's PDF, EPUB and
//! manifest, Typst's source and PDF) are kept in `DIR/<corpus>/` to look
//! at. Typst's page count comes from `pdfinfo` when it is installed.
//!
//! Numbers from a busy machine are noise: run it with nothing else going.

mod corpus;
mod measure;
mod proc;
mod process;
mod rivals;
mod stages;
mod typst;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use measure::Sample;

/// The allocator of the `quire` binary (`src/main.rs`), so that the
/// children's stages allocate as `quire build` does: mimalloc keeps more
/// memory than the system's allocator, and spends less time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Set in a child process: which measurement to make (`stages`/`build`).
const CHILD: &str = "QUIRE_BENCH_CHILD";
/// Set in a child process: the book folder.
const BOOK: &str = "QUIRE_BENCH_BOOK";

/// The corpora, with their default number of runs.
const CORPORA: &[(&str, usize)] = &[("medium", 5), ("large", 3)];

/// The rows made inside a child, in the order of the table.
const STAGE_ROWS: &[&str] = &[
    "load",
    "parse",
    "appendix",
    "typeset",
    "shape",
    "break",
    "paginate",
    "pdf",
    "epub",
    "in-process build",
];

/// The rows of whole processes.
const PROCESS_ROWS: &[&str] = &[
    "quire build",
    "rebuild, 1 edit",
    "watch, 1 edit",
    "typst pdf",
    "typst import",
    "pandoc epub",
];

/// `SOURCE_DATE_EPOCH` when the caller sets none: 2026-01-01, the date of
/// the generated `book.toml`.
const DEFAULT_EPOCH: i64 = 1_767_225_600;

/// What a run of the benchmark measures beside quire.
struct Others {
    /// Typst, unless `--no-typst` or not installed.
    typst: Option<rivals::Typst>,
    /// How many times Typst (and pandoc) make each corpus.
    runs: usize,
    /// Whether `pandoc` is on the `PATH`.
    pandoc: bool,
}

impl Others {
    /// Finds the other tools and prints a header line on each.
    fn find(no_typst: bool) -> Others {
        let runs = count("QUIRE_BENCH_TYPST_RUNS").unwrap_or(1);
        let typst = if no_typst {
            println!("  Typst: skipped (--no-typst)");
            None
        } else {
            let found = rivals::Typst::find();
            match &found {
                Some(typst) => println!(
                    "  Typst: Python package typst {} (python3), {runs} run(s) per corpus",
                    typst.version
                ),
                None => println!(
                    "  Typst: skipped, `python3 -c \"import typst\"` fails \
                     (`pip install typst` to measure it beside quire)"
                ),
            }
            found
        };
        let pandoc = rivals::pandoc_found();
        if pandoc {
            println!("  pandoc: on the PATH, {runs} run(s) per corpus");
        }
        Others {
            typst,
            runs,
            pandoc,
        }
    }
}

fn main() {
    if let Ok(mode) = std::env::var(CHILD) {
        let book = PathBuf::from(std::env::var_os(BOOK).expect("QUIRE_BENCH_BOOK is set"));
        stages::child(&mode, &book);
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --benches` runs bench targets without `--bench`.
        println!("the build benchmark runs with `cargo bench --bench build`");
        return;
    }
    let wanted: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let root = corpus_root();
    let epoch_set = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|t| t.parse::<i64>().ok());
    let epoch = epoch_set.unwrap_or(DEFAULT_EPOCH);
    print_header(&root, epoch_set, epoch);
    let others = Others::find(args.iter().any(|a| a == "--no-typst"));

    let mut quire_walls: HashMap<&str, f64> = HashMap::new();
    for &(name, default_runs) in CORPORA {
        if !wanted.is_empty() && !wanted.contains(&name) {
            continue;
        }
        let folder = root.join(name);
        if !folder.join("meta.json").is_file() {
            println!(
                "\n{name}: skipped, no corpus at {} (set QUIRE_BENCH_CORPUS)",
                folder.display()
            );
            continue;
        }
        let runs = count("QUIRE_BENCH_RUNS").unwrap_or(default_runs);
        if let Some(wall) = bench(name, &folder, runs, epoch, &others) {
            quire_walls.insert(name, wall);
        }
    }
    if let (Some(medium), Some(large)) = (quire_walls.get("medium"), quire_walls.get("large")) {
        println!(
            "\nquire build, large / medium wall: {:.2}× (issue 8: ≤ 7.5×)",
            large / medium
        );
    }
}

/// What is measured and on what: commit, threads, date, machine, corpora.
fn print_header(root: &Path, epoch_set: Option<i64>, epoch: i64) {
    let threads = count("RAYON_NUM_THREADS")
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!("quire build benchmark");
    println!(
        "  quire {}, {threads} thread(s); machine: nproc {}, {}",
        commit(),
        nproc(),
        cpu_model()
    );
    if let Some(epoch) = epoch_set {
        let date = quire::date::Civil::from_timestamp(epoch).date();
        println!("  date {date} (SOURCE_DATE_EPOCH)");
    }
    println!(
        "  corpora in {}; every build with SOURCE_DATE_EPOCH={epoch}",
        root.display()
    );
}

/// A positive whole number from the environment variable `name`.
fn count(name: &str) -> Option<usize> {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n > 0)
}

/// `$QUIRE_BENCH_CORPUS`, else `../shared/corpus` from the crate root.
fn corpus_root() -> PathBuf {
    match std::env::var_os("QUIRE_BENCH_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

/// The quire commit being measured: `git rev-parse --short HEAD`, with
/// `-dirty` when the work tree has changes; `unknown commit` without git.
fn commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(hash) => match git(&["status", "--porcelain"]) {
            Some(changes) if !changes.is_empty() => format!("{hash}-dirty"),
            _ => hash,
        },
        None => "unknown commit".into(),
    }
}

/// The machine's processor count as `nproc` gives it (else as `std`
/// does, which counts the same).
fn nproc() -> String {
    Command::new("nproc")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or("?".into(), |n| n.to_string())
        })
}

/// The processor's `model name` in `/proc/cpuinfo`.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            let line = info.lines().find(|l| l.starts_with("model name"))?;
            Some(line.split_once(':')?.1.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// What was measured of one corpus, by row.
#[derive(Default)]
struct Measured {
    samples: HashMap<String, Vec<Sample>>,
    /// quire's page count, as the stages child gave it.
    pages: String,
    /// Typst's, if `pdfinfo` could say.
    typst_pages: Option<usize>,
    /// What failed, to print under the table.
    failures: Vec<String>,
}

impl Measured {
    fn add(&mut self, row: &str, sample: Sample) {
        self.samples.entry(row.into()).or_default().push(sample);
    }

    /// A row's median wall time.
    fn wall(&self, row: &str) -> Option<f64> {
        median(
            &self
                .samples
                .get(row)?
                .iter()
                .map(|s| s.wall)
                .collect::<Vec<_>>(),
        )
    }

    /// A row's median peak, in KiB.
    fn peak_kib(&self, row: &str) -> Option<f64> {
        let samples = self.samples.get(row)?;
        median(
            &samples
                .iter()
                .filter_map(|s| s.peak_kib)
                .map(|k| k as f64)
                .collect::<Vec<_>>(),
        )
    }
}

/// Measures one corpus and prints its table; gives the median wall time
/// of `quire build`.
fn bench(name: &str, folder: &Path, runs: usize, epoch: i64, others: &Others) -> Option<f64> {
    let book = match corpus::Book::make(folder) {
        Ok(book) => book,
        Err(error) => {
            println!("\n{name}: skipped, {error}");
            return None;
        }
    };
    let work = match tempfile::Builder::new()
        .prefix("quire-bench-out-")
        .tempdir()
    {
        Ok(dir) => dir,
        Err(error) => {
            println!("\n{name}: skipped, cannot make a temp folder: {error}");
            return None;
        }
    };
    let keep = std::env::var_os("QUIRE_BENCH_KEEP").map(|dir| PathBuf::from(dir).join(name));
    let mut measured = Measured::default();
    for run in 0..runs {
        let stages = run_child("stages", &book.path(), epoch);
        for (row, sample) in stages.samples {
            measured.add(&row, sample);
        }
        measured.pages = stages.pages;
        for (row, sample) in run_child("build", &book.path(), epoch).samples {
            measured.add(&row, sample);
        }
        let out = work.path().join(format!("quire-{run}"));
        match quire_build(&book.path(), &out, epoch) {
            Ok(sample) => measured.add("quire build", sample),
            Err(error) => measured.failures.push(format!("quire build: {error}")),
        }
        // The same build again after one chapter changed, with the cache
        // the first left in the output folder.
        let edited = edit(&book);
        match quire_build(&book.path(), &out, epoch) {
            Ok(sample) => measured.add("rebuild, 1 edit", sample),
            Err(error) => measured.failures.push(format!("rebuild, 1 edit: {error}")),
        }
        if let Some((path, text)) = edited {
            let _ = std::fs::write(path, text);
        }
        if run == 0 {
            match watch(&book, &work.path().join("watched"), epoch) {
                Ok(times) => {
                    for wall in times {
                        measured.add(
                            "watch, 1 edit",
                            Sample {
                                wall,
                                cpu: None,
                                peak_kib: None,
                            },
                        );
                    }
                }
                Err(error) => measured.failures.push(format!("watch, 1 edit: {error}")),
            }
        }
        if run + 1 == runs
            && let Some(keep) = &keep
        {
            copy_all(&out, keep);
        }
    }
    if others.typst.is_some() {
        typst(
            &book,
            work.path(),
            others.runs,
            keep.as_deref(),
            &mut measured,
        );
    }
    if others.pandoc {
        let epub = work.path().join("pandoc.epub");
        for _ in 0..others.runs {
            match rivals::pandoc_epub(&book, &epub) {
                Ok(sample) => measured.add("pandoc epub", sample),
                Err(error) => measured.failures.push(format!("pandoc epub: {error}")),
            }
        }
    }
    print_table(name, book.chapters.len(), runs, &measured);
    if let Some(keep) = &keep {
        println!("  kept the last outputs in {}", keep.display());
    }
    measured.wall("quire build")
}

/// Converts `book` to Typst in `work` and makes its PDF `runs` times.
fn typst(
    book: &corpus::Book,
    work: &Path,
    runs: usize,
    keep: Option<&Path>,
    measured: &mut Measured,
) {
    let source = match rivals::Typst::source(book, work) {
        Ok(source) => source,
        Err(error) => return measured.failures.push(format!("typst: {error}")),
    };
    let pdf = work.join("typst.pdf");
    for _ in 0..runs {
        match rivals::Typst::pdf(&source, &pdf) {
            Ok(sample) => measured.add("typst pdf", sample),
            Err(error) => measured.failures.push(format!("typst pdf: {error}")),
        }
        match rivals::Typst::startup() {
            Ok(sample) => measured.add("typst import", sample),
            Err(error) => measured.failures.push(format!("typst import: {error}")),
        }
    }
    measured.typst_pages = rivals::pages(&pdf);
    if let Some(keep) = keep {
        let _ = std::fs::create_dir_all(keep);
        let _ = std::fs::copy(&source, keep.join("typst.typ"));
        let _ = std::fs::copy(&pdf, keep.join("typst.pdf"));
    }
}

/// A corpus's table, the failures under it, and where it stands against
/// issue 8's targets.
fn print_table(name: &str, chapters: usize, runs: usize, measured: &Measured) {
    let typst_pages = (measured.typst_pages).map_or(String::new(), |p| format!(" (Typst: {p})"));
    println!(
        "\n{name}: {chapters} chapters, {} pages{typst_pages}, median of {runs} run(s)",
        measured.pages
    );
    println!(
        "  {:<18} {:>9} {:>17} {:>8} {:>13}",
        "stage", "wall s", "(min-max)", "CPU s", "peak RSS MiB"
    );
    let parts = quire::progress::Part::ALL.map(|part| part.name());
    for row in STAGE_ROWS {
        if let Some(samples) = measured.samples.get(*row) {
            print_row(row, parts.contains(row), samples);
        }
    }
    println!("  {:-<18}", "process ");
    for row in PROCESS_ROWS {
        if let Some(samples) = measured.samples.get(*row) {
            print_row(row, false, samples);
        }
    }
    println!(
        "  * {}: CPU is the time threads spent in each (summed over threads); \
         wall is typeset's, shared out in proportion; RSS is typeset's",
        parts.join(", ")
    );
    for failure in &measured.failures {
        println!("  FAILED {failure}");
    }

    let Some(quire) = measured.wall("quire build") else {
        return;
    };
    if let Some(typst) = measured.wall("typst pdf") {
        let target = if name == "large" {
            " (issue 8: ≥ 6.5×)"
        } else {
            ""
        };
        println!(
            "  typst pdf / quire build, wall: {:.2}×{target}",
            typst / quire
        );
    }
    // The issue's targets, in its units (MB of 10⁶ bytes).
    let mb = (measured.peak_kib("quire build"))
        .map_or("-".into(), |kib| format!("{:.0} MB", kib * 1024.0 / 1e6));
    let target = match name {
        "large" => " (issue 8: ≤ 1.0 s, ≤ 300 MB)",
        "medium" => " (issue 8: ≤ 0.2 s)",
        _ => "",
    };
    println!("  quire build: {quire:.3} s wall, {mb} peak{target}");
    if let Some(rebuild) = measured.wall("rebuild, 1 edit") {
        let target = if name == "large" {
            " (issue 8: ≤ 0.4 s)"
        } else {
            ""
        };
        println!("  rebuild after one chapter changed, cache on disk: {rebuild:.3} s{target}");
    }
    if let Some(watch) = measured.wall("watch, 1 edit") {
        let target = if name == "large" {
            " (issue 8: ≤ 0.2 s)"
        } else {
            ""
        };
        println!("  quire watch, one chapter changed: {watch:.3} s{target}");
    }
}

/// One line of the table; a part of `typeset` is indented and its
/// apportioned wall time starred.
fn print_row(row: &str, part: bool, samples: &[Sample]) {
    let walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
    let cpus: Vec<f64> = samples.iter().filter_map(|s| s.cpu).collect();
    let peaks: Vec<f64> = samples
        .iter()
        .filter_map(|s| s.peak_kib)
        .map(|k| k as f64 / 1024.0)
        .collect();
    let min = walls.iter().copied().fold(f64::INFINITY, f64::min);
    let max = walls.iter().copied().fold(0.0, f64::max);
    let (name, star) = if part {
        (format!("  {row}"), "*")
    } else {
        (row.to_string(), " ")
    };
    println!(
        "  {:<18} {:>8.3}{star} {:>17} {:>8} {:>13}",
        name,
        median(&walls).unwrap_or(0.0),
        format!("({min:.3}-{max:.3})"),
        median(&cpus).map_or("-".into(), |c| format!("{c:.2}")),
        median(&peaks).map_or("-".into(), |p| format!("{p:.0}")),
    );
}

/// `quire -q build BOOK --out OUT`, measured as a process; checks that it
/// wrote the PDF, the EPUB and the manifest.
fn quire_build(book: &Path, out: &Path, epoch: i64) -> Result<Sample, String> {
    let sample = process::run(
        Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(["-q", "build"])
            .arg(book)
            .arg("--out")
            .arg(out)
            .env("SOURCE_DATE_EPOCH", epoch.to_string()),
    )?;
    let names: Vec<String> = std::fs::read_dir(out)
        .map_err(|e| format!("cannot list {}: {e}", out.display()))?
        .filter_map(|entry| Some(entry.ok()?.file_name().to_string_lossy().into_owned()))
        .collect();
    for ending in [".pdf", ".epub", ".manifest.json"] {
        if !names.iter().any(|name| name.ends_with(ending)) {
            return Err(format!("no {ending} file in {} ({names:?})", out.display()));
        }
    }
    Ok(sample)
}

/// Changes the middle chapter of `book` (a word added to its first
/// paragraph: the chapter must be set again); gives its path and its text
/// before, to put back.
fn edit(book: &corpus::Book) -> Option<(PathBuf, String)> {
    let name = book.chapters.get(book.chapters.len() / 2)?;
    let path = book.path().join(name);
    let text = std::fs::read_to_string(&path).ok()?;
    let changed = text.replacen(" the ", " the very ", 1);
    std::fs::write(&path, &changed).ok()?;
    Some((path, text))
}

/// `quire watch` on `book`: after its first build, three edits of one
/// chapter, one after the other; the rebuild time each prints (`built in
/// N s`: from the change seen to the files written).
fn watch(book: &corpus::Book, out: &Path, epoch: i64) -> Result<Vec<f64>, String> {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
        .arg("watch")
        .arg(book.path())
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start quire watch: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut wait_for = |text: &str| -> Result<String, String> {
        for line in lines.by_ref() {
            let line = line.map_err(|e| e.to_string())?;
            if line.contains(text) {
                return Ok(line);
            }
        }
        Err(format!("quire watch ended before printing {text:?}"))
    };
    let mut times = Vec::new();
    let result = (|| {
        wait_for("watching")?;
        let mut put_back = None;
        for n in 0..3 {
            std::thread::sleep(std::time::Duration::from_millis(400));
            let edited = edit(book).ok_or("cannot edit a chapter")?;
            put_back.get_or_insert(edited.clone());
            if n > 0 {
                // Each edit differs from the one before.
                let text = std::fs::read_to_string(&edited.0).map_err(|e| e.to_string())?;
                std::fs::write(&edited.0, text.replacen(" the ", &format!(" the {n} "), 1))
                    .map_err(|e| e.to_string())?;
            }
            let line = wait_for("built in")?;
            let seconds = line
                .split("built in ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse::<f64>().ok())
                .ok_or_else(|| format!("no time in {line:?}"))?;
            times.push(seconds);
        }
        if let Some((path, text)) = put_back {
            let _ = std::fs::write(path, text);
        }
        Ok::<(), String>(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    result.map(|()| times)
}

/// Copies the files of `from` into `to` (for `QUIRE_BENCH_KEEP`).
fn copy_all(from: &Path, to: &Path) {
    let _ = std::fs::create_dir_all(to);
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let _ = std::fs::copy(entry.path(), to.join(entry.file_name()));
    }
}

/// What a child reported.
struct Report {
    samples: Vec<(String, Sample)>,
    pages: String,
}

/// Runs this binary as a child making one measurement of `book`.
fn run_child(mode: &str, book: &Path, epoch: i64) -> Report {
    let exe = std::env::current_exe().expect("the bench binary's path");
    let output = Command::new(exe)
        .env(CHILD, mode)
        .env(BOOK, book)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .output()
        .expect("the bench can start itself");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the {mode} child failed ({}):\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut report = Report {
        samples: Vec::new(),
        pages: "?".into(),
    };
    for line in stdout.lines() {
        if let Some(pages) = line.strip_prefix("pages ") {
            report.pages = pages.to_string();
        } else if let Some((row, rest)) = line.split_once('\t')
            && let Some(sample) = Sample::from_line(rest)
        {
            report.samples.push((row.to_string(), sample));
        }
    }
    report
}

/// The median (the mean of the middle two for an even count).
fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}
