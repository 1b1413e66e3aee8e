//! The build cache: what one build keeps so that the next sets, draws and
//! compresses only what changed.
//!
//! **In:** the caches the stages fill ([`LayoutCache`]: each chapter's
//! pages; [`EntryCache`]: the EPUB's deflated files), and a folder to keep
//! them in, `<out>/.quire-cache/` for `quire build`. **Out:** a
//! [`BuildCache`] to hand to [`render_with`](crate::render_with), read back
//! from that folder. **Must not:** change a byte of any edition: every
//! entry is keyed by a hash of all it was made from (the content, the
//! page style, the fonts, the quire version), so a stale entry is never
//! found, only missed. Nor fail a build: a folder that is missing, from
//! another version, truncated or garbled reads as empty, and one that
//! cannot be written is skipped with a warning by the caller.
//!
//! # The folder
//!
//! - `CACHEDIR.TAG`: marks it a cache, for backup tools.
//! - `layout/<key>.bin`: one file per chapter set, named by its key.
//! - `epub.bin`: the EPUB's deflated entries.
//!
//! Each file starts with [`MAGIC`] and the quire version; a file written by
//! another version is ignored. Files are written to a temporary name and
//! renamed, so a build stopped half-way leaves whole files or none; files
//! no longer used are removed after each build. Deleting the folder only
//! costs the next build its head start.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::epub::EntryCache;
use crate::typeset::{CachedChapter, LayoutCache};

/// What every file of the cache starts with, then the quire version and a
/// NUL.
pub const MAGIC: &[u8; 12] = b"quire-cache\x01";

/// The folder's name inside the output folder.
pub const FOLDER: &str = ".quire-cache";

/// The caches of one book, kept between builds.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Chapters set.
    pub layout: LayoutCache,
    /// The EPUB's files, deflated.
    pub entries: EntryCache,
    /// The chapters whose files in the folder are whole: read from it, or
    /// written to it.
    on_disk: std::sync::Mutex<rustc_hash::FxHashSet<u128>>,
}

impl BuildCache {
    /// A new, empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cache kept in `dir` (a `.quire-cache` folder); empty where it
    /// has nothing usable.
    pub fn load(dir: &Path) -> BuildCache {
        let cache = BuildCache::new();
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("layout"))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| path.extension().is_some_and(|e| e == "bin"))
                    .collect()
            })
            .unwrap_or_default();
        let chapters: Vec<(u128, CachedChapter)> = files
            .par_iter()
            .filter_map(|path| {
                let key = u128::from_str_radix(path.file_stem()?.to_str()?, 16).ok()?;
                let bytes = std::fs::read(path).ok()?;
                let body = unwrap(&bytes)?;
                let chapter = postcard::from_bytes(body).ok()?;
                Some((key, Arc::new(chapter)))
            })
            .collect();
        *cache.on_disk.lock().unwrap_or_else(|e| e.into_inner()) =
            chapters.iter().map(|(key, _)| *key).collect();
        cache.layout.insert(chapters);
        if let Some(entries) = std::fs::read(dir.join("epub.bin"))
            .ok()
            .and_then(|bytes| unwrap(&bytes).and_then(EntryCache::from_bytes))
        {
            return BuildCache {
                entries,
                ..cache
            };
        }
        cache
    }

    /// Keeps the cache in `dir` (made if missing): the chapters and entries
    /// the last build used, and no others.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let layout = dir.join("layout");
        std::fs::create_dir_all(&layout)?;
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            write_atomic(
                &tag,
                b"Signature: 8a477f597d28d172789f06886806bc55\n\
                  # This folder is quire's build cache; it may be deleted at any time.\n",
            )?;
        }
        let chapters = self.layout.entries();
        let names: std::collections::BTreeSet<String> = chapters
            .iter()
            .map(|(key, _)| format!("{key:032x}.bin"))
            .collect();
        let mut on_disk = self.on_disk.lock().unwrap_or_else(|e| e.into_inner());
        chapters
            .par_iter()
            .filter(|(key, _)| !on_disk.contains(key))
            .try_for_each(|(key, chapter)| {
                let path = layout.join(format!("{key:032x}.bin"));
                let body = postcard::to_stdvec(&**chapter).map_err(std::io::Error::other)?;
                write_atomic(&path, &wrap(&body))
            })?;
        *on_disk = chapters.iter().map(|(key, _)| *key).collect();
        for entry in std::fs::read_dir(&layout)?.filter_map(Result::ok) {
            let name = entry.file_name();
            if !names.contains(name.to_string_lossy().as_ref()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        write_atomic(&dir.join("epub.bin"), &wrap(&self.entries.to_bytes()))
    }
}

/// The header every file starts with.
fn header() -> Vec<u8> {
    let mut header = MAGIC.to_vec();
    header.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    header.push(0);
    header
}

/// `body` with the header before it.
fn wrap(body: &[u8]) -> Vec<u8> {
    let mut out = header();
    out.extend_from_slice(body);
    out
}

/// The body of a file this version wrote.
fn unwrap(bytes: &[u8]) -> Option<&[u8]> {
    bytes.strip_prefix(header().as_slice())
}

/// Writes `bytes` to `path` whole or not at all: to a temporary name in the
/// same folder, then renamed over it.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::typeset::pages::ChapterPages;

    fn chapter(short: usize) -> CachedChapter {
        let pages = ChapterPages {
            short,
            ..ChapterPages::default()
        };
        Arc::new((pages, vec![Diagnostic::warning("some-code", "a warning")]))
    }

    #[test]
    fn what_is_saved_loads_back_and_another_version_reads_as_empty() {
        let dir = tempfile::tempdir().expect("a temp folder");
        let folder = dir.path().join(FOLDER);
        let cache = BuildCache::new();
        cache.layout.insert([(7, chapter(1)), (9, chapter(2))]);
        cache.save(&folder).expect("saved");
        let loaded = BuildCache::load(&folder);
        let entries = loaded.layout.entries();
        assert_eq!(
            format!("{entries:?}"),
            format!("{:?}", cache.layout.entries())
        );
        assert_eq!(entries[0].1.1[0].code, "some-code");
        // Written by another version: ignored.
        let file = folder.join(format!("layout/{:032x}.bin", 7));
        let bytes = std::fs::read(&file).expect("the file");
        let other = [&MAGIC[..], b"0.0.0-other\0", &bytes[header().len()..]].concat();
        std::fs::write(&file, other).expect("rewritten");
        let loaded = BuildCache::load(&folder);
        let keys: Vec<u128> = loaded.layout.entries().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [9]);
        // Nothing there at all: empty, no error.
        assert!(BuildCache::load(&dir.path().join("nowhere")).layout.entries().is_empty());
    }
}
