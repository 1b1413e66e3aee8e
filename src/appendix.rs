//! Appendix: the book → the book with its source appendix, the back matter
//! that records where every chapter came from and how the edition was made.
//!
//! **In:** the [`Book`] (each chapter's `source` record, with the SHA-256
//! of its saved original taken on load) and the build's timestamp
//! (`SOURCE_DATE_EPOCH`). **Out:** the same book with one chapter more at
//! its end, marked [`back matter`](Chapter::back_matter), made of ordinary
//! blocks (headings, lists, paragraphs, links, code), so both editions set
//! it as they set any chapter: the EPUB as its own XHTML in the spine, the
//! nav and the landmarks; the PDF as a chapter with its contents entry.
//! **Must not:** read files, know an edition, or use the clock.
//!
//! For each chapter: its title, then where it came from (site, original
//! title, address, author, publisher, published and accessed dates,
//! rights), the saved original's file name and SHA-256, and the changes
//! made on import; a chapter with no `source` is listed as original to
//! this book. Then the build record: quire's version, the book's
//! identifier, the build date, and the git commit of the book folder when
//! it is in a repository (the world reads it).

use crate::model::{
    Block, BlockKind, Book, Chapter, CodeBlock, Heading, Inline, InlineKind, List, ListItem,
};
use crate::source::Span;
use crate::world::BookPath;

/// The appendix's title.
pub const TITLE: &str = "Sources";

/// The book with its source appendix added as its last chapter. A book
/// without chapters is given none.
pub fn with_appendix(book: &Book, timestamp: Option<i64>, commit: Option<&str>) -> Book {
    let mut book = book.clone();
    if let Some(appendix) = appendix(&book, timestamp, commit) {
        book.chapters.push(appendix);
    }
    book
}

/// The appendix chapter of `book`.
fn appendix(book: &Book, timestamp: Option<i64>, commit: Option<&str>) -> Option<Chapter> {
    let first = book.chapters.first()?;
    // Generated text points at the start of the first chapter's file (the
    // record of a chapter at that chapter's file).
    let here = Span::new(first.file, 0..0);
    let mut blocks = vec![paragraph(
        vec![text(
            "Where the text of each chapter came from, and how this edition was made.",
            here,
        )],
        here,
    )];
    for chapter in &book.chapters {
        let at = Span::new(chapter.file, 0..0);
        blocks.push(heading(
            2,
            &format!("source-{}", chapter.slug),
            &chapter.title,
            at,
        ));
        let Some(source) = &chapter.source else {
            blocks.push(paragraph(vec![text("Original to this book.", at)], at));
            continue;
        };
        let mut items: Vec<Vec<Inline>> = Vec::new();
        let mut field = |label: &str, value: &Option<String>| {
            if let Some(value) = value {
                items.push(vec![text(&format!("{label}: {value}"), at)]);
            }
        };
        field("Site", &source.site);
        field("Original title", &source.title);
        field("Author", &source.author);
        field("Publisher", &source.publisher);
        field("Published", &source.published);
        field("Accessed", &source.accessed);
        field("Rights", &source.rights);
        if let Some(url) = &source.url {
            items.push(vec![
                text("Address: ", at),
                Inline {
                    kind: InlineKind::Link {
                        url: url.clone(),
                        title: None,
                        content: vec![text(url, at)],
                    },
                    span: at,
                },
            ]);
        }
        if !items.is_empty() {
            blocks.push(list(items, at));
        }
        if let Some(file) = &source.file {
            // The file and its fingerprint as code: copied whole, never
            // hyphenated, wrapped only with a sign that copies as nothing.
            let hash = source
                .sha256
                .as_deref()
                .unwrap_or("(the file could not be read)");
            blocks.push(paragraph(
                vec![text("The saved original, and its SHA-256:", at)],
                at,
            ));
            blocks.push(Block {
                kind: BlockKind::Code(CodeBlock {
                    lang: None,
                    text: format!("{file}\n{hash}\n"),
                }),
                span: at,
            });
        }
        if let Some(notes) = &source.notes {
            blocks.push(paragraph(
                vec![text(&format!("Changes made for this book: {notes}"), at)],
                at,
            ));
        }
    }
    blocks.push(heading(2, "source-this-edition", "This edition", here));
    let mut record = vec![
        vec![text(
            &format!("Made with quire {}", env!("CARGO_PKG_VERSION")),
            here,
        )],
        vec![text(
            &format!("Book identifier: {}", book.meta.identifier),
            here,
        )],
    ];
    record.push(vec![text(
        &match timestamp {
            Some(timestamp) => {
                let civil = crate::date::Civil::from_timestamp(timestamp);
                format!(
                    "Built: {} {:02}:{:02}:{:02} UTC",
                    civil.date(),
                    civil.hour,
                    civil.minute,
                    civil.second
                )
            }
            None => "Built: no date recorded (SOURCE_DATE_EPOCH was not set)".to_string(),
        },
        here,
    )]);
    if let Some(commit) = commit {
        record.push(vec![
            text("Sources at git commit ", here),
            Inline {
                kind: InlineKind::Code(commit.to_string()),
                span: here,
            },
        ]);
    }
    blocks.push(list(record, here));

    let mut taken: Vec<String> = book.chapters.iter().map(|c| c.slug.clone()).collect();
    let path = BookPath::parse("sources.md").ok()?;
    let slug = crate::markdown::chapter_slug(&path, &mut taken);
    let title_id = format!("{slug}-title");
    Some(Chapter {
        path,
        file: first.file,
        slug,
        title: TITLE.to_string(),
        heading: Some(Heading {
            level: 1,
            id: title_id,
            content: vec![text(TITLE, here)],
        }),
        lang: None,
        source: None,
        blocks,
        footnotes: Vec::new(),
        span: here,
        back_matter: true,
    })
}

fn text(value: &str, span: Span) -> Inline {
    Inline {
        kind: InlineKind::Text(value.to_string()),
        span,
    }
}

fn paragraph(inlines: Vec<Inline>, span: Span) -> Block {
    Block {
        kind: BlockKind::Paragraph(inlines),
        span,
    }
}

fn heading(level: u8, id: &str, title: &str, span: Span) -> Block {
    Block {
        kind: BlockKind::Heading(Heading {
            level,
            id: id.to_string(),
            content: vec![text(title, span)],
        }),
        span,
    }
}

fn list(items: Vec<Vec<Inline>>, span: Span) -> Block {
    Block {
        kind: BlockKind::List(List {
            start: None,
            tight: true,
            items: items
                .into_iter()
                .map(|inlines| ListItem {
                    task: None,
                    blocks: vec![paragraph(inlines, span)],
                })
                .collect(),
        }),
        span,
    }
}
