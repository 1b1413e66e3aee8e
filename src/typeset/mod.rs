//! Typesetting: model → positioned pages, to TeX's standard.
//!
//! **In:** the [`Book`](crate::model::Book), the [`FontSet`](crate::fonts::FontSet)
//! and the page style from `book.toml`. **Out:** pages of positioned frames
//! (glyph runs, rules, images, links) in points, for `pdf/`. **Must not:** do
//! I/O, know Markdown or PDF, or fail on content (it warns at the source).
//!
//! Sub-stages, each its own module:
//! - `shape`: text runs → positioned glyphs (harfrust), cached per word.
//! - `hyphenate`: a word → the points where a hyphen may break it (Liang
//!   patterns, the book's exceptions and minimums), cached per word.
//! - `linebreak`: boxes, glue and penalties → Knuth–Plass total-fit line
//!   breaks (adjustment ratios, overfull lines), TeX's passes and parameters.
//! - `paragraph`: styled text → shaped, hyphenated, justified lines.
//! - `style`: page geometry, sizes and faces from `book.toml`.
//! - `flow`: a chapter's blocks → vertical lists of set lines: the body,
//!   and each note apart.
//! - `pages`: a chapter's lists → its pages, notes at the foot of the page
//!   of their call, breaks chosen by cost (no widows, orphans or lone
//!   headings).
//! - `book`: the chapters' pages → the book: front matter and contents,
//!   recto openings, running heads, folios, page labels, bookmarks.
//! - `frame`: the output, pages of positioned glyph runs, rules, images
//!   and links.

pub mod book;
pub mod clock;
pub mod flow;
pub mod frame;
pub mod hyphenate;
pub mod linebreak;
pub mod pages;
pub mod paragraph;
pub mod shape;
pub mod style;

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::fonts::FontSet;
use crate::model::Book;
use crate::progress::Part;

/// The print edition's pages, and the warnings of its text.
#[derive(Debug)]
pub struct Typeset {
    /// The pages, bookmarks and page numbering.
    pub document: frame::Document,
    /// What each page is and holds (for tests and measures).
    pub report: book::Report,
    /// Warnings at their source: characters no font has, lines that could
    /// not be set within the measure or the tolerance.
    pub diagnostics: Vec<Diagnostic>,
    /// What setting the chapters cached and needs no more.
    pub spent: Spent,
}

/// What the threads that set the chapters cached to go faster (every word
/// shaped and hyphenated, per thread), no longer needed. Freeing it is
/// hundreds of thousands of small frees: a caller with other work to do
/// may drop it on another thread.
pub struct Spent(Vec<(shape::Caches, flow::Hyphenators)>);

impl std::fmt::Debug for Spent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spent({} threads)", self.0.len())
    }
}

/// Sets the book: the front matter, then the chapters, each opening on a
/// recto; `timestamp` (`SOURCE_DATE_EPOCH`) dates the edition on the
/// copyright page.
///
/// The chapters are laid out and broken into pages in parallel on rayon's
/// current thread pool (the global one unless the caller [installs]
/// another) and joined in book order. A chapter's pages depend on nothing
/// but the book, the style and its index (see [`flow::chapter`]), as every
/// chapter opens on a recto: they are the same for any number of threads.
///
/// [installs]: rayon::ThreadPool::install
pub fn typeset(book: &Book, config: &Config, fonts: &FontSet, timestamp: Option<i64>) -> Typeset {
    typeset_with(book, config, fonts, timestamp, &crate::progress::Silent)
}

/// [`typeset`], with a step of [`Stage::Typeset`](crate::progress::Stage::Typeset)
/// told to `progress` as each chapter is set (from any thread).
pub fn typeset_with(
    book: &Book,
    config: &Config,
    fonts: &FontSet,
    timestamp: Option<i64>,
    progress: &dyn crate::progress::Progress,
) -> Typeset {
    typeset_cached(book, config, fonts, timestamp, progress, None)
}

/// [`typeset_with`], taking from `cache` the chapters set before whose
/// text and surroundings have not changed, and keeping there the ones it
/// sets. The result is the same with or without a cache.
pub fn typeset_cached(
    book: &Book,
    config: &Config,
    fonts: &FontSet,
    timestamp: Option<i64>,
    progress: &dyn crate::progress::Progress,
    cache: Option<&LayoutCache>,
) -> Typeset {
    let style = style::Style::new(config, fonts);
    let settings = hyphenate::Settings::from(&config.hyphenation);
    if let Some(cache) = cache {
        cache.begin(book, config, fonts);
    }
    let (chapters, diagnostics, spent) = chapters(
        book,
        &style,
        fonts,
        &settings,
        config.hyphenation.enabled,
        progress,
        cache,
    );
    let mut shaper = shape::Shaper::new(fonts);
    let (document, report) = book::assemble(book, &style, &mut shaper, chapters, timestamp);
    report_spent(progress);
    Typeset {
        document,
        report,
        diagnostics,
        spent,
    }
}

/// What a thread needs to set chapters: a shaper and hyphenators, each with
/// its caches.
struct Worker<'a> {
    shaper: shape::Shaper<'a>,
    hyphenators: flow::Hyphenators,
}

/// Lays out every chapter and breaks it into pages, in parallel, and joins
/// their pages and their warnings in book order.
///
/// Each worker thread of the pool keeps one [`Worker`] for the whole book,
/// so its caches warm once and need no lock: a word is looked up tens of
/// times for each time it is shaped. What that costs, each thread shaping
/// and hyphenating the book's vocabulary for itself, measured about 1 % more
/// instructions on the large corpus with two threads; one shaper cache
/// shared behind a mutex instead took about 15 % more CPU time for the
/// stage (a lock for every word and character looked up).
fn chapters(
    book: &Book,
    style: &style::Style,
    fonts: &FontSet,
    settings: &hyphenate::Settings,
    hyphenate: bool,
    progress: &dyn crate::progress::Progress,
    cache: Option<&LayoutCache>,
) -> (Vec<pages::ChapterPages>, Vec<Diagnostic>, Spent) {
    let new_worker = || Worker {
        shaper: shape::Shaper::new(fonts),
        hyphenators: flow::Hyphenators::new(settings.clone(), hyphenate),
    };
    let workers: Vec<Mutex<Option<Worker>>> = (0..rayon::current_num_threads())
        .map(|_| Mutex::new(None))
        .collect();
    let lists: Vec<(pages::ChapterPages, Vec<Diagnostic>)> = (0..book.chapters.len())
        .into_par_iter()
        .map(|index| {
            let key = cache.map(|cache| cache.key(book, index));
            if let (Some(cache), Some(key)) = (cache, key)
                && let Some(set) = cache.get(key)
            {
                progress.step(crate::progress::Stage::Typeset);
                return set;
            }
            // The slot of this thread. It is never held by another thread;
            // `try_lock` fails only if this thread already holds it (were a
            // chapter's layout ever to wait on rayon and steal another) or
            // a panic poisoned it: then a fresh worker does the chapter.
            let slot = rayon::current_thread_index()
                .and_then(|thread| workers.get(thread))
                .and_then(|slot| slot.try_lock().ok());
            let mut slot = slot;
            let mut fresh = None;
            let worker = match slot.as_mut() {
                Some(slot) => slot.get_or_insert_with(new_worker),
                None => fresh.insert(new_worker()),
            };
            let (pages, mut found) = chapter_pages(
                book,
                index,
                style,
                &mut worker.shaper,
                &mut worker.hyphenators,
            );
            // The generated back matter's text is quire's: a hash broken
            // across lines is no fault the author could mend, and its spans
            // are borrowed from the first chapter.
            if book.chapters[index].back_matter {
                found.retain(|d| !d.code.starts_with("line-"));
            }
            progress.step(crate::progress::Stage::Typeset);
            report_spent(progress);
            let set = (pages, found);
            if let (Some(cache), Some(key)) = (cache, key) {
                cache.put(key, &set);
            }
            set
        })
        .collect();
    let mut chapters = Vec::new();
    let mut diagnostics = Vec::new();
    // A character the back matter lacks a glyph for came from a chapter
    // (a title, a source record): said there already, it is not said again
    // at the borrowed span.
    let missing = |d: &Diagnostic| {
        (d.code == "glyph-missing").then(|| d.message.split(')').next().unwrap_or("").to_string())
    };
    let mut reported = std::collections::BTreeSet::new();
    for (index, (pages, found)) in lists.into_iter().enumerate() {
        chapters.push(pages);
        for diagnostic in found {
            let glyph = missing(&diagnostic);
            if book.chapters[index].back_matter
                && glyph.as_ref().is_some_and(|g| reported.contains(g))
            {
                continue;
            }
            reported.extend(glyph);
            diagnostics.push(diagnostic);
        }
    }
    let spent = workers
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .map(|mut worker| (worker.shaper.take_caches(), worker.hyphenators))
        .collect();
    (chapters, diagnostics, Spent(spent))
}

/// Tells `progress` what this thread spent on each part since last told.
fn report_spent(progress: &dyn crate::progress::Progress) {
    for (part, time) in crate::progress::Part::ALL.into_iter().zip(clock::take()) {
        if !time.is_zero() {
            progress.spent(part, time);
        }
    }
}

/// Chapters set in earlier builds of the same book, for a build that
/// follows (`quire watch` keeps one while it runs; `quire build` reads one
/// from disk and writes it back, see [`crate::cache`]).
///
/// A chapter's pages depend on its own model (text and spans), its index,
/// the number of its first note, the book's language and images, the page
/// style and the fonts (see [`chapter_pages`]). All of them make the
/// chapter's key: the XXH3-128 hash of the quire version and
/// [`LAYOUT_FORMAT`], the *context* (the last four, as text and a hash of
/// the font bytes) and the chapter's model (every field, through `Hash`),
/// index and first note. Any change, down to a span, misses.
/// What a build does not use is dropped when the next one begins.
///
/// A cache made [`compact`](Self::compact) keeps each chapter as bytes
/// ([`chapter_bytes`]): what a one-time build writes out anyway; a hit
/// decodes them (all but each page's sheet items, which are decoded only
/// if the page is drawn again). Otherwise (for `quire watch`, which takes
/// every chapter again at each rebuild) it keeps the pages themselves, and
/// a hit copies them, sharing their sheets.
#[derive(Debug, Default)]
pub struct LayoutCache {
    inner: Mutex<CacheInner>,
    compact: bool,
}

/// The version of what a [`LayoutCache`] keeps and how its keys are made,
/// in every key: a change to either (within one quire version, as in
/// development) must miss, not read chapters set another way.
pub const LAYOUT_FORMAT: u32 = 7;

/// A chapter set: its pages and its warnings.
pub type SetChapter = (pages::ChapterPages, Vec<Diagnostic>);

/// A chapter as the cache keeps it.
#[derive(Debug, Clone)]
enum Kept {
    Set(Arc<SetChapter>),
    Bytes(Arc<[u8]>),
}

/// A chapter set, as the bytes a [`LayoutCache`] keeps it in (postcard).
pub fn chapter_bytes(chapter: &SetChapter) -> Vec<u8> {
    // Serializing plain data to memory cannot fail.
    postcard::to_stdvec(chapter).unwrap_or_default()
}

/// A chapter from [`chapter_bytes`]; `None` for anything else.
pub fn chapter_from_bytes(bytes: &[u8]) -> Option<SetChapter> {
    postcard::from_bytes(bytes).ok()
}

#[derive(Debug, Default)]
struct CacheInner {
    /// The context of the build under way.
    context: u128,
    chapters: rustc_hash::FxHashMap<u128, Kept>,
    /// Keys used by the current build; the others are dropped when the
    /// next begins.
    used: rustc_hash::FxHashSet<u128>,
    hits: usize,
    misses: usize,
}

impl LayoutCache {
    /// A new, empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new, empty cache keeping chapters as bytes (see above).
    pub fn compact() -> Self {
        LayoutCache {
            compact: true,
            ..Self::default()
        }
    }

    /// How many chapters the last build took from the cache.
    pub fn hits(&self) -> usize {
        self.lock().hits
    }

    /// How many chapters the last build set (and kept in the cache).
    pub fn misses(&self) -> usize {
        self.lock().misses
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The keys of the chapters the last build used (all, before any
    /// build), in order: what to keep.
    pub fn keys(&self) -> Vec<u128> {
        let inner = self.lock();
        let mut keys: Vec<u128> = inner
            .chapters
            .keys()
            .filter(|key| inner.used.is_empty() || inner.used.contains(key))
            .copied()
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The chapters kept under `keys` (those it has), in the same order,
    /// as bytes ([`chapter_bytes`]), encoded in parallel.
    pub fn entries(&self, keys: &[u128]) -> Vec<(u128, Arc<[u8]>)> {
        let kept: Vec<(u128, Kept)> = {
            let inner = self.lock();
            keys.iter()
                .filter_map(|key| Some((*key, inner.chapters.get(key)?.clone())))
                .collect()
        };
        kept.into_par_iter()
            .map(|(key, kept)| match kept {
                Kept::Bytes(bytes) => (key, bytes),
                Kept::Set(set) => (key, Arc::from(chapter_bytes(&set))),
            })
            .collect()
    }

    /// Adds chapters kept before, as [`entries`](Self::entries) gave them.
    /// They are decoded when a build first takes them.
    pub fn insert(&self, entries: impl IntoIterator<Item = (u128, Arc<[u8]>)>) {
        self.lock().chapters.extend(
            entries
                .into_iter()
                .map(|(key, bytes)| (key, Kept::Bytes(bytes))),
        );
    }

    /// Starts a build: sets the context and forgets the chapters the last
    /// build did not use.
    fn begin(&self, book: &Book, config: &Config, fonts: &FontSet) {
        let mut faces = xxhash_rust::xxh3::Xxh3::new();
        for face in &fonts.faces {
            let bytes: &[u8] = (*face.data).as_ref();
            faces.update(&(bytes.len() as u64).to_le_bytes());
            faces.update(bytes);
        }
        let images: Vec<_> = book.images.iter().map(|image| image.pixels).collect();
        let context = format!(
            "quire {} {LAYOUT_FORMAT}|{:?}|{:?}|{:?}|{:?}|{:?}|{:x}",
            env!("CARGO_PKG_VERSION"),
            config.pdf,
            config.hyphenation,
            config.epub.footnote_numbering,
            book.meta.language,
            images,
            faces.digest128()
        );
        let mut inner = self.lock();
        inner.context = xxhash_rust::xxh3::xxh3_128(context.as_bytes());
        let used = std::mem::take(&mut inner.used);
        if !used.is_empty() {
            inner.chapters.retain(|key, _| used.contains(key));
        }
        inner.hits = 0;
        inner.misses = 0;
    }

    /// The key of chapter `index` of `book`.
    fn key(&self, book: &Book, index: usize) -> u128 {
        // Where its notes' numbers start, if it has notes.
        let chapter = &book.chapters[index];
        let first_note = if chapter.footnotes.is_empty() {
            0
        } else {
            book.footnote_number(index, 0, crate::model::FootnoteNumbering::Book)
        };
        let context = self.lock().context;
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        std::hash::Hash::hash(&(context, index, first_note, chapter), &mut hasher);
        hasher.digest128()
    }

    /// The chapter kept under `key`. Bytes that do not decode are a miss.
    fn get(&self, key: u128) -> Option<SetChapter> {
        let found = {
            let mut inner = self.lock();
            inner.used.insert(key);
            inner.chapters.get(&key).cloned()
        };
        let set = match found? {
            Kept::Set(set) => (*set).clone(),
            Kept::Bytes(bytes) => {
                let set = chapter_from_bytes(&bytes)?;
                if !self.compact {
                    // Decoded once: the next rebuild copies it.
                    let kept = Kept::Set(Arc::new(set.clone()));
                    self.lock().chapters.insert(key, kept);
                }
                set
            }
        };
        self.lock().hits += 1;
        Some(set)
    }

    fn put(&self, key: u128, set: &SetChapter) {
        let kept = if self.compact {
            Kept::Bytes(Arc::from(chapter_bytes(set)))
        } else {
            Kept::Set(Arc::new(set.clone()))
        };
        let mut inner = self.lock();
        inner.used.insert(key);
        inner.chapters.insert(key, kept);
        inner.misses += 1;
    }
}

/// Chapter `index` laid out and broken into pages, with its warnings.
///
/// It is set once; if a page of it then falls short (its breaks forced by
/// notes, widows and orphans), it is set again with every body paragraph's
/// settings a line shorter and longer, for the page builder to fill the
/// pages with (most chapters need no second setting). The second setting
/// takes each body paragraph's shaping and best breaking from the first
/// ([`paragraph::Memo`]): it only breaks them a line shorter and longer.
pub fn chapter_pages(
    book: &Book,
    index: usize,
    style: &style::Style,
    shaper: &mut shape::Shaper,
    hyphenators: &mut flow::Hyphenators,
) -> (pages::ChapterPages, Vec<Diagnostic>) {
    let mut result = (pages::ChapterPages::default(), Vec::new());
    // The body paragraphs as shaped and broken the first time, for the
    // second to set their variants from.
    let mut memo = paragraph::Memo::keeping();
    for variants in [false, true] {
        let mut diagnostics = Vec::new();
        if variants {
            memo.replay();
        }
        let list = flow::chapter(
            book,
            index,
            style,
            shaper,
            hyphenators,
            &mut diagnostics,
            variants,
            Some(&mut memo),
        );
        let mut set = clock::timed(Part::Paginate, || pages::chapter(list, style));
        diagnostics.append(&mut set.diagnostics);
        let short = set.short;
        result = (set, diagnostics);
        if short == 0 {
            break;
        }
    }
    result
}
