//! The book's raster images as image XObjects.
//!
//! **In:** an [`ImageFile`] (PNG, JPEG, GIF or WebP; SVG is never drawn as
//! an image). **Out:** its XObject: a JPEG as it is (`DCTDecode`, size and
//! components from its frame header, CMYK inverted as Adobe writes it);
//! the others decoded to 8-bit grey or RGB, `FlateDecode`d, with an
//! `/SMask` when any pixel is not opaque (a GIF or animation gives its
//! first frame). **Must not:** panic on a damaged file: the error names
//! why, and [`super`] names the file.

use std::io::Cursor;

use pdf_writer::{Chunk, Filter, Finish, Name, Ref};

use crate::model::{ImageFile, ImageFormat};

/// An image ready to write.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Encoded {
    width: u32,
    height: u32,
    /// 1 (grey), 3 (RGB) or 4 (CMYK).
    components: u8,
    /// `DCTDecode` (a JPEG's own bytes), else `FlateDecode`.
    jpeg: bool,
    /// Whether the samples are inverted (Adobe's CMYK JPEGs).
    invert: bool,
    data: Vec<u8>,
    /// The compressed alpha channel, when not all opaque.
    alpha: Option<Vec<u8>>,
}

/// Whether `image` can be drawn as an image XObject.
pub(super) fn drawable(image: &ImageFile) -> bool {
    image.format != ImageFormat::Svg
}

/// Decodes (or, for a JPEG, reads the header of) `image`; the error says
/// why it cannot be.
pub(super) fn encode(image: &ImageFile, level: u32) -> Result<Encoded, String> {
    let data = &image.data[..];
    match image.format {
        ImageFormat::Jpeg => jpeg(data),
        ImageFormat::Png => png(data, level),
        ImageFormat::Gif => gif(data, level),
        ImageFormat::Webp => webp(data, level),
        ImageFormat::Svg => Err("an SVG image is not a raster image".into()),
    }
}

/// A JPEG's size and components from its frame header, and whether Adobe
/// stored it inverted (any 4-component JPEG, as libtexpdf and the writer
/// before this one assume: Photoshop writes CMYK inverted).
fn jpeg(data: &[u8]) -> Result<Encoded, String> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Err("not a JPEG file".into());
    }
    let mut at = 2;
    loop {
        // Fill bytes before a marker.
        while data.get(at) == Some(&0xFF) && data.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(at), data.get(at + 1)) else {
            return Err("no frame header before the end of the file".into());
        };
        at += 2;
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            continue;
        }
        let length = data
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .filter(|&l| l >= 2)
            .ok_or("a damaged segment")?;
        let segment = data
            .get(at + 2..at + length)
            .ok_or("a segment past the end")?;
        let frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if frame {
            if segment.len() < 6 {
                return Err("a damaged frame header".into());
            }
            let precision = segment[0];
            let height = u32::from(u16::from_be_bytes([segment[1], segment[2]]));
            let width = u32::from(u16::from_be_bytes([segment[3], segment[4]]));
            let components = segment[5];
            if precision != 8 {
                return Err(format!(
                    "{precision}-bit samples (only 8-bit JPEGs are supported)"
                ));
            }
            if width == 0 || height == 0 {
                return Err("a size of zero".into());
            }
            if !matches!(components, 1 | 3 | 4) {
                return Err(format!("{components} colour components"));
            }
            return Ok(Encoded {
                width,
                height,
                components,
                jpeg: true,
                invert: components == 4,
                data: data.to_vec(),
                alpha: None,
            });
        }
        if marker == 0xD9 || marker == 0xDA {
            return Err("no frame header before the image data".into());
        }
        at += length;
    }
}

/// Pixels of `channels` channels (1 or 2: grey, with alpha; 3 or 4: RGB,
/// with alpha), 8 bits each, split into compressed colour and alpha.
fn pixels(
    width: u32,
    height: u32,
    channels: usize,
    pixels: &[u8],
    level: u32,
) -> Result<Encoded, String> {
    let count = width as usize * height as usize;
    if width == 0 || height == 0 || pixels.len() < count * channels {
        return Err("fewer pixels than its size".into());
    }
    let pixels = &pixels[..count * channels];
    let (components, data, alpha) = match channels {
        1 | 3 => (channels as u8, super::deflate(pixels, level), None),
        2 | 4 => {
            let colour = channels - 1;
            let mut data = Vec::with_capacity(count * colour);
            let mut alpha = Vec::with_capacity(count);
            for pixel in pixels.chunks_exact(channels) {
                data.extend_from_slice(&pixel[..colour]);
                alpha.push(pixel[colour]);
            }
            let alpha = alpha
                .iter()
                .any(|&a| a != 255)
                .then(|| super::deflate(&alpha, level));
            (colour as u8, super::deflate(&data, level), alpha)
        }
        _ => return Err(format!("{channels} channels")),
    };
    Ok(Encoded {
        width,
        height,
        components,
        jpeg: false,
        invert: false,
        data,
        alpha,
    })
}

fn png(data: &[u8], level: u32) -> Result<Encoded, String> {
    let mut decoder = png::Decoder::new(Cursor::new(data));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|e| e.to_string().to_lowercase())?;
    let size = reader.output_buffer_size().ok_or("image is too large")?;
    let mut buffer = vec![0; size];
    let frame = reader
        .next_frame(&mut buffer)
        .map_err(|e| e.to_string().to_lowercase())?;
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("an indexed image that did not expand".into()),
    };
    if frame.bit_depth != png::BitDepth::Eight {
        return Err("a bit depth that did not become 8".into());
    }
    // Rows may be padded past the pixels: keep the pixels.
    let row = frame.width as usize * channels;
    let packed: Vec<u8> = if frame.line_size == row {
        buffer.truncate(row * frame.height as usize);
        buffer
    } else {
        buffer
            .chunks(frame.line_size.max(1))
            .take(frame.height as usize)
            .flat_map(|line| &line[..row.min(line.len())])
            .copied()
            .collect()
    };
    pixels(frame.width, frame.height, channels, &packed, level)
}

fn gif(data: &[u8], level: u32) -> Result<Encoded, String> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(Cursor::new(data))
        .map_err(|e| e.to_string().to_lowercase())?;
    let frame = decoder
        .read_next_frame()
        .map_err(|e| e.to_string().to_lowercase())?
        .ok_or("the GIF has no image")?;
    pixels(
        u32::from(frame.width),
        u32::from(frame.height),
        4,
        &frame.buffer,
        level,
    )
}

fn webp(data: &[u8], level: u32) -> Result<Encoded, String> {
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(data))
        .map_err(|e| e.to_string().to_lowercase())?;
    let (width, height) = decoder.dimensions();
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    let size = decoder.output_buffer_size().ok_or("image is too large")?;
    let mut buffer = vec![0; size];
    decoder
        .read_image(&mut buffer)
        .map_err(|e| e.to_string().to_lowercase())?;
    pixels(width, height, channels, &buffer, level)
}

impl Encoded {
    /// The image as bytes for the cache.
    pub(super) fn to_bytes(&self) -> Vec<u8> {
        let alpha = self.alpha.as_deref().unwrap_or_default();
        let mut out = Vec::with_capacity(28 + self.data.len() + alpha.len());
        out.extend(self.width.to_le_bytes());
        out.extend(self.height.to_le_bytes());
        out.extend([
            self.components,
            u8::from(self.jpeg),
            u8::from(self.invert),
            u8::from(self.alpha.is_some()),
        ]);
        out.extend((self.data.len() as u64).to_le_bytes());
        out.extend(&self.data);
        out.extend(alpha);
        out
    }

    /// An image read back from [`Encoded::to_bytes`].
    pub(super) fn from_bytes(bytes: &[u8]) -> Option<Encoded> {
        let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
        let flags = bytes.get(8..12)?;
        let length =
            usize::try_from(u64::from_le_bytes(bytes.get(12..20)?.try_into().ok()?)).ok()?;
        let data = bytes.get(20..20 + length)?.to_vec();
        let rest = bytes.get(20 + length..)?;
        Some(Encoded {
            width: u32_at(0)?,
            height: u32_at(4)?,
            components: flags[0],
            jpeg: flags[1] != 0,
            invert: flags[2] != 0,
            alpha: (flags[3] != 0).then(|| rest.to_vec()),
            data,
        })
    }

    /// About how many bytes its objects take.
    pub(super) fn size(&self) -> usize {
        self.data.len() + self.alpha.as_ref().map_or(0, Vec::len) + 512
    }

    /// How many references [`Encoded::write`] takes: the image and its
    /// soft mask.
    pub(super) fn refs(&self) -> usize {
        1 + usize::from(self.alpha.is_some())
    }

    /// Writes the image at `id` (and its soft mask at the next reference).
    pub(super) fn write(&self, chunk: &mut Chunk, id: Ref) {
        let mask = self.alpha.as_ref().map(|alpha| {
            let mask = Ref::new(id.get() + 1);
            let mut image = chunk.image_xobject(mask, alpha);
            image
                .width(self.width as i32)
                .height(self.height as i32)
                .bits_per_component(8);
            image.pair(Name(b"ColorSpace"), Name(b"DeviceGray"));
            image.interpolate(true);
            image.filter(Filter::FlateDecode);
            image.finish();
            mask
        });
        let mut image = chunk.image_xobject(id, &self.data);
        image
            .width(self.width as i32)
            .height(self.height as i32)
            .bits_per_component(8);
        image.filter(if self.jpeg {
            Filter::DctDecode
        } else {
            Filter::FlateDecode
        });
        let space: &[u8] = match self.components {
            1 => b"DeviceGray",
            4 => b"DeviceCMYK",
            _ => b"DeviceRGB",
        };
        image.pair(Name(b"ColorSpace"), Name(space));
        // Smoothed when scaled up, as before (a figure is often drawn
        // larger than its pixels).
        image.interpolate(true);
        if self.invert {
            image.decode([1.0, 0.0].repeat(usize::from(self.components)));
        }
        if let Some(mask) = mask {
            image.s_mask(mask);
        }
        image.finish();
    }
}
