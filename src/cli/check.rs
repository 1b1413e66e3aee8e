//! `quire check`: run everything a build runs, write nothing, report.

use std::path::PathBuf;

use super::{Context, EXIT_BOOK_ERRORS, EXIT_OK};

/// Arguments of `quire check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The book folder (with book.toml). Default: the current folder.
    book_dir: Option<PathBuf>,
}

/// Runs `check`.
pub fn run(args: CheckArgs, context: &Context) -> i32 {
    let dir = super::book_dir(args.book_dir);
    let compiled = match super::compile(&dir, context) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    if compiled.has_errors() {
        return EXIT_BOOK_ERRORS;
    }
    let book = compiled.book.as_ref().expect("no errors, so a book");
    let notes: usize = book.chapters.iter().map(|c| c.footnotes.len()).sum();
    context.say(&format!(
        "checked {}: {} chapters, {} footnotes, {} warnings",
        dir.display(),
        book.chapters.len(),
        notes,
        compiled.diagnostics.len()
    ));
    EXIT_OK
}
