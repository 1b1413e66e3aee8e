//! The PDF writer's tests: what it writes, read back from the bytes with
//! [`read`] (why not an external tool: see there).

use super::*;
use crate::typeset::frame::{
    Bookmark, Item, LabelRange, Link, Numbering, Page, PlacedGlyph, Positioned, Target, TextRun,
};

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
        sheet: Default::default(),
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
        // Past the last page: left out.
        LabelRange {
            start: 9,
            style: Numbering::LowerRoman,
            first: 1,
        },
    ];
    assert_eq!(
        nav::page_labels(&ranges, 5),
        [
            (0, Numbering::Arabic, 1),
            (1, Numbering::LowerRoman, 5),
            (3, Numbering::Arabic, 1),
        ]
    );
    assert_eq!(nav::page_labels(&[], 5), []);
}

/// The embedded body face's index.
fn body_face(fonts: &FontSet) -> usize {
    fonts
        .faces
        .iter()
        .position(|f| &*f.family == "Libertinus Serif")
        .unwrap()
}

/// A page with `lines` set in the body face at 10 pt, one run each, and a
/// rule under them.
fn text_page(fonts: &FontSet, lines: &[&str]) -> Page {
    let body = body_face(fonts);
    let mut shaper = crate::typeset::shape::Shaper::new(fonts);
    let mut items: Vec<Positioned> = lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            let shaped = shaper.shape(line, body, 10.0, None, Default::default());
            Positioned {
                x: 72.0,
                y: 72.0 + 12.0 * n as f32,
                item: Item::Text(shaped.to_run(line)),
            }
        })
        .collect();
    items.push(Positioned {
        x: 72.0,
        y: 600.0,
        item: Item::Rule {
            width: 100.0,
            height: 0.5,
        },
    });
    Page {
        width: 432.0,
        height: HEIGHT,
        sheet: Default::default(),
        items,
        links: Vec::new(),
    }
}

fn text_document(fonts: &FontSet, pages: &[&[&str]]) -> Document {
    Document {
        pages: pages.iter().map(|lines| text_page(fonts, lines)).collect(),
        ..Document::default()
    }
}

fn meta() -> PdfMeta {
    PdfMeta {
        title: "Cached".into(),
        language: "en".into(),
        timestamp: Some(0),
        ..PdfMeta::default()
    }
}

#[test]
fn a_cache_gives_the_same_bytes_cold_and_warm_and_redraws_only_what_changed() {
    let fonts = FontSet::embedded();
    let pages: [&[&str]; 3] = [
        &["The first page, with office and fluffy."],
        &["A second page of text."],
        &["The third and last page."],
    ];
    let document = text_document(&fonts, &pages);
    let plain = export(&document, &fonts, &[], &meta()).unwrap();
    let silent = &crate::progress::Silent;
    let cache = PageCache::new();
    let cold = export_cached(&document, &fonts, &[], &meta(), silent, Some(&cache)).unwrap();
    assert_eq!(cold, plain, "a cold cache changes nothing");
    // Three pages and one font made.
    assert_eq!((cache.hits(), cache.misses()), (0, 4));
    let warm = export_cached(&document, &fonts, &[], &meta(), silent, Some(&cache)).unwrap();
    assert_eq!(warm, plain, "a warm cache changes nothing");
    assert_eq!((cache.hits(), cache.misses()), (4, 0));

    // The rule of the second page moves: that page alone is drawn again
    // (the glyphs, and so the font, are the same).
    let mut moved = document.clone();
    let rule = moved.pages[1].items.last_mut().unwrap();
    rule.y += 10.0;
    let plain = export(&moved, &fonts, &[], &meta()).unwrap();
    let warm = export_cached(&moved, &fonts, &[], &meta(), silent, Some(&cache)).unwrap();
    assert_eq!(warm, plain);
    assert_eq!((cache.hits(), cache.misses()), (3, 1));
    assert_eq!(cache.len(), 4, "the old second page is dropped");

    // Kept on disk and read back, the cache still serves every entry.
    let bytes = cache.to_bytes();
    let read = PageCache::from_bytes(&bytes).expect("a cache");
    assert_eq!(read.to_bytes(), bytes);
    let again = export_cached(&moved, &fonts, &[], &meta(), silent, Some(&read)).unwrap();
    assert_eq!(again, plain);
    assert_eq!((read.hits(), read.misses()), (4, 0));
    assert!(PageCache::from_bytes(&bytes[..bytes.len() - 1]).is_none());
    let mut other = bytes.clone();
    other[16] ^= 1;
    assert!(PageCache::from_bytes(&other).is_none(), "another format");
}

#[test]
fn a_page_on_a_sheet_is_drawn_and_cached_as_the_same_page_with_its_own_items() {
    let fonts = FontSet::embedded();
    let silent = &crate::progress::Silent;
    let own = text_document(&fonts, &[&["One line.", "Two lines."], &["Three."]]);
    let mut sealed = own.clone();
    for page in &mut sealed.pages {
        page.seal();
    }
    assert!(sealed.pages.iter().all(|p| p.items.is_empty()));
    let plain = export(&own, &fonts, &[], &meta()).unwrap();
    assert_eq!(export(&sealed, &fonts, &[], &meta()).unwrap(), plain);
    // Cold and warm, from memory and from disk: the same bytes.
    let cache = PageCache::new();
    let cold = export_cached(&sealed, &fonts, &[], &meta(), silent, Some(&cache)).unwrap();
    assert_eq!(cold, plain);
    let read = PageCache::from_bytes(&cache.to_bytes()).expect("a cache");
    let warm = export_cached(&sealed, &fonts, &[], &meta(), silent, Some(&read)).unwrap();
    assert_eq!(warm, plain);
    assert_eq!(
        (read.hits(), read.misses()),
        (3, 0),
        "two pages and the font"
    );
    let cache = read;
    // A head added over a sealed page (in glyphs the document has): that
    // page alone is drawn again.
    let mut headed = sealed.clone();
    let mut head = text_page(&fonts, &["Two"]);
    headed.pages[1].items.append(&mut head.items);
    let warm = export_cached(&headed, &fonts, &[], &meta(), silent, Some(&cache)).unwrap();
    assert_eq!(warm, export(&headed, &fonts, &[], &meta()).unwrap());
    assert_eq!((cache.hits(), cache.misses()), (2, 1), "page 2 alone");
}

#[test]
fn a_new_glyph_redraws_the_pages_whose_cids_it_moves() {
    let fonts = FontSet::embedded();
    let cache = PageCache::new();
    let silent = &crate::progress::Silent;
    let before = text_document(&fonts, &[&["zzz"], &["aaa"]]);
    export_cached(&before, &fonts, &[], &meta(), silent, Some(&cache)).unwrap();
    // `m` comes between `a` and `z` in the font: the CID of `z` moves, that
    // of `a` does not.
    let after = text_document(&fonts, &[&["zzz"], &["aaa"], &["mmm"]]);
    let warm = export_cached(&after, &fonts, &[], &meta(), silent, Some(&cache)).unwrap();
    assert_eq!(warm, export(&after, &fonts, &[], &meta()).unwrap());
    // Page 1 (z moved), page 3 (new) and the font are made; page 2 is kept.
    assert_eq!((cache.hits(), cache.misses()), (1, 3));
}

#[test]
fn the_bytes_do_not_depend_on_the_number_of_threads() {
    let fonts = FontSet::embedded();
    let lines: Vec<String> = (0..40).map(|n| format!("Line {n} of a page.")).collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let pages: Vec<&[&str]> = lines.chunks(4).collect();
    let document = text_document(&fonts, &pages);
    let export_on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| export(&document, &fonts, &[], &meta()).unwrap())
    };
    let one = export_on(1);
    assert_eq!(export_on(2), one);
    assert_eq!(export_on(4), one);
}

/// A run with explicit glyphs and text ranges, in the body face.
fn run_of(fonts: &FontSet, text: &str, glyphs: &[(u32, std::ops::Range<usize>)]) -> TextRun {
    TextRun {
        face: body_face(fonts),
        size: 10.0,
        glyphs: glyphs
            .iter()
            .map(|(id, range)| PlacedGlyph {
                id: *id,
                advance: 5.0,
                x_offset: 0.0,
                y_offset: 0.0,
                text: range.start as u32..range.end as u32,
            })
            .collect(),
        text: text.to_string(),
        expansion: 1.0,
    }
}

fn page_of(runs: Vec<TextRun>) -> Page {
    Page {
        width: 432.0,
        height: HEIGHT,
        sheet: Default::default(),
        items: runs
            .into_iter()
            .map(|run| Positioned {
                x: 10.0,
                y: 20.0,
                item: Item::Text(run),
            })
            .collect(),
        links: Vec::new(),
    }
}

/// The glyph the body face maps `c` to.
fn gid_of(fonts: &FontSet, c: char) -> u32 {
    use skrifa::MetadataProvider;
    let face = &fonts.faces[body_face(fonts)];
    let font = skrifa::FontRef::new(face.bytes()).unwrap();
    font.charmap().map(c).unwrap().to_u32()
}

/// The glyph of the body face's `fi` ligature.
fn fi_ligature(fonts: &FontSet) -> u32 {
    let mut shaper = crate::typeset::shape::Shaper::new(fonts);
    let shaped = shaper.shape("fi", body_face(fonts), 10.0, None, Default::default());
    assert_eq!(shaped.glyphs.len(), 1, "the face has an fi ligature");
    shaped.glyphs[0].id
}

/// The tables of `document`'s faces by face index.
fn by_face<'a>(fonts: &FontSet, tables: &'a [font::FaceTable]) -> Vec<Option<&'a font::FaceTable>> {
    let mut by_face = vec![None; fonts.faces.len()];
    for table in tables {
        by_face[table.face] = Some(table);
    }
    by_face
}

#[test]
fn each_glyph_maps_to_its_own_character_else_the_first_text_it_stands_for() {
    let fonts = FontSet::embedded();
    let (a, b, e, hyphen, fi) = (
        gid_of(&fonts, 'a'),
        gid_of(&fonts, 'b'),
        gid_of(&fonts, 'e'),
        gid_of(&fonts, '-'),
        fi_ligature(&fonts),
    );
    let document = Document {
        pages: vec![
            page_of(vec![
                // `b` leads a cluster of two (with `e`), `a` stands alone;
                // a hyphen first carries the rest of a word.
                run_of(&fonts, "xa", &[(b, 0..1), (e, 0..1), (a, 1..2)]),
                run_of(&fonts, "word", &[(hyphen, 0..4)]),
                run_of(&fonts, "", &[(hyphen, 0..0)]),
            ]),
            page_of(vec![run_of(&fonts, "bfi", &[(b, 0..1), (fi, 1..3)])]),
            // Later texts do not change a glyph's map; a real hyphen gives
            // the hyphen its own character.
            page_of(vec![run_of(&fonts, "c-", &[(b, 0..1), (hyphen, 1..2)])]),
        ],
        ..Document::default()
    };
    let tables = font::tables(&document, &font::drawings(&document), &fonts);
    assert_eq!(tables.len(), 1);
    let table = &tables[0];
    let mut gids = vec![0, a as u16, b as u16, e as u16, hyphen as u16, fi as u16];
    gids.sort();
    assert_eq!(table.gids, gids, "notdef first, then ascending");
    assert_eq!(table.text(b), Some("b"), "its own character");
    assert_eq!(table.text(a), Some("a"));
    assert_eq!(table.text(e), None, "only ever the second of a cluster");
    assert_eq!(table.text(hyphen), Some("-"), "its own, found later");
    assert_eq!(table.text(fi), Some("fi"), "a ligature for its letters");
    assert_eq!(table.text(0), None);
    let cmap = String::from_utf8(font::to_unicode(table)).unwrap();
    assert!(cmap.contains("4 beginbfchar\n"), "{cmap}");
    let line = |gid: u32, hex: &str| format!("<{:04X}> <{hex}>\n", table.cid(gid));
    assert!(cmap.contains(&line(b, "0062")), "{cmap}");
    assert!(cmap.contains(&line(hyphen, "002D")), "{cmap}");
    assert!(cmap.contains(&line(fi, "00660069")), "{cmap}");
    assert!(!cmap.contains(&format!("<{:04X}>", table.cid(e))), "{cmap}");
}

#[test]
fn actual_text_wraps_only_what_the_tounicode_map_gets_wrong() {
    let fonts = FontSet::embedded();
    let (a, b, e, hyphen) = (
        gid_of(&fonts, 'a'),
        gid_of(&fonts, 'b'),
        gid_of(&fonts, 'e'),
        gid_of(&fonts, '-'),
    );
    let runs = vec![
        // Plain: each glyph alone for its own text.
        run_of(&fonts, "ab", &[(a, 0..1), (b, 1..2)]),
        // A hyphen standing for the rest of its word, after a plain glyph.
        run_of(&fonts, "aword", &[(a, 0..1), (hyphen, 1..5)]),
        // Two glyphs for one character, then a glyph for nothing, a plain
        // one, and one with another text than its own.
        run_of(
            &fonts,
            "éba",
            &[(e, 0..2), (hyphen, 0..2), (b, 2..2), (b, 2..3), (a, 3..4)],
        ),
        run_of(&fonts, "-", &[(hyphen, 0..1)]),
    ];
    let mut runs = runs;
    // `a` standing for `x`: another text than its own.
    runs[2].text = "ébx".into();
    let document = Document {
        pages: vec![page_of(runs.clone())],
        ..Document::default()
    };
    let tables = font::tables(&document, &font::drawings(&document), &fonts);
    let table = &tables[0];
    let spans = |run: &TextRun| -> Vec<(usize, Option<String>)> {
        page::segments(run, table)
            .map(|s| (s.glyphs.len(), s.actual.map(str::to_string)))
            .collect()
    };
    assert_eq!(spans(&runs[0]), [(2, None)]);
    assert_eq!(spans(&runs[1]), [(1, None), (1, Some("word".into()))]);
    assert_eq!(
        spans(&runs[2]),
        [
            (2, Some("é".into())),
            (1, Some(String::new())),
            (1, None),
            (1, Some("x".into())),
        ]
    );
    assert_eq!(spans(&runs[3]), [(1, None)]);
    // In the content stream: a span per stretch, its text as UTF-16, a
    // span of one glyph shown with `Tj`.
    let by_face = by_face(&fonts, &tables);
    let content = latin1(&page::content(&document.pages[0], &by_face, &|_| true));
    let word = format!(
        "/Span <</ActualText <FEFF0077006F00720064>>> BDC\n({}) Tj\nEMC\n",
        latin1(&literal(table.cid(hyphen)))
    );
    assert!(content.contains(&word), "{content}");
    assert!(
        content.contains("/Span <</ActualText ()>> BDC\n"),
        "{content}"
    );
    assert_eq!(content.matches("BDC").count(), 4, "{content}");
    assert_eq!(content.matches("EMC").count(), 4, "{content}");
}

#[test]
fn text_is_placed_bottom_up_with_the_frame_advances() {
    let fonts = FontSet::embedded();
    let body = body_face(&fonts);
    let mut shaper = crate::typeset::shape::Shaper::new(&fonts);
    let mut run = shaper
        .shape("AV", body, 10.0, None, Default::default())
        .to_run("AV");
    let natural: Vec<f32> = run.glyphs.iter().map(|g| g.advance).collect();
    // Justification: 2 pt more after the first glyph; expansion 2 %.
    run.glyphs[0].advance += 2.0;
    run.expansion = 1.02;
    for glyph in &mut run.glyphs {
        glyph.advance *= 1.02;
    }
    let page = Page {
        width: 432.0,
        height: HEIGHT,
        sheet: Default::default(),
        items: vec![Positioned {
            x: 72.0,
            y: 100.0,
            item: Item::Text(run.clone()),
        }],
        links: Vec::new(),
    };
    let document = Document {
        pages: vec![page],
        ..Document::default()
    };
    let tables = font::tables(&document, &font::drawings(&document), &fonts);
    let by_face = by_face(&fonts, &tables);
    let content = latin1(&page::content(&document.pages[0], &by_face, &|_| true));
    assert!(
        content.starts_with(&format!("BT\n/F{body} 10 Tf\n102 Tz\n1 0 0 1 72 548 Tm\n")),
        "{content}"
    );
    // The second glyph moves right by what its advance adds to the font's
    // width (kerning included), in thousandths of an em before `Tz`.
    let table = &tables[0];
    let width = table.widths[usize::from(table.cid(run.glyphs[0].id))];
    let shift = (natural[0] + 2.0) / 10.0 * 1000.0 - width;
    let expected = format!("{:.1}", -shift);
    let expected = expected.trim_end_matches('0').trim_end_matches('.');
    assert!(
        content.contains(&format!(" {expected} (")),
        "{content} / {expected}"
    );
    assert!(content.ends_with("] TJ\nET\n"), "{content}");
}

#[test]
fn images_are_written_once_with_a_soft_mask_for_alpha() {
    use crate::model::{ImageFile, ImageFormat};
    // A 2 × 1 RGBA PNG: one opaque red pixel, one half-transparent blue.
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, 2, 1);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&[255, 0, 0, 255, 0, 0, 255, 128])
            .unwrap();
    }
    let file = ImageFile {
        path: crate::world::BookPath::parse("pic.png").unwrap(),
        format: ImageFormat::Png,
        pixels: Some((2, 1)),
        animated: false,
        data: png.into(),
    };
    let image = |y: f32| Positioned {
        x: 10.0,
        y,
        item: Item::Image {
            image: 0,
            width: 20.0,
            height: 10.0,
            alt: "A".into(),
        },
    };
    let document = Document {
        pages: vec![Page {
            width: 432.0,
            height: HEIGHT,
            sheet: Default::default(),
            items: vec![image(20.0), image(100.0)],
            links: Vec::new(),
        }],
        ..Document::default()
    };
    let bytes = export(
        &document,
        &FontSet::embedded(),
        std::slice::from_ref(&file),
        &meta(),
    )
    .unwrap();
    let pdf = Pdf::read(&bytes);
    let first = Obj::Ref(pdf.pages()[0]);
    let resources = pdf.at(&first, "Resources");
    let xobjects = pdf.at(resources, "XObject");
    let Obj::Dict(entries) = xobjects else {
        panic!("{xobjects:?}")
    };
    assert_eq!(entries.len(), 1, "written once");
    let picture = pdf.resolve(&entries[0].1);
    assert_eq!(pdf.at(picture, "Width").num(), 2.0);
    assert_eq!(pdf.at(picture, "ColorSpace").name(), "DeviceRGB");
    assert_eq!(pdf.at(picture, "Filter").name(), "FlateDecode");
    let mask = pdf.at(picture, "SMask");
    assert_eq!(pdf.at(mask, "ColorSpace").name(), "DeviceGray");

    // A damaged file: an error naming it.
    let mut damaged = file.clone();
    let mut data = damaged.data.to_vec();
    let idat = data.windows(4).position(|w| w == b"IDAT").unwrap();
    data[idat + 6] ^= 0xFF;
    damaged.data = data.into();
    let error = export(&document, &FontSet::embedded(), &[damaged], &meta()).unwrap_err();
    assert_eq!(error.code, "pdf-failed");
    assert!(
        error.message.contains("image `pic.png` cannot be decoded"),
        "{}",
        error.message
    );
}

#[test]
fn a_jpeg_is_embedded_as_it_is() {
    // The smallest header: SOI, SOF0 of 3 × 2 with 3 components, EOI.
    let jpeg = [
        0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0, 2, 0, 3, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF,
        0xD9,
    ];
    let encoded = image::Encoded::from_bytes(
        &image::encode(
            &crate::model::ImageFile {
                path: crate::world::BookPath::parse("a.jpg").unwrap(),
                format: crate::model::ImageFormat::Jpeg,
                pixels: Some((3, 2)),
                animated: false,
                data: jpeg.to_vec().into(),
            },
            6,
        )
        .unwrap()
        .to_bytes(),
    )
    .unwrap();
    let mut chunk = pdf_writer::Chunk::new();
    encoded.write(&mut chunk, pdf_writer::Ref::new(1));
    let text = String::from_utf8_lossy(chunk.as_bytes());
    assert!(text.contains("/Filter /DCTDecode"), "{text}");
    assert!(text.contains("/Width 3"), "{text}");
    assert!(text.contains("/Height 2"), "{text}");
    assert!(text.contains("/ColorSpace /DeviceRGB"), "{text}");
    assert!(
        chunk.as_bytes().windows(jpeg.len()).any(|w| w == jpeg),
        "the bytes as they are"
    );
}

#[test]
fn the_xmp_states_the_same_facts_escaped() {
    let meta = PdfMeta {
        title: "Fish & <Chips>".into(),
        authors: vec!["A".into(), "B".into()],
        language: "en".into(),
        description: None,
        keywords: vec!["k".into()],
        timestamp: Some(1_700_000_000),
    };
    let xmp = meta::xmp(&meta, "00112233445566778899aabbccddeeff", 3);
    assert!(xmp.contains("<xmpTPg:NPages>3</xmpTPg:NPages>"), "{xmp}");
    assert!(
        xmp.contains("<rdf:li xml:lang=\"x-default\">Fish &amp; &lt;Chips&gt;</rdf:li>"),
        "{xmp}"
    );
    assert!(xmp.contains("<rdf:li>A, B</rdf:li>"), "{xmp}");
    assert!(
        xmp.contains("<xmp:CreateDate>2023-11-14T22:13:20Z</xmp:CreateDate>"),
        "{xmp}"
    );
    assert!(xmp.contains("<pdf:Keywords>k</pdf:Keywords>"), "{xmp}");
    assert!(
        xmp.contains("uuid:00112233-4455-6677-8899-aabbccddeeff"),
        "{xmp}"
    );
    assert!(xmp.starts_with("<?xpacket begin=\"\u{feff}\""));
}

/// A content stream's bytes as text, one char per byte.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// A CID as the two bytes of a literal string, escaped.
fn literal(cid: u16) -> Vec<u8> {
    let mut out = Vec::new();
    page::literal16(&mut out, cid);
    out
}

#[test]
fn cids_are_literal_bytes_with_delimiters_and_carriage_returns_escaped() {
    assert_eq!(literal(0x0041), b"\x00A");
    assert_eq!(literal(0x2829), b"\\(\\)");
    assert_eq!(literal(0x5C0D), b"\\\\\\r");
    // A line feed is read as itself; only a carriage return is not.
    assert_eq!(literal(0x0A0A), b"\n\n");
    assert_eq!(literal(0xFFFF), [0xFF, 0xFF]);
}
