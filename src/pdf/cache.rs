//! What one export keeps for the next: each page's compressed content
//! stream, each embedded font program and each image, by a 128-bit key.
//!
//! **In:** keys the writer makes from everything that goes into an entry's
//! bytes (see [`super::page::key`], [`super::font`] and [`super::image`]),
//! each with [`FORMAT`]. **Out:** the bytes made for that key in an earlier
//! export, which are the very bytes this export would make. **Must not:**
//! change the output: an export with a cache, cold or warm, writes the same
//! bytes as one without.
//!
//! `quire watch` keeps one [`PageCache`] while it runs, so a rebuild after
//! an edit to one chapter recompresses only the pages (and font subsets)
//! that changed; [`PageCache::to_bytes`] and [`PageCache::from_bytes`] let
//! the CLI keep it on disk between runs.

use std::sync::{Arc, Mutex, MutexGuard};

use rustc_hash::{FxHashMap, FxHashSet};

/// The version of everything the writer caches: the content-stream
/// format, the compression level, the font and image encodings. It is
/// hashed into every key and written at the head of
/// [`PageCache::to_bytes`]; change it whenever the writer would make other
/// bytes for the same key.
pub(super) const FORMAT: u32 = 3;

/// What [`PageCache::to_bytes`] starts with.
const MAGIC: &[u8; 16] = b"quire-pdf-cache\0";

/// Entries of earlier exports: compressed page content streams, font
/// programs and images, each under the hash of what made it. Shared by
/// the threads of one export (a lock around a map).
///
/// Every export drops, at its end, the entries it did not use, so the
/// cache holds one book's worth of bytes.
#[derive(Default)]
pub struct PageCache {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("PageCache")
            .field("entries", &inner.entries.len())
            .field("hits", &inner.hits)
            .field("misses", &inner.misses)
            .finish()
    }
}

#[derive(Default)]
struct Inner {
    entries: FxHashMap<u128, Arc<[u8]>>,
    /// The keys the current export asked for.
    used: FxHashSet<u128>,
    hits: usize,
    misses: usize,
    /// The fingerprints of font files hashed before, each with the file
    /// (held, so its address is not reused while it is listed).
    faces: Vec<(crate::fonts::FontBytes, u128)>,
}

impl PageCache {
    /// A new, empty cache.
    pub fn new() -> PageCache {
        PageCache::default()
    }

    /// How many entries the last export took from the cache.
    pub fn hits(&self) -> usize {
        self.lock().hits
    }

    /// How many entries the last export had to make (and kept).
    pub fn misses(&self) -> usize {
        self.lock().misses
    }

    /// How many entries the cache holds.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An export begins: counts start again from zero.
    pub(super) fn begin(&self) {
        let mut inner = self.lock();
        inner.used.clear();
        inner.hits = 0;
        inner.misses = 0;
    }

    /// The export is over: entries it did not use are dropped.
    pub(super) fn end(&self) {
        let mut inner = self.lock();
        let used = std::mem::take(&mut inner.used);
        inner.entries.retain(|key, _| used.contains(key));
    }

    /// The bytes kept under `key`, or those `make` makes (then kept).
    /// `make` runs without the lock held, so threads make entries at the
    /// same time.
    pub(super) fn get_or_make<E>(
        &self,
        key: u128,
        make: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Arc<[u8]>, E> {
        {
            let mut inner = self.lock();
            inner.used.insert(key);
            if let Some(found) = inner.entries.get(&key).cloned() {
                inner.hits += 1;
                return Ok(found);
            }
        }
        let made: Arc<[u8]> = make()?.into();
        let mut inner = self.lock();
        inner.misses += 1;
        inner.entries.insert(key, made.clone());
        Ok(made)
    }

    /// A hash of a font file's bytes, made once for as long as the file is
    /// shared (a `watch` keeps one `FontSet`; hashing every face again at
    /// each export would cost a few milliseconds).
    pub(super) fn face_print(&self, data: &crate::fonts::FontBytes) -> u128 {
        if let Some((_, print)) = self
            .lock()
            .faces
            .iter()
            .find(|(known, _)| std::sync::Arc::ptr_eq(known, data))
        {
            return *print;
        }
        let print = Key::new(b"face").bytes((**data).as_ref()).value();
        let mut inner = self.lock();
        // Files no longer shared by anyone else are forgotten.
        inner
            .faces
            .retain(|(known, _)| std::sync::Arc::strong_count(known) > 1);
        inner.faces.push((data.clone(), print));
        print
    }

    /// The cache as bytes, for a file: a header (magic and [`FORMAT`]),
    /// the number of entries, then each entry's key and length (little
    /// endian) and bytes, by ascending key, so equal caches give equal
    /// files.
    pub fn to_bytes(&self) -> Vec<u8> {
        let inner = self.lock();
        let mut keys: Vec<&u128> = inner.entries.keys().collect();
        keys.sort_unstable();
        let size: usize = inner.entries.values().map(|v| v.len() + 24).sum();
        let mut out = Vec::with_capacity(MAGIC.len() + 12 + size);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&(keys.len() as u64).to_le_bytes());
        for key in keys {
            let bytes = &inner.entries[key];
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        out
    }

    /// A cache read back from [`PageCache::to_bytes`]; `None` when the
    /// bytes are not such a cache, are cut short, or were written by a
    /// writer of another [`FORMAT`] (whose entries would not be this
    /// writer's bytes).
    pub fn from_bytes(bytes: &[u8]) -> Option<PageCache> {
        let mut rest = bytes.strip_prefix(MAGIC)?;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (head, tail) = rest.split_at_checked(n)?;
            rest = tail;
            Some(head)
        };
        let format = u32::from_le_bytes(take(4)?.try_into().ok()?);
        if format != FORMAT {
            return None;
        }
        let count = u64::from_le_bytes(take(8)?.try_into().ok()?);
        let mut entries = FxHashMap::default();
        for _ in 0..count {
            let key = u128::from_le_bytes(take(16)?.try_into().ok()?);
            let len = usize::try_from(u64::from_le_bytes(take(8)?.try_into().ok()?)).ok()?;
            entries.insert(key, Arc::from(take(len)?));
        }
        if !rest.is_empty() {
            return None;
        }
        Some(PageCache {
            inner: Mutex::new(Inner {
                entries,
                ..Inner::default()
            }),
        })
    }
}

/// A 128-bit hasher for cache keys and the document's ID: XXH3-128, whose
/// output does not change between runs, machines or versions of the
/// standard library (unlike `DefaultHasher`), so keys can be kept on disk;
/// and fast, as every page is hashed at every build.
pub(super) struct Key(xxhash_rust::xxh3::Xxh3);

impl Key {
    /// A hasher for keys of one `kind` (`b"page"`, `b"font"`, …), with
    /// [`FORMAT`] already in.
    pub(super) fn new(kind: &[u8]) -> Key {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&(kind.len() as u64).to_le_bytes());
        hasher.update(kind);
        hasher.update(&FORMAT.to_le_bytes());
        Key(hasher)
    }

    /// Adds bytes.
    pub(super) fn bytes(&mut self, bytes: &[u8]) -> &mut Key {
        self.0.update(bytes);
        self
    }

    /// Adds a number.
    pub(super) fn u64(&mut self, n: u64) -> &mut Key {
        self.bytes(&n.to_le_bytes())
    }

    /// The key (XXH3-128).
    pub(super) fn value(&self) -> u128 {
        self.0.digest128()
    }
}
