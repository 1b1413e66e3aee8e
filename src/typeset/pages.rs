//! Pages: a chapter's vertical lists → its pages, each note at the foot of
//! the page of its call.
//!
//! **In:** a [`ChapterFlow`] (the body's lines and spaces, each note's
//! lines apart) and the [`Style`]. **Out:** [`ChapterPages`]: the chapter's
//! pages with body and notes placed (margins mirrored, the first page a
//! recto), links between each note call and its note, what each page holds
//! (for the book's assembly and for tests), and warnings at the source for
//! any break no choice could avoid. **Must not:** set text (it places lines
//! as set), or number pages and add running heads (the book's assembly,
//! `book`, does: it alone knows where the chapter falls).
//!
//! # How breaks are chosen
//!
//! As Knuth–Plass chooses line breaks, the whole chapter at once: a
//! shortest path over states (first body line of a page, first note line
//! not yet placed). A page ends after a line whose
//! [`keep_with_next`](Line::keep_with_next) is off (so never an orphan, a
//! widow or a heading at a page foot), and it costs:
//! - how short it falls of the text block's height, after the spaces
//!   around headings and blocks have stretched (up to [`STRETCH`] of
//!   themselves): a full page costs nothing, one a line short costs
//!   [`SHORT_LINE`], two lines four times that;
//! - the line's penalty (after a hyphen, say);
//! - on a chapter's last page, a body of fewer than [`RUNT`] lines;
//! - splitting a note over two pages, [`NOTE_SPLIT`].
//!
//! A break that keeps are against costs [`FORCED`], more than any page
//! short by lines, so it is taken only when nothing else fits (a table
//! taller than a page, say), and warned about.
//!
//! # Notes
//!
//! Notes go at the foot of the page in the order of their first call, under
//! a short rule. A note starts on the page of its first call, always: a
//! page may end after a line only if every note first called on it starts
//! on it with at least two lines (or all of a shorter one); else the line
//! goes to the next page. The last note of a page may run on: the rest goes
//! first in the next page's notes (and over as many pages as it takes).

use super::flow::{ChapterFlow, Flow, HeadingMark, Line, Mark, Role};
use super::frame::{Item, Link, Page, Positioned, Target};
use super::style::Style;
use crate::diag::Diagnostic;

/// How far a space between blocks may stretch to fill a page, as a
/// fraction of itself.
pub const STRETCH: f32 = 0.6;
/// The cost of a page a line short of the text block (rising with the
/// square of the shortfall).
pub const SHORT_LINE: f64 = 2000.0;
/// The cost of breaking where a line keeps with the next.
pub const FORCED: f64 = 1.0e6;
/// A chapter's last page should have at least this many body lines.
pub const RUNT: usize = 5;
/// The cost of a note that runs on to the next page.
pub const NOTE_SPLIT: f64 = 300.0;

/// A chapter's pages.
#[derive(Debug, Default)]
pub struct ChapterPages {
    /// The pages, the first a recto. Links to places in the chapter name
    /// pages by their index in this list.
    pub pages: Vec<Page>,
    /// What each page holds.
    pub info: Vec<PageInfo>,
    /// Breaks no choice could avoid: `page-orphan`, `page-widow`,
    /// `page-keep`, `page-overfull`.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a page of a chapter holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageInfo {
    /// The headings that start on it, with the top of their first line.
    pub headings: Vec<(HeadingMark, f32)>,
    /// The role of its first body line, if it has any.
    pub first: Option<Role>,
    /// The role of its last body line.
    pub last: Option<Role>,
    /// How many body lines it has.
    pub lines: usize,
    /// The notes first called on it (indices in the chapter's notes).
    pub calls: Vec<usize>,
    /// The notes that start on it.
    pub notes: Vec<usize>,
    /// The note whose rest is continued at the top of its notes.
    pub continued: Option<usize>,
}

/// The skip between the body and the first note's baseline, besides that
/// line's own height, in ems of the body text.
const NOTE_SKIP: f32 = 1.0;

/// A page break chosen: body lines `body`, note lines `notes` (in the
/// chapter's note queue).
#[derive(Debug, Clone, Copy)]
struct Break {
    body: (usize, usize),
    notes: (usize, usize),
    forced: bool,
    overfull: bool,
}

/// The best way found to reach a state.
#[derive(Debug, Clone, Copy)]
struct Reached {
    cost: f64,
    from: Option<(usize, usize)>,
    page: Option<Break>,
}

/// Breaks a chapter into pages.
pub fn chapter(flow: ChapterFlow, style: &Style) -> ChapterPages {
    let layout = Layout::new(flow, style);
    let breaks = layout.breaks();
    layout.place(&breaks)
}

/// A chapter's lines, with what breaking needs to know about each.
struct Layout<'a> {
    style: &'a Style,
    /// The body's lines.
    lines: Vec<Line>,
    /// The space above each line (for the first, the chapter's drop).
    before: Vec<f32>,
    /// The height above its baseline of what each line draws.
    ascent: Vec<f32>,
    /// The notes in the order they are placed: of first call.
    queue: Vec<usize>,
    /// Every note's lines, in queue order.
    note_lines: Vec<Line>,
    /// Where each queued note's lines start in `note_lines` (one more
    /// entry: the end).
    note_start: Vec<usize>,
    /// How many queued notes are first called on lines up to each line.
    called: Vec<usize>,
    /// The chapter's link addresses.
    links: Vec<String>,
}

impl<'a> Layout<'a> {
    fn new(flow: ChapterFlow, style: &'a Style) -> Layout<'a> {
        let mut lines = Vec::new();
        let mut before = Vec::new();
        let mut space = 0.0;
        for element in flow.body {
            match element {
                Flow::Space(s) => space += s,
                Flow::Line(line) => {
                    before.push(space);
                    space = 0.0;
                    lines.push(line);
                }
            }
        }
        let ascent = lines.iter().map(ascent).collect();
        // The notes in the order of their first call in the body; a note
        // called only from another note goes after the rest, with the
        // chapter's last line.
        let mut queue: Vec<usize> = Vec::new();
        let mut seen = vec![false; flow.notes.len()];
        let mut called = Vec::with_capacity(lines.len());
        for line in &lines {
            for marked in &line.marks {
                if let Mark::Note(n) = marked.mark
                    && n < seen.len()
                    && !seen[n]
                {
                    seen[n] = true;
                    queue.push(n);
                }
            }
            called.push(queue.len());
        }
        for (n, seen) in seen.iter().enumerate() {
            if !seen {
                queue.push(n);
            }
        }
        if let Some(last) = called.last_mut() {
            *last = queue.len();
        }
        let mut notes: Vec<Option<Vec<Line>>> = flow.notes.into_iter().map(Some).collect();
        let mut note_lines = Vec::new();
        let mut note_start = Vec::with_capacity(queue.len() + 1);
        for &n in &queue {
            note_start.push(note_lines.len());
            note_lines.extend(notes[n].take().unwrap_or_default());
        }
        note_start.push(note_lines.len());
        Layout {
            style,
            lines,
            before,
            ascent,
            queue,
            note_lines,
            note_start,
            called,
            links: flow.links,
        }
    }

    /// How many queued notes are first called before body line `line`.
    fn called_before(&self, line: usize) -> usize {
        if line == 0 { 0 } else { self.called[line - 1] }
    }

    /// The distance from the text block's top to the baseline of line `l`
    /// when it is the first on its page.
    fn top(&self, l: usize) -> f32 {
        let first = self.ascent[l].max(self.style.size);
        if l == 0 {
            // The chapter's opening keeps its drop.
            self.before[0] + first.max(self.lines[0].height)
        } else {
            first
        }
    }

    /// The queued note that note line `x` belongs to, by position.
    fn note_of(&self, x: usize) -> usize {
        self.note_start.partition_point(|&s| s <= x) - 1
    }

    /// Whether the notes may be cut before note line `m`: at a note's
    /// start or end, or inside a note where its lines do not keep.
    fn may_cut_notes(&self, m: usize) -> bool {
        m == 0
            || m >= self.note_lines.len()
            || self.note_start.binary_search(&m).is_ok()
            || !self.note_lines[m - 1].keep_with_next
    }

    /// The best page breaks: a shortest path from the chapter's start to
    /// its end.
    fn breaks(&self) -> Vec<Break> {
        let n = self.lines.len();
        let total_notes = self.note_lines.len();
        let block = self.style.block_height;
        let leading = self.style.size * self.style.leading_ratio;
        let skip = self.style.size * NOTE_SKIP;
        let mut reached: std::collections::BTreeMap<(usize, usize), Reached> =
            std::collections::BTreeMap::new();
        reached.insert(
            (0, 0),
            Reached {
                cost: 0.0,
                from: None,
                page: None,
            },
        );
        let mut done: std::collections::BTreeMap<(usize, usize), Reached> =
            std::collections::BTreeMap::new();
        while let Some(((i, j), here)) = reached.pop_first() {
            done.insert((i, j), here);
            if i == n && j >= total_notes {
                continue;
            }
            let mut found = false;
            let mut fallback: Option<(Break, f64)> = None;
            // Body lines i..k on this page: k == i only for a page of a
            // note's continuation alone.
            let mut main = 0.0f32;
            let mut stretch = 0.0f32;
            let mut k = i;
            loop {
                if k > i {
                    let l = k - 1;
                    if l == i {
                        main = self.top(i);
                    } else {
                        main += self.before[l] + self.lines[l].height;
                        stretch += self.before[l] * STRETCH;
                    }
                }
                if k > i + 1 && main > block + 0.01 {
                    break;
                }
                // The notes: every one first called on the page starts on
                // it, with two lines at least; carried lines come first.
                let (a, b) = (self.called_before(i), self.called_before(k));
                let (least, most) = if b > a {
                    let last = b - 1;
                    let len = self.note_start[last + 1] - self.note_start[last];
                    (self.note_start[last] + len.min(2), self.note_start[b])
                } else {
                    (j, self.note_start[a])
                };
                let least = least.max(j);
                let most = most.max(least);
                // The first cut at or after `least`.
                let mut need = least;
                while need < most && !self.may_cut_notes(need) {
                    need += 1;
                }
                let notes_height = |to: usize| -> f32 {
                    if to > j {
                        skip + self.note_lines[j..to].iter().map(|l| l.height).sum::<f32>()
                    } else {
                        0.0
                    }
                };
                let mut m = need;
                let fits = main + notes_height(need) <= block + 0.01;
                if fits {
                    // As much more of the notes as fits.
                    let mut to = need;
                    let mut height = notes_height(need);
                    while to < most {
                        let next = if to == j {
                            skip + self.note_lines[to].height
                        } else {
                            height + self.note_lines[to].height
                        };
                        if main + next > block + 0.01 {
                            break;
                        }
                        height = next;
                        to += 1;
                        if self.may_cut_notes(to) {
                            m = to;
                        }
                    }
                }
                let progress = k > i || m > j;
                let end = k == n;
                let allowed = end || k == i || !self.lines[k - 1].keep_with_next;
                if progress {
                    let used = main + notes_height(m);
                    let page = Break {
                        body: (i, k),
                        notes: (j, m),
                        forced: !allowed,
                        overfull: !fits,
                    };
                    if fits {
                        let mut cost = 0.0f64;
                        let last = end && m >= total_notes;
                        if last {
                            let lines = k - i;
                            if i > 0 && lines < RUNT {
                                cost += 200.0 * (RUNT - lines) as f64;
                            }
                        } else {
                            let short = (block - used).max(0.0);
                            let rest = (short - stretch).max(0.0);
                            if rest > 0.0 {
                                let lines = f64::from(rest / leading);
                                cost += 100.0 + SHORT_LINE * lines * lines;
                            } else if stretch > 0.0 {
                                let ratio = f64::from(short / stretch);
                                cost += 100.0 * ratio * ratio * ratio;
                            }
                            if k > 0 && k > i {
                                cost += f64::from(self.lines[k - 1].penalty);
                            }
                        }
                        if !allowed {
                            cost += FORCED;
                        }
                        if m > 0 && m < total_notes && self.note_start.binary_search(&m).is_err() {
                            cost += NOTE_SPLIT;
                        }
                        found = true;
                        relax(&mut reached, &done, (k, m), (i, j), here.cost + cost, page);
                    } else if fallback.is_none() && k > i {
                        // Nothing fits: the least that moves on, past the
                        // foot of the page.
                        fallback = Some((page, FORCED * 100.0));
                    }
                }
                if k >= n {
                    break;
                }
                k += 1;
            }
            if !found {
                let page = match fallback {
                    Some((page, _)) => page,
                    None => Break {
                        body: (i, (i + 1).min(n)),
                        notes: (j, total_notes.min(j + 1).max(j)),
                        forced: false,
                        overfull: true,
                    },
                };
                let to = (page.body.1, page.notes.1);
                if to != (i, j) {
                    relax(
                        &mut reached,
                        &done,
                        to,
                        (i, j),
                        here.cost + FORCED * 100.0,
                        page,
                    );
                }
            }
        }
        // Back from the end.
        let mut pages = Vec::new();
        let mut at = (n, total_notes);
        if !done.contains_key(&at) {
            // Unreachable only if the search had no way on; end where it got.
            at = *done.keys().next_back().unwrap_or(&(0, 0));
        }
        while let Some(reached) = done.get(&at) {
            match (reached.from, reached.page) {
                (Some(from), Some(page)) => {
                    pages.push(page);
                    at = from;
                }
                _ => break,
            }
        }
        pages.reverse();
        pages
    }

    /// Places the lines of each page, and links calls and notes.
    fn place(mut self, breaks: &[Break]) -> ChapterPages {
        let style = self.style;
        let skip = style.size * NOTE_SKIP;
        let mut out = ChapterPages::default();
        // Where each queued note's call and start are: page, x, y.
        let mut calls: Vec<Option<(usize, f32, f32)>> = vec![None; self.queue.len()];
        let mut starts: Vec<Option<(usize, f32, f32)>> = vec![None; self.queue.len()];
        // Links to resolve once every place is known: page, rectangle, and
        // the queued note, to its start (true) or to its call.
        let mut pending: Vec<(usize, [f32; 4], usize, bool)> = Vec::new();
        let position_in_queue: Vec<usize> = {
            let mut at = vec![0; self.queue.len()];
            for (q, &n) in self.queue.iter().enumerate() {
                at[n] = q;
            }
            at
        };
        for (p, page_break) in breaks.iter().enumerate() {
            let (i, k) = page_break.body;
            let (j, m) = page_break.notes;
            let left = if p % 2 == 0 { style.inner } else { style.outer };
            let mut page = Page::new(style.page_width, style.page_height);
            let mut info = PageInfo {
                lines: k - i,
                first: self.lines.get(i).filter(|_| k > i).map(|l| l.role),
                last: (k > i).then(|| self.lines[k - 1].role),
                ..PageInfo::default()
            };
            // The body, its spaces stretched to fill the page as far as
            // they may (a chapter's last page is not filled).
            let notes_height = if m > j {
                skip + self.note_lines[j..m].iter().map(|l| l.height).sum::<f32>()
            } else {
                0.0
            };
            let mut main = 0.0;
            let mut stretch = 0.0;
            for l in i..k {
                if l == i {
                    main = self.top(i);
                } else {
                    main += self.before[l] + self.lines[l].height;
                    stretch += self.before[l] * STRETCH;
                }
            }
            let last_page = p + 1 == breaks.len();
            let fill = if last_page || stretch <= 0.0 {
                0.0
            } else {
                ((style.block_height - main - notes_height) / stretch).clamp(0.0, 1.0)
            };
            let mut y = 0.0;
            for l in i..k {
                if l == i {
                    y = self.top(i);
                } else {
                    y += self.before[l] * (1.0 + STRETCH * fill) + self.lines[l].height;
                }
                let line = &mut self.lines[l];
                let baseline = style.top + y;
                if let Some(heading) = line.heading.take() {
                    info.headings
                        .push((heading, baseline - self.ascent[l].max(style.size)));
                }
                for marked in &line.marks {
                    let rect = [
                        left + marked.x,
                        baseline - style.size * 0.8,
                        marked.width,
                        style.size,
                    ];
                    match marked.mark {
                        Mark::Note(n) => {
                            let q = position_in_queue[n];
                            if calls[q].is_none() {
                                calls[q] = Some((p, rect[0], rect[1]));
                                info.calls.push(n);
                            }
                            pending.push((p, rect, q, true));
                        }
                        Mark::Link(u) => {
                            if let Some(url) = self.links.get(u) {
                                page.links.push(Link {
                                    x: rect[0],
                                    y: rect[1],
                                    width: rect[2],
                                    height: rect[3],
                                    target: Target::Uri(url.clone()),
                                });
                            }
                        }
                        Mark::NoteNumber(_) => {}
                    }
                }
                page.items
                    .extend(
                        std::mem::take(&mut line.items)
                            .into_iter()
                            .map(|item| Positioned {
                                x: left + item.x,
                                y: baseline + item.y,
                                item: item.item,
                            }),
                    );
            }
            // The notes, their last baseline on the block's foot, under a
            // short rule.
            if m > j {
                let foot = style.top + style.block_height;
                let mut y = foot
                    - self.note_lines[j + 1..m]
                        .iter()
                        .map(|l| l.height)
                        .sum::<f32>();
                // The rule, in the skip between the body and the notes.
                let rule_y = y - self.note_lines[j].height * 0.8 - skip * 0.45;
                page.items.push(Positioned {
                    x: left,
                    y: rule_y,
                    item: Item::Rule {
                        width: style.measure * 0.3,
                        height: 0.4,
                    },
                });
                for x in j..m {
                    if x > j {
                        y += self.note_lines[x].height;
                    }
                    let q = self.note_of(x);
                    let note = self.queue[q];
                    let first = x == self.note_start[q];
                    if first {
                        starts[q] = Some((p, left, y - self.note_lines[x].height));
                        info.notes.push(note);
                    } else if x == j {
                        info.continued = Some(note);
                    }
                    let line = &mut self.note_lines[x];
                    for marked in &line.marks {
                        let rect = [
                            left + marked.x,
                            y - style.size * 0.7,
                            marked.width,
                            style.size * 0.9,
                        ];
                        match marked.mark {
                            Mark::NoteNumber(_) => pending.push((p, rect, q, false)),
                            Mark::Link(u) => {
                                if let Some(url) = self.links.get(u) {
                                    page.links.push(Link {
                                        x: rect[0],
                                        y: rect[1],
                                        width: rect[2],
                                        height: rect[3],
                                        target: Target::Uri(url.clone()),
                                    });
                                }
                            }
                            Mark::Note(_) => {}
                        }
                    }
                    page.items
                        .extend(std::mem::take(&mut line.items).into_iter().map(|item| {
                            Positioned {
                                x: left + item.x,
                                y: y + item.y,
                                item: item.item,
                            }
                        }));
                }
            }
            if page_break.forced && k > i && k < self.lines.len() {
                out.diagnostics.push(self.forced_warning(k));
            }
            if page_break.overfull {
                let origin = self.lines.get(i).and_then(|l| l.origin);
                let mut warning = Diagnostic::warning(
                    "page-overfull",
                    "what must stay together here is taller than the page: it runs past the foot",
                );
                if let Some(origin) = origin {
                    warning = warning.at(origin);
                }
                out.diagnostics.push(warning);
            }
            out.pages.push(page);
            out.info.push(info);
        }
        // Call → note, and the note's number → its call.
        for (p, rect, q, to_note) in pending {
            let place = if to_note { starts[q] } else { calls[q] };
            if let Some((page, x, y)) = place {
                out.pages[p].links.push(Link {
                    x: rect[0],
                    y: rect[1],
                    width: rect[2],
                    height: rect[3],
                    target: Target::Place { page, x, y },
                });
            }
        }
        out
    }

    /// The warning for a break where line `k - 1` keeps with line `k`.
    fn forced_warning(&self, k: usize) -> Diagnostic {
        let (before, after) = (&self.lines[k - 1], &self.lines[k]);
        let (code, message) = match (before.role, after.role) {
            (Role::Heading, _) => (
                "page-keep",
                "a heading ends a page: what follows it could not go on the same page",
            ),
            (Role::Text { first: true, .. }, _) => (
                "page-orphan",
                "a paragraph's first line is alone at the foot of a page: no other break was possible",
            ),
            (_, Role::Text { last: true, .. }) => (
                "page-widow",
                "a paragraph's last line is alone at the head of a page: no other break was possible",
            ),
            _ => (
                "page-keep",
                "a page breaks inside what should stay together (a table, a figure and its caption): it is taller than the page",
            ),
        };
        let mut warning = Diagnostic::warning(code, message);
        if let Some(origin) = before.origin.or(after.origin) {
            warning = warning.at(origin);
        }
        warning
    }
}

/// Records a way to reach `to`, if it is the best so far.
fn relax(
    reached: &mut std::collections::BTreeMap<(usize, usize), Reached>,
    done: &std::collections::BTreeMap<(usize, usize), Reached>,
    to: (usize, usize),
    from: (usize, usize),
    cost: f64,
    page: Break,
) {
    if done.contains_key(&to) {
        return;
    }
    let better = reached.get(&to).is_none_or(|r| cost < r.cost);
    if better {
        reached.insert(
            to,
            Reached {
                cost,
                from: Some(from),
                page: Some(page),
            },
        );
    }
}

/// The height above its baseline of what a line draws: its text's
/// ascenders, the top of its images and rules.
fn ascent(line: &Line) -> f32 {
    line.items
        .iter()
        .map(|item| match &item.item {
            Item::Text(run) => run.size * 0.8 - item.y,
            Item::Rule { .. } | Item::Image { .. } => -item.y,
        })
        .fold(0.0f32, f32::max)
}
