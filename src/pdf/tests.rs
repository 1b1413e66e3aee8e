//! The PDF writer's tests: what it writes, read back from the bytes with
//! [`read`] (why not an external tool: see there).

use super::*;
use crate::typeset::frame::{Bookmark, LabelRange, Link, Numbering, Page, Positioned, Target};

mod read;

use read::{Obj, Pdf};

#[test]
fn writes_a_page_with_text_the_same_every_time() {
    let fonts = FontSet::embedded();
    let body = fonts
        .faces
        .iter()
        .position(|f| &*f.family == "Libertinus Serif")
        .unwrap();
    let mut shaper = crate::typeset::shape::Shaper::new(&fonts);
    let shaped = shaper.shape("Hello", body, 12.0, None, Default::default());
    let run = shaped.to_run("Hello");
    let page = Page {
        width: 432.0,
        height: 648.0,
        items: vec![Positioned {
            x: 72.0,
            y: 72.0,
            item: Item::Text(run),
        }],
        links: Vec::new(),
    };
    let document = Document {
        pages: vec![page],
        ..Document::default()
    };
    let meta = PdfMeta {
        title: "T".into(),
        language: "en".into(),
        timestamp: Some(0),
        ..PdfMeta::default()
    };
    let first = export(&document, &fonts, &[], &meta).unwrap();
    let second = export(&document, &fonts, &[], &meta).unwrap();
    assert!(first.starts_with(b"%PDF-"));
    assert_eq!(first, second);
    let text = String::from_utf8_lossy(&first);
    assert!(text.contains("/Lang"), "the language is declared");
    assert!(
        text.contains("FontFile3") || text.contains("FontFile2"),
        "the font is embedded"
    );
}

/// Page height of the test documents, in points.
const HEIGHT: f32 = 648.0;

/// A place on a page, `y` from the top.
fn place(page: usize, x: f32, y: f32) -> Target {
    Target::Place { page, x, y }
}

fn bookmark(title: &str, target: Target, children: Vec<Bookmark>) -> Bookmark {
    Bookmark {
        title: title.to_string(),
        target,
        children,
    }
}

/// Three empty pages; the first has a link to the third at y = 100, a link
/// to a web page and a link to a page the document does not have; a
/// two-level outline; pages numbered i, ii, 1.
fn navigated() -> Document {
    let mut pages = vec![Page::new(432.0, HEIGHT); 3];
    pages[0].links = vec![
        Link {
            x: 72.0,
            y: 200.0,
            width: 100.0,
            height: 12.0,
            target: place(2, 54.0, 100.0),
        },
        Link {
            x: 72.0,
            y: 300.0,
            width: 80.0,
            height: 12.0,
            target: Target::Uri("https://example.org/a?b=c".to_string()),
        },
        Link {
            x: 72.0,
            y: 400.0,
            width: 80.0,
            height: 12.0,
            target: place(3, 0.0, 0.0),
        },
    ];
    Document {
        pages,
        outline: vec![
            bookmark(
                "Preface",
                place(0, 0.0, 0.0),
                vec![bookmark("Thanks", place(1, 0.0, 250.0), Vec::new())],
            ),
            bookmark(
                "One",
                place(2, 0.0, 54.0),
                vec![
                    bookmark("Start", place(2, 0.0, 300.0), Vec::new()),
                    // Past the last page: left out, its child moves up.
                    bookmark(
                        "Gone",
                        place(7, 0.0, 0.0),
                        vec![bookmark("Kept", place(2, 0.0, 400.0), Vec::new())],
                    ),
                ],
            ),
        ],
        labels: vec![
            LabelRange {
                start: 0,
                style: Numbering::LowerRoman,
                first: 1,
            },
            LabelRange {
                start: 2,
                style: Numbering::Arabic,
                first: 1,
            },
        ],
    }
}

fn export_navigated(meta: &PdfMeta) -> Pdf {
    let bytes = export(&navigated(), &FontSet::embedded(), &[], meta).unwrap();
    Pdf::read(&bytes)
}

/// A destination `[page /XYZ left top zoom]` as (page index, left, top in
/// PDF's bottom-up space).
fn destination(pdf: &Pdf, value: &Obj) -> (usize, f64, f64) {
    let items = pdf.resolve(value).array();
    assert_eq!(items[1].name(), "XYZ");
    let page = pdf
        .pages()
        .iter()
        .position(|&n| n == items[0].reference())
        .expect("a page of the document");
    (page, items[2].num(), items[3].num())
}

#[test]
fn links_go_to_the_point_and_to_the_uri() {
    let pdf = export_navigated(&PdfMeta::default());
    let pages = pdf.pages();
    assert_eq!(pages.len(), 3);
    let first = Obj::Ref(pages[0]);
    let annots = pdf.at(&first, "Annots").array();
    assert_eq!(annots.len(), 2, "the link past the last page is left out");

    let internal = pdf.resolve(&annots[0]);
    assert_eq!(pdf.at(internal, "Subtype").name(), "Link");
    let rect: Vec<f64> = pdf
        .at(internal, "Rect")
        .array()
        .iter()
        .map(Obj::num)
        .collect();
    // x 72..172, y 200..212 from the top: 436..448 from the bottom.
    assert_eq!(rect, [72.0, 436.0, 172.0, 448.0]);
    let border: Vec<f64> = pdf
        .at(internal, "Border")
        .array()
        .iter()
        .map(Obj::num)
        .collect();
    assert_eq!(border, [0.0, 0.0, 0.0], "no visible border");
    // y = 100 from the top of the third page is 548 from its bottom.
    assert_eq!(
        destination(&pdf, pdf.at(internal, "Dest")),
        (2, 54.0, f64::from(HEIGHT) - 100.0)
    );

    let external = pdf.resolve(&annots[1]);
    let action = pdf.at(external, "A");
    assert_eq!(pdf.at(action, "S").name(), "URI");
    assert_eq!(
        pdf.at(action, "URI"),
        &Obj::Str(b"https://example.org/a?b=c".to_vec())
    );
    assert!(pdf.get(&Obj::Ref(pages[1]), "Annots").is_none());
}

/// An outline entry as (title, destination page, top, children).
#[derive(Debug, PartialEq)]
struct Entry {
    title: String,
    page: usize,
    top: f64,
    children: Vec<Entry>,
    /// The entry's `/Count`, when it has children (negative: closed).
    count: Option<f64>,
}

fn entries(pdf: &Pdf, parent: &Obj) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut next = pdf.resolve(parent).get("First").cloned();
    while let Some(item) = next {
        let (page, _, top) = destination(pdf, pdf.at(&item, "Dest"));
        out.push(Entry {
            title: pdf.at(&item, "Title").text(),
            page,
            top,
            children: entries(pdf, &item),
            count: pdf.get(&item, "Count").map(Obj::num),
        });
        next = pdf.resolve(&item).get("Next").cloned();
    }
    out
}

fn entry(title: &str, page: usize, top: f32, children: Vec<Entry>) -> Entry {
    let count = (!children.is_empty()).then(|| -(children.len() as f64));
    Entry {
        title: title.to_string(),
        page,
        top: f64::from(HEIGHT - top),
        children,
        count,
    }
}

#[test]
fn the_outline_nests_with_closed_chapters() {
    let pdf = export_navigated(&PdfMeta::default());
    let outlines = pdf.at(pdf.catalog(), "Outlines");
    assert_eq!(
        entries(&pdf, outlines),
        [
            entry(
                "Preface",
                0,
                0.0,
                vec![entry("Thanks", 1, 250.0, Vec::new())]
            ),
            entry(
                "One",
                2,
                54.0,
                vec![
                    entry("Start", 2, 300.0, Vec::new()),
                    entry("Kept", 2, 400.0, Vec::new()),
                ]
            ),
        ]
    );
}

/// The label a viewer shows for each page: `/PageLabels`' entry with the
/// greatest page index at or before the page, its `/St` (1 when absent)
/// counted on from that index.
fn shown_labels(pdf: &Pdf) -> Vec<String> {
    let tree = pdf.at(pdf.catalog(), "PageLabels");
    let nums = pdf.at(tree, "Nums").array();
    let ranges: Vec<(usize, &Obj)> = nums
        .chunks(2)
        .map(|pair| (pair[0].num() as usize, pdf.resolve(&pair[1])))
        .collect();
    assert_eq!(ranges[0].0, 0, "the first range starts at the first page");
    (0..pdf.pages().len())
        .map(|page| {
            let (start, label) = ranges
                .iter()
                .rev()
                .find(|(start, _)| *start <= page)
                .unwrap();
            let first = label.get("St").map_or(1.0, Obj::num) as u32;
            let number = first + (page - start) as u32;
            match label.get("S").map(Obj::name) {
                Some("r") => Numbering::LowerRoman.format(number),
                Some("D") => number.to_string(),
                other => panic!("a label style quire does not write: {other:?}"),
            }
        })
        .collect()
}

#[test]
fn page_labels_number_the_front_matter_in_roman() {
    let pdf = export_navigated(&PdfMeta::default());
    assert_eq!(shown_labels(&pdf), ["i", "ii", "1"]);
    let tree = pdf.at(pdf.catalog(), "PageLabels");
    let nums = pdf.at(tree, "Nums").array();
    let last = pdf.resolve(&nums[nums.len() - 1]);
    assert_eq!(
        nums[nums.len() - 2].num(),
        2.0,
        "the arabic range starts at page 2"
    );
    assert_eq!(last.get("S"), Some(&Obj::Name("D".into())));
    assert_eq!(last.get("St"), Some(&Obj::Num(1.0)));
}

#[test]
fn no_ranges_no_page_labels_and_no_outline() {
    let document = Document {
        pages: vec![Page::new(432.0, HEIGHT); 2],
        ..Document::default()
    };
    let bytes = export(&document, &FontSet::embedded(), &[], &PdfMeta::default()).unwrap();
    let pdf = Pdf::read(&bytes);
    assert!(pdf.get(pdf.catalog(), "PageLabels").is_none());
    assert!(pdf.get(pdf.catalog(), "Outlines").is_none());
}

#[test]
fn metadata_has_keywords_subject_and_both_dates() {
    let meta = PdfMeta {
        title: "A Book".into(),
        authors: vec!["A. Author".into()],
        language: "en".into(),
        description: Some("About things.".into()),
        keywords: vec!["typesetting".into(), "books".into()],
        timestamp: Some(1_700_000_000),
    };
    let pdf = export_navigated(&meta);
    let info = pdf.at(&pdf.trailer, "Info");
    assert_eq!(pdf.at(info, "Keywords").text(), "typesetting, books");
    assert_eq!(pdf.at(info, "Subject").text(), "About things.");
    // 1 700 000 000 s after the epoch is 2023-11-14 22:13:20 UTC.
    let created = pdf.at(info, "CreationDate").text();
    assert!(created.starts_with("D:20231114221320"), "{created}");
    assert_eq!(pdf.at(info, "ModDate").text(), created);

    let bare = export_navigated(&PdfMeta::default());
    let info = bare.get(&bare.trailer, "Info");
    assert!(
        info.is_none_or(|info| info.get("Keywords").is_none() && info.get("ModDate").is_none())
    );
}

#[test]
fn page_labels_take_ranges_in_page_order_and_count_from_one() {
    use krilla::page::{NumberingStyle, PageLabel};
    let label = |style, n| PageLabel::new(Some(style), None, std::num::NonZeroU32::new(n));
    let ranges = [
        LabelRange {
            start: 3,
            style: Numbering::Arabic,
            first: 0,
        },
        LabelRange {
            start: 1,
            style: Numbering::LowerRoman,
            first: 5,
        },
    ];
    assert_eq!(
        nav::page_labels(&ranges, 5).unwrap(),
        [
            label(NumberingStyle::Arabic, 1),
            label(NumberingStyle::LowerRoman, 5),
            label(NumberingStyle::LowerRoman, 6),
            label(NumberingStyle::Arabic, 1),
            label(NumberingStyle::Arabic, 2),
        ]
    );
    assert_eq!(nav::page_labels(&[], 5), None);
}
