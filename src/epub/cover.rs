//! A generated cover, for books that do not bring their own: title,
//! subtitle and authors set on a plain ground, as SVG.

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
pub fn svg(meta: &Metadata) -> String {
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
    let serif = "'Libertinus Serif', Georgia, 'Nanum Myeongjo', serif";
    let mut y = 760;
    for line in wrap(&meta.title, 18) {
        text(&mut w, &line, y, 120, serif, "#2b2118");
        y += 150;
    }
    if let Some(subtitle) = &meta.subtitle {
        y += 40;
        for line in wrap(subtitle, 26) {
            text(&mut w, &line, y, 76, serif, "#7a2e1d");
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
        text(&mut w, author, y, 80, serif, "#2b2118");
        y += 110;
    }
    w.end().newline();
    w.finish()
}

fn text(w: &mut XmlWriter, line: &str, y: u32, size: u32, family: &str, fill: &str) {
    w.start("text")
        .attr("x", &(WIDTH / 2).to_string())
        .attr("y", &y.to_string())
        .attr("text-anchor", "middle")
        .attr("font-family", family)
        .attr("font-size", &size.to_string())
        .attr("fill", fill)
        .text(line)
        .end()
        .newline();
}

/// Breaks text into lines of at most `width` characters (East Asian wide
/// characters count double), at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let cost = |s: &str| -> usize {
        s.chars()
            .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
            .sum()
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && cost(&line) + 1 + cost(word) > width {
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
        assert_eq!(
            wrap("Reminiscences: With the Century", 18),
            vec!["Reminiscences:", "With the Century"]
        );
        assert_eq!(
            wrap("회고록 《세기와 더불어》", 12),
            vec!["회고록", "《세기와", "더불어》"]
        );
    }
}
