//! The build benchmark: how long quire takes to make the two test corpora,
//! stage by stage, and how much memory it needs.
//!
//! ```text
//! cargo bench --bench build                 # medium and large
//! cargo bench --bench build -- large        # one corpus
//! QUIRE_BENCH_RUNS=9 cargo bench --bench build
//! RAYON_NUM_THREADS=1 cargo bench --bench build   # one thread, to compare
//! ```
//!
//! The corpora are `medium/` and `large/` under `../shared/corpus` from the
//! crate root, or under `$QUIRE_BENCH_CORPUS`; each holds `chNNN.md` and a
//! `meta.json` (title, subtitle, author, language, chapter files). A corpus
//! that is not there is skipped with a message. Each is made into a quire
//! book in a temp folder, with a generated `book.toml` (6 × 9 in, 11 pt, as
//! `tests/corpus/medium/book.toml`).
//!
//! Each run of a corpus starts two fresh child processes of this binary, so
//! that every figure is that book's alone:
//! - one runs the stages one after another and measures each:
//!   load+parse (`quire::compile`), typeset (`quire::typeset::typeset`),
//!   PDF (`quire::pdf::export`) and EPUB (`quire::epub::export`);
//! - one makes both editions the way `quire build` does (`compile` then
//!   `render`, files not written): the whole build.
//!
//! The table gives the median over the runs (`QUIRE_BENCH_RUNS`, default 5
//! for medium and 3 for large) of the wall time (with the fastest and
//! slowest run), of the CPU time (user + system, every thread; 10 ms steps)
//! and of the peak resident memory during the stage. A stage's peak counts
//! what the process already held from the stages before it; the whole
//! build's is the book's true peak. CPU and memory come from Linux's
//! `/proc` and read `-` elsewhere.
//!
//! Numbers from a busy machine are noise: run it with nothing else going.

mod corpus;
mod measure;

use std::path::{Path, PathBuf};
use std::process::Command;

use measure::{Sample, measure};

/// Set in a child process: which measurement to make (`stages`/`build`).
const CHILD: &str = "QUIRE_BENCH_CHILD";
/// Set in a child process: the book folder.
const BOOK: &str = "QUIRE_BENCH_BOOK";

/// The corpora, with their default number of runs.
const CORPORA: &[(&str, usize)] = &[("medium", 5), ("large", 3)];

/// The stages, in the order of the table.
const STAGES: &[&str] = &["load+parse", "typeset", "pdf", "epub", "whole build"];

fn main() {
    if let Ok(mode) = std::env::var(CHILD) {
        let book = PathBuf::from(std::env::var_os(BOOK).expect("QUIRE_BENCH_BOOK is set"));
        child(&mode, &book);
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
    let threads = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!(
        "quire build benchmark: corpora in {}, {threads} thread(s)",
        root.display()
    );
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
        let runs = std::env::var("QUIRE_BENCH_RUNS")
            .ok()
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(default_runs);
        bench(name, &folder, runs);
    }
}

/// `$QUIRE_BENCH_CORPUS`, else `../shared/corpus` from the crate root.
fn corpus_root() -> PathBuf {
    match std::env::var_os("QUIRE_BENCH_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

/// Measures one corpus `runs` times and prints its table.
fn bench(name: &str, folder: &Path, runs: usize) {
    let book = match corpus::Book::make(folder) {
        Ok(book) => book,
        Err(error) => {
            println!("\n{name}: skipped, {error}");
            return;
        }
    };
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); STAGES.len()];
    let mut pages = String::new();
    for _ in 0..runs {
        let stages = run_child("stages", &book.path());
        for (stage, sample) in stages.samples {
            if let Some(at) = STAGES.iter().position(|s| *s == stage) {
                samples[at].push(sample);
            }
        }
        pages = stages.pages;
        let build = run_child("build", &book.path());
        for (stage, sample) in build.samples {
            if let Some(at) = STAGES.iter().position(|s| *s == stage) {
                samples[at].push(sample);
            }
        }
    }
    println!(
        "\n{name}: {} chapters, {pages} pages, median of {runs} run(s)",
        book.chapters
    );
    println!(
        "  {:<12} {:>8} {:>17} {:>8} {:>13}",
        "stage", "wall s", "(min-max)", "CPU s", "peak RSS MiB"
    );
    for (stage, samples) in STAGES.iter().zip(&samples) {
        if samples.is_empty() {
            continue;
        }
        let walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
        let cpus: Vec<f64> = samples.iter().filter_map(|s| s.cpu).collect();
        let peaks: Vec<f64> = samples
            .iter()
            .filter_map(|s| s.peak_kib)
            .map(|k| k as f64 / 1024.0)
            .collect();
        let min = walls.iter().copied().fold(f64::INFINITY, f64::min);
        let max = walls.iter().copied().fold(0.0, f64::max);
        println!(
            "  {:<12} {:>8.3} {:>17} {:>8} {:>13}",
            stage,
            median(&walls).unwrap_or(0.0),
            format!("({min:.3}-{max:.3})"),
            median(&cpus).map_or("-".into(), |c| format!("{c:.2}")),
            median(&peaks).map_or("-".into(), |p| format!("{p:.0}")),
        );
    }
}

/// What a child reported.
struct Report {
    samples: Vec<(String, Sample)>,
    pages: String,
}

/// Runs this binary as a child making one measurement of `book`.
fn run_child(mode: &str, book: &Path) -> Report {
    let exe = std::env::current_exe().expect("the bench binary's path");
    let output = Command::new(exe)
        .env(CHILD, mode)
        .env(BOOK, book)
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
        } else if let Some((stage, rest)) = line.split_once('\t')
            && let Some(sample) = Sample::from_line(rest)
        {
            report.samples.push((stage.to_string(), sample));
        }
    }
    report
}

/// In a child: makes the measurement `mode` of the book in `dir` and prints
/// one `stage\twall cpu peak` line per stage.
fn child(mode: &str, dir: &Path) {
    let world = quire::world::SystemWorld::new(dir, None).expect("the book folder");
    let report = |stage: &str, sample: Sample| println!("{stage}\t{}", sample.to_line());
    match mode {
        "stages" => {
            let (compiled, sample) = measure(|| quire::compile(&world));
            report("load+parse", sample);
            assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
            let book = compiled.book.as_ref().expect("a book");
            let config = compiled.config.as_ref().expect("a config");
            let templates = compiled.templates.as_ref().expect("templates");
            let fonts = compiled.fonts.as_ref().expect("fonts");

            let (set, sample) =
                measure(|| quire::typeset::typeset(book, config, fonts, compiled.timestamp));
            let document = set.document;
            report("typeset", sample);
            println!("pages {}", document.pages.len());

            let meta = quire::pdf::PdfMeta {
                title: book.meta.title.clone(),
                authors: book.meta.authors.clone(),
                language: book.meta.language.clone(),
                description: book.meta.description.clone(),
                keywords: book.meta.keywords.clone(),
                timestamp: compiled.timestamp,
            };
            let (pdf, sample) =
                measure(|| quire::pdf::export(&document, fonts, &book.images, &meta));
            report("pdf", sample);
            assert!(pdf.expect("the PDF").starts_with(b"%PDF-"));
            drop(document);

            let options = quire::epub::EpubOptions {
                numbering: config.epub.footnote_numbering,
                timestamp: compiled.timestamp,
            };
            let (epub, sample) = measure(|| quire::epub::export(book, &options, templates, fonts));
            report("epub", sample);
            assert!(!epub.expect("the EPUB").bytes.is_empty());
        }
        "build" => {
            let (outputs, sample) = measure(|| {
                let mut compiled = quire::compile(&world);
                let outputs =
                    quire::render(&mut compiled, &[quire::Edition::Epub, quire::Edition::Pdf]);
                assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
                outputs
            });
            report("whole build", sample);
            assert_eq!(outputs.len(), 2, "both editions are made");
        }
        other => panic!("unknown bench child mode `{other}`"),
    }
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
