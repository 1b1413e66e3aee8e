//! A generated cover, for books that do not bring their own: title,
//! subtitle and authors set on a plain ground, as SVG.
//!
//! The text is drawn as outlines of the book's own fonts, since a cover
//! shown as an image cannot use the fonts of the package; the `<title>` of
//! the SVG and the `alt` of the cover page carry it as text.

use crate::fonts::{FontSet, outline};
use crate::model::Metadata;
use crate::xml::XmlWriter;

const WIDTH: u32 = 1600;
const HEIGHT: u32 = 2400;

/// The alternative text of the cover image.
pub fn alt_text(meta: &Metadata) -> String {
    let mut alt = format!("Cover: {}", meta.title);
    if let Some(subtitle) = &meta.subtitle {
        alt.push_str(" — ");
        alt.push_str(subtitle);
    }
    if !meta.authors.is_empty() {
        alt.push_str(", by ");
        alt.push_str(&meta.authors.join(", "));
    }
    alt
}

/// The cover as an SVG document.
pub fn svg(meta: &Metadata, fonts: &FontSet) -> String {
    let mut w = XmlWriter::document();
    w.start("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("version", "1.1")
        .attr("viewBox", &format!("0 0 {WIDTH} {HEIGHT}"))
        .attr("width", &WIDTH.to_string())
        .attr("height", &HEIGHT.to_string())
        .newline();
    w.element("title", &alt_text(meta)).newline();
    w.start("rect")
        .attr("width", "100%")
        .attr("height", "100%")
        .attr("fill", "#f4efe4")
        .end()
        .newline();
    w.start("rect")
        .attr("x", "80")
        .attr("y", "80")
        .attr("width", &(WIDTH - 160).to_string())
        .attr("height", &(HEIGHT - 160).to_string())
        .attr("fill", "none")
        .attr("stroke", "#7a2e1d")
        .attr("stroke-width", "6")
        .end()
        .newline();
    // The measure inside the frame, with a margin. Titles and subtitles
    // shrink until they fit their share of the page (a word wider than the
    // measure shrinks its line alone); authors fill the foot upwards.
    let measure = (WIDTH - 400) as f32;
    let title = fit(fonts, &meta.title, 120.0, measure, 4);
    let subtitle = meta
        .subtitle
        .as_ref()
        .map(|subtitle| fit(fonts, subtitle, 76.0, measure, 3));
    // One author a line when they fit; else all names run together.
    let authors: Vec<Block> = if meta.authors.len() <= 3 {
        meta.authors
            .iter()
            .map(|author| fit(fonts, author, 80.0, measure, 1))
            .collect()
    } else {
        vec![fit(
            fonts,
            &super::join_names(&meta.authors),
            80.0,
            measure,
            3,
        )]
    };
    let author_lines: usize = authors.iter().map(|a| a.lines.len()).sum();
    let authors_top = (HEIGHT - 240).saturating_sub(110 * author_lines as u32);

    let mut y = 760;
    for line in &title.lines {
        text(&mut w, fonts, line, y, title.size, "#2b2118", measure);
        y += (title.size * 1.25) as u32;
    }
    if let Some(subtitle) = &subtitle {
        y += 40;
        for line in &subtitle.lines {
            text(&mut w, fonts, line, y, subtitle.size, "#7a2e1d", measure);
            y += (subtitle.size * 1.3) as u32;
        }
    }
    // The rule, unless the authors need its place.
    if y + 40 < authors_top.saturating_sub(60) {
        w.start("line")
            .attr("x1", "650")
            .attr("x2", "950")
            .attr("y1", &(y + 40).to_string())
            .attr("y2", &(y + 40).to_string())
            .attr("stroke", "#7a2e1d")
            .attr("stroke-width", "4")
            .end()
            .newline();
    }
    let mut y = authors_top.max(y + 140);
    for author in &authors {
        for line in &author.lines {
            text(&mut w, fonts, line, y, author.size, "#2b2118", measure);
            y += 110;
        }
    }
    w.end().newline();
    w.finish()
}

/// Lines of one text at one size.
struct Block {
    lines: Vec<String>,
    size: f32,
}

/// Wraps `text` at `size`, shrinking the size (down to half) until it takes
/// at most `max_lines`.
fn fit(fonts: &FontSet, text: &str, size: f32, measure: f32, max_lines: usize) -> Block {
    let mut size = size;
    loop {
        let lines = wrap(text, |l| outline::width(fonts, l, size), measure);
        if lines.len() <= max_lines || size <= 40.0 {
            return Block { lines, size };
        }
        size *= 0.85;
    }
}

/// One line, centred, drawn in the book's fonts; a line wider than the
/// measure is scaled down to it.
fn text(
    w: &mut XmlWriter,
    fonts: &FontSet,
    line: &str,
    y: u32,
    size: f32,
    fill: &str,
    measure: f32,
) {
    let natural = outline::width(fonts, line, size);
    let size = if natural > measure {
        size * measure / natural
    } else {
        size
    };
    let drawn = outline::line(fonts, line, size);
    let x = (WIDTH as f32 - drawn.width) / 2.0;
    w.start("path")
        .attr("transform", &format!("translate({x:.1} {y})"))
        .attr("fill", fill)
        .attr("d", &drawn.path)
        .end()
        .newline();
}

/// Breaks text at spaces into lines no wider than `measure`, as `width`
/// measures them (a word wider than the measure gets a line of its own).
/// Two lines are balanced, and break after a colon or other stop when one
/// fits: "Reminiscences: / With the Century", not "…: With / the Century".
fn wrap(text: &str, width: impl Fn(&str) -> f32, measure: f32) -> Vec<String> {
    let lines = greedy(text, &width, measure);
    if lines.len() != 2 {
        return lines;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut best: Option<(f32, usize)> = None;
    for at in 1..words.len() {
        let (first, second) = (words[..at].join(" "), words[at..].join(" "));
        let (a, b) = (width(&first), width(&second));
        if a > measure || b > measure {
            continue;
        }
        let stop = first.ends_with([':', ';', ',', '—', '.']);
        let cost = (a - b).abs() - if stop { measure } else { 0.0 };
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, at));
        }
    }
    match best {
        Some((_, at)) => vec![words[..at].join(" "), words[at..].join(" ")],
        None => lines,
    }
}

/// Fills each line as far as it goes.
fn greedy(text: &str, width: impl Fn(&str) -> f32, measure: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && width(&format!("{line} {word}")) > measure {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path of a cover lies inside the frame, however long the text.
    #[test]
    fn long_titles_and_many_authors_stay_inside() {
        let fonts = FontSet::embedded();
        let meta = Metadata {
            title: "Pneumonoultramicroscopicsilicovolcanoconiosis and Other Very Long Words in a Title That Goes On and On Without End".into(),
            subtitle: Some("A subtitle that is also far too long for one line of a cover, and then some".into()),
            authors: (1..=6).map(|n| format!("Author Number {n} With A Rather Long Name Indeed")).collect(),
            language: "en".into(),
            identifier: "x".into(),
            publisher: None,
            date: None,
            rights: None,
            description: None,
            keywords: Vec::new(),
            slug: "x".into(),
        };
        let svg = svg(&meta, &fonts);
        for part in svg.split("translate(").skip(1) {
            let numbers: Vec<f32> = part
                .split(')')
                .next()
                .unwrap()
                .split(' ')
                .map(|n| n.parse().unwrap())
                .collect();
            assert!(numbers[0] >= 80.0, "x {} outside the frame", numbers[0]);
            assert!(
                numbers[1] <= (HEIGHT - 100) as f32,
                "y {} below the frame",
                numbers[1]
            );
        }
    }

    #[test]
    fn wraps_at_spaces() {
        let chars = |s: &str| s.chars().count() as f32;
        assert_eq!(
            wrap("Reminiscences: With the Century", chars, 24.0),
            vec!["Reminiscences:", "With the Century"]
        );
        assert_eq!(
            wrap("The Rise and the Fall of It", chars, 24.0),
            vec!["The Rise and", "the Fall of It"]
        );
        assert_eq!(
            wrap("회고록 《세기와 더불어》", chars, 5.0),
            vec!["회고록", "《세기와", "더불어》"]
        );
        assert_eq!(wrap("Antidisestablishmentarianism", chars, 5.0).len(), 1);
    }
}
