//! A saved HTML page as blocks.
//!
//! **In:** the text of an HTML page (as a browser saves it: `<head>` with
//! its meta tags, a body of site furniture around one article). **Out:** a
//! [`Page`]: the title, what the head said ([`Meta`]) and the blocks of the
//! body in reading order, each marked with the landmark it sat in
//! (`<article>`, `<nav>`, `<footer>`, the comments …). **Must not:** judge
//! which blocks are the article (that is `import::article`), or run
//! scripts, fetch anything, or lose the text of an element it does not
//! know: unknown elements are read for their text.
//!
//! The tree is kept as a stack of open elements, closed leniently (an end
//! tag closes up to its open element, and one that matches nothing is
//! ignored), which is enough for the pages browsers save.

use crate::html::{BLOCK_ELEMENTS as BLOCKS, StartTag, TokenKind, tokenize};

use super::page::{Block, Kind, Located, Meta, Page, Run, Zone};

/// Elements whose content is never text of the page.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "button", "select", "textarea",
    "iframe", "object", "canvas", "video", "audio", "map",
];

/// Elements without content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// One open element.
#[derive(Debug)]
struct Open {
    name: String,
    zone: Option<Zone>,
    skip: bool,
    link: Option<String>,
}

/// Reads an HTML page.
pub fn read(text: &str) -> Page {
    let mut reader = Reader {
        text,
        page: Page::default(),
        stack: Vec::new(),
        runs: Vec::new(),
        block_line: 0,
        line: 1,
        counted: 0,
        in_title: false,
        title: String::new(),
        title_line: 0,
        pre: 0,
        json_ld: false,
    };
    for token in tokenize(text) {
        reader.advance_to(token.range.start);
        match token.kind {
            TokenKind::Start(tag) => reader.start(&tag),
            TokenKind::End(name) => reader.end(&name),
            TokenKind::Text(text) => reader.text(&text),
            TokenKind::Comment(comment) => reader.comment(comment),
            TokenKind::Other(_) => {}
        }
    }
    reader.flush();
    let title = reader
        .title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !title.is_empty() {
        reader.page.title = Some(Located {
            text: title,
            line: reader.title_line,
        });
    }
    reader.page
}

struct Reader<'a> {
    text: &'a str,
    page: Page,
    stack: Vec<Open>,
    /// The runs of the block being read.
    runs: Vec<Run>,
    /// The line the block being read starts on.
    block_line: usize,
    /// The line at byte `counted`.
    line: usize,
    counted: usize,
    in_title: bool,
    title: String,
    title_line: usize,
    /// Depth of `<pre>`.
    pre: usize,
    /// Inside a JSON-LD script.
    json_ld: bool,
}

impl Reader<'_> {
    /// Moves the line count to byte `offset`.
    fn advance_to(&mut self, offset: usize) {
        if offset > self.counted {
            let slice = self.text.get(self.counted..offset).unwrap_or("");
            self.line += slice.bytes().filter(|&b| b == b'\n').count();
            self.counted = offset;
        }
    }

    fn skipping(&self) -> bool {
        self.stack.iter().any(|open| open.skip)
    }

    fn zone(&self) -> Zone {
        // The innermost landmark decides, except that comments and
        // furniture inside an article stay furniture.
        let mut zone = Zone::Unknown;
        for open in &self.stack {
            if let Some(z) = open.zone {
                zone = match (zone, z) {
                    (
                        Zone::Comments | Zone::Widget | Zone::Navigation | Zone::Aside,
                        Zone::Article,
                    ) => zone,
                    // An article's own header holds its title.
                    (Zone::Article, Zone::Header) => zone,
                    _ => z,
                };
            }
        }
        zone
    }

    fn has(&self, name: &str) -> bool {
        self.stack.iter().any(|open| open.name == name)
    }

    fn depth(&self, names: &[&str]) -> u8 {
        self.stack
            .iter()
            .filter(|open| names.contains(&open.name.as_str()))
            .count()
            .min(9) as u8
    }

    fn link(&self) -> Option<String> {
        self.stack.iter().rev().find_map(|open| open.link.clone())
    }

    fn start(&mut self, tag: &StartTag<'_>) {
        let name = tag.name.as_str();
        match name {
            "title" if !self.has("svg") => {
                self.in_title = true;
                self.title_line = self.line;
                return;
            }
            "meta" => {
                self.meta(tag);
                return;
            }
            "link" => {
                if tag.get("rel").is_some_and(|rel| {
                    rel.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                }) && let Some(href) = tag.get("href")
                {
                    self.page
                        .meta
                        .url
                        .get_or_insert_with(|| href.trim().to_string());
                }
                return;
            }
            "html" => {
                if let Some(lang) = tag.get("lang") {
                    self.page.meta.lang = Some(lang.trim().to_string());
                }
                return;
            }
            "time" => {
                if let Some(when) = tag.get("datetime")
                    && self.zone() == Zone::Article
                {
                    self.page
                        .meta
                        .published
                        .get_or_insert_with(|| when.trim().to_string());
                }
            }
            "script" if tag.get("type") == Some("application/ld+json") => self.json_ld = true,
            _ => {}
        }
        if name == "br" {
            if !self.skipping() {
                self.runs.push(Run {
                    line_break: true,
                    ..Run::default()
                });
            }
            return;
        }
        if name == "img" {
            if !self.skipping()
                && let Some(alt) = tag.get("alt").map(str::trim).filter(|alt| !alt.is_empty())
            {
                self.push_text(&format!("[{alt}]"));
            }
            return;
        }
        if BLOCKS.contains(&name) {
            self.flush();
            // A `<p>` left open ends where any block starts; an `<li>`,
            // `<dt>` or `<dd>` at the next item of its list.
            let closes: &[&str] = match name {
                "li" => &["li"],
                "dt" | "dd" => &["dt", "dd"],
                _ => &["p"],
            };
            if let Some(at) = self
                .stack
                .iter()
                .rposition(|open| closes.contains(&open.name.as_str()))
                && !self.stack[at + 1..]
                    .iter()
                    .any(|open| BLOCKS.contains(&open.name.as_str()))
            {
                for open in self.stack.drain(at..) {
                    if open.name == "pre" {
                        self.pre = self.pre.saturating_sub(1);
                    }
                }
            }
        }
        if VOID.contains(&name) || tag.self_closing {
            return;
        }
        if name == "pre" {
            self.pre += 1;
        }
        let link = (name == "a")
            .then(|| tag.get("href").map(|h| h.trim().to_string()))
            .flatten()
            .filter(|href| {
                !href.is_empty() && !href.starts_with('#') && !href.starts_with("javascript:")
            });
        self.stack.push(Open {
            name: name.to_string(),
            zone: zone_of(tag),
            skip: SKIPPED.contains(&name) || tag.get("hidden").is_some() || hidden_style(tag),
            link,
        });
    }

    fn end(&mut self, name: &str) {
        if name == "title" {
            self.in_title = false;
            return;
        }
        if name == "script" {
            self.json_ld = false;
        }
        let Some(at) = self.stack.iter().rposition(|open| open.name == name) else {
            return;
        };
        if BLOCKS.contains(&name) {
            self.flush();
        }
        for open in self.stack.drain(at..) {
            if open.name == "pre" {
                self.pre = self.pre.saturating_sub(1);
            }
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_title {
            self.title.push_str(text);
            return;
        }
        if self.json_ld {
            json_ld(text, &mut self.page.meta);
            return;
        }
        if self.skipping() || self.stack.is_empty() && text.trim().is_empty() {
            return;
        }
        self.push_text(text);
    }

    fn push_text(&mut self, text: &str) {
        if self.runs.iter().all(|run| run.text.trim().is_empty()) {
            self.block_line = self.line
                + text
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .filter(|&c| c == '\n')
                    .count();
        }
        let mut run = Run {
            text: if self.pre > 0 {
                text.to_string()
            } else {
                collapse(text)
            },
            link: self.link(),
            ..Run::default()
        };
        for open in &self.stack {
            match open.name.as_str() {
                "em" | "i" | "cite" | "dfn" | "var" => run.em = true,
                "strong" | "b" => run.strong = true,
                "code" | "kbd" | "samp" | "tt" => run.code = true,
                _ => {}
            }
        }
        if self.pre > 0 {
            run.code = false;
        }
        self.runs.push(run);
    }

    fn comment(&mut self, comment: &str) {
        // Browsers mark a saved page with where it came from:
        // `<!-- saved from url=(0042)https://… -->`.
        if let Some(rest) = comment.trim().strip_prefix("saved from url=") {
            let url = rest.trim_start_matches(|c: char| c == '(' || c.is_ascii_digit() || c == ')');
            if !url.is_empty() {
                self.page
                    .meta
                    .saved_from
                    .get_or_insert_with(|| url.trim().to_string());
            }
        }
    }

    fn meta(&mut self, tag: &StartTag<'_>) {
        let key = tag
            .get("property")
            .or_else(|| tag.get("name"))
            .or_else(|| tag.get("itemprop"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(content) = tag.get("content").map(str::trim).filter(|c| !c.is_empty()) else {
            return;
        };
        let meta = &mut self.page.meta;
        let slot = match key.as_str() {
            "og:title" | "twitter:title" | "headline" => &mut meta.title,
            "og:site_name" | "application-name" => &mut meta.site,
            "author" | "article:author" | "dc.creator" | "dcterms.creator" => &mut meta.author,
            "article:published_time"
            | "datepublished"
            | "date"
            | "dc.date"
            | "dcterms.created"
            | "pubdate" => &mut meta.published,
            "og:url" => &mut meta.url,
            "copyright" | "dcterms.rights" | "dc.rights" | "rights" => &mut meta.rights,
            _ => return,
        };
        slot.get_or_insert_with(|| content.to_string());
    }

    /// Ends the block being read, if it has any text.
    fn flush(&mut self) {
        let runs = std::mem::take(&mut self.runs);
        if runs.iter().all(|run| run.text.trim().is_empty()) {
            return;
        }
        let kind = if self.pre > 0 {
            Kind::Code
        } else if let Some(level) = self
            .stack
            .iter()
            .rev()
            .find_map(|open| {
                open.name
                    .strip_prefix('h')
                    .and_then(|n| n.parse::<u8>().ok())
            })
            .filter(|level| (1..=6).contains(level))
        {
            Kind::Heading(level)
        } else if self.has("li") {
            Kind::Item {
                depth: self.depth(&["ul", "ol"]).max(1),
                ordered: self
                    .stack
                    .iter()
                    .rev()
                    .find(|open| open.name == "ul" || open.name == "ol")
                    .is_some_and(|open| open.name == "ol"),
            }
        } else if self.has("blockquote") {
            Kind::Quote(self.depth(&["blockquote"]))
        } else {
            Kind::Paragraph
        };
        let runs = if kind == Kind::Code {
            runs
        } else {
            trim_runs(runs)
        };
        self.page.blocks.push(Block {
            kind,
            runs,
            line: self.block_line.max(1),
            zone: self.zone(),
        });
    }
}

/// Collapses white space as HTML does (any run of it is one space).
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_ascii_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Drops the spaces at the start and end of a block, and doubled spaces
/// where two runs meet.
fn trim_runs(runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    for mut run in runs {
        if run.line_break {
            if let Some(last) = out.last_mut() {
                let trimmed = last.text.trim_end().len();
                last.text.truncate(trimmed);
            }
            out.push(run);
            continue;
        }
        let after_space = out
            .last()
            .is_none_or(|last| last.line_break || last.text.ends_with(' '));
        if after_space {
            run.text = run.text.trim_start().to_string();
        }
        if !run.text.is_empty() {
            out.push(run);
        }
    }
    while out.last().is_some_and(|run| run.line_break) {
        out.pop();
    }
    if let Some(last) = out.last_mut() {
        let trimmed = last.text.trim_end().len();
        last.text.truncate(trimmed);
    }
    out.retain(|run| run.line_break || !run.text.is_empty());
    out
}

/// The landmark an element opens, from its name, role, id and class.
fn zone_of(tag: &StartTag<'_>) -> Option<Zone> {
    let role = tag.get("role").unwrap_or("").to_ascii_lowercase();
    let names = format!(
        "{} {}",
        tag.get("id").unwrap_or(""),
        tag.get("class").unwrap_or("")
    )
    .to_ascii_lowercase();
    let named = |words: &[&str]| {
        names
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| words.contains(&word))
    };
    let contains = |parts: &[&str]| parts.iter().any(|part| names.contains(part));
    match tag.name.as_str() {
        "nav" | "menu" => return Some(Zone::Navigation),
        "aside" => return Some(Zone::Aside),
        "form" => return Some(Zone::Widget),
        _ => {}
    }
    if contains(&["comment", "disqus", "respond", "reply"]) || named(&["replies"]) {
        return Some(Zone::Comments);
    }
    if tag
        .get("itemprop")
        .is_some_and(|p| p.eq_ignore_ascii_case("articleBody"))
        || contains(&[
            "entry-content",
            "post-content",
            "article-body",
            "article-content",
            "post-body",
            "story-body",
            "articlebody",
            "bo_v_con",
        ])
    {
        return Some(Zone::Article);
    }
    match role.as_str() {
        "navigation" | "menu" | "menubar" => return Some(Zone::Navigation),
        "banner" => return Some(Zone::Header),
        "contentinfo" => return Some(Zone::Footer),
        "complementary" => return Some(Zone::Aside),
        "main" | "article" => return Some(Zone::Article),
        _ => {}
    }
    match tag.name.as_str() {
        "article" | "main" => return Some(Zone::Article),
        "header" => return Some(Zone::Header),
        "footer" => return Some(Zone::Footer),
        _ => {}
    }
    if named(&[
        "nav",
        "navbar",
        "menu",
        "breadcrumb",
        "breadcrumbs",
        "gnb",
        "lnb",
        "skip",
        "pagination",
    ]) {
        return Some(Zone::Navigation);
    }
    if named(&[
        "sidebar",
        "widget",
        "related",
        "recommended",
        "popular",
        "ads",
        "advert",
        "banner",
    ]) {
        return Some(Zone::Aside);
    }
    if contains(&["share", "social"]) || named(&["sharing", "sns", "toolbar", "print", "scrap"]) {
        return Some(Zone::Widget);
    }
    if named(&["footer", "copyright", "site-footer"]) {
        return Some(Zone::Footer);
    }
    if named(&["header", "masthead", "site-header", "topbar"]) {
        return Some(Zone::Header);
    }
    None
}

/// `style="display:none"` and the like.
fn hidden_style(tag: &StartTag<'_>) -> bool {
    tag.get("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

/// Picks the few fields quire records out of a JSON-LD block, without a
/// JSON parser: `"headline"`, `"datePublished"`, and an author's `"name"`.
fn json_ld(text: &str, meta: &mut Meta) {
    let field = |key: &str| -> Option<String> {
        let at = text.find(&format!("\"{key}\""))?;
        let rest = text[at + key.len() + 2..]
            .trim_start()
            .strip_prefix(':')?
            .trim_start();
        let rest = rest.strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(value),
                '\\' => match chars.next()? {
                    'n' => value.push(' '),
                    other => value.push(other),
                },
                other => value.push(other),
            }
        }
        None
    };
    if meta.title.is_none() {
        meta.title = field("headline");
    }
    if meta.published.is_none() {
        meta.published = field("datePublished");
    }
    if meta.author.is_none()
        && let Some(at) = text.find("\"author\"")
    {
        let rest = &text[at..];
        if let Some(name_at) = rest.find("\"name\"") {
            let sub = &rest[name_at + 6..];
            if let Some(value) = sub
                .trim_start()
                .strip_prefix(':')
                .map(str::trim_start)
                .and_then(|s| s.strip_prefix('"'))
                .and_then(|s| s.split('"').next())
            {
                meta.author = Some(value.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landmarks_kinds_and_styles() {
        let page = read(
            "<!DOCTYPE html>\n<html lang=en><head><title>A Post | Site</title>\n\
             <meta property=og:site_name content='The Site'>\n\
             <link rel=canonical href='https://example.org/post'>\n</head>\n<body>\n\
             <nav><a href='/'>Home</a></nav>\n\
             <article>\n<h1>The Title</h1>\n<p>Some <em>fine</em> text with <a href='https://x.org'>a link</a>.<p>Next\n paragraph.\n\
             <blockquote><p>Quoted.</p></blockquote><ul><li>one<li>two</ul>\n\
             <pre>code  line\n  two</pre><script>var x = '<p>no</p>';</script></article>\n\
             <section id=comments><p>Nice post!</p></section>\n<footer>© 2024 Someone</footer></body></html>",
        );
        assert_eq!(page.title.as_ref().unwrap().text, "A Post | Site");
        assert_eq!(page.meta.site.as_deref(), Some("The Site"));
        assert_eq!(page.meta.url.as_deref(), Some("https://example.org/post"));
        assert_eq!(page.meta.lang.as_deref(), Some("en"));
        let shown: Vec<(Kind, Zone, String)> = page
            .blocks
            .iter()
            .map(|b| (b.kind, b.zone, b.text()))
            .collect();
        assert_eq!(
            shown,
            [
                (Kind::Paragraph, Zone::Navigation, "Home".to_string()),
                (Kind::Heading(1), Zone::Article, "The Title".to_string()),
                (
                    Kind::Paragraph,
                    Zone::Article,
                    "Some fine text with a link.".to_string()
                ),
                (
                    Kind::Paragraph,
                    Zone::Article,
                    "Next paragraph.".to_string()
                ),
                (Kind::Quote(1), Zone::Article, "Quoted.".to_string()),
                (
                    Kind::Item {
                        depth: 1,
                        ordered: false
                    },
                    Zone::Article,
                    "one".to_string()
                ),
                (
                    Kind::Item {
                        depth: 1,
                        ordered: false
                    },
                    Zone::Article,
                    "two".to_string()
                ),
                (Kind::Code, Zone::Article, "code  line\n  two".to_string()),
                (Kind::Paragraph, Zone::Comments, "Nice post!".to_string()),
                (Kind::Paragraph, Zone::Footer, "© 2024 Someone".to_string()),
            ]
        );
        let runs = &page.blocks[2].runs;
        assert!(runs[1].em && runs[1].text == "fine");
        assert_eq!(runs[3].link.as_deref(), Some("https://x.org"));
        assert_eq!(page.blocks[1].line, 9);
        assert_eq!(page.blocks[3].line, 10);
    }

    #[test]
    fn saved_from_and_json_ld() {
        let page = read(
            "<!-- saved from url=(0030)https://example.org/a/b -->\n<html><head>\
             <script type=\"application/ld+json\">{\"@type\":\"Article\",\"headline\":\"Head \\\"line\\\"\",\
             \"datePublished\":\"2021-02-03T04:05:06Z\",\"author\":{\"@type\":\"Person\",\"name\":\"Ann Lee\"}}</script>\
             </head><body><p>x</p></body></html>",
        );
        assert_eq!(
            page.meta.saved_from.as_deref(),
            Some("https://example.org/a/b")
        );
        assert_eq!(page.meta.title.as_deref(), Some("Head \"line\""));
        assert_eq!(page.meta.published.as_deref(), Some("2021-02-03T04:05:06Z"));
        assert_eq!(page.meta.author.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn broken_markup_keeps_its_text() {
        let page = read("<div><p>one <b>two</p><span>three</div></i></p>four<p");
        let text: Vec<String> = page.blocks.iter().map(Block::text).collect();
        assert_eq!(text, ["one two", "three", "four<p"]);
    }
}
