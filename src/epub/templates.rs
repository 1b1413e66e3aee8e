//! The XHTML skeleton and the style sheet of the e-book.
//!
//! Both live in `templates/epub/` and are embedded in the binary. A page is
//! rendered with minijinja with auto-escaping on, so every value (titles,
//! languages) is escaped; only the body, which quire built with the escaping
//! writer, is passed as already-safe markup.

use minijinja::{AutoEscape, Environment, Value, context};

use crate::diag::Diagnostic;

const PAGE: &str = include_str!("../../templates/epub/page.xhtml");
const CSS: &str = include_str!("../../templates/epub/book.css");

/// The templates of one build.
pub struct Templates {
    env: Environment<'static>,
    css: String,
}

impl Default for Templates {
    fn default() -> Self {
        Templates::new(PAGE.to_string(), CSS.to_string()).expect("the built-in templates are valid")
    }
}

impl Templates {
    /// Templates from the given page skeleton and style sheet.
    pub fn new(page: String, css: String) -> Result<Self, Diagnostic> {
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
        env.add_template_owned("page.xhtml", page).map_err(|e| {
            Diagnostic::error(
                "template-invalid",
                format!("templates/epub/page.xhtml: {e}"),
            )
        })?;
        Ok(Templates { env, css })
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
                Diagnostic::error(
                    "template-invalid",
                    format!("templates/epub/page.xhtml: {e}"),
                )
            })
    }
}
