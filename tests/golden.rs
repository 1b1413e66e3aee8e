//! Golden files of the EPUB: for each small book, every text entry of its
//! EPUB (XHTML, OPF, nav, NCX, CSS, SVG) is kept under
//! `tests/ref/epub/<book>/`, and `_entries.txt` lists every entry in order
//! with its compression, binary ones (fonts, images) included.
//!
//! A change to what quire writes shows as a readable text diff. When the
//! change is meant, `UPDATE=1 cargo test --test golden` rewrites the files
//! (and fails, so no rewrite goes unseen): read the diff in `git diff
//! tests/ref` before committing it.
//!
//! The books are built with `SOURCE_DATE_EPOCH` fixed, so the files do not
//! depend on the day.

mod common;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use common::{first_difference, quire, repo, run, temp, unzip};

/// The build time of every golden build: 2025-01-02 03:04:05 UTC.
const EPOCH: &str = "1735787045";

/// Builds `tests/books/<book>` and compares its EPUB with the golden files.
/// The book is copied out of the repository first: in it, the source
/// appendix would record the repository's commit, which every commit
/// changes.
fn golden(book: &str) {
    let copy = temp();
    let source = copy.path().join(book);
    common::copy_dir(&repo().join("tests/books").join(book), &source, &["out"]);
    let out = temp();
    let result = run(quire()
        .args(["build", "--format", "epub", "--out"])
        .arg(out.path())
        .arg(&source)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(result.code, 0, "build failed:\n{}", result.stderr);
    let epub = std::fs::read_dir(out.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|e| e == "epub"))
        .expect("an EPUB was written");
    let entries = unzip(&std::fs::read(epub).unwrap());

    let mut expected: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut listing = String::new();
    for entry in &entries {
        let text = is_text(&entry.name);
        let _ = writeln!(
            listing,
            "{} {}{}",
            if entry.stored { "stored  " } else { "deflated" },
            entry.name,
            if text { "" } else { "  (binary, not kept)" }
        );
        if text {
            expected.push((PathBuf::from(&entry.name), entry.data.clone()));
        }
    }
    expected.push((PathBuf::from("_entries.txt"), listing.into_bytes()));

    let dir = repo().join("tests/ref/epub").join(book);
    let update = std::env::var("UPDATE").is_ok_and(|v| v == "1");
    let mut problems = Vec::new();
    for (path, actual) in &expected {
        let file = dir.join(path);
        let kept = std::fs::read(&file).ok();
        if kept.as_deref() == Some(actual.as_slice()) {
            continue;
        }
        problems.push(match &kept {
            None => format!("{}: no golden file", path.display()),
            Some(kept) => format!(
                "{}: differs\n{}",
                path.display(),
                first_difference(
                    &String::from_utf8_lossy(kept),
                    &String::from_utf8_lossy(actual)
                )
            ),
        });
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, actual).unwrap();
        }
    }
    // Golden files of entries that are no longer written.
    for file in files_under(&dir) {
        let relative = file.strip_prefix(&dir).unwrap().to_path_buf();
        if !expected.iter().any(|(path, _)| *path == relative) {
            problems.push(format!("{}: no longer written", relative.display()));
            if update {
                std::fs::remove_file(&file).unwrap();
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the EPUB of tests/books/{book} differs from tests/ref/epub/{book}{}:\n\n{}",
        if update {
            " (rewritten: review with git diff)"
        } else {
            " (UPDATE=1 rewrites)"
        },
        problems.join("\n\n")
    );
}

fn is_text(name: &str) -> bool {
    name == "mimetype"
        || [".xhtml", ".opf", ".ncx", ".css", ".svg", ".xml"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn features_book() {
    golden("features");
}

#[test]
fn notes_book() {
    golden("notes");
}
