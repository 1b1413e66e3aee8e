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
//! `/Lang`, title, authors, `/Subject` (the description) and `/Keywords`;
//! and a creation and modification date from `SOURCE_DATE_EPOCH` only.
//! **Must not:** see the model or Markdown, decide anything about layout, or
//! panic on a link or bookmark to a page the document does not have (it is
//! left out).
//!
//! Written with `krilla`, which subsets TrueType and CFF faces itself and
//! writes the same bytes for the same input. `nav` turns the navigation
//! into krilla's terms.

use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, GlyphId};

use crate::diag::Diagnostic;
use crate::fonts::FontSet;
use crate::model::{ImageFile, ImageFormat};
use crate::typeset::frame::{Document, Item, PlacedGlyph};

mod nav;
#[cfg(test)]
mod tests;

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
    let mut pdf = krilla::Document::new();
    let mut loaded: Vec<Option<Option<Font>>> = vec![None; fonts.faces.len()];
    let mut pictures: Vec<Option<Option<krilla::image::Image>>> = vec![None; images.len()];
    let count = document.pages.len();
    let mut labels = nav::page_labels(&document.labels, count).map(Vec::into_iter);
    for page in &document.pages {
        progress.step(crate::progress::Stage::Pdf);
        let mut settings = PageSettings::from_wh(page.width, page.height).ok_or_else(|| {
            Diagnostic::error(
                "pdf-failed",
                format!(
                    "a page of {} × {} pt cannot be made",
                    page.width, page.height
                ),
            )
        })?;
        if let Some(label) = labels.as_mut().and_then(Iterator::next) {
            settings = settings.with_page_label(label);
        }
        let mut pdf_page = pdf.start_page_with(settings);
        for annotation in nav::annotations(page, count) {
            pdf_page.add_annotation(annotation);
        }
        let mut surface = pdf_page.surface();
        for positioned in &page.items {
            match &positioned.item {
                Item::Text(run) => {
                    let font = loaded[run.face].get_or_insert_with(|| {
                        let face = &fonts.faces[run.face];
                        Font::new(krilla::Data::from(face.data.clone()), 0)
                    });
                    if let Some(font) = font {
                        let glyphs: Vec<KrillaGlyph> = run
                            .glyphs
                            .iter()
                            .map(|glyph| KrillaGlyph {
                                glyph,
                                size: run.size,
                                expansion: run.expansion,
                            })
                            .collect();
                        // An expanded run is drawn in a horizontally
                        // scaled space: its shapes widen with its advances.
                        let expanded = run.expansion != 1.0;
                        let origin = if expanded {
                            surface.push_transform(&Transform::from_row(
                                run.expansion,
                                0.0,
                                0.0,
                                1.0,
                                positioned.x,
                                positioned.y,
                            ));
                            Point::from_xy(0.0, 0.0)
                        } else {
                            Point::from_xy(positioned.x, positioned.y)
                        };
                        surface.draw_glyphs(
                            origin,
                            &glyphs,
                            font.clone(),
                            &run.text,
                            run.size,
                            false,
                        );
                        if expanded {
                            surface.pop();
                        }
                    }
                }
                Item::Rule { width, height } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(positioned.x, positioned.y, *width, *height)
                    {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        surface.draw_path(&path);
                    }
                }
                Item::Image {
                    image,
                    width,
                    height,
                    ..
                } => {
                    let picture = pictures[*image].get_or_insert_with(|| picture(&images[*image]));
                    if let (Some(picture), Some(size)) = (picture, Size::from_wh(*width, *height)) {
                        surface
                            .push_transform(&Transform::from_translate(positioned.x, positioned.y));
                        surface.draw_image(picture.clone(), size);
                        surface.pop();
                    }
                }
            }
        }
        surface.finish();
        pdf_page.finish();
    }
    pdf.set_outline(nav::outline(&document.outline, count));
    let mut metadata = Metadata::new()
        .title(meta.title.clone())
        .authors(meta.authors.clone())
        .language(meta.language.clone())
        .creator(format!("quire {}", env!("CARGO_PKG_VERSION")));
    if let Some(description) = &meta.description {
        metadata = metadata.description(description.clone());
    }
    // krilla writes none for an empty list.
    metadata = metadata.keywords(meta.keywords.clone());
    if let Some(timestamp) = meta.timestamp {
        let civil = crate::date::Civil::from_timestamp(timestamp);
        metadata = metadata.creation_date(
            DateTime::new(civil.year as u16)
                .month(civil.month as u8)
                .day(civil.day as u8)
                .hour(civil.hour as u8)
                .minute(civil.minute as u8)
                .second(civil.second as u8)
                .utc_offset_hour(0)
                .utc_offset_minute(0),
        );
    }
    pdf.set_metadata(metadata);
    pdf.finish().map_err(|error| match error {
        // Images are decoded only now; name the one that failed.
        krilla::error::KrillaError::Image(failed, _, why) => {
            let index = pictures
                .iter()
                .position(|picture| matches!(picture, Some(Some(p)) if *p == failed));
            let which = index.map_or_else(
                || "an image".to_string(),
                |i| format!("image `{}`", images[i].path),
            );
            let error = Diagnostic::error(
                "pdf-failed",
                format!("the PDF cannot be made: {which} cannot be decoded ({why})"),
            )
            .hint("the file is damaged, or not what its first bytes say: open it in an image editor and save it again");
            match index {
                Some(i) => error.in_file(images[i].path.as_str()),
                None => error,
            }
        }
        other => Diagnostic::error("pdf-failed", format!("the PDF cannot be made: {other:?}")),
    })
}

/// A raster image for krilla; `None` when it cannot be decoded (the
/// typesetter set its alternative text instead of an `Item::Image` for
/// formats a PDF cannot hold).
fn picture(image: &ImageFile) -> Option<krilla::image::Image> {
    let data = krilla::Data::from(image.data.to_vec());
    match image.format {
        ImageFormat::Png => krilla::image::Image::from_png(data, true).ok(),
        ImageFormat::Jpeg => krilla::image::Image::from_jpeg(data, true).ok(),
        ImageFormat::Gif => krilla::image::Image::from_gif(data, true).ok(),
        ImageFormat::Webp => krilla::image::Image::from_webp(data, true).ok(),
        ImageFormat::Svg => None,
    }
}

/// A frame glyph as krilla wants it. Frames hold points at the run's size;
/// krilla asks for them at any size (at 1 for its text matrix), so each is
/// scaled from the run's size; horizontal measures are unscaled by the
/// run's expansion, which the drawing's transform puts back.
struct KrillaGlyph<'a> {
    glyph: &'a PlacedGlyph,
    size: f32,
    expansion: f32,
}

impl krilla::text::Glyph for KrillaGlyph<'_> {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(self.glyph.id)
    }

    fn text_range(&self) -> std::ops::Range<usize> {
        self.glyph.text.clone()
    }

    fn x_advance(&self, size: f32) -> f32 {
        self.glyph.advance / self.expansion / self.size * size
    }

    fn x_offset(&self, size: f32) -> f32 {
        self.glyph.x_offset / self.expansion / self.size * size
    }

    fn y_offset(&self, size: f32) -> f32 {
        self.glyph.y_offset / self.size * size
    }

    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }

    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}
