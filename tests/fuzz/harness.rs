//! The fuzz harness: one function per fuzz target, each taking the raw
//! bytes libFuzzer made. The targets in `fuzz_targets/` are thin wrappers
//! over these functions, and the main crate's `tests/fuzz_regressions.rs`
//! includes this same file (`#[path]`) and runs the seeds and every saved
//! regression through them, so a target and its regression test run the
//! same code. It therefore depends on `quire` and `std` only (no
//! libfuzzer-sys).
//!
//! What each function asserts, beyond "nothing panics":
//! - every diagnostic that points at a span points inside a file of the
//!   source map, with its start and end on character boundaries of that
//!   file's text, and the source map's line/column lookup agrees with it;
//! - every span of the chapter's model (blocks, inlines, footnotes, the
//!   chapter) lies inside the chapter's text, on character boundaries;
//! - every page the typesetter makes has a finite, positive size.

#![allow(dead_code)]

use std::collections::BTreeMap;

use quire::diag::{Diagnostic, Location, Sink};
use quire::model::{Block, BlockKind, Chapter, Inline, InlineKind};
use quire::source::{FileId, SourceMap, Span};
use quire::world::{BookPath, FileError, World};
use quire::{Edition, compile, render};

/// Where the fuzzed (or fixed) chapter lives in the in-memory book.
pub const CHAPTER_PATH: &str = "chapters/01-fuzz.md";

/// The build timestamp the in-memory world gives (2025-01-02), so runs
/// are reproducible.
pub const TIMESTAMP: i64 = 1_735_787_045;

/// The `book.toml` of the `markdown` and `layout` targets: small pages,
/// hyphenation on, the chapter listed.
pub const FIXED_BOOK_TOML: &str = r#"[book]
title = "Fuzzed Book"
authors = ["A. Fuzzer"]
language = "en"
date = "2025-01-02"
chapters = ["chapters/01-fuzz.md"]

[pdf]
trim-size = "5in x 8in"
font-size = "10pt"

[epub]
footnote-numbering = "chapter"
"#;

/// The chapter of the `config` target: front matter, a heading, notes,
/// emphasis, a list, a table, code, Korean text (the fallback font).
pub const FIXED_CHAPTER: &str = r#"---
title: "A Fixed Chapter"
lang: en
source:
  title: "The Original"
  url: "https://example.org/original"
---

# A Fixed Chapter

Some *emphasis*, **strong**, `code` and a note.[^1] Hyphenation of
incomprehensibilities, and 회고록 《세기와 더불어》 in the fallback font.

> A quotation with a [link](https://example.org "title").

1. one
2. two

| a | b |
|---|--:|
| 1 | 2 |

```rust
fn main() {}
```

[^1]: The note, with *emphasis*.
"#;

/// A small PNG (a test case's cover), served for any `.png` path.
const PNG: &[u8] = include_bytes!("../cases/clean-book/images/cover.png");

/// A small SVG (a test book's figure), served for any `.svg` path.
const SVG: &[u8] = include_bytes!("../books/features/images/dot.svg");

/// A book in memory: path → bytes. Folders are implied by the paths.
/// Besides its files, any path ending in `.png` or `.svg` reads as a small
/// image of that kind (so covers and figures a fuzzed input names are
/// found), and with `any_chapter` any path ending in `.md` reads as the
/// fixed chapter (so a fuzzed `chapters` list still finds its chapters).
pub struct MemoryWorld {
    files: BTreeMap<String, Vec<u8>>,
    any_chapter: bool,
}

impl MemoryWorld {
    /// A book of `book.toml` and one chapter at [`CHAPTER_PATH`].
    pub fn new(book_toml: &[u8], chapter: &[u8]) -> Self {
        let mut files = BTreeMap::new();
        files.insert("book.toml".to_string(), book_toml.to_vec());
        files.insert(CHAPTER_PATH.to_string(), chapter.to_vec());
        MemoryWorld {
            files,
            any_chapter: false,
        }
    }

    /// The book of `book.toml` whose every `.md` path reads as
    /// [`FIXED_CHAPTER`].
    pub fn with_any_chapter(book_toml: &[u8]) -> Self {
        MemoryWorld {
            any_chapter: true,
            ..MemoryWorld::new(book_toml, FIXED_CHAPTER.as_bytes())
        }
    }

    /// What a path not among the files reads as, if anything.
    fn fallback(&self, path: &str) -> Option<&'static [u8]> {
        if path.ends_with(".png") {
            Some(PNG)
        } else if path.ends_with(".svg") {
            Some(SVG)
        } else if self.any_chapter && path.ends_with(".md") {
            Some(FIXED_CHAPTER.as_bytes())
        } else {
            None
        }
    }
}

impl World for MemoryWorld {
    fn read(&self, path: &BookPath) -> Result<Vec<u8>, FileError> {
        match self.files.get(path.as_str()) {
            Some(bytes) => Ok(bytes.clone()),
            None if self.is_dir(path.as_str()) => Err(FileError::IsDirectory),
            None => self
                .fallback(path.as_str())
                .map(<[u8]>::to_vec)
                .ok_or(FileError::NotFound),
        }
    }

    fn list(&self, dir: Option<&BookPath>) -> Result<Vec<String>, FileError> {
        let prefix = match dir {
            Some(dir) if self.files.contains_key(dir.as_str()) => {
                return Err(FileError::Other("not a folder".into()));
            }
            Some(dir) if !self.is_dir(dir.as_str()) => return Err(FileError::NotFound),
            Some(dir) => format!("{}/", dir.as_str()),
            None => String::new(),
        };
        // BTreeMap order: already sorted by name.
        Ok(self
            .files
            .keys()
            .filter_map(|path| path.strip_prefix(&prefix))
            .filter(|rest| !rest.contains('/'))
            .map(str::to_string)
            .collect())
    }

    fn probe(&self, path: &BookPath) -> Result<(), FileError> {
        if self.files.contains_key(path.as_str()) {
            Ok(())
        } else if self.is_dir(path.as_str()) {
            Err(FileError::IsDirectory)
        } else if self.fallback(path.as_str()).is_some() {
            Ok(())
        } else {
            Err(FileError::NotFound)
        }
    }

    fn timestamp(&self) -> Option<i64> {
        Some(TIMESTAMP)
    }
}

impl MemoryWorld {
    fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.files.keys().any(|p| p.starts_with(&prefix))
    }
}

/// Target `markdown`: the bytes as one chapter (front matter included),
/// parsed on its own into the model.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = SourceMap::new();
    let id = sources.add(CHAPTER_PATH, text.to_string());
    let path = BookPath::parse(CHAPTER_PATH).expect("a valid path");
    let slug = quire::markdown::chapter_slug(&path, &mut Vec::new());
    let mut sink = Sink::new();
    let parsed = quire::markdown::parse(sources.get(id), id, path, slug, &mut sink);
    check_chapter(&sources, &parsed.chapter);
    for span in parsed
        .source_file_span
        .iter()
        .chain(parsed.source_sha256.as_ref().map(|(_, span)| span))
    {
        check_span(&sources, *span, "parsed front matter");
    }
    check_diagnostics(&sources, &sink.into_vec());
}

/// Target `layout`: the bytes as the one chapter of a fixed book, through
/// the whole pipeline: compile (model), typeset (pages), and both editions
/// rendered in memory.
pub fn layout(data: &[u8]) {
    if std::str::from_utf8(data).is_err() {
        return;
    }
    let world = MemoryWorld::new(FIXED_BOOK_TOML.as_bytes(), data);
    build(&world);
}

/// Target `config`: the bytes as `book.toml`, parsed; when it parses, the
/// whole build of a book with that configuration and a fixed chapter.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = SourceMap::new();
    let id = sources.add("book.toml", text.to_string());
    match quire::config::parse(text, id) {
        Ok(_) => {
            let world = MemoryWorld::with_any_chapter(data);
            build(&world);
        }
        Err(diagnostic) => check_diagnostics(&sources, &[diagnostic]),
    }
}

/// Compiles the book of `world`, typesets it and renders both editions,
/// checking the diagnostics, the model's spans and the pages on the way.
fn build(world: &MemoryWorld) {
    let mut compiled = compile(world);
    check_diagnostics(&compiled.sources, &compiled.diagnostics);
    let Some(book) = &compiled.book else {
        return;
    };
    for chapter in &book.chapters {
        check_chapter(&compiled.sources, chapter);
    }
    if let (Some(config), Some(fonts)) = (&compiled.config, &compiled.fonts) {
        let typeset = quire::typeset::typeset(book, config, fonts, compiled.timestamp);
        check_diagnostics(&compiled.sources, &typeset.diagnostics);
        for (n, page) in typeset.document.pages.iter().enumerate() {
            assert!(
                page.width.is_finite() && page.width > 0.0,
                "page {n} has width {}",
                page.width
            );
            assert!(
                page.height.is_finite() && page.height > 0.0,
                "page {n} has height {}",
                page.height
            );
        }
    }
    let outputs = render(&mut compiled, &[Edition::Epub, Edition::Pdf]);
    check_diagnostics(&compiled.sources, &compiled.diagnostics);
    for output in &outputs {
        assert!(!output.bytes.is_empty(), "{} is empty", output.name);
    }
}

/// Every span a diagnostic points at lies in its file, on character
/// boundaries, and the source map can locate it.
pub fn check_diagnostics(sources: &SourceMap, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        if let Some(Location::Span(span)) = &diagnostic.location {
            check_span(sources, *span, diagnostic.code);
            // The line/column lookup works and agrees with the span: the
            // line and column lead back to the span's start, unless it lies
            // past the line's text (on its line ending, or at the end of a
            // text ending in `\r`), where the column is clamped to the
            // text's end.
            let (_, at) = sources.locate(*span);
            let file = sources.get(span.file);
            let start = span.start as usize;
            assert!(
                at.line >= 1 && at.column >= 1,
                "{}: {at:?}",
                diagnostic.code
            );
            let line_start = file.line_start(at.line);
            let text_end = line_start + file.line_text(at.line).len();
            let next_line = file.line_start(at.line + 1);
            assert!(
                line_start <= start && start <= next_line,
                "{}: byte {start} is not on line {} ({line_start}..{next_line})",
                diagnostic.code,
                at.line
            );
            let expected = start.min(text_end);
            assert_eq!(
                file.offset_of(at.line, at.column),
                expected,
                "{}: line {} column {} is not byte {expected}",
                diagnostic.code,
                at.line,
                at.column,
            );
            let _ = file.line_text(at.line);
        }
    }
}

/// A span lies inside its file's text, start ≤ end, both on character
/// boundaries.
pub fn check_span(sources: &SourceMap, span: Span, what: &str) {
    let text = sources.get(span.file).text();
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what}: span {start}..{end} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} not on character boundaries"
    );
}

/// Every span of a chapter's model lies inside the chapter's text.
fn check_chapter(sources: &SourceMap, chapter: &Chapter) {
    let file: FileId = chapter.file;
    let check = |span: Span, what: &str| {
        assert_eq!(span.file, file, "{what}: span in another file");
        check_span(sources, span, what);
    };
    check(chapter.span, "chapter");
    if let Some(heading) = &chapter.heading {
        check_inlines(&heading.content, &check);
    }
    check_blocks(&chapter.blocks, &check);
    for note in &chapter.footnotes {
        check(note.span, "footnote");
        check_blocks(&note.blocks, &check);
    }
}

fn check_blocks(blocks: &[Block], check: &dyn Fn(Span, &str)) {
    for block in blocks {
        check(block.span, "block");
        match &block.kind {
            BlockKind::Paragraph(inlines) => check_inlines(inlines, check),
            BlockKind::Heading(heading) => check_inlines(&heading.content, check),
            BlockKind::Quote(blocks) => check_blocks(blocks, check),
            BlockKind::List(list) => {
                for item in &list.items {
                    check_blocks(&item.blocks, check);
                }
            }
            BlockKind::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    check_inlines(cell, check);
                }
            }
            BlockKind::Code(_) | BlockKind::Rule | BlockKind::Image(_) | BlockKind::Html(_) => {}
        }
    }
}

fn check_inlines(inlines: &[Inline], check: &dyn Fn(Span, &str)) {
    for inline in inlines {
        check(inline.span, "inline");
        match &inline.kind {
            InlineKind::Emph(content)
            | InlineKind::Strong(content)
            | InlineKind::Strike(content)
            | InlineKind::Link { content, .. } => check_inlines(content, check),
            _ => {}
        }
    }
}
