//! Files a book shows besides its text: images, read and identified by the
//! `assets` stage.

use std::sync::Arc;

use crate::world::BookPath;

/// An image file of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    /// Where it is in the book folder.
    pub path: BookPath,
    /// What kind of image it is, from its bytes (not its name).
    pub format: ImageFormat,
    /// Width and height in pixels (`None` for SVG, which scales); the PDF
    /// sizes figures by it and the EPUB gives it to reading systems.
    pub pixels: Option<(u32, u32)>,
    /// Whether it moves (an animated GIF, PNG or WebP, or SVG animation):
    /// the accessibility metadata cannot then say "no hazard".
    pub animated: bool,
    /// The file's bytes, unchanged.
    pub data: Arc<[u8]>,
}

/// The image formats quire carries into both editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Portable Network Graphics.
    Png,
    /// JPEG (JFIF or Exif).
    Jpeg,
    /// GIF.
    Gif,
    /// WebP.
    Webp,
    /// Scalable Vector Graphics.
    Svg,
}

impl ImageFormat {
    /// The MIME type, as EPUB manifests want it.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Gif => "image/gif",
            ImageFormat::Webp => "image/webp",
            ImageFormat::Svg => "image/svg+xml",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
            ImageFormat::Svg => "svg",
        }
    }
}
