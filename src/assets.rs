//! Assets: find, read and identify the images a book shows.
//!
//! **In:** the model as `markdown` built it, whose images carry their `src` as
//! written, the cover `book.toml` names, and the [`World`]. **Out:** the same
//! model with [`Book::images`] filled (bytes, format from the bytes, pixel
//! size) and every [`Image::file`] set; diagnostics at the image's place for a
//! file that is missing, outside the book, unreadable or not an image, for a
//! remote address (never fetched) and for an image without alternative text.
//! **Must not:** decode pixels (headers only), touch the network, or know
//! about either edition.
//!
//! A relative `src` is looked up beside the chapter first, as a Markdown
//! preview would, then from the top of the book folder; a `src` starting with
//! `/` from the top of the book folder only. Each file is read
//! once however often it is shown.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diag::{Diagnostic, Sink};
use crate::model::{Block, BlockKind, Book, Image, ImageFile, ImageFormat, Inline, InlineKind};
use crate::source::Span;
use crate::world::{BookPath, FileError, World};

/// Reads every image of `book` and the cover (its path as written in
/// `book.toml`, and where), filling [`Book::images`] and [`Book::cover`].
pub fn resolve(book: &mut Book, cover: Option<(&str, Span)>, world: &dyn World, sink: &mut Sink) {
    let mut resolver = Resolver {
        world,
        sink,
        images: Vec::new(),
        by_path: HashMap::new(),
    };
    for chapter in &mut book.chapters {
        let folder = chapter.path.parent();
        resolver.blocks(&mut chapter.blocks, folder.as_ref());
        if let Some(heading) = &mut chapter.heading {
            resolver.inlines(&mut heading.content, folder.as_ref());
        }
        for note in &mut chapter.footnotes {
            resolver.blocks(&mut note.blocks, folder.as_ref());
        }
    }
    if let Some((src, span)) = cover {
        book.cover = resolver.cover(src, span);
    }
    book.images = resolver.images;
}

struct Resolver<'a> {
    world: &'a dyn World,
    sink: &'a mut Sink,
    images: Vec<ImageFile>,
    /// Files already read: their index in `images`, or `None` when reading
    /// failed (reported once, at the first use).
    by_path: HashMap<BookPath, Option<usize>>,
}

impl Resolver<'_> {
    fn blocks(&mut self, blocks: &mut [Block], folder: Option<&BookPath>) {
        for block in blocks {
            match &mut block.kind {
                BlockKind::Paragraph(inlines) => self.inlines(inlines, folder),
                BlockKind::Heading(heading) => self.inlines(&mut heading.content, folder),
                BlockKind::Quote(blocks) => self.blocks(blocks, folder),
                BlockKind::List(list) => {
                    for item in &mut list.items {
                        self.blocks(&mut item.blocks, folder);
                    }
                }
                BlockKind::Table(table) => {
                    for cell in table.head.iter_mut().chain(table.rows.iter_mut().flatten()) {
                        self.inlines(cell, folder);
                    }
                }
                BlockKind::Image(image) => self.image(image, block.span, folder),
                BlockKind::Code(_) | BlockKind::Rule | BlockKind::Html(_) => {}
            }
        }
    }

    fn inlines(&mut self, inlines: &mut [Inline], folder: Option<&BookPath>) {
        for inline in inlines {
            match &mut inline.kind {
                InlineKind::Emph(children)
                | InlineKind::Strong(children)
                | InlineKind::Strike(children)
                | InlineKind::Link {
                    content: children, ..
                } => self.inlines(children, folder),
                InlineKind::Image(image) => self.image(image, inline.span, folder),
                _ => {}
            }
        }
    }

    fn image(&mut self, image: &mut Image, span: Span, folder: Option<&BookPath>) {
        if image.alt.trim().is_empty() {
            self.sink.push(
                Diagnostic::warning(
                    "image-no-alt",
                    format!("image `{}` has no alternative text", image.src),
                )
                .at(span)
                .hint(
                    "describe what it shows between the brackets: ![A map of the front](map.png)",
                ),
            );
        }
        if is_remote(&image.src) {
            self.sink.push(
                Diagnostic::warning(
                    "image-remote",
                    format!("image `{}` is on the web and is not fetched", image.src),
                )
                .at(span)
                .hint("save it in the book folder and give its path; the editions show the alternative text instead"),
            );
            return;
        }
        let src = percent_decode(&image.src);
        // `/images/a.png` starts from the top of the book folder.
        let (src, folder) = match src.strip_prefix('/') {
            Some(rest) if !rest.starts_with('/') => (rest.to_string(), None),
            _ => (src, folder),
        };
        let beside = folder.and_then(|folder| folder.join(&src).ok());
        let from_top = match BookPath::parse(&src) {
            Ok(path) => Some(path),
            Err(why) if beside.is_none() => {
                self.sink.push(
                    Diagnostic::error(
                        "path-outside-book",
                        format!("image `{}` refused: {why}", image.src),
                    )
                    .at(span),
                );
                return;
            }
            Err(_) => None,
        };
        // Beside the chapter if it is there, else from the top of the book.
        let path = match (beside, from_top) {
            (Some(beside), Some(top))
                if beside != top && !self.exists(&beside) && self.exists(&top) =>
            {
                top
            }
            (Some(beside), _) => beside,
            (None, Some(top)) => top,
            (None, None) => unreachable!("returned above"),
        };
        image.file = self.read(&path, span, &format!("image `{}`", image.src));
    }

    /// Whether a file is there, read already or not.
    fn exists(&self, path: &BookPath) -> bool {
        matches!(self.by_path.get(path), Some(Some(_))) || self.world.probe(path).is_ok()
    }

    fn cover(&mut self, src: &str, span: Span) -> Option<usize> {
        let path = match BookPath::parse(src) {
            Ok(path) => path,
            Err(why) => {
                self.sink.push(
                    Diagnostic::error(
                        "path-outside-book",
                        format!("cover image `{src}` refused: {why}"),
                    )
                    .at(span),
                );
                return None;
            }
        };
        let index = self.read(&path, span, &format!("cover image `{src}`"))?;
        if self.images[index].format == ImageFormat::Svg {
            self.sink.push(
                Diagnostic::error(
                    "image-invalid",
                    format!("cover image `{src}` is SVG; a cover must be PNG, JPEG, GIF or WebP"),
                )
                .at(span),
            );
            return None;
        }
        Some(index)
    }

    /// Reads and identifies a file, once; `what` names it in messages
    /// (``image `map.png` ``).
    fn read(&mut self, path: &BookPath, span: Span, what: &str) -> Option<usize> {
        if let Some(known) = self.by_path.get(path) {
            return *known;
        }
        let result = match self.world.read(path) {
            Ok(bytes) => match identify(&bytes) {
                Ok(found) => {
                    self.images.push(ImageFile {
                        path: path.clone(),
                        format: found.format,
                        pixels: found.pixels,
                        animated: found.animated,
                        data: Arc::from(bytes),
                    });
                    Some(self.images.len() - 1)
                }
                Err(why) => {
                    self.sink.push(
                        Diagnostic::error("image-invalid", format!("{what} {why}"))
                            .at(span)
                            .hint("use a PNG, JPEG, GIF or WebP file, or a self-contained SVG without scripts"),
                    );
                    None
                }
            },
            Err(error) => {
                let diagnostic = match error {
                    FileError::NotFound => Diagnostic::error(
                        "image-missing",
                        format!("{what} does not exist: no file `{path}` in the book folder"),
                    ),
                    FileError::Escapes => {
                        Diagnostic::error("path-outside-book", format!("{what} refused: {error}"))
                    }
                    _ => Diagnostic::error(
                        "image-missing",
                        format!("{what} cannot be read (`{path}`): {error}"),
                    ),
                };
                self.sink.push(diagnostic.at(span));
                None
            }
        };
        self.by_path.insert(path.clone(), result);
        result
    }
}

/// Whether `src` names something outside the book: a URL with a scheme
/// (`https:`, `data:` …) or a network path (`//host/…`).
fn is_remote(src: &str) -> bool {
    if src.starts_with("//") {
        return true;
    }
    match src.find(':') {
        // A scheme is a letter then letters, digits, `+`, `-` or `.`; one
        // letter alone is a Windows drive, which `BookPath` refuses anyway.
        Some(colon) if colon > 1 => {
            let scheme = &src[..colon];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// `%20` and friends decoded, as a Markdown link destination may carry them;
/// the text is kept as written when the result would not be UTF-8.
pub(crate) fn percent_decode(src: &str) -> String {
    let bytes = src.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| src.to_string())
}

/// What [`identify`] learns from an image's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identified {
    format: ImageFormat,
    /// Width and height (`None` for SVG).
    pixels: Option<(u32, u32)>,
    animated: bool,
}

/// The format of an image from its first bytes, its size in pixels from its
/// header, and whether it moves; an explanation (to follow the file's name)
/// when it is none of the formats quire knows, its header is damaged, or (an
/// SVG) it is not well-formed or not self-contained.
fn identify(bytes: &[u8]) -> Result<Identified, String> {
    let le16 = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as u32)
    };
    let be32 = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let le24 = |at: usize| {
        bytes
            .get(at..at + 3)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], 0]))
    };
    let sized = |format, size: Option<(u32, u32)>, animated| match size {
        Some((w, h)) if w > 0 && h > 0 => Ok(Identified {
            format,
            pixels: Some((w, h)),
            animated,
        }),
        _ => Err("is damaged: its header gives no size".to_string()),
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The IHDR chunk comes first: width and height at 16 and 20. An
        // animated PNG has an `acTL` chunk before its image data.
        let size = (bytes.get(12..16) == Some(b"IHDR"))
            .then(|| Some((be32(16)?, be32(20)?)))
            .flatten();
        return sized(ImageFormat::Png, size, png_is_animated(bytes));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return sized(
            ImageFormat::Gif,
            le16(6).zip(le16(8)),
            gif_frames(bytes) > 1,
        );
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return sized(ImageFormat::Jpeg, jpeg_size(bytes), false);
    }
    if bytes.get(0..4) == Some(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        let (size, animated) = match bytes.get(12..16) {
            // Lossy: 14-bit sizes after the frame tag.
            Some(b"VP8 ") => (
                le16(26)
                    .zip(le16(28))
                    .map(|(w, h)| (w & 0x3FFF, h & 0x3FFF)),
                false,
            ),
            // Lossless: 14-bit sizes minus one, packed after the signature.
            Some(b"VP8L") => (
                bytes.get(21..25).map(|b| {
                    let bits = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                    ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
                }),
                false,
            ),
            // Extended: 24-bit sizes minus one; flag 0x02 is animation.
            Some(b"VP8X") => (
                le24(24).zip(le24(27)).map(|(w, h)| (w + 1, h + 1)),
                bytes.get(20).is_some_and(|flags| flags & 0x02 != 0),
            ),
            _ => (None, false),
        };
        return sized(ImageFormat::Webp, size, animated);
    }
    if looks_like_svg(bytes) {
        return check_svg(bytes).map(|animated| Identified {
            format: ImageFormat::Svg,
            pixels: None,
            animated,
        });
    }
    Err("is not an image quire knows (PNG, JPEG, GIF, WebP or SVG)".to_string())
}

/// Whether a PNG has an animation control chunk (APNG).
fn png_is_animated(bytes: &[u8]) -> bool {
    let mut at = 8;
    while let Some(header) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        match &header[4..8] {
            b"acTL" => return true,
            b"IDAT" | b"IEND" => return false,
            _ => at = at.saturating_add(12).saturating_add(length),
        }
    }
    false
}

/// How many frames a GIF has (stops counting at 2).
fn gif_frames(bytes: &[u8]) -> usize {
    // Header and logical screen descriptor, then the global colour table.
    let mut at = 13;
    if bytes.get(10).is_some_and(|flags| flags & 0x80 != 0) {
        at += 3 << ((bytes[10] & 0x07) + 1);
    }
    // Skips data sub-blocks (length-prefixed, ended by a zero length).
    let skip_blocks = |mut at: usize| -> Option<usize> {
        loop {
            let length = *bytes.get(at)? as usize;
            at += 1 + length;
            if length == 0 {
                return Some(at);
            }
        }
    };
    let mut frames = 0;
    while frames < 2 {
        match bytes.get(at) {
            Some(0x21) => match skip_blocks(at + 2) {
                Some(next) => at = next,
                None => break,
            },
            Some(0x2C) => {
                frames += 1;
                let Some(&flags) = bytes.get(at + 9) else {
                    break;
                };
                at += 10;
                if flags & 0x80 != 0 {
                    at += 3 << ((flags & 0x07) + 1);
                }
                // The LZW code size, then the image data.
                match skip_blocks(at + 1) {
                    Some(next) => at = next,
                    None => break,
                }
            }
            _ => break,
        }
    }
    frames
}

/// An SVG must be well-formed and self-contained to go into an EPUB: no
/// scripts, event handlers, embedded HTML or references to other files.
/// `Ok(animated)` when it may go in.
fn check_svg(bytes: &[u8]) -> Result<bool, String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err("is an SVG that is not UTF-8 text".to_string());
    };
    let mut open: Vec<String> = Vec::new();
    let mut animated = false;
    for token in crate::html::tokenize(text) {
        match token.kind {
            crate::html::TokenKind::Start(tag) => {
                match tag.name.as_str() {
                    "script" => {
                        return Err("is an SVG with a script, which an e-book must not run".into());
                    }
                    "foreignobject" => {
                        return Err("is an SVG that embeds HTML (foreignObject)".into());
                    }
                    "animate" | "animatemotion" | "animatetransform" | "set" => animated = true,
                    _ => {}
                }
                for attribute in &tag.attributes {
                    let name = attribute.name.as_str();
                    if name.starts_with("on") {
                        return Err(format!("is an SVG with an event handler (`{name}`)"));
                    }
                    if (name == "href" || name.ends_with(":href"))
                        && !attribute.value.starts_with('#')
                    {
                        return Err(format!(
                            "is an SVG that refers to another file (`{}`); an e-book's SVG must be self-contained",
                            attribute.value
                        ));
                    }
                }
                if !tag.self_closing {
                    open.push(tag.name);
                }
            }
            crate::html::TokenKind::End(name) => match open.pop() {
                Some(top) if top == name => {}
                Some(top) => {
                    return Err(format!(
                        "is not well-formed XML: `</{name}>` where `</{top}>` belongs"
                    ));
                }
                None => {
                    return Err(format!(
                        "is not well-formed XML: `</{name}>` closes nothing"
                    ));
                }
            },
            crate::html::TokenKind::Text(text) if text.contains("@import") => {
                return Err("is an SVG whose style imports another file".into());
            }
            _ => {}
        }
    }
    match open.pop() {
        Some(name) => Err(format!(
            "is not well-formed XML: `<{name}>` is never closed"
        )),
        None => Ok(animated),
    }
}

/// Walks a JPEG's markers to the frame header (SOFn) that holds the size.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Markers may be padded with extra 0xFF bytes.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        let length = u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]) as usize;
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let height = u16::from_be_bytes([*bytes.get(at + 5)?, *bytes.get(at + 6)?]) as u32;
            let width = u16::from_be_bytes([*bytes.get(at + 7)?, *bytes.get(at + 8)?]) as u32;
            return Some((width, height));
        }
        if marker == 0xD9 || marker == 0xDA || length < 2 {
            return None;
        }
        at += 2 + length;
    }
}

/// An XML document whose root element is `svg`, judged from its start.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let mut rest = text.trim_start_matches('\u{FEFF}').trim_start();
    loop {
        if let Some(after) = rest
            .strip_prefix("<?")
            .or_else(|| rest.strip_prefix("<!--"))
            .or_else(|| rest.strip_prefix("<!"))
        {
            let close = if rest.starts_with("<?") {
                "?>"
            } else if rest.starts_with("<!--") {
                "-->"
            } else {
                ">"
            };
            match after.find(close) {
                Some(end) => rest = after[end + close.len()..].trim_start(),
                None => return false,
            }
        } else {
            return rest.starts_with("<svg")
                && rest[4..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(format: ImageFormat, pixels: Option<(u32, u32)>) -> Result<Identified, String> {
        Ok(Identified {
            format,
            pixels,
            animated: false,
        })
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0]);
        bytes.extend([0; 4]); // the chunk's CRC, not checked
        bytes
    }

    #[test]
    fn identifies_formats_and_sizes() {
        assert_eq!(
            identify(&png(640, 480)),
            found(ImageFormat::Png, Some((640, 480)))
        );
        assert_eq!(
            identify(b"GIF89a\x20\x03\x58\x02rest"),
            found(ImageFormat::Gif, Some((800, 600)))
        );
        // SOI, an APP0 segment of 16 bytes, then SOF0 with 100 × 200.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        jpeg.extend([0; 14]);
        jpeg.extend([0xFF, 0xC0, 0, 17, 8, 0, 200, 0, 100, 3]);
        assert_eq!(identify(&jpeg), found(ImageFormat::Jpeg, Some((100, 200))));
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend([0x7F, 0x02, 0x00, 0xDF, 0x01, 0x00]);
        assert_eq!(identify(&webp), found(ImageFormat::Webp, Some((640, 480))));
        assert_eq!(
            identify(b"<?xml version=\"1.0\"?>\n<!-- drawn -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            found(ImageFormat::Svg, None)
        );
    }

    #[test]
    fn knows_what_moves() {
        // A GIF with two frames (no colour tables, one-byte image data each).
        let mut gif = b"GIF89a\x02\x00\x02\x00\x00\x00\x00".to_vec();
        let frame = [0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0, 2, 1, 0x44, 0];
        gif.extend(frame);
        let still = identify(&[gif.clone(), vec![0x3B]].concat()).unwrap();
        assert!(!still.animated);
        gif.extend(frame);
        gif.push(0x3B);
        assert!(identify(&gif).unwrap().animated);
        // An animated PNG declares acTL before its data.
        let mut apng = png(2, 2);
        apng.extend([0, 0, 0, 8]);
        apng.extend(b"acTL\0\0\0\x02\0\0\0\0\0\0\0\0");
        assert!(identify(&apng).unwrap().animated);
        assert!(!identify(&png(2, 2)).unwrap().animated);
        let svg = |body: &str| {
            identify(format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>").as_bytes())
        };
        assert!(
            svg("<rect><animate attributeName=\"x\"/></rect>")
                .unwrap()
                .animated
        );
        assert!(!svg("<rect/>").unwrap().animated);
    }

    #[test]
    fn refuses_svg_that_an_epub_cannot_hold() {
        let svg = |body: &str| {
            identify(format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>").as_bytes())
        };
        assert!(
            svg("<script>alert(1)</script>")
                .unwrap_err()
                .contains("script")
        );
        assert!(
            svg("<rect onclick=\"x()\"/>")
                .unwrap_err()
                .contains("event handler")
        );
        assert!(
            svg("<image href=\"https://example.org/a.png\"/>")
                .unwrap_err()
                .contains("another file")
        );
        assert!(
            svg("<foreignObject><p>x</p></foreignObject>")
                .unwrap_err()
                .contains("HTML")
        );
        assert!(svg("<rect>").unwrap_err().contains("well-formed"));
        assert!(svg("<use href=\"#a\"/><g id=\"a\"/>").is_ok());
        assert!(identify(b"<svg><g></svg>").is_err());
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        assert!(identify(b"hello, world").is_err());
        assert!(identify(b"<svgx>").is_err());
        assert!(identify(b"").is_err());
        // A PNG cut before its size, and a JPEG with no frame header.
        assert!(identify(&png(1, 1)[..18]).is_err());
        assert!(identify(&[0xFF, 0xD8, 0xFF, 0xD9]).is_err());
        assert!(identify(&png(0, 10)).is_err());
    }

    #[test]
    fn tells_remote_from_local() {
        assert!(is_remote("https://example.org/a.png"));
        assert!(is_remote("data:image/png;base64,AAAA"));
        assert!(is_remote("//cdn.example.org/a.png"));
        assert!(!is_remote("images/a.png"));
        assert!(!is_remote("C:/images/a.png"));
        assert_eq!(percent_decode("my%20map.png"), "my map.png");
        assert_eq!(percent_decode("100%.png"), "100%.png");
        assert_eq!(percent_decode("%FF.png"), "%FF.png");
    }
}
