//! Model → EPUB 3: the e-book edition.
//!
//! **In:** the [`Book`] model (with its images read by `assets`), the
//! [`EpubOptions`], the [`Templates`] and the [`FontSet`]. **Out:** the bytes
//! of a complete `.epub` (documents, images, subset fonts, package files) and
//! warnings for what could not be carried over.
//! **Must not:** see Markdown, frames or the file system; every value reaches
//! the XHTML through the escaping [`XmlWriter`](crate::xml::XmlWriter) or the
//! auto-escaping templates, and raw HTML only through the allow-list of
//! `rawhtml`.
//!
//! The package documents (OPF, nav, NCX) are written here rather than with
//! `epub-builder`: its 0.8 releases fail EPUBCheck for a book with both an
//! author and a language, stamp the build time into the zip and cannot take
//! overridden templates. The layout of the container:
//!
//! ```text
//! mimetype                      stored, first
//! META-INF/container.xml
//! EPUB/package.opf  nav.xhtml  toc.ncx  css/book.css  css/fonts.css
//! EPUB/fonts/<the faces the text uses, subset>
//! EPUB/images/cover.svg (or the book's cover)  <the book's images>
//! EPUB/text/cover.xhtml  titlepage.xhtml  copyright.xhtml  <chapter>.xhtml …
//! ```

mod cover;
mod fonts;
mod links;
mod ocf;
mod package;
mod rawhtml;
mod templates;
mod xhtml;

use rayon::prelude::*;

use crate::date::Civil;
use crate::diag::Diagnostic;
use crate::fonts::FontSet;
use crate::model::{Book, FootnoteNumbering};
use crate::xml::XmlWriter;
use package::{Accessibility, Resource};

pub use ocf::EntryCache;
pub use templates::Templates;

/// How the EPUB is made.
#[derive(Debug, Clone)]
pub struct EpubOptions {
    /// Footnote numbering (the PDF uses the same numbers).
    pub numbering: FootnoteNumbering,
    /// Build time (`SOURCE_DATE_EPOCH`); when absent the book's `date`
    /// decides, then 1970-01-01. Never the clock.
    pub timestamp: Option<i64>,
}

/// The finished edition.
#[derive(Debug)]
pub struct Epub {
    /// The `.epub` file's bytes.
    pub bytes: Vec<u8>,
    /// What could not be carried over.
    pub warnings: Vec<Diagnostic>,
}

/// A content document of the package.
pub struct Document {
    /// Manifest id.
    pub id: String,
    /// Path relative to `EPUB/`.
    pub href: String,
    /// Manifest properties.
    pub properties: Option<&'static str>,
    /// Listed in the spine.
    pub in_spine: bool,
    /// Part of the primary reading order.
    pub linear: bool,
    /// The chapter it renders, if any.
    pub chapter: Option<usize>,
    /// The markup.
    pub xhtml: String,
}

/// Builds the EPUB.
pub fn export(
    book: &Book,
    options: &EpubOptions,
    templates: &Templates,
    font_set: &FontSet,
) -> Result<Epub, Diagnostic> {
    export_with(book, options, templates, font_set, &crate::progress::Silent)
}

/// [`export`], with a step of [`Stage::Epub`](crate::progress::Stage::Epub)
/// told to `progress` for each chapter written.
pub fn export_with(
    book: &Book,
    options: &EpubOptions,
    templates: &Templates,
    font_set: &FontSet,
    progress: &dyn crate::progress::Progress,
) -> Result<Epub, Diagnostic> {
    export_cached(book, options, templates, font_set, progress, None)
}

/// [`export_with`], taking from `cache` the files deflated by earlier
/// builds and keeping there the ones it deflates (the same bytes).
pub fn export_cached(
    book: &Book,
    options: &EpubOptions,
    templates: &Templates,
    font_set: &FontSet,
    progress: &dyn crate::progress::Progress,
    cache: Option<&EntryCache>,
) -> Result<Epub, Diagnostic> {
    let timestamp = options
        .timestamp
        .or_else(|| book.meta.date.as_deref().and_then(Civil::parse_date))
        .unwrap_or(0);
    let modified = Civil::from_timestamp(timestamp);
    let meta = &book.meta;
    let lang = meta.language.as_str();
    let mut warnings = Vec::new();
    let mut documents = Vec::new();
    let page =
        |title: &str, lang: &str, body_type: Option<&str>, class: Option<&str>, body: String| {
            templates.page(
                title,
                lang,
                &["../css/fonts.css", "../css/book.css"],
                body_type,
                class,
                body,
            )
        };

    // Where each image goes in the package; the generated cover keeps its name.
    let image_hrefs = image_hrefs(book);
    let cover_href = match book.cover {
        Some(index) => image_hrefs[index].clone(),
        None => GENERATED_COVER.to_string(),
    };

    // Cover.
    let mut w = XmlWriter::new();
    w.start("div").attr("class", "cover");
    w.start("img")
        .attr("src", &format!("../{cover_href}"))
        .attr("alt", &cover::alt_text(&book.meta))
        .end();
    w.end();
    documents.push(Document {
        id: "cover".into(),
        href: "text/cover.xhtml".into(),
        properties: None,
        in_spine: true,
        linear: true,
        chapter: None,
        xhtml: page(&meta.title, lang, Some("cover"), Some("cover"), w.finish())?,
    });

    // Title page.
    let mut w = XmlWriter::new();
    w.start("section")
        .attr("epub:type", "titlepage")
        .attr("class", "titlepage")
        .attr("aria-label", "Title page")
        .newline();
    w.element("h1", &meta.title).newline();
    if let Some(subtitle) = &meta.subtitle {
        w.start("p").attr("class", "subtitle");
        if let Some(lang) = script_language(subtitle, lang) {
            w.lang(lang);
        }
        w.text(subtitle).end().newline();
    }
    for author in &meta.authors {
        w.start("p")
            .attr("class", "author")
            .text(author)
            .end()
            .newline();
    }
    if let Some(publisher) = &meta.publisher {
        w.start("p")
            .attr("class", "publisher")
            .text(publisher)
            .end()
            .newline();
    }
    w.end();
    documents.push(Document {
        id: "titlepage".into(),
        href: "text/titlepage.xhtml".into(),
        properties: None,
        in_spine: true,
        linear: true,
        chapter: None,
        xhtml: page(&meta.title, lang, Some("frontmatter"), None, w.finish())?,
    });

    // Copyright page.
    let mut w = XmlWriter::new();
    w.start("section")
        .attr("epub:type", "copyright-page")
        .attr("class", "colophon")
        .attr("aria-label", "Copyright")
        .newline();
    w.start("p").start("i").text(&meta.title).end();
    if let Some(subtitle) = &meta.subtitle {
        w.text(": ").start("span");
        if let Some(lang) = script_language(subtitle, lang) {
            w.lang(lang);
        }
        w.text(subtitle).end();
    }
    w.end().newline();
    if !meta.authors.is_empty() {
        w.element("p", &format!("by {}", join_names(&meta.authors)))
            .newline();
    }
    if let Some(rights) = &meta.rights {
        w.element("p", rights).newline();
    }
    match (&meta.publisher, &meta.date) {
        (Some(publisher), Some(date)) => {
            w.element("p", &format!("Published by {publisher}, {date}."))
        }
        (Some(publisher), None) => w.element("p", &format!("Published by {publisher}.")),
        (None, Some(date)) => w.element("p", &format!("Published {date}.")),
        (None, None) => &mut w,
    }
    .newline();
    w.element("p", &format!("Identifier: {}", meta.identifier))
        .newline();
    w.element(
        "p",
        &format!(
            "This edition was made on {} with quire {}.",
            modified.date(),
            env!("CARGO_PKG_VERSION")
        ),
    )
    .newline();
    w.end();
    documents.push(Document {
        id: "copyright".into(),
        href: "text/copyright.xhtml".into(),
        properties: None,
        in_spine: true,
        linear: true,
        chapter: None,
        xhtml: page("Copyright", lang, Some("frontmatter"), None, w.finish())?,
    });

    // Chapters, written in parallel and kept in book order.
    let written = book
        .chapters
        .par_iter()
        .enumerate()
        .map(|(index, chapter)| {
            let mut writer =
                xhtml::ChapterWriter::new(book, index, options.numbering, &image_hrefs);
            let mut w = XmlWriter::new();
            writer.write(&mut w);
            let name = links::document_name(book, index);
            let document = Document {
                id: format!("ch-{}", index + 1),
                href: format!("text/{name}.xhtml"),
                properties: None,
                in_spine: true,
                linear: true,
                chapter: Some(index),
                xhtml: page(
                    &chapter.title,
                    lang,
                    Some(if chapter.back_matter {
                        "backmatter"
                    } else {
                        "bodymatter"
                    }),
                    None,
                    w.finish(),
                )?,
            };
            progress.step(crate::progress::Stage::Epub);
            Ok((document, writer.warnings, writer.images))
        })
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    let mut images = xhtml::ImageCount::default();
    for (document, mut found, shown) in written {
        warnings.append(&mut found);
        images.shown += shown.shown;
        images.without_alt += shown.without_alt;
        documents.push(document);
    }

    // Navigation.
    let toc = package::toc(book, &documents);
    let first_chapter = documents
        .iter()
        .find(|d| d.chapter.is_some_and(|c| !book.chapters[c].back_matter))
        .map(|d| d.href.clone());
    let back_matter = documents
        .iter()
        .find(|d| d.chapter.is_some_and(|c| book.chapters[c].back_matter))
        .map(|d| d.href.clone());
    let mut landmarks = vec![
        ("cover", "text/cover.xhtml".to_string(), "Cover".to_string()),
        (
            "titlepage",
            "text/titlepage.xhtml".to_string(),
            "Title page".to_string(),
        ),
        ("toc", "nav.xhtml#toc".to_string(), "Contents".to_string()),
    ];
    if let Some(href) = first_chapter {
        landmarks.push(("bodymatter", href, "Start of content".to_string()));
    }
    if let Some(href) = back_matter {
        landmarks.push(("backmatter", href, crate::appendix::TITLE.to_string()));
    }
    let mut w = XmlWriter::new();
    package::nav_body(&toc, &landmarks, &mut w);
    let nav = templates.page(
        "Contents",
        lang,
        &["css/fonts.css", "css/book.css"],
        None,
        Some("nav"),
        w.finish(),
    )?;
    // The nav lives beside the OPF, so its links are relative to `EPUB/`.
    documents.insert(
        3,
        Document {
            id: "nav".into(),
            href: "nav.xhtml".into(),
            properties: Some("nav"),
            in_spine: true,
            linear: true,
            chapter: None,
            xhtml: nav,
        },
    );

    let mut resources = vec![
        Resource {
            id: "ncx".into(),
            href: "toc.ncx".into(),
            media_type: "application/x-dtbncx+xml",
            properties: None,
        },
        Resource {
            id: "css".into(),
            href: "css/book.css".into(),
            media_type: "text/css",
            properties: None,
        },
        Resource {
            id: "css-fonts".into(),
            href: "css/fonts.css".into(),
            media_type: "text/css",
            properties: None,
        },
    ];
    if book.cover.is_none() {
        resources.push(Resource {
            id: "cover-image".into(),
            href: GENERATED_COVER.into(),
            media_type: "image/svg+xml",
            properties: Some("cover-image"),
        });
    }
    for (index, (image, href)) in book.images.iter().zip(&image_hrefs).enumerate() {
        let is_cover = book.cover == Some(index);
        resources.push(Resource {
            id: if is_cover {
                "cover-image".into()
            } else {
                format!("img-{}", index + 1)
            },
            href: href.clone(),
            media_type: image.format.media_type(),
            properties: is_cover.then_some("cover-image"),
        });
    }
    let embedded = fonts::embed(font_set, &documents, templates.has_custom_css());
    warnings.extend(embedded.warnings.iter().cloned());
    for (n, font) in embedded.fonts.iter().enumerate() {
        resources.push(Resource {
            id: format!("font-{}", n + 1),
            href: font.href.clone(),
            media_type: font.media_type,
            properties: None,
        });
    }
    let access = Accessibility {
        images: images.shown,
        images_without_alt: images.without_alt,
        animated: book.images.iter().any(|image| image.animated),
    };
    let published = match (&meta.date, options.timestamp) {
        (Some(date), _) => Some(date.clone()),
        (None, Some(_)) => Some(modified.date()),
        (None, None) => None,
    };
    let opf = package::opf(
        book,
        &documents,
        &resources,
        &modified,
        published.as_deref(),
        &access,
    );
    let ncx = package::ncx(book, &toc);

    let mut entries = vec![
        ocf::Entry {
            path: "META-INF/container.xml".into(),
            data: package::container().into_bytes(),
        },
        ocf::Entry {
            path: "EPUB/package.opf".into(),
            data: opf.into_bytes(),
        },
        ocf::Entry {
            path: "EPUB/toc.ncx".into(),
            data: ncx.into_bytes(),
        },
        ocf::Entry {
            path: "EPUB/css/book.css".into(),
            data: templates.css().as_bytes().to_vec(),
        },
        ocf::Entry {
            path: "EPUB/css/fonts.css".into(),
            data: embedded.css.into_bytes(),
        },
    ];
    if book.cover.is_none() {
        entries.push(ocf::Entry {
            path: format!("EPUB/{GENERATED_COVER}"),
            data: cover::svg(&book.meta, font_set).into_bytes(),
        });
    }
    for font in embedded.fonts {
        entries.push(ocf::Entry {
            path: format!("EPUB/{}", font.href),
            data: font.data,
        });
    }
    for (image, href) in book.images.iter().zip(&image_hrefs) {
        entries.push(ocf::Entry {
            path: format!("EPUB/{href}"),
            data: image.data.to_vec(),
        });
    }
    for document in documents {
        entries.push(ocf::Entry {
            path: format!("EPUB/{}", document.href),
            data: document.xhtml.into_bytes(),
        });
    }
    Ok(Epub {
        bytes: ocf::write_cached(&entries, timestamp, cache),
        warnings,
    })
}

/// Where the generated cover goes in the package.
const GENERATED_COVER: &str = "images/cover.svg";

/// The package path (relative to `EPUB/`) of each of the book's images:
/// `images/` and the file's name made safe for every reading system (ASCII
/// letters, digits, `-`, `_`), with the extension of its real format and a
/// number added where two would clash.
fn image_hrefs(book: &Book) -> Vec<String> {
    // The cover is `cover.<ext>`, the book's or the generated one.
    let mut taken = vec!["cover".to_string()];
    let mut hrefs = Vec::with_capacity(book.images.len());
    for (index, image) in book.images.iter().enumerate() {
        let extension = image.format.extension();
        if book.cover == Some(index) {
            hrefs.push(format!("images/cover.{extension}"));
            continue;
        }
        let safe: String = image
            .path
            .stem()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let base = match safe.trim_matches('-') {
            "" => "image".to_string(),
            trimmed => trimmed.to_ascii_lowercase(),
        };
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        hrefs.push(format!("images/{name}.{extension}"));
        taken.push(name);
    }
    hrefs
}

/// "A", "A and B", "A, B and C".
fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The language of a text written mostly in a script the book's language
/// does not use (Hangul → `ko`, kana → `ja`), so it can be marked up for
/// screen readers and fonts; `None` when it matches the book.
pub fn script_language(text: &str, book_language: &str) -> Option<&'static str> {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let count = |range: &[std::ops::RangeInclusive<u32>]| {
        text.chars()
            .filter(|&c| range.iter().any(|r| r.contains(&(c as u32))))
            .count()
    };
    let hangul = count(&[0x1100..=0x11FF, 0x3130..=0x318F, 0xAC00..=0xD7AF]);
    let kana = count(&[0x3040..=0x30FF]);
    let primary = book_language.split('-').next().unwrap_or(book_language);
    if hangul * 2 > letters && primary != "ko" {
        Some("ko")
    } else if kana * 4 > letters && primary != "ja" {
        Some("ja")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_foreign_scripts() {
        assert_eq!(
            script_language("회고록 《세기와 더불어》", "en"),
            Some("ko")
        );
        assert_eq!(script_language("회고록", "ko-KR"), None);
        assert_eq!(script_language("With the Century", "en"), None);
        assert_eq!(
            join_names(&["A".into(), "B".into(), "C".into()]),
            "A, B and C"
        );
    }
}
