//! Renders diagnostics for people (`human`), editors (`short`), programs
//! (`json`, one object per line) and GitHub Actions (`github`, workflow
//! annotations).

use std::io::{IsTerminal, Write};
use std::path::Path;

use quire::diag::{Diagnostic, Location, Severity};
use quire::source::SourceMap;

use super::DiagnosticFormat;

pub const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
pub const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";

fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// `text` in a colour, when stderr is a terminal that wants colour.
pub fn paint(text: &str, code: &str) -> String {
    if colour() {
        format!("{code}{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Prints every diagnostic, then (human format) a summary line. People's
/// formats go to stderr; `json` and `github` to stdout, where programs and
/// the Actions runner read them, with each file's path as seen from the
/// current folder (`book` joined to the book-relative path), so an
/// annotation lands on the file in the repository.
pub fn print(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    format: DiagnosticFormat,
    book: &Path,
) {
    let mut out = String::new();
    for diagnostic in diagnostics {
        match format {
            DiagnosticFormat::Human => human(diagnostic, sources, &mut out),
            DiagnosticFormat::Short => short(diagnostic, sources, &mut out),
            DiagnosticFormat::Json => json(diagnostic, sources, book, &mut out),
            DiagnosticFormat::Github => github(diagnostic, sources, book, &mut out),
        }
    }
    if matches!(format, DiagnosticFormat::Json | DiagnosticFormat::Github) {
        let _ = std::io::stdout().lock().write_all(out.as_bytes());
        return;
    }
    if format == DiagnosticFormat::Human {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = diagnostics.len() - errors;
        if errors > 0 {
            out.push_str(&format!(
                "{}: the book has {} and {}\n",
                paint("error", RED),
                plural(errors, "error"),
                plural(warnings, "warning")
            ));
        } else if warnings > 0 {
            out.push_str(&format!(
                "{}: {} in all\n",
                paint("warning", YELLOW),
                plural(warnings, "warning")
            ));
        }
    }
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn severity(severity: Severity) -> String {
    match severity {
        Severity::Error => paint("error", RED),
        Severity::Warning => paint("warning", YELLOW),
    }
}

/// `path:line:col: severity[code]: message`.
fn short(diagnostic: &Diagnostic, sources: &SourceMap, out: &mut String) {
    match &diagnostic.location {
        Some(Location::Span(span)) => {
            let (path, at) = sources.locate(*span);
            out.push_str(&format!("{path}:{}:{}: ", at.line, at.column));
        }
        Some(Location::Path(path)) => out.push_str(&format!("{path}: ")),
        None => {}
    }
    out.push_str(&format!(
        "{}[{}]: {}\n",
        diagnostic.severity, diagnostic.code, diagnostic.message
    ));
}

/// Where a diagnostic points, for machines: the file as seen from the
/// current folder, and the 1-based line and column (in characters) where it
/// starts and ends. No line for a whole file; nothing without a location.
struct Place {
    file: Option<String>,
    start: Option<(usize, usize)>,
    end: Option<(usize, usize)>,
}

fn place(diagnostic: &Diagnostic, sources: &SourceMap, book: &Path) -> Place {
    let shown = |path: &str| {
        let joined = book.join(path);
        let joined = joined.strip_prefix(".").unwrap_or(&joined);
        joined.to_string_lossy().into_owned()
    };
    match &diagnostic.location {
        Some(Location::Span(span)) => {
            let file = sources.get(span.file);
            let start = file.line_col(span.start as usize);
            let end = file.line_col((span.end as usize).max(span.start as usize));
            Place {
                file: Some(shown(file.path())),
                start: Some((start.line, start.column)),
                end: Some((end.line, end.column)),
            }
        }
        Some(Location::Path(path)) => Place {
            file: Some(shown(path)),
            start: None,
            end: None,
        },
        None => Place {
            file: None,
            start: None,
            end: None,
        },
    }
}

/// One JSON object on one line: `severity`, `code`, `message`, `file`,
/// `line`, `column`, `end_line`, `end_column` (null when unknown), `hints`.
fn json(diagnostic: &Diagnostic, sources: &SourceMap, book: &Path, out: &mut String) {
    let at = place(diagnostic, sources, book);
    let value = serde_json::json!({
        "severity": diagnostic.severity.to_string(),
        "code": diagnostic.code,
        "message": diagnostic.message,
        "file": at.file,
        "line": at.start.map(|(line, _)| line),
        "column": at.start.map(|(_, column)| column),
        "end_line": at.end.map(|(line, _)| line),
        "end_column": at.end.map(|(_, column)| column),
        "hints": diagnostic.hints,
    });
    out.push_str(&value.to_string());
    out.push('\n');
}

/// A GitHub Actions workflow command:
/// `::warning file=F,line=L,col=C,endLine=…,endColumn=…,title=CODE::MESSAGE`,
/// the hints on lines of their own under the message.
fn github(diagnostic: &Diagnostic, sources: &SourceMap, book: &Path, out: &mut String) {
    let at = place(diagnostic, sources, book);
    let mut properties = Vec::new();
    if let Some(file) = &at.file {
        properties.push(format!("file={}", escape_property(file)));
    }
    if let Some((line, column)) = at.start {
        properties.push(format!("line={line},col={column}"));
    }
    if let Some((line, column)) = at.end {
        properties.push(format!("endLine={line},endColumn={column}"));
    }
    properties.push(format!(
        "title={}",
        escape_property(&format!("{}[{}]", diagnostic.severity, diagnostic.code))
    ));
    let mut message = diagnostic.message.clone();
    for hint in &diagnostic.hints {
        message.push_str("\nhint: ");
        message.push_str(hint);
    }
    out.push_str(&format!(
        "::{} {}::{}\n",
        diagnostic.severity,
        properties.join(","),
        escape_data(&message)
    ));
}

/// A workflow command's message: `%`, CR and LF percent-encoded.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// How many characters of a source line an excerpt shows at most.
const EXCERPT: usize = 100;

/// A compiler-style report with an excerpt and a caret line.
fn human(diagnostic: &Diagnostic, sources: &SourceMap, out: &mut String) {
    out.push_str(&format!(
        "{}{}: {}\n",
        severity(diagnostic.severity),
        paint(&format!("[{}]", diagnostic.code), BOLD),
        paint(&diagnostic.message, BOLD)
    ));
    let mut gutter = 1;
    match &diagnostic.location {
        Some(Location::Span(span)) => {
            let file = sources.get(span.file);
            let start = file.line_col(span.start as usize);
            let end = file.line_col((span.end as usize).max(span.start as usize));
            let number = start.line.to_string();
            gutter = number.len() + 1;
            let pad = " ".repeat(gutter);
            out.push_str(&format!(
                "{}{} {}:{}:{}\n",
                " ".repeat(gutter - 1),
                paint("-->", BLUE),
                file.path(),
                start.line,
                start.column
            ));
            let whole = file.line_text(start.line);
            // A long line (a paragraph is one line in many sources) is
            // shown from a little before the place, cut with `…`.
            let count = whole.chars().count();
            let (from, to) = if count > EXCERPT {
                let from = start.column.saturating_sub(1 + EXCERPT / 4);
                (from, (from + EXCERPT).min(count))
            } else {
                (0, count)
            };
            let window: String = whole.chars().skip(from).take(to - from).collect();
            let open = if from > 0 { "…" } else { "" };
            let close = if to < count { "…" } else { "" };
            let shown = format!("{open}{}{close}", window.replace('\t', "    "));
            let before: String = open
                .chars()
                .chain(window.chars().take(start.column - 1 - from))
                .collect();
            let last = if end.line == start.line {
                end.column.min(to + 1)
            } else {
                to + 1
            };
            let under: String = window
                .chars()
                .skip(start.column - 1 - from)
                .take(last.saturating_sub(start.column))
                .collect();
            let carets = width(&under).max(1);
            out.push_str(&format!("{pad}{}\n", paint("|", BLUE)));
            out.push_str(&format!(
                "{} {shown}\n",
                paint(&format!("{number:>w$} |", w = gutter - 1), BLUE)
            ));
            out.push_str(&format!(
                "{pad}{} {}{}\n",
                paint("|", BLUE),
                " ".repeat(width(&before)),
                paint(
                    &"^".repeat(carets),
                    match diagnostic.severity {
                        Severity::Error => RED,
                        Severity::Warning => YELLOW,
                    }
                )
            ));
        }
        Some(Location::Path(path)) => out.push_str(&format!(" {} {path}\n", paint("-->", BLUE))),
        None => {}
    }
    for hint in &diagnostic.hints {
        out.push_str(&format!(
            "{}{} hint: {hint}\n",
            " ".repeat(gutter),
            paint("=", BLUE)
        ));
    }
    out.push('\n');
}

/// Display width: tabs as four columns, East Asian wide characters as two.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x09 => 4,
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}
