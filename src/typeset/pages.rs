//! Pages: the vertical list → pages, with folios.
//!
//! **In:** the [`Flow`] of the book and the [`Style`]. **Out:** [`Page`]s of
//! positioned items. **Must not:** set text (it places lines as set).
//!
//! This first page builder fills each page to the foot of the text block,
//! starts chapters on a new page, drops space at the top of a page and keeps
//! headings with what follows. Footnotes at the foot, widows and orphans,
//! recto openings and running heads come with the book's page furniture.

use super::flow::Flow;
use super::frame::{Item, Page, Positioned};
use super::shape::{Features, Shaper};
use super::style::Style;

/// Breaks the flow into pages. The flow's items move onto the pages (it is
/// consumed: a book's worth of glyphs is not copied).
pub fn paginate(mut flow: Vec<Flow>, style: &Style, shaper: &mut Shaper) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    let mut current: Option<Page> = None;
    // The baseline of the last line on the page, from the block's top.
    let mut y = 0.0f32;
    let new_page = |pages: &mut Vec<Page>, current: &mut Option<Page>| {
        if let Some(page) = current.take() {
            pages.push(page);
        }
        *current = Some(Page::new(style.page_width, style.page_height));
    };
    let first_baseline = style.size;
    let mut index = 0;
    while index < flow.len() {
        match &flow[index] {
            Flow::NewPage => {
                if current.as_ref().is_none_or(|p| !p.items.is_empty()) {
                    new_page(&mut pages, &mut current);
                }
                y = 0.0;
            }
            Flow::Space(space) => {
                if current.as_ref().is_some_and(|p| !p.items.is_empty()) || y > 0.0 {
                    y += space;
                } else if index > 0 && matches!(flow[index - 1], Flow::NewPage) {
                    // Space at a chapter opening stays (the drop).
                    y += space;
                }
            }
            &Flow::Line { height, .. } => {
                if current.is_none() {
                    new_page(&mut pages, &mut current);
                }
                // This line and the ones it must stay with.
                let mut needed = if y == 0.0 { first_baseline } else { height };
                let mut look = index;
                while let Some(Flow::Line {
                    keep_with_next: true,
                    ..
                }) = flow.get(look)
                {
                    look += 1;
                    // The space after a kept line, then the line it keeps.
                    while let Some(Flow::Space(space)) = flow.get(look) {
                        needed += space;
                        look += 1;
                    }
                    match flow.get(look) {
                        Some(Flow::Line { height, .. }) => needed += height,
                        _ => break,
                    }
                }
                let empty = current.as_ref().is_some_and(|p| p.items.is_empty());
                if y + needed > style.block_height && !empty {
                    new_page(&mut pages, &mut current);
                    y = 0.0;
                }
                y += if y == 0.0 { first_baseline } else { height };
                let page = current.as_mut().expect("a page is open");
                let left = if (pages.len() + 1) % 2 == 1 {
                    style.inner
                } else {
                    style.outer
                };
                if let Flow::Line { items, .. } = &mut flow[index] {
                    page.items
                        .extend(std::mem::take(items).into_iter().map(|item| Positioned {
                            x: left + item.x,
                            y: style.top + y + item.y,
                            item: item.item,
                        }));
                }
            }
        }
        index += 1;
    }
    if let Some(page) = current.take() {
        pages.push(page);
    }
    // Folios, centred at the foot.
    for (n, page) in pages.iter_mut().enumerate() {
        let folio = (n + 1).to_string();
        let shaped = shaper.shape(
            &folio,
            style.faces.regular,
            style.size * 0.9,
            None,
            Features::default(),
        );
        let run = shaped.to_run(&folio);
        let left = if n % 2 == 0 { style.inner } else { style.outer };
        page.items.push(Positioned {
            x: left + (style.measure - shaped.width) / 2.0,
            y: style.page_height - style.bottom + style.size * 2.5,
            item: Item::Text(run),
        });
    }
    pages
}
