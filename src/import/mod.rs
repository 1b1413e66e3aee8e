//! `quire import`: a saved web page in, a chapter of the book out.
//!
//! **In:** the bytes of a saved page (plain text or HTML), where its copy
//! will live in the book (`sources/<name>`), and the book's import
//! [`Rules`]. **Out:** an [`Imported`]: the chapter file's text (YAML
//! front matter with the `source` record, then Markdown), and what the
//! import did: the article's lines, everything left out with its reason,
//! every repair with its count and first examples. Or an [`ImportError`]
//! when there is no text or no article. **Must not:** read or write files
//! (the CLI does), or drop text without listing it in [`Imported::dropped`].
//!
//! The stages, each a module:
//! ```text
//! bytes ──page::read_text / html::read──> Page (title, meta, blocks)
//!       ──article::find──> Article (heading, blocks, record, dropped)
//!       ──repair::repair (general, then the book's rules)──> repaired blocks + Repairs
//!       ──write::chapter──> front matter + Markdown
//! ```

pub mod article;
pub mod html;
pub mod page;
pub mod repair;
pub mod rules;
pub mod write;

use crate::model::SourceRecord;
use crate::world::BookPath;

pub use article::{Dropped, Reason};
pub use repair::{Repair, Repairs};
pub use rules::Rules;

/// What an import made.
#[derive(Debug)]
pub struct Imported {
    /// The chapter file's text.
    pub markdown: String,
    /// The chapter's heading (its title in the book).
    pub heading: String,
    /// A file-name slug for the chapter, from its title.
    pub slug: String,
    /// The source record written into the front matter.
    pub record: SourceRecord,
    /// The first and last line of the article in the original.
    pub lines: (usize, usize),
    /// Blocks in the chapter (after repairs).
    pub blocks: usize,
    /// Words in the chapter's text.
    pub words: usize,
    /// What was left out, in page order.
    pub dropped: Vec<Dropped>,
    /// What was repaired.
    pub repairs: Repairs,
    /// Whether the page was read as HTML.
    pub html: bool,
}

/// Why nothing could be imported.
#[derive(Debug)]
pub enum ImportError {
    /// The file is not UTF-8 text: where the first bad byte is, and the
    /// encoding the page declares, if it does.
    NotUtf8 {
        /// Line of the first bad byte (1-based).
        line: usize,
        /// Column (1-based, in bytes).
        column: usize,
        /// A `charset` the page names.
        declared: Option<String>,
    },
    /// No article was found: only site furniture. Carries what was seen.
    NoArticle {
        /// Everything on the page, by reason.
        dropped: Vec<Dropped>,
    },
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::NotUtf8 {
                line,
                column,
                declared,
            } => {
                write!(
                    f,
                    "the page is not UTF-8 text (the first bad byte is at line {line}, column {column})"
                )?;
                if let Some(declared) = declared {
                    write!(
                        f,
                        "; it says it is `{declared}`: convert it first, e.g. `iconv -f {declared} -t UTF-8`"
                    )?;
                }
                Ok(())
            }
            ImportError::NoArticle { dropped } => {
                let lines = dropped.iter().map(|d| d.count).sum::<usize>();
                write!(
                    f,
                    "no article found: the page's {lines} blocks are all site furniture or too short to be prose"
                )
            }
        }
    }
}

/// Imports a saved page. `file` is where its unchanged copy lives in the
/// book; `version` names the tool in the notes.
pub fn import(
    bytes: &[u8],
    file: &BookPath,
    rules: &Rules,
    version: &str,
) -> Result<Imported, ImportError> {
    let text = decode(bytes)?;
    let html = looks_like_html(text, file.as_str());
    let page = if html {
        html::read(text)
    } else {
        page::read_text(text)
    };
    let mut found = article::find(&page);
    if found.blocks.is_empty() {
        return Err(ImportError::NoArticle {
            dropped: found.dropped,
        });
    }
    let first = found
        .heading
        .as_ref()
        .map_or(found.blocks[0].line, |h| h.line.min(found.blocks[0].line));
    let last = found
        .blocks
        .last()
        .map_or(first, |b| b.line + b.text().matches('\n').count());
    let joined: Vec<usize> = page
        .joined
        .iter()
        .copied()
        .filter(|l| (first..=last).contains(l))
        .collect();
    let repairs = repair::repair(&mut found.heading, &mut found.blocks, &joined, rules);

    let heading = found
        .heading
        .as_ref()
        .map(|h| h.text.clone())
        .or_else(|| found.found.title.clone())
        .unwrap_or_else(|| file.stem().to_string());
    // "6. Formation of …": the number belongs to the original's series,
    // not to this book's title.
    let title = strip_number(&heading);
    let slug = crate::config::slugify(title.unwrap_or(&heading), "chapter");

    let mut record = SourceRecord {
        file: Some(file.clone()),
        sha256: Some(crate::sha256_hex(bytes)),
        ..found.found.clone()
    };
    record.notes = Some(notes(version, &found.dropped, &repairs));
    let markdown = write::chapter(title, Some(&heading), &found.blocks, &record);
    let words = found
        .blocks
        .iter()
        .map(|b| b.text().split_whitespace().count())
        .sum();
    Ok(Imported {
        markdown,
        heading,
        slug,
        record,
        lines: (first, last),
        blocks: found.blocks.len(),
        words,
        dropped: found.dropped,
        repairs,
        html,
    })
}

/// The text of the page, or where it stops being UTF-8.
fn decode(bytes: &[u8]) -> Result<&str, ImportError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|error| {
        let good = &bytes[..error.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        ImportError::NotUtf8 {
            line,
            column,
            declared: declared_charset(bytes),
        }
    })
}

/// The `charset` a page declares in its first kilobytes.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let name: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Whether a page is HTML: its name says so, or it opens with markup.
fn looks_like_html(text: &str, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        return true;
    }
    let start: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with('<')
        && [
            "<!doctype html",
            "<html",
            "<head",
            "<body",
            "<!-- saved from",
        ]
        .iter()
        .any(|tag| start.contains(tag))
}

/// A title without a leading section number (`6. `, `IV. `, `3) `).
fn strip_number(heading: &str) -> Option<&str> {
    let (number, rest) = heading.split_once(' ')?;
    let bare = number.trim_end_matches(['.', ')', ':']);
    let numbered = number.len() > bare.len()
        && !bare.is_empty()
        && (bare.chars().all(|c| c.is_ascii_digit()) || bare.chars().all(|c| "IVXLC".contains(c)));
    (numbered && !rest.trim().is_empty()).then(|| rest.trim())
}

/// The `source.notes` of an imported chapter: what was removed and what
/// was repaired, with counts and a first example of each.
pub fn notes(version: &str, dropped: &[Dropped], repairs: &Repairs) -> String {
    let mut out = format!("Imported with quire {version}.");
    let mut reasons: Vec<(Reason, usize)> = Vec::new();
    for run in dropped {
        match reasons.iter_mut().find(|(r, _)| *r == run.reason) {
            Some((_, count)) => *count += run.count,
            None => reasons.push((run.reason, run.count)),
        }
    }
    if !reasons.is_empty() {
        let parts: Vec<String> = reasons
            .iter()
            .map(|(reason, count)| match count {
                1 => reason.describe().to_string(),
                n => format!("{} ({n} items)", reason.describe()),
            })
            .collect();
        out.push_str(&format!(
            " Removed around the article: {}.",
            parts.join(", ")
        ));
    }
    let describe = |repair: &Repair| {
        let example = repair
            .examples
            .iter()
            .find(|(_, before, after)| !before.is_empty() || !after.is_empty())
            .map(|(_, before, after)| format!(", e.g. “{before}” → “{after}”"))
            .unwrap_or_default();
        format!("{}: {}{example}", repair.label, repair.count)
    };
    if !repairs.general.is_empty() {
        let parts: Vec<String> = repairs.general.iter().map(describe).collect();
        out.push_str(&format!(" Repaired: {}.", parts.join("; ")));
    }
    if !repairs.rules.is_empty() {
        let parts: Vec<String> = repairs
            .rules
            .iter()
            .map(|r| format!("{}: {}", r.label, r.count))
            .collect();
        out.push_str(&format!(" Book rules: {}.", parts.join("; ")));
    }
    out
}

impl Imported {
    /// The report of what was done, for the terminal: the article, the
    /// record, what was dropped and each repair with its first examples.
    pub fn report(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "article: lines {}–{} of the {}, {} blocks, {} words, heading “{}”",
            self.lines.0,
            self.lines.1,
            if self.html { "HTML page" } else { "text page" },
            self.blocks,
            self.words,
            self.heading
        );
        let r = &self.record;
        for (key, value) in [
            ("title", &r.title),
            ("site", &r.site),
            ("url", &r.url),
            ("author", &r.author),
            ("published", &r.published),
            ("publisher", &r.publisher),
            ("rights", &r.rights),
            ("sha256", &r.sha256),
        ] {
            if let Some(value) = value {
                let _ = writeln!(out, "source {key}: {value}");
            }
        }
        if !self.dropped.is_empty() {
            let lines: usize = self.dropped.iter().map(|d| d.count).sum();
            let _ = writeln!(out, "dropped {lines} blocks outside the article:");
            for d in &self.dropped {
                let at = if d.first == d.last {
                    format!("line {}", d.first)
                } else {
                    format!("lines {}–{}", d.first, d.last)
                };
                let more = if d.count > 1 {
                    format!(" and {} more", d.count - 1)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "  {at}: {}: “{}”{more}",
                    d.reason.describe(),
                    d.example
                );
            }
        }
        for (title, list) in [
            ("repaired", &self.repairs.general),
            ("book rules", &self.repairs.rules),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title}:");
            for repair in list {
                let _ = writeln!(out, "  {}: {}", repair.label, repair.count);
                for (line, before, after) in &repair.examples {
                    if before.is_empty() && after.is_empty() {
                        let _ = writeln!(out, "      line {line}");
                    } else {
                        let _ = writeln!(out, "      line {line}: “{before}” → “{after}”");
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_stripped_from_titles() {
        assert_eq!(
            strip_number("6. Formation of the Forces"),
            Some("Formation of the Forces")
        );
        assert_eq!(strip_number("IV) The End"), Some("The End"));
        assert_eq!(strip_number("1942 was a year"), None);
        assert_eq!(strip_number("Plain title"), None);
    }

    #[test]
    fn bad_bytes_are_located() {
        let error = decode(b"<meta charset=\"euc-kr\">\nok\nbad \xb0\xa1").unwrap_err();
        let ImportError::NotUtf8 {
            line,
            column,
            declared,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!((*line, *column), (3, 5));
        assert_eq!(declared.as_deref(), Some("euc-kr"));
        assert!(error.to_string().contains("iconv -f euc-kr"));
    }

    /// Pages mangled at random (cut anywhere, markup and escapes thrown
    /// in, bytes dropped) never panic, and whatever is imported reads back
    /// through quire's own Markdown reader without an error.
    #[test]
    fn mangled_pages_import_or_fail_cleanly() {
        let pages: [&[u8]; 4] = [
            include_bytes!("../../tests/import/blog.html"),
            include_bytes!("../../tests/import/korean.html"),
            include_bytes!("../../tests/import/furniture.html"),
            include_bytes!("../../book/sources/000_60b91b2e5b986131.txt"),
        ];
        let inserts: [&[u8]; 12] = [
            b"<",
            b">",
            b"\\",
            b"&",
            b"&amp;",
            b"\xc2\xa0",
            b"<p>",
            b"</div>",
            b"<!--",
            b"*",
            b"\n\n",
            b"<pre>",
        ];
        let rules = Rules::default();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let mut imported = 0;
        for round in 0..240 {
            let mut bytes = pages[round % pages.len()].to_vec();
            for _ in 0..1 + next(6) {
                let at = next(bytes.len() + 1);
                match next(3) {
                    0 => bytes.truncate(at),
                    1 => {
                        let insert = inserts[next(inserts.len())];
                        bytes.splice(at..at, insert.iter().copied());
                    }
                    _ => {
                        let end = (at + next(400)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                }
            }
            let name = if round % pages.len() == 3 {
                "sources/page.txt"
            } else {
                "sources/page.html"
            };
            let file = BookPath::parse(name).unwrap();
            let Ok(done) = import(&bytes, &file, &rules, "test") else {
                continue;
            };
            imported += 1;
            let mut map = crate::source::SourceMap::new();
            let id = map.add("chapter.md", done.markdown.clone());
            let mut sink = crate::diag::Sink::new();
            let path = BookPath::parse("chapters/x.md").unwrap();
            let _ = crate::markdown::parse(map.get(id), id, path, "x".into(), &mut sink);
            assert!(
                !sink.has_errors(),
                "round {round}: {:?}\n{}",
                sink.into_vec(),
                done.markdown
            );
        }
        assert!(
            imported >= 60,
            "only {imported} of 240 mangled pages imported"
        );
    }
}
