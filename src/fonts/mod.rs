//! Fonts: the faces quire carries in its binary, and what the editions need
//! of them.
//!
//! **In:** the font files embedded at compile time (`fonts/`, each with its
//! licence). **Out:** [`Face`]s (family, style, weight, bytes) grouped into a
//! [`FontSet`] with the roles the book uses (body, mono, fallbacks), and
//! subsets of a face for embedding ([`subset`]). **Must not:** shape, lay out
//! or know either edition; the typesetter and the EPUB writer both ask here.
//!
//! The book's own font files (`[pdf.fonts] files`) join the set
//! ([`Face::read`], [`FontSet::with_faces`]); `[pdf.fonts]` then names the
//! family of each role ([`FontSet::assign`]), checked against what the set
//! holds.

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
    pub family: Arc<str>,
    /// Upright or italic.
    pub style: Style,
    /// CSS weight: 400 regular, 700 bold.
    pub weight: u16,
    /// The file name it had in `fonts/` or in the book (and keeps in the
    /// EPUB).
    pub file_name: Arc<str>,
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
    /// Reads a font file of the book: an OpenType (CFF) or TrueType font
    /// holding one face. Family (the typographic family name, else the
    /// family name), style and weight come from its `name`, `OS/2` and
    /// `head` tables. The error says what is wrong with the file.
    pub fn read(file_name: &str, data: Vec<u8>) -> Result<Face, String> {
        use read_fonts::{FileRef, TableProvider};
        let font = match FileRef::new(&data) {
            Ok(FileRef::Font(font)) => font,
            Ok(FileRef::Collection(_)) => {
                return Err(
                    "a font collection (.ttc/.otc): give one face per file (OTF or TTF)".into(),
                );
            }
            Err(_) if data.starts_with(b"wOFF") || data.starts_with(b"wOF2") => {
                return Err("a web font (WOFF): convert it to OTF or TTF".into());
            }
            Err(_) => return Err("not an OpenType or TrueType font".into()),
        };
        let cmap = font
            .cmap()
            .map_err(|_| "the font has no character map (cmap)")?;
        if !cmap.encoding_records().iter().any(|record| {
            record.subtable(cmap.offset_data()).is_ok_and(|table| {
                table.map_codepoint('A').is_some() || table.iter().next().is_some()
            })
        }) {
            return Err("the font maps no characters".into());
        }
        font.maxp().map_err(|_| "the font has no maxp table")?;
        font.hmtx()
            .map_err(|_| "the font has no horizontal metrics (hmtx)")?;
        let name = font.name().map_err(|_| "the font has no name table")?;
        let find = |id: read_fonts::types::NameId| -> Option<String> {
            // Windows Unicode English names first, then any that decodes.
            let records = name.name_record();
            let decoded = |record: &read_fonts::tables::name::NameRecord| {
                record
                    .string(name.string_data())
                    .ok()
                    .map(|text| text.chars().collect::<String>())
                    .filter(|text| !text.trim().is_empty())
            };
            records
                .iter()
                .filter(|r| r.name_id() == id && r.platform_id() == 3 && r.language_id() == 0x409)
                .find_map(decoded)
                .or_else(|| {
                    records
                        .iter()
                        .filter(|r| r.name_id() == id)
                        .find_map(decoded)
                })
        };
        let family = find(read_fonts::types::NameId::TYPOGRAPHIC_FAMILY_NAME)
            .or_else(|| find(read_fonts::types::NameId::FAMILY_NAME))
            .ok_or("the font has no family name")?;
        // A family name goes into CSS strings and PDF names: printable
        // characters only, no quotes or backslashes.
        let family: String = family
            .trim()
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '"' | '\\'))
            .collect();
        let (italic, weight) = match font.os2() {
            Ok(os2) => (
                os2.fs_selection().bits() & 1 != 0,
                os2.us_weight_class().clamp(1, 1000),
            ),
            Err(_) => {
                let style = font.head().map(|head| head.mac_style().bits()).unwrap_or(0);
                (style & 2 != 0, if style & 1 != 0 { 700 } else { 400 })
            }
        };
        Ok(Face {
            family: family.into(),
            style: if italic { Style::Italic } else { Style::Normal },
            weight,
            file_name: file_name.into(),
            data: Arc::new(data),
        })
    }

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

    /// The strikeout stroke the face's `OS/2` table gives: the top of the
    /// stroke above the baseline and its thickness, in em; `None` when the
    /// table is missing or gives no stroke.
    pub fn strikeout(&self) -> Option<(f32, f32)> {
        use read_fonts::TableProvider;
        let font = read_fonts::FontRef::new(self.bytes()).ok()?;
        let em = f32::from(font.head().ok()?.units_per_em());
        let os2 = font.os2().ok()?;
        let (top, thickness) = (os2.y_strikeout_position(), os2.y_strikeout_size());
        (em > 0.0 && top > 0 && thickness > 0)
            .then(|| (f32::from(top) / em, f32::from(thickness) / em))
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
                family: $family.into(),
                style: Style::$style,
                weight: $weight,
                file_name: $file.into(),
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
    pub body: String,
    /// The family of code.
    pub mono: String,
    /// Families tried in order for characters the body family lacks.
    pub fallback: Vec<String>,
}

/// Which family `[pdf.fonts]` names for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `body`.
    Body,
    /// `mono`.
    Mono,
    /// The `n`th of `fallback`.
    Fallback(usize),
}

impl FontSet {
    /// The embedded families in their default roles: Libertinus Serif for
    /// text, DejaVu Sans Mono for code, Nanum Myeongjo for Korean.
    pub fn embedded() -> FontSet {
        FontSet {
            faces: embedded_faces(),
            body: "Libertinus Serif".into(),
            mono: "DejaVu Sans Mono".into(),
            fallback: vec!["Nanum Myeongjo".into()],
        }
    }

    /// The set with `faces` added after the embedded ones (a book's own
    /// files, in the order `book.toml` lists them). A face of the same
    /// family, style and weight as one already in the set replaces it, so a
    /// book may bring its own cut of an embedded family.
    pub fn with_faces(mut self, faces: impl IntoIterator<Item = Face>) -> FontSet {
        for face in faces {
            self.faces.retain(|f| {
                !(f.family == face.family && f.style == face.style && f.weight == face.weight)
            });
            self.faces.push(face);
        }
        self
    }

    /// Gives each role the family `book.toml` names (`None` keeps the
    /// default). Every name must be a family of the set; the error lists
    /// the roles whose family is missing, and the set is then unchanged.
    pub fn assign(
        &mut self,
        body: Option<&str>,
        mono: Option<&str>,
        fallback: Option<&[&str]>,
    ) -> Result<(), Vec<Role>> {
        let known = |family: &str| self.faces.iter().any(|f| &*f.family == family);
        let mut missing = Vec::new();
        if body.is_some_and(|family| !known(family)) {
            missing.push(Role::Body);
        }
        if mono.is_some_and(|family| !known(family)) {
            missing.push(Role::Mono);
        }
        for (n, family) in fallback.unwrap_or_default().iter().enumerate() {
            if !known(family) {
                missing.push(Role::Fallback(n));
            }
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        if let Some(body) = body {
            self.body = body.to_string();
        }
        if let Some(mono) = mono {
            self.mono = mono.to_string();
        }
        if let Some(fallback) = fallback {
            self.fallback = fallback.iter().map(|f| f.to_string()).collect();
        }
        Ok(())
    }

    /// Every family name, once each, in set order.
    pub fn families(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for face in &self.faces {
            if !names.contains(&&*face.family) {
                names.push(&face.family);
            }
        }
        names
    }

    /// The faces of one family.
    pub fn family<'a>(&'a self, family: &'a str) -> impl Iterator<Item = &'a Face> + 'a {
        self.faces
            .iter()
            .filter(move |face| &*face.family == family)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_faces_read_and_cover_their_scripts() {
        let set = FontSet::embedded();
        assert_eq!(set.family("Libertinus Serif").count(), 4);
        let body = set.family(&set.body).next().unwrap();
        assert!(body.covers('A') && body.covers('é') && !body.covers('회'));
        assert!(!body.is_truetype());
        let korean = set.family("Nanum Myeongjo").next().unwrap();
        assert!(korean.covers('회') && korean.is_truetype());
    }

    /// A `name` table naming `family` and `subfamily` (Windows, English).
    fn name_table(family: &str, subfamily: &str) -> Vec<u8> {
        let strings: Vec<(u16, Vec<u8>)> = [(1, family), (2, subfamily), (6, family)]
            .iter()
            .map(|(id, text)| {
                (
                    *id,
                    text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
                )
            })
            .collect();
        let mut table = Vec::new();
        let count = strings.len() as u16;
        for word in [0, count, 6 + 12 * count] {
            table.extend(word.to_be_bytes());
        }
        let mut offset = 0u16;
        for (id, bytes) in &strings {
            for word in [3, 1, 0x409, *id, bytes.len() as u16, offset] {
                table.extend(word.to_be_bytes());
            }
            offset += bytes.len() as u16;
        }
        for (_, bytes) in strings {
            table.extend(bytes);
        }
        table
    }

    /// An embedded face's file with its `name` table replaced.
    fn renamed(face: &Face, family: &str, subfamily: &str) -> Vec<u8> {
        use read_fonts::{FontRef, types::Tag};
        let font = FontRef::new(face.bytes()).unwrap();
        let name = name_table(family, subfamily);
        let mut tables: Vec<(Tag, &[u8])> = font
            .table_directory()
            .table_records()
            .iter()
            .map(|record| {
                let tag = record.tag();
                let data = if tag == Tag::new(b"name") {
                    &name[..]
                } else {
                    font.table_data(tag).unwrap().as_bytes()
                };
                (tag, data)
            })
            .collect();
        let version = u32::from_be_bytes(face.bytes()[..4].try_into().unwrap());
        subset::assemble(version, &mut tables)
    }

    #[test]
    fn a_book_font_is_read_and_takes_a_role() {
        let set = FontSet::embedded();
        let italic = set
            .family("Libertinus Serif")
            .find(|f| f.style == Style::Italic && f.weight == 400)
            .unwrap();
        let data = renamed(italic, "Quire Test Serif", "Italic");
        let face = Face::read("test.otf", data).expect("a valid font");
        assert_eq!(&*face.family, "Quire Test Serif");
        assert_eq!((face.style, face.weight), (Style::Italic, 400));
        assert_eq!(&*face.file_name, "test.otf");
        assert!(face.covers('a'));

        let mut set = set.with_faces([face]);
        assert_eq!(set.family("Quire Test Serif").count(), 1);
        assert_eq!(set.assign(Some("Quire Test Serif"), None, None), Ok(()));
        assert_eq!(set.body, "Quire Test Serif");
        assert_eq!(set.mono, "DejaVu Sans Mono");
        assert_eq!(
            set.assign(
                Some("Nope"),
                Some("Quire Mono"),
                Some(&["Nanum Myeongjo", "No"])
            ),
            Err(vec![Role::Body, Role::Mono, Role::Fallback(1)])
        );
        assert_eq!(set.body, "Quire Test Serif", "unchanged after an error");
        assert!(set.families().contains(&"Quire Test Serif"));
    }

    #[test]
    fn a_face_of_an_embedded_family_replaces_it() {
        let set = FontSet::embedded();
        let mono = set.family("DejaVu Sans Mono").next().unwrap().clone();
        let copy = Face::read("mine.ttf", mono.bytes().to_vec()).unwrap();
        assert_eq!((&*copy.family, copy.weight), ("DejaVu Sans Mono", 400));
        let count = set.faces.len();
        let set = set.with_faces([copy]);
        assert_eq!(set.faces.len(), count);
        let faces: Vec<&Face> = set.family("DejaVu Sans Mono").collect();
        assert_eq!(faces.len(), 1);
        assert_eq!(&*faces[0].file_name, "mine.ttf");
    }

    #[test]
    fn what_is_not_a_font_says_why() {
        let why = |data: &[u8]| Face::read("x", data.to_vec()).unwrap_err();
        assert!(why(b"hello, world").contains("not an OpenType"));
        assert!(why(b"wOF2\0\0\0\0").contains("WOFF"));
        assert!(why(b"ttcf\0\x01\0\0\0\0\0\0").contains("collection"));
        // A font whose tables are cut off.
        let set = FontSet::embedded();
        let body = set.family("Libertinus Serif").next().unwrap();
        assert!(Face::read("cut.otf", body.bytes()[..400].to_vec()).is_err());
    }
}
