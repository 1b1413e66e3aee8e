//! A chapter's YAML front matter: `title`, `lang` and the `source` record.

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use crate::config::LanguageTag;
use crate::diag::Diagnostic;
use crate::model::SourceRecord;
use crate::source::{FileId, SourceFile, Span};
use crate::world::BookPath;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Option<String>,
    lang: Option<Spanned<String>>,
    source: Option<RawSource>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: Option<String>,
    url: Option<String>,
    site: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
    published: Option<String>,
    accessed: Option<String>,
    rights: Option<String>,
    file: Option<Spanned<String>>,
    sha256: Option<Spanned<String>>,
    notes: Option<String>,
}

const KEYS: &[&str] = &[
    "title",
    "lang",
    "source",
    "url",
    "site",
    "author",
    "publisher",
    "published",
    "accessed",
    "rights",
    "file",
    "sha256",
    "notes",
];

/// What a chapter's front matter says.
#[derive(Debug, Default)]
pub struct FrontMatter {
    /// `title`.
    pub title: Option<String>,
    /// `lang`, checked.
    pub lang: Option<String>,
    /// `source`, with `file` checked to stay in the book.
    pub source: Option<SourceRecord>,
    /// Where `source.file` is written, to point at when the file is missing.
    pub source_file_span: Option<Span>,
    /// `source.sha256`: the saved original's SHA-256 as recorded on
    /// import, and where it is written.
    pub source_sha256: Option<(String, Span)>,
}

/// Parses the YAML that starts at byte `start` of `file`. Problems are errors
/// (front matter is configuration), but parsing of the chapter goes on.
pub fn parse(
    file: &SourceFile,
    id: FileId,
    start: usize,
    yaml: &str,
    errors: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let base = file.line_col(start);
    // Turns a location inside the YAML into a span of the chapter file.
    let span_at = |loc: &Location, len: usize| {
        let line = base.line + loc.line().max(1) as usize - 1;
        let column = loc.column().max(1) as usize
            + if line == base.line {
                base.column - 1
            } else {
                0
            };
        let offset = file.offset_of(line, column);
        // Within the text and on a character boundary: `len` counts the
        // value's bytes (or is 1 for an error's position), which may stop
        // inside a character or run past the end.
        let text = file.text();
        let mut end = (offset + scalar_len(&text[offset..], len)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        Span::new(id, offset..end)
    };
    let raw: Raw = match serde_saphyr::from_str(yaml) {
        Ok(raw) => raw,
        Err(error) => {
            let text = error.without_snippet().to_string();
            let message = clean_message(&text);
            let mut diagnostic =
                Diagnostic::error("front-matter-invalid", format!("front matter: {message}"));
            if let Some(loc) = error.location() {
                diagnostic = diagnostic.at(span_at(&loc, 1));
            }
            errors.push(diagnostic.for_unknown_key(&message, "front-matter-unknown-key", KEYS));
            return FrontMatter::default();
        }
    };

    let mut out = FrontMatter {
        title: raw.title,
        ..FrontMatter::default()
    };
    if let Some(lang) = raw.lang {
        match LanguageTag::parse(&lang.value) {
            Ok(tag) => out.lang = Some(tag.0),
            Err(message) => errors.push(
                Diagnostic::error("front-matter-invalid", format!("front matter: {message}"))
                    .at(span_at(&lang.referenced, lang.value.len())),
            ),
        }
    }
    if let Some(source) = raw.source {
        let mut record = SourceRecord {
            title: source.title,
            url: source.url,
            site: source.site,
            author: source.author,
            publisher: source.publisher,
            published: source.published,
            accessed: source.accessed,
            rights: source.rights,
            file: None,
            sha256: None,
            notes: source.notes,
        };
        if let Some(path) = source.file {
            let span = span_at(&path.referenced, path.value.len());
            match BookPath::parse(&path.value) {
                Ok(book_path) => {
                    record.file = Some(book_path);
                    out.source_file_span = Some(span);
                }
                Err(why) => errors.push(
                    Diagnostic::error(
                        "path-outside-book",
                        format!("source file `{}` refused: {why}", path.value),
                    )
                    .at(span),
                ),
            }
        }
        if let Some(sha) = source.sha256 {
            let span = span_at(&sha.referenced, sha.value.len());
            let hex = sha.value.trim().to_ascii_lowercase();
            if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.source_sha256 = Some((hex, span));
            } else {
                errors.push(
                    Diagnostic::error(
                        "front-matter-invalid",
                        "front matter: `sha256` must be 64 hexadecimal digits",
                    )
                    .at(span),
                );
            }
        }
        out.source = Some(record);
    }
    out
}

/// The length in the source of a scalar starting at `text`: the whole
/// quoted string when it is quoted, else `len` (the value's own length).
fn scalar_len(text: &str, len: usize) -> usize {
    let mut chars = text.char_indices();
    let quote = match chars.next() {
        Some((_, q @ ('"' | '\''))) => q,
        _ => return len,
    };
    let mut escaped = false;
    let mut chars = chars.peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => break,
            '\\' if quote == '"' && !escaped => escaped = true,
            // In single quotes, a doubled quote is an escaped one.
            '\'' if quote == '\'' && chars.peek().is_some_and(|&(_, next)| next == '\'') => {
                chars.next();
            }
            c if c == quote && !escaped => return i + 1,
            _ => escaped = false,
        }
    }
    len
}

/// serde-saphyr's message without its `error: line L column C: ` prefix.
fn clean_message(text: &str) -> String {
    let first = text.lines().next().unwrap_or(text);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let first = match first.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, message)| message),
        None => first,
    };
    let first = match first.rfind(" at line ") {
        Some(at) if first[at..].contains(", column ") => &first[..at],
        _ => first,
    };
    first.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_scalars_are_measured_in_the_source() {
        assert_eq!(scalar_len("\"x y\"\nnext", 3), 5);
        assert_eq!(scalar_len("'it''s'", 5), 7);
        assert_eq!(scalar_len("\"a\\\"b\" rest", 3), 6);
        assert_eq!(scalar_len("plain value", 11), 11);
    }

    #[test]
    fn strips_location_prefix() {
        assert_eq!(
            clean_message(
                "error: line 3 column 1: unknown field `x`, expected one of a at line 2, column 1\n --> x"
            ),
            "unknown field `x`, expected one of a"
        );
    }
}
