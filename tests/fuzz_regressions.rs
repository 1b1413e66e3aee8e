//! The fuzz targets' inputs as ordinary tests: every seed under
//! `tests/fuzz/seeds/<target>/` and every minimized crash, timeout or
//! out-of-memory input under `tests/fuzz/regressions/<target>/`, run
//! through the same harness function the fuzz target calls
//! (`tests/fuzz/harness.rs`). A panic in the harness (an engine panic or
//! a failed span check) fails the test, naming the file.
//!
//! Fuzzing itself needs cargo-fuzz: see `tests/fuzz/README.md`.

#[path = "fuzz/harness.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The inputs of one target: its seeds and its regressions, sorted.
fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut files = Vec::new();
    for kind in ["seeds", "regressions"] {
        let dir = fuzz.join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable folder").path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs every input of `target` through `run`; fails naming each input
/// that panicked. An input slower than `limit` fails too: the fuzz runs
/// use libFuzzer's `-timeout=10`, and a debug build is slower, so the
/// limit here is generous.
fn run_all(target: &str, run: fn(&[u8])) {
    let files = inputs(target);
    assert!(
        !files.is_empty(),
        "no seeds or regressions for the `{target}` target"
    );
    let limit = Duration::from_secs(60);
    let mut failed = Vec::new();
    for path in &files {
        let data = std::fs::read(path).expect("a readable input");
        let started = Instant::now();
        if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
            failed.push(format!("{} panicked", path.display()));
        } else if started.elapsed() > limit {
            failed.push(format!(
                "{} took {:.1?} (more than {limit:?})",
                path.display(),
                started.elapsed()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} `{target}` inputs failed:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn markdown_inputs_parse() {
    run_all("markdown", harness::markdown);
}

#[test]
fn layout_inputs_build() {
    run_all("layout", harness::layout);
}

#[test]
fn config_inputs_build() {
    run_all("config", harness::config);
}

/// The fixed book of the `markdown` and `layout` targets and the fixed
/// chapter of the `config` target build without an error, so the targets
/// reach the later stages at all.
#[test]
fn the_fixed_book_builds() {
    let world = harness::MemoryWorld::new(
        harness::FIXED_BOOK_TOML.as_bytes(),
        harness::FIXED_CHAPTER.as_bytes(),
    );
    let mut compiled = quire::compile(&world);
    assert!(
        !compiled.has_errors(),
        "the fixed book has errors: {:#?}",
        compiled.diagnostics
    );
    let outputs = quire::render(&mut compiled, &[quire::Edition::Epub, quire::Edition::Pdf]);
    assert_eq!(outputs.len(), 2, "{:#?}", compiled.diagnostics);
}
