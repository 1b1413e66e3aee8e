//! Attributes: which are kept, on which elements, and how each is checked.

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::config::LanguageTag;

/// Why an attribute is left out.
pub(super) enum Refusal {
    Script,
    Style,
    NotKept,
    Invalid(String),
    /// An `href` that leads nowhere: warned about on its own, as
    /// `link-broken`.
    Broken(String),
}

/// Writes the attributes of `tag` that `element` keeps, and warns once
/// about the others.
pub(super) fn write_attributes(element: &Element, tag: &StartTag, at: &Locator, out: &mut Output) {
    let mut written: Vec<&'static str> = Vec::new();
    let mut refused: Vec<(&str, Range<usize>, Refusal)> = Vec::new();
    for attribute in &tag.attributes {
        let checked = check_attribute(
            element,
            &attribute.name,
            &attribute.value,
            out.ids,
            out.links,
        );
        match checked {
            Ok((name, _)) if written.contains(&name) => {}
            Ok((name, value)) => {
                written.push(name);
                if name == "lang" {
                    out.w.lang(&value);
                } else {
                    out.w.attr(name, &value);
                }
            }
            Err(Refusal::Broken(why)) => out.warnings.push(
                super::super::links::broken(&attribute.value, &why)
                    .at(at.span(attribute.range.clone())),
            ),
            Err(refusal) => refused.push((&attribute.name, attribute.range.clone(), refusal)),
        }
    }
    let (Some(first), Some(last)) = (refused.first(), refused.last()) else {
        return;
    };
    let names: Vec<String> = refused.iter().map(|(n, ..)| format!("`{n}`")).collect();
    let message = match names.as_slice() {
        [one] => format!("attribute {one} of `<{}>` is left out", element.name),
        [init @ .., last] => format!(
            "attributes {} and {last} of `<{}>` are left out",
            init.join(", "),
            element.name
        ),
        [] => unreachable!("refused is not empty"),
    };
    let mut warning = Diagnostic::warning("html-attribute-dropped", message)
        .at(at.span(first.1.start..last.1.end));
    let mut hints: Vec<String> = Vec::new();
    for (_, _, refusal) in &refused {
        let hint = match refusal {
            Refusal::Script => "event handlers (`on…`) are scripts, and the e-book runs none".to_string(),
            Refusal::Style => format!("{LOOKS}: give the element a `class` and style that instead of a `style`"),
            Refusal::NotKept => "quire keeps `class`, `id`, `title`, `lang`, `dir`, `role`, `aria-label`, `aria-hidden`, `epub:type` and a few attributes particular to an element".to_string(),
            Refusal::Invalid(why) | Refusal::Broken(why) => why.clone(),
        };
        if !hints.contains(&hint) {
            hints.push(hint);
        }
    }
    for hint in hints {
        warning = warning.hint(hint);
    }
    out.warnings.push(warning);
}

/// The name and value to write for an attribute, or why it is left out.
pub(super) fn check_attribute<'v>(
    element: &Element,
    name: &str,
    value: &'v str,
    ids: &mut Ids,
    links: &mut dyn Resolve,
) -> Result<(&'static str, Cow<'v, str>), Refusal> {
    let invalid = |why: &str| Err(Refusal::Invalid(why.to_string()));
    let keep = |name: &'static str| Ok((name, Cow::Borrowed(value)));
    match name {
        _ if name.starts_with("on") => Err(Refusal::Script),
        "style" => Err(Refusal::Style),
        "class" => keep("class"),
        "title" => keep("title"),
        "epub:type" => {
            let terms: Vec<&str> = value.split_ascii_whitespace().collect();
            if !terms.is_empty() && terms.iter().all(|t| EPUB_TYPES.contains(t)) {
                Ok(("epub:type", Cow::Owned(terms.join(" "))))
            } else {
                invalid(
                    "`epub:type` takes terms of the EPUB structural semantics vocabulary, such as `chapter`, `epigraph` or `pullquote`, without a prefix",
                )
            }
        }
        "lang" | "xml:lang" if value.is_empty() || LanguageTag::is_valid(value) => keep("lang"),
        "lang" | "xml:lang" => invalid("`lang` must be a language tag such as `en` or `pt-BR`"),
        "dir" => match value.to_ascii_lowercase().as_str() {
            "ltr" => Ok(("dir", Cow::Borrowed("ltr"))),
            "rtl" => Ok(("dir", Cow::Borrowed("rtl"))),
            "auto" => Ok(("dir", Cow::Borrowed("auto"))),
            _ => invalid("`dir` must be `ltr`, `rtl` or `auto`"),
        },
        "id" => match ids.claim(value) {
            Ok(()) => keep("id"),
            Err(why) => Err(Refusal::Invalid(why)),
        },
        "role" => match roles(element.name) {
            Some(roles) if roles.contains(&value.trim()) => {
                Ok(("role", Cow::Owned(value.trim().to_string())))
            }
            Some(_) => invalid(&format!(
                "`role` must be one structural WAI-ARIA role (such as `note`) or DPUB-ARIA `doc-…` role that `<{}>` may have",
                element.name
            )),
            None => invalid(
                "`role` is kept on `div`, `span`, `p`, `section`, `aside`, `figure` and `blockquote` only",
            ),
        },
        "aria-label" if !value.trim().is_empty() => keep("aria-label"),
        "aria-hidden" if matches!(value, "true" | "false") => keep("aria-hidden"),
        "aria-hidden" => invalid("`aria-hidden` must be `true` or `false`"),
        _ => match element.attributes.iter().find(|a| **a == name) {
            Some(&"href") if is_safe_url(value) => links
                .resolve(value)
                .map(|href| ("href", Cow::Owned(href)))
                .map_err(Refusal::Broken),
            Some(&"cite") if is_safe_url(value) => links
                .resolve(value)
                .map(|cite| ("cite", Cow::Owned(cite)))
                .map_err(|why| Refusal::Invalid(format!("`cite` must lead somewhere: {why}"))),
            Some(&name) => check_element_attribute(name, value),
            None => Err(Refusal::NotKept),
        },
    }
}

/// Checks an attribute particular to an element.
pub(super) fn check_element_attribute<'v>(
    name: &'static str,
    value: &'v str,
) -> Result<(&'static str, Cow<'v, str>), Refusal> {
    let ok = |value| Ok((name, value));
    let number = |low: u32, high: u32| {
        value.bytes().all(|b| b.is_ascii_digit())
            && value
                .parse::<u32>()
                .is_ok_and(|n| (low..=high).contains(&n))
    };
    let invalid = |why: String| Err(Refusal::Invalid(why));
    match name {
        "href" | "cite" => {
            invalid("`javascript:`, `vbscript:` and `data:` addresses are left out".to_string())
        }
        // Boolean attributes: in XHTML their value is their name.
        "reversed" | "open" => ok(Cow::Borrowed(name)),
        "start"
            if value
                .strip_prefix('-')
                .unwrap_or(value)
                .parse::<u32>()
                .is_ok() =>
        {
            ok(Cow::Borrowed(value))
        }
        "start" => invalid("`start` must be a whole number".to_string()),
        "type" if matches!(value, "1" | "a" | "A" | "i" | "I") => ok(Cow::Borrowed(value)),
        "type" => invalid("`type` must be `1`, `a`, `A`, `i` or `I`".to_string()),
        "colspan" | "span" if number(1, 1000) => ok(Cow::Borrowed(value)),
        "rowspan" if number(0, 65534) => ok(Cow::Borrowed(value)),
        "colspan" | "span" | "rowspan" => {
            invalid(format!("`{name}` must be a number (from 1 to 1000)"))
        }
        "scope" => match value.to_ascii_lowercase().as_str() {
            "row" => ok(Cow::Borrowed("row")),
            "col" => ok(Cow::Borrowed("col")),
            "rowgroup" => ok(Cow::Borrowed("rowgroup")),
            "colgroup" => ok(Cow::Borrowed("colgroup")),
            _ => invalid("`scope` must be `row`, `col`, `rowgroup` or `colgroup`".to_string()),
        },
        "datetime" if is_datetime(value) => ok(Cow::Borrowed(value)),
        "datetime" => invalid(
            "`datetime` must be a date or time such as `2024-05-01` or `2024-05-01T09:30`"
                .to_string(),
        ),
        _ => ok(Cow::Borrowed(value)),
    }
}

/// A link that cannot run code: not `javascript:`, `vbscript:` or `data:`.
/// Characters browsers skip in a scheme (and the writer drops) are removed
/// before looking, so `java&#9;script:` is caught too.
pub(super) fn is_safe_url(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|&c| c > ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    !["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

/// An XML name without colons (what an `id` must be in XHTML).
pub(super) fn is_xml_name(value: &str) -> bool {
    let start = |c: char| {
        c.is_ascii_alphabetic()
            || c == '_'
            || matches!(c as u32,
                0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x2FF | 0x370..=0x37D | 0x37F..=0x1FFF
                | 0x200C..=0x200D | 0x2070..=0x218F | 0x2C00..=0x2FEF | 0x3001..=0xD7FF
                | 0xF900..=0xFDCF | 0xFDF0..=0xFFFD | 0x10000..=0xEFFFF)
    };
    let rest = |c: char| {
        start(c)
            || c.is_ascii_digit()
            || matches!(c, '-' | '.' | '\u{B7}')
            || matches!(c as u32, 0x300..=0x36F | 0x203F..=0x2040)
    };
    let mut chars = value.chars();
    chars.next().is_some_and(start) && chars.all(rest)
}

/// A date, time or both as HTML's `datetime` takes them (the common forms:
/// `2024`, `2024-05`, `2024-05-01`, `09:30`, `09:30:15.5`,
/// `2024-05-01T09:30Z`, `2024-05-01 09:30+02:00`).
pub(super) fn is_datetime(value: &str) -> bool {
    let number = |s: &str, len: usize, max: u32| {
        s.len() == len
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let date = |s: &str, full: bool| {
        let parts: Vec<&str> = s.split('-').collect();
        let year = parts
            .first()
            .is_some_and(|y| y.len() >= 4 && y.bytes().all(|b| b.is_ascii_digit()));
        let month = |m: &str| number(m, 2, 12) && m != "00";
        let day = |d: &str| number(d, 2, 31) && d != "00";
        year && match parts[1..] {
            [] => !full,
            [m] => !full && month(m),
            [m, d] => month(m) && day(d),
            _ => false,
        }
    };
    let time = |s: &str| {
        let (hm, seconds) = match s.splitn(3, ':').collect::<Vec<_>>()[..] {
            [h, m] => ((h, m), None),
            [h, m, sec] => ((h, m), Some(sec)),
            _ => return false,
        };
        number(hm.0, 2, 23)
            && number(hm.1, 2, 59)
            && seconds.is_none_or(|sec| {
                let (whole, fraction) = sec.split_once('.').unwrap_or((sec, "0"));
                number(whole, 2, 59)
                    && !fraction.is_empty()
                    && fraction.bytes().all(|b| b.is_ascii_digit())
            })
    };
    let zoned = |s: &str| {
        if let Some(t) = s.strip_suffix('Z') {
            return time(t);
        }
        match s.rfind(['+', '-']) {
            Some(i) => {
                // `+hh:mm` or `+hhmm`; `get` because the zone may hold any
                // character, and slicing inside one would panic.
                let zone = s[i + 1..].replace(':', "");
                time(&s[..i])
                    && zone.len() == 4
                    && zone.get(..2).is_some_and(|h| number(h, 2, 23))
                    && zone.get(2..).is_some_and(|m| number(m, 2, 59))
            }
            None => time(s),
        }
    };
    let value = value.trim();
    match value.split_once(['T', ' ']) {
        Some((d, t)) => date(d, true) && zoned(t),
        None => date(value, false) || time(value),
    }
}
