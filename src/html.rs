//! An HTML fragment tokenizer: the raw HTML a Markdown chapter may hold.
//!
//! **In:** a fragment of HTML as written by an author: one tag, a run of
//! tags and text, a whole table, a comment. **Out:** [`Token`]s in source
//! order (start tags, end tags, text, comments and other markup), each with
//! its byte range in the fragment so diagnostics can point inside it. Names
//! are lower-cased; text and attribute values come with their character
//! references (`&amp;`, `&#233;`, `&#x2014;`) decoded. **Must not:** panic on
//! any input, take more than linear time, build a tree or judge what is
//! allowed: that is the business of each writer (the EPUB's sanitizer is
//! `epub::rawhtml`).
//!
//! The rules follow the HTML tokenizer where it matters for real fragments,
//! with three documented simplifications:
//!
//! - A `<` that does not start a tag, comment or declaration is text.
//!   A tag that never ends (`<span class="x` and no `>`) makes the rest of
//!   the fragment text, so nothing an author wrote vanishes silently.
//! - `<x/>` is an empty element for every name (HTML ignores the slash on
//!   elements that are not void); quire's output is XHTML, and authors who
//!   write the slash mean it.
//! - Named character references need their `;` (`&copy;`, not `&copy`), so a
//!   URL like `?a=1&copy=2` keeps its text. Unknown names stay as written.
//!
//! The content of `script`, `style`, `xmp`, `iframe`, `noembed` and
//! `noframes` is one raw text token (tags in it are not tags); that of
//! `textarea` and `title` too, but with references decoded.

use std::borrow::Cow;
use std::ops::Range;

/// One piece of a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// What it is.
    pub kind: TokenKind<'a>,
    /// Where it is in the fragment (bytes).
    pub range: Range<usize>,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind<'a> {
    /// `<name attr="value">` or `<name/>`.
    Start(StartTag<'a>),
    /// `</name>`, with the name lower-cased.
    End(String),
    /// Text, references decoded.
    Text(Cow<'a, str>),
    /// `<!-- … -->`: the text between the markers.
    Comment(&'a str),
    /// A doctype, CDATA section, processing instruction or other
    /// declaration, as written.
    Other(&'a str),
}

/// A start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag<'a> {
    /// The element name, lower-cased (ASCII).
    pub name: String,
    /// The attributes in source order; a repeated name keeps its first value.
    pub attributes: Vec<Attribute<'a>>,
    /// Written `<name/>`.
    pub self_closing: bool,
}

impl StartTag<'_> {
    /// The value of the attribute `name` (lower-case), if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| &*a.value)
    }
}

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The name, lower-cased (ASCII).
    pub name: String,
    /// The value, references decoded; empty for a valueless attribute.
    pub value: Cow<'a, str>,
    /// From the start of the name to the end of the value (bytes).
    pub range: Range<usize>,
}

/// The tokens of `input`, in order.
pub fn tokenize(input: &str) -> Tokenizer<'_> {
    Tokenizer {
        input,
        pos: 0,
        pending: None,
        raw: None,
    }
}

/// The iterator [`tokenize`] returns.
#[derive(Debug)]
pub struct Tokenizer<'a> {
    input: &'a str,
    /// Where the next token starts.
    pos: usize,
    /// A token found while scanning text, to give after that text.
    pending: Option<Token<'a>>,
    /// After the start tag of a raw text element: its name and whether
    /// references are decoded in it.
    raw: Option<(&'static str, bool)>,
}

/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "xmp", "iframe", "noembed", "noframes"];
/// Raw text elements whose content has references decoded.
const RCDATA: &[&str] = &["textarea", "title"];

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(token) = self.pending.take() {
            return Some(self.after(token));
        }
        if let Some((name, decode)) = self.raw.take()
            && let Some(token) = self.raw_text(name, decode)
        {
            return Some(token);
        }
        if self.pos >= self.input.len() {
            return None;
        }
        let start = self.pos;
        let mut from = start;
        // Scan for the next `<` that really starts markup; everything
        // before it is text.
        while let Some(offset) = self.input[from..].find('<') {
            let at = from + offset;
            match markup(self.input, at) {
                Markup::Token(token) => {
                    if at == start {
                        return Some(self.after(token));
                    }
                    self.pending = Some(token);
                    self.pos = at;
                    return Some(text(self.input, start..at));
                }
                Markup::Text => from = at + 1,
                Markup::Unterminated => break,
            }
        }
        self.pos = self.input.len();
        Some(text(self.input, start..self.input.len()))
    }
}

impl<'a> Tokenizer<'a> {
    /// Moves past `token` and notes when it opens a raw text element.
    fn after(&mut self, token: Token<'a>) -> Token<'a> {
        self.pos = token.range.end;
        if let TokenKind::Start(tag) = &token.kind
            && !tag.self_closing
        {
            if let Some(name) = RAW_TEXT.iter().find(|n| **n == tag.name) {
                self.raw = Some((name, false));
            } else if let Some(name) = RCDATA.iter().find(|n| **n == tag.name) {
                self.raw = Some((name, true));
            }
        }
        token
    }

    /// The content of a raw text element, up to `</name` or the end.
    fn raw_text(&mut self, name: &str, decode: bool) -> Option<Token<'a>> {
        let start = self.pos;
        let end = find_end_tag(self.input, start, name).unwrap_or(self.input.len());
        if end == start {
            return None;
        }
        self.pos = end;
        let body = &self.input[start..end];
        let kind = if decode {
            TokenKind::Text(decode_references(body))
        } else {
            TokenKind::Text(Cow::Borrowed(body))
        };
        Some(Token {
            kind,
            range: start..end,
        })
    }
}

/// A text token over `range`.
fn text(input: &str, range: Range<usize>) -> Token<'_> {
    Token {
        kind: TokenKind::Text(decode_references(&input[range.clone()])),
        range,
    }
}

/// What a `<` starts.
enum Markup<'a> {
    /// A tag, comment or declaration.
    Token(Token<'a>),
    /// Nothing: the `<` is text.
    Text,
    /// A tag that runs to the end of the input.
    Unterminated,
}

/// Reads the markup starting with the `<` at `at`.
fn markup(input: &str, at: usize) -> Markup<'_> {
    let bytes = input.as_bytes();
    let rest = &input[at..];
    let token = |kind, end| {
        Markup::Token(Token {
            kind,
            range: at..end,
        })
    };
    match bytes.get(at + 1) {
        Some(b'!') if rest.starts_with("<!--") => {
            let body = at + 4;
            // `<!-->` and `<!--->` are (empty) comments, as in HTML.
            let (inner_end, end) = if input[body..].starts_with('>') {
                (body, body + 1)
            } else if input[body..].starts_with("->") {
                (body, body + 2)
            } else {
                match input[body..].find("-->") {
                    Some(i) => (body + i, body + i + 3),
                    None => (input.len(), input.len()),
                }
            };
            token(TokenKind::Comment(&input[body..inner_end]), end)
        }
        Some(b'!') if rest.starts_with("<![CDATA[") => {
            let end = input[at..].find("]]>").map_or(input.len(), |i| at + i + 3);
            token(TokenKind::Other(&input[at..end]), end)
        }
        Some(b'!' | b'?') => {
            let end = until_gt(input, at);
            token(TokenKind::Other(&input[at..end]), end)
        }
        Some(b'/') => match bytes.get(at + 2) {
            Some(c) if c.is_ascii_alphabetic() => match tag(input, at + 2) {
                Some((name, _, _, end)) => token(TokenKind::End(name), end),
                None => Markup::Unterminated,
            },
            // `</>`, `</3`, `</ x`: text, where HTML would hide them.
            _ => Markup::Text,
        },
        Some(c) if c.is_ascii_alphabetic() => match tag(input, at + 1) {
            Some((name, attributes, self_closing, end)) => token(
                TokenKind::Start(StartTag {
                    name,
                    attributes,
                    self_closing,
                }),
                end,
            ),
            None => Markup::Unterminated,
        },
        _ => Markup::Text,
    }
}

/// One past the next `>` after `at`, or the end of the input.
fn until_gt(input: &str, at: usize) -> usize {
    input[at..].find('>').map_or(input.len(), |i| at + i + 1)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

fn skip_spaces(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|&b| is_space(b)) {
        pos += 1;
    }
    pos
}

/// Reads a tag's name and attributes from `at` (just after `<` or `</`):
/// name, attributes, self-closing, one past the `>`. `None` when the input
/// ends first.
fn tag(input: &str, at: usize) -> Option<(String, Vec<Attribute<'_>>, bool, usize)> {
    let bytes = input.as_bytes();
    let mut pos = at;
    // Delimiters are ASCII, so scanning bytes never splits a character.
    while bytes
        .get(pos)
        .is_some_and(|&b| !is_space(b) && b != b'/' && b != b'>')
    {
        pos += 1;
    }
    let name = input[at..pos].to_ascii_lowercase();
    let mut attributes: Vec<Attribute<'_>> = Vec::new();
    let (self_closing, end) = loop {
        pos = skip_spaces(bytes, pos);
        match *bytes.get(pos)? {
            b'>' => break (false, pos + 1),
            b'/' if bytes.get(pos + 1) == Some(&b'>') => break (true, pos + 2),
            b'/' => pos += 1,
            _ => {
                let (attribute, end) = attribute(input, pos)?;
                pos = end;
                attributes.push(attribute);
            }
        }
    };
    // A repeated name keeps its first value, as in HTML.
    if attributes.len() > 1 {
        let mut seen = std::collections::HashSet::new();
        attributes.retain(|a| seen.insert(a.name.clone()));
    }
    Some((name, attributes, self_closing, end))
}

/// Reads one attribute starting at `at`; `None` when the input ends inside
/// a quoted value.
fn attribute(input: &str, at: usize) -> Option<(Attribute<'_>, usize)> {
    let bytes = input.as_bytes();
    // The first character may be anything but a delimiter, even `=`. The
    // scan stops only at an ASCII byte or the end, so `pos` always lands on
    // a character boundary even when that first character is multi-byte.
    let mut pos = at + 1;
    while bytes
        .get(pos)
        .is_some_and(|&b| !is_space(b) && !matches!(b, b'/' | b'>' | b'='))
    {
        pos += 1;
    }
    let name = input[at..pos].to_ascii_lowercase();
    let after_name = pos;
    let pos = skip_spaces(bytes, pos);
    if bytes.get(pos) != Some(&b'=') {
        let attribute = Attribute {
            name,
            value: Cow::Borrowed(""),
            range: at..after_name,
        };
        return Some((attribute, after_name));
    }
    let pos = skip_spaces(bytes, pos + 1);
    let (value, end) = match bytes.get(pos) {
        Some(&quote @ (b'"' | b'\'')) => {
            let close = input[pos + 1..].find(quote as char)? + pos + 1;
            (&input[pos + 1..close], close + 1)
        }
        _ => {
            let mut end = pos;
            while bytes.get(end).is_some_and(|&b| !is_space(b) && b != b'>') {
                end += 1;
            }
            (&input[pos..end], end)
        }
    };
    let attribute = Attribute {
        name,
        value: decode_references(value),
        range: at..end,
    };
    Some((attribute, end))
}

/// Where `</name` (any case, followed by a space, `/`, `>` or the end)
/// starts at or after `from`.
fn find_end_tag(input: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = input.as_bytes();
    let mut search = from;
    while let Some(offset) = input[search..].find("</") {
        let at = search + offset;
        let name_end = at + 2 + name.len();
        if bytes
            .get(at + 2..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && bytes
                .get(name_end)
                .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>')
        {
            return Some(at);
        }
        search = at + 2;
    }
    None
}

// ---------------------------------------------------------------------------
// Character references

/// `text` with its character references decoded; borrowed when it has none.
pub fn decode_references(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match reference(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Longest entity name quire looks up; longer runs are not references.
const MAX_NAME: usize = 32;

/// Reads the reference at the start of `text` (which starts with `&`): the
/// character and the bytes it took.
fn reference(text: &str) -> Option<(char, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(1) == Some(&b'#') {
        let hex = matches!(bytes.get(2), Some(b'x' | b'X'));
        let digits_start = if hex { 3 } else { 2 };
        let radix = if hex { 16 } else { 10 };
        let digits = bytes[digits_start..]
            .iter()
            .take_while(|b| (**b as char).is_digit(radix))
            .count();
        if digits == 0 {
            return None;
        }
        let code = text[digits_start..digits_start + digits]
            .chars()
            .filter_map(|c| c.to_digit(radix))
            .fold(0u32, |n, d| n.saturating_mul(radix).saturating_add(d));
        let mut len = digits_start + digits;
        // The `;` may be left out after a number, as in HTML.
        if bytes.get(len) == Some(&b';') {
            len += 1;
        }
        return Some((numeric(code), len));
    }
    let name_len = bytes[1..]
        .iter()
        .take(MAX_NAME + 1)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || name_len > MAX_NAME || bytes.get(1 + name_len) != Some(&b';') {
        return None;
    }
    entity(&text[1..1 + name_len]).map(|c| (c, name_len + 2))
}

/// The character a numeric reference stands for, as HTML reads it: 0,
/// surrogates and numbers past U+10FFFF become U+FFFD, and 128–159 are read
/// as Windows-1252 (where `&#150;` is an en dash).
fn numeric(code: u32) -> char {
    const WINDOWS_1252: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    let code = match code {
        0x80..=0x9F => WINDOWS_1252[(code - 0x80) as usize],
        code => code,
    };
    match code {
        0 => char::REPLACEMENT_CHARACTER,
        code => char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
    }
}

/// The character a named reference (`amp` for `&amp;`) stands for.
pub fn entity(name: &str) -> Option<char> {
    let at = |names: &[&str], first: u32| {
        names
            .iter()
            .position(|n| *n == name)
            .and_then(|i| char::from_u32(first + i as u32))
    };
    at(&LATIN_1, 0xA0)
        .or_else(|| at(&GREEK_CAPITALS, 0x391))
        .or_else(|| at(&GREEK_SMALL, 0x3B1))
        .or_else(|| {
            OTHER_ENTITIES
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, c)| char::from_u32(*c))
        })
        .filter(|_| !name.is_empty())
}

/// U+00A0 to U+00FF, in order: HTML's Latin-1 entities.
const LATIN_1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// U+0391 to U+03A9 (U+03A2 is unassigned).
const GREEK_CAPITALS: [&str; 25] = [
    "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa",
    "Lambda", "Mu", "Nu", "Xi", "Omicron", "Pi", "Rho", "", "Sigma", "Tau", "Upsilon", "Phi",
    "Chi", "Psi", "Omega",
];

/// U+03B1 to U+03C9.
const GREEK_SMALL: [&str; 25] = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigmaf", "sigma", "tau", "upsilon", "phi",
    "chi", "psi", "omega",
];

/// The other named references quire knows: XML's five, HTML 4's symbols
/// and punctuation, and a few capitalised spellings HTML accepts.
const OTHER_ENTITIES: &[(&str, u32)] = &[
    // XML
    ("amp", 0x26),
    ("lt", 0x3C),
    ("gt", 0x3E),
    ("quot", 0x22),
    ("apos", 0x27),
    ("AMP", 0x26),
    ("LT", 0x3C),
    ("GT", 0x3E),
    ("QUOT", 0x22),
    ("COPY", 0xA9),
    ("REG", 0xAE),
    // Latin Extended and spacing modifiers
    ("OElig", 0x152),
    ("oelig", 0x153),
    ("Scaron", 0x160),
    ("scaron", 0x161),
    ("Yuml", 0x178),
    ("fnof", 0x192),
    ("circ", 0x2C6),
    ("tilde", 0x2DC),
    // Greek symbols
    ("thetasym", 0x3D1),
    ("upsih", 0x3D2),
    ("piv", 0x3D6),
    // Spaces, joiners and marks
    ("ensp", 0x2002),
    ("emsp", 0x2003),
    ("thinsp", 0x2009),
    ("zwnj", 0x200C),
    ("zwj", 0x200D),
    ("lrm", 0x200E),
    ("rlm", 0x200F),
    // Punctuation
    ("hyphen", 0x2010),
    ("ndash", 0x2013),
    ("mdash", 0x2014),
    ("lsquo", 0x2018),
    ("rsquo", 0x2019),
    ("sbquo", 0x201A),
    ("ldquo", 0x201C),
    ("rdquo", 0x201D),
    ("bdquo", 0x201E),
    ("dagger", 0x2020),
    ("Dagger", 0x2021),
    ("bull", 0x2022),
    ("hellip", 0x2026),
    ("permil", 0x2030),
    ("prime", 0x2032),
    ("Prime", 0x2033),
    ("lsaquo", 0x2039),
    ("rsaquo", 0x203A),
    ("oline", 0x203E),
    ("frasl", 0x2044),
    // Letter-like symbols
    ("euro", 0x20AC),
    ("image", 0x2111),
    ("weierp", 0x2118),
    ("real", 0x211C),
    ("trade", 0x2122),
    ("TRADE", 0x2122),
    ("alefsym", 0x2135),
    // Arrows
    ("larr", 0x2190),
    ("uarr", 0x2191),
    ("rarr", 0x2192),
    ("darr", 0x2193),
    ("harr", 0x2194),
    ("crarr", 0x21B5),
    ("lArr", 0x21D0),
    ("uArr", 0x21D1),
    ("rArr", 0x21D2),
    ("dArr", 0x21D3),
    ("hArr", 0x21D4),
    // Mathematical operators
    ("forall", 0x2200),
    ("part", 0x2202),
    ("exist", 0x2203),
    ("empty", 0x2205),
    ("nabla", 0x2207),
    ("isin", 0x2208),
    ("notin", 0x2209),
    ("ni", 0x220B),
    ("prod", 0x220F),
    ("sum", 0x2211),
    ("minus", 0x2212),
    ("lowast", 0x2217),
    ("radic", 0x221A),
    ("prop", 0x221D),
    ("infin", 0x221E),
    ("ang", 0x2220),
    ("and", 0x2227),
    ("or", 0x2228),
    ("cap", 0x2229),
    ("cup", 0x222A),
    ("int", 0x222B),
    ("there4", 0x2234),
    ("sim", 0x223C),
    ("cong", 0x2245),
    ("asymp", 0x2248),
    ("ne", 0x2260),
    ("equiv", 0x2261),
    ("le", 0x2264),
    ("ge", 0x2265),
    ("sub", 0x2282),
    ("sup", 0x2283),
    ("nsub", 0x2284),
    ("sube", 0x2286),
    ("supe", 0x2287),
    ("oplus", 0x2295),
    ("otimes", 0x2297),
    ("perp", 0x22A5),
    ("sdot", 0x22C5),
    // Technical, shapes, suits
    ("lceil", 0x2308),
    ("rceil", 0x2309),
    ("lfloor", 0x230A),
    ("rfloor", 0x230B),
    ("lang", 0x27E8),
    ("rang", 0x27E9),
    ("loz", 0x25CA),
    ("spades", 0x2660),
    ("clubs", 0x2663),
    ("hearts", 0x2665),
    ("diams", 0x2666),
];

/// Elements whose start or end begins a new block of text.
pub(crate) const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Elements whose content is never text to read.
const HIDDEN_ELEMENTS: &[&str] = &["script", "style", "template", "noscript", "head", "title"];

/// The readable text of a fragment, as blocks: split where a block element
/// starts or ends, white space collapsed, references decoded, the content
/// of scripts, styles and templates left out. For a writer that sets text
/// but not HTML (the PDF).
pub fn text_blocks(fragment: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut hidden: Option<String> = None;
    let flush = |current: &mut String, blocks: &mut Vec<String>| {
        // HTML's white space is ASCII: a no-break space stays.
        let text = current
            .split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() {
            blocks.push(text);
        }
        current.clear();
    };
    for token in tokenize(fragment) {
        match token.kind {
            TokenKind::Start(tag) if hidden.is_none() => {
                if HIDDEN_ELEMENTS.contains(&tag.name.as_str()) && !tag.self_closing {
                    hidden = Some(tag.name);
                } else if BLOCK_ELEMENTS.contains(&tag.name.as_str()) {
                    flush(&mut current, &mut blocks);
                }
            }
            TokenKind::End(name) => match &hidden {
                Some(open) if *open == name => hidden = None,
                Some(_) => {}
                None if BLOCK_ELEMENTS.contains(&name.as_str()) => flush(&mut current, &mut blocks),
                None => {}
            },
            TokenKind::Text(text) if hidden.is_none() => {
                current.push_str(&text);
            }
            _ => {}
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `input` in a compact form: `<name a="v"/>`, `</name>`,
    /// `"text"`, `#comment`, `!other`.
    fn tokens(input: &str) -> Vec<String> {
        tokenize(input)
            .map(|token| match token.kind {
                TokenKind::Start(tag) => {
                    let mut out = format!("<{}", tag.name);
                    for a in &tag.attributes {
                        out.push_str(&format!(" {}={:?}", a.name, a.value));
                    }
                    out.push_str(if tag.self_closing { "/>" } else { ">" });
                    out
                }
                TokenKind::End(name) => format!("</{name}>"),
                TokenKind::Text(text) => format!("{text:?}"),
                TokenKind::Comment(text) => format!("#{text}"),
                TokenKind::Other(text) => format!("!{text}"),
            })
            .collect()
    }

    #[test]
    fn tags_text_and_attributes() {
        assert_eq!(
            tokens(r#"<SPAN Class="x" title='a "b"' hidden data-n=3>Hi</Span>"#),
            [
                r#"<span class="x" title="a \"b\"" hidden="" data-n="3">"#,
                r#""Hi""#,
                "</span>",
            ]
        );
        assert_eq!(
            tokens("<br/><img src=a.png alt=x/>"),
            ["<br/>", r#"<img src="a.png" alt="x/">"#]
        );
        assert_eq!(tokens("<p a=1 a=2 / b>"), [r#"<p a="1" b="">"#]);
        assert_eq!(tokens("<a\nhref = \"u\"\t>"), [r#"<a href="u">"#]);
        assert_eq!(tokens("</div foo=\">\">"), ["</div>"]);
    }

    #[test]
    fn ranges_point_into_the_input() {
        let input = "ab<b class=\"x\">c</b>";
        let tokens: Vec<Token> = tokenize(input).collect();
        let ranges: Vec<_> = tokens.iter().map(|t| t.range.clone()).collect();
        assert_eq!(ranges, [0..2, 2..15, 15..16, 16..20]);
        let TokenKind::Start(tag) = &tokens[1].kind else {
            panic!("a start tag")
        };
        assert_eq!(&input[tag.attributes[0].range.clone()], "class=\"x\"");
    }

    #[test]
    fn a_lone_or_unterminated_lt_is_text() {
        assert_eq!(tokens("a < b <3 <"), [r#""a < b <3 <""#]);
        assert_eq!(tokens("x<span class=\"y"), [r#""x<span class=\"y""#]);
        assert_eq!(tokens("<b>x</b"), ["<b>", r#""x</b""#]);
        assert_eq!(tokens("<i"), [r#""<i""#]);
        assert_eq!(tokens("1 <= 2 </ 3"), [r#""1 <= 2 </ 3""#]);
    }

    #[test]
    fn comments_and_declarations() {
        assert_eq!(
            tokens("<!DOCTYPE html><!-- a -- b -->x<?php y ?><![CDATA[<z>]]>"),
            [
                "!<!DOCTYPE html>",
                "# a -- b ",
                r#""x""#,
                "!<?php y ?>",
                "!<![CDATA[<z>]]>"
            ]
        );
        assert_eq!(tokens("<!-->a<!--->b"), ["#", r#""a""#, "#", r#""b""#]);
        assert_eq!(tokens("a<!-- open"), [r#""a""#, "# open"]);
        assert_eq!(tokens("</>x</3>"), [r#""</>x</3>""#]);
    }

    #[test]
    fn raw_text_elements_hold_no_tags() {
        assert_eq!(
            tokens("<script>if (a<b) x('</div>')</SCRIPT >y"),
            [
                "<script>",
                r#""if (a<b) x('</div>')""#,
                "</script>",
                r#""y""#
            ]
        );
        assert_eq!(
            tokens("<style>p{}</styles></style>"),
            ["<style>", r#""p{}</styles>""#, "</style>"]
        );
        assert_eq!(
            tokens("<script>never ends"),
            ["<script>", r#""never ends""#]
        );
        assert_eq!(
            tokens("<textarea>&lt;b&gt;</textarea>"),
            ["<textarea>", r#""<b>""#, "</textarea>"]
        );
        assert_eq!(tokens("<script/>x"), ["<script/>", r#""x""#]);
    }

    #[test]
    fn references_are_decoded() {
        assert_eq!(
            decode_references("&lt;&amp;&gt; &quot;&apos; &nbsp;&copy;&yuml;&eacute;"),
            "<&> \"' \u{A0}©ÿé"
        );
        assert_eq!(
            decode_references("&Alpha;&Omega;&alpha;&sigmaf;&omega;&thetasym;"),
            "ΑΩαςωϑ"
        );
        assert_eq!(
            decode_references("&ndash;&mdash;&lsquo;&rsquo;&ldquo;&rdquo;&hellip;&euro;&trade;"),
            "–—‘’“”…€™"
        );
        assert_eq!(
            decode_references("&larr;&rarr;&le;&ge;&ne;&infin;&minus;&times;&divide;&lang;"),
            "←→≤≥≠∞−×÷⟨"
        );
        assert_eq!(decode_references("&#233;&#xE9;&#XE9;&#233"), "éééé");
        assert_eq!(decode_references("&#150;&#x92;"), "–’");
        // Unknown names, missing semicolons and empty numbers stay as written.
        assert_eq!(
            decode_references("&bogus; &copy &amp &; &#; &#x; AT&T"),
            "&bogus; &copy &amp &; &#; &#x; AT&T"
        );
        assert_eq!(decode_references("?a=1&copy=2"), "?a=1&copy=2");
    }

    #[test]
    fn invalid_code_points_become_replacement_characters() {
        for input in [
            "&#0;",
            "&#xD800;",
            "&#xDFFF;",
            "&#x110000;",
            "&#99999999999999999999;",
        ] {
            assert_eq!(decode_references(input), "\u{FFFD}", "{input}");
        }
    }

    #[test]
    fn attribute_values_are_decoded() {
        assert_eq!(
            tokens(r#"<abbr title="A &amp; B" x='&#x6A;s'>"#),
            [r#"<abbr title="A & B" x="js">"#]
        );
    }

    #[test]
    fn entity_tables_are_well_formed() {
        assert_eq!(entity("nbsp"), Some('\u{A0}'));
        assert_eq!(entity("yuml"), Some('ÿ'));
        assert_eq!(entity("Rho"), Some('Ρ'));
        assert_eq!(entity("Sigma"), Some('Σ'));
        assert_eq!(entity(""), None);
        let mut names: Vec<&str> = LATIN_1
            .iter()
            .chain(&GREEK_CAPITALS)
            .chain(&GREEK_SMALL)
            .copied()
            .filter(|n| !n.is_empty())
            .chain(OTHER_ENTITIES.iter().map(|(n, _)| *n))
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "an entity is listed twice");
        assert!(names.iter().all(|n| n.len() <= MAX_NAME));
    }

    #[test]
    fn never_panics_and_stays_linear() {
        // Every prefix of a tricky fragment, cut at every character.
        let tricky = "a<b c='d\"<e f=g>h</i j>&#x1F600;&amp<!--k--><![CDATA[l]]><?m?>\
                      <script>n</script><p/>é<ü=1>&Eacute;</é";
        for (i, _) in tricky.char_indices() {
            let _ = tokens(&tricky[..i]);
            let _ = tokens(&tricky[i..]);
        }
        // Inputs that would be quadratic with a naive scan: they end.
        let n = 200_000;
        let many_attributes = format!("<a {}>", "b ".repeat(n / 2));
        let units = [
            "<a \"", "<", "&#", "</", "<!", "&aaaa", "<a b='", "<script>",
        ];
        for input in units
            .iter()
            .map(|unit| unit.repeat(n / unit.len()))
            .chain([many_attributes])
        {
            // Each ends (a quadratic scan would take minutes, which the
            // benchmark and the fuzzers' timeouts catch; no test times it).
            let count = tokenize(&input).count();
            assert!(count > 0);
        }
    }

    #[test]
    fn text_blocks_keep_the_words_and_drop_scripts() {
        let blocks = text_blocks(
            "<div class=\"box\"><p>One <b>bold</b>\n  word &amp; more.</p>\
             <script>alert('x')</script><style>p { }</style>\
             <ul><li>first</li><li>second<br>line</li></ul>tail</div>",
        );
        assert_eq!(
            blocks,
            ["One bold word & more.", "first", "second", "line", "tail"]
        );
        assert!(text_blocks("<!-- only a comment --><br/>").is_empty());
        assert_eq!(text_blocks("<p>10&nbsp;km</p>"), ["10\u{A0}km"]);
    }
}
