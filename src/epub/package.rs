//! The package documents: `container.xml`, the OPF, the navigation document
//! and the NCX, all written through the escaping [`XmlWriter`].

use super::Document;
use crate::date::Civil;
use crate::model::{Book, plain_text};
use crate::xml::XmlWriter;

/// `META-INF/container.xml`.
pub fn container() -> String {
    let mut w = XmlWriter::document();
    w.start("container")
        .attr("version", "1.0")
        .attr("xmlns", "urn:oasis:names:tc:opendocument:xmlns:container")
        .newline();
    w.start("rootfiles").newline();
    w.start("rootfile")
        .attr("full-path", "EPUB/package.opf")
        .attr("media-type", "application/oebps-package+xml")
        .end();
    w.newline().end().newline().end().newline();
    w.finish()
}

/// What the OPF declares besides the documents.
pub struct Resource {
    /// Manifest id.
    pub id: String,
    /// Path relative to `EPUB/`.
    pub href: String,
    /// MIME type.
    pub media_type: &'static str,
    /// Manifest `properties`, if any.
    pub properties: Option<&'static str>,
}

/// Accessibility facts the metadata states, derived from the content.
pub struct Accessibility {
    /// Images the text shows (the cover aside).
    pub images: usize,
    /// Of those, the ones without alternative text.
    pub images_without_alt: usize,
    /// Whether any image moves (an animated GIF, PNG, WebP or SVG).
    pub animated: bool,
}

/// `EPUB/package.opf`. `published` is the `dc:date`: the book's date, or
/// the build date when `SOURCE_DATE_EPOCH` fixes one.
pub fn opf(
    book: &Book,
    documents: &[Document],
    resources: &[Resource],
    modified: &Civil,
    published: Option<&str>,
    access: &Accessibility,
) -> String {
    let meta = &book.meta;
    let mut w = XmlWriter::document();
    w.start("package")
        .attr("xmlns", "http://www.idpf.org/2007/opf")
        .attr("version", "3.0")
        .attr("unique-identifier", "pub-id")
        .attr("xml:lang", &meta.language)
        .newline();
    w.start("metadata")
        .attr("xmlns:dc", "http://purl.org/dc/elements/1.1/")
        .newline();
    w.start("dc:identifier")
        .attr("id", "pub-id")
        .text(&meta.identifier)
        .end()
        .newline();
    w.start("dc:title")
        .attr("id", "title")
        .text(&meta.title)
        .end()
        .newline();
    w.start("meta")
        .attr("refines", "#title")
        .attr("property", "title-type")
        .text("main")
        .end()
        .newline();
    if let Some(subtitle) = &meta.subtitle {
        w.start("dc:title").attr("id", "subtitle");
        if let Some(lang) = super::script_language(subtitle, &meta.language) {
            w.attr("xml:lang", lang);
        }
        w.text(subtitle).end().newline();
        w.start("meta")
            .attr("refines", "#subtitle")
            .attr("property", "title-type")
            .text("subtitle")
            .end()
            .newline();
    }
    for (n, author) in meta.authors.iter().enumerate() {
        let id = format!("creator-{}", n + 1);
        w.start("dc:creator")
            .attr("id", &id)
            .text(author)
            .end()
            .newline();
        w.start("meta")
            .attr("refines", &format!("#{id}"))
            .attr("property", "role")
            .attr("scheme", "marc:relators")
            .text("aut")
            .end()
            .newline();
    }
    w.element("dc:language", &meta.language).newline();
    if let Some(date) = published {
        w.element("dc:date", date).newline();
    }
    if let Some(publisher) = &meta.publisher {
        w.element("dc:publisher", publisher).newline();
    }
    if let Some(rights) = &meta.rights {
        w.element("dc:rights", rights).newline();
    }
    if let Some(description) = &meta.description {
        w.element("dc:description", description).newline();
    }
    for keyword in &meta.keywords {
        w.element("dc:subject", keyword).newline();
    }
    w.start("meta")
        .attr("property", "dcterms:modified")
        .text(&modified.iso8601())
        .end()
        .newline();
    let mut a11y = |property: &'static str, value: &str| {
        w.start("meta")
            .attr("property", property)
            .text(value)
            .end()
            .newline();
    };
    // What is true of this book: every image described means text alone
    // suffices; an undescribed one means a reader needs sight for it.
    let described = access.images_without_alt == 0;
    a11y("schema:accessMode", "textual");
    if access.images > 0 {
        a11y("schema:accessMode", "visual");
    }
    if described {
        a11y("schema:accessModeSufficient", "textual");
    }
    if access.images > 0 {
        a11y("schema:accessModeSufficient", "textual,visual");
    }
    a11y("schema:accessibilityFeature", "tableOfContents");
    a11y("schema:accessibilityFeature", "readingOrder");
    a11y("schema:accessibilityFeature", "structuralNavigation");
    if access.images > 0 && described {
        a11y("schema:accessibilityFeature", "alternativeText");
    }
    // Reflowable text whose style a reader may change.
    a11y("schema:accessibilityFeature", "displayTransformability");
    // Still text and pictures cannot flash, move or sound; an animation
    // might flash, and quire cannot judge it.
    a11y(
        "schema:accessibilityHazard",
        if access.animated { "unknown" } else { "none" },
    );
    let mut summary = String::from(
        "This publication has a table of contents, a logical reading order and marked-up headings for structural navigation; \
         footnotes are linked to their calls and back.",
    );
    match (access.images, access.images_without_alt) {
        (0, _) => summary.push_str(" It has no images besides the cover."),
        (_, 0) => summary.push_str(" Every image has a text alternative."),
        (_, 1) => summary.push_str(" One image has no text alternative."),
        (_, missing) => summary.push_str(&format!(" {missing} images have no text alternative.")),
    }
    summary.push_str(if access.animated {
        " Some images are animated and have not been checked for flashing; there is no sound."
    } else {
        " It contains no flashing, motion or sound."
    });
    a11y("schema:accessibilitySummary", &summary);
    w.start("meta")
        .attr("name", "cover")
        .attr("content", "cover-image")
        .end()
        .newline();
    w.end().newline();

    w.start("manifest").newline();
    for resource in resources {
        w.start("item")
            .attr("id", &resource.id)
            .attr("href", &resource.href)
            .attr("media-type", resource.media_type);
        if let Some(properties) = resource.properties {
            w.attr("properties", properties);
        }
        w.end().newline();
    }
    for document in documents {
        w.start("item")
            .attr("id", &document.id)
            .attr("href", &document.href)
            .attr("media-type", "application/xhtml+xml");
        if let Some(properties) = document.properties {
            w.attr("properties", properties);
        }
        w.end().newline();
    }
    w.end().newline();

    w.start("spine").attr("toc", "ncx").newline();
    for document in documents.iter().filter(|d| d.in_spine) {
        w.start("itemref").attr("idref", &document.id);
        if !document.linear {
            w.attr("linear", "no");
        }
        w.end().newline();
    }
    w.end().newline();
    w.end().newline();
    w.finish()
}

/// One entry of the table of contents.
pub struct TocEntry {
    /// Link target, relative to `EPUB/`.
    pub href: String,
    /// Text.
    pub label: String,
    /// Sections within.
    pub children: Vec<TocEntry>,
}

/// The table of contents: chapters, and their `##` sections nested.
pub fn toc(book: &Book, documents: &[Document]) -> Vec<TocEntry> {
    let mut entries = Vec::new();
    for (chapter, document) in book
        .chapters
        .iter()
        .zip(documents.iter().filter(|d| d.chapter.is_some()))
    {
        // Back matter (the source appendix) is listed by its title alone:
        // its sections, one per chapter, would double the contents.
        let children = chapter
            .blocks
            .iter()
            .filter(|_| !chapter.back_matter)
            .filter_map(|block| match &block.kind {
                crate::model::BlockKind::Heading(h) if h.level == 2 => Some(TocEntry {
                    href: format!("{}#{}", document.href, h.id),
                    // A heading with no text (only raw HTML, say) still
                    // needs words in the contents.
                    label: match plain_text(&h.content).trim() {
                        "" => format!("Section {}", h.id),
                        text => text.to_string(),
                    },
                    children: Vec::new(),
                }),
                _ => None,
            })
            .collect();
        entries.push(TocEntry {
            href: document.href.clone(),
            label: chapter.title.clone(),
            children,
        });
    }
    entries
}

/// The body of `nav.xhtml`: the contents and the landmarks.
pub fn nav_body(toc: &[TocEntry], landmarks: &[(&'static str, String, String)], w: &mut XmlWriter) {
    w.start("nav")
        .attr("epub:type", "toc")
        .attr("role", "doc-toc")
        .attr("id", "toc")
        .newline();
    w.element("h1", "Contents").newline();
    nav_list(toc, w);
    w.end().newline();
    w.start("nav")
        .attr("epub:type", "landmarks")
        .attr("id", "landmarks")
        .attr("hidden", "hidden")
        .newline();
    w.element("h2", "Landmarks").newline();
    w.start("ol").newline();
    for (kind, href, label) in landmarks {
        w.start("li")
            .start("a")
            .attr("epub:type", kind)
            .attr("href", href)
            .text(label)
            .end()
            .end()
            .newline();
    }
    w.end().newline().end().newline();
}

fn nav_list(entries: &[TocEntry], w: &mut XmlWriter) {
    w.start("ol").newline();
    for entry in entries {
        w.start("li")
            .start("a")
            .attr("href", &entry.href)
            .text(&entry.label)
            .end();
        if !entry.children.is_empty() {
            w.newline();
            nav_list(&entry.children, w);
        }
        w.end().newline();
    }
    w.end().newline();
}

/// `EPUB/toc.ncx`, for reading systems that predate EPUB 3.
pub fn ncx(book: &Book, toc: &[TocEntry]) -> String {
    let mut w = XmlWriter::document();
    w.start("ncx")
        .attr("xmlns", "http://www.daisy.org/z3986/2005/ncx/")
        .attr("version", "2005-1");
    w.attr("xml:lang", &book.meta.language).newline();
    w.start("head").newline();
    w.start("meta")
        .attr("name", "dtb:uid")
        .attr("content", &book.meta.identifier)
        .end()
        .newline();
    w.start("meta")
        .attr("name", "dtb:depth")
        .attr(
            "content",
            if toc.iter().any(|e| !e.children.is_empty()) {
                "2"
            } else {
                "1"
            },
        )
        .end()
        .newline();
    w.start("meta")
        .attr("name", "dtb:totalPageCount")
        .attr("content", "0")
        .end()
        .newline();
    w.start("meta")
        .attr("name", "dtb:maxPageNumber")
        .attr("content", "0")
        .end()
        .newline();
    w.end().newline();
    w.start("docTitle")
        .element("text", &book.meta.title)
        .end()
        .newline();
    w.start("navMap").newline();
    let mut order = 0;
    ncx_points(toc, &mut w, &mut order);
    w.end().newline().end().newline();
    w.finish()
}

fn ncx_points(entries: &[TocEntry], w: &mut XmlWriter, order: &mut usize) {
    for entry in entries {
        *order += 1;
        w.start("navPoint")
            .attr("id", &format!("np-{order}"))
            .attr("playOrder", &order.to_string());
        w.start("navLabel").element("text", &entry.label).end();
        w.start("content").attr("src", &entry.href).end().newline();
        ncx_points(&entry.children, w, order);
        w.end().newline();
    }
}
