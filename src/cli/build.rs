//! `quire build`: run the pipeline and write the editions.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use quire::Edition;

use super::{Context, EXIT_OK, fail};

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
    let editions: &[Edition] = match args.format {
        Format::Epub => &[Edition::Epub],
        Format::Pdf => &[Edition::Pdf],
        Format::All => &[Edition::Epub, Edition::Pdf],
    };
    // Every edition is made in memory first, so a failure writes nothing.
    let (_, outputs) = match super::pipeline(&dir, editions, context) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let out = args.out.unwrap_or_else(|| dir.join("out"));
    if let Err(error) = std::fs::create_dir_all(&out) {
        return fail(format!(
            "cannot create output folder {}: {error}",
            out.display()
        ));
    }
    for output in &outputs {
        let path = out.join(&output.name);
        if let Err(error) = write_atomically(&path, &output.bytes) {
            return fail(format!("cannot write {}: {error}", path.display()));
        }
        context.say(&format!(
            "wrote {} ({})",
            path.display(),
            size(output.bytes.len())
        ));
    }
    EXIT_OK
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into
/// place: readers see the old file or the new one, never half of one.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
