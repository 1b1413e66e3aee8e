//! `quire watch`: build, then build again whenever a file of the book
//! changes, until interrupted.
//!
//! Every file under the book folder counts (chapters, `book.toml`,
//! templates, fonts, images, saved originals) except the output folder,
//! hidden files and editors' backups. Changes are gathered for
//! [`DEBOUNCE`] after the last one (an editor's save is several events),
//! then the book is rebuilt and what changed is printed with the time of
//! day and how long the rebuild took. Between builds what was made is kept
//! in a build cache (read from the output folder's `.quire-cache` at the
//! start and written back after each build, as `quire build` does): an
//! edit to one chapter sets that chapter again, not the book, and only the
//! files and pages that changed are compressed again. A build with errors
//! writes nothing and leaves the last good editions in place; the next
//! change tries again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};

use super::build::Format;
use super::{Context, EXIT_BOOK_ERRORS, EXIT_OK, fail, output};

/// How long after the last change a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Arguments of `quire watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// The book folder (with book.toml). Default: the current folder.
    book_dir: Option<PathBuf>,
    /// Which editions to write.
    #[arg(long, value_enum, default_value_t = Format::All)]
    format: Format,
    /// Output folder. Default: BOOK_DIR/out.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs `watch`; returns only on a failure to watch (an interrupt ends
/// the process with exit code 0).
pub fn run(args: WatchArgs, context: &Context) -> i32 {
    let dir = super::book_dir(args.book_dir);
    let out = args.out.unwrap_or_else(|| dir.join("out"));
    let editions = args.format.editions();
    let root = match dir.canonicalize() {
        Ok(root) => root,
        Err(error) => {
            return fail(format!(
                "cannot open book folder {}: {error}",
                dir.display()
            ));
        }
    };
    output::stop_quietly_on_interrupt();
    let cache = super::cache::Kept::load(&out, true);
    build(&dir, &out, editions, &cache, context, "first build");

    let (send, receive) = mpsc::channel();
    let mut watcher = match notify_debouncer_full::new_debouncer(DEBOUNCE, None, send) {
        Ok(watcher) => watcher,
        Err(error) => return fail(format!("cannot watch {}: {error}", dir.display())),
    };
    if let Err(error) = watcher.watch(&root, RecursiveMode::Recursive) {
        return fail(format!("cannot watch {}: {error}", dir.display()));
    }
    let out_root = out.canonicalize().unwrap_or_else(|_| root.join("out"));
    context.say(&format!(
        "watching {} for changes (Ctrl-C to stop)",
        dir.display()
    ));
    for events in receive {
        let Ok(events) = events else {
            continue;
        };
        let changed: BTreeSet<String> = events
            .iter()
            .filter(|event| !matches!(event.kind, EventKind::Access(_)))
            .flat_map(|event| event.paths.iter())
            .filter_map(|path| relevant(path, &root, &out_root))
            .collect();
        if changed.is_empty() {
            continue;
        }
        let changed: Vec<String> = changed.into_iter().collect();
        build(
            &dir,
            &out,
            editions,
            &cache,
            context,
            &format!("changed: {}", changed.join(", ")),
        );
    }
    EXIT_OK
}

/// The book-relative path of a changed file, if a change there should
/// rebuild the book.
fn relevant(path: &Path, root: &Path, out: &Path) -> Option<String> {
    if path.starts_with(out) {
        return None;
    }
    let inside = path.strip_prefix(root).ok()?;
    let hidden = inside.components().any(|part| {
        let part = part.as_os_str().to_string_lossy();
        part.starts_with('.') || part.ends_with('~') || part.ends_with(".swp")
    });
    if hidden || inside.as_os_str().is_empty() {
        return None;
    }
    Some(inside.to_string_lossy().into_owned())
}

/// One build, printed as one block: why, the diagnostics, what was written
/// and how long it took.
fn build(
    dir: &Path,
    out: &Path,
    editions: &[quire::Edition],
    kept: &super::cache::Kept,
    context: &Context,
    why: &str,
) {
    let cache = &kept.cache;
    let started = Instant::now();
    context.say(&format!("[{}] {why}", clock()));
    let made = match super::pipeline_cached(dir, editions, context, &|| Some(cache), true) {
        Ok(made) => made,
        Err(code) => {
            if code == EXIT_BOOK_ERRORS {
                super::note(
                    "the book has errors: the editions in the output folder are the last good ones",
                );
            }
            return;
        }
    };
    let written = match super::build::write(&made, out) {
        Ok(written) => written,
        Err(message) => {
            super::error(message);
            return;
        }
    };
    let names: Vec<String> = written.iter().map(|(name, _)| name.clone()).collect();
    let set = if editions.contains(&quire::Edition::Pdf) {
        format!(
            " ({} of {} chapters set again)",
            cache.layout.misses(),
            cache.layout.hits() + cache.layout.misses()
        )
    } else {
        String::new()
    };
    context.say(&format!(
        "  built in {:.2} s{set}: wrote {}",
        started.elapsed().as_secs_f64(),
        names.join(", ")
    ));
    made.timings(context, &[]);
    if let Err(error) = kept.save() {
        super::note(format!(
            "cannot keep the build cache in {}: {error}",
            out.join(super::cache::FOLDER).display()
        ));
    }
}

/// The time of day, UTC, as `HH:MM:SS`.
fn clock() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = seconds % 86_400;
    format!(
        "{:02}:{:02}:{:02} UTC",
        day / 3600,
        day % 3600 / 60,
        day % 60
    )
}
