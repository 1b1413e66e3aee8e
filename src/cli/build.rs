//! `quire build`: run the pipeline and write the editions and the build
//! manifest; with `--verify MANIFEST`, rebuild in memory instead and report
//! every difference from the manifest, writing nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use clap::ValueEnum;
use quire::Edition;
use quire::manifest::{self, Manifest};

use super::{Context, EXIT_BOOK_ERRORS, EXIT_OK, fail, output};

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
    /// Rebuild in memory the editions MANIFEST lists, with its
    /// SOURCE_DATE_EPOCH, and report every difference from it (inputs,
    /// tool version, configuration, outputs); write nothing. Exit 0 when
    /// all is identical, 1 when anything differs.
    #[arg(long, value_name = "MANIFEST", conflicts_with_all = ["format", "out"])]
    verify: Option<PathBuf>,
    /// Neither read nor write the build cache (OUT/.quire-cache: what a
    /// build keeps so that the next one sets, draws and compresses only
    /// what changed; the editions are the same bytes either way, and the
    /// folder may be deleted at any time).
    #[arg(long)]
    no_cache: bool,
}

/// The editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    Epub,
    Pdf,
    All,
}

impl Format {
    /// The editions to make.
    pub(super) fn editions(self) -> &'static [Edition] {
        match self {
            Format::Epub => &[Edition::Epub],
            Format::Pdf => &[Edition::Pdf],
            Format::All => &[Edition::Epub, Edition::Pdf],
        }
    }
}

/// Runs `build`.
pub fn run(args: BuildArgs, context: &Context) -> i32 {
    let dir = super::book_dir(args.book_dir);
    if let Some(manifest) = args.verify {
        return verify(&manifest, &dir, context);
    }
    let editions = args.format.editions();
    let out = args.out.unwrap_or_else(|| dir.join("out"));
    // The cache is read from disk while the book is loaded and parsed.
    let loaded: OnceLock<Option<(super::cache::Kept, Duration)>> = OnceLock::new();
    let made = std::thread::scope(|scope| {
        let loading = (!args.no_cache).then(|| {
            scope.spawn(|| {
                let reading = Instant::now();
                let kept = super::cache::Kept::load(&out, false);
                (kept, reading.elapsed())
            })
        });
        let loading = Mutex::new(loading);
        let cache = || {
            loaded
                .get_or_init(|| {
                    let handle = loading.lock().ok()?.take()?;
                    handle.join().ok()
                })
                .as_ref()
                .map(|(kept, _)| &kept.cache)
        };
        // Every edition is made in memory first, so a failure writes
        // nothing.
        super::pipeline_cached(&dir, editions, context, &cache, false)
    });
    let made = match made {
        Ok(made) => made,
        Err(code) => return code,
    };
    let (kept, read) = match loaded.into_inner().flatten() {
        Some((kept, read)) => (Some(kept), read),
        None => (None, Duration::ZERO),
    };
    // The editions and the cache go to disk at the same time (the cache's
    // files are apart from the editions', and the cache is keyed by
    // content: kept even when an edition cannot be written, it is right).
    let ((files, written), (kept_error, saved)) = std::thread::scope(|scope| {
        let saving = kept.as_ref().map(|kept| {
            scope.spawn(move || {
                let keeping = Instant::now();
                (kept.save().err(), keeping.elapsed())
            })
        });
        let writing = Instant::now();
        let files = write(&made, &out);
        let written = writing.elapsed();
        let saved = saving
            .and_then(|saving| saving.join().ok())
            .unwrap_or((None, Duration::ZERO));
        ((files, written), saved)
    });
    if let Some(error) = kept_error {
        // Only the next build's head start is lost.
        super::note(format!(
            "cannot keep the build cache in {}: {error}",
            out.join(super::cache::FOLDER).display()
        ));
    }
    let files = match files {
        Ok(files) => files,
        Err(message) => return fail(message),
    };
    for (name, bytes) in &files {
        context.say(&format!(
            "wrote {} ({})",
            out.join(name).display(),
            size(*bytes)
        ));
    }
    let mut extra = vec![("write", written)];
    if let Some(kept) = &kept {
        extra.extend([("cache in", read), ("cache out", saved)]);
        if context.verbose {
            eprintln!("{}", kept.summary());
        }
    }
    made.timings(context, &extra);
    EXIT_OK
}

/// Writes the editions `made` and their manifest into `out`, all or none
/// (the manifest last, as it describes the editions); gives each file's
/// name and size, or what went wrong.
pub(super) fn write(made: &super::Made, out: &Path) -> Result<Vec<(String, usize)>, String> {
    // The manifest is made first, so that nothing is written if it cannot be.
    let manifest = Manifest::new(&made.compiled, &made.outputs)
        .to_json()
        .map_err(|error| format!("cannot make the build manifest: {error}"))?;
    let slug = made
        .compiled
        .book
        .as_ref()
        .map_or("book", |book| &book.meta.slug);
    std::fs::create_dir_all(out)
        .map_err(|error| format!("cannot create output folder {}: {error}", out.display()))?;
    let files: Vec<(String, &[u8])> = made
        .outputs
        .iter()
        .map(|output| (output.name.clone(), output.bytes.as_slice()))
        .chain([(format!("{slug}.manifest.json"), manifest.as_bytes())])
        .collect();
    output::commit(out, files.iter().map(|(n, b)| (n.clone(), *b))).map_err(|failed| {
        format!(
            "cannot write {}: {}; the earlier files in {} are as they were",
            failed.path.display(),
            failed.error,
            out.display()
        )
    })?;
    Ok(files
        .into_iter()
        .map(|(name, bytes)| (name, bytes.len()))
        .collect())
}

/// `build --verify`: reads the manifest, rebuilds the editions it lists
/// with its build record (timestamp and commit), and reports what differs.
fn verify(path: &Path, dir: &Path, context: &Context) -> i32 {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => return fail(format!("cannot read manifest {}: {error}", path.display())),
    };
    let old = match Manifest::parse(&text) {
        Ok(manifest) => manifest,
        Err(error) => {
            return fail(format!(
                "{}:{}:{}: not a valid build manifest: {}",
                path.display(),
                error.line,
                error.column,
                error.message
            ));
        }
    };
    // The manifest's timestamp, whatever the environment says.
    let recorded = old.source_date_epoch;
    let shown = |stamp: Option<i64>| stamp.map_or("none".to_string(), |s| s.to_string());
    match super::timestamp() {
        Ok(None) => {}
        Ok(Some(here)) if Some(here) == recorded => {}
        Ok(Some(here)) => super::note(format!(
            "SOURCE_DATE_EPOCH is {here} here but {} in the manifest; rebuilding with the manifest's",
            shown(recorded)
        )),
        Err(message) => super::note(format!(
            "{message}; rebuilding with the manifest's ({})",
            shown(recorded)
        )),
    }
    let world = match super::open(dir, None) {
        Ok(world) => world,
        Err(code) => return code,
    };
    // The commit too: the source appendix prints it, and the inputs are
    // compared file by file anyway.
    let commit = quire::world::World::git_commit(&world);
    if commit != old.git_commit {
        let here = match &commit {
            Some(commit) => format!("is at git commit {commit}"),
            None => "is in no git repository".to_string(),
        };
        super::note(format!(
            "the book folder {here}; the manifest records {}; rebuilding with the manifest's",
            old.git_commit.as_deref().unwrap_or("none")
        ));
    }
    let pinned = quire::world::Pinned {
        world: &world,
        timestamp: recorded,
        git_commit: old.git_commit.clone(),
    };
    let made = super::compile_and_render(&pinned, dir, &old.editions(), context);
    made.timings(context, &[]);
    let (compiled, outputs) = (made.compiled, made.outputs);
    let new = Manifest::new(&compiled, &outputs);
    let mut differences = manifest::compare(&old, &new);
    if compiled.has_errors() {
        // No editions to compare; what changed in the inputs may say why.
        differences.retain(manifest::Difference::is_input);
    }
    let mut stdout = std::io::stdout().lock();
    for difference in &differences {
        let _ = writeln!(stdout, "{difference}");
    }
    drop(stdout);
    if compiled.has_errors() {
        super::error(format!(
            "the book has errors; the editions {} lists could not be rebuilt",
            path.display()
        ));
        EXIT_BOOK_ERRORS
    } else if differences.is_empty() {
        context.say(&format!(
            "verified: {} inputs, {} outputs identical",
            old.inputs.len(),
            old.outputs.len()
        ));
        EXIT_OK
    } else {
        super::error(format!(
            "the rebuild differs from {} in {} {}",
            path.display(),
            differences.len(),
            if differences.len() == 1 {
                "way"
            } else {
                "ways"
            }
        ));
        EXIT_BOOK_ERRORS
    }
}

fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
