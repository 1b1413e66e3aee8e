//! Fonts: the faces quire carries in its binary, and what the editions need
//! of them.
//!
//! **In:** the font files embedded at compile time (`fonts/`, each with its
//! licence). **Out:** [`Face`]s (family, style, weight, bytes) grouped into a
//! [`FontSet`] with the roles the book uses (body, mono, fallbacks), and
//! subsets of a face for embedding ([`subset`]). **Must not:** shape, lay out
//! or know either edition; the typesetter and the EPUB writer both ask here.
//!
//! The book's own font files (`[pdf.fonts] files`) join the set with the
//! typesetter (issue 4); until then every book is set in the embedded faces.

pub mod outline;
pub mod subset;

use std::sync::Arc;

/// A font file's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Style {
    /// Upright.
    Normal,
    /// Italic or oblique.
    Italic,
}

/// One face of a family.
#[derive(Clone)]
pub struct Face {
    /// The family name, as CSS and `book.toml` write it.
    pub family: &'static str,
    /// Upright or italic.
    pub style: Style,
    /// CSS weight: 400 regular, 700 bold.
    pub weight: u16,
    /// The file name it had in `fonts/` (and keeps in the EPUB).
    pub file_name: &'static str,
    /// The font file, shareable with the shaper and the PDF writer without
    /// a copy.
    pub data: FontBytes,
}

/// A font file's bytes, shared.
pub type FontBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("family", &self.family)
            .field("style", &self.style)
            .field("weight", &self.weight)
            .field("file_name", &self.file_name)
            .field("bytes", &self.bytes().len())
            .finish()
    }
}

impl Face {
    /// The font file.
    pub fn bytes(&self) -> &[u8] {
        (*self.data).as_ref()
    }

    /// The font file for `read-fonts`' model (which the shaper reads).
    pub fn blob(&self) -> read_fonts::model::Blob {
        read_fonts::model::Blob::from(self.data.clone())
    }

    /// Whether the file holds TrueType (`glyf`) rather than CFF outlines.
    pub fn is_truetype(&self) -> bool {
        self.bytes().starts_with(&[0, 1, 0, 0]) || self.bytes().starts_with(b"true")
    }

    /// Whether the face maps `c` to a glyph.
    pub fn covers(&self, c: char) -> bool {
        use read_fonts::TableProvider;
        read_fonts::FontRef::new(self.bytes())
            .ok()
            .and_then(|font| font.cmap().ok())
            .and_then(|cmap| cmap.map_codepoint(c))
            .is_some_and(|glyph| glyph.to_u32() != 0)
    }
}

macro_rules! embedded {
    ($($family:literal, $style:ident, $weight:literal, $dir:literal, $file:literal;)*) => {
        /// Every face in the binary.
        fn embedded_faces() -> Vec<Face> {
            vec![$(Face {
                family: $family,
                style: Style::$style,
                weight: $weight,
                file_name: $file,
                data: Arc::new(&include_bytes!(concat!("../../fonts/", $dir, "/", $file))[..]),
            }),*]
        }
    };
}

embedded! {
    "Libertinus Serif", Normal, 400, "libertinus-serif", "LibertinusSerif-Regular.otf";
    "Libertinus Serif", Italic, 400, "libertinus-serif", "LibertinusSerif-Italic.otf";
    "Libertinus Serif", Normal, 700, "libertinus-serif", "LibertinusSerif-Bold.otf";
    "Libertinus Serif", Italic, 700, "libertinus-serif", "LibertinusSerif-BoldItalic.otf";
    "DejaVu Sans Mono", Normal, 400, "dejavu-sans-mono", "DejaVuSansMono.ttf";
    "Nanum Myeongjo", Normal, 400, "nanum-myeongjo", "NanumMyeongjo.ttf";
}

/// The faces of a book and the role of each family.
#[derive(Debug, Clone)]
pub struct FontSet {
    /// Every face, in a fixed order.
    pub faces: Vec<Face>,
    /// The family of running text.
    pub body: &'static str,
    /// The family of code.
    pub mono: &'static str,
    /// Families tried in order for characters the body family lacks.
    pub fallback: Vec<&'static str>,
}

impl FontSet {
    /// The embedded families in their default roles: Libertinus Serif for
    /// text, DejaVu Sans Mono for code, Nanum Myeongjo for Korean.
    pub fn embedded() -> FontSet {
        FontSet {
            faces: embedded_faces(),
            body: "Libertinus Serif",
            mono: "DejaVu Sans Mono",
            fallback: vec!["Nanum Myeongjo"],
        }
    }

    /// The faces of one family.
    pub fn family<'a>(&'a self, family: &'a str) -> impl Iterator<Item = &'a Face> + 'a {
        self.faces.iter().filter(move |face| face.family == family)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_faces_read_and_cover_their_scripts() {
        let set = FontSet::embedded();
        assert_eq!(set.family("Libertinus Serif").count(), 4);
        let body = set.family(set.body).next().unwrap();
        assert!(body.covers('A') && body.covers('é') && !body.covers('회'));
        assert!(!body.is_truetype());
        let korean = set.family("Nanum Myeongjo").next().unwrap();
        assert!(korean.covers('회') && korean.is_truetype());
    }
}
