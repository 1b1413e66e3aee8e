//! Writing the imported chapter: YAML front matter and Markdown.
//!
//! **In:** the chapter's title, its heading, its repaired blocks and the
//! source record. **Out:** the text of a chapter file that quire's own
//! Markdown reader reads back to the same words: every character that
//! Markdown would take for markup is escaped where it would be taken so.
//! **Must not:** change a word.

use crate::model::SourceRecord;

use super::page::{Block, Kind, Run};

/// The chapter file's text.
pub fn chapter(
    title: Option<&str>,
    heading: Option<&str>,
    blocks: &[Block],
    source: &SourceRecord,
) -> String {
    let mut out = String::from("---\n");
    if let Some(title) = title {
        out.push_str(&format!("title: {}\n", yaml(title)));
    }
    out.push_str("source:\n");
    let fields: [(&str, Option<&str>); 11] = [
        ("title", source.title.as_deref()),
        ("url", source.url.as_deref()),
        ("site", source.site.as_deref()),
        ("author", source.author.as_deref()),
        ("publisher", source.publisher.as_deref()),
        ("published", source.published.as_deref()),
        ("accessed", source.accessed.as_deref()),
        ("rights", source.rights.as_deref()),
        ("file", source.file.as_ref().map(|f| f.as_str())),
        ("sha256", source.sha256.as_deref()),
        ("notes", source.notes.as_deref()),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            out.push_str(&format!("  {key}: {}\n", yaml(value)));
        }
    }
    out.push_str("---\n\n");
    if let Some(heading) = heading {
        out.push_str("# ");
        out.push_str(&inline(&[Run::plain(heading)], false));
        out.push_str("\n\n");
    }
    // Headings inside the article go one level below the chapter's.
    let top = blocks
        .iter()
        .filter_map(|b| match b.kind {
            Kind::Heading(level) => Some(level),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let mut previous: Option<Kind> = None;
    for block in blocks {
        // Blocks are separated by a blank line; a quotation keeps its
        // marker on the blank line so consecutive quoted paragraphs stay
        // one quotation.
        if let (Some(Kind::Quote(a)), Kind::Quote(b)) = (previous, block.kind) {
            out.push_str(&">".repeat(a.min(b) as usize));
            out.push('\n');
        } else if previous.is_some() {
            out.push('\n');
        }
        match block.kind {
            Kind::Paragraph => {
                out.push_str(&inline(&block.runs, true));
                out.push('\n');
            }
            Kind::Heading(level) => {
                let level = (level + 2).saturating_sub(top).clamp(2, 6) as usize;
                out.push_str(&"#".repeat(level));
                out.push(' ');
                out.push_str(&inline(&block.runs, false).replace('\n', " "));
                out.push('\n');
            }
            Kind::Quote(depth) => {
                let prefix = format!("{} ", ">".repeat(depth as usize));
                for line in inline(&block.runs, true).lines() {
                    out.push_str(&prefix);
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Kind::Item { depth, ordered } => {
                let indent = "   ".repeat(depth.saturating_sub(1) as usize);
                let marker = if ordered { "1. " } else { "- " };
                for (i, line) in inline(&block.runs, false).lines().enumerate() {
                    out.push_str(&indent);
                    out.push_str(if i == 0 { marker } else { "   " });
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Kind::Code => {
                let text: String = block.runs.iter().map(|r| r.text.as_str()).collect();
                let text = text.trim_matches('\n');
                let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
                out.push_str(&format!("{fence}\n{text}\n{fence}\n"));
            }
        }
        previous = Some(block.kind);
    }
    collapse_lists(&out)
}

/// Items of one list written one after another, without the blank line
/// between them (a tight list, as the page showed it).
fn collapse_lists(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        let is_item = |l: &str| {
            let l = l.trim_start();
            l.starts_with("- ") || l.starts_with("1. ")
        };
        if line.is_empty()
            && i > 0
            && i + 1 < lines.len()
            && is_item(lines[i - 1])
            && is_item(lines[i + 1])
        {
            continue;
        }
        out.push_str(line);
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

/// A YAML double-quoted scalar.
pub fn yaml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The runs of a block as Markdown inline text. `block_start` says the
/// text opens a block, where `#`, `>`, `-` and `1.` would be markup.
fn inline(runs: &[Run], block_start: bool) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < runs.len() {
        let run = &runs[i];
        if run.line_break {
            if !out.is_empty() && i + 1 < runs.len() {
                out.push_str("\\\n");
            }
            i += 1;
            continue;
        }
        // A link spans the runs that share it.
        if let Some(url) = &run.link {
            let mut end = i;
            while end < runs.len() && runs[end].link.as_ref() == Some(url) && !runs[end].line_break
            {
                end += 1;
            }
            let unlinked: Vec<Run> = runs[i..end]
                .iter()
                .map(|r| Run {
                    link: None,
                    ..r.clone()
                })
                .collect();
            let text = inline(&unlinked, false);
            if text.trim().is_empty() {
                out.push_str(&text);
            } else {
                out.push('[');
                out.push_str(&text);
                out.push_str("](");
                out.push_str(&destination(url));
                out.push(')');
            }
            i = end;
            continue;
        }
        let at_start = block_start && out.is_empty();
        out.push_str(&styled(run, at_start));
        i += 1;
    }
    out
}

/// One run with its emphasis or code marks, spaces kept outside them.
fn styled(run: &Run, at_start: bool) -> String {
    let text = run.text.as_str();
    let core = text.trim();
    if core.is_empty() {
        return text.to_string();
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    let body = if run.code {
        let ticks = "`".repeat(longest_run(core, '`') + 1);
        let pad = if core.starts_with('`') || core.ends_with('`') {
            " "
        } else {
            ""
        };
        format!("{ticks}{pad}{core}{pad}{ticks}")
    } else {
        let escaped = escape(core, at_start && lead.is_empty());
        match (run.em, run.strong) {
            (true, true) => format!("***{escaped}***"),
            (false, true) => format!("**{escaped}**"),
            (true, false) => format!("*{escaped}*"),
            (false, false) => escaped,
        }
    };
    format!("{lead}{body}{trail}")
}

/// A link destination, in angle brackets when it has spaces or brackets.
fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

fn longest_run(text: &str, of: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for c in text.chars() {
        if c == of {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// Escapes what Markdown would read as markup in plain text.
pub fn escape(text: &str, block_start: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' => true,
            // Intraword underscores and tildes are not emphasis.
            '_' | '~' => {
                !(previous.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric))
            }
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => {
                // Only where it would start a character reference.
                let rest: String = chars[i + 1..].iter().take(33).collect();
                rest.find(';').is_some_and(|end| {
                    let name = &rest[..end];
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '#')
                })
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    if block_start {
        out = escape_block_start(out);
    }
    out
}

/// Escapes a line start that would open a block: a heading, a quotation,
/// a list item, a rule, a table.
fn escape_block_start(text: String) -> String {
    let first = text.chars().next();
    match first {
        Some('#' | '>' | '+' | '|' | '=') => return format!("\\{text}"),
        Some('-') if text.chars().nth(1).is_none_or(|c| c == ' ' || c == '-') => {
            return format!("\\{text}");
        }
        _ => {}
    }
    // `1. ` or `1) `: a numbered list item.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &text[digits..];
        if (rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")")
            && let Some(mark) = rest.chars().next()
        {
            return format!("{}\\{mark}{}", &text[..digits], &rest[1..]);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_where_they_would_be_markup() {
        assert_eq!(
            escape("a *b* [c] snake_case _x_ C:\\dir", false),
            "a \\*b\\* \\[c\\] snake_case \\_x\\_ C:\\\\dir"
        );
        assert_eq!(escape("6. Formation", true), "6\\. Formation");
        assert_eq!(escape("1942. It was", true), "1942\\. It was");
        assert_eq!(escape("1942 was", true), "1942 was");
        assert_eq!(escape("# not a heading", true), "\\# not a heading");
        assert_eq!(escape("- not an item", true), "\\- not an item");
        assert_eq!(escape("-30 degrees", true), "-30 degrees");
        assert_eq!(escape("AT&T &amp; <b>", false), "AT&T \\&amp; \\<b>");
        assert_eq!(escape("x < y", false), "x < y");
    }

    #[test]
    fn yaml_scalars_are_quoted() {
        assert_eq!(yaml("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(yaml("회고록: 《세기》"), "\"회고록: 《세기》\"");
    }

    #[test]
    fn runs_keep_spaces_outside_emphasis_and_links() {
        let runs = vec![
            Run::plain("See "),
            Run {
                text: "the page ".into(),
                em: true,
                link: Some("https://x.org/a b".into()),
                ..Run::default()
            },
            Run::plain("now."),
        ];
        assert_eq!(
            inline(&runs, true),
            "See [*the page* ](<https://x.org/a b>)now."
        );
    }
}
