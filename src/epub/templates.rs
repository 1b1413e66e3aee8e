//! The XHTML skeleton and the style sheet of the e-book.
//!
//! Both live in `templates/epub/` and are embedded in the binary; a book
//! replaces either by keeping a file of the same name in its own
//! `templates/epub/` folder (the `load` stage reads it). A page is rendered
//! with minijinja with auto-escaping on, so every value (titles, languages,
//! style sheet paths) is escaped; only the body, which quire built with the
//! escaping writer, is passed as already-safe markup.
//!
//! The page template gets `title`, `lang`, `stylesheets` (a list of paths),
//! `body_type` and `body_class` (either may be none) and `body`.

use minijinja::{AutoEscape, Environment, Value, context};

use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// The built-in page skeleton.
const PAGE: &str = include_str!("../../templates/epub/page.xhtml");
/// The built-in style sheet.
const CSS: &str = include_str!("../../templates/epub/book.css");

/// The templates of one build.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    css: String,
    /// Whether `css` is the book's own.
    custom_css: bool,
    /// The book's own page template and its text, for errors found while
    /// rendering.
    page_file: Option<(FileId, String)>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates::new(None, None).expect("the built-in templates are valid")
    }
}

/// A template error on its line of the book's template, or in general.
fn template_error(error: &minijinja::Error, file: Option<(FileId, &str)>) -> Diagnostic {
    let what = match file {
        Some(_) => "the book's page template",
        None => "the built-in page template",
    };
    let message = format!(
        "{what} cannot be used: {}",
        error.detail().unwrap_or(&error.to_string())
    );
    let diagnostic = Diagnostic::error("template-invalid", message);
    let line = |text: &str, number: usize| {
        let start: usize = text
            .split_inclusive('\n')
            .take(number - 1)
            .map(str::len)
            .sum();
        let length = text[start..].find('\n').unwrap_or(text.len() - start);
        start..start + length
    };
    match (file, error.line()) {
        (Some((file, text)), Some(number)) if number >= 1 => {
            diagnostic.at(Span::new(file, line(text, number)))
        }
        (Some(_), _) => diagnostic.in_file(format!("{}/page.xhtml", crate::load::TEMPLATES_DIR)),
        (None, _) => diagnostic,
    }
}

impl Templates {
    /// The built-in templates, each replaced by the book's when given: the
    /// page skeleton as (its file in the source map, its text), the style
    /// sheet as text.
    pub fn new(page: Option<(FileId, &str)>, css: Option<&str>) -> Result<Self, Diagnostic> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        // XML escaping (quire's own escaper) for every value that is not
        // already safe markup; MiniJinja's HTML escaper would also turn `/`
        // into `&#x2f;`, valid but needlessly unreadable.
        env.set_formatter(|out, _state, value| {
            if value.is_safe() || value.is_none() || value.is_undefined() {
                if !value.is_none() && !value.is_undefined() {
                    out.write_str(&value.to_string())?;
                }
            } else {
                out.write_str(&crate::xml::escape_attribute(&value.to_string()))?;
            }
            Ok(())
        });
        let source = page.map_or(PAGE, |(_, text)| text);
        env.add_template_owned("page.xhtml", source.to_string())
            .map_err(|e| template_error(&e, page))?;
        let page_file = page.map(|(file, text)| (file, text.to_string()));
        Ok(Templates {
            env,
            css: css.unwrap_or(CSS).to_string(),
            custom_css: css.is_some(),
            page_file,
        })
    }

    /// Whether the style sheet is the book's own (which may ask for any
    /// face of the fonts).
    pub fn has_custom_css(&self) -> bool {
        self.custom_css
    }

    /// The style sheet.
    pub fn css(&self) -> &str {
        &self.css
    }

    /// A complete XHTML document around `body` (markup quire built).
    pub fn page(
        &self,
        title: &str,
        lang: &str,
        stylesheets: &[&str],
        body_type: Option<&str>,
        body_class: Option<&str>,
        body: String,
    ) -> Result<String, Diagnostic> {
        let template = self.env.get_template("page.xhtml").expect("added in new");
        template
            .render(context! {
                title, lang, stylesheets, body_type, body_class,
                body => Value::from_safe_string(body),
            })
            .map_err(|e| {
                let file = self
                    .page_file
                    .as_ref()
                    .map(|(file, text)| (*file, text.as_str()));
                template_error(&e, file)
            })
    }
}
