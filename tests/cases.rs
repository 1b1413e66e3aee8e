//! Data-driven CLI cases: every folder in `tests/cases/` is a tiny book plus
//! a file `expected` holding what `quire --diagnostic-format short check`
//! must do with it:
//!
//! ```text
//! exit: 1
//! book.toml:3:1: error[config-unknown-key]: unknown field `autors`, ...
//! ```
//!
//! The first line is the exit code; every following line is one line of
//! stderr, exactly, in order. The book is copied to a temp folder (without
//! `expected`) and checked there; the absolute path of that copy, should it
//! appear in a message, is written `<book>`.
//!
//! Each case is one `#[test]`, named like its folder with `_` for `-`, so
//! `cargo test --test cases footnote_duplicate` runs one case. A case that
//! `expected` holds the right output, not what quire prints today.
//!
//! `UPDATE=1 cargo test --test cases` rewrites the `expected` of every case
//! that differs (never of an ignored one) from what quire printed, and fails
//! that case with the change, so no rewrite goes unseen: read each rewritten
//! file against its book before committing it, then run again without UPDATE.

mod common;

use std::path::{Path, PathBuf};

/// Declares the cases: one test per folder, plus [`LISTED`] to check that no
macro_rules! cases {
    ($($(#[ignore = $why:literal])? $name:ident,)*) => {
        /// Every declared case, as written in the macro call.
        const LISTED: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            $(#[ignore = $why])?
            fn $name() {
                let known_bug: &[&str] = &[$($why),*];
                run_case(stringify!($name), !known_bug.is_empty());
            }
        )*
    };
}

cases! {
    // Templates.
    template_syntax,
    template_render_error,
    template_unknown,
    // Images.
    image_missing,
    image_not_an_image,
    image_path_escapes,
    image_remote,
    image_no_alt,
    cover_svg,
    // Footnotes.
    footnote_undefined,
    footnote_undefined_nested,
    footnote_unreferenced,
    footnote_duplicate,
    footnote_self_reference,
    footnote_label_case_fold,
    // Links and raw HTML in the EPUB.
    link_broken,
    footnote_in_link,
    html_content_order,
    // Chapter structure.
    chapter_empty,
    chapter_title_only,
    chapter_untitled,
    heading_extra_title,
    nesting_too_deep,
    // book.toml.
    config_unknown_key_top,
    config_unknown_key_book,
    config_unknown_key_pdf,
    config_unknown_key_margins,
    config_unknown_key_inline_table,
    config_unknown_key_hyphenation,
    config_invalid_font_expansion,
    config_invalid_font_size,
    config_invalid_trim_size,
    config_invalid_language,
    config_invalid_date,
    config_invalid_hyphenation_exception,
    config_invalid_type,
    config_syntax,
    config_missing_book_table,
    config_missing,
    // Front matter.
    front_matter_unknown_key,
    front_matter_unknown_source_key,
    front_matter_invalid_yaml,
    front_matter_invalid_lang,
    front_matter_crlf,
    // The chapter list and the files a book names.
    chapter_missing,
    chapter_path_escapes,
    chapter_path_absolute,
    chapter_listed_twice,
    chapter_is_a_folder,
    chapters_not_a_folder,
    book_empty,
    book_empty_list,
    source_file_missing,
    source_file_outside,
    font_file_missing,
    font_unknown_family,
    glyph_missing,
    line_unbreakable,
    font_path_outside,
    // Several files at once; a book without problems.
    diagnostics_order,
    clean_book,
}

/// The folder holding the cases.
fn cases_dir() -> PathBuf {
    common::repo().join("tests").join("cases")
}

/// What a case expects (or what a run did): exit code and stderr lines.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    exit: i32,
    lines: Vec<String>,
}

impl Outcome {
    fn parse(text: &str, path: &Path) -> Outcome {
        let mut lines = text.lines();
        let exit = lines
            .next()
            .and_then(|first| first.strip_prefix("exit: "))
            .and_then(|code| code.trim().parse().ok())
            .unwrap_or_else(|| panic!("{}: the first line must be `exit: N`", path.display()));
        Outcome {
            exit,
            lines: lines.map(str::to_string).collect(),
        }
    }

    fn render(&self) -> String {
        let mut text = format!("exit: {}\n", self.exit);
        for line in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

fn run_case(name: &str, known_bug: bool) {
    let folder = name.replace('_', "-");
    let source = cases_dir().join(&folder);
    let expected_path = source.join("expected");
    let expected_text = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", expected_path.display()));
    let expected = Outcome::parse(&expected_text, &expected_path);

    let temp = common::temp();
    let book = temp.path().join("book");
    common::copy_dir(&source, &book, &["expected"]);
    let run = common::check_short(&book);
    let mut stderr = run.stderr.clone();
    for shown in [book.canonicalize().unwrap_or(book.clone()), book.clone()] {
        stderr = stderr.replace(&*shown.to_string_lossy(), "<book>");
    }
    let actual = Outcome {
        exit: run.code,
        lines: stderr.lines().map(str::to_string).collect(),
    };
    if actual == expected {
        return;
    }
    let changes = diff(&expected.render(), &actual.render());
    if std::env::var_os("UPDATE").is_some_and(|v| v == "1") && !known_bug {
        std::fs::write(&expected_path, actual.render()).expect("rewrite expected");
        // Failing makes the rewrite impossible to miss: read the new file,
        // check it is right, then run again without UPDATE.
        panic!(
            "UPDATE=1: rewrote tests/cases/{folder}/expected (- old, + new):\n{changes}\n\
             review it against the case's source, then run again without UPDATE"
        );
    }
    panic!(
        "case `{folder}` differs from tests/cases/{folder}/expected \
         (- expected, + actual):\n{changes}\nstdout:\n{}",
        run.stdout.replace(&*book.to_string_lossy(), "<book>")
    );
}

/// A line diff (longest common subsequence): ` ` both, `-` only in `old`,
/// `+` only in `new`.
fn diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        }
    }
    out
}

#[test]
fn every_case_folder_is_listed() {
    let mut folders: Vec<String> = std::fs::read_dir(cases_dir())
        .expect("tests/cases exists")
        .map(|entry| entry.expect("folder entry"))
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut listed: Vec<String> = LISTED.iter().map(|n| n.replace('_', "-")).collect();
    listed.sort();
    assert_eq!(
        folders, listed,
        "every folder in tests/cases must be listed in `cases!` in tests/cases.rs, and the other way round"
    );
}

#[test]
fn diff_marks_changed_lines() {
    assert_eq!(
        diff("exit: 1\na\nb\nc\n", "exit: 0\na\nc\nd\n"),
        "- exit: 1\n+ exit: 0\n  a\n- b\n  c\n+ d\n"
    );
}

/// The clean case is the one place CRLF line ends and byte-order marks are
/// checked in as files; make sure no tool (git, an editor) normalised them.
#[test]
fn clean_book_really_has_crlf_and_bom() {
    let chapter = std::fs::read(cases_dir().join("clean-book/chapters/01-crlf-bom.md"))
        .expect("the CRLF chapter");
    assert!(
        chapter.starts_with(b"\xEF\xBB\xBF"),
        "lost its byte-order mark"
    );
    let crlf = chapter.windows(2).filter(|w| w == b"\r\n").count();
    let lf = chapter.iter().filter(|&&b| b == b'\n').count();
    assert!(crlf > 10 && crlf == lf, "{crlf} CRLF of {lf} line ends");
    let config = std::fs::read(cases_dir().join("clean-book/book.toml")).expect("book.toml");
    assert!(
        config.starts_with(b"\xEF\xBB\xBF"),
        "book.toml lost its byte-order mark"
    );
    assert!(
        config.windows(2).any(|w| w == b"\r\n"),
        "book.toml lost its CRLF"
    );
}
