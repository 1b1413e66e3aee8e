//! The corpus as a Typst document, so the build benchmark can time Typst
//! on the same book beside quire.
//!
//! **In:** each chapter's Markdown and the book's title, author and
//! language. **Out:** one `.typ` source: the page setup of quire's
//! bench books (6 × 9 in, 0.75 in margins, 11 pt Libertinus Serif,
//! justified, hyphenated, page numbers), the contents, then the chapters,
//! each opening on a recto page. **Must not:** depend on anything but its
//! input (it is a pure function, tested in `tests/bench_parts.rs`).
//!
//! Markdown is read by pulldown-cmark with the options quire's own reader
//! uses for what the corpus holds (GFM footnotes, strikethrough, smart
//! punctuation, so quotes and dashes arrive already typographic). Every
//! element becomes a function call (`#emph[…];`, `#quote(block: true)[…];`,
//! `#list([…], […]);`), never Typst's own markup shorthands, so no
//! nesting or word boundary can change its meaning. Each call ends with `;`,
//! which Typst swallows: without it, text after the call that starts with
//! `(`, `[` or `.name` would continue the call. A note's text goes into a
//! `#footnote[…];` at its call, where Typst wants it. Raw HTML, images
//! (their alt text stays), tables and math are outside the corpus and not
//! converted.

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// What the document takes from the book besides its chapters.
pub struct Setup<'a> {
    /// The title (PDF metadata).
    pub title: &'a str,
    /// The author (PDF metadata).
    pub author: &'a str,
    /// The language, for hyphenation (`en`, `en-GB`: Typst's `lang` and
    /// `region`).
    pub language: &'a str,
}

/// The whole Typst document: setup, contents, every chapter in order.
pub fn document(setup: &Setup, chapters: &[&str]) -> String {
    let mut language = setup.language.split(['-', '_']);
    let lang = language.next().unwrap_or("en").to_ascii_lowercase();
    let region = language
        .next()
        .map(|region| format!(", region: {}", string(&region.to_ascii_uppercase())))
        .unwrap_or_default();
    let mut out = format!(
        "// The corpus as Typst, made by quire's build benchmark (tests/bench/typst.rs).\n\
         #set document(title: {}, author: {})\n\
         #set page(width: 6in, height: 9in, margin: 0.75in, numbering: \"1\")\n\
         #set text(font: \"Libertinus Serif\", size: 11pt, lang: {}{region}, hyphenate: true)\n\
         #set par(justify: true)\n\
         #outline()\n\n",
        string(setup.title),
        string(setup.author),
        string(&lang),
    );
    for markdown in chapters {
        out.push_str(&chapter(markdown));
        out.push_str("\n\n");
    }
    out
}

/// One chapter's Markdown as Typst markup. A level-1 heading starts a
/// recto page (`#pagebreak(to: "odd")`).
pub fn chapter(markdown: &str) -> String {
    let options = Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    // The notes first, by label, as each goes in at its call.
    let mut notes = HashMap::new();
    let mut at = 0;
    while at < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[at] {
            let end = definition_end(&events, at);
            notes.insert(
                label.to_string(),
                write(&events[at + 1..end], &HashMap::new()),
            );
            at = end + 1;
        } else {
            at += 1;
        }
    }
    write(&events, &notes)
}

/// Writes `text` as Typst markup that shows it as it is: every character
/// with a meaning in markup is escaped with `\`, and so is a `.` after a
/// digit (`1.` opens a numbered list at the start of a line). Line breaks
/// become spaces, as in a Markdown paragraph. `...` is left for Typst to
/// make an ellipsis, as quire's smart punctuation does.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' | '#' | '*' | '_' | '$' | '@' | '<' | '>' | '[' | ']' | '{' | '}' | '`' | '~'
            | '/' | '-' | '=' | '+' | '\'' | '"' => {
                out.push('\\');
                out.push(c);
            }
            '.' if out.ends_with(|p: char| p.is_ascii_digit()) => out.push_str("\\."),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
}

/// `text` as a Typst string literal.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The index of the end of the note definition that starts at `start`
/// (GFM notes do not nest).
fn definition_end(events: &[Event], start: usize) -> usize {
    events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::FootnoteDefinition)))
        .map_or(events.len(), |at| start + at)
}

/// Writes `events` as Typst, leaving out note definitions and putting the
/// text of `notes` at their calls.
fn write(events: &[Event], notes: &HashMap<String, String>) -> String {
    let mut out = String::new();
    // The text of the code block being read, and its language.
    let mut code: Option<(String, String)> = None;
    let mut at = 0;
    while at < events.len() {
        let event = &events[at];
        at += 1;
        if let Some((text, _)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let (text, lang) = code.take().expect("in a code block");
                    let lang = if lang.is_empty() {
                        String::new()
                    } else {
                        format!("lang: {}, ", string(&lang))
                    };
                    out.push_str(&format!("#raw(block: true, {lang}{});\n\n", string(&text)));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Image { .. } => {}
                Tag::Heading { level, .. } => {
                    if !(out.is_empty() || out.ends_with('\n')) {
                        out.push('\n');
                    }
                    if *level == HeadingLevel::H1 {
                        out.push_str("#pagebreak(to: \"odd\")\n");
                    }
                    out.push_str(&"=".repeat(*level as usize));
                    out.push(' ');
                }
                Tag::BlockQuote(_) => out.push_str("#quote(block: true)["),
                Tag::List(Some(start)) => out.push_str(&format!("#enum(start: {start}, ")),
                Tag::List(None) => out.push_str("#list("),
                Tag::Item => out.push('['),
                Tag::Emphasis => out.push_str("#emph["),
                Tag::Strong => out.push_str("#strong["),
                Tag::Strikethrough => out.push_str("#strike["),
                Tag::Superscript => out.push_str("#super["),
                Tag::Subscript => out.push_str("#sub["),
                Tag::Link { dest_url, .. } => {
                    out.push_str(&format!("#link({})[", string(dest_url)));
                }
                Tag::CodeBlock(kind) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split_whitespace().next().unwrap_or("").to_string()
                        }
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((String::new(), lang));
                }
                Tag::FootnoteDefinition(_) => at = definition_end(events, at - 1) + 1,
                // Raw HTML, tables, definition lists, metadata: not in the
                // corpus; their text, if any, is kept as text.
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::Heading(_) => out.push_str("\n\n"),
                TagEnd::BlockQuote(_) => {
                    close(&mut out);
                    out.push_str("\n\n");
                }
                TagEnd::Item => {
                    // An argument: `]`, not the `];` of a call in markup.
                    let trimmed = out.trim_end().len();
                    out.truncate(trimmed);
                    out.push_str("], ");
                }
                TagEnd::List(_) => {
                    if out.ends_with(", ") {
                        out.truncate(out.len() - 2);
                    }
                    out.push_str(");\n\n");
                }
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link => close(&mut out),
                _ => {}
            },
            Event::Text(text) => escape(text, &mut out),
            Event::Code(text) => out.push_str(&format!("#raw({});", string(text))),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("#linebreak();"),
            Event::Rule => out.push_str("#line(length: 100%);\n\n"),
            Event::FootnoteReference(label) => match notes.get(label.as_ref()) {
                Some(note) => {
                    out.push_str("#footnote[");
                    out.push_str(note);
                    out.push_str("];");
                }
                None => escape(&format!("[^{label}]"), &mut out),
            },
            // Raw HTML and math: not in the corpus.
            _ => {}
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// Ends the content block of the call being written: `];`, its trailing
/// paragraph breaks dropped.
fn close(out: &mut String) {
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push_str("];");
}
