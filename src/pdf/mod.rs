//! Frames → PDF: the print edition's bytes.
//!
//! **In:** a frame [`Document`] (positioned pages, their links, the
//! bookmarks and the page-number ranges), the faces it uses, the images of
//! the book and the document's metadata. **Out:** a PDF with every font
//! embedded and subset, with ToUnicode maps (and ActualText where glyphs and
//! text do not map one to one, such as a hyphenated word); link annotations
//! (to a place in the document or to a URI, with no border); the outline
//! (bookmarks, nested, sections folded under their chapter); `/PageLabels`
//! (the printed page numbers, roman or arabic) when there are ranges;
//! `/Lang`, title, authors, `/Subject` (the description) and `/Keywords`,
//! in `/Info` and in XMP; and a creation and modification date from
//! `SOURCE_DATE_EPOCH` only. **Must not:** see the model or Markdown,
//! decide anything about layout, or panic on a link or bookmark to a page
//! the document does not have (it is left out).
//!
//! Written with `pdf-writer` (objects and their escaping) and content
//! streams of our own, in stages: [`font::tables`] reads every glyph once,
//! in page order, and fixes each used face's subset (its CIDs) and its
//! ToUnicode texts; then, on rayon's pool, the faces are subset
//! (`subsetter`), the images decoded, and each page's content stream drawn
//! ([`page`]) and compressed; last, the objects are written one after the
//! other in a fixed order (catalog, page tree, resources, pages with their
//! contents, fonts, images, links, outline, page labels, info, XMP) with a
//! classic cross-reference table and no object streams. The same input
//! gives the same bytes on any number of threads, and with or without a
//! [`PageCache`], which keeps what each page, font and image made under a
//! hash of what made it, so that `quire watch` recompresses only what
//! changed.
//!
//! Files: `font` (glyph tables, subsets, font objects), `page` (content
//! streams and their keys), `image` (image XObjects), `nav` (links,
//! outline, page labels), `meta` (`/Info` and XMP), `cache`.

use std::sync::Arc;

use pdf_writer::{Finish, Name, Pdf, Rect, Ref};
use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::fonts::FontSet;
use crate::model::ImageFile;
use crate::typeset::frame::Document;

mod cache;
mod font;
mod image;
mod meta;
mod nav;
mod page;
#[cfg(test)]
mod tests;

pub use cache::PageCache;

/// The zlib level of every compressed stream (content streams, fonts,
/// ToUnicode maps, images), chosen by measurement on the 929-page large
/// corpus book (PDF stage on one thread, best of three; file size):
/// level 1 took 1.26 s for 5.1 MB (miniz's level 1 is a different, much
/// weaker matcher), level 3 0.98 s for 3.7 MB, level 6 2.0 s for 3.4 MB
/// (the krilla-based writer before, at 6: 3.1 s for 4.4 MB). 3 is as fast as 1 and within 8 % of
/// 6's size. With glyphs written as literal strings (half hex's bytes),
/// zlib-rs at 2 gives 3.6 MB, at 3 3.4 MB; 3 costs 16 % more compressing.
/// libdeflate at 3 gives 3.36 MB; at 6, 3.24 MB for 180 M more
/// instructions (2.6 % of the whole build): 3 stays.
const LEVEL: u32 = 3;

/// What the document says about itself.
#[derive(Debug, Clone, Default)]
pub struct PdfMeta {
    /// Title.
    pub title: String,
    /// Authors.
    pub authors: Vec<String>,
    /// BCP 47 language tag.
    pub language: String,
    /// A description, if any: written as the PDF's `/Subject`.
    pub description: Option<String>,
    /// Keywords, written as `/Keywords` joined by `, ` (no entry when
    /// there are none).
    pub keywords: Vec<String>,
    /// The build time (`SOURCE_DATE_EPOCH`): the creation date, and the
    /// modification date (the same); none means no date at all.
    pub timestamp: Option<i64>,
}

/// Writes the document as a PDF: its pages, their links, the outline and
/// the page labels, and `meta`.
pub fn export(
    document: &Document,
    fonts: &FontSet,
    images: &[ImageFile],
    meta: &PdfMeta,
) -> Result<Vec<u8>, Diagnostic> {
    export_with(document, fonts, images, meta, &crate::progress::Silent)
}

/// [`export`], with a step of [`Stage::Pdf`](crate::progress::Stage::Pdf)
/// told to `progress` for each page drawn.
pub fn export_with(
    document: &Document,
    fonts: &FontSet,
    images: &[ImageFile],
    meta: &PdfMeta,
    progress: &dyn crate::progress::Progress,
) -> Result<Vec<u8>, Diagnostic> {
    export_cached(document, fonts, images, meta, progress, None)
}

/// [`export_with`], taking from `cache` what an earlier export made from
/// the same pages, fonts and images, and keeping there what this one makes.
/// The bytes are those [`export`] writes, whatever the cache holds.
pub fn export_cached(
    document: &Document,
    fonts: &FontSet,
    images: &[ImageFile],
    meta: &PdfMeta,
    progress: &dyn crate::progress::Progress,
    cache: Option<&PageCache>,
) -> Result<Vec<u8>, Diagnostic> {
    if let Some(cache) = cache {
        cache.begin();
    }
    let result = write(document, fonts, images, meta, progress, cache);
    if let Some(cache) = cache {
        cache.end();
    }
    result
}

/// `data` compressed with zlib at `level` (a `FlateDecode` stream), by
/// libdeflate: a page's few kilobytes at once, with no stream to set up.
fn deflate(data: &[u8], level: u32) -> Vec<u8> {
    let level = libdeflater::CompressionLvl::new(level as i32).unwrap_or_default();
    let mut compressor = libdeflater::Compressor::new(level);
    let mut out = vec![0; compressor.zlib_compress_bound(data.len())];
    // The bound is room enough: compressing into it cannot fail.
    let written = compressor.zlib_compress(data, &mut out).unwrap_or(0);
    out.truncate(written);
    out
}

/// The error for an image that cannot be embedded, naming its file.
fn image_error(image: &ImageFile, why: &str) -> Diagnostic {
    Diagnostic::error(
        "pdf-failed",
        format!(
            "the PDF cannot be made: image `{}` cannot be decoded ({why})",
            image.path
        ),
    )
    .hint("the file is damaged, or not what its first bytes say: open it in an image editor and save it again")
    .in_file(image.path.as_str())
}

/// Whether a page's side can be a PDF page's (PDF 1.7 allows up to
/// 14,400 units).
fn sound_side(side: f32) -> bool {
    side.is_finite() && side > 0.0 && side <= 14_400.0
}

fn write(
    document: &Document,
    fonts: &FontSet,
    images: &[ImageFile],
    meta: &PdfMeta,
    progress: &dyn crate::progress::Progress,
    cache: Option<&PageCache>,
) -> Result<Vec<u8>, Diagnostic> {
    if let Some(page) = document
        .pages
        .iter()
        .find(|page| !(sound_side(page.width) && sound_side(page.height)))
    {
        return Err(Diagnostic::error(
            "pdf-failed",
            format!(
                "a page of {} × {} pt cannot be made",
                page.width, page.height
            ),
        ));
    }

    // Every glyph, in page order: each used face's CIDs and texts.
    let own = font::drawings(document);
    let tables = font::tables(document, &own, fonts);
    let mut by_face: Vec<Option<&font::FaceTable>> = vec![None; fonts.faces.len()];
    for table in &tables {
        by_face[table.face] = Some(table);
    }
    // The images drawn, each written once (a sheet's, from its drawing:
    // its items may not be read at all).
    let mut used_images = vec![false; images.len()];
    for (page, own) in document.pages.iter().zip(&own) {
        for &image in page.sheet.drawing().images.iter().chain(&own.images) {
            if let Some(file) = images.get(image)
                && image::drawable(file)
            {
                used_images[image] = true;
            }
        }
    }
    let drawable = |index: usize| used_images.get(index).copied().unwrap_or(false);

    // Fonts, images and pages, made at the same time.
    let ((prepared, encoded), streams) = rayon::join(
        || {
            rayon::join(
                || {
                    tables
                        .par_iter()
                        .map(|table| font::prepare(&fonts.faces[table.face], table, LEVEL, cache))
                        .collect::<Result<Vec<_>, _>>()
                },
                || {
                    images
                        .par_iter()
                        .enumerate()
                        .filter(|(index, _)| used_images[*index])
                        .map(|(index, file)| encode_image(file, cache).map(|e| (index, e)))
                        .collect::<Result<Vec<_>, _>>()
                },
            )
        },
        || {
            document
                .pages
                .par_iter()
                .zip(&own)
                .map(|(page, own)| {
                    let make = || -> Result<Vec<u8>, Diagnostic> {
                        Ok(deflate(&page::content(page, &by_face, &drawable), LEVEL))
                    };
                    let stream = match cache {
                        Some(cache) => {
                            let key = page::key(page, own, &by_face, &drawable);
                            cache.get_or_make(key, make)
                        }
                        None => make().map(Arc::from),
                    };
                    progress.step(crate::progress::Stage::Pdf);
                    stream
                })
                .collect::<Result<Vec<Arc<[u8]>>, _>>()
        },
    );
    let (prepared, encoded, streams) = (prepared?, encoded?, streams?);

    // References, in a fixed order.
    let mut last = 0;
    let mut next = || {
        last += 1;
        Ref::new(last)
    };
    let catalog_ref = next();
    let tree_ref = next();
    let resources_ref = next();
    let page_refs: Vec<(Ref, Ref)> = document.pages.iter().map(|_| (next(), next())).collect();
    let font_refs: Vec<font::FontRefs> = tables
        .iter()
        .map(|_| font::FontRefs::new(&mut next))
        .collect();
    let image_refs: Vec<Ref> = encoded
        .iter()
        .map(|(_, image)| {
            let first = next();
            for _ in 1..image.refs() {
                next();
            }
            first
        })
        .collect();
    let pages = document.pages.len();
    let link_refs: Vec<Vec<Ref>> = document
        .pages
        .iter()
        .map(|page| nav::links(page, pages).map(|_| next()).collect())
        .collect();
    let outline = nav::outline(&document.outline, pages);
    let outline_ref = (!outline.is_empty()).then(|| {
        let root = next();
        for _ in 1..nav::outline_refs(&outline) {
            next();
        }
        root
    });
    let labels = nav::page_labels(&document.labels, pages);
    let labels_ref = (!labels.is_empty()).then(|| {
        let root = next();
        for _ in 0..labels.len() {
            next();
        }
        root
    });
    let info_ref = next();
    let xmp_ref = next();

    let size: usize = streams.iter().map(|s| s.len() + 200).sum::<usize>()
        + prepared.iter().map(font::Prepared::size).sum::<usize>()
        + encoded.iter().map(|(_, e)| e.size()).sum::<usize>();
    let mut pdf =
        Pdf::with_settings_and_capacity(pdf_writer::Settings { pretty: false }, size + 64 * 1024);
    let mut catalog = pdf.catalog(catalog_ref);
    catalog.pages(tree_ref);
    if let Some(outline_ref) = outline_ref {
        catalog.outlines(outline_ref);
    }
    if let Some(labels_ref) = labels_ref {
        catalog.pair(Name(b"PageLabels"), labels_ref);
    }
    if !meta.language.is_empty() {
        catalog.lang(pdf_writer::TextStr(&meta.language));
    }
    catalog.metadata(xmp_ref);
    catalog.finish();

    pdf.pages(tree_ref)
        .kids(page_refs.iter().map(|&(page, _)| page))
        .count(pages as i32);

    // One resource dictionary for every page: the fonts as `/F<face>`, the
    // images as `/Im<index>`, the names the content streams use.
    let mut resources = pdf
        .indirect(resources_ref)
        .start::<pdf_writer::writers::Resources>();
    if !tables.is_empty() {
        let mut dict = resources.fonts();
        for (table, refs) in tables.iter().zip(&font_refs) {
            dict.pair(Name(format!("F{}", table.face).as_bytes()), refs.type0);
        }
    }
    if !encoded.is_empty() {
        let mut dict = resources.x_objects();
        for ((index, _), &id) in encoded.iter().zip(&image_refs) {
            dict.pair(Name(format!("Im{index}").as_bytes()), id);
        }
    }
    resources.finish();

    let heights: Vec<f32> = document.pages.iter().map(|p| p.height).collect();
    let page_ids: Vec<Ref> = page_refs.iter().map(|&(page, _)| page).collect();
    for (n, page) in document.pages.iter().enumerate() {
        let (page_ref, content_ref) = page_refs[n];
        let mut writer = pdf.page(page_ref);
        writer
            .parent(tree_ref)
            .media_box(Rect::new(0.0, 0.0, page.width, page.height))
            .contents(content_ref)
            .pair(Name(b"Resources"), resources_ref);
        if !link_refs[n].is_empty() {
            writer.annotations(link_refs[n].iter().copied());
        }
        writer.finish();
        pdf.stream(content_ref, &streams[n])
            .filter(pdf_writer::Filter::FlateDecode);
    }
    for ((table, refs), prepared) in tables.iter().zip(&font_refs).zip(&prepared) {
        font::write(&mut pdf, refs, table, prepared);
    }
    for ((_, image), &id) in encoded.iter().zip(&image_refs) {
        image.write(&mut pdf, id);
    }
    for (n, page) in document.pages.iter().enumerate() {
        for (link, &id) in nav::links(page, pages).zip(&link_refs[n]) {
            nav::write_link(&mut pdf, id, link, page.height, &page_ids, &heights);
        }
    }
    if let Some(outline_ref) = outline_ref {
        nav::write_outline(&mut pdf, outline_ref, &outline, &page_ids, &heights);
    }
    if let Some(labels_ref) = labels_ref {
        nav::write_page_labels(&mut pdf, labels_ref, &labels);
    }
    meta::write_info(&mut pdf, info_ref, meta);

    // The ID: a hash of everything written before it, so the same
    // document always has the same ID, and another document another.
    let mut id = cache::Key::new(b"document");
    id.bytes(pdf.as_bytes());
    let id = id.value().to_be_bytes();
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    meta::write_xmp(&mut pdf, xmp_ref, meta, &hex, pages);
    pdf.set_file_id((id.to_vec(), id.to_vec()));
    Ok(pdf.finish())
}

/// An image's XObject, from `cache` when an earlier export made it from
/// the same bytes.
fn encode_image(file: &ImageFile, cache: Option<&PageCache>) -> Result<image::Encoded, Diagnostic> {
    let make = || image::encode(file, LEVEL).map_err(|why| image_error(file, &why));
    match cache {
        Some(cache) => {
            let mut key = cache::Key::new(b"image");
            key.u64(u64::from(LEVEL))
                .u64(file.format as u64)
                .bytes(&file.data);
            let bytes = cache.get_or_make(key.value(), || make().map(|e| e.to_bytes()))?;
            image::Encoded::from_bytes(&bytes)
                .ok_or_else(|| image_error(file, "its kept form is damaged"))
        }
        None => make(),
    }
}
