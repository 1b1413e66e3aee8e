//! Link destinations → the `href`s of the EPUB, or nothing.
//!
//! **In:** a destination as an author wrote it, in a Markdown link
//! `[text](…)` or a raw `<a href>` (or `cite`), and the chapter it is in.
//! **Out:** the `href` to write, or why the link leads nowhere; the caller
//! then writes the link's text alone and warns `link-broken`. **Must not:**
//! let through an address EPUBCheck rejects: a fragment no element of its
//! document has, a file the package does not hold, a scheme EPUBCheck does
//! not know, or a character a URL cannot hold.
//!
//! The rules, shared by Markdown and raw HTML:
//!
//! - `#id` names an element of the same chapter document: its headings, its
//!   footnotes and calls (`fn-N`, `fnref-N`), the raw HTML ids kept.
//! - A relative path (percent-decoded, resolved against the folder of the
//!   chapter the link is in) to a chapter's Markdown file, with or without
//!   `#id`, becomes that chapter's document (`02-second.md#a-heading` →
//!   `02-second.xhtml#a-heading`); the id must be the chapter's own, one of
//!   its headings' or one of its notes' (`fn-N`).
//! - An absolute URL is kept when its scheme is `http`, `https`, `ftp`,
//!   `mailto`, `tel` or `urn` and it has no white space or other character a
//!   URL cannot hold; an e-mail address alone (the autolink
//!   `<name@example.org>`) gets `mailto:`.
//! - Anything else (a missing id, a file that is not a chapter, a path
//!   outside the book, a query on a chapter) is broken.

use std::collections::HashMap;

use super::rawhtml::Ids;
use crate::diag::Diagnostic;
use crate::model::{Book, FootnoteNumbering};
use crate::world::BookPath;

/// Turns a destination into the `href` to write, or says why there is none.
pub trait Resolve {
    /// The `href` for `destination` (as written), or why it leads nowhere.
    fn resolve(&mut self, destination: &str) -> Result<String, String>;
}

/// The `link-broken` warning for a link to `destination` that leads
/// nowhere because of `why`; the caller places it.
pub fn broken(destination: &str, why: &str) -> Diagnostic {
    let message = match destination {
        "" => "this link has no address; its text is kept without the link".to_string(),
        _ => format!("link to `{destination}` is broken: {why}; its text is kept without the link"),
    };
    Diagnostic::warning("link-broken", message).hint(
        "link to `#an-id` in this chapter, to another chapter's Markdown file (`02-next.md`, `02-next.md#a-heading`) from this chapter's folder, or to a full address (`https://…`)",
    )
}

/// The schemes kept: those EPUBCheck knows that a reader can follow.
const SCHEMES: &[&str] = &["http", "https", "ftp", "mailto", "tel", "urn"];

/// Schemes whose URLs have a host (`scheme://host/…`).
const WITH_HOST: &[&str] = &["http", "https", "ftp"];

/// The name of chapter `index`'s document in `EPUB/text/`, without `.xhtml`:
/// its slug, or `chapter-N` when the slug is not ASCII.
///
/// This is the rule `epub::export` names chapter documents by; the two must
/// agree.
pub fn document_name(book: &Book, index: usize) -> String {
    let slug = &book.chapters[index].slug;
    if slug.is_ascii() {
        slug.clone()
    } else {
        format!("chapter-{}", index + 1)
    }
}

/// The link targets of one chapter document.
pub struct Links<'a> {
    book: &'a Book,
    /// The chapter the links are in.
    chapter: usize,
    numbering: FootnoteNumbering,
    /// Every id of the chapter's own document, once known.
    local: Ids,
    /// The ids of other chapters' documents, found on the first link there.
    others: HashMap<usize, Ids>,
}

impl<'a> Links<'a> {
    /// Links in chapter `index` of `book`, whose notes are numbered by
    /// `numbering`; until [`Links::know`] is told the document's ids, only
    /// its headings' are known.
    pub fn new(book: &'a Book, chapter: usize, numbering: FootnoteNumbering) -> Self {
        Links {
            book,
            chapter,
            numbering,
            local: Ids::for_chapter(&book.chapters[chapter]),
            others: HashMap::new(),
        }
    }

    /// Sets the ids the chapter document has (found by writing it once).
    pub fn know(&mut self, ids: Ids) {
        self.local = ids;
    }

    /// A path or fragment in the book.
    fn internal(&mut self, destination: &str) -> Result<String, String> {
        let (path, fragment) = match destination.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (destination, None),
        };
        if path.contains('?') {
            return Err(format!(
                "`{destination}` is not a chapter of the book (a chapter link takes no `?`)"
            ));
        }
        let path = crate::assets::percent_decode(path);
        let target = if path.is_empty() {
            self.chapter
        } else {
            self.chapter_at(&path)?
        };
        let fragment = fragment
            .map(crate::assets::percent_decode)
            .filter(|f| !f.is_empty());
        let Some(id) = fragment else {
            return if path.is_empty() {
                Err("it names no place".to_string())
            } else {
                Ok(format!("{}.xhtml", document_name(self.book, target)))
            };
        };
        if target == self.chapter {
            if !self.local.contains(&id) {
                return Err(format!("nothing in this chapter has the id `{id}`"));
            }
            if path.is_empty() {
                return Ok(format!("#{}", encode_fragment(&id)));
            }
        } else {
            let (book, numbering) = (self.book, self.numbering);
            let ids = self.others.entry(target).or_insert_with(|| {
                let mut ids = Ids::for_chapter(&book.chapters[target]);
                for note in 0..book.chapters[target].footnotes.len() {
                    let number = book.footnote_number(target, note, numbering);
                    ids.insert(&format!("fn-{number}"));
                }
                ids
            });
            if !ids.contains(&id) {
                return Err(format!(
                    "chapter `{}` has no heading or note with the id `{id}`",
                    book.chapters[target].path
                ));
            }
        }
        Ok(format!(
            "{}.xhtml#{}",
            document_name(self.book, target),
            encode_fragment(&id)
        ))
    }

    /// The chapter whose file `path` (relative to the linking chapter's
    /// folder) is.
    fn chapter_at(&self, path: &str) -> Result<usize, String> {
        if path.starts_with(['/', '\\']) {
            return Err(format!(
                "`{path}` is an absolute path; link to a chapter by its path from this chapter's folder"
            ));
        }
        let here = &self.book.chapters[self.chapter].path;
        let resolved = match here.parent() {
            Some(folder) => folder.join(path),
            None => BookPath::parse(path),
        }
        .map_err(|why| format!("`{path}`: {why}"))?;
        self.book
            .chapters
            .iter()
            .position(|c| c.path == resolved)
            .ok_or_else(|| format!("`{resolved}` is not a chapter of the book"))
    }
}

impl Resolve for Links<'_> {
    fn resolve(&mut self, destination: &str) -> Result<String, String> {
        if let Some(result) = absolute(destination) {
            return result;
        }
        if is_email(destination) {
            return check_url("mailto", destination).map(|()| format!("mailto:{destination}"));
        }
        self.internal(destination)
    }
}

/// For an absolute URL (one with a scheme), the URL to write or why it is
/// not kept; `None` for a relative one.
pub fn absolute(url: &str) -> Option<Result<String, String>> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    // A scheme is a letter then letters, digits, `+`, `-` or `.`; a single
    // letter is a Windows drive, which is a (refused) path.
    let is_scheme = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return None;
    }
    let lower = scheme.to_ascii_lowercase();
    if !SCHEMES.contains(&lower.as_str()) {
        return Some(Err(format!(
            "`{scheme}:` addresses are not kept in the e-book (only `http`, `https`, `ftp`, `mailto`, `tel` and `urn`)"
        )));
    }
    let rest = &url[colon + 1..];
    Some(check_url(&lower, rest).map(|()| url.to_string()))
}

/// Checks what follows the scheme: characters a URL may hold, `%` escapes,
/// one `#` at most, and for web addresses a host that parses.
fn check_url(scheme: &str, rest: &str) -> Result<(), String> {
    let bad = |what: String| Err(format!("it is not a valid address ({what})"));
    if rest.is_empty() {
        return bad("nothing follows the scheme".into());
    }
    for (at, c) in rest.char_indices() {
        if c == '%' {
            let hex = rest
                .get(at + 1..at + 3)
                .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
            if !hex {
                return bad("`%` is not followed by two hexadecimal digits".into());
            }
        } else if !url_char(c) {
            let what = if c.is_whitespace() {
                "it holds white space".to_string()
            } else {
                format!("`{}` must be percent-encoded", c.escape_debug())
            };
            return bad(what);
        }
    }
    if rest.matches('#').count() > 1 {
        return bad("a second `#`".into());
    }
    if WITH_HOST.contains(&scheme) {
        let Some(after) = rest.strip_prefix("//") else {
            return bad(format!("`{scheme}:` must be followed by `//` and a host"));
        };
        let authority = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
        check_host(authority).or_else(bad)?;
    }
    Ok(())
}

/// A character that may stand in a URL as it is: ASCII letters, digits and
/// the URL delimiters and sub-delimiters, or a non-ASCII character IRIs
/// allow (not white space or a control).
fn url_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?#".contains(c);
    }
    !c.is_whitespace()
        && !c.is_control()
        && matches!(c as u32,
            0xA0..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFEF | 0x10000..=0xEFFFD)
        && (c as u32) & 0xFFFE != 0xFFFE
}

/// A host with an optional port: labels of letters, digits, `-` and `_`
/// (no empty one but a final dot), an IPv4 address when it ends in a
/// number, a port below 65536; no user name.
fn check_host(authority: &str) -> Result<(), String> {
    if authority.contains('@') {
        return Err("a user name before the host".into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if let Some(port) = port
        && !(port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| p < 65536)
            || port.is_empty())
    {
        return Err(format!("port `{port}`"));
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err("no host".into());
    }
    let labels: Vec<&str> = host.split('.').collect();
    for label in &labels {
        let ok = !label.is_empty()
            && !label.to_ascii_lowercase().starts_with("xn--")
            && label.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || c == '-'
                    || c == '_'
                    || (!c.is_ascii() && c.is_alphanumeric())
            });
        if !ok {
            return Err(format!("host `{host}`"));
        }
    }
    // A host ending in a number is an IPv4 address: four numbers to 255.
    let last = labels[labels.len() - 1];
    let numeric = |l: &str| l.bytes().all(|b| b.is_ascii_digit());
    if numeric(last) || last.to_ascii_lowercase().starts_with("0x") {
        let ipv4 = labels.len() == 4
            && labels.iter().all(|l| {
                numeric(l)
                    && l.len() <= 3
                    && (l.len() == 1 || !l.starts_with('0'))
                    && l.parse::<u32>().is_ok_and(|n| n <= 255)
            });
        if !ipv4 {
            return Err(format!("host `{host}`"));
        }
    }
    Ok(())
}

/// An e-mail address alone: `name@example.org`.
fn is_email(destination: &str) -> bool {
    destination.split_once('@').is_some_and(|(name, domain)| {
        !name.is_empty()
            && domain.contains('.')
            && !destination.contains(['/', '#', '?', ':', '\\'])
            && !destination.chars().any(char::is_whitespace)
    })
}

/// An id as a URL fragment: characters a URL cannot hold as they are
/// percent-encoded.
fn encode_fragment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if url_char(c) && c != '#' && c != '%' {
            out.push(c);
        } else {
            let mut buffer = [0; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(url: &str) -> bool {
        absolute(url).is_some_and(|r| r.is_ok())
    }

    #[test]
    fn web_addresses_are_checked() {
        for url in [
            "https://example.org",
            "HTTPS://EXAMPLE.ORG/a?b=c&d=e#f",
            "http://example.org:8080/",
            "https://example.org:/x",
            "https://1.2.3.4/",
            "https://bücher.example/パス?ク=エ#リ",
            "https://exam_ple.org/a%7Cb",
            "https://example.org./a'b!$()*+,;=:@~",
            "mailto:a@b.c",
            "mailto:a%20b@c",
            "tel:+1-555",
            "urn:isbn:123",
            "ftp://example.org/x",
        ] {
            assert!(kept(url), "{url} should be kept");
        }
        for url in [
            "https://exa mple.org",
            "https://example.org/a b",
            "https://example.org/\tx",
            "https://example.org/%zz",
            "https://example.org/%",
            "https://example.org/{x}",
            "https://example.org/a|b",
            "https://example.org/a\\b",
            "https://example.org/<x>",
            "https://example.org/a[b]",
            "https://example.org/a#b#c",
            "https://example..org",
            "https://.org/",
            "https://xn--.org/",
            "https://exa%20mple.org",
            "https://example.org:99999/",
            "https://u:p@example.org/",
            "https://999.1.1.1/",
            "https://1.2.3/",
            "https:////example.org",
            "https:example.org",
            "https:",
            "http://",
            "mailto:",
            "mailto:a b@c",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,x",
            "foo:bar",
            "https://a.b/c\u{2028}",
            "https://a.b/c\u{FFFF}",
        ] {
            assert!(
                absolute(url).is_some_and(|r| r.is_err()),
                "{url} should be refused"
            );
        }
        // Relative references and drive letters are not absolute URLs.
        for url in ["02.md", "#x", "c:/x.md", "../a:b"] {
            assert!(absolute(url).is_none(), "{url}");
        }
    }

    #[test]
    fn e_mail_addresses_and_fragments() {
        assert!(is_email("name@example.org"));
        assert!(!is_email("chapters/a@b.md"));
        assert!(!is_email("a@b"));
        assert_eq!(
            crate::assets::percent_decode("02%20second.md"),
            "02 second.md"
        );
        assert_eq!(crate::assets::percent_decode("%zz%e9"), "%zz%e9");
        assert_eq!(encode_fragment("a-b_c.d"), "a-b_c.d");
        assert_eq!(encode_fragment("회고"), "회고");
    }
}
