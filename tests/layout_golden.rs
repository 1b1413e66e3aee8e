//! Regression tests of the print layout, on the small book `books/layout`
//! (a heading, justified and hyphenated paragraphs, italics, a footnote, a
//! quotation, a list and a code block):
//!
//! - **the layout dump**: [`quire::typeset::frame::dump`] of its pages, kept
//!   as `ref/layout/layout.txt`. Any move of an item by 0.01 pt or more, any
//!   change of face, size, expansion or line break shows as a text diff.
//! - **the page image**: page 7 (the chapter's opening) of the PDF the `quire` binary writes,
//!   rendered by poppler's `pdftoppm` at 70 dpi in grey and compared with
//!   `ref/png/layout-p7.png` within a tolerance (see [`Difference`]). This
//!   checks what the dump cannot: that the PDF draws the glyphs where the
//!   frames put them. Without `pdftoppm` the test skips with a note, unless
//!   `QUIRE_REQUIRE_PDFTOPPM=1`, as CI sets, which makes it fail.
//!
//! When a change is meant, `UPDATE=1 cargo test --test layout_golden`
//! rewrites both references (and fails, so no rewrite goes unseen): read
//! `git diff tests/ref` and look at the image before committing. When the
//! images differ, the render and a map of the differences are left in
//! `tests/store/png/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{first_difference, quire, repo, run, temp};
use quire::typeset::frame::dump;
use quire::world::SystemWorld;

/// The test book, under `tests/books/`.
const BOOK: &str = "layout";

/// The page rendered: the chapter's opening, after six pages of front
/// matter (half-title, blank, title, copyright, contents, blank).
const PAGE: u32 = 7;

/// The build time of the PDF: 2025-01-02 03:04:05 UTC.
const EPOCH: &str = "1735787045";

/// The resolution of the render: enough to see lines and words, small
/// enough to keep the reference image small.
const DPI: &str = "70";

fn update() -> bool {
    std::env::var("UPDATE").is_ok_and(|v| v == "1")
}

/// The suffix of a failure message: what to do about it.
fn advice() -> &'static str {
    if update() {
        " (rewritten: review with git diff)"
    } else {
        " (UPDATE=1 rewrites)"
    }
}

#[test]
fn layout_dump_matches_the_reference() {
    let world =
        SystemWorld::new(&repo().join("tests/books").join(BOOK), None).expect("the book folder");
    let compiled = quire::compile(&world);
    assert!(
        compiled.diagnostics.is_empty(),
        "the test book compiles without diagnostics: {:#?}",
        compiled.diagnostics
    );
    let book = compiled.book.expect("the book compiles");
    let config = compiled.config.expect("book.toml parses");
    let fonts = compiled.fonts.expect("the fonts load");
    let pages = quire::typeset::typeset(&book, &config, &fonts, None)
        .document
        .pages;
    let actual = dump(&pages);
    // The dump shows the whole book: a line per page and more per item.
    assert!(
        pages.len() >= 2,
        "the book fills more than a page (the image test tells page 1 from page 2)"
    );
    assert!(actual.lines().count() > pages.len() * 10);

    let file = repo().join("tests/ref/layout").join(format!("{BOOK}.txt"));
    let kept = std::fs::read_to_string(&file).ok();
    if kept.as_deref() == Some(actual.as_str()) {
        return;
    }
    if update() {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &actual).unwrap();
    }
    match kept {
        None => panic!("no layout dump at {}{}", file.display(), advice()),
        Some(kept) => panic!(
            "the layout of tests/books/{BOOK} differs from {}{}:\n\n{}",
            file.display(),
            advice(),
            first_difference(&kept, &actual)
        ),
    }
}

#[test]
fn page_renders_like_the_reference() {
    if !has_pdftoppm() {
        if std::env::var("QUIRE_REQUIRE_PDFTOPPM").is_ok_and(|v| v == "1") {
            panic!("QUIRE_REQUIRE_PDFTOPPM=1 but pdftoppm is not installed (poppler-utils)");
        }
        eprintln!("note: pdftoppm not installed; skipping the page image of tests/books/{BOOK}");
        return;
    }
    let out = temp();
    let pdf = build_pdf(out.path());
    let actual = render(&pdf, PAGE, out.path());
    let file = reference();
    let kept = std::fs::read(&file).ok().map(|bytes| decode(&bytes));
    let difference = kept.as_ref().map(|kept| Difference::between(kept, &actual));
    // Within the tolerance, the reference stays as it is, even with UPDATE=1:
    // another renderer's anti-aliasing is no reason to rewrite it.
    if !difference.as_ref().is_some_and(Difference::is_small) {
        if update() {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, encode(&actual)).unwrap();
        }
        let (Some(kept), Some(difference)) = (&kept, difference) else {
            panic!("no page image at {}{}", file.display(), advice());
        };
        let store = repo().join("tests/store/png");
        std::fs::create_dir_all(&store).unwrap();
        let rendered = store.join(format!("{BOOK}-p{PAGE}.png"));
        let map = store.join(format!("{BOOK}-p{PAGE}-diff.png"));
        std::fs::write(&rendered, encode(&actual)).unwrap();
        if let Some(map_image) = difference_map(kept, &actual) {
            std::fs::write(&map, encode(&map_image)).unwrap();
        }
        panic!(
            "page {PAGE} of tests/books/{BOOK} renders unlike {}{}: {difference:?}\n\
             the render is at {}, the differences (dark) at {}",
            file.display(),
            advice(),
            rendered.display(),
            map.display()
        );
    }
    let kept = kept.unwrap();

    // The comparison tells pages apart with this machine's renderer: the
    // next page, set in the same fonts and margins, is not "the same".
    let other = render(&pdf, PAGE + 1, out.path());
    let difference = Difference::between(&kept, &other);
    assert!(
        !difference.is_small(),
        "page {} passes for page {PAGE}: {difference:?}",
        PAGE + 1
    );
}

/// The comparison fails on what it must catch and passes what it must
/// allow, on the reference image itself (no renderer needed).
#[test]
fn image_comparison_fails_on_moved_or_missing_text() {
    let kept = decode(&std::fs::read(reference()).expect("the reference image"));
    let same = |image: &Grey| Difference::between(&kept, image).is_small();

    assert!(same(&kept));
    // A pixel of slack in every direction, for renderers that round a glyph's
    // position differently.
    assert!(same(&shifted(&kept, 1, 0)));
    assert!(same(&shifted(&kept, -1, 1)));
    // Text moved by two pixels (about 2 pt) or more is a different page.
    for (dx, dy) in [(2, 0), (-2, 0), (0, 2), (0, -2), (3, 3)] {
        assert!(!same(&shifted(&kept, dx, dy)), "shifted by {dx}, {dy}");
    }
    // One line of text gone.
    assert!(!same(&without_a_line(&kept)), "a line erased");
    // An empty page, and a page of another size.
    let blank = Grey {
        pixels: vec![255; kept.pixels.len()],
        ..kept.clone()
    };
    assert!(!same(&blank), "a blank page");
    let narrower = Grey {
        width: kept.width - 1,
        height: kept.height,
        pixels: vec![255; (kept.width - 1) as usize * kept.height as usize],
    };
    assert!(!same(&narrower), "a page of another size");
}

/// The reference image of the page.
fn reference() -> PathBuf {
    repo()
        .join("tests/ref/png")
        .join(format!("{BOOK}-p{PAGE}.png"))
}

/// Builds the test book's PDF in `out` and returns its path.
fn build_pdf(out: &Path) -> PathBuf {
    let result = run(quire()
        .args(["build", "--format", "pdf", "--out"])
        .arg(out)
        .arg(repo().join("tests/books").join(BOOK))
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(result.code, 0, "build failed:\n{}", result.stderr);
    let pdf = out.join(format!("{BOOK}.pdf"));
    assert!(pdf.is_file(), "{} was written", pdf.display());
    pdf
}

fn has_pdftoppm() -> bool {
    Command::new("pdftoppm")
        .arg("-v")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Page `page` of `pdf`, rendered in grey by `pdftoppm` into `dir`.
fn render(pdf: &Path, page: u32, dir: &Path) -> Grey {
    let page = page.to_string();
    let stem = dir.join(format!("page-{page}"));
    let output = Command::new("pdftoppm")
        .args(["-r", DPI, "-gray", "-png", "-singlefile"])
        .args(["-f", &page, "-l", &page])
        .arg(pdf)
        .arg(&stem)
        .output()
        .expect("pdftoppm runs");
    assert!(
        output.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    decode(&std::fs::read(stem.with_extension("png")).expect("pdftoppm wrote the page"))
}

/// An 8-bit grey image, rows top to bottom, 0 black and 255 white.
#[derive(Debug, Clone, PartialEq)]
struct Grey {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Grey {
    fn at(&self, x: i64, y: i64) -> Option<u8> {
        let inside =
            (0..i64::from(self.width)).contains(&x) && (0..i64::from(self.height)).contains(&y);
        inside.then(|| self.pixels[(y * i64::from(self.width) + x) as usize])
    }
}

/// Decodes a PNG of any colour type to grey (pdftoppm's `-gray` still writes
/// RGB in some versions), blending any transparency onto white.
fn decode(bytes: &[u8]) -> Grey {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("a PNG of sane size")];
    let info = reader.next_frame(&mut buffer).expect("the PNG's pixels");
    let data = &buffer[..info.buffer_size()];
    let on_white = |value: u32, alpha: u32| ((value * alpha + 255 * (255 - alpha)) / 255) as u8;
    let luma =
        |p: &[u8]| (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000;
    let pixels = match info.color_type {
        png::ColorType::Grayscale => data.to_vec(),
        png::ColorType::GrayscaleAlpha => data
            .chunks_exact(2)
            .map(|p| on_white(u32::from(p[0]), u32::from(p[1])))
            .collect(),
        png::ColorType::Rgb => data.chunks_exact(3).map(|p| luma(p) as u8).collect(),
        png::ColorType::Rgba => data
            .chunks_exact(4)
            .map(|p| on_white(luma(p), u32::from(p[3])))
            .collect(),
        png::ColorType::Indexed => unreachable!("expanded by normalize_to_color8"),
    };
    assert_eq!(
        pixels.len(),
        info.width as usize * info.height as usize,
        "one grey value per pixel"
    );
    Grey {
        width: info.width,
        height: info.height,
        pixels,
    }
}

/// An 8-bit grey PNG of `image`, compressed hard to keep references small.
fn encode(image: &Grey) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, image.width, image.height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().expect("a PNG header");
    writer.write_image_data(&image.pixels).expect("the pixels");
    writer.finish().expect("the PNG's end");
    bytes
}

/// How far one page image is from another, with a pixel of slack: a pixel
/// differs from the other image by how far its value lies outside the range
/// of the other image's pixels within one pixel of the same place (see
/// [`envelope`]), taken both ways. So a glyph a renderer rounds one pixel
/// over costs nothing, while text moved by two pixels, missing or changed,
/// does.
///
/// Measured on `books/layout` at 70 dpi: poppler's two renderers (`pdftoppm`
/// and `pdftocairo`, different rasterizers) differ by a mean of 0.6 with no
/// pixel over 128; a shift of two pixels gives a mean over 3 and more than
/// a thousand pixels over 128.
#[derive(Debug)]
struct Difference {
    /// Whether the two images have the same size (if not, nothing else is
    /// measured).
    same_size: bool,
    /// The mean difference per pixel, 0 to 255.
    mean: f64,
    /// How many pixels differ by more than [`Difference::STRONG`].
    strong: usize,
}

impl Difference {
    /// The most mean difference allowed.
    const MEAN: f64 = 2.0;
    /// A difference this large is ink against paper, not anti-aliasing.
    const STRONG: u8 = 128;
    /// The most pixels allowed to differ strongly: a few glyph edges.
    const STRONG_PIXELS: usize = 40;

    fn between(kept: &Grey, actual: &Grey) -> Difference {
        let Some(differences) = differences(kept, actual) else {
            return Difference {
                same_size: false,
                mean: f64::from(u8::MAX),
                strong: usize::MAX,
            };
        };
        let total: u64 = differences.iter().map(|&d| u64::from(d)).sum();
        Difference {
            same_size: true,
            mean: total as f64 / differences.len().max(1) as f64,
            strong: differences.iter().filter(|&&d| d > Self::STRONG).count(),
        }
    }

    fn is_small(&self) -> bool {
        self.same_size && self.mean <= Self::MEAN && self.strong <= Self::STRONG_PIXELS
    }
}

/// Each pixel's difference with a pixel of slack (see [`Difference`]), or
/// `None` if the images differ in size.
fn differences(a: &Grey, b: &Grey) -> Option<Vec<u8>> {
    if (a.width, a.height) != (b.width, b.height) {
        return None;
    }
    let (a_low, a_high) = envelope(a);
    let (b_low, b_high) = envelope(b);
    // How far `value` lies outside the range `low..=high`.
    let outside =
        |value: u8, low: u8, high: u8| low.saturating_sub(value).max(value.saturating_sub(high));
    Some(
        (0..a.pixels.len())
            .map(|i| {
                outside(a.pixels[i], b_low[i], b_high[i]).max(outside(
                    b.pixels[i],
                    a_low[i],
                    a_high[i],
                ))
            })
            .collect(),
    )
}

/// The darkest and the lightest value within one pixel of each pixel (a
/// 3 × 3 minimum and maximum, done by rows then by columns). A pixel's
/// distance to the other image's range there is at most its difference to
/// the nearest of those pixels, and is zero when it lies between them.
fn envelope(image: &Grey) -> (Vec<u8>, Vec<u8>) {
    let (width, height) = (image.width as usize, image.height as usize);
    let pass = |values: &[u8], step: usize, len: usize, pick: fn(u8, u8) -> u8| {
        let mut out = values.to_vec();
        for (i, value) in out.iter_mut().enumerate() {
            let at = (i / step) % len;
            if at > 0 {
                *value = pick(*value, values[i - step]);
            }
            if at + 1 < len {
                *value = pick(*value, values[i + step]);
            }
        }
        out
    };
    let low = pass(
        &pass(&image.pixels, 1, width, u8::min),
        width,
        height,
        u8::min,
    );
    let high = pass(
        &pass(&image.pixels, 1, width, u8::max),
        width,
        height,
        u8::max,
    );
    (low, high)
}

/// The differences as an image, dark where they are large.
fn difference_map(a: &Grey, b: &Grey) -> Option<Grey> {
    Some(Grey {
        pixels: differences(a, b)?.iter().map(|d| 255 - d).collect(),
        ..a.clone()
    })
}

/// `image` moved by `dx`, `dy` pixels, white where nothing moved in.
fn shifted(image: &Grey, dx: i64, dy: i64) -> Grey {
    let mut pixels = Vec::with_capacity(image.pixels.len());
    for y in 0..i64::from(image.height) {
        for x in 0..i64::from(image.width) {
            pixels.push(image.at(x - dx, y - dy).unwrap_or(255));
        }
    }
    Grey {
        pixels,
        ..image.clone()
    }
}

/// `image` with the line of text nearest its middle painted white: the
/// rows around the middle row holding ink, out to the blank rows either
/// side.
fn without_a_line(image: &Grey) -> Grey {
    let width = image.width as usize;
    let inked = |y: usize| {
        image.pixels[y * width..(y + 1) * width]
            .iter()
            .any(|&p| p < 128)
    };
    let middle = image.height as usize / 2;
    let row = (middle..image.height as usize)
        .find(|&y| inked(y))
        .expect("text below the middle of the page");
    let top = (0..row).rev().find(|&y| !inked(y)).map_or(0, |y| y + 1);
    let bottom = (row..image.height as usize)
        .find(|&y| !inked(y))
        .unwrap_or(image.height as usize);
    let mut pixels = image.pixels.clone();
    pixels[top * width..bottom * width].fill(255);
    Grey {
        pixels,
        ..image.clone()
    }
}

/// `pdftotext` gives back every word of the sample chapter whole: words
/// hyphenated at a line end and compounds broken at their own hyphen
/// (`Sino-` / `Japanese`) included, ligatures as their letters.
#[test]
fn the_sample_chapter_extracts_word_for_word() {
    if !has_pdftoppm() {
        if std::env::var("QUIRE_REQUIRE_PDFTOPPM").is_ok_and(|v| v == "1") {
            panic!("QUIRE_REQUIRE_PDFTOPPM=1 but poppler-utils is not installed");
        }
        eprintln!("note: poppler-utils not installed; skipping pdftotext of the sample book");
        return;
    }
    let out = temp();
    let result = run(quire()
        .args(["build", "--format", "pdf", "--out"])
        .arg(out.path())
        .arg(repo().join("book"))
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(result.code, 0, "build failed:\n{}", result.stderr);
    let pdf = std::fs::read_dir(out.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF was written");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8(text.stdout).expect("UTF-8 text");
    // Words: letters with inner hyphens and apostrophes.
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '\'' | '’')))
            .map(|w| {
                w.trim_matches(|c| matches!(c, '-' | '\'' | '’'))
                    .to_string()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    let extracted: std::collections::HashSet<String> = words(&text).into_iter().collect();
    let chapter =
        std::fs::read_to_string(repo().join("book/chapters/01-formation-of-the-allied-forces.md"))
            .unwrap();
    // The body: no front matter, no note labels.
    let body = chapter.rsplit("\n---\n").next().unwrap_or(&chapter);
    let mut source = String::new();
    let mut rest = body;
    while let Some(at) = rest.find("[^") {
        source.push_str(&rest[..at]);
        rest = rest[at..].split_once(']').map_or("", |(_, after)| after);
    }
    source.push_str(rest);
    let expected = words(&source);
    assert!(expected.len() > 5000, "{} words", expected.len());
    let missing: Vec<&String> = expected
        .iter()
        .filter(|w| !extracted.contains(*w))
        .collect();
    assert!(missing.is_empty(), "not extracted whole: {missing:?}");
}
