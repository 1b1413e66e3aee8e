//! The build cache on disk: `<out>/.quire-cache/`, read before a build and
//! written after it (`quire build`, `quire watch`).
//!
//! **In:** the folder, and the [`BuildCache`] a build filled. **Out:** the
//! cache read back, empty where the folder has nothing usable (missing,
//! another quire version, a damaged file). **Must not:** fail a build or
//! change its editions: what is read is only ever a head start, checked
//! by its key (see [`quire::cache`]).
//!
//! # The folder
//!
//! - `CACHEDIR.TAG`: marks it a cache, for backup tools.
//! - `layout/<key>.bin`: one file per chapter set, named by its key.
//! - `epub.bin`: the EPUB's deflated files.
//! - `pdf.bin`: the PDF's compressed page content streams, font programs
//!   and images.
//!
//! Files are written to a temporary name and renamed, so a build stopped
//! half-way leaves whole files or none; a chapter's file is written once
//! (its name is its key) and removed when a build no longer uses it.
//! Deleting the folder only costs the next build its head start.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use quire::cache::BuildCache;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// The folder's name inside the output folder.
pub const FOLDER: &str = ".quire-cache";

/// A build cache and the folder it is kept in.
pub struct Kept {
    /// The cache.
    pub cache: BuildCache,
    dir: PathBuf,
    /// The chapters whose files in the folder are whole: read, or written.
    on_disk: Mutex<FxHashSet<u128>>,
}

impl Kept {
    /// The cache kept in the output folder `out`; `watching` for builds
    /// that follow one another in this process (see
    /// [`BuildCache::for_one_build`]).
    pub fn load(out: &Path, watching: bool) -> Kept {
        let dir = out.join(FOLDER);
        let cache = if watching {
            BuildCache::new()
        } else {
            BuildCache::for_one_build()
        };
        let files: Vec<PathBuf> = std::fs::read_dir(dir.join("layout"))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| path.extension().is_some_and(|e| e == "bin"))
                    .collect()
            })
            .unwrap_or_default();
        let chapters: Vec<_> = files
            .par_iter()
            .filter_map(|path| {
                let key = u128::from_str_radix(path.file_stem()?.to_str()?, 16).ok()?;
                let chapter = quire::cache::chapter_from_bytes(&std::fs::read(path).ok()?)?;
                Some((key, chapter))
            })
            .collect();
        let on_disk = chapters.iter().map(|(key, _)| *key).collect();
        cache.layout.insert(chapters);
        let cache = match std::fs::read(dir.join("epub.bin"))
            .ok()
            .and_then(|bytes| quire::cache::entries_from_bytes(&bytes))
        {
            Some(entries) => BuildCache { entries, ..cache },
            None => cache,
        };
        let cache = match std::fs::read(dir.join("pdf.bin"))
            .ok()
            .and_then(|bytes| quire::cache::pages_from_bytes(&bytes))
        {
            Some(pages) => BuildCache { pages, ..cache },
            None => cache,
        };
        Kept {
            cache,
            dir,
            on_disk: Mutex::new(on_disk),
        }
    }

    /// Keeps the cache in its folder (made if missing): the chapters and
    /// files the last build used, and no others.
    pub fn save(&self) -> std::io::Result<()> {
        let layout = self.dir.join("layout");
        std::fs::create_dir_all(&layout)?;
        let tag = self.dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            write_atomic(
                &tag,
                &[b"Signature: 8a477f597d28d172789f06886806bc55\n\
                  # This folder is quire's build cache; it may be deleted at any time.\n"],
            )?;
        }
        let keys = self.cache.layout.keys();
        let mut on_disk = self.on_disk.lock().unwrap_or_else(|e| e.into_inner());
        // Only the chapters not on disk yet are encoded and written.
        let new: Vec<u128> = keys
            .iter()
            .copied()
            .filter(|key| !on_disk.contains(key))
            .collect();
        self.cache
            .layout
            .entries(&new)
            .par_iter()
            .try_for_each(|(key, chapter)| {
                write_atomic(
                    &layout.join(file_name(*key)),
                    &[&quire::cache::chapter_head(chapter), chapter],
                )
            })?;
        *on_disk = keys.iter().copied().collect();
        let names: BTreeSet<String> = keys.iter().map(|key| file_name(*key)).collect();
        for entry in std::fs::read_dir(&layout)?.filter_map(Result::ok) {
            if !names.contains(entry.file_name().to_string_lossy().as_ref()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        write_atomic(
            &self.dir.join("epub.bin"),
            &[&quire::cache::entries_to_bytes(&self.cache.entries)],
        )?;
        write_atomic(
            &self.dir.join("pdf.bin"),
            &[&quire::cache::pages_to_bytes(&self.cache.pages)],
        )
    }

    /// What the last build took from the cache, for `--verbose`.
    pub fn summary(&self) -> String {
        let (layout, pages, entries) = (&self.cache.layout, &self.cache.pages, &self.cache.entries);
        format!(
            "cache: {} of {} chapters set again, {} of {} PDF pages, fonts and images made again, \
             {} of {} e-book files compressed again",
            layout.misses(),
            layout.hits() + layout.misses(),
            pages.misses(),
            pages.hits() + pages.misses(),
            entries.misses(),
            entries.hits() + entries.misses()
        )
    }
}

/// The file of the chapter with `key`.
fn file_name(key: u128) -> String {
    format!("{key:032x}.bin")
}

/// Writes `parts`, one after the other, to `path` whole or not at all: to
/// a temporary name in the same folder, then renamed over it.
fn write_atomic(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| parts.iter().try_for_each(|part| file.write_all(part)));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
