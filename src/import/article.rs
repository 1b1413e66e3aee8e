//! Finding the article in a saved page, and what the page says about it.
//!
//! **In:** a [`Page`] from one of the readers. **Out:** an [`Article`]: its
//! heading, its blocks, the record found around it (post title, site,
//! author, date, rights, address), and every block left out with the
//! reason, so the report can say what was dropped. **Must not:** change the
//! text of a block (repairs come after), or drop a block without saying so.
//!
//! How the article is found:
//! 1. Blocks a landmark puts outside the article (HTML `<nav>`, `<footer>`,
//!    the comments …) are left out. When the page marks its article
//!    (`<article>`, `<main>`, `itemprop=articleBody`), only that is looked in.
//! 2. Lines every site has around a post stop the search: a "skip to
//!    content" link, page information, a byline with a comment count, a
//!    likes counter, "no comments yet", a copyright line, a contact line.
//!    They are read for the record first.
//! 3. Between those stops, the article is the run of blocks with the most
//!    prose: a paragraph of 60 characters or more (Hangul and Han count
//!    double) with a sentence end in it scores its length; anything else
//!    costs a little, so short lines inside an article (a heading, the
//!    first line of a quotation) stay in and a list of links outside it
//!    does not.
//! 4. The article's heading is the nearest title-like line before it that
//!    is not the post's title repeated.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::SourceRecord;

use super::page::{Block, Kind, Located, Page, Zone, ends_sentence, is_wide, split_title};

/// The article and its surroundings.
#[derive(Debug, Default)]
pub struct Article {
    /// The heading the chapter opens with.
    pub heading: Option<Located>,
    /// The article's blocks.
    pub blocks: Vec<Block>,
    /// What was left out, in page order, runs of one reason merged.
    pub dropped: Vec<Dropped>,
    /// What the page said about the post, as written there (title, site,
    /// author, publication date in ISO 8601 when its form was known,
    /// rights and the publisher named in them, address); the fields only
    /// an import knows (file, SHA-256, notes) are left empty.
    pub found: SourceRecord,
}

/// Blocks left out, of one reason, on consecutive lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Why.
    pub reason: Reason,
    /// The first line.
    pub first: usize,
    /// The last line.
    pub last: usize,
    /// How many blocks.
    pub count: usize,
    /// The text of the first (shortened).
    pub example: String,
}

/// Why a block is not in the chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The page's title line.
    PageTitle,
    /// The post's title shown again above the article.
    RepeatedTitle,
    /// The site's name.
    SiteName,
    /// A "skip to content" link.
    SkipLink,
    /// Site navigation or a menu.
    Navigation,
    /// The site's header.
    Header,
    /// Page information: byline, date, views, comment count.
    PageInfo,
    /// A likes or recommendations counter.
    Likes,
    /// Comments, or the line saying there are none.
    Comments,
    /// A list of links to other posts.
    Links,
    /// A sidebar or a related-posts box.
    Sidebar,
    /// A share bar, a form, buttons.
    Widget,
    /// The copyright footer.
    Copyright,
    /// A contact line.
    Contact,
    /// The site's footer.
    Footer,
    /// Other text outside the article.
    Outside,
}

impl Reason {
    /// How the report names it.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::PageTitle => "the page title",
            Reason::RepeatedTitle => "the post title shown again",
            Reason::SiteName => "the site name",
            Reason::SkipLink => "a skip-to-content link",
            Reason::Navigation => "site navigation",
            Reason::Header => "the site header",
            Reason::PageInfo => "page information (byline, date, comment count)",
            Reason::Likes => "a likes counter",
            Reason::Comments => "comments",
            Reason::Links => "a list of links to other posts",
            Reason::Sidebar => "a sidebar",
            Reason::Widget => "share buttons or a form",
            Reason::Copyright => "the copyright footer",
            Reason::Contact => "a contact line",
            Reason::Footer => "the site footer",
            Reason::Outside => "text outside the article",
        }
    }
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid built-in pattern")
}

/// The lines sites put around every post.
static FURNITURE: LazyLock<Vec<(Regex, Reason)>> = LazyLock::new(|| {
    vec![
        (
            regex(
                r"(?i)^(skip (to|navigation)\b.*|jump to (main )?(content|navigation)|본문\s*바로\s*가기|메뉴\s*바로\s*가기|주\s*메뉴\s*바로\s*가기)$",
            ),
            Reason::SkipLink,
        ),
        (
            regex(
                r"(?i)^(페이지\s*정보|page info(rmation)?|post info(rmation)?|article info(rmation)?)$",
            ),
            Reason::PageInfo,
        ),
        (
            // A board's byline: two of author, date, views, comment count.
            regex(
                r"(작성자|작성일|조회\s*\d|댓글\s*\d+\s*건).*(작성자|작성일|조회\s*\d|댓글\s*\d+\s*건)",
            ),
            Reason::PageInfo,
        ),
        (
            regex(
                r"(?i)^((posted|written|published)( by| on)\b.{0,100}|by [\p{Lu}].{0,60}|\d+ (comments?|responses?|replies|views))$",
            ),
            Reason::PageInfo,
        ),
        (
            regex(r"(?i)^(추천|비추천|좋아요|likes?|recommend(ed)?)\s*:?\s*\d+$"),
            Reason::Likes,
        ),
        (
            regex(
                r"(?i)^(등록된 댓글이 없습니다\.?|댓글.{0,20}|no comments( yet)?\.?|leave a (comment|reply)\b.*|\d+ thoughts? on\b.*|comments? \(\d+\)|be the first to comment\b.*)$",
            ),
            Reason::Comments,
        ),
        (
            regex(
                r"(?i)^(share( this)?( (post|article))?:?|tweet|share on \w+|print( this)?|(이전|다음)\s*글.*|목록|previous (post|article)\b.*|next (post|article)\b.*|related (posts|articles):?|tags?:.*|categories?:.*|filed under\b.*)$",
            ),
            Reason::Widget,
        ),
        (
            regex(r"(?i)(copyright\b|[©ⓒ]|\(c\)\s*\d{4}|all rights reserved)"),
            Reason::Copyright,
        ),
        (
            regex(r"(?i)^(e-?mail|tel|phone|fax|contact|주소|전화|이메일)\s*[:.]"),
            Reason::Contact,
        ),
    ]
});

/// The reason a line is site furniture, if it is.
fn furniture(text: &str) -> Option<Reason> {
    let text = text.trim();
    // Furniture is short; a paragraph that mentions a copyright is prose.
    if text.chars().count() > 200 {
        return None;
    }
    FURNITURE
        .iter()
        .find(|(pattern, _)| pattern.is_match(text))
        .map(|(_, reason)| *reason)
}

/// The weight of a text: characters, wide ones counted twice.
fn weight(text: &str) -> usize {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if is_wide(c) { 2 } else { 1 })
        .sum()
}

/// Whether a block reads as a paragraph of prose.
fn is_prose(block: &Block) -> bool {
    if matches!(block.kind, Kind::Heading(_) | Kind::Code) {
        return false;
    }
    let text = block.text();
    let chars = text.chars().count().max(1);
    weight(&text) >= 60 && block.link_chars() * 2 < chars && has_sentence_end(&text)
}

/// Whether a text has a sentence end in it: `.`, `!`, `?` (or their
/// wide forms, or an ellipsis) after a letter or a closing quotation
/// mark, before a space, a closing mark or the end. `6. Formation` and
/// `v1.2` have none.
fn has_sentence_end(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '…')
            && i > 0
            && (chars[i - 1].is_alphabetic() || matches!(chars[i - 1], '”' | '’' | '"' | ')'))
            && chars
                .get(i + 1)
                .is_none_or(|&n| n.is_whitespace() || matches!(n, '”' | '’' | '"' | ')' | '」'))
    })
}

/// The score of a block in the search for the article, or `None` for a
/// line that stops it.
fn score(block: &Block, marked: bool) -> i64 {
    let text = block.text();
    let weight = weight(&text) as i64;
    if is_prose(block) {
        return weight;
    }
    let links = block.link_chars() * 2 > text.chars().count();
    match (marked, block.kind) {
        (_, _) if links => -weight - 10,
        (true, Kind::Heading(_)) => -2,
        (true, _) => -(5 + weight / 8),
        (false, Kind::Heading(_)) => -5,
        (false, _) => -(20 + weight / 4),
    }
}

/// Finds the article in `page`.
pub fn find(page: &Page) -> Article {
    let mut found = SourceRecord {
        url: page
            .meta
            .url
            .clone()
            .or_else(|| page.meta.saved_from.clone()),
        author: page.meta.author.clone(),
        published: page
            .meta
            .published
            .as_deref()
            .map(|d| date(d).unwrap_or_else(|| d.to_string())),
        rights: page.meta.rights.clone(),
        site: page.meta.site.clone(),
        title: page.meta.title.clone(),
        ..SourceRecord::default()
    };
    let split = page
        .title
        .as_ref()
        .and_then(|title| split_title(&title.text));
    if found.title.is_none() {
        found.title = match &split {
            Some((post, _)) => Some(post.clone()),
            None => page.title.as_ref().map(|t| t.text.clone()),
        };
    }
    if found.site.is_none() {
        found.site = split.as_ref().map(|(_, site)| site.clone());
    }

    let blocks = &page.blocks;
    let mut reasons: Vec<Option<Reason>> = blocks.iter().map(|b| zone_reason(b.zone)).collect();
    let marked = blocks.iter().any(|b| b.zone == Zone::Article);
    for (block, reason) in blocks.iter().zip(&mut reasons) {
        if marked && block.zone == Zone::Unknown {
            *reason = Some(Reason::Outside);
        }
        let text = block.text();
        if let Some(furniture) = furniture(&text) {
            read_record(furniture, &text, &mut found);
            // What the line is says more than where it sits.
            if *reason != Some(Reason::Comments) {
                *reason = Some(furniture);
            }
        } else if reason.is_some() {
            // Footers hold the copyright line inside longer text.
            read_record(Reason::Footer, &text, &mut found);
        }
    }
    if let Some(rights) = &found.rights {
        found.publisher = publisher(rights);
    }

    // The best run of candidate blocks between stops.
    let mut best: Option<(i64, usize, usize)> = None;
    let mut run: Option<(i64, usize)> = None;
    for (i, block) in blocks.iter().enumerate() {
        if reasons[i].is_some() {
            run = None;
            continue;
        }
        let s = score(block, marked);
        run = match run {
            Some((sum, start)) if sum > 0 => Some((sum + s, start)),
            _ => Some((s, i)),
        };
        if let Some((sum, start)) = run
            && sum > 0
            && best.is_none_or(|(b, _, _)| sum > b)
        {
            best = Some((sum, start, i));
        }
    }

    let mut article = Article {
        found,
        ..Article::default()
    };
    let Some((_, start, end)) = best else {
        for reason in reasons.iter_mut().filter(|r| r.is_none()) {
            *reason = Some(Reason::Outside);
        }
        article.dropped = merge(blocks, &reasons, &[]);
        return article;
    };
    let mut body_start = start;
    // The heading: the article's own first heading, or the nearest
    // heading or title-like line before it (past a byline), preferring
    // one that is not the post's title repeated.
    let post_title = article.found.title.clone().unwrap_or_default();
    if let Kind::Heading(_) = blocks[start].kind {
        article.heading = Some(located(&blocks[start]));
        body_start = start + 1;
    } else {
        let mut candidates = Vec::new();
        let mut i = start;
        while i > 0 && start - i < 6 {
            i -= 1;
            match reasons[i] {
                Some(Reason::PageInfo | Reason::Likes) => continue,
                None | Some(Reason::Outside) => {}
                Some(_) => break,
            }
            if !title_like(&blocks[i]) {
                break;
            }
            candidates.push(i);
        }
        let chosen = candidates
            .iter()
            .find(|&&i| matches!(blocks[i].kind, Kind::Heading(_)))
            .or_else(|| {
                candidates
                    .iter()
                    .find(|&&i| !same_title(&blocks[i].text(), &post_title))
            })
            .or(candidates.first())
            .copied();
        if let Some(i) = chosen {
            article.heading = Some(located(&blocks[i]));
            reasons[i] = None;
        }
    }
    let heading_line = article.heading.as_ref().map(|h| h.line);
    let mut used = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if (body_start..=end).contains(&i) {
            article.blocks.push(block.clone());
            used.push(i);
        } else if Some(block.line) == heading_line && reasons[i].is_none() {
            used.push(i);
        } else if reasons[i].is_none() {
            let text = block.text();
            let text = text.trim();
            reasons[i] = Some(if same_title(text, &post_title) {
                Reason::RepeatedTitle
            } else if article
                .found
                .site
                .as_deref()
                .is_some_and(|site| site == text)
            {
                Reason::SiteName
            } else if i > end && is_short_line(block) {
                Reason::Links
            } else {
                Reason::Outside
            });
        }
    }
    if let Some(Located { line, .. }) = page.title {
        article.dropped.push(Dropped {
            reason: Reason::PageTitle,
            first: line,
            last: line,
            count: 1,
            example: shorten(
                &page
                    .title
                    .as_ref()
                    .map(|t| t.text.clone())
                    .unwrap_or_default(),
            ),
        });
    }
    article.dropped.extend(merge(blocks, &reasons, &used));
    article
}

fn located(block: &Block) -> Located {
    Located {
        text: block.text().trim().to_string(),
        line: block.line,
    }
}

/// A line that could be a title: short, not a sentence, not links.
fn title_like(block: &Block) -> bool {
    let text = block.text();
    let text = text.trim();
    matches!(block.kind, Kind::Heading(_))
        || (matches!(block.kind, Kind::Paragraph)
            && !text.is_empty()
            && text.chars().count() <= 150
            && (!ends_sentence(text) || text.ends_with('?'))
            && block.link_chars() * 2 <= text.chars().count())
}

/// Whether two titles are the same post title (one may be cut with an
/// ellipsis).
fn same_title(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (a, b) = (norm(a), norm(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let cut = |s: &str| s.trim_end_matches(['…', '.']).trim_end().to_string();
    a == b
        || (a.ends_with('…') && b.starts_with(&cut(&a)))
        || (b.ends_with('…') && a.starts_with(&cut(&b)))
}

/// A short line, as in a list of links.
fn is_short_line(block: &Block) -> bool {
    weight(&block.text()) < 120
}

fn zone_reason(zone: Zone) -> Option<Reason> {
    match zone {
        Zone::Unknown | Zone::Article => None,
        Zone::Navigation => Some(Reason::Navigation),
        Zone::Header => Some(Reason::Header),
        Zone::Footer => Some(Reason::Footer),
        Zone::Aside => Some(Reason::Sidebar),
        Zone::Comments => Some(Reason::Comments),
        Zone::Widget => Some(Reason::Widget),
    }
}

/// Merges left-out blocks into runs of one reason on consecutive blocks.
fn merge(blocks: &[Block], reasons: &[Option<Reason>], used: &[usize]) -> Vec<Dropped> {
    let mut out: Vec<Dropped> = Vec::new();
    let mut previous: Option<usize> = None;
    for (i, block) in blocks.iter().enumerate() {
        if used.contains(&i) {
            previous = None;
            continue;
        }
        let Some(reason) = reasons[i] else {
            previous = None;
            continue;
        };
        let last_line = block.line + block.text().matches('\n').count();
        match out.last_mut() {
            Some(run) if run.reason == reason && previous.is_some_and(|p| p + 1 == i) => {
                run.last = last_line;
                run.count += 1;
            }
            _ => out.push(Dropped {
                reason,
                first: block.line,
                last: last_line,
                count: 1,
                example: shorten(&block.text()),
            }),
        }
        previous = Some(i);
    }
    out
}

/// The first 60 characters of a text, with an ellipsis when cut.
pub fn shorten(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= 60 {
        text
    } else {
        let cut: String = text.chars().take(59).collect();
        format!("{}…", cut.trim_end())
    }
}

static KOREAN_AUTHOR: LazyLock<Regex> = LazyLock::new(|| regex(r"작성자\s*:?\s*(\S+)"));
static KOREAN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"작성일\s*:?\s*(\d{2,4}[-./]\d{1,2}[-./]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
});
static ENGLISH_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^(?:(?:posted|written|published)\s+)?by\s+(.+?)(?:\s+(?:on|[|·•—–-])\s+(.+))?$")
});
static ENGLISH_DATE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^(?:posted|published|written)\s+on\s+(.+?)(?:\s+by\s+(.+))?$"));

/// Reads what a furniture line says about the post.
fn read_record(reason: Reason, text: &str, found: &mut SourceRecord) {
    let text = text.trim();
    match reason {
        Reason::PageInfo => {
            if let Some(author) = KOREAN_AUTHOR.captures(text) {
                found.author.get_or_insert_with(|| author[1].to_string());
            }
            if let Some(when) = KOREAN_DATE.captures(text)
                && let Some(when) = date(&when[1])
            {
                found.published.get_or_insert(when);
            }
            if let Some(byline) = ENGLISH_BYLINE.captures(text) {
                found
                    .author
                    .get_or_insert_with(|| byline[1].trim().to_string());
                if let Some(when) = byline.get(2).and_then(|m| date(m.as_str())) {
                    found.published.get_or_insert(when);
                }
            }
            if let Some(posted) = ENGLISH_DATE.captures(text) {
                if let Some(when) = date(&posted[1]) {
                    found.published.get_or_insert(when);
                }
                if let Some(author) = posted.get(2) {
                    found
                        .author
                        .get_or_insert_with(|| author.as_str().trim().to_string());
                }
            }
        }
        Reason::Copyright | Reason::Footer => {
            if found.rights.is_none()
                && let Some(line) = text
                    .lines()
                    .map(str::trim)
                    .find(|line| furniture(line) == Some(Reason::Copyright))
            {
                found.rights = Some(line.to_string());
            }
        }
        _ => {}
    }
}

static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^(\d{2}|\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
});
static WORD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^(?:(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})|([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))",
    )
});

/// A date as the page wrote it, in ISO 8601 (`2020-09-30`, with ` 21:53`
/// when a time was given). Two-digit years are this century's.
pub fn date(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some(c) = ISO_DATE.captures(text) {
        let year: u32 = c[1].parse().ok()?;
        let year = if c[1].len() == 2 { 2000 + year } else { year };
        let (month, day): (u32, u32) = (c[2].parse().ok()?, c[3].parse().ok()?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let mut out = format!("{year:04}-{month:02}-{day:02}");
        if let (Some(h), Some(m)) = (c.get(4), c.get(5)) {
            out.push_str(&format!(
                " {:02}:{}",
                h.as_str().parse::<u32>().ok()?,
                m.as_str()
            ));
        }
        return Some(out);
    }
    let c = WORD_DATE.captures(text)?;
    let (day, month, year) = match c.get(1) {
        Some(day) => (day.as_str(), &c[2], &c[3]),
        None => (&c[5], &c[4], &c[6]),
    };
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = month.to_ascii_lowercase();
    let month = MONTHS.iter().position(|m| lower.starts_with(m))? + 1;
    let day: u32 = day.parse().ok()?;
    (1..=31)
        .contains(&day)
        .then(|| format!("{year}-{month:02}-{day:02}"))
}

/// The holder named in a copyright line: what is left without the word
/// "Copyright", the sign, the years and "All rights reserved".
fn publisher(rights: &str) -> Option<String> {
    static NOISE: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?i)copyright|[©ⓒ]|\(c\)|all rights reserved\.?|\b\d{4}(\s*[-–]\s*\d{4})?\b|^\W+|[\s,.]+$",
        )
    });
    let mut holder = rights.to_string();
    for _ in 0..3 {
        holder = NOISE.replace_all(&holder, " ").trim().to_string();
    }
    let holder = holder.split_whitespace().collect::<Vec<_>>().join(" ");
    // `KANCC(Korean …)`: a space before a glued parenthesis.
    static GLUED: LazyLock<Regex> = LazyLock::new(|| regex(r"(\w)\("));
    let holder = GLUED
        .replace_all(&holder, "$1 (")
        .trim_matches([',', '.', ' '])
        .to_string();
    (!holder.is_empty() && holder.chars().count() <= 120).then_some(holder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::page::read_text;

    #[test]
    fn dates_in_the_forms_pages_use() {
        assert_eq!(date("20-09-30 21:53").as_deref(), Some("2020-09-30 21:53"));
        assert_eq!(
            date("2021-02-03T04:05:06Z").as_deref(),
            Some("2021-02-03 04:05")
        );
        assert_eq!(date("2019.4.7").as_deref(), Some("2019-04-07"));
        assert_eq!(date("September 30, 2020").as_deref(), Some("2020-09-30"));
        assert_eq!(date("3 Feb 2021").as_deref(), Some("2021-02-03"));
        assert_eq!(date("yesterday"), None);
        assert_eq!(date("2020-13-01"), None);
    }

    #[test]
    fn publishers_from_copyright_lines() {
        assert_eq!(
            publisher("Copyright ⓒ 2000-2022 KANCC(Korean American National Coordinating Council). All rights reserved.").as_deref(),
            Some("KANCC (Korean American National Coordinating Council)")
        );
        assert_eq!(publisher("© 2024 Jane Doe").as_deref(), Some("Jane Doe"));
        assert_eq!(publisher("All rights reserved."), None);
    }

    #[test]
    fn the_article_between_the_furniture() {
        let prose = "This is a sentence of the article that is long enough to count as prose for the search.";
        let text = format!(
            "My Post > The Site\n\nSkip to content\nThe Site\n\nPosted by Ann on March 3, 2021\n\nMy Post\n\nChapter One\n\n{prose}\n\nShort line:\n\n{prose}\n\nNo comments yet.\n\nOther post one\nOther post two\nOther post three\n© 2021 The Site Inc. All rights reserved.\n"
        );
        let page = read_text(&text);
        let article = find(&page);
        assert_eq!(
            article.heading.as_ref().map(|h| h.text.as_str()),
            Some("Chapter One")
        );
        let texts: Vec<String> = article.blocks.iter().map(Block::text).collect();
        assert_eq!(texts, [prose, "Short line:", prose]);
        let found = &article.found;
        assert_eq!(found.title.as_deref(), Some("My Post"));
        assert_eq!(found.site.as_deref(), Some("The Site"));
        assert_eq!(found.author.as_deref(), Some("Ann"));
        assert_eq!(found.published.as_deref(), Some("2021-03-03"));
        assert_eq!(found.publisher.as_deref(), Some("The Site Inc"));
        let reasons: Vec<(Reason, usize, usize)> = article
            .dropped
            .iter()
            .map(|d| (d.reason, d.first, d.count))
            .collect();
        assert_eq!(
            reasons,
            [
                (Reason::PageTitle, 1, 1),
                (Reason::SkipLink, 3, 1),
                (Reason::SiteName, 4, 1),
                (Reason::PageInfo, 6, 1),
                (Reason::RepeatedTitle, 8, 1),
                (Reason::Comments, 18, 1),
                (Reason::Links, 20, 3),
                (Reason::Copyright, 23, 1),
            ]
        );
    }

    #[test]
    fn prose_that_names_a_byline_word_is_not_furniture() {
        assert_eq!(
            furniture("작성자 편집국 작성일20-09-30 21:53 댓글0건"),
            Some(Reason::PageInfo)
        );
        assert_eq!(
            furniture("이 글의 작성자는 오래된 인쇄소의 식자공이었다."),
            None
        );
        assert_eq!(
            furniture("Posted by Ann on March 3, 2021"),
            Some(Reason::PageInfo)
        );
        assert_eq!(furniture("© 2021 The Site"), Some(Reason::Copyright));
    }

    #[test]
    fn a_page_of_furniture_has_no_article() {
        let page = read_text("Home | Site\n\nSkip to content\n\nAbout\nContact\n\n© 2020 Site\n");
        let article = find(&page);
        assert!(article.blocks.is_empty());
        assert!(article.dropped.len() >= 3);
    }
}
