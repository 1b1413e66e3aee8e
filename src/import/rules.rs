//! A book's own import repairs: `import-rules.toml`.
//!
//! **In:** the text of a rules file and its id in the source map. **Out:**
//! [`Rules`], each a literal or a regular expression with its replacement,
//! ready to apply to a paragraph's text; or a diagnostic at the line and
//! column of the first thing wrong (a bad regex points at its pattern).
//! **Must not:** apply anything itself beyond [`Rule::apply`], or read files.
//!
//! ```toml
//! [[replace]]
//! find = " rom "          # a literal, matched as written
//! with = " from "
//!
//! [[replace]]
//! regex = '\bSoviet union\b'   # Rust regex syntax; `$1` in `with` for groups
//! with = "Soviet Union"
//! note = "Soviet Union with a capital U"   # how the report names it
//! ```

use serde::Deserialize;
use toml::Spanned;

use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// The rules of one file, in the order written (each applies to the
/// result of the ones before).
#[derive(Debug, Default)]
pub struct Rules {
    /// The rules.
    pub rules: Vec<Rule>,
}

/// One replacement.
#[derive(Debug)]
pub struct Rule {
    /// How the report names it: the note, else `find → with`.
    pub label: String,
    matcher: Matcher,
    with: String,
}

#[derive(Debug)]
enum Matcher {
    Literal(String),
    Regex(regex::Regex),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    replace: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    find: Option<Spanned<String>>,
    regex: Option<Spanned<String>>,
    with: String,
    note: Option<String>,
}

/// Patterns this long or longer are refused (a rules file is hand-written;
/// this keeps a runaway pattern from taking the machine).
const MAX_PATTERN: usize = 10_000;

impl Rules {
    /// Parses a rules file. The first problem is an error with its place.
    pub fn parse(text: &str, file: FileId) -> Result<Rules, Diagnostic> {
        let raw: RawFile = toml::from_str(text).map_err(|error| {
            let message = error
                .message()
                .trim_end()
                .trim_end_matches('.')
                .replace('\n', " ");
            let mut diagnostic = Diagnostic::error("import-rules-invalid", message);
            if let Some(range) = error.span() {
                diagnostic = diagnostic.at(Span::new(file, range));
            }
            diagnostic.hint(
                "each rule is a `[[replace]]` table with `find` (a literal) or `regex`, and `with`",
            )
        })?;
        let mut rules = Vec::with_capacity(raw.replace.len());
        for rule in raw.replace {
            let span = Span::new(file, rule.span());
            let rule = rule.into_inner();
            let matcher = match (rule.find, rule.regex) {
                (Some(find), None) => {
                    if find.get_ref().is_empty() {
                        return Err(Diagnostic::error("import-rules-invalid", "`find` is empty")
                            .at(Span::new(file, find.span())));
                    }
                    Matcher::Literal(find.into_inner())
                }
                (None, Some(pattern)) => {
                    let at = Span::new(file, pattern.span());
                    if pattern.get_ref().len() >= MAX_PATTERN {
                        return Err(Diagnostic::error(
                            "import-rules-invalid",
                            format!("the regex is longer than {MAX_PATTERN} bytes"),
                        )
                        .at(at));
                    }
                    let regex = regex::RegexBuilder::new(pattern.get_ref())
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|error| {
                            Diagnostic::error("import-rules-bad-regex", regex_message(&error)).at(at).hint(
                                "the syntax is Rust's `regex` crate; write `find = \"…\"` to match text literally",
                            )
                        })?;
                    if regex.is_match("") {
                        return Err(Diagnostic::error(
                            "import-rules-bad-regex",
                            "the regex matches the empty string, so it would insert its replacement everywhere",
                        )
                        .at(at));
                    }
                    Matcher::Regex(regex)
                }
                (Some(_), Some(_)) => {
                    return Err(Diagnostic::error(
                        "import-rules-invalid",
                        "a rule has both `find` and `regex`; give one",
                    )
                    .at(span));
                }
                (None, None) => {
                    return Err(Diagnostic::error(
                        "import-rules-invalid",
                        "a rule has neither `find` nor `regex`",
                    )
                    .at(span));
                }
            };
            let label = rule.note.unwrap_or_else(|| match &matcher {
                Matcher::Literal(find) => format!("“{find}” → “{}”", rule.with),
                Matcher::Regex(regex) => format!("/{}/ → “{}”", regex.as_str(), rule.with),
            });
            rules.push(Rule {
                label,
                matcher,
                with: rule.with,
            });
        }
        Ok(Rules { rules })
    }
}

/// The regex crate's error, on one line: its message without the
/// pattern it repeats.
fn regex_message(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(text) => {
            let last = text
                .lines()
                .rev()
                .find(|line| line.starts_with("error:"))
                .unwrap_or(text.as_str());
            format!("bad regex: {}", last.trim_start_matches("error:").trim())
        }
        regex::Error::CompiledTooBig(_) => "bad regex: it compiles too big".to_string(),
        other => format!("bad regex: {other}"),
    }
}

impl Rule {
    /// Applies the rule to `text`: the new text (when anything matched)
    /// and the first match with its replacement, for the report.
    pub fn apply(&self, text: &str) -> Option<(String, usize, (String, String))> {
        match &self.matcher {
            Matcher::Literal(find) => {
                let count = text.matches(find.as_str()).count();
                (count > 0).then(|| {
                    (
                        text.replace(find.as_str(), &self.with),
                        count,
                        (find.clone(), self.with.clone()),
                    )
                })
            }
            Matcher::Regex(regex) => {
                let first = regex.captures(text)?;
                let mut example = String::new();
                first.expand(&self.with, &mut example);
                let before = first.get(0).map_or("", |m| m.as_str()).to_string();
                let count = regex.find_iter(text).count();
                let replaced = regex.replace_all(text, self.with.as_str()).into_owned();
                Some((replaced, count, (before, example)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn parse(text: &str) -> Result<Rules, (Diagnostic, SourceMap)> {
        let mut map = SourceMap::new();
        let id = map.add("import-rules.toml", text.to_string());
        Rules::parse(text, id).map_err(|d| (d, map))
    }

    fn line_of(result: Result<Rules, (Diagnostic, SourceMap)>) -> (String, usize, usize) {
        let (diagnostic, map) = result.expect_err("an error");
        let Some(crate::diag::Location::Span(span)) = diagnostic.location else {
            panic!("no place: {diagnostic:?}");
        };
        let (_, at) = map.locate(span);
        (diagnostic.message, at.line, at.column)
    }

    #[test]
    fn literal_and_regex_rules_apply_in_order() {
        let rules = parse(
            "[[replace]]\nfind = ' rom '\nwith = ' from '\n\n[[replace]]\nregex = '\\bSoviet union\\b'\nwith = 'Soviet Union'\nnote = 'capital U'\n",
        )
        .unwrap();
        assert_eq!(rules.rules.len(), 2);
        let text = "went rom the Soviet union rom here; Soviet unions";
        let (text, count, example) = rules.rules[0].apply(text).unwrap();
        assert_eq!((count, example.0.as_str()), (2, " rom "));
        let (text, count, _) = rules.rules[1].apply(&text).unwrap();
        assert_eq!(count, 1);
        assert_eq!(text, "went from the Soviet Union from here; Soviet unions");
        assert_eq!(rules.rules[1].label, "capital U");
        assert!(rules.rules[0].apply("nothing").is_none());
    }

    #[test]
    fn regex_groups_expand() {
        let rules = parse("[[replace]]\nregex = '(\\d+)-(\\d+)'\nwith = '$1–$2'\n").unwrap();
        let (text, count, example) = rules.rules[0].apply("pp. 10-12 and 3-4").unwrap();
        assert_eq!((text.as_str(), count), ("pp. 10–12 and 3–4", 2));
        assert_eq!(example, ("10-12".to_string(), "10–12".to_string()));
    }

    #[test]
    fn a_bad_regex_is_an_error_at_its_line() {
        let text = "[[replace]]\nfind = 'a'\nwith = 'b'\n\n[[replace]]\nregex = 'Soviet (union'\nwith = 'x'\n";
        let (message, line, column) = line_of(parse(text));
        assert!(message.starts_with("bad regex"), "{message}");
        assert!(message.contains("unclosed group"), "{message}");
        assert_eq!((line, column), (6, 9));
    }

    #[test]
    fn malformed_files_are_errors_with_places() {
        let (message, line, _) = line_of(parse("[[replace]]\nfind = 'a'\n"));
        assert!(message.contains("with"), "{message}");
        assert_eq!(line, 1);
        let (message, line, _) =
            line_of(parse("[[replace]]\nfind = 'a'\nregex = 'b'\nwith = ''\n"));
        assert!(message.contains("both"), "{message}");
        assert_eq!(line, 1);
        let (message, line, _) = line_of(parse("[[replace]]\nwith = 'x'\nfnd = 'a'\n"));
        assert!(message.contains("fnd"), "{message}");
        assert_eq!(line, 3);
        let (message, _, _) = line_of(parse("[[replace]]\nregex = 'x*'\nwith = 'y'\n"));
        assert!(message.contains("empty string"), "{message}");
        let (_, line, _) = line_of(parse("[[replace]]\nfind = ''\nwith = 'y'\n"));
        assert_eq!(line, 2);
    }
}
