//! The ids of one chapter document: quire's own (the chapter's, its
//! headings', its notes' and calls'), known before the chapter is written,
//! and those raw HTML claims as it goes, so none is used twice and links
//! can tell where they lead.

use std::collections::HashSet;

use super::attributes::is_xml_name;
use crate::model::{Block, BlockKind, Chapter};

/// The ids used in one chapter document, so raw HTML cannot repeat one.
#[derive(Debug, Default)]
pub struct Ids {
    pub(super) used: HashSet<String>,
}

impl Ids {
    /// The ids quire itself gives in `chapter`: its slug and its headings'
    /// anchors. Footnote ids (`fn-…`, `fnref-…`) are reserved by prefix.
    pub fn for_chapter(chapter: &Chapter) -> Self {
        let mut ids = Ids::default();
        ids.used.insert(chapter.slug.clone());
        if let Some(heading) = &chapter.heading {
            ids.used.insert(heading.id.clone());
        }
        ids.headings(&chapter.blocks);
        for note in &chapter.footnotes {
            ids.headings(&note.blocks);
        }
        ids
    }

    fn headings(&mut self, blocks: &[Block]) {
        for block in blocks {
            match &block.kind {
                BlockKind::Heading(heading) => {
                    self.used.insert(heading.id.clone());
                }
                BlockKind::Quote(blocks) => self.headings(blocks),
                BlockKind::List(list) => {
                    for item in &list.items {
                        self.headings(&item.blocks);
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether `id` is used in the document.
    pub fn contains(&self, id: &str) -> bool {
        self.used.contains(id)
    }

    /// Notes an id quire writes itself (a footnote's, a call's).
    pub fn insert(&mut self, id: &str) {
        self.used.insert(id.to_string());
    }

    /// Takes `id` for raw HTML, or says why it cannot be had.
    pub(super) fn claim(&mut self, id: &str) -> Result<(), String> {
        if !is_xml_name(id) {
            return Err(format!(
                "`id=\"{id}\"` is not a valid id: it must start with a letter or `_` and hold no spaces"
            ));
        }
        if id.starts_with("fn-") || id.starts_with("fnref-") {
            return Err(format!(
                "`id=\"{id}\"`: ids starting `fn-` and `fnref-` are quire's, for footnotes"
            ));
        }
        if !self.used.insert(id.to_string()) {
            return Err(format!("`id=\"{id}\"` is already used in this chapter"));
        }
        Ok(())
    }
}
