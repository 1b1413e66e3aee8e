//! The book's fonts in the e-book: each face the text uses, subset to the
//! characters it shows, declared with `@font-face` in `css/fonts.css`.
//!
//! Which faces: the body family's regular and italic always (headings and
//! the colophon use italic), its bold and bold italic when the text has
//! strong emphasis or table headers or the book brings its own style sheet, the mono family when there is code, and
//! a fallback family when the text has characters the body family lacks.
//! Which characters: those of every document's text content, plus what a
//! reading system may draw by itself (list markers, the hyphen it inserts).

use std::collections::BTreeSet;
use std::fmt::Write;

use super::Document;
use crate::diag::Diagnostic;
use crate::fonts::{Face, FontSet, Style, subset};

/// Characters a reading system may set without their being in the text:
/// list numbers and bullets, the hyphen of automatic hyphenation, spaces.
const ALWAYS: &str = "0123456789.-\u{2010}\u{A0} •◦▪“”‘’";

/// A subset face, ready for the package.
pub struct EmbeddedFont {
    /// Path relative to `EPUB/`.
    pub href: String,
    /// `font/otf` or `font/ttf`.
    pub media_type: &'static str,
    /// The subset font.
    pub data: Vec<u8>,
}

/// What [`embed`] made.
pub struct Embedded {
    /// The fonts to put in the package.
    pub fonts: Vec<EmbeddedFont>,
    /// `css/fonts.css`: the `@font-face` rules and the family of each role.
    pub css: String,
    /// Faces that could not be subset (left out; readers use their own).
    pub warnings: Vec<Diagnostic>,
}

/// Subsets the faces the documents need and writes their style sheet. With
/// the book's own style sheet (`all_faces`), which may set anything in bold,
/// every face of the body family goes in.
pub fn embed(set: &FontSet, documents: &[Document], all_faces: bool) -> Embedded {
    use rayon::prelude::*;
    // Each document on its own, in parallel; a union is the same in any
    // order.
    let (mut chars, bold, code) = documents
        .par_iter()
        .map(|document| {
            let mut chars = Chars::default();
            text_chars(&document.xhtml, &mut chars);
            let has = |tag: &str| {
                document.xhtml.contains(&format!("<{tag}>"))
                    || document.xhtml.contains(&format!("<{tag} "))
            };
            let bold = ["strong", "b", "th"].iter().any(|tag| has(tag));
            let code = ["code", "pre", "kbd", "samp"].iter().any(|tag| has(tag));
            (chars, bold, code)
        })
        .reduce(
            || (Chars::default(), all_faces, false),
            |(mut a, bold_a, code_a), (b, bold_b, code_b)| {
                a.union(b);
                (a, bold_a || bold_b, code_a || code_b)
            },
        );
    chars.extend(ALWAYS.chars());
    let chars: Vec<char> = chars.into_sorted();

    let mut faces: Vec<&Face> = set
        .family(&set.body)
        .filter(|face| bold || face.weight < 600)
        .collect();
    let body = faces
        .iter()
        .find(|f| f.style == Style::Normal && f.weight < 600)
        .copied();
    let missing: Vec<char> = chars
        .iter()
        .copied()
        .filter(|&c| !c.is_whitespace() && body.is_none_or(|face| !face.covers(c)))
        .collect();
    let mut fallbacks = Vec::new();
    for family in &set.fallback {
        let covering: Vec<&Face> = set
            .family(family)
            .filter(|face| missing.iter().any(|&c| face.covers(c)))
            .collect();
        if !covering.is_empty() {
            fallbacks.push(family.as_str());
            faces.extend(covering);
        }
    }
    if code {
        faces.extend(set.family(&set.mono));
    }

    let mut css = String::from(
        "/* The book's fonts, subset to the characters this book uses. Made by quire. */\n",
    );
    let mut fonts = Vec::new();
    let mut warnings = Vec::new();
    // Each face subset in parallel, then taken in order.
    let subsets: Vec<_> = faces
        .par_iter()
        .map(|face| subset::subset(face, &chars))
        .collect();
    for (face, subset) in faces.into_iter().zip(subsets) {
        let data = match subset {
            Ok(data) => data,
            Err(error) => {
                warnings.push(
                    Diagnostic::warning(
                        "font-not-embedded",
                        format!("the e-book leaves out the font {}: {error}", face.file_name),
                    )
                    .hint("reading systems will use a font of their own for it"),
                );
                continue;
            }
        };
        let href = format!("fonts/{}", face.file_name);
        let _ = write!(
            css,
            "\n@font-face {{\n  font-family: \"{}\";\n  font-style: {};\n  font-weight: {};\n  src: url(\"../{href}\");\n}}\n",
            face.family,
            match face.style {
                Style::Normal => "normal",
                Style::Italic => "italic",
            },
            face.weight,
        );
        fonts.push(EmbeddedFont {
            media_type: if face.is_truetype() {
                "font/ttf"
            } else {
                "font/otf"
            },
            href,
            data,
        });
    }

    let mut stack = vec![format!("\"{}\"", set.body)];
    stack.extend(fallbacks.iter().map(|family| format!("\"{family}\"")));
    let _ = write!(
        css,
        "\nbody {{ font-family: {}, serif; }}\ncode, pre, kbd, samp {{ font-family: \"{}\", monospace; }}\n",
        stack.join(", "),
        set.mono
    );
    Embedded {
        fonts,
        css,
        warnings,
    }
}

/// Adds the characters of an XHTML document's text (not its markup or
/// attribute values) to `chars`, with the entities quire writes decoded.
/// A set of characters: ASCII as bits (most of a book's text), the rest in
/// a tree.
#[derive(Default)]
struct Chars {
    ascii: u128,
    other: BTreeSet<char>,
}

impl Chars {
    fn extend(&mut self, chars: impl IntoIterator<Item = char>) {
        for c in chars {
            if c.is_ascii() {
                self.ascii |= 1 << (c as u32);
            } else {
                self.other.insert(c);
            }
        }
    }

    fn union(&mut self, other: Chars) {
        self.ascii |= other.ascii;
        self.other.extend(other.other);
    }

    /// The characters in order, control characters left out.
    fn into_sorted(self) -> Vec<char> {
        (0u8..128)
            .filter(|&b| self.ascii & (1 << b) != 0)
            .map(char::from)
            .chain(self.other)
            .filter(|c| !c.is_control())
            .collect()
    }
}

fn text_chars(xhtml: &str, chars: &mut Chars) {
    let mut rest = xhtml;
    while !rest.is_empty() {
        match rest.find(['<', '&']) {
            None => {
                chars.extend(rest.chars());
                break;
            }
            Some(at) => {
                chars.extend(rest[..at].chars());
                rest = &rest[at..];
                if rest.starts_with('<') {
                    rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
                } else {
                    let Some(end) = rest.find(';') else {
                        rest = &rest[1..];
                        continue;
                    };
                    let entity = &rest[1..end];
                    let decoded = match entity {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => entity
                            .strip_prefix("#x")
                            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                            .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                            .and_then(char::from_u32),
                    };
                    chars.extend(decoded);
                    rest = &rest[end + 1..];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_not_markup() {
        let mut chars = Chars::default();
        text_chars(
            "<p class=\"zq\">A&amp;B <em title=\"XY\">회</em>&#x2014;&#33;</p>\n",
            &mut chars,
        );
        let mut other = Chars::default();
        text_chars("é\u{7f}B", &mut other);
        chars.union(other);
        let text: String = chars.into_sorted().into_iter().collect();
        assert_eq!(text, " !&AB\u{e9}—회", "in order, no line feed or DEL");
    }
}
