//! The build cache: what one build keeps so that the next sets, draws and
//! compresses only what changed.
//!
//! **In:** the caches the stages fill ([`LayoutCache`]: each chapter's
//! pages; [`PageCache`]: the PDF's compressed pages, font programs and
//! images; [`EntryCache`]: the EPUB's deflated files). **Out:** a
//! [`BuildCache`] to hand to [`render_with`](crate::render_with), and the
//! bytes to keep each part in and read it back from (the CLI keeps them in
//! `<out>/.quire-cache/`; this module does no I/O). **Must not:** change a
//! byte of any edition: every entry is keyed by a hash of all it was made
//! from (the content, the page style, the fonts, the quire version), so a
//! stale entry is never found, only missed. Nor fail a build: bytes from
//! another version, truncated or garbled, read as nothing.
//!
//! Each part's bytes start with [`MAGIC`] and the quire version; bytes
//! written by another version are not read.

use std::sync::Arc;

use crate::epub::EntryCache;
use crate::manifest::DigestCache;
use crate::pdf::PageCache;
use crate::typeset::LayoutCache;

/// What every kept part starts with, then the quire version and a NUL.
pub const MAGIC: &[u8; 12] = b"quire-cache\x01";

/// The caches of one book, kept between builds.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Chapters set.
    pub layout: LayoutCache,
    /// The PDF's pages drawn and compressed, its fonts and images.
    pub pages: PageCache,
    /// The EPUB's files, deflated.
    pub entries: EntryCache,
    /// The editions' digests, to take up where the next build's bytes
    /// first differ: kept for builds that follow one another in one
    /// process, not for one build.
    pub digests: Option<DigestCache>,
}

impl BuildCache {
    /// A new, empty cache, for builds that follow one another in one
    /// process (`quire watch`).
    pub fn new() -> Self {
        BuildCache {
            digests: Some(DigestCache::default()),
            ..Self::default()
        }
    }

    /// A new, empty cache for one build, whose chapters are kept as
    /// bytes: see [`LayoutCache::compact`].
    pub fn for_one_build() -> Self {
        BuildCache {
            layout: LayoutCache::compact(),
            ..Self::default()
        }
    }
}

/// What is kept before a chapter's bytes from [`LayoutCache::entries`]:
/// the header and the XXH3-64 hash of the chapter's bytes (the two are
/// written one after the other, with no copy of the chapter).
pub fn chapter_head(chapter: &[u8]) -> Vec<u8> {
    let mut out = header();
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(chapter).to_le_bytes());
    out
}

/// The chapter's bytes from its head ([`chapter_head`]) and them, for
/// [`LayoutCache::insert`]; `None` for bytes of another version, cut
/// short or changed (the hash is checked, so nothing damaged is kept).
pub fn chapter_from_bytes(bytes: &[u8]) -> Option<Arc<[u8]>> {
    let body = unwrap(bytes)?;
    let (hash, chapter) = body.split_at_checked(8)?;
    let hash = u64::from_le_bytes(hash.try_into().ok()?);
    (xxhash_rust::xxh3::xxh3_64(chapter) == hash).then(|| Arc::from(chapter))
}

/// The EPUB's deflated files, as bytes to keep.
pub fn entries_to_bytes(entries: &EntryCache) -> Vec<u8> {
    wrap(&entries.to_bytes())
}

/// The EPUB's deflated files from [`entries_to_bytes`]; `None` for
/// anything else.
pub fn entries_from_bytes(bytes: &[u8]) -> Option<EntryCache> {
    EntryCache::from_bytes(unwrap(bytes)?)
}

/// The PDF's compressed pages, fonts and images, as bytes to keep.
pub fn pages_to_bytes(pages: &PageCache) -> Vec<u8> {
    wrap(&pages.to_bytes())
}

/// The PDF's entries from [`pages_to_bytes`]; `None` for anything else.
pub fn pages_from_bytes(bytes: &[u8]) -> Option<PageCache> {
    PageCache::from_bytes(unwrap(bytes)?)
}

/// The header every kept part starts with.
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

/// The body of bytes this version wrote.
fn unwrap(bytes: &[u8]) -> Option<&[u8]> {
    bytes.strip_prefix(header().as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::typeset::pages::ChapterPages;

    fn chapter(short: usize) -> Vec<u8> {
        let pages = ChapterPages {
            short,
            ..ChapterPages::default()
        };
        crate::typeset::chapter_bytes(&(pages, vec![Diagnostic::warning("some-code", "a warning")]))
    }

    #[test]
    fn a_chapter_reads_back_and_bytes_of_another_version_do_not() {
        let kept = chapter(3);
        let bytes = [chapter_head(&kept), kept.clone()].concat();
        let read = chapter_from_bytes(&bytes).expect("reads back");
        assert_eq!(&read[..], &kept[..]);
        let set = crate::typeset::chapter_from_bytes(&read).expect("decodes");
        assert_eq!(set.0.short, 3);
        assert_eq!(set.1[0].code, "some-code");
        let other = [&MAGIC[..], b"0.0.0-other\0", &bytes[header().len()..]].concat();
        assert!(chapter_from_bytes(&other).is_none());
        assert!(chapter_from_bytes(&bytes[..bytes.len() - 3]).is_none());
        // One byte changed: the hash no longer matches.
        let mut changed = bytes.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert!(chapter_from_bytes(&changed).is_none());
        assert!(entries_from_bytes(&bytes).is_none(), "not an entry cache");
        let entries = EntryCache::new();
        assert!(entries_from_bytes(&entries_to_bytes(&entries)).is_some());
    }
}
