//! The allow-list: which elements are kept, where they may go, and which
//! are renamed or dropped.

/// Where an element may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Category {
    /// In running text and in blocks (`span`, `em`, `a` …).
    Phrasing,
    /// Only among blocks (`div`, `p`, `table` …).
    Flow,
}

/// What an element may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Model {
    /// Text, phrasing and flow elements.
    Flow,
    /// Text and phrasing elements.
    Phrasing,
    /// Only the elements that name it as a parent, and white space.
    Structure,
    /// Nothing: written self-closed, never left open.
    Void,
}

/// An element quire keeps.
#[derive(Debug)]
pub(super) struct Element {
    pub(super) name: &'static str,
    pub(super) category: Category,
    pub(super) model: Model,
    /// The parents it needs; empty for any that holds its category.
    pub(super) parents: &'static [&'static str],
    /// Elements it may not be inside, at any depth.
    pub(super) not_inside: &'static [&'static str],
    /// Attributes it takes beyond the global ones.
    pub(super) attributes: &'static [&'static str],
    /// Its end tag may be left out (HTML's optional end tags), so ending it
    /// implicitly is not worth a warning.
    pub(super) optional_end: bool,
}

pub(super) const fn phrasing(name: &'static str) -> Element {
    Element {
        name,
        category: Category::Phrasing,
        model: Model::Phrasing,
        parents: &[],
        not_inside: &[],
        attributes: &[],
        optional_end: false,
    }
}

pub(super) const fn flow(name: &'static str, model: Model) -> Element {
    Element {
        category: Category::Flow,
        model,
        ..phrasing(name)
    }
}

impl Element {
    const fn parents(self, parents: &'static [&'static str]) -> Self {
        Element { parents, ..self }
    }
    const fn not_inside(self, not_inside: &'static [&'static str]) -> Self {
        Element { not_inside, ..self }
    }
    const fn attributes(self, attributes: &'static [&'static str]) -> Self {
        Element { attributes, ..self }
    }
    const fn optional_end(self) -> Self {
        Element {
            optional_end: true,
            ..self
        }
    }
    const fn void(self) -> Self {
        Element {
            model: Model::Void,
            ..self
        }
    }
}

/// Where sections and headings may not go (HTML's content models of
/// `address`, `dt` and `th`).
pub(super) const NO_SECTIONS: &[&str] = &["address", "dt", "th"];
/// Where `header` and `footer` may not go.
pub(super) const NO_HEADERS: &[&str] = &["address", "dt", "th", "header", "footer"];
pub(super) const CELL_PARENT: &[&str] = &["tr"];
/// A row directly in a table gets a `tbody` (see `RawHtml::start_tag`).
pub(super) const ROW_PARENTS: &[&str] = &["thead", "tbody"];
pub(super) const TABLE_PARENT: &[&str] = &["table"];

/// Every element quire keeps, with what it may hold and where it may go.
#[rustfmt::skip]
pub(super) static ELEMENTS: &[Element] = &[
    // Phrasing.
    phrasing("a").attributes(&["href"]).not_inside(&["a"]),
    phrasing("abbr"),
    phrasing("b"),
    phrasing("bdi"),
    phrasing("bdo"),
    phrasing("br").void(),
    phrasing("cite"),
    phrasing("code"),
    phrasing("del").attributes(&["cite", "datetime"]),
    phrasing("dfn").not_inside(&["dfn"]),
    phrasing("em"),
    phrasing("i"),
    phrasing("ins").attributes(&["cite", "datetime"]),
    phrasing("kbd"),
    phrasing("mark"),
    phrasing("q").attributes(&["cite"]),
    phrasing("rt").parents(&["ruby"]).optional_end(),
    phrasing("ruby"),
    phrasing("s"),
    phrasing("samp"),
    phrasing("small"),
    phrasing("span"),
    phrasing("strong"),
    phrasing("sub"),
    phrasing("sup"),
    phrasing("time").attributes(&["datetime"]),
    phrasing("u"),
    phrasing("var"),
    phrasing("wbr").void(),
    // Flow.
    flow("address", Model::Flow).not_inside(&["address"]),
    flow("article", Model::Flow).not_inside(NO_SECTIONS),
    flow("aside", Model::Flow).not_inside(NO_SECTIONS),
    flow("blockquote", Model::Flow).attributes(&["cite"]),
    flow("caption", Model::Flow).parents(TABLE_PARENT).optional_end(),
    flow("dd", Model::Flow).parents(&["dl"]).optional_end(),
    flow("div", Model::Flow),
    flow("dl", Model::Structure),
    flow("dt", Model::Flow).parents(&["dl"]).optional_end(),
    flow("figcaption", Model::Flow).parents(&["figure"]),
    flow("figure", Model::Flow),
    flow("footer", Model::Flow).not_inside(NO_HEADERS),
    flow("h2", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("h3", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("h4", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("h5", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("h6", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("header", Model::Flow).not_inside(NO_HEADERS),
    flow("hr", Model::Void),
    flow("li", Model::Flow).parents(&["ul", "ol"]).optional_end(),
    flow("ol", Model::Structure).attributes(&["start", "reversed", "type"]),
    flow("p", Model::Phrasing).optional_end(),
    flow("pre", Model::Phrasing),
    flow("section", Model::Flow).not_inside(NO_SECTIONS),
    flow("table", Model::Structure).not_inside(&["caption"]),
    flow("tbody", Model::Structure).parents(TABLE_PARENT).optional_end(),
    flow("td", Model::Flow).parents(CELL_PARENT).attributes(&["colspan", "rowspan"]).optional_end(),
    flow("th", Model::Flow).parents(CELL_PARENT).optional_end()
        .attributes(&["colspan", "rowspan", "scope"]),
    flow("thead", Model::Structure).parents(TABLE_PARENT).optional_end(),
    flow("tr", Model::Structure).parents(ROW_PARENTS).optional_end(),
    flow("ul", Model::Structure),
];

/// Old or variant names written as another element (`h1` is the chapter's
/// own heading, so a raw one becomes `h2`, as a Markdown `#` inside does).
/// `details` and `summary` become plain blocks: a disclosure widget must
/// start with its summary, and e-book readers rarely open one anyway; a
/// `tfoot` is a body, as a footer must be the last thing in its table.
pub(super) const RENAMED: &[(&str, &str)] = &[
    ("acronym", "abbr"),
    ("center", "div"),
    ("details", "div"),
    ("h1", "h2"),
    ("listing", "pre"),
    ("strike", "s"),
    ("summary", "div"),
    ("tfoot", "tbody"),
    ("tt", "code"),
    ("xmp", "pre"),
];

pub(super) const SCRIPTS: &str = "the e-book runs no scripts";
pub(super) const LOOKS: &str = "the book's style sheet decides the look";
pub(super) const EMBEDS: &str = "embedded pages and plug-ins cannot be carried into the e-book";
pub(super) const FORMS: &str = "forms do not work in a book";
pub(super) const MEDIA: &str =
    "audio, video and drawings in raw HTML are not carried into the e-book";
pub(super) const IMAGES: &str =
    "write images in Markdown, `![alt](path)`, so that they are embedded in the book";
pub(super) const HEAD: &str = "it belongs in a page's head, which quire writes itself";
pub(super) const RUBY: &str = "e-book readers show ruby text above its base, so the parentheses for those that cannot are not needed";

/// Elements left out with their content (or alone, when void), and why.
pub(super) const DROPPED: &[(&str, bool, &str)] = &[
    ("applet", false, EMBEDS),
    ("area", true, IMAGES),
    ("audio", false, MEDIA),
    ("base", true, HEAD),
    ("button", false, FORMS),
    ("canvas", false, MEDIA),
    ("col", true, LOOKS),
    ("colgroup", false, LOOKS),
    ("datalist", false, FORMS),
    ("embed", true, EMBEDS),
    ("form", false, FORMS),
    ("frame", true, EMBEDS),
    ("frameset", false, EMBEDS),
    ("head", false, HEAD),
    ("iframe", false, EMBEDS),
    ("img", true, IMAGES),
    ("input", true, FORMS),
    ("keygen", true, FORMS),
    ("link", true, LOOKS),
    ("map", false, IMAGES),
    ("math", false, MEDIA),
    ("meta", true, HEAD),
    ("noembed", false, EMBEDS),
    ("noframes", false, EMBEDS),
    ("noscript", false, SCRIPTS),
    ("object", false, EMBEDS),
    ("optgroup", false, FORMS),
    ("option", false, FORMS),
    ("param", true, EMBEDS),
    ("picture", false, IMAGES),
    ("rp", false, RUBY),
    ("script", false, SCRIPTS),
    ("select", false, FORMS),
    ("source", true, MEDIA),
    ("style", false, LOOKS),
    ("svg", false, MEDIA),
    ("template", false, SCRIPTS),
    ("textarea", false, FORMS),
    ("title", false, HEAD),
    ("track", true, MEDIA),
    ("video", false, MEDIA),
];

/// Unknown elements that only ever set the look.
pub(super) const PRESENTATIONAL: &[&str] = &["basefont", "big", "blink", "font", "marquee", "nobr"];

/// The elements that keep a `role`, and the roles each may have: `div`,
/// `span`, `p`, `figure` and `blockquote` any of [`ROLES`]; `section` and
/// `aside` the ones HTML allows them (as EPUBCheck checks).
pub(super) fn roles(element: &str) -> Option<&'static [&'static str]> {
    match element {
        "div" | "span" | "p" | "figure" | "blockquote" => Some(ROLES),
        "section" => Some(SECTION_ROLES),
        "aside" => Some(ASIDE_ROLES),
        _ => None,
    }
}

/// `role` values kept: structural WAI-ARIA roles (widget roles need
/// scripts) and the DPUB-ARIA roles for books, but for the deprecated
/// `doc-biblioentry` and `doc-endnote`.
#[rustfmt::skip]
pub(super) const ROLES: &[&str] = &[
    "article", "complementary", "definition", "document", "figure", "group", "img", "math",
    "none", "note", "presentation", "region", "separator", "term", "doc-abstract",
    "doc-acknowledgments", "doc-afterword", "doc-appendix", "doc-backlink",
    "doc-bibliography", "doc-biblioref", "doc-chapter", "doc-colophon", "doc-conclusion",
    "doc-cover", "doc-credit", "doc-credits", "doc-dedication", "doc-endnotes",
    "doc-epigraph", "doc-epilogue", "doc-errata", "doc-example", "doc-footnote", "doc-foreword",
    "doc-glossary", "doc-glossref", "doc-index", "doc-introduction", "doc-noteref",
    "doc-notice", "doc-pagebreak", "doc-pagelist", "doc-part", "doc-preface", "doc-prologue",
    "doc-pullquote", "doc-qna", "doc-subtitle", "doc-tip", "doc-toc",
];

/// The [`ROLES`] a `section` may have.
#[rustfmt::skip]
pub(super) const SECTION_ROLES: &[&str] = &[
    "complementary", "document", "group", "none", "note", "presentation", "region",
    "doc-abstract", "doc-acknowledgments", "doc-afterword", "doc-appendix", "doc-bibliography",
    "doc-chapter", "doc-colophon", "doc-conclusion", "doc-credit", "doc-credits",
    "doc-dedication", "doc-endnotes", "doc-epigraph", "doc-epilogue", "doc-errata",
    "doc-example", "doc-foreword", "doc-glossary", "doc-index", "doc-introduction",
    "doc-notice", "doc-pagelist", "doc-part", "doc-preface", "doc-prologue", "doc-pullquote",
    "doc-qna", "doc-toc",
];

/// The [`ROLES`] an `aside` may have.
#[rustfmt::skip]
pub(super) const ASIDE_ROLES: &[&str] = &[
    "complementary", "none", "note", "presentation", "region", "doc-dedication",
    "doc-example", "doc-footnote", "doc-glossary", "doc-pullquote", "doc-tip",
];

/// `epub:type` terms kept: the EPUB 3 Structural Semantics Vocabulary
/// without its deprecated terms and those not for content documents (as
/// EPUBCheck knows them); prefixed terms are not kept.
#[rustfmt::skip]
pub(super) const EPUB_TYPES: &[&str] = &[
    "abstract", "acknowledgments", "afterword", "appendix", "assessment", "backlink",
    "backmatter", "bibliography", "biblioref", "bodymatter", "chapter", "colophon",
    "concluding-sentence", "conclusion", "contributors", "copyright-page", "cover",
    "covertitle", "credit", "credits", "dedication", "division", "endnotes", "epigraph",
    "epilogue", "errata", "footnote", "footnotes", "foreword", "frontmatter", "fulltitle",
    "glossary", "glossdef", "glossref", "glossterm", "halftitle", "halftitlepage",
    "imprimatur", "imprint", "index", "introduction", "keyword", "landmarks",
    "learning-objective", "learning-resource", "loa", "loi", "lot", "lov", "noteref", "notice",
    "other-credits", "page-list", "pagebreak", "part", "preamble", "preface", "prologue",
    "pullquote", "qna", "revision-history", "subtitle", "tip", "title", "titlepage", "toc",
    "topic-sentence", "volume",
];

/// How deep raw HTML elements may nest (as Markdown's nesting, it keeps
/// every look at the open elements short).
pub(super) const MAX_DEPTH: usize = 64;

pub(super) fn element(name: &str) -> Option<&'static Element> {
    ELEMENTS.iter().find(|e| e.name == name)
}

pub(super) fn renamed(name: &str) -> &str {
    RENAMED
        .iter()
        .find(|(old, _)| *old == name)
        .map_or(name, |(_, new)| new)
}
