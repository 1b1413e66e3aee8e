//! `quire check`: run everything a build runs, write nothing, report.

use std::path::PathBuf;

use quire::Edition;
use quire::diag::Severity;

use super::{Context, DiagnosticFormat, EXIT_BOOK_ERRORS, EXIT_OK};

/// Arguments of `quire check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The book folder (with book.toml). Default: the current folder.
    book_dir: Option<PathBuf>,
    /// How the diagnostics are printed (the same as the global
    /// --diagnostic-format, which it overrides): `json` is one object per
    /// line on stdout, `github` workflow annotations on stdout.
    #[arg(long, value_enum)]
    format: Option<DiagnosticFormat>,
    /// Exit 1 when there are warnings, not only errors.
    #[arg(long)]
    deny_warnings: bool,
}

/// Runs `check`.
pub fn run(args: CheckArgs, context: &Context) -> i32 {
    let context = &Context {
        format: args.format.unwrap_or(context.format),
        ..*context
    };
    let dir = super::book_dir(args.book_dir);
    let made = match super::pipeline(&dir, &[Edition::Epub, Edition::Pdf], context) {
        Ok(made) => made,
        Err(code) => return code,
    };
    made.timings(context, &[]);
    let compiled = &made.compiled;
    let book = compiled.book.as_ref().expect("no errors, so a book");
    let notes: usize = book.chapters.iter().map(|c| c.footnotes.len()).sum();
    let warnings = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    context.say(&format!(
        "checked {}: {} chapters, {} footnotes, {} warnings",
        dir.display(),
        book.chapters.len(),
        notes,
        warnings
    ));
    if args.deny_warnings && warnings > 0 {
        super::error(format!(
            "{warnings} {} denied by --deny-warnings",
            if warnings == 1 { "warning" } else { "warnings" }
        ));
        return EXIT_BOOK_ERRORS;
    }
    EXIT_OK
}
