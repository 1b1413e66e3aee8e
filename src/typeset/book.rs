//! Book: the chapters' pages → the printed book.
//!
//! **In:** the [`Book`]'s metadata and chapter titles, the [`Style`], and
//! each chapter's [`ChapterPages`] (from `pages`). **Out:** the
//! [`Document`]: front matter (half-title, title page, copyright page,
//! contents with the page numbers of chapters and sections), every chapter
//! opening on a recto with a blank verso before it when needed, running
//! heads and folios, page labels (roman in the front matter, arabic from
//! the first chapter's first page, which is page 1), bookmarks and the
//! contents' links; and a [`Report`] of what each page is, for tests.
//! **Must not:** break a chapter's pages (the `pages` stage did), or write
//! PDF.
//!
//! Arabic numbers start at the first chapter, so the body's page numbers are
//! known before the contents are set: the contents are set last, once,
//! with the numbers they print (the second pass of a TeX run, without
//! running twice). The front matter has an even number of pages, so the
//! first chapter opens on a recto.

use super::frame::{
    Bookmark, Document, Item, LabelRange, Link, Numbering, Page, Positioned, Target,
};
use super::pages::{ChapterPages, PageInfo};
use super::paragraph::{self, SetLine, Setting, Span, SpanStyle};
use super::shape::{FaceId, Features, Shaper};
use super::style::Style;
use crate::config::{Folios, HeadText};
use crate::model::Book;

/// What each page of the book is, for tests and measures.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every page, in order.
    pub pages: Vec<PageReport>,
    /// The contents' entries, as printed.
    pub contents: Vec<ContentsEntry>,
    /// How many pages the front matter has.
    pub front: usize,
}

/// A page of the book.
#[derive(Debug, Clone, PartialEq)]
pub struct PageReport {
    /// What it is.
    pub kind: PageKind,
    /// Its number as a viewer shows it (`iii`, `12`).
    pub label: String,
    /// The chapter it belongs to.
    pub chapter: Option<usize>,
    /// What a chapter page holds (empty for others).
    pub info: PageInfo,
    /// The running head printed on it.
    pub head: Option<String>,
    /// The folio printed on it.
    pub folio: Option<String>,
}

/// The kinds of page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// The title alone.
    HalfTitle,
    /// Title, subtitle, authors, publisher.
    Title,
    /// Rights, identifier, dates, colophon.
    Copyright,
    /// The contents.
    Contents,
    /// Left blank.
    Blank,
    /// A chapter's page.
    Chapter {
        /// Its first page.
        opening: bool,
    },
}

/// An entry of the contents.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentsEntry {
    /// 1 for a chapter, 2 for a section.
    pub level: u8,
    /// Its title.
    pub title: String,
    /// The page number printed beside it.
    pub printed: String,
    /// The index of the page its heading is on.
    pub page: usize,
}

/// A heading found on the body's pages.
struct Found {
    chapter: usize,
    level: u8,
    title: String,
    /// Index among the body's pages.
    page: usize,
    y: f32,
}

/// Puts the book together.
pub fn assemble(
    book: &Book,
    style: &Style,
    shaper: &mut Shaper,
    chapters: Vec<ChapterPages>,
    timestamp: Option<i64>,
) -> (Document, Report) {
    let mut setter = Setter {
        style,
        shaper,
        heads: Default::default(),
    };
    // The body: each chapter on a recto (an even index, counting from the
    // first chapter's first page).
    let mut body: Vec<Page> = Vec::new();
    let mut reports: Vec<PageReport> = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    for (c, chapter) in chapters.into_iter().enumerate() {
        if body.len() % 2 == 1 {
            body.push(Page::new(style.page_width, style.page_height));
            reports.push(blank());
        }
        let base = body.len();
        for (p, (mut page, info)) in chapter.pages.into_iter().zip(chapter.info).enumerate() {
            for link in &mut page.links {
                if let Target::Place { page, .. } = &mut link.target {
                    *page += base;
                }
            }
            for (heading, y) in &info.headings {
                found.push(Found {
                    chapter: c,
                    level: heading.level,
                    title: heading.title.clone(),
                    page: base + p,
                    y: *y,
                });
            }
            body.push(page);
            reports.push(PageReport {
                kind: PageKind::Chapter { opening: p == 0 },
                label: String::new(),
                chapter: Some(c),
                info,
                head: None,
                folio: None,
            });
        }
    }

    // The front matter, the contents with the body's numbers.
    // Chapters and their sections; back matter (the source appendix) by
    // its title alone, as its sections would double the contents.
    let entries: Vec<&Found> = found
        .iter()
        .filter(|f| {
            let back = book.chapters.get(f.chapter).is_some_and(|c| c.back_matter);
            f.level <= 1 || (f.level == 2 && !back)
        })
        .collect();
    let mut front: Vec<(Page, PageReport)> = vec![
        (setter.half_title(book), front_page(PageKind::HalfTitle)),
        (
            Page::new(style.page_width, style.page_height),
            front_page(PageKind::Blank),
        ),
        (setter.title_page(book), front_page(PageKind::Title)),
        (
            setter.copyright_page(book, timestamp),
            front_page(PageKind::Copyright),
        ),
    ];
    let contents_at = front.len();
    let contents = setter.contents(&entries, contents_at);
    let contents_pages = contents.len();
    for page in contents {
        front.push((page, front_page(PageKind::Contents)));
    }
    if front.len() % 2 == 1 {
        front.push((
            Page::new(style.page_width, style.page_height),
            front_page(PageKind::Blank),
        ));
    }
    let offset = front.len();

    // Links into the body now point into the book.
    for page in &mut body {
        for link in &mut page.links {
            if let Target::Place { page, .. } = &mut link.target {
                *page += offset;
            }
        }
    }
    // The contents' links.
    let mut document = Document::default();
    let mut report = Report {
        front: offset,
        ..Report::default()
    };
    for (page, page_report) in front {
        document.pages.push(page);
        report.pages.push(page_report);
    }
    for entry in &entries {
        report.contents.push(ContentsEntry {
            level: entry.level,
            title: entry.title.clone(),
            printed: (entry.page + 1).to_string(),
            page: offset + entry.page,
        });
    }
    for page in &mut document.pages[contents_at..contents_at + contents_pages] {
        for link in &mut page.links {
            if let Target::Place { page, .. } = &mut link.target {
                *page += offset;
            }
        }
    }
    for (page, page_report) in body.into_iter().zip(reports) {
        document.pages.push(page);
        report.pages.push(page_report);
    }

    // Numbers, heads and folios.
    document.labels = vec![
        LabelRange {
            start: 0,
            style: Numbering::LowerRoman,
            first: 1,
        },
        LabelRange {
            start: offset,
            style: Numbering::Arabic,
            first: 1,
        },
    ];
    let mut section: Option<String> = None;
    let mut chapter_of_section: Option<usize> = None;
    for index in 0..document.pages.len() {
        let label = if index < offset {
            Numbering::LowerRoman.format(index as u32 + 1)
        } else {
            Numbering::Arabic.format((index - offset) as u32 + 1)
        };
        let page_report = &mut report.pages[index];
        page_report.label = label.clone();
        let recto = index % 2 == 0;
        match page_report.kind {
            PageKind::Contents => {
                page_report.folio = Some(label.clone());
                setter.folio(&mut document.pages[index], &label, recto, true);
            }
            PageKind::Chapter { opening } => {
                let chapter = page_report.chapter.unwrap_or(0);
                if chapter_of_section != Some(chapter) {
                    section = None;
                    chapter_of_section = Some(chapter);
                }
                // The section a page is in: the last begun before its foot.
                let section_here = page_report
                    .info
                    .headings
                    .iter()
                    .filter(|(h, _)| h.level == 2)
                    .map(|(h, _)| h.title.clone())
                    .next_back();
                let running = section.clone();
                if let Some(title) = section_here {
                    section = Some(title);
                }
                let head = if opening {
                    None
                } else {
                    let which = if recto {
                        style.running_heads.recto
                    } else {
                        style.running_heads.verso
                    };
                    let chapter_title = book.chapters.get(chapter).map(|c| c.title.clone());
                    match which {
                        HeadText::Book => Some(book.meta.title.clone()),
                        HeadText::Chapter => chapter_title,
                        HeadText::Section => running.or_else(|| section.clone()).or(chapter_title),
                        HeadText::None => None,
                    }
                };
                if let Some(head) = &head {
                    setter.running_head(&mut document.pages[index], head, recto);
                }
                page_report.head = head;
                let at_foot = opening || style.folios == Folios::Foot;
                setter.folio(&mut document.pages[index], &label, recto, at_foot);
                page_report.folio = Some(label);
            }
            _ => {}
        }
    }

    // Bookmarks: the contents, then chapters > sections > subsections.
    if contents_pages > 0 {
        document.outline.push(Bookmark {
            title: "Contents".to_string(),
            target: Target::Place {
                page: contents_at,
                x: 0.0,
                y: 0.0,
            },
            children: Vec::new(),
        });
    }
    let mut chapter_bookmark: Option<usize> = None;
    let mut section_level: Option<u8> = None;
    for heading in found.iter().filter(|h| h.level <= 3) {
        let bookmark = Bookmark {
            title: heading.title.clone(),
            target: Target::Place {
                page: offset + heading.page,
                x: 0.0,
                y: heading.y,
            },
            children: Vec::new(),
        };
        // A chapter at the top; a section under its chapter; anything
        // deeper under the section before it (or the chapter, if none).
        let chapters = &mut document.outline;
        let parent = match chapters.last_mut() {
            Some(chapter) if heading.level >= 2 && chapter_bookmark == Some(heading.chapter) => {
                let sections = &mut chapter.children;
                match sections.last_mut() {
                    Some(section) if heading.level >= 3 && section_level == Some(2) => {
                        &mut section.children
                    }
                    _ => sections,
                }
            }
            _ => chapters,
        };
        parent.push(bookmark);
        match heading.level {
            1 => {
                chapter_bookmark = Some(heading.chapter);
                section_level = None;
            }
            2 => section_level = Some(2),
            _ => {}
        }
    }
    (document, report)
}

fn blank() -> PageReport {
    front_page(PageKind::Blank)
}

fn front_page(kind: PageKind) -> PageReport {
    PageReport {
        kind,
        label: String::new(),
        chapter: None,
        info: PageInfo::default(),
        head: None,
        folio: None,
    }
}

/// Sets the lines of the front matter and the page furniture.
struct Setter<'a, 'b> {
    style: &'a Style,
    shaper: &'a mut Shaper<'b>,
    /// Each running head's line, by its text: set once, not on every page.
    heads: rustc_hash::FxHashMap<String, Vec<SetLine>>,
}

/// How a line is aligned in its measure.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Centre,
}

impl Setter<'_, '_> {
    /// `text` set ragged in `measure`, in `face` (with the fallbacks);
    /// balanced too with `balanced`.
    fn set(
        &mut self,
        text: &str,
        face: FaceId,
        size: f32,
        measure: f32,
        features: Features,
        balanced: bool,
    ) -> Vec<SetLine> {
        let style = self.style;
        let spans = [Span {
            text: text.to_string(),
            style: SpanStyle {
                face,
                features,
                ..SpanStyle::default()
            },
        }];
        let setting = Setting::ragged(
            size,
            measure,
            &style.faces.fallbacks,
            None,
            style.params.clone(),
        );
        let lines = paragraph::set(&spans, &setting, self.shaper, None);
        if balanced {
            paragraph::balance(&spans, &setting, self.shaper, lines)
        } else {
            lines
        }
    }

    /// `text` set ragged in `measure`, in `face` (with the fallbacks).
    fn lines(
        &mut self,
        text: &str,
        face: FaceId,
        size: f32,
        measure: f32,
        features: Features,
    ) -> Vec<SetLine> {
        self.set(text, face, size, measure, features, false)
    }

    /// A title set for display: broken after a colon when it needs more
    /// than a line (`Reminiscences:` / `With the Century`), and each part
    /// balanced, its lines about as long as each other rather than a full
    /// line over a lone word.
    fn display(&mut self, text: &str, face: FaceId, size: f32, measure: f32) -> Vec<SetLine> {
        let features = Features::default();
        let whole = self.lines(text, face, size, measure, features);
        if whole.len() < 2 {
            return whole;
        }
        let parts: Vec<&str> = match text.split_once(": ") {
            Some((head, _)) => {
                let (head, tail) = text.split_at(head.len() + 1);
                vec![head, tail.trim_start()]
            }
            None => vec![text],
        };
        let mut lines = Vec::new();
        for part in parts {
            lines.extend(self.set(part, face, size, measure, features, true));
        }
        lines
    }

    /// Draws set lines from baseline `y`, `leading` apart, aligned in the
    /// measure starting at `left`; gives the last baseline.
    fn draw(
        page: &mut Page,
        lines: Vec<SetLine>,
        left: f32,
        measure: f32,
        y: f32,
        leading: f32,
        align: Align,
    ) -> f32 {
        let mut baseline = y;
        for (n, line) in lines.into_iter().enumerate() {
            if n > 0 {
                baseline += leading;
            }
            let width = width(&line);
            let shift = match align {
                Align::Left => 0.0,
                Align::Centre => ((measure - width) / 2.0).max(0.0),
            };
            for (x, run) in line.runs {
                page.items.push(Positioned {
                    x: left + shift + x,
                    y: baseline,
                    item: Item::Text(run),
                });
            }
        }
        baseline
    }

    /// The left of the text block on a recto or a verso.
    fn left(&self, recto: bool) -> f32 {
        if recto {
            self.style.inner
        } else {
            self.style.outer
        }
    }

    fn half_title(&mut self, book: &Book) -> Page {
        let style = self.style;
        let mut page = Page::new(style.page_width, style.page_height);
        let size = style.size * 1.4;
        let lines = self.display(&book.meta.title, style.faces.regular, size, style.measure);
        let left = self.left(true);
        Self::draw(
            &mut page,
            lines,
            left,
            style.measure,
            style.top + style.block_height * 0.22,
            size * 1.25,
            Align::Centre,
        );
        page
    }

    fn title_page(&mut self, book: &Book) -> Page {
        let style = self.style;
        let mut page = Page::new(style.page_width, style.page_height);
        let left = self.left(true);
        let size = style.size * 2.2;
        let lines = self.display(&book.meta.title, style.faces.regular, size, style.measure);
        let mut y = Self::draw(
            &mut page,
            lines,
            left,
            style.measure,
            style.top + style.block_height * 0.18,
            size * 1.2,
            Align::Centre,
        );
        if let Some(subtitle) = &book.meta.subtitle {
            let size = style.size * 1.3;
            let lines = self.display(subtitle, style.faces.regular, size, style.measure);
            y = Self::draw(
                &mut page,
                lines,
                left,
                style.measure,
                y + size * 2.2,
                size * 1.3,
                Align::Centre,
            );
        }
        if !book.meta.authors.is_empty() {
            let size = style.size * 1.3;
            let authors = book.meta.authors.join(", ");
            let lines = self.lines(
                &authors,
                style.faces.regular,
                size,
                style.measure,
                Features {
                    small_caps: true,
                    ..Features::default()
                },
            );
            Self::draw(
                &mut page,
                lines,
                left,
                style.measure,
                (y + size * 4.0).max(style.top + style.block_height * 0.5),
                size * 1.3,
                Align::Centre,
            );
        }
        if let Some(publisher) = &book.meta.publisher {
            let size = style.size;
            let lines = self.lines(
                publisher,
                style.faces.italic,
                size,
                style.measure,
                Features::default(),
            );
            let count = lines.len() as f32;
            Self::draw(
                &mut page,
                lines,
                left,
                style.measure,
                style.top + style.block_height - (count - 1.0) * size * 1.25,
                size * 1.25,
                Align::Centre,
            );
        }
        page
    }

    fn copyright_page(&mut self, book: &Book, timestamp: Option<i64>) -> Page {
        let style = self.style;
        let meta = &book.meta;
        let mut page = Page::new(style.page_width, style.page_height);
        let left = self.left(false);
        let size = style.size * 0.85;
        let leading = size * 1.3;
        // Paragraphs of the colophon, from the foot up.
        let mut paragraphs: Vec<(String, FaceId)> = Vec::new();
        paragraphs.push((meta.title.clone(), style.faces.italic));
        if let Some(rights) = &meta.rights {
            paragraphs.push((rights.clone(), style.faces.regular));
        }
        if let Some(publisher) = &meta.publisher {
            paragraphs.push((format!("Published by {publisher}."), style.faces.regular));
        }
        if let Some(date) = &meta.date {
            paragraphs.push((format!("Date of publication: {date}."), style.faces.regular));
        }
        if let Some(timestamp) = timestamp {
            let civil = crate::date::Civil::from_timestamp(timestamp);
            paragraphs.push((
                format!(
                    "This edition: {:04}-{:02}-{:02}.",
                    civil.year, civil.month, civil.day
                ),
                style.faces.regular,
            ));
        }
        paragraphs.push((
            format!("Identifier: {}", meta.identifier),
            style.faces.regular,
        ));
        paragraphs.push((
            format!("Set with quire {}.", env!("CARGO_PKG_VERSION")),
            style.faces.regular,
        ));
        let set: Vec<Vec<SetLine>> = paragraphs
            .iter()
            .map(|(text, face)| self.lines(text, *face, size, style.measure, Features::default()))
            .collect();
        let lines: usize = set.iter().map(Vec::len).sum();
        let gaps = set.len().saturating_sub(1) as f32;
        let height = (lines.saturating_sub(1)) as f32 * leading + gaps * leading * 0.6;
        let mut y = style.top + style.block_height - height;
        for lines in set {
            let last = Self::draw(
                &mut page,
                lines,
                left,
                style.measure,
                y,
                leading,
                Align::Left,
            );
            y = last + leading * 1.6;
        }
        page
    }

    /// The contents pages: a title, then one entry per chapter and
    /// section, with dot leaders to its page number. `first` is the index
    /// of the first contents page in the book (for its margins).
    fn contents(&mut self, entries: &[&Found], first: usize) -> Vec<Page> {
        let style = self.style;
        let size = style.size;
        let leading = size * style.leading_ratio;
        let mut pages = vec![Page::new(style.page_width, style.page_height)];
        let title_size = size * 1.7;
        let left = self.left(first.is_multiple_of(2));
        let lines = self.lines(
            "Contents",
            style.faces.regular,
            title_size,
            style.measure,
            Features::default(),
        );
        let mut y = Self::draw(
            &mut pages[0],
            lines,
            left,
            style.measure,
            style.top + size * 6.0 + title_size * 1.25,
            title_size * 1.25,
            Align::Centre,
        ) + size * 3.0;
        let number_column = size * 2.5;
        let dot = self
            .shaper
            .shape(".", style.faces.regular, size, None, Features::default());
        let pitch = size * 0.55;
        for entry in entries {
            let indent = if entry.level <= 1 { 0.0 } else { size * 1.5 };
            let face = style.faces.regular;
            let measure = style.measure - indent - number_column;
            let lines = self.lines(&entry.title, face, size, measure, Features::default());
            let above = if entry.level <= 1 { size * 0.6 } else { 0.0 };
            let height = above + (lines.len() as f32 - 1.0) * leading;
            if y + height + leading > style.top + style.block_height + 0.01 {
                pages.push(Page::new(style.page_width, style.page_height));
                y = style.top + size - leading;
            }
            let index = pages.len() - 1;
            let left = self.left((first + index).is_multiple_of(2));
            let page = &mut pages[index];
            let top = y + leading + above;
            let count = lines.len();
            let mut end = 0.0;
            for (n, line) in lines.into_iter().enumerate() {
                let baseline = top + n as f32 * leading;
                if n + 1 == count {
                    end = width(&line);
                }
                for (x, run) in line.runs {
                    page.items.push(Positioned {
                        x: left + indent + x,
                        y: baseline,
                        item: Item::Text(run),
                    });
                }
            }
            let baseline = top + (count.max(1) - 1) as f32 * leading;
            // The number, flush right.
            let number = (entry.page + 1).to_string();
            let features = Features {
                old_style_figures: style.old_style_figures,
                ..Features::default()
            };
            let shaped = self
                .shaper
                .shape(&number, style.faces.regular, size, None, features);
            let number_left = left + style.measure - shaped.width;
            page.items.push(Positioned {
                x: number_left,
                y: baseline,
                item: Item::Text(shaped.to_run(&number)),
            });
            // Dot leaders on a grid, so they line up from entry to entry.
            let from = left + indent + end + size * 0.4;
            let to = number_left - size * 0.4;
            let mut k = ((from - left) / pitch).ceil() as i32;
            loop {
                let x = left + k as f32 * pitch;
                if x + dot.width > to {
                    break;
                }
                let mut run = dot.to_run(".");
                // Leaders copy as nothing.
                run.text.clear();
                for glyph in &mut run.glyphs {
                    glyph.text = 0..0;
                }
                page.items.push(Positioned {
                    x,
                    y: baseline,
                    item: Item::Text(run),
                });
                k += 1;
            }
            // The entry is a link to its heading (the page counted in the
            // body, until the front matter's length is known).
            page.links.push(Link {
                x: left + indent,
                y: top - size,
                width: style.measure - indent,
                height: baseline - top + size * 1.3,
                target: Target::Place {
                    page: entry.page,
                    x: 0.0,
                    y: entry.y,
                },
            });
            y = baseline;
        }
        pages
    }

    /// The running head, centred above the text block, in small capitals;
    /// a title too long for one line is cut at a word, with an ellipsis.
    fn running_head(&mut self, page: &mut Page, text: &str, recto: bool) {
        let style = self.style;
        let size = style.size * 0.9;
        let lines = match self.heads.get(text) {
            Some(lines) => lines.clone(),
            None => {
                let lines = self.head_lines(text, size);
                self.heads.insert(text.to_string(), lines.clone());
                lines
            }
        };
        let left = self.left(recto);
        Self::draw(
            page,
            lines,
            left,
            style.measure,
            style.top - style.size * 1.6,
            size,
            Align::Centre,
        );
    }

    /// A running head's line of `size`: `text` in small capitals, cut at a
    /// word with an ellipsis when too long for one line.
    fn head_lines(&mut self, text: &str, size: f32) -> Vec<SetLine> {
        let style = self.style;
        let features = Features {
            small_caps: true,
            ..Features::default()
        };
        let measure = style.measure * 0.8;
        let mut lines = self.lines(text, style.faces.regular, size, measure, features);
        // Too long for one line: cut at a word, with an ellipsis.
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut keep = words.len();
        while lines.len() > 1 && keep > 1 {
            keep -= 1;
            let cut = words[..keep].join(" ");
            let shorter = format!("{}\u{2026}", cut.trim_end_matches([',', ';', ':', '.']));
            lines = self.lines(&shorter, style.faces.regular, size, measure, features);
        }
        lines.truncate(1);
        lines
    }

    /// The page number: centred below the text block (`foot`), or at the
    /// outer end of the running head's line.
    fn folio(&mut self, page: &mut Page, label: &str, recto: bool, foot: bool) {
        let style = self.style;
        let size = style.size * 0.9;
        let features = Features {
            old_style_figures: style.old_style_figures,
            ..Features::default()
        };
        let shaped = self
            .shaper
            .shape(label, style.faces.regular, size, None, features);
        let left = self.left(recto);
        let (x, y) = if foot {
            (
                left + (style.measure - shaped.width) / 2.0,
                style.top + style.block_height + style.size * 2.5,
            )
        } else if recto {
            (
                left + style.measure - shaped.width,
                style.top - style.size * 1.6,
            )
        } else {
            (left, style.top - style.size * 1.6)
        };
        page.items.push(Positioned {
            x,
            y,
            item: Item::Text(shaped.to_run(label)),
        });
    }
}

/// A set line's width.
fn width(line: &SetLine) -> f32 {
    line.runs.last().map_or(0.0, |(x, run)| x + run.width())
}
