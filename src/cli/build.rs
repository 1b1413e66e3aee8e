//! `quire build`: run the pipeline and write the editions.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{Context, EXIT_BOOK_ERRORS, EXIT_OK};

/// Arguments of `quire build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The book folder (with book.toml). Default: the current folder.
    book_dir: Option<PathBuf>,
    /// Which editions to write.
    #[arg(long, value_enum, default_value_t = Format::All)]
    format: Format,
    /// Output folder. Default: BOOK_DIR/out.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Epub,
    Pdf,
    All,
}

/// Runs `build`.
pub fn run(args: BuildArgs, context: &Context) -> i32 {
    let dir = super::book_dir(args.book_dir);
    let compiled = match super::compile(&dir, context) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    if compiled.has_errors() {
        return EXIT_BOOK_ERRORS;
    }
    let book = compiled.book.as_ref().expect("no errors, so a book");
    let out = args.out.unwrap_or_else(|| dir.join("out"));
    let wants = |f: Format| args.format == f || args.format == Format::All;
    let mut skipped = Vec::new();
    if wants(Format::Epub) {
        skipped.push(format!(
            "{}.epub (the EPUB writer is not built yet)",
            book.meta.slug
        ));
    }
    if wants(Format::Pdf) {
        skipped.push(format!(
            "{}.pdf (the PDF typesetter is not built yet)",
            book.meta.slug
        ));
    }
    context.say(&format!(
        "read {}: {} chapters",
        dir.display(),
        book.chapters.len()
    ));
    for what in &skipped {
        context.say(&format!("not written: {}/{what}", out.display()));
    }
    EXIT_OK
}
