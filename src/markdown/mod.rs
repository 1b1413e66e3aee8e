//! Markdown → model: one chapter file becomes one [`Chapter`].
//!
//! **In:** a chapter's text from the source map (CommonMark + GFM footnotes,
//! tables, strikethrough, task lists, smart punctuation, heading attributes,
//! and YAML front matter between `---` lines). **Out:** a [`Chapter`] whose
//! every node carries its span, and diagnostics. **Must not:** fail on
//! content: every input is Markdown. Undefined, unused, duplicate and
//! self-referring footnotes, notes calling each other in a cycle, an empty chapter, a missing title and nesting
//! beyond [`MAX_DEPTH`] are warnings; only bad front matter is an error.

mod cycles;
mod frontmatter;
mod tree;

use std::collections::HashMap;

use unicase::UniCase;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::config::slugify;
use crate::diag::{Diagnostic, Sink};
use crate::model::{BlockKind, Chapter, Footnote, Heading, plain_text};
use crate::source::{FileId, SourceFile, Span};
use crate::world::BookPath;

pub use tree::MAX_DEPTH;

/// The Markdown extensions quire reads.
fn options() -> Options {
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}

/// A chapter as parsed, with what the caller still has to check on disk.
#[derive(Debug)]
pub struct Parsed {
    /// The chapter.
    pub chapter: Chapter,
    /// Where the front matter names `source.file`, for the existence check.
    pub source_file_span: Option<Span>,
    /// `source.sha256` as recorded on import, and where it is written.
    pub source_sha256: Option<(String, Span)>,
}

/// Parses one chapter. `slug` must be unique in the book.
pub fn parse(
    file: &SourceFile,
    id: FileId,
    path: BookPath,
    slug: String,
    sink: &mut Sink,
) -> Parsed {
    let text = file.text();
    let mut builder = tree::Builder::new(id, text);
    let mut front = frontmatter::FrontMatter::default();
    let mut errors = Vec::new();
    // The YAML of the front matter may arrive in several text events (one
    // per line with CRLF ends): gather it, then parse it once.
    let mut metadata: Option<(usize, String)> = None;
    let mut in_metadata = false;

    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => {
                in_metadata = false;
                if let Some((start, yaml)) = metadata.take() {
                    front = frontmatter::parse(file, id, start, &yaml, &mut errors);
                }
            }
            Event::Text(yaml) if in_metadata => match &mut metadata {
                Some((_, gathered)) => gathered.push_str(&yaml),
                None => metadata = Some((range.start, yaml.into_string())),
            },
            _ if in_metadata => {}
            event => builder.event(event, range),
        }
    }
    sink.extend(errors);

    let tree::Output {
        mut blocks,
        definitions,
        references,
        warnings,
    } = builder.finish();
    sink.extend(warnings);

    // The footnotes, in the order of their first reference.
    let by_label: HashMap<&UniCase<String>, usize> = references
        .iter()
        .enumerate()
        .map(|(index, (key, _))| (key, index))
        .collect();
    let mut slots: Vec<Option<Footnote>> = (0..references.len()).map(|_| None).collect();
    for definition in definitions {
        let key = tree::normalize_label(&definition.label);
        match by_label.get(&key) {
            Some(&index) if slots[index].is_none() => slots[index] = Some(definition),
            Some(&index) => {
                let first = slots[index]
                    .as_ref()
                    .map_or(0, |n| file.line_col(n.span.start as usize).line);
                sink.push(
                    Diagnostic::warning(
                        "footnote-duplicate",
                        format!("footnote [^{}] is defined more than once", definition.label),
                    )
                    .at(label_span(id, text, definition.span))
                    .hint(format!("the first definition, on line {first}, is used")),
                );
            }
            None => sink.push(
                Diagnostic::warning(
                    "footnote-unreferenced",
                    format!("footnote [^{}] is never referenced", definition.label),
                )
                .at(label_span(id, text, definition.span))
                .hint("the note is left out of both editions"),
            ),
        }
    }
    // pulldown-cmark only reports calls of defined notes, so every slot is
    // filled; should its label matching ever differ from ours, the call still
    // gets an (empty) note rather than dangling.
    let footnotes: Vec<Footnote> = slots
        .into_iter()
        .zip(&references)
        .map(|(slot, (_, reference))| {
            slot.unwrap_or_else(|| Footnote {
                label: reference.label.clone(),
                blocks: Vec::new(),
                span: reference.span,
            })
        })
        .collect();
    // Notes calling each other in a cycle, and notes the text never reaches.
    let mut found = Vec::new();
    let footnotes = cycles::break_cycles(&mut blocks, footnotes, &mut found, |note| {
        Diagnostic::warning(
            "footnote-unreferenced",
            format!(
                "footnote [^{}] is only called from notes the text never calls",
                note.label
            ),
        )
        .at(label_span(id, text, note.span))
        .hint("the note is left out of both editions")
    });
    sink.extend(found);

    // The opening `#` heading is the chapter head; other `#` are suspicious.
    let heading = match blocks.first() {
        Some(block) if matches!(&block.kind, BlockKind::Heading(h) if h.level == 1) => {
            match blocks.remove(0).kind {
                BlockKind::Heading(heading) => Some(heading),
                _ => unreachable!(),
            }
        }
        _ => None,
    };
    for block in &blocks {
        if let BlockKind::Heading(Heading { level: 1, .. }) = block.kind {
            sink.push(
                Diagnostic::warning("heading-extra-title", "a second `#` heading in one chapter")
                    .at(first_line(id, text, block.span))
                    .hint("a chapter has one `#` title; use `##` for its sections"),
            );
        }
    }

    let file_span = Span::new(id, 0..text.len());
    let empty = blocks.is_empty() && heading.is_none() && front.title.is_none();
    if empty {
        sink.push(Diagnostic::warning("chapter-empty", "chapter is empty").at(Span::new(id, 0..0)));
    } else if blocks.is_empty() {
        sink.push(
            Diagnostic::warning("chapter-empty", "chapter has a title but no text")
                .at(Span::new(id, 0..0)),
        );
    }
    let title = front
        .title
        .clone()
        .or_else(|| {
            heading
                .as_ref()
                .map(|h| plain_text(&h.content).trim().to_string())
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            if !empty {
                sink.push(
                    Diagnostic::warning("chapter-untitled", "chapter has no title")
                        .at(Span::new(id, 0..0))
                        .hint("begin it with a `# Heading` or give `title:` in its front matter"),
                );
            }
            path.stem().to_string()
        });

    Parsed {
        chapter: Chapter {
            path,
            file: id,
            slug,
            title,
            heading,
            lang: front.lang,
            source: front.source,
            blocks,
            footnotes,
            span: file_span,
            back_matter: false,
        },
        source_file_span: front.source_file_span,
        source_sha256: front.source_sha256,
    }
}

/// The `[^label]` part of a definition's span (its first line, up to `:`).
fn label_span(id: FileId, text: &str, span: Span) -> Span {
    let start = span.start as usize;
    let head = &text[start..span.end as usize];
    let end = head.find("]:").map_or(head.len(), |i| i + 1);
    Span::new(id, start..start + end)
}

/// The first line of a span.
fn first_line(id: FileId, text: &str, span: Span) -> Span {
    let start = span.start as usize;
    let end = text[start..span.end as usize]
        .find('\n')
        .map_or(span.end as usize, |i| start + i);
    Span::new(id, start..end)
}

/// A chapter slug from its file name, unique among `taken`.
pub fn chapter_slug(path: &BookPath, taken: &mut Vec<String>) -> String {
    let base = slugify(path.stem(), "chapter");
    let mut slug = base.clone();
    let mut n = 1;
    while taken.contains(&slug) {
        n += 1;
        slug = format!("{base}-{n}");
    }
    taken.push(slug.clone());
    slug
}
