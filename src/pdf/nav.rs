//! The document's navigation in krilla's terms: link annotations, the
//! outline (bookmarks) and page labels.
//!
//! **In:** a frame [`Document`](crate::typeset::frame::Document)'s links,
//! bookmarks and label ranges, in points from a page's top left. **Out:**
//! krilla annotations for a page, an [`Outline`], and the [`PageLabel`] of
//! each page. **Must not:** draw, or panic on a target the document does
//! not have: krilla panics on a destination past the last page, so such a
//! link or bookmark is left out here.
//!
//! krilla takes points from the top left too and turns them into PDF's
//! bottom-up user space itself (a destination's `y` becomes page height −
//! `y`), so nothing is flipped here.

use std::num::NonZeroU32;

use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target as LinkTarget};
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Rect};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel};

use crate::typeset::frame::{Bookmark, LabelRange, Numbering, Page, Target};

/// The link annotations of `page`, in a document of `pages` pages: no
/// border, the area clickable, a [`Target::Place`] as an XYZ destination
/// (that point at the view's top left, the zoom left as it is) and a
/// [`Target::Uri`] as a URI action. A link to a page the document does not
/// have, or with a negative or non-finite size, is left out.
pub(super) fn annotations(page: &Page, pages: usize) -> Vec<Annotation> {
    page.links
        .iter()
        .filter_map(|link| {
            let rect = Rect::from_xywh(link.x, link.y, link.width, link.height)?;
            let target = match &link.target {
                Target::Place { .. } => {
                    LinkTarget::Destination(destination(&link.target, pages)?.into())
                }
                Target::Uri(uri) => LinkTarget::Action(LinkAction::new(uri.clone()).into()),
            };
            Some(LinkAnnotation::new(rect, target).into())
        })
        .collect()
}

/// The outline of `bookmarks` in a document of `pages` pages.
///
/// Every entry starts closed: a viewer lists the chapters, and a chapter's
/// sections show when the reader opens it (a book's full tree of sections
/// is long to scroll). A bookmark whose target is not a place in the
/// document (a URI, a page it does not have) is left out and its children
/// move up to its level, so they can still be reached.
pub(super) fn outline(bookmarks: &[Bookmark], pages: usize) -> Outline {
    let mut outline = Outline::new();
    for node in nodes(bookmarks, pages) {
        outline.push_child(node);
    }
    outline
}

/// The outline nodes of `bookmarks`, in order.
fn nodes(bookmarks: &[Bookmark], pages: usize) -> Vec<OutlineNode> {
    let mut out = Vec::new();
    for bookmark in bookmarks {
        let children = nodes(&bookmark.children, pages);
        match destination(&bookmark.target, pages) {
            Some(destination) => {
                let mut node = OutlineNode::new(bookmark.title.clone(), destination);
                for child in children {
                    node.push_child(child);
                }
                out.push(node);
            }
            None => out.extend(children),
        }
    }
    out
}

/// The XYZ destination of a place on one of `pages` pages; `None` for a
/// URI or a page past the last.
fn destination(target: &Target, pages: usize) -> Option<XyzDestination> {
    match *target {
        Target::Place { page, x, y } if page < pages => {
            Some(XyzDestination::new(page, Point::from_xy(x, y)))
        }
        _ => None,
    }
}

/// The label of each of `pages` pages, or none at all when there are no
/// ranges (the PDF then has no `/PageLabels` and viewers show 1, 2, 3).
///
/// Each page gets its full label (style and number), not only the first
/// page of a range: krilla 0.8 writes a page without a label as a label
/// with no style (a viewer shows it as an empty label, not as the next
/// number of the range), and it decides itself where `/PageLabels` entries
/// start. 0.8 starts one at every page except one in the style of the last
/// entry started and numbered one less than it (its test for a continuing
/// range is turned round). So each page has an entry, which a viewer shows
/// the same as ranges; only a page numbered one less than the page before,
/// in the same style, would be wrongly merged into it, and a book's
/// numbering never goes back by one.
///
/// A page takes the range with the greatest start at or before it; pages
/// before the first range are numbered 1, 2, 3 in Arabic numerals, as a
/// viewer would without labels. A range whose first number is 0 counts
/// from 1, as PDF numbers do.
pub(super) fn page_labels(ranges: &[LabelRange], pages: usize) -> Option<Vec<PageLabel>> {
    if ranges.is_empty() {
        return None;
    }
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|range| range.start);
    let mut current = LabelRange {
        start: 0,
        style: Numbering::Arabic,
        first: 1,
    };
    let mut next = sorted.iter().peekable();
    let labels = (0..pages)
        .map(|page| {
            while let Some(range) = next.next_if(|range| range.start <= page) {
                current = *range;
            }
            let offset = u32::try_from(page - current.start)
                .ok()
                .and_then(|n| current.first.max(1).checked_add(n));
            let style = match current.style {
                Numbering::LowerRoman => NumberingStyle::LowerRoman,
                Numbering::Arabic => NumberingStyle::Arabic,
            };
            PageLabel::new(Some(style), None, offset.and_then(NonZeroU32::new))
        })
        .collect();
    Some(labels)
}
