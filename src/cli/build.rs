//! `quire build`: run the pipeline and write the editions.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use quire::epub::{self, EpubOptions, Templates};

use super::{Context, EXIT_BOOK_ERRORS, EXIT_OK, fail};

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
    let config = compiled.config.as_ref().expect("a book, so a config");
    let out = args.out.unwrap_or_else(|| dir.join("out"));
    let wants = |f: Format| args.format == f || args.format == Format::All;
    let timestamp = match super::timestamp() {
        Ok(timestamp) => timestamp,
        Err(message) => return fail(message),
    };

    // Make every edition in memory first, so a failure writes nothing.
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut warnings = Vec::new();
    if wants(Format::Epub) {
        let options = EpubOptions {
            numbering: config.epub.footnote_numbering,
            timestamp,
        };
        match epub::export(book, &options, &Templates::default()) {
            Ok(epub) => {
                warnings.extend(epub.warnings);
                files.push((out.join(format!("{}.epub", book.meta.slug)), epub.bytes));
            }
            Err(error) => {
                super::diagnostics::print(&[error], &compiled.sources, context.format);
                return EXIT_BOOK_ERRORS;
            }
        }
    }
    super::diagnostics::print(&warnings, &compiled.sources, context.format);

    if let Err(error) = std::fs::create_dir_all(&out) {
        return fail(format!(
            "cannot create output folder {}: {error}",
            out.display()
        ));
    }
    for (path, bytes) in &files {
        if let Err(error) = write_atomically(path, bytes) {
            return fail(format!("cannot write {}: {error}", path.display()));
        }
        context.say(&format!("wrote {} ({})", path.display(), size(bytes.len())));
    }
    if wants(Format::Pdf) {
        context.say(&format!(
            "not written: {} (the PDF typesetter is not built yet)",
            out.join(format!("{}.pdf", book.meta.slug)).display()
        ));
    }
    EXIT_OK
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into
/// place: readers see the old file or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("edition");
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
