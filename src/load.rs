//! Load: find and read a book's files through the [`World`].
//!
//! **In:** a world rooted at the book folder. **Out:** the parsed
//! [`Config`], the chapter files in reading order and the book's own EPUB
//! templates ([`templates`]), their text decoded into the [`SourceMap`]; errors for what stops the build (no or bad
//! `book.toml`, a chapter that is missing, unreadable, not UTF-8 or outside
//! the book, font files that do not exist). **Must not:** parse
//! Markdown or decide anything about content.

use crate::config::{self, Config};
use crate::diag::{Diagnostic, Sink};
use crate::fonts::{Face, FontSet, Role};
use crate::source::{FileId, SourceMap, Span};
use crate::world::{BookPath, FileError, World};

/// The configuration file's name.
pub const CONFIG_FILE: &str = "book.toml";
/// Where chapters are found when `book.toml` lists none.
pub const CHAPTERS_DIR: &str = "chapters";

/// A chapter file, read and decoded.
#[derive(Debug, Clone)]
pub struct ChapterFile {
    /// Its path in the book.
    pub path: BookPath,
    /// Its text in the source map.
    pub file: FileId,
}

/// What the loader found.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// `book.toml`, parsed.
    pub config: Config,
    /// `book.toml` in the source map.
    pub config_file: FileId,
    /// The chapters in reading order (those that could be read).
    pub chapters: Vec<ChapterFile>,
    /// The book's font files (`[pdf.fonts] files`) that could be read, in
    /// the order listed.
    pub fonts: Vec<Face>,
}

/// Reads `book.toml` and the chapters. Returns `None` when the book cannot
/// be read at all; other errors are in the sink.
pub fn load(world: &dyn World, sources: &mut SourceMap, sink: &mut Sink) -> Option<Loaded> {
    let config_path = BookPath::parse(CONFIG_FILE).expect("a valid path");
    let bytes = match world.read(&config_path) {
        Ok(bytes) => bytes,
        Err(error) => {
            let mut diagnostic = Diagnostic::error(
                "config-unreadable",
                format!("cannot read {CONFIG_FILE}: {error}"),
            )
            .in_file(CONFIG_FILE);
            if error == FileError::NotFound {
                diagnostic =
                    diagnostic.hint("is this a book folder? `quire init DIR` makes a new book");
            }
            sink.push(diagnostic);
            return None;
        }
    };
    let config_file = match decode(&config_path, bytes, sources) {
        Ok(id) => id,
        Err(diagnostic) => {
            sink.push(diagnostic);
            return None;
        }
    };
    let config = match config::parse(sources.get(config_file).text(), config_file) {
        Ok(config) => config,
        Err(diagnostic) => {
            sink.push(diagnostic);
            return None;
        }
    };

    let span_of = |range: std::ops::Range<usize>| Span::new(config_file, range);
    let mut paths: Vec<(BookPath, Option<Span>)> = Vec::new();
    match &config.book.chapters {
        Some(listed) => {
            for entry in listed {
                let span = span_of(entry.span());
                match BookPath::parse(entry.get_ref()) {
                    Ok(path) if paths.iter().any(|(p, _)| *p == path) => sink.push(
                        Diagnostic::error(
                            "chapter-duplicate",
                            format!("chapter `{path}` is listed twice"),
                        )
                        .at(span),
                    ),
                    Ok(path) => paths.push((path, Some(span))),
                    Err(why) => sink.push(
                        Diagnostic::error(
                            "path-outside-book",
                            format!("chapter `{}` refused: {why}", entry.get_ref()),
                        )
                        .at(span),
                    ),
                }
            }
        }
        None => {
            let dir = BookPath::parse(CHAPTERS_DIR).expect("a valid path");
            match world.list(Some(&dir)) {
                Ok(names) => {
                    for name in names.iter().filter(|n| n.ends_with(".md")) {
                        paths.push((dir.join(name).expect("a file name in the folder"), None));
                    }
                }
                Err(FileError::NotFound) => {}
                Err(error) => sink.push(
                    Diagnostic::error(
                        "chapters-unreadable",
                        format!("cannot list {CHAPTERS_DIR}/: {error}"),
                    )
                    .in_file(CHAPTERS_DIR),
                ),
            }
        }
    }
    if paths.is_empty() && !sink.has_errors() {
        sink.push(
            Diagnostic::error("book-empty", "the book has no chapters")
                .at(Span::new(config_file, 0..0))
                .hint(format!(
                    "add Markdown files to {CHAPTERS_DIR}/, or list them in `chapters` under [book]"
                )),
        );
    }

    // The chapters are read (and, through the recording world, hashed) in
    // parallel, then decoded in order.
    let read: Vec<_> = {
        use rayon::prelude::*;
        paths.par_iter().map(|(path, _)| world.read(path)).collect()
    };
    let mut chapters = Vec::new();
    for ((path, span), read) in paths.into_iter().zip(read) {
        match read {
            Ok(bytes) => match decode(&path, bytes, sources) {
                Ok(file) => chapters.push(ChapterFile { path, file }),
                Err(diagnostic) => sink.push(diagnostic),
            },
            Err(error) => {
                let diagnostic = match error {
                    FileError::Escapes => Diagnostic::error(
                        "path-outside-book",
                        format!("chapter `{path}` refused: {error}"),
                    ),
                    _ => Diagnostic::error(
                        "chapter-unreadable",
                        format!("cannot read chapter `{path}`: {error}"),
                    ),
                };
                sink.push(match span {
                    Some(span) => diagnostic.at(span),
                    None => diagnostic.in_file(path.as_str()),
                });
            }
        }
    }

    let mut fonts = Vec::new();
    for (what, entry) in config.pdf.fonts.files.iter().map(|f| ("font", f)) {
        let span = span_of(entry.span());
        match BookPath::parse(entry.get_ref()) {
            Ok(path) => match world.read(&path) {
                Ok(bytes) => match Face::read(path.file_name(), bytes) {
                    Ok(face) => fonts.push(face),
                    Err(why) => sink.push(
                        Diagnostic::error("font-invalid", format!("{what} `{path}`: {why}"))
                            .at(span),
                    ),
                },
                Err(FileError::Escapes) => sink.push(
                    Diagnostic::error(
                        "path-outside-book",
                        format!("{what} `{path}` refused: {}", FileError::Escapes),
                    )
                    .at(span),
                ),
                Err(FileError::NotFound) => sink.push(
                    Diagnostic::error(
                        "file-missing",
                        format!("{what} `{path}` does not exist in the book folder"),
                    )
                    .at(span),
                ),
                Err(error) => sink.push(
                    Diagnostic::error(
                        "file-missing",
                        format!("{what} `{path}` cannot be read: {error}"),
                    )
                    .at(span),
                ),
            },
            Err(why) => sink.push(
                Diagnostic::error(
                    "path-outside-book",
                    format!("{what} `{}` refused: {why}", entry.get_ref()),
                )
                .at(span),
            ),
        }
    }

    Some(Loaded {
        config,
        config_file,
        chapters,
        fonts,
    })
}

/// The book's fonts: the embedded faces with the book's own files, each
/// role given the family `[pdf.fonts]` names. A family the set does not
/// have is an error at its name, with the families there are.
pub fn font_set(
    config: &Config,
    config_file: FileId,
    files: Vec<Face>,
    sink: &mut Sink,
) -> FontSet {
    let mut set = FontSet::embedded().with_faces(files);
    let fonts = &config.pdf.fonts;
    let fallback: Option<Vec<&str>> = fonts
        .fallback
        .as_ref()
        .map(|list| list.iter().map(|f| f.get_ref().as_str()).collect());
    let missing = set
        .assign(
            fonts.body.as_ref().map(|f| f.get_ref().as_str()),
            fonts.mono.as_ref().map(|f| f.get_ref().as_str()),
            fallback.as_deref(),
        )
        .err()
        .unwrap_or_default();
    for role in missing {
        let entry = match role {
            Role::Body => fonts.body.as_ref(),
            Role::Mono => fonts.mono.as_ref(),
            Role::Fallback(n) => fonts.fallback.as_ref().and_then(|list| list.get(n)),
        }
        .expect("the role that failed was named");
        let families = set.families();
        let mut diagnostic = Diagnostic::error(
            "font-unknown-family",
            format!("no font family `{}`", entry.get_ref()),
        )
        .at(Span::new(config_file, entry.span()));
        diagnostic = match crate::diag::closest(entry.get_ref(), families.iter().copied()) {
            Some(close) => diagnostic.hint(format!("did you mean `{close}`?")),
            None => diagnostic.hint(format!(
                "the families are {}; add a font file to `files` under [pdf.fonts] for another",
                families
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        sink.push(diagnostic);
    }
    set
}

/// Where a book keeps its own EPUB templates.
pub const TEMPLATES_DIR: &str = "templates/epub";

/// The template files a book may replace, by name.
pub const TEMPLATE_FILES: [&str; 2] = ["page.xhtml", "book.css"];

/// The book's own EPUB templates, read from [`TEMPLATES_DIR`].
#[derive(Debug, Clone, Default)]
pub struct TemplateFiles {
    /// `page.xhtml`, in the source map.
    pub page: Option<FileId>,
    /// `book.css`, in the source map.
    pub css: Option<FileId>,
}

/// Reads the templates the book replaces. A file of another name in the
/// folder is a warning (a misspelt name would otherwise be ignored).
pub fn templates(world: &dyn World, sources: &mut SourceMap, sink: &mut Sink) -> TemplateFiles {
    let dir = BookPath::parse(TEMPLATES_DIR).expect("a valid path");
    let names = match world.list(Some(&dir)) {
        Ok(names) => names,
        Err(FileError::NotFound) => return TemplateFiles::default(),
        Err(error) => {
            sink.push(
                Diagnostic::error(
                    "template-unreadable",
                    format!("cannot list {TEMPLATES_DIR}/: {error}"),
                )
                .in_file(TEMPLATES_DIR),
            );
            return TemplateFiles::default();
        }
    };
    let mut found = TemplateFiles::default();
    for name in names {
        // Editor backups and hidden files are not meant as templates.
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let path = match dir.join(&name) {
            Ok(path) if !name.contains(['/', '\\']) => path,
            _ => {
                sink.push(
                    Diagnostic::warning(
                        "template-unknown",
                        format!("`{TEMPLATES_DIR}/{name}` is not a template quire uses"),
                    )
                    .in_file(TEMPLATES_DIR),
                );
                continue;
            }
        };
        let slot = match name.as_str() {
            "page.xhtml" => &mut found.page,
            "book.css" => &mut found.css,
            _ => {
                let mut diagnostic = Diagnostic::warning(
                    "template-unknown",
                    format!("`{path}` is not a template quire uses"),
                )
                .in_file(path.as_str())
                .hint(format!(
                    "the EPUB templates a book can replace are {}",
                    TEMPLATE_FILES.join(" and ")
                ));
                if let Some(close) = crate::diag::closest(&name, TEMPLATE_FILES) {
                    diagnostic = diagnostic.hint(format!("did you mean `{close}`?"));
                }
                sink.push(diagnostic);
                continue;
            }
        };
        match world.read(&path) {
            Ok(bytes) => match decode(&path, bytes, sources) {
                Ok(file) => *slot = Some(file),
                Err(diagnostic) => sink.push(diagnostic),
            },
            Err(error) => sink.push(
                Diagnostic::error(
                    "template-unreadable",
                    format!("cannot read template `{path}`: {error}"),
                )
                .in_file(path.as_str()),
            ),
        }
    }
    found
}

/// Decodes a file as UTF-8 (dropping a byte-order mark) into the source map.
/// Invalid UTF-8 is an error at the first bad byte; the file is still added
/// (lossily) so the error can show the line.
fn decode(
    path: &BookPath,
    mut bytes: Vec<u8>,
    sources: &mut SourceMap,
) -> Result<FileId, Diagnostic> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(sources.add(path.as_str(), text)),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let id = sources.add(path.as_str(), text);
            Err(Diagnostic::error(
                "file-invalid-utf8",
                // The offset in the file as saved, byte-order mark included.
                format!(
                    "`{path}` is not valid UTF-8: invalid byte at offset {}",
                    offset + if bom { 3 } else { 0 }
                ),
            )
            .at(Span::new(id, offset..offset + 1))
            .hint("save the file as UTF-8"))
        }
    }
}
