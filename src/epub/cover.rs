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
    // The measure inside the frame, with a margin.
    let measure = (WIDTH - 400) as f32;
    let mut y = 760;
    for line in wrap(
        &meta.title,
        |l| outline::line(fonts, l, 120.0).width,
        measure,
    ) {
        text(&mut w, fonts, &line, y, 120.0, "#2b2118");
        y += 150;
    }
    if let Some(subtitle) = &meta.subtitle {
        y += 40;
        for line in wrap(subtitle, |l| outline::line(fonts, l, 76.0).width, measure) {
            text(&mut w, fonts, &line, y, 76.0, "#7a2e1d");
            y += 100;
        }
    }
    w.start("line")
        .attr("x1", "650")
        .attr("x2", "950")
        .attr("y1", &(y + 40).to_string())
        .attr("y2", &(y + 40).to_string())
        .attr("stroke", "#7a2e1d")
        .attr("stroke-width", "4")
        .end()
        .newline();
    let mut y = HEIGHT - 420;
    for author in &meta.authors {
        text(&mut w, fonts, author, y, 80.0, "#2b2118");
        y += 110;
    }
    w.end().newline();
    w.finish()
}

/// One line, centred, drawn in the book's fonts.
fn text(w: &mut XmlWriter, fonts: &FontSet, line: &str, y: u32, size: f32, fill: &str) {
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
