//! A saved page as blocks: what the readers make and the later stages use.
//!
//! **In:** the text of a page saved as plain text (a browser's "save as
//! text", a copy and paste) for [`read_text`]; the HTML reader is
//! `import::html`. **Out:** a [`Page`]: the page's title line, what its
//! `<head>` said, and its blocks in reading order, each with the line it
//! starts on in the original, its kind and where in the page's structure
//! it sat. **Must not:** decide what is the article or change any text
//! beyond splitting it into blocks: lines are joined only where a line was
//! cut inside a sentence, and each join is counted for the report.

/// A saved page, read.
#[derive(Debug, Default)]
pub struct Page {
    /// The page's title (`<title>`, or a plain text page's first line
    /// when it reads like one: "Post › Site").
    pub title: Option<Located>,
    /// What the page's markup said about itself.
    pub meta: Meta,
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
    /// Lines joined because one was cut inside a sentence: the line
    /// numbers where the cut was.
    pub joined: Vec<usize>,
}

/// A text and the line it was found on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The text.
    pub text: String,
    /// Its line in the original.
    pub line: usize,
}

/// What an HTML page's `<head>` (and its markup) said.
#[derive(Debug, Default, Clone)]
pub struct Meta {
    /// `og:title`, `twitter:title`, or the headline of the JSON-LD.
    pub title: Option<String>,
    /// `og:site_name`, `application-name`.
    pub site: Option<String>,
    /// `author`, `article:author`.
    pub author: Option<String>,
    /// `article:published_time`, `date`, a `<time datetime>` in the article.
    pub published: Option<String>,
    /// `<link rel=canonical>` or `og:url`.
    pub url: Option<String>,
    /// The address a browser noted when it saved the page
    /// (`<!-- saved from url=… -->`).
    pub saved_from: Option<String>,
    /// `copyright`, `dcterms.rights`.
    pub rights: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
}

/// One block of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// What kind of block.
    pub kind: Kind,
    /// Its text, as runs of one style.
    pub runs: Vec<Run>,
    /// The line of the original it starts on (1-based).
    pub line: usize,
    /// Where in the page's structure it sat (HTML only; plain text is
    /// all [`Zone::Unknown`]).
    pub zone: Zone,
}

/// Kinds of block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A paragraph.
    Paragraph,
    /// A heading of this level (1–6).
    Heading(u8),
    /// A paragraph in a quotation (nesting depth ≥ 1).
    Quote(u8),
    /// A list item: nesting depth (1 = outermost) and whether numbered.
    Item {
        /// Nesting depth, from 1.
        depth: u8,
        /// A numbered list.
        ordered: bool,
    },
    /// Preformatted text, kept as it is.
    Code,
}

/// Where a block sat in an HTML page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// No structure says (plain text, or HTML outside any landmark).
    Unknown,
    /// Inside `<article>`, `<main>` or an element its class marks as the
    /// post's content.
    Article,
    /// `<nav>`, or a menu.
    Navigation,
    /// `<header>` or a banner.
    Header,
    /// `<footer>`.
    Footer,
    /// `<aside>`, a sidebar, a list of related posts.
    Aside,
    /// The comments.
    Comments,
    /// A form, a share bar, buttons.
    Widget,
}

/// Text of one style.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Run {
    /// The text (no Markdown in it).
    pub text: String,
    /// Emphasis.
    pub em: bool,
    /// Strong emphasis.
    pub strong: bool,
    /// Code.
    pub code: bool,
    /// The link it is in.
    pub link: Option<String>,
    /// A hard line break (the text is empty).
    pub line_break: bool,
}

impl Run {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            ..Run::default()
        }
    }
}

impl Block {
    /// The block's text, runs joined (a line break as a space).
    pub fn text(&self) -> String {
        let mut text = String::new();
        for run in &self.runs {
            if run.line_break {
                text.push(' ');
            } else {
                text.push_str(&run.text);
            }
        }
        text
    }

    /// How many characters of the block are inside links.
    pub fn link_chars(&self) -> usize {
        self.runs
            .iter()
            .filter(|run| run.link.is_some())
            .map(|run| run.text.chars().count())
            .sum()
    }
}

/// Whether a line ends a sentence (or a clause that may end a line:
/// a colon before a quotation).
pub fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end();
    trimmed.chars().next_back().is_none_or(|c| {
        matches!(
            c,
            '.' | '!'
                | '?'
                | ':'
                | ';'
                | '…'
                | '"'
                | '”'
                | '’'
                | '\''
                | ')'
                | ']'
                | '»'
                | '。'
                | '！'
                | '？'
                | '」'
                | '』'
        )
    })
}

/// Whether a line starts the way only the rest of a sentence starts: a
/// lower-case letter, or a comma, closing bracket or dash.
pub fn continues_sentence(text: &str) -> bool {
    text.trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || matches!(c, ',' | ';' | ')' | ']' | '—' | '–'))
}

/// Whether a character belongs to a script written without letter case
/// and with wide characters (Hangul, Han, kana).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Reads a page saved as plain text.
///
/// Lines separated by blank lines are separate blocks. Lines without a
/// blank between them are one block when they read as one: a line cut
/// inside a sentence (the next starts in lower case, or the block is hard
/// wrapped at a fixed width); otherwise each line is its own block (a list
/// of links, a footer). The first line is the page's title when it reads
/// like one ("Post > Site", "Post | Site").
pub fn read_text(text: &str) -> Page {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut page = Page::default();
    let mut index = 0;
    // Groups of lines with no blank line between them.
    while index < lines.len() {
        if lines[index].trim().is_empty() {
            index += 1;
            continue;
        }
        let start = index;
        while index < lines.len() && !lines[index].trim().is_empty() {
            index += 1;
        }
        group(&lines[start..index], start + 1, &mut page);
    }
    if let Some(first) = page.blocks.first()
        && first.line == 1
        && split_title(&first.text()).is_some()
    {
        let first = page.blocks.remove(0);
        page.title = Some(Located {
            text: first.text(),
            line: 1,
        });
    }
    page
}

/// Makes the blocks of one group of lines (the first is line `first`).
fn group(lines: &[&str], first: usize, page: &mut Page) {
    let wrapped = hard_wrapped(lines);
    let mut current: Option<(String, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        let number = first + i;
        let joins = match &current {
            Some((text, _)) => wrapped || (!ends_sentence(text) && continues_sentence(line)),
            None => false,
        };
        if joins {
            let (text, _) = current.as_mut().expect("a block to join");
            text.push(' ');
            text.push_str(line.trim());
            page.joined.push(number - 1);
        } else {
            if let Some((text, line)) = current.take() {
                page.blocks.push(paragraph(text, line));
            }
            current = Some((line.trim_end().to_string(), number));
        }
    }
    if let Some((text, line)) = current {
        page.blocks.push(paragraph(text, line));
    }
}

fn paragraph(text: String, line: usize) -> Block {
    Block {
        kind: Kind::Paragraph,
        runs: vec![Run::plain(text)],
        line,
        zone: Zone::Unknown,
    }
}

/// Whether a group of lines is prose wrapped at a fixed width: three
/// lines or more, every line but the last at least 70 % of the longest,
/// and the longest between 40 and 120 characters.
fn hard_wrapped(lines: &[&str]) -> bool {
    if lines.len() < 3 {
        return false;
    }
    let width = |line: &str| {
        line.trim_end()
            .chars()
            .map(|c| if is_wide(c) { 2 } else { 1 })
            .sum::<usize>()
    };
    let longest = lines.iter().map(|l| width(l)).max().unwrap_or(0);
    (40..=120).contains(&longest)
        && lines[..lines.len() - 1]
            .iter()
            .all(|line| width(line) * 10 >= longest * 7)
}

/// Splits a page title into the post's title and the site's name, when it
/// has the usual separator between them: `Post > Site`, `Post | Site`,
/// `Post - Site`, `Post — Site`, `Post :: Site`, `Post « Site`.
pub fn split_title(title: &str) -> Option<(String, String)> {
    const SEPARATORS: &[&str] = &[
        " > ", " | ", " :: ", " — ", " – ", " - ", " « ", " » ", " · ",
    ];
    for separator in SEPARATORS {
        if let Some(at) = title.rfind(separator) {
            let (post, site) = (title[..at].trim(), title[at + separator.len()..].trim());
            if !post.is_empty() && !site.is_empty() && site.chars().count() <= 80 {
                return Some((post.to_string(), site.to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &Page) -> Vec<String> {
        page.blocks.iter().map(Block::text).collect()
    }

    #[test]
    fn blank_lines_separate_and_cut_sentences_join() {
        let page = read_text(
            "Site > Home\n\nOne paragraph ends here.\n\nThis one was cut in the\nmiddle and goes on.\nA list line\nAnother list line\n",
        );
        assert_eq!(page.title.as_ref().unwrap().text, "Site > Home");
        assert_eq!(
            texts(&page),
            [
                "One paragraph ends here.",
                "This one was cut in the middle and goes on.",
                "A list line",
                "Another list line"
            ]
        );
        assert_eq!(page.joined, [5]);
        assert_eq!(page.blocks[1].line, 5);
        assert_eq!(page.blocks[3].line, 8);
    }

    #[test]
    fn hard_wrapped_prose_is_one_paragraph() {
        let text = "It was the best of times, it was the worst of times, it was\n\
                    the age of wisdom, it was the age of foolishness, it was the\n\
                    epoch of belief, it was the epoch of incredulity. It was the\n\
                    season of Light.\n\nNext.";
        let page = read_text(text);
        assert_eq!(page.blocks.len(), 2);
        assert!(page.blocks[0].text().starts_with("It was the best"));
        assert!(page.blocks[0].text().ends_with("season of Light."));
        assert_eq!(page.joined.len(), 3);
        assert!(page.title.is_none());
    }

    #[test]
    fn titles_split_into_post_and_site() {
        assert_eq!(
            split_title("[Memoir] 6. Formation > 회고록 《세기와 더불어》"),
            Some((
                "[Memoir] 6. Formation".into(),
                "회고록 《세기와 더불어》".into()
            ))
        );
        assert_eq!(
            split_title("A post | The Site"),
            Some(("A post".into(), "The Site".into()))
        );
        assert_eq!(split_title("No separator here"), None);
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("He said so."));
        assert!(ends_sentence("“Movements:"));
        assert!(!ends_sentence("of the military"));
        assert!(continues_sentence("situation in"));
        assert!(!continues_sentence("The next"));
    }
}
