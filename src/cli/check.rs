//! `quire check`: run everything a build runs, write nothing, report.

use std::path::PathBuf;

use quire::Edition;

use super::{Context, EXIT_OK};

/// Arguments of `quire check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The book folder (with book.toml). Default: the current folder.
    book_dir: Option<PathBuf>,
}

/// Runs `check`.
pub fn run(args: CheckArgs, context: &Context) -> i32 {
    let dir = super::book_dir(args.book_dir);
    let compiled = match super::pipeline(&dir, &[Edition::Epub, Edition::Pdf], context) {
        Ok((compiled, _outputs)) => compiled,
        Err(code) => return code,
    };
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
