//! Frames → PDF: the print edition's bytes.
//!
//! **In:** positioned pages ([`Page`]), the faces they use, the images of the
//! book and the document's metadata. **Out:** a PDF with every font embedded
//! and subset, with ToUnicode maps (and ActualText where glyphs and text do
//! not map one to one, such as a hyphenated word), `/Lang`, and a creation
//! date from `SOURCE_DATE_EPOCH` only. **Must not:** see the model or
//! Markdown, or decide anything about layout.
//!
//! Written with `krilla`, which subsets TrueType and CFF faces itself and
//! writes the same bytes for the same input.

use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, GlyphId};

use crate::diag::Diagnostic;
use crate::fonts::FontSet;
use crate::model::{ImageFile, ImageFormat};
use crate::typeset::frame::{Document, Item, PlacedGlyph};

/// What the document says about itself.
#[derive(Debug, Clone, Default)]
pub struct PdfMeta {
    /// Title.
    pub title: String,
    /// Authors.
    pub authors: Vec<String>,
    /// BCP 47 language tag.
    pub language: String,
    /// A description, if any.
    pub description: Option<String>,
    /// The build time (`SOURCE_DATE_EPOCH`): the creation date; none means
    /// no date at all.
    pub timestamp: Option<i64>,
}

/// Writes the pages as a PDF.
pub fn export(
    document: &Document,
    fonts: &FontSet,
    images: &[ImageFile],
    meta: &PdfMeta,
) -> Result<Vec<u8>, Diagnostic> {
    let mut pdf = krilla::Document::new();
    let mut loaded: Vec<Option<Option<Font>>> = vec![None; fonts.faces.len()];
    let mut pictures: Vec<Option<Option<krilla::image::Image>>> = vec![None; images.len()];
    for page in &document.pages {
        let settings = PageSettings::from_wh(page.width, page.height).ok_or_else(|| {
            Diagnostic::error(
                "pdf-failed",
                format!(
                    "a page of {} × {} pt cannot be made",
                    page.width, page.height
                ),
            )
        })?;
        let mut pdf_page = pdf.start_page_with(settings);
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
    let mut metadata = Metadata::new()
        .title(meta.title.clone())
        .authors(meta.authors.clone())
        .language(meta.language.clone())
        .creator(format!("quire {}", env!("CARGO_PKG_VERSION")));
    if let Some(description) = &meta.description {
        metadata = metadata.description(description.clone());
    }
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
    pdf.finish()
        .map_err(|e| Diagnostic::error("pdf-failed", format!("the PDF cannot be written: {e:?}")))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::frame::{Page, Positioned};

    #[test]
    fn writes_a_page_with_text_the_same_every_time() {
        let fonts = FontSet::embedded();
        let body = fonts
            .faces
            .iter()
            .position(|f| &*f.family == "Libertinus Serif")
            .unwrap();
        let mut shaper = crate::typeset::shape::Shaper::new(&fonts);
        let shaped = shaper.shape("Hello", body, 12.0, None, Default::default());
        let run = shaped.to_run("Hello");
        let page = Page {
            width: 432.0,
            height: 648.0,
            items: vec![Positioned {
                x: 72.0,
                y: 72.0,
                item: Item::Text(run),
            }],
            links: Vec::new(),
        };
        let document = Document {
            pages: vec![page],
            ..Document::default()
        };
        let meta = PdfMeta {
            title: "T".into(),
            language: "en".into(),
            timestamp: Some(0),
            ..PdfMeta::default()
        };
        let first = export(&document, &fonts, &[], &meta).unwrap();
        let second = export(&document, &fonts, &[], &meta).unwrap();
        assert!(first.starts_with(b"%PDF-"));
        assert_eq!(first, second);
        let text = String::from_utf8_lossy(&first);
        assert!(text.contains("/Lang"), "the language is declared");
        assert!(
            text.contains("FontFile3") || text.contains("FontFile2"),
            "the font is embedded"
        );
    }
}
