//! quire typesets a book of Markdown chapters into an EPUB 3 and a print PDF.
//!
//! # Bird's-eye view
//!
//! ```text
//! book.toml + chapters/*.md ──load──> Loaded (Config + chapter texts in a SourceMap)
//!       ──markdown──> model::Book (metadata, chapters, blocks, inlines, footnotes, sources)
//!       ──assets──> model::Book with its images read and identified
//!       ──appendix──> model::Book ending with its source appendix (at render)
//!       ──epub──> book.epub
//!       ──typeset──> frames ──pdf──> book.pdf
//!       ──manifest──> book.manifest.json   (inputs read, outputs made, tool, config)
//! ```
//!
//! [`compile`] runs the stages up to the model, one call each, recording
//! every file it reads; [`render`] runs the writers in memory. The CLI calls
//! both, prints the diagnostics once, and only then writes files: the
//! editions, then the build manifest ([`manifest::Manifest::new`]). `quire
//! build --verify` runs the same two calls and compares manifests
//! ([`manifest::compare`]) instead of writing.
//!
//! # Code map
//!
//! - `main.rs`: the binary; hands over to `cli::run` and exits with its code.
//! - `cli/`: the only place that knows clap, terminals, signals, exit codes
//!   and how diagnostics look; one file per subcommand (`build` with its
//!   `--verify`, `check`, `watch`, `import`, `init`) plus `diagnostics.rs`
//!   (human, short, JSON Lines and GitHub annotations), `progress.rs` (a
//!   bar per stage, `--verbose` timings), `output.rs` (every file of a
//!   build written aside, then renamed into place together; an interrupt
//!   waits for that and exits 130) and `cache.rs` (the build cache's
//!   folder).
//! - [`world`]: the [`World`](world::World) trait (files, listings, timestamp)
//!   and `SystemWorld`; [`BookPath`](world::BookPath), a path proven to stay
//!   inside the book; [`Recorder`](world::Recorder), which remembers every
//!   file read with its SHA-256, and [`Pinned`](world::Pinned), which gives
//!   a fixed timestamp and commit for a rebuild.
//! - [`source`]: source files, [`Span`](source::Span)s, line/column lookup.
//! - [`diag`]: [`Diagnostic`](diag::Diagnostic) (severity, code, message,
//!   location, hints) and the [`Sink`](diag::Sink) warnings go into.
//! - [`config`]: `book.toml` → typed [`Config`](config::Config).
//! - [`load`]: reads `book.toml`, the chapters and the book's font files
//!   through the world, and gives each font role its family.
//! - [`markdown`]: one chapter's Markdown → [`model::Chapter`] (the
//!   chapters are parsed in parallel, [`compile_with`]).
//! - [`lint`]: a copy editor's reading of a chapter's text: straight
//!   quotes left, double spaces, backslashes glued between words.
//! - [`progress`]: the [`Progress`](progress::Progress) listener the stages
//!   tell as they begin, do a unit of work and end ([`compile_with`],
//!   [`render_with`]).
//! - [`appendix`]: the source appendix, generated into the model as back
//!   matter (where each chapter came from, its original's SHA-256, the
//!   build record) so both editions set it like a chapter.
//! - [`assets`]: finds, reads and identifies the images the chapters and the
//!   cover name (format from the bytes, pixel size from the header).
//! - [`model`]: the semantic book, defined once, and [`inline_lists`](model::inline_lists),
//!   the one walk over every paragraph, heading and table cell of its blocks.
//! - [`typeset`]: model → a document of positioned frames (pages, links,
//!   bookmarks, page labels) and the warnings of the text: shaping
//!   (harfrust), hyphenation (Liang patterns), Knuth–Plass line breaking
//!   with font expansion, blocks (`flow`), a page builder that breaks each
//!   chapter by cost with notes at the foot of their call's page (a
//!   shortest path, bounded by the cost of a greedy way through; `pages`),
//!   and the book's assembly: front matter, contents, recto openings,
//!   running heads, folios (`book`). What a chapter's layout puts on a
//!   page is the page's [`Sheet`](typeset::frame::Sheet), shared behind an
//!   `Arc` and carrying what it draws and its print, made once. A
//!   [`LayoutCache`](typeset::LayoutCache) keeps chapters set between
//!   builds; `clock` times the parts (shape, break, paginate) for
//!   [`progress`].
//! - [`cache`]: the [`BuildCache`](cache::BuildCache) a build fills and the
//!   next starts from (chapters set, the PDF's compressed pages, fonts and
//!   images, the EPUB's deflated files; in `quire watch`, the editions'
//!   digests to take up where their bytes change), and the
//!   bytes it is kept in; `cli/cache.rs` keeps it in `OUT/.quire-cache/`.
//! - [`pdf`]: frames → PDF bytes, our own writer on `pdf-writer`: one
//!   pass over the clusters each page draws (its sheet's, listed once per
//!   sheet) fixes each face's subset (`subsetter`) and its ToUnicode
//!   texts; each page's content stream is then drawn and compressed
//!   (libdeflate) in parallel (`/ActualText` where a glyph does not stand
//!   for its ToUnicode text, as a hyphen carrying the rest of its word);
//!   images, links, outline, page labels, `/Info` and XMP. A
//!   [`PageCache`](pdf::PageCache) keeps compressed pages, font subsets
//!   and images between builds, with the same bytes as without it.
//! - [`date`]: calendar arithmetic for the dates the editions state.
//! - [`epub`]: model → EPUB 3 bytes (XHTML through [`xml`], templates,
//!   OPF/nav/NCX, deterministic zip). Never sees Markdown or the disk.
//! - [`xml`]: the escaping XML writer every XHTML/OPF/SVG byte goes through.
//! - [`fonts`]: the embedded faces and the book's own (family, style,
//!   weight, bytes, read from the files' tables), their roles, and subsets
//!   of them for embedding.
//! - [`import`]: `quire import`'s engine: a saved web page (text or HTML)
//!   → a chapter file. Reads the page into blocks (`page`, `html`), finds
//!   the article and the source record around it (`article`), repairs
//!   scraping damage with general rules and the book's `import-rules.toml`
//!   (`repair`, `rules`), writes front matter and Markdown (`write`).
//!   Every block dropped and every repair made is reported.
//! - [`html`]: tokenizer for the raw HTML a chapter may hold (tags, text with
//!   references decoded, byte ranges); the EPUB sanitizes with it and the PDF
//!   takes its text ([`html::text_blocks`]). Judges nothing.
//! - [`manifest`]: the build manifest (inputs with their SHA-256, outputs
//!   with SHA-256 and size, tool version, `SOURCE_DATE_EPOCH`, git commit,
//!   effective configuration) as JSON, read back and checked, and the
//!   differences between two; a [`DigestCache`](manifest::DigestCache)
//!   takes an edition's SHA-256 up from where its bytes first differ from
//!   the last build's. Does no I/O.
//!
//! # Invariants
//!
//! - **Only `cli/` and `world::SystemWorld` touch the file system**; the
//!   engine sees the book through [`World`](world::World), and no path it is
//!   given can leave the book folder.
//! - **Parsing never fails on content**: `markdown` warns and goes on; errors
//!   are for configuration and files (what stops an edition).
//! - **Every model node carries a span** (file + byte range), so any later
//!   stage can point at the source.
//! - **`epub/` sees only the model; `pdf/` sees only positioned frames**;
//!   neither knows Markdown.
//! - **Output is a pure function of the inputs**: no clock (the timestamp
//!   comes from `SOURCE_DATE_EPOCH` through the world), no random ids, no
//!   hash-map order and no absolute path in anything emitted. The inputs
//!   are exactly the files read through the world, which the manifest
//!   lists, plus the timestamp, the git commit and the tool itself.
//! - No global mutable state in the engine (the CLI keeps a lock and two
//!   flags for interrupts); no `unsafe`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod appendix;
pub mod assets;
pub mod cache;
pub mod config;
pub mod date;
pub mod diag;
pub mod epub;
pub mod fonts;
pub mod html;
pub mod import;
pub mod lint;
pub mod load;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod pdf;
pub mod progress;
pub mod source;
pub mod typeset;
pub mod world;
pub mod xml;

use diag::{Diagnostic, Sink};
use model::{Book, Chapter};
use source::SourceMap;
use world::World;

/// The result of reading a book: the model when it could be built, every
/// diagnostic, and the sources they point into.
#[derive(Debug)]
pub struct Compiled {
    /// The book, unless an error stopped it.
    pub book: Option<Book>,
    /// Every diagnostic, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The files the diagnostics point into.
    pub sources: SourceMap,
    /// The parsed configuration, when `book.toml` could be read.
    pub config: Option<config::Config>,
    /// The build timestamp the world gave (`SOURCE_DATE_EPOCH`).
    pub timestamp: Option<i64>,
    /// The git commit the book folder is at, if it is in a repository.
    pub git_commit: Option<String>,
    /// The EPUB templates: the built-in ones, or the book's own.
    pub templates: Option<epub::Templates>,
    /// The fonts: the embedded faces and the book's own, in their roles.
    pub fonts: Option<fonts::FontSet>,
    /// Every file of the book that was read (`book.toml`, chapters, saved
    /// originals, images, the book's own fonts and templates), with its
    /// SHA-256, sorted by path: the inputs of the build manifest. The
    /// embedded fonts and templates are not files of the book; the tool's
    /// version stands for them.
    pub inputs: Vec<world::FileRead>,
}

impl Compiled {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == diag::Severity::Error)
    }
}

/// Sorts diagnostics by file (in load order) and position; those without a
/// span come first. The sort is stable, so ties keep the order found.
fn in_source_order(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| match &d.location {
        Some(diag::Location::Span(span)) => (1, span.file.0, span.start),
        _ => (0, 0, 0),
    });
    diagnostics
}

/// Reads and parses a book: the pipeline up to the model. Every file read
/// goes through a [`Recorder`](world::Recorder), so [`Compiled::inputs`]
/// lists exactly what the book depended on.
pub fn compile(world: &dyn World) -> Compiled {
    compile_with(world, &progress::Silent)
}

/// [`compile`], telling `progress` how far it has got.
pub fn compile_with(world: &dyn World, progress: &dyn progress::Progress) -> Compiled {
    use progress::Stage;
    let world = &world::Recorder::new(world);
    let mut sources = SourceMap::new();
    let mut sink = Sink::new();

    // book.toml + chapter files → config and texts.
    progress.begin(Stage::Load, 0);
    let loaded = load::load(world, &mut sources, &mut sink);
    let Some(mut loaded) = loaded else {
        progress.end(Stage::Load);
        return Compiled {
            book: None,
            diagnostics: in_source_order(sink.into_vec()),
            sources,
            config: None,
            timestamp: world.timestamp(),
            git_commit: None,
            templates: None,
            fonts: None,
            inputs: world.reads(),
        };
    };

    // The embedded fonts and the book's own, in their roles.
    let font_files = std::mem::take(&mut loaded.fonts);
    let fonts = load::font_set(&loaded.config, loaded.config_file, font_files, &mut sink);

    // The book's own templates, if it has any.
    let files = load::templates(world, &mut sources, &mut sink);
    let templates = epub::Templates::new(
        files.page.map(|file| (file, sources.get(file).text())),
        files.css.map(|file| sources.get(file).text()),
    )
    .map_err(|error| sink.push(error))
    .ok();
    progress.end(Stage::Load);

    // Each chapter's Markdown → model, the chapters in parallel (each with
    // its own diagnostics, joined in book order). Slugs first: a chapter's
    // depends on those before it.
    progress.begin(Stage::Parse, loaded.chapters.len());
    let mut slugs = Vec::new();
    let named: Vec<(&load::ChapterFile, String)> = loaded
        .chapters
        .iter()
        .map(|file| (file, markdown::chapter_slug(&file.path, &mut slugs)))
        .collect();
    let parsed: Vec<(Chapter, Sink)> = {
        use rayon::prelude::*;
        let sources = &sources;
        named
            .into_par_iter()
            .map(|(file, slug)| {
                let mut sink = Sink::new();
                let chapter = parse_chapter(world, sources, file, slug, &mut sink);
                progress.step(Stage::Parse);
                (chapter, sink)
            })
            .collect()
    };
    let mut chapters = Vec::with_capacity(parsed.len());
    for (chapter, found) in parsed {
        chapters.push(chapter);
        sink.extend(found.into_vec());
    }
    progress.end(Stage::Parse);

    let meta = loaded.config.book.metadata();
    let mut book = Book {
        meta,
        chapters,
        images: Vec::new(),
        cover: None,
    };

    // Image references → image files, read and identified.
    let cover = loaded.config.epub.cover.as_ref().map(|cover| {
        (
            cover.get_ref().as_str(),
            source::Span::new(loaded.config_file, cover.span()),
        )
    });
    progress.begin(Stage::Images, 0);
    assets::resolve(&mut book, cover, world, &mut sink);
    progress.end(Stage::Images);
    let errors = sink.has_errors();
    Compiled {
        book: (!errors).then_some(book),
        diagnostics: in_source_order(sink.into_vec()),
        sources,
        config: Some(loaded.config),
        timestamp: world.timestamp(),
        git_commit: world.git_commit(),
        templates,
        fonts: Some(fonts),
        inputs: world.reads(),
    }
}

/// A chapter's Markdown → model, linted, with the fingerprint of the
/// saved original it names (for the source appendix).
fn parse_chapter(
    world: &dyn World,
    sources: &SourceMap,
    file: &load::ChapterFile,
    slug: String,
    sink: &mut Sink,
) -> Chapter {
    let parsed = markdown::parse(
        sources.get(file.file),
        file.file,
        file.path.clone(),
        slug,
        sink,
    );
    let mut chapter = parsed.chapter;
    lint::chapter(&chapter, sources, sink);
    if let (Some(source), Some(span)) = (chapter.source.as_mut(), parsed.source_file_span)
        && let Some(path) = &source.file
    {
        // The saved original's fingerprint, for the source appendix.
        match world.read(path) {
            Ok(bytes) => {
                let sha = sha256_hex(&bytes);
                // The original changed since it was imported?
                if let Some((recorded, at)) = &parsed.source_sha256
                    && *recorded != sha
                {
                    sink.push(
                        Diagnostic::warning(
                            "source-file-changed",
                            format!("source file `{path}` is not the file that was imported: its SHA-256 is {sha}"),
                        )
                        .at(*at)
                        .hint("restore the saved original, or record its new SHA-256 if the change is meant"),
                    );
                }
                source.sha256 = Some(sha);
            }
            Err(_) => sink.push(
                Diagnostic::warning("source-file-missing", format!("source file `{path}` does not exist"))
                    .at(span)
                    .hint("keep the saved original in the book folder so the source appendix can record it"),
            ),
        }
    }
    chapter
}

/// The SHA-256 of `bytes`, in lower-case hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex_of(&sha2::Sha256::digest(bytes))
}

/// A digest in lower-case hexadecimal.
fn hex_of(digest: &[u8]) -> String {
    use std::fmt::Write;
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The editions quire can write (`epub`, `pdf` in a build manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Edition {
    /// The EPUB 3 e-book.
    Epub,
    /// The print PDF.
    Pdf,
}

/// One finished output file.
#[derive(Debug)]
pub struct Output {
    /// Which edition.
    pub edition: Edition,
    /// File name (`<slug>.epub`).
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// The SHA-256 of `bytes`, for the manifest: made in the thread that
    /// made the edition, while the other may still be under way.
    pub sha256: manifest::Sha256,
}

/// Renders the requested editions of a compiled book in memory; their
/// warnings and errors join `compiled.diagnostics`. Editions that cannot be
/// made yet (the PDF) are left out of the result. Nothing when the book has
/// errors.
///
/// The editions do not depend on each other, so they are made at the same
/// time on rayon's thread pool; outputs and diagnostics are gathered in the
/// order `editions` asks for, as if made one after the other.
pub fn render(compiled: &mut Compiled, editions: &[Edition]) -> Vec<Output> {
    render_with(compiled, editions, &progress::Silent, None)
}

/// [`render`], telling `progress` how far each edition has got, and
/// taking what earlier builds made from `cache` (the same bytes as
/// without it; see [`cache`]).
pub fn render_with(
    compiled: &mut Compiled,
    editions: &[Edition],
    progress: &dyn progress::Progress,
    cache: Option<&cache::BuildCache>,
) -> Vec<Output> {
    use rayon::prelude::*;

    let (Some(book), Some(config), Some(templates), Some(fonts)) = (
        &compiled.book,
        &compiled.config,
        &compiled.templates,
        &compiled.fonts,
    ) else {
        return Vec::new();
    };
    let timestamp = compiled.timestamp;
    // Both editions end with the source appendix.
    let book = &appendix::with_appendix(book, timestamp, compiled.git_commit.as_deref());
    let made: Vec<Result<Made, Diagnostic>> = editions
        .par_iter()
        .map(|edition| match edition {
            Edition::Epub => {
                epub_edition(book, config, templates, fonts, timestamp, progress, cache)
            }
            Edition::Pdf => pdf_edition(book, config, fonts, timestamp, progress, cache),
        })
        .collect();
    let mut outputs = Vec::new();
    let mut found = Vec::new();
    for result in made {
        match result {
            Ok(made) => {
                found.extend(made.warnings);
                outputs.push(made.output);
            }
            Err(error) => found.push(error),
        }
    }
    compiled.diagnostics.append(&mut found);
    compiled.diagnostics = in_source_order(std::mem::take(&mut compiled.diagnostics));
    if compiled.has_errors() {
        Vec::new()
    } else {
        outputs
    }
}

/// An edition made, with the warnings making it gave.
struct Made {
    output: Output,
    warnings: Vec<Diagnostic>,
}

/// The EPUB: model → XHTML, package, zip.
fn epub_edition(
    book: &Book,
    config: &config::Config,
    templates: &epub::Templates,
    fonts: &fonts::FontSet,
    timestamp: Option<i64>,
    progress: &dyn progress::Progress,
    cache: Option<&cache::BuildCache>,
) -> Result<Made, Diagnostic> {
    let options = epub::EpubOptions {
        numbering: config.epub.footnote_numbering,
        timestamp,
    };
    progress.begin(progress::Stage::Epub, book.chapters.len());
    let entries = cache.map(|cache| &cache.entries);
    let epub = epub::export_cached(book, &options, templates, fonts, progress, entries);
    progress.end(progress::Stage::Epub);
    let epub = epub?;
    let name = format!("{}.epub", book.meta.slug);
    Ok(Made {
        output: Output {
            edition: Edition::Epub,
            sha256: digest(cache, &name, &epub.bytes),
            name,
            bytes: epub.bytes,
        },
        warnings: epub.warnings,
    })
}

/// The SHA-256 of an edition's bytes, taken up from the last build's where
/// the cache keeps digests (see [`manifest::DigestCache`]).
fn digest(cache: Option<&cache::BuildCache>, name: &str, bytes: &[u8]) -> manifest::Sha256 {
    match cache.and_then(|cache| cache.digests.as_ref()) {
        Some(digests) => digests.sha256(name, bytes),
        None => manifest::Sha256::of(bytes),
    }
}

/// What the PDF says about itself, from the book's metadata: the build's
/// time, else the book's date (midnight UTC), else none; never the clock.
pub fn pdf_meta(book: &Book, timestamp: Option<i64>) -> pdf::PdfMeta {
    pdf::PdfMeta {
        title: book.meta.title.clone(),
        authors: book.meta.authors.clone(),
        language: book.meta.language.clone(),
        description: book.meta.description.clone(),
        keywords: book.meta.keywords.clone(),
        timestamp: timestamp
            .or_else(|| book.meta.date.as_deref().and_then(date::Civil::parse_date)),
    }
}

/// The PDF: model → pages → PDF bytes.
fn pdf_edition(
    book: &Book,
    config: &config::Config,
    fonts: &fonts::FontSet,
    timestamp: Option<i64>,
    progress: &dyn progress::Progress,
    cache: Option<&cache::BuildCache>,
) -> Result<Made, Diagnostic> {
    use progress::Stage;
    progress.begin(Stage::Typeset, book.chapters.len());
    let layout = cache.map(|cache| &cache.layout);
    let typeset::Typeset {
        document,
        diagnostics,
        spent,
        ..
    } = typeset::typeset_cached(book, config, fonts, timestamp, progress, layout);
    progress.end(Stage::Typeset);
    // What is no longer needed is freed on threads of their own, beside the
    // PDF's making and its digest, and after them.
    discard(spent);
    let meta = pdf_meta(book, timestamp);
    progress.begin(Stage::Pdf, document.pages.len());
    let pages = cache.map(|cache| &cache.pages);
    let bytes = pdf::export_cached(&document, fonts, &book.images, &meta, progress, pages);
    progress.end(Stage::Pdf);
    discard(document);
    let bytes = bytes?;
    let name = format!("{}.pdf", book.meta.slug);
    Ok(Made {
        output: Output {
            edition: Edition::Pdf,
            sha256: digest(cache, &name, &bytes),
            name,
            bytes,
        },
        warnings: diagnostics,
    })
}

/// Frees `value` on a thread of its own, not waited for: a build's pages
/// take tens of milliseconds to free, which a process about to end need
/// not wait for, and a long-running one (`quire watch`) spends beside its
/// next work. Where no thread can be started, here.
fn discard<T: Send + 'static>(value: T) {
    // A failed spawn drops the closure, and the value with it.
    let _ = std::thread::Builder::new()
        .name("quire-free".into())
        .spawn(move || drop(value));
}
