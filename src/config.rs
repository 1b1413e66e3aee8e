//! `book.toml`: the typed configuration of a book.
//!
//! **In:** the text of `book.toml` (already in the source map). **Out:** a
//! [`Config`], or errors located in that file: a syntax error, an unknown or
//! misspelled key (with a "did you mean" hint), a value of the wrong type or
//! form (a bad length, language tag or date). **Must not:** read files or look
//! at chapters; checking that the paths it names exist is `load`'s job.
//!
//! Every key, with its default, is documented here and in the README's
//! reference; keep both in step.
//!
//! A [`Config`] also serializes, with the same kebab-case names and each
//! value written as a user would write it in `book.toml` (`"6in x 9in"`,
//! `"11pt"`, `"en"`): the build manifest records the effective
//! configuration, defaults filled in, this way. A key whose default is
//! worked out elsewhere (`identifier`, `chapters`, the font families) is
//! `null` there.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use toml::Spanned;

use crate::diag::Diagnostic;
use crate::model::{FootnoteNumbering, Metadata};
use crate::source::{FileId, Span};

/// The whole `book.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `[book]`: what the book is. Required.
    pub book: BookConfig,
    /// `[pdf]`: the print edition.
    #[serde(default)]
    pub pdf: PdfConfig,
    /// `[epub]`: the e-book edition.
    #[serde(default)]
    pub epub: EpubConfig,
    /// `[hyphenation]`: where words may break at a line end (PDF).
    #[serde(default)]
    pub hyphenation: HyphenationConfig,
}

/// `[book]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookConfig {
    /// Required.
    pub title: String,
    /// Default: none.
    pub subtitle: Option<String>,
    /// Default: none.
    #[serde(default)]
    pub authors: Vec<String>,
    /// BCP 47 tag. Default: `en`.
    #[serde(default = "default_language")]
    pub language: Spanned<LanguageTag>,
    /// Default: `urn:uuid:` + UUID v5 of title and authors.
    pub identifier: Option<String>,
    /// Default: none.
    pub publisher: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. Default: none.
    pub date: Option<Date>,
    /// Default: none.
    pub rights: Option<String>,
    /// Default: none.
    pub description: Option<String>,
    /// Subjects of the book, each a word or phrase (not blank): the PDF's
    /// `/Keywords` and the EPUB's `dc:subject`s. Default: none.
    #[serde(default, deserialize_with = "keywords")]
    pub keywords: Vec<String>,
    /// Chapter files in reading order. Default: every `chapters/*.md`, by file name.
    pub chapters: Option<Vec<Spanned<String>>>,
}

/// `[pdf]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct PdfConfig {
    /// Page size after trimming. Default: `6in x 9in`.
    pub trim_size: TrimSize,
    /// Margins. Default: `0.75in` all round.
    pub margins: Margins,
    /// Body text size. Default: `11pt`.
    pub font_size: Length,
    /// Fonts. Default: the embedded families.
    pub fonts: FontsConfig,
    /// Default: `chapter`.
    pub footnote_numbering: FootnoteNumbering,
    /// How far the glyphs of a justified line may widen or narrow, in per
    /// cent. Default: 2 (microtype's default).
    pub font_expansion: Expansion,
    /// Figures in running text. Default: `lining`.
    pub figures: Figures,
    /// What the running heads say. Default: the book's title on versos,
    /// the chapter's on rectos.
    pub running_heads: RunningHeads,
    /// Where the page numbers go. Default: `foot`.
    pub folios: Folios,
}

/// `[pdf.running-heads]`: the line at the head of a page, on the left-hand
/// (verso) and right-hand (recto) pages; never on a chapter's opening page
/// or a blank one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RunningHeads {
    /// Default: `book`.
    pub verso: HeadText,
    /// Default: `chapter`.
    pub recto: HeadText,
}

impl Default for RunningHeads {
    fn default() -> Self {
        RunningHeads {
            verso: HeadText::Book,
            recto: HeadText::Chapter,
        }
    }
}

/// What a running head says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeadText {
    /// The book's title.
    Book,
    /// The chapter's title.
    Chapter,
    /// The title of the section in effect at the top of the page (the
    /// last `##` heading begun before it); on a page before any, the last
    /// begun on it; else the chapter's.
    Section,
    /// Nothing.
    None,
}

/// `folios`: where page numbers are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Folios {
    /// Centred below the text block, on every page but blank ones.
    #[default]
    Foot,
    /// At the outer end of the running head; centred at the foot on a
    /// chapter's opening page, which has no head.
    Head,
}

/// `figures`: which digits running text uses (where the font has both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Figures {
    /// Capital-height digits, 1234 (the font's default).
    #[default]
    Lining,
    /// Text figures with ascenders and descenders (OpenType `onum`).
    OldStyle,
}

/// `font-expansion`: a number of per cent from 0 to 5.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expansion(f64);

impl Expansion {
    /// The most, in per cent.
    pub const MAX: f64 = 5.0;

    /// As a fraction of a glyph's width (0.02 for 2 %).
    pub fn fraction(self) -> f64 {
        self.0 / 100.0
    }
}

impl<'de> Deserialize<'de> for Expansion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if (0.0..=Expansion::MAX).contains(&value) {
            Ok(Expansion(value))
        } else {
            Err(de::Error::custom(format!(
                "font-expansion is a number of per cent from 0 to {}, not {value}",
                Expansion::MAX
            )))
        }
    }
}

impl Serialize for Expansion {
    /// The number of per cent, as written.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0)
    }
}

impl Default for PdfConfig {
    fn default() -> Self {
        PdfConfig {
            trim_size: TrimSize {
                width: Length::inches(6.0),
                height: Length::inches(9.0),
            },
            margins: Margins::default(),
            font_size: Length::points(11.0),
            fonts: FontsConfig::default(),
            footnote_numbering: FootnoteNumbering::Chapter,
            font_expansion: Expansion(2.0),
            figures: Figures::Lining,
            running_heads: RunningHeads::default(),
            folios: Folios::Foot,
        }
    }
}

/// `[pdf.margins]`: inner is the binding side.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Margins {
    /// Default: `0.75in`.
    pub top: Length,
    /// Default: `0.75in`.
    pub bottom: Length,
    /// Binding side. Default: `0.75in`.
    pub inner: Length,
    /// Default: `0.75in`.
    pub outer: Length,
}

impl Default for Margins {
    fn default() -> Self {
        let m = Length::inches(0.75);
        Margins {
            top: m,
            bottom: m,
            inner: m,
            outer: m,
        }
    }
}

/// `[pdf.fonts]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct FontsConfig {
    /// Family of the body text. Default: `Libertinus Serif`.
    pub body: Option<Spanned<String>>,
    /// Family of code. Default: `DejaVu Sans Mono`.
    pub mono: Option<Spanned<String>>,
    /// Families tried, in order, for characters the body font lacks.
    /// Default: `["Nanum Myeongjo"]`.
    pub fallback: Option<Vec<Spanned<String>>>,
    /// Extra font files (OTF/TTF) in the book folder. Default: none.
    pub files: Vec<Spanned<String>>,
}

/// `[epub]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct EpubConfig {
    /// Cover image (PNG, JPEG, GIF or WebP) in the book folder. Default: a
    /// generated cover.
    pub cover: Option<Spanned<String>>,
    /// Default: `chapter`.
    pub footnote_numbering: FootnoteNumbering,
}

/// `[hyphenation]`: hyphenation of the print edition, in the book's language
/// (see `typeset::hyphenate` for the languages with patterns).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct HyphenationConfig {
    /// Whether to hyphenate at all. Default: `true`.
    pub enabled: bool,
    /// Fewest characters before a hyphen. Default: 2.
    pub left_min: usize,
    /// Fewest characters after a hyphen. Default: 3.
    pub right_min: usize,
    /// Words hyphenated by hand: `"pro-ject"` allows only that break, a word
    /// without hyphens is never hyphenated; matched regardless of case.
    /// Letters, apostrophes and single inner hyphens only. Default: none.
    pub exceptions: Vec<Spanned<String>>,
}

impl Default for HyphenationConfig {
    fn default() -> Self {
        HyphenationConfig {
            enabled: true,
            left_min: 2,
            right_min: 3,
            exceptions: Vec::new(),
        }
    }
}

/// Checks one hyphenation exception: letters and apostrophes, hyphens only
/// between them and never two in a row.
fn check_exception(text: &str) -> Result<(), String> {
    let fix = "write the word with a hyphen at each place it may break, like `pro-ject`";
    if let Some(c) = text
        .chars()
        .find(|&c| !(c.is_alphabetic() || matches!(c, '\'' | '’' | '-')))
    {
        let c = if c.is_whitespace() || c.is_control() {
            format!("{:?}", c)
        } else {
            format!("`{c}`")
        };
        return Err(format!(
            "hyphenation exception `{text}` holds {c}, which is not a letter, an apostrophe or `-`; {fix}"
        ));
    }
    let problem = if text.is_empty() {
        "is empty"
    } else if text.starts_with('-') {
        "starts with a hyphen"
    } else if text.ends_with('-') {
        "ends with a hyphen"
    } else if text.contains("--") {
        "has two hyphens in a row"
    } else {
        return Ok(());
    };
    Err(format!("hyphenation exception `{text}` {problem}; {fix}"))
}

/// `keywords`: strings, none of them blank (an empty subject says nothing,
/// and EPUB's `dc:subject` may not be empty).
fn keywords<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let keywords = Vec::<String>::deserialize(deserializer)?;
    if keywords.iter().any(|k| k.trim().is_empty()) {
        return Err(de::Error::custom(
            "a keyword cannot be blank; write each subject as a word or phrase",
        ));
    }
    Ok(keywords)
}

fn default_language() -> Spanned<LanguageTag> {
    Spanned::new(0..0, LanguageTag("en".into()))
}

/// A length in PostScript points, written with a unit: `pt`, `in`, `mm`, `cm`, `pc`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Length(f64);

impl Length {
    /// A length in points.
    pub const fn points(pt: f64) -> Self {
        Length(pt)
    }

    /// A length in inches.
    pub const fn inches(inches: f64) -> Self {
        Length(inches * 72.0)
    }

    /// The length in points.
    pub fn to_pt(self) -> f64 {
        self.0
    }

    /// Parses `11pt`, `6in`, `152.4mm`, `1.5cm`, `3pc`.
    pub fn parse(text: &str) -> Result<Length, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let value: f64 = number.trim().parse().map_err(|_| {
            format!("`{text}` is not a length; write a number and a unit, like `11pt` or `0.75in`")
        })?;
        let factor = match unit {
            "pt" => 1.0,
            "in" => 72.0,
            "mm" => 72.0 / 25.4,
            "cm" => 72.0 / 2.54,
            "pc" => 12.0,
            "" => {
                return Err(format!(
                    "`{text}` has no unit; write `{text}pt`, `{text}in` or `{text}mm`"
                ));
            }
            other => {
                return Err(format!(
                    "unknown unit `{other}` in `{text}`; use pt, in, mm, cm or pc"
                ));
            }
        };
        if !value.is_finite() || value <= 0.0 {
            return Err(format!("`{text}` must be a positive length"));
        }
        Ok(Length(value * factor))
    }
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Length::parse(&text).map_err(de::Error::custom)
    }
}

impl fmt::Display for Length {
    /// The shortest way to write the length in `in`, `mm` or `pt` (ties in
    /// that order) with at most three decimals that [`Length::parse`] reads
    /// back to within a billionth of a point (`54pt`, `6in`, `148mm`); else
    /// in points with every digit. The same length is always written the
    /// same way.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shortest: Option<String> = None;
        for (unit, per) in [("in", 72.0), ("mm", 72.0 / 25.4), ("pt", 1.0)] {
            let value = (self.0 / per * 1000.0).round() / 1000.0;
            if (value * per - self.0).abs() <= 1e-9 {
                let text = format!("{value}{unit}");
                if shortest.as_ref().is_none_or(|best| text.len() < best.len()) {
                    shortest = Some(text);
                }
            }
        }
        match shortest {
            Some(text) => f.write_str(&text),
            None => write!(f, "{}pt", self.0),
        }
    }
}

impl Serialize for Length {
    /// As its [`Display`](fmt::Display) text, which `book.toml` accepts.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Page size: `"6in x 9in"`, or a name (`a4`, `a5`, `b5`, `letter`,
/// `us-trade` = 6x9 in, `royal` = 156x234 mm, `demy` = 138x216 mm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrimSize {
    /// Width.
    pub width: Length,
    /// Height.
    pub height: Length,
}

impl TrimSize {
    /// Parses a size as written in `book.toml`.
    pub fn parse(text: &str) -> Result<TrimSize, String> {
        let mm = |w: f64, h: f64| TrimSize {
            width: Length(w * 72.0 / 25.4),
            height: Length(h * 72.0 / 25.4),
        };
        let named = match text.trim().to_ascii_lowercase().as_str() {
            "a4" => Some(mm(210.0, 297.0)),
            "a5" => Some(mm(148.0, 210.0)),
            "b5" => Some(mm(176.0, 250.0)),
            "royal" => Some(mm(156.0, 234.0)),
            "demy" => Some(mm(138.0, 216.0)),
            "letter" => Some(TrimSize {
                width: Length::inches(8.5),
                height: Length::inches(11.0),
            }),
            "us-trade" => Some(TrimSize {
                width: Length::inches(6.0),
                height: Length::inches(9.0),
            }),
            _ => None,
        };
        if let Some(size) = named {
            return Ok(size);
        }
        let Some((w, h)) = text.split_once(['x', '×']) else {
            return Err(format!(
                "`{text}` is not a page size; write `WIDTH x HEIGHT` like `6in x 9in`, or a name like `a5`"
            ));
        };
        Ok(TrimSize {
            width: Length::parse(w)?,
            height: Length::parse(h)?,
        })
    }
}

impl<'de> Deserialize<'de> for TrimSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TrimSize::parse(&text).map_err(de::Error::custom)
    }
}

impl fmt::Display for TrimSize {
    /// `WIDTH x HEIGHT`, each as [`Length`] writes it (`6in x 9in`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} x {}", self.width, self.height)
    }
}

impl Serialize for TrimSize {
    /// As its [`Display`](fmt::Display) text, which `book.toml` accepts.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A well-formed BCP 47 language tag (`en`, `en-GB`, `ko`, `zh-Hant-TW`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageTag(pub String);

impl LanguageTag {
    /// Checks the tag's shape (see [`LanguageTag::is_valid`]).
    pub fn parse(text: &str) -> Result<LanguageTag, String> {
        if Self::is_valid(text) {
            Ok(LanguageTag(text.to_string()))
        } else {
            Err(format!(
                "`{text}` is not a BCP 47 language tag; write one like `en`, `en-GB` or `ko`"
            ))
        }
    }

    /// Whether `text` has a language tag's shape: a 2–3 or 5–8 letter
    /// primary subtag (or `x`, `i`), then subtags of 1–8 letters or digits.
    pub fn is_valid(text: &str) -> bool {
        let mut parts = text.split('-');
        let primary = parts.next().unwrap_or("");
        let primary_ok = matches!(primary.len(), 2..=3 | 5..=8)
            && primary.chars().all(|c| c.is_ascii_alphabetic())
            || primary == "x"
            || primary == "i";
        primary_ok
            && parts
                .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
    }
}

impl<'de> Deserialize<'de> for LanguageTag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        LanguageTag::parse(&text).map_err(de::Error::custom)
    }
}

impl Serialize for LanguageTag {
    /// The tag as written.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// A calendar date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (W3C date format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date(pub String);

impl Date {
    /// Checks the form and the ranges of month and day.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date; write `YYYY-MM-DD`, `YYYY-MM` or `YYYY`");
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
        if parts.is_empty() || parts.len() > 3 || !digits(parts[0], 4) {
            return Err(bad());
        }
        let month = match parts.get(1) {
            Some(m) if digits(m, 2) => m.parse::<u32>().map_err(|_| bad())?,
            Some(_) => return Err(bad()),
            None => 1,
        };
        let day = match parts.get(2) {
            Some(d) if digits(d, 2) => d.parse::<u32>().map_err(|_| bad())?,
            Some(_) => return Err(bad()),
            None => 1,
        };
        let year: u32 = parts[0].parse().map_err(|_| bad())?;
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=12).contains(&month) || !(1..=days).contains(&day) {
            return Err(bad());
        }
        Ok(Date(text.to_string()))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(de::Error::custom)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Date {
    /// The date as written.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Every key each table accepts, for "did you mean" hints.
const KNOWN_KEYS: &[&str] = &[
    "book",
    "pdf",
    "epub",
    "hyphenation",
    "title",
    "subtitle",
    "authors",
    "language",
    "identifier",
    "publisher",
    "date",
    "rights",
    "description",
    "keywords",
    "chapters",
    "trim-size",
    "margins",
    "font-size",
    "fonts",
    "footnote-numbering",
    "font-expansion",
    "figures",
    "top",
    "bottom",
    "inner",
    "outer",
    "body",
    "mono",
    "fallback",
    "files",
    "cover",
    "enabled",
    "left-min",
    "right-min",
    "exceptions",
];

/// Parses `book.toml`; `file` is its id in the source map, for spans.
pub fn parse(text: &str, file: FileId) -> Result<Config, Diagnostic> {
    let config: Config = toml::from_str(text).map_err(|error| {
        let message = error
            .message()
            .trim_end_matches('\n')
            .trim_end_matches('.')
            .to_string();
        let mut diagnostic = Diagnostic::error("config-invalid", message.replace('\n', " "));
        if let Some(range) = error.span() {
            diagnostic = diagnostic.at(Span::new(file, range));
        }
        diagnostic.for_unknown_key(&message, "config-unknown-key", KNOWN_KEYS)
    })?;
    for exception in &config.hyphenation.exceptions {
        check_exception(exception.get_ref()).map_err(|message| {
            Diagnostic::error("config-invalid", message).at(Span::new(file, exception.span()))
        })?;
    }
    Ok(config)
}

/// The namespace for identifiers derived from title and authors: a UUID
/// chosen once for quire and never to change, so that a book keeps its
/// identifier across versions of quire.
const IDENTIFIER_NAMESPACE: uuid::Uuid = uuid::Uuid::from_bytes([
    0x6b, 0x3d, 0x53, 0x0e, 0x7c, 0x4f, 0x5a, 0x1e, 0x9d, 0x2c, 0x41, 0x8a, 0x37, 0xe0, 0x55, 0xc2,
]);

impl BookConfig {
    /// The book's bibliographic data, with derived defaults filled in.
    pub fn metadata(&self) -> Metadata {
        let identifier = self.identifier.clone().unwrap_or_else(|| {
            let mut name = self.title.clone();
            for author in &self.authors {
                name.push('\n');
                name.push_str(author);
            }
            format!(
                "urn:uuid:{}",
                uuid::Uuid::new_v5(&IDENTIFIER_NAMESPACE, name.as_bytes())
            )
        });
        Metadata {
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            authors: self.authors.clone(),
            language: self.language.get_ref().0.clone(),
            identifier,
            publisher: self.publisher.clone(),
            date: self.date.as_ref().map(|d| d.0.clone()),
            rights: self.rights.clone(),
            description: self.description.clone(),
            keywords: self.keywords.clone(),
            slug: slugify(&self.title, "book"),
        }
    }
}

/// A lower-case, hyphenated name for files and anchors: letters and digits
/// (any script) kept, everything else collapsed into single hyphens.
pub fn slugify(text: &str, fallback: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        fallback.to_string()
    } else {
        slug.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Config {
        parse(text, FileId(0)).unwrap()
    }

    #[test]
    fn defaults() {
        let config = parse_ok("[book]\ntitle = \"A\"\n");
        assert_eq!(config.book.language.get_ref().0, "en");
        assert_eq!(config.pdf.trim_size.width.to_pt(), 432.0);
        assert_eq!(config.pdf.trim_size.height.to_pt(), 648.0);
        assert_eq!(config.pdf.font_size.to_pt(), 11.0);
        assert_eq!(config.pdf.margins.inner.to_pt(), 54.0);
        assert_eq!(config.epub.footnote_numbering, FootnoteNumbering::Chapter);
    }

    #[test]
    fn lengths_and_sizes() {
        assert_eq!(Length::parse("1in").unwrap().to_pt(), 72.0);
        assert!((Length::parse("25.4mm").unwrap().to_pt() - 72.0).abs() < 1e-9);
        assert!(Length::parse("11").unwrap_err().contains("no unit"));
        assert!(
            Length::parse("3furlongs")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(Length::parse("-2pt").is_err());
        let a5 = TrimSize::parse("A5").unwrap();
        assert!((a5.width.to_pt() - 419.527).abs() < 0.01);
        assert_eq!(TrimSize::parse("5in x 8in").unwrap().height.to_pt(), 576.0);
        assert!(TrimSize::parse("huge").is_err());
    }

    #[test]
    fn lengths_are_written_the_shortest_way_that_reads_back() {
        for (written, shown) in [
            ("0.75in", "54pt"),
            ("6in", "6in"),
            ("11pt", "11pt"),
            ("148mm", "148mm"),
            ("1.5cm", "15mm"),
            ("3pc", "36pt"),
            ("10.25pt", "10.25pt"),
            ("0.1234567in", "8.8888824pt"),
        ] {
            let length = Length::parse(written).unwrap();
            let text = length.to_string();
            assert_eq!(text, shown, "{written}");
            let back = Length::parse(&text).unwrap().to_pt();
            assert!((back - length.to_pt()).abs() <= 1e-9, "{written}: {back}");
        }
        assert_eq!(TrimSize::parse("a5").unwrap().to_string(), "148mm x 210mm");
        assert_eq!(
            TrimSize::parse("letter").unwrap().to_string(),
            "8.5in x 11in"
        );
    }

    /// The effective configuration, serialized, is a `book.toml` that
    /// means the same: every key as a user writes it, defaults filled in.
    #[test]
    fn the_serialized_config_reads_back_as_itself() {
        let text = "[book]\ntitle = \"A\"\nlanguage = \"de\"\ndate = \"2020-09\"\n\
                    keywords = [\"k\"]\nchapters = [\"c/1.md\"]\n\
                    [pdf]\ntrim-size = \"a5\"\nfont-size = \"10.5pt\"\nfont-expansion = 1.5\n\
                    figures = \"old-style\"\nfootnote-numbering = \"book\"\n\
                    [pdf.margins]\ninner = \"2cm\"\n[pdf.running-heads]\nrecto = \"section\"\n\
                    [pdf.fonts]\nbody = \"X\"\nfiles = [\"f.otf\"]\n\
                    [epub]\ncover = \"c.png\"\n[hyphenation]\nexceptions = [\"pro-ject\"]\n";
        for text in [text, "[book]\ntitle = \"A\"\n"] {
            let config = parse_ok(text);
            let json = serde_json::to_value(&config).unwrap();
            let toml = toml::to_string(&config).unwrap();
            let again = serde_json::to_value(parse_ok(&toml)).unwrap();
            assert_eq!(json, again, "{toml}");
            if text.contains("a5") {
                assert_eq!(json["pdf"]["trim-size"], "148mm x 210mm");
                assert_eq!(json["pdf"]["margins"]["inner"], "20mm");
                assert_eq!(json["pdf"]["margins"]["top"], "54pt");
                assert_eq!(json["pdf"]["font-size"], "10.5pt");
                assert_eq!(json["pdf"]["running-heads"]["recto"], "section");
                assert_eq!(json["pdf"]["figures"], "old-style");
                assert_eq!(json["book"]["language"], "de");
                assert_eq!(json["book"]["date"], "2020-09");
                assert_eq!(json["hyphenation"]["exceptions"][0], "pro-ject");
            } else {
                assert_eq!(json["pdf"]["trim-size"], "6in x 9in");
                assert_eq!(json["pdf"]["font-expansion"], 2.0);
                assert_eq!(json["book"]["language"], "en");
                assert_eq!(json["book"]["identifier"], serde_json::Value::Null);
            }
        }
    }

    #[test]
    fn unknown_key_is_located_with_a_hint() {
        let text = "[book]\ntitle = \"A\"\nautors = [\"B\"]\n";
        let error = parse(text, FileId(0)).unwrap_err();
        assert_eq!(error.code, "config-unknown-key");
        assert!(error.message.contains("autors"), "{}", error.message);
        assert_eq!(error.hints, vec!["did you mean `authors`?".to_string()]);
        let crate::diag::Location::Span(span) = error.location.unwrap() else {
            panic!()
        };
        assert_eq!(&text[span.range()], "autors");
    }

    #[test]
    fn bad_values_are_located() {
        let text = "[book]\ntitle = \"A\"\nlanguage = \"english language\"\n";
        let error = parse(text, FileId(0)).unwrap_err();
        assert!(error.message.contains("BCP 47"), "{}", error.message);
        let crate::diag::Location::Span(span) = error.location.unwrap() else {
            panic!()
        };
        assert_eq!(&text[span.range()], "\"english language\"");
        assert!(parse("[book]\ntitle = \"A\"\ndate = \"2020-13-01\"\n", FileId(0)).is_err());
        assert!(parse("[book]\ntitle = \"A\"\ndate = \"2020-09\"\n", FileId(0)).is_ok());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2024-04-31").is_err());
        assert!(
            parse(
                "[pdf]\nfont-size = \"11\"\n[book]\ntitle = \"A\"\n",
                FileId(0)
            )
            .is_err()
        );
    }

    #[test]
    fn hyphenation_defaults_and_keys() {
        let config = parse_ok("[book]\ntitle = \"A\"\n");
        assert!(config.hyphenation.enabled);
        assert_eq!(config.hyphenation.left_min, 2);
        assert_eq!(config.hyphenation.right_min, 3);
        assert!(config.hyphenation.exceptions.is_empty());
        let text = "[book]\ntitle = \"A\"\n[hyphenation]\nenabled = false\nleft-min = 3\n\
                    right-min = 2\nexceptions = [\"pro-ject\", \"don’t\", \"Tafel\"]\n";
        let config = parse_ok(text).hyphenation;
        assert!(!config.enabled);
        assert_eq!((config.left_min, config.right_min), (3, 2));
        let words: Vec<&str> = config
            .exceptions
            .iter()
            .map(|e| e.get_ref().as_str())
            .collect();
        assert_eq!(words, ["pro-ject", "don’t", "Tafel"]);
    }

    #[test]
    fn hyphenation_exceptions_are_checked_at_their_span() {
        for (entry, problem) in [
            ("-pro-ject", "starts with a hyphen"),
            ("pro-ject-", "ends with a hyphen"),
            ("pro--ject", "two hyphens in a row"),
            ("", "is empty"),
            ("pro ject", "' '"),
            ("pro_ject", "`_`"),
            ("pro2ject", "`2`"),
        ] {
            let text = format!(
                "[book]\ntitle = \"A\"\n[hyphenation]\nexceptions = [\"ta-ble\", \"{entry}\"]\n"
            );
            let error = parse(&text, FileId(0)).unwrap_err();
            assert_eq!(error.code, "config-invalid");
            assert!(error.message.contains(problem), "{}", error.message);
            let crate::diag::Location::Span(span) = error.location.unwrap() else {
                panic!()
            };
            assert_eq!(&text[span.range()], format!("\"{entry}\""));
        }
    }

    #[test]
    fn keywords_default_to_none_and_may_not_be_blank() {
        assert!(
            parse_ok("[book]\ntitle = \"A\"\n")
                .book
                .metadata()
                .keywords
                .is_empty()
        );
        let config = parse_ok("[book]\ntitle = \"A\"\nkeywords = [\"ships\", \"the sea\"]\n");
        assert_eq!(config.book.metadata().keywords, ["ships", "the sea"]);
        let text = "[book]\ntitle = \"A\"\nkeywords = [\"ships\", \" \"]\n";
        let error = parse(text, FileId(0)).unwrap_err();
        assert_eq!(error.code, "config-invalid");
        assert!(error.message.contains("blank"), "{}", error.message);
        let crate::diag::Location::Span(span) = error.location.unwrap() else {
            panic!()
        };
        assert_eq!(&text[span.range()], "[\"ships\", \" \"]");
    }

    #[test]
    fn hyphenation_unknown_key_has_a_hint() {
        let text = "[book]\ntitle = \"A\"\n[hyphenation]\nexception = [\"pro-ject\"]\n";
        let error = parse(text, FileId(0)).unwrap_err();
        assert_eq!(error.code, "config-unknown-key");
        assert_eq!(error.hints, vec!["did you mean `exceptions`?".to_string()]);
        let error = parse("[hyphenaton]\n[book]\ntitle = \"A\"\n", FileId(0)).unwrap_err();
        assert_eq!(error.hints, vec!["did you mean `hyphenation`?".to_string()]);
    }

    #[test]
    fn identifier_is_stable_and_derived_from_title_and_authors() {
        let a = parse_ok("[book]\ntitle = \"A\"\nauthors = [\"X\"]\n")
            .book
            .metadata();
        let b = parse_ok("[book]\ntitle = \"A\"\nauthors = [\"X\"]\n")
            .book
            .metadata();
        let c = parse_ok("[book]\ntitle = \"A\"\nauthors = [\"Y\"]\n")
            .book
            .metadata();
        assert_eq!(a.identifier, b.identifier);
        assert_ne!(a.identifier, c.identifier);
        assert!(a.identifier.starts_with("urn:uuid:"));
        assert_eq!(&a.identifier[9 + 14..9 + 15], "5", "a version 5 UUID");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Reminiscences: With the Century", "book"),
            "reminiscences-with-the-century"
        );
        assert_eq!(
            slugify("회고록 《세기와 더불어》", "book"),
            "회고록-세기와-더불어"
        );
        assert_eq!(slugify("?!", "book"), "book");
    }
}
