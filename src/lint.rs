//! Lint: what a careful copy editor would flag in the text, read off the
//! model.
//!
//! **In:** a parsed [`Chapter`] and the source map it points into. **Out:**
//! warnings in the [`Sink`], each at the character it is about:
//! - `text-straight-quote`: a `"` or `'` that smart punctuation left
//!   straight (it could not tell an opening from a closing quote, or an
//!   apostrophe from a prime);
//! - `text-double-space`: two or more spaces between words (a typewriter's
//!   habit, or text pasted from a web page);
//! - `text-glued-backslash`: a backslash between two letters, the mark of a
//!   scraped page whose spaces became backslashes.
//!
//! Code, raw HTML and link addresses are not text and are never read. One
//! warning per code and block (a paragraph, a heading, a table cell), at
//! the first place, counting the others, so a pasted chapter gives a
//! readable list. **Must not:** change the model, or warn about what the
//! author wrote on purpose: a quote escaped with a backslash stays straight
//! without a warning, and so does `\\` written as `\\\\`.

use crate::diag::{Diagnostic, Sink};
use crate::model::{Block, Chapter, Inline, InlineKind};
use crate::source::{SourceMap, Span};

/// Lints one chapter: its heading, body and notes.
pub fn chapter(chapter: &Chapter, sources: &SourceMap, sink: &mut Sink) {
    let mut lint = Lint { sources, sink };
    if let Some(heading) = &chapter.heading {
        lint.inlines_block(&heading.content);
    }
    lint.blocks(&chapter.blocks);
    for note in &chapter.footnotes {
        lint.blocks(&note.blocks);
    }
}

/// A problem found in a run of text: which, and where in the source.
struct Found {
    code: &'static str,
    /// What it is, for the message.
    what: &'static str,
    at: Span,
}

struct Lint<'a> {
    sources: &'a SourceMap,
    sink: &'a mut Sink,
}

impl Lint<'_> {
    fn blocks(&mut self, blocks: &[Block]) {
        crate::model::inline_lists(blocks, &mut |inlines| self.inlines_block(inlines));
    }

    /// The inlines of one block: everything found, then one warning per code.
    fn inlines_block(&mut self, inlines: &[Inline]) {
        let mut found = Vec::new();
        self.inlines(inlines, &mut found);
        for code in [
            "text-straight-quote",
            "text-double-space",
            "text-glued-backslash",
        ] {
            let mut places = found.iter().filter(|f| f.code == code);
            let Some(first) = places.next() else {
                continue;
            };
            let others = places.count();
            self.sink
                .push(warning(code, first.what, others).at(first.at));
        }
    }

    fn inlines(&self, inlines: &[Inline], found: &mut Vec<Found>) {
        for inline in inlines {
            match &inline.kind {
                InlineKind::Text(text) => self.text(text, inline.span, found),
                InlineKind::Emph(content)
                | InlineKind::Strong(content)
                | InlineKind::Strike(content)
                | InlineKind::Link { content, .. } => self.inlines(content, found),
                InlineKind::Code(_)
                | InlineKind::Image(_)
                | InlineKind::FootnoteRef(_)
                | InlineKind::LineBreak
                | InlineKind::SoftBreak
                | InlineKind::Html(_) => {}
            }
        }
    }

    /// Reads a run of text, and places what it finds in the source.
    fn text(&self, text: &str, span: Span, found: &mut Vec<Found>) {
        // Only these characters can be found wanting (see the match
        // below): a run without them, most runs, need not be aligned with
        // its source.
        if !text.contains(['"', '\'', '“', '‘', '\\']) && !text.contains("  ") {
            return;
        }
        let file = self.sources.get(span.file);
        let range = span.range();
        let Some(source) = file.text().get(range.clone()) else {
            return;
        };
        // Where each character of the text was typed; without that (text
        // the parser made up), nothing can be said for sure.
        let Some(origin) = align(text, source) else {
            return;
        };
        let place = |i: usize, len: usize| {
            let at = range.start + origin[i];
            Span::new(span.file, at..at + len)
        };
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let before = i.checked_sub(1).map(|b| chars[b]);
            let after = chars.get(i + 1).copied();
            let typed = source.as_bytes()[origin[i]];
            match c {
                // A straight quote in the text was typed as an entity
                // (`&quot;`): an escaped one (`\"`) is meant.
                '"' | '\'' if typed == b'&' => found.push(Found {
                    code: "text-straight-quote",
                    what: "a straight quote, typed as an entity, is left in the text",
                    at: place(i, entity_len(&source[origin[i]..])),
                }),
                // A straight `"` smart punctuation could not pair becomes
                // an opening quote, even at the end of a word.
                '“' | '‘'
                    if matches!(typed, b'"' | b'\'')
                        && before.is_some_and(|b| !b.is_whitespace())
                        && after.is_none_or(|a| a.is_whitespace() || ".,;:!?)]".contains(a)) =>
                {
                    found.push(Found {
                        code: "text-straight-quote",
                        what: "a straight quote has no partner, so it would be set as an opening quote at the end of a word",
                        at: place(i, 1),
                    });
                }
                ' ' if after == Some(' ') && before.is_some_and(|b| !b.is_whitespace()) => {
                    let run = chars[i..].iter().take_while(|&&c| c == ' ').count();
                    if chars.get(i + run).is_some_and(|n| !n.is_whitespace()) {
                        found.push(Found {
                            code: "text-double-space",
                            what: "two or more spaces between words",
                            at: place(i, run),
                        });
                    }
                    i += run;
                    continue;
                }
                '\\' if typed == b'\\'
                    && origin.get(i + 1) == Some(&(origin[i] + 1))
                    && before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric) =>
                {
                    found.push(Found {
                        code: "text-glued-backslash",
                        what: "a backslash glued between two words, as a scraped page has for a space",
                        at: place(i, 1),
                    });
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// The byte length of the entity `&…;` that `typed` starts with (1 if it
/// is not one).
fn entity_len(typed: &str) -> usize {
    typed
        .char_indices()
        .take(33)
        .find(|&(_, c)| c == ';')
        .map_or(1, |(at, _)| at + 1)
}

/// For each character of `text` (a run of text from the parser), the byte
/// offset in `source` (the text of its span) where it was typed: the same
/// character, an escape (`\*`), an entity (`&amp;`), or what smart
/// punctuation made of `"`, `'`, `--`, `---` and `...`. `None` when the two
/// cannot be matched from start to end.
fn align(text: &str, source: &str) -> Option<Vec<usize>> {
    let mut origin = Vec::with_capacity(text.len());
    let mut j = 0;
    for c in text.chars() {
        let rest = &source[j..];
        let typed = rest.chars().next()?;
        let step = if typed == c {
            typed.len_utf8()
        } else if typed == '\\' && rest[1..].starts_with(c) && c.is_ascii_punctuation() {
            1 + c.len_utf8()
        } else if typed == '&' && rest.contains(';') {
            entity_len(rest)
        } else {
            match (c, typed) {
                ('“' | '”', '"') | ('‘' | '’', '\'') => 1,
                ('—', '-') if rest.starts_with("---") => 3,
                ('–', '-') if rest.starts_with("--") => 2,
                ('…', '.') if rest.starts_with("...") => 3,
                _ => return None,
            }
        };
        origin.push(j);
        j += step;
    }
    (j == source.len()).then_some(origin)
}

/// The warning for `code`, saying `what`, with `others` more places in
/// the same block.
fn warning(code: &'static str, what: &str, others: usize) -> Diagnostic {
    let more = match others {
        0 => String::new(),
        1 => " (and once more in this block)".to_string(),
        n => format!(" (and {n} more times in this block)"),
    };
    let hint = match code {
        "text-straight-quote" => {
            "type the curly quote you mean (“ ” ‘ ’), or ′ ″ for feet and inches; escape it (\\\") to keep it straight"
        }
        "text-double-space" => "one space is set either way: remove the others",
        _ => {
            "replace it with a space (`quire import` repairs these), or write `\\\\` for a backslash"
        }
    };
    Diagnostic::warning(code, format!("{what}{more}")).hint(hint)
}

#[cfg(test)]
mod tests {
    use crate::diag::Sink;
    use crate::source::SourceMap;
    use crate::world::BookPath;

    /// The short form of every lint warning for `text`: `line:col code`.
    fn lint(text: &str) -> Vec<String> {
        let mut sources = SourceMap::new();
        let file = sources.add("chapters/01.md", text.to_string());
        let mut sink = Sink::new();
        let parsed = crate::markdown::parse(
            sources.get(file),
            file,
            BookPath::parse("chapters/01.md").unwrap(),
            "01".to_string(),
            &mut sink,
        );
        let mut sink = Sink::new();
        super::chapter(&parsed.chapter, &sources, &mut sink);
        sink.into_vec()
            .iter()
            .map(|d| {
                let Some(crate::diag::Location::Span(span)) = &d.location else {
                    panic!("no span: {d:?}");
                };
                let (_, at) = sources.locate(*span);
                format!("{}:{} {} {}", at.line, at.column, d.code, d.message)
            })
            .collect()
    }

    #[test]
    fn a_quote_smart_punctuation_could_not_pair_is_flagged_at_the_character() {
        // Feet and inches: the `"` has no partner, so it would be set as
        // an opening quote after the 2.
        let found = lint("# T\n\nHe was 6'2\" tall.\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("3:11 text-straight-quote"),
            "{found:?}"
        );
        // A closing quote whose opening one is missing.
        let found = lint("# T\n\nIt ends \u{2014} here.\"\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("3:16 text-straight-quote"),
            "{found:?}"
        );
    }

    #[test]
    fn quotes_typed_as_entities_are_flagged() {
        let found = lint("# T\n\nA &quot;scraped&quot; word, &#39;too.\n");
        assert_eq!(
            found,
            [
                "3:3 text-straight-quote a straight quote, typed as an entity, is left in the text (and 2 more times in this block)"
            ]
        );
    }

    #[test]
    fn curled_and_escaped_quotes_are_not_flagged() {
        assert_eq!(
            lint("# T\n\n\"Yes,\" she said -- 'it's mine...' \"(Really?)\"\n"),
            Vec::<String>::new()
        );
        assert_eq!(lint("# T\n\nThe key is \\\" here.\n"), Vec::<String>::new());
        assert_eq!(
            lint("# T\n\nCode `\"a\"  b\\c` is not text.\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn double_spaces_between_words_are_flagged_once_per_block() {
        let found = lint("# T\n\nOne.  Two.  Three.\n\nFine here.\n\n- An  item\n");
        assert_eq!(
            found,
            [
                "3:5 text-double-space two or more spaces between words (and once more in this block)",
                "7:5 text-double-space two or more spaces between words",
            ]
        );
    }

    #[test]
    fn a_hard_break_is_not_a_double_space() {
        assert_eq!(lint("# T\n\nLine one  \nline two\n"), Vec::<String>::new());
    }

    #[test]
    fn glued_backslashes_are_flagged_in_headings_notes_and_tables() {
        let found = lint(
            "# The\\Title\n\nText.[^1]\n\n| a | b |\n|---|---|\n| x\\y | z |\n\n[^1]: A\\note.\n",
        );
        let codes: Vec<&str> = found.iter().map(|f| f.split(' ').next().unwrap()).collect();
        assert_eq!(codes, ["1:6", "7:4", "9:8"], "{found:?}");
        assert!(found.iter().all(|f| f.contains("text-glued-backslash")));
    }

    #[test]
    fn a_path_or_an_escaped_backslash_is_not_flagged() {
        assert_eq!(
            lint("# T\n\nIn C:\\\\ and a \\\\ b.\n"),
            Vec::<String>::new()
        );
    }
}
