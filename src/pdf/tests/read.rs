//! A reader of the PDFs `export` writes, for the tests: the objects of the
//! file, found through its cross-reference table, as values.
//!
//! Why not `qpdf --json` or `pdfinfo`: CI installs only poppler-utils, whose
//! tools print neither page labels nor the outline, and parsing qpdf's JSON
//! needs a JSON reader the crate does not have. What `export` writes is
//! simple to read: a classic `xref` table, no object streams, and every
//! dictionary uncompressed (only the content, font, CMap and image streams
//! are compressed, and those are not read here; the XMP stream is not
//! either). Should the writer ever write object streams or an xref stream,
//! this reader fails loudly (`no xref table`, `object N is not in the
//! table`) rather than letting a test pass on what it did not see.
//!
//! It reads what PDF's syntax allows in dictionaries and arrays (names with
//! `#xx` escapes, literal and hex strings, numbers, references, booleans,
//! null); it stops at an object's `stream` keyword.

use std::collections::HashMap;

/// A PDF value.
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or real number.
    Num(f64),
    /// A name, without its slash.
    Name(String),
    /// A string's bytes.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Obj>),
    /// A dictionary, in the file's order.
    Dict(Vec<(String, Obj)>),
    /// A reference to an object (its number).
    Ref(u32),
}

impl Obj {
    /// The value of `key` in a dictionary, unresolved.
    pub fn get(&self, key: &str) -> Option<&Obj> {
        match self {
            Obj::Dict(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The number, or a panic.
    pub fn num(&self) -> f64 {
        match self {
            Obj::Num(n) => *n,
            other => panic!("not a number: {other:?}"),
        }
    }

    /// The name, or a panic.
    pub fn name(&self) -> &str {
        match self {
            Obj::Name(name) => name,
            other => panic!("not a name: {other:?}"),
        }
    }

    /// The items, or a panic.
    pub fn array(&self) -> &[Obj] {
        match self {
            Obj::Array(items) => items,
            other => panic!("not an array: {other:?}"),
        }
    }

    /// A text string's text (UTF-16BE with its byte-order mark, else
    /// PDFDocEncoding read as Latin-1, which agrees on ASCII), or a panic.
    pub fn text(&self) -> String {
        match self {
            Obj::Str(bytes) => match bytes.strip_prefix(&[0xfe, 0xff]) {
                Some(utf16) => {
                    let units: Vec<u16> = utf16
                        .chunks(2)
                        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                        .collect();
                    String::from_utf16(&units).expect("UTF-16 text")
                }
                None => bytes.iter().map(|&b| char::from(b)).collect(),
            },
            other => panic!("not a string: {other:?}"),
        }
    }

    /// The object number of a reference, or a panic.
    pub fn reference(&self) -> u32 {
        match self {
            Obj::Ref(n) => *n,
            other => panic!("not a reference: {other:?}"),
        }
    }
}

/// A PDF file's objects and trailer.
pub struct Pdf {
    objects: HashMap<u32, Obj>,
    /// The trailer dictionary.
    pub trailer: Obj,
}

impl Pdf {
    /// Reads every object the cross-reference table lists.
    pub fn read(bytes: &[u8]) -> Pdf {
        let startxref = rfind(bytes, b"startxref").expect("no startxref");
        let mut parser = Parser::new(bytes, startxref + b"startxref".len());
        let xref = parser.number() as usize;
        let mut parser = Parser::new(bytes, xref);
        assert!(parser.keyword(b"xref"), "no xref table at {xref}");
        let mut offsets = Vec::new();
        while !parser.keyword(b"trailer") {
            let first = parser.number() as u32;
            let count = parser.number() as u32;
            for n in first..first + count {
                let offset = parser.number() as usize;
                let _generation = parser.number();
                if parser.keyword(b"n") {
                    offsets.push((n, offset));
                } else {
                    assert!(parser.keyword(b"f"), "a bad xref entry for {n}");
                }
            }
        }
        let trailer = parser.value();
        let mut objects = HashMap::new();
        for (n, offset) in offsets {
            let mut parser = Parser::new(bytes, offset);
            assert_eq!(parser.number() as u32, n, "object {n} is not at {offset}");
            let _generation = parser.number();
            assert!(parser.keyword(b"obj"), "no `obj` for object {n}");
            objects.insert(n, parser.value());
        }
        Pdf { objects, trailer }
    }

    /// The object a reference names; any other value as it is.
    pub fn resolve<'a>(&'a self, value: &'a Obj) -> &'a Obj {
        match value {
            Obj::Ref(n) => self
                .objects
                .get(n)
                .unwrap_or_else(|| panic!("object {n} is not in the table")),
            other => other,
        }
    }

    /// The value of `key` in `dict` (resolved), if there is one.
    pub fn get<'a>(&'a self, dict: &'a Obj, key: &str) -> Option<&'a Obj> {
        self.resolve(dict).get(key).map(|value| self.resolve(value))
    }

    /// The value of `key` in `dict` (resolved), or a panic.
    pub fn at<'a>(&'a self, dict: &'a Obj, key: &str) -> &'a Obj {
        self.get(dict, key)
            .unwrap_or_else(|| panic!("no /{key} in {:?}", self.resolve(dict)))
    }

    /// The document catalog.
    pub fn catalog(&self) -> &Obj {
        self.at(&self.trailer, "Root")
    }

    /// The object numbers of the pages, in order (the page tree walked).
    pub fn pages(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let root = self.catalog().get("Pages").expect("no /Pages").clone();
        self.collect_pages(&root, &mut out);
        out
    }

    fn collect_pages(&self, node: &Obj, out: &mut Vec<u32>) {
        match self.at(node, "Type").name() {
            "Pages" => {
                for kid in self.at(node, "Kids").array() {
                    self.collect_pages(kid, out);
                }
            }
            _ => out.push(node.reference()),
        }
    }
}

/// The last place of `needle` in `haystack`.
fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// PDF's white space.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

/// PDF's delimiters.
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Reads values from a position in the file.
struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn new(bytes: &'a [u8], at: usize) -> Self {
        Parser { bytes, at }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips white space and comments.
    fn skip(&mut self) {
        while let Some(b) = self.peek() {
            if is_space(b) {
                self.at += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next regular characters (a number or a keyword).
    fn token(&mut self) -> &'a [u8] {
        self.skip();
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| !is_space(b) && !is_delimiter(b))
        {
            self.at += 1;
        }
        &self.bytes[start..self.at]
    }

    /// Reads `word` if it comes next, else reads nothing.
    fn keyword(&mut self, word: &[u8]) -> bool {
        let start = self.at;
        if self.token() == word {
            true
        } else {
            self.at = start;
            false
        }
    }

    fn number(&mut self) -> f64 {
        let token = self.token();
        std::str::from_utf8(token)
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("not a number: {:?}", String::from_utf8_lossy(token)))
    }

    /// One value.
    fn value(&mut self) -> Obj {
        self.skip();
        match self.peek().expect("a value, not the end of the file") {
            b'<' if self.bytes.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                let mut entries = Vec::new();
                loop {
                    self.skip();
                    if self.bytes[self.at..].starts_with(b">>") {
                        self.at += 2;
                        return Obj::Dict(entries);
                    }
                    let key = match self.value() {
                        Obj::Name(key) => key,
                        other => panic!("a dictionary key is not a name: {other:?}"),
                    };
                    let value = self.value();
                    entries.push((key, value));
                }
            }
            b'<' => {
                self.at += 1;
                let mut digits = Vec::new();
                while let Some(b) = self.peek() {
                    self.at += 1;
                    match b {
                        b'>' => break,
                        b if b.is_ascii_hexdigit() => digits.push(b),
                        _ => {}
                    }
                }
                if digits.len() % 2 == 1 {
                    digits.push(b'0');
                }
                let bytes = digits
                    .chunks(2)
                    .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
                    .collect();
                Obj::Str(bytes)
            }
            b'(' => {
                self.at += 1;
                Obj::Str(self.literal())
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip();
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        return Obj::Array(items);
                    }
                    items.push(self.value());
                }
            }
            b'/' => {
                self.at += 1;
                let raw = self.token();
                let mut name = Vec::new();
                let mut i = 0;
                while i < raw.len() {
                    if raw[i] == b'#' && i + 2 < raw.len() {
                        let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap();
                        name.push(u8::from_str_radix(hex, 16).unwrap());
                        i += 3;
                    } else {
                        name.push(raw[i]);
                        i += 1;
                    }
                }
                Obj::Name(String::from_utf8(name).expect("a UTF-8 name"))
            }
            _ => {
                let token = self.token();
                match token {
                    b"true" => Obj::Bool(true),
                    b"false" => Obj::Bool(false),
                    b"null" => Obj::Null,
                    _ => {
                        let text = std::str::from_utf8(token).unwrap();
                        let number: f64 = text
                            .parse()
                            .unwrap_or_else(|_| panic!("not a value: {text:?}"));
                        // `N G R` is a reference.
                        let after = self.at;
                        let generation = self.token();
                        if !generation.is_empty()
                            && generation.iter().all(u8::is_ascii_digit)
                            && self.keyword(b"R")
                        {
                            Obj::Ref(number as u32)
                        } else {
                            self.at = after;
                            Obj::Num(number)
                        }
                    }
                }
            }
        }
    }

    /// A literal string's bytes, after its `(`.
    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 0;
        loop {
            let b = self.peek().expect("an unterminated string");
            self.at += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' if depth == 0 => return out,
                b')' => {
                    depth -= 1;
                    out.push(b);
                }
                b'\\' => {
                    let escaped = self.peek().expect("an unterminated string");
                    self.at += 1;
                    match escaped {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.at += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut value = u32::from(escaped - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.at += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(value as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
    }
}
