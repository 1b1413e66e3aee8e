//! The document's navigation: link annotations, the outline (bookmarks)
//! and page labels.
//!
//! **In:** a frame [`Document`](crate::typeset::frame::Document)'s links,
//! bookmarks and label ranges, in points from a page's top left, and the
//! references of its pages. **Out:** their PDF objects, in PDF's bottom-up
//! user space (a point `y` from the top of a page of height `h` is `h − y`
//! from its bottom). **Must not:** draw, or write a destination on a page
//! the document does not have: such a link or bookmark is left out.

use pdf_writer::types::{ActionType, AnnotationType, NumberingStyle};
use pdf_writer::{Chunk, Finish, Name, Rect, Ref, Str, TextStr};

use crate::typeset::frame::{Bookmark, LabelRange, Link, Numbering, Page, Target};

/// The links of `page` that can be written: those with a finite area, not
/// negative, and a target the document has.
pub(super) fn links<'a>(page: &'a Page, pages: usize) -> impl Iterator<Item = &'a Link> + 'a {
    page.links.iter().filter(move |link| {
        let sound = [link.x, link.y, link.width, link.height]
            .iter()
            .all(|v| v.is_finite())
            && link.width >= 0.0
            && link.height >= 0.0;
        let target = match link.target {
            Target::Place { .. } => place(&link.target, pages).is_some(),
            Target::Uri(_) => true,
        };
        sound && target
    })
}

/// Writes a link annotation of a page of height `height`: no border, the
/// area clickable, a [`Target::Place`] as an XYZ destination (that point at
/// the view's top left, the zoom left as it is) and a [`Target::Uri`] as a
/// URI action.
pub(super) fn write_link(
    chunk: &mut Chunk,
    id: Ref,
    link: &Link,
    height: f32,
    page_refs: &[Ref],
    heights: &[f32],
) {
    let mut annotation = chunk.annotation(id);
    annotation.subtype(AnnotationType::Link).rect(Rect::new(
        link.x,
        height - link.y - link.height,
        link.x + link.width,
        height - link.y,
    ));
    annotation.border(0.0, 0.0, 0.0, None);
    match &link.target {
        Target::Place { .. } => {
            if let Some((page, x, y)) = place(&link.target, page_refs.len()) {
                annotation
                    .insert(Name(b"Dest"))
                    .start::<pdf_writer::writers::Destination>()
                    .page(page_refs[page])
                    .xyz(x, heights[page] - y, None);
            }
        }
        Target::Uri(uri) => {
            annotation
                .action()
                .action_type(ActionType::Uri)
                .uri(Str(uri.as_bytes()));
        }
    }
    annotation.finish();
}

/// The page and point of a [`Target::Place`] on one of `pages` pages.
fn place(target: &Target, pages: usize) -> Option<(usize, f32, f32)> {
    match *target {
        Target::Place { page, x, y } if page < pages && x.is_finite() && y.is_finite() => {
            Some((page, x, y))
        }
        _ => None,
    }
}

/// An outline entry ready to write: title, destination, children.
pub(super) struct Entry<'a> {
    title: &'a str,
    page: usize,
    x: f32,
    y: f32,
    children: Vec<Entry<'a>>,
}

/// The outline of `bookmarks` in a document of `pages` pages.
///
/// Every entry starts closed: a viewer lists the chapters, and a chapter's
/// sections show when the reader opens it (a book's full tree of sections
/// is long to scroll). A bookmark whose target is not a place in the
/// document (a URI, a page it does not have) is left out and its children
/// move up to its level, so they can still be reached.
pub(super) fn outline(bookmarks: &[Bookmark], pages: usize) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for bookmark in bookmarks {
        let children = outline(&bookmark.children, pages);
        match place(&bookmark.target, pages) {
            Some((page, x, y)) => out.push(Entry {
                title: &bookmark.title,
                page,
                x,
                y,
                children,
            }),
            None => out.extend(children),
        }
    }
    out
}

/// How many objects the outline takes: its root and one per entry.
pub(super) fn outline_refs(entries: &[Entry]) -> usize {
    fn count(entries: &[Entry]) -> usize {
        entries.iter().map(|e| 1 + count(&e.children)).sum()
    }
    1 + count(entries)
}

/// Writes the outline with its root at `root` and its entries at the
/// references after it, depth first. `heights` gives each page's height.
pub(super) fn write_outline(
    chunk: &mut Chunk,
    root: Ref,
    entries: &[Entry],
    page_refs: &[Ref],
    heights: &[f32],
) {
    let mut next = root.get() + 1;
    let (first, last) = write_entries(chunk, root, entries, &mut next, page_refs, heights);
    let mut outline = chunk.outline(root);
    if let (Some(first), Some(last)) = (first, last) {
        // All entries closed: only the top level shows.
        outline.first(first).last(last).count(entries.len() as i32);
    }
    outline.finish();
}

/// Writes `entries` under `parent`; their first and last references.
fn write_entries(
    chunk: &mut Chunk,
    parent: Ref,
    entries: &[Entry],
    next: &mut i32,
    page_refs: &[Ref],
    heights: &[f32],
) -> (Option<Ref>, Option<Ref>) {
    // Each entry's reference, then its subtree's.
    let mut ids = Vec::with_capacity(entries.len());
    let mut subtrees = Vec::with_capacity(entries.len());
    for entry in entries {
        let id = Ref::new(*next);
        *next += 1;
        ids.push(id);
        subtrees.push(write_entries(
            chunk,
            id,
            &entry.children,
            next,
            page_refs,
            heights,
        ));
    }
    for (i, entry) in entries.iter().enumerate() {
        let mut item = chunk.outline_item(ids[i]);
        item.title(TextStr(entry.title)).parent(parent);
        if i > 0 {
            item.prev(ids[i - 1]);
        }
        if let Some(&next) = ids.get(i + 1) {
            item.next(next);
        }
        if let (Some(first), Some(last)) = subtrees[i] {
            // Closed: a negative count of the entries it would show.
            item.first(first)
                .last(last)
                .count(-(entry.children.len() as i32));
        }
        item.dest()
            .page(page_refs[entry.page])
            .xyz(entry.x, heights[entry.page] - entry.y, None);
        item.finish();
    }
    (ids.first().copied(), ids.last().copied())
}

/// The page-label ranges of a document of `pages` pages, as (first page,
/// style, number of that page): none at all when there are no ranges (the
/// PDF then has no `/PageLabels` and viewers show 1, 2, 3).
///
/// Ranges are taken in page order; of two starting at one page, the later
/// in the list wins. Pages before the first range are numbered 1, 2, 3 in
/// Arabic numerals, as a viewer would without labels. A range whose first
/// number is 0 counts from 1, as PDF numbers do. Ranges starting past the
/// last page are left out.
pub(super) fn page_labels(ranges: &[LabelRange], pages: usize) -> Vec<(usize, Numbering, u32)> {
    if ranges.is_empty() || pages == 0 {
        return Vec::new();
    }
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|range| range.start);
    let mut out: Vec<(usize, Numbering, u32)> = Vec::new();
    if sorted[0].start > 0 {
        out.push((0, Numbering::Arabic, 1));
    }
    for range in sorted.iter().filter(|r| r.start < pages) {
        let label = (range.start, range.style, range.first.max(1));
        match out.last_mut() {
            Some(last) if last.0 == range.start => *last = label,
            _ => out.push(label),
        }
    }
    out
}

/// Writes the `/PageLabels` number tree at `id`, each label at the
/// references after it.
pub(super) fn write_page_labels(chunk: &mut Chunk, id: Ref, labels: &[(usize, Numbering, u32)]) {
    let label_ref = |n: usize| Ref::new(id.get() + 1 + n as i32);
    {
        let mut tree = chunk.number_tree::<Ref>(id);
        let mut nums = tree.nums();
        for (n, &(start, _, _)) in labels.iter().enumerate() {
            nums.insert(start as i32, label_ref(n));
        }
    }
    for (n, &(_, style, first)) in labels.iter().enumerate() {
        let mut label = chunk
            .indirect(label_ref(n))
            .start::<pdf_writer::writers::PageLabel>();
        label.style(match style {
            Numbering::LowerRoman => NumberingStyle::LowerRoman,
            Numbering::Arabic => NumberingStyle::Arabic,
        });
        label.offset(first.min(i32::MAX as u32) as i32);
    }
}
