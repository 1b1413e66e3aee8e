//! Repairing what scraping broke in an article's text.
//!
//! **In:** the article's heading and blocks, the lines the reader joined,
//! and the book's [`Rules`]. **Out:** the same blocks repaired, and a
//! [`Repairs`] log: each kind of repair with its count and first examples
//! (line, before, after). **Must not:** touch code, or make a change the
//! log does not count.
//!
//! The general repairs, in order:
//! - white space: no-break and zero-width spaces, tabs and runs of spaces
//!   between words become one space; spaces at a block's ends go;
//! - a backslash glued in place of the space before a word
//!   (`Soviet\union`), when the page has it at least three times, so a
//!   path or an escape written once is left alone;
//! - a paragraph split in two mid-sentence (the first part ends without a
//!   sentence end, the second starts in lower case) is joined.
//!
//! Then the book's own rules, in the order the rules file gives them.

use super::page::{Block, Kind, Located, continues_sentence, ends_sentence};
use super::rules::Rules;

/// Repairs of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// What was repaired.
    pub label: String,
    /// How many times.
    pub count: usize,
    /// The first few: line, before, after.
    pub examples: Vec<(usize, String, String)>,
}

/// Every repair made, in the order made.
#[derive(Debug, Default, Clone)]
pub struct Repairs {
    /// The general repairs.
    pub general: Vec<Repair>,
    /// The book's rules (those that matched).
    pub rules: Vec<Repair>,
}

/// Examples kept per repair.
const EXAMPLES: usize = 3;

impl Repair {
    fn new(label: impl Into<String>) -> Repair {
        Repair {
            label: label.into(),
            count: 0,
            examples: Vec::new(),
        }
    }

    fn add(&mut self, count: usize, line: usize, before: String, after: String) {
        self.count += count;
        if self.examples.len() < EXAMPLES {
            self.examples.push((line, before, after));
        }
    }
}

/// Repairs the heading and blocks in place; `joined` are the lines the
/// reader joined inside the article.
pub fn repair(
    heading: &mut Option<Located>,
    blocks: &mut Vec<Block>,
    joined: &[usize],
    rules: &Rules,
) -> Repairs {
    let mut repairs = Repairs::default();

    // Lines the reader joined, cut inside a sentence.
    let mut cut = Repair::new("lines cut inside a sentence joined");
    for &line in joined {
        cut.add(1, line, String::new(), String::new());
    }

    // White space.
    let mut nbsp = Repair::new("no-break or zero-width spaces made ordinary");
    let mut spaces = Repair::new("runs of spaces or tabs made one space");
    let mut edges = Repair::new("spaces at the start or end of a paragraph removed");
    if let Some(heading) = heading.as_mut() {
        let text = whitespace(&heading.text, heading.line, &mut nbsp, &mut spaces);
        if text.trim().len() != text.len() {
            edges.add(1, heading.line, String::new(), String::new());
        }
        heading.text = text.trim().to_string();
    }
    for block in blocks.iter_mut().filter(|b| b.kind != Kind::Code) {
        let line = block.line;
        let last = block.runs.len().saturating_sub(1);
        for (i, run) in block.runs.iter_mut().enumerate() {
            if run.code {
                continue;
            }
            let mut text = whitespace(&run.text, line, &mut nbsp, &mut spaces);
            // Only the block's ends are trimmed (a run may end before a
            // link with the space between them).
            if i == 0 && text.starts_with(' ') {
                text = text.trim_start().to_string();
                edges.add(1, line, String::new(), String::new());
            }
            if i == last && text.ends_with(' ') {
                text = text.trim_end().to_string();
                edges.add(1, line, String::new(), String::new());
            }
            run.text = text;
        }
    }

    // Backslashes glued in place of a space.
    let mut glued = Repair::new("backslashes glued in place of a space");
    let total: usize = blocks
        .iter()
        .filter(|b| b.kind != Kind::Code)
        .flat_map(|b| &b.runs)
        .filter(|r| !r.code)
        .map(|r| glued_backslashes(&r.text).len())
        .sum::<usize>()
        + heading
            .as_ref()
            .map_or(0, |h| glued_backslashes(&h.text).len());
    if total >= 3 {
        if let Some(heading) = heading.as_mut() {
            heading.text = unglue(&heading.text, heading.line, &mut glued);
        }
        for block in blocks.iter_mut().filter(|b| b.kind != Kind::Code) {
            let line = block.line;
            for run in block.runs.iter_mut().filter(|r| !r.code) {
                run.text = unglue(&run.text, line, &mut glued);
            }
        }
    }

    // Paragraphs split mid-sentence.
    let mut split = Repair::new("paragraphs split mid-sentence joined");
    let mut i = 0;
    while i + 1 < blocks.len() {
        let (a, b) = (&blocks[i], &blocks[i + 1]);
        if a.kind == Kind::Paragraph
            && b.kind == Kind::Paragraph
            && !ends_sentence(&a.text())
            && continues_sentence(&b.text())
        {
            let next = blocks.remove(i + 1);
            let before = format!("{} ¶ {}", tail(&blocks[i].text()), head(&next.text()));
            let after = before.replace(" ¶ ", " ");
            split.add(1, next.line, before, after);
            let block = &mut blocks[i];
            if let Some(last) = block.runs.last_mut() {
                last.text.push(' ');
            }
            block.runs.extend(next.runs);
        } else {
            i += 1;
        }
    }

    for repair in [glued, cut, split, nbsp, spaces, edges] {
        if repair.count > 0 {
            repairs.general.push(repair);
        }
    }

    // The book's rules.
    for rule in &rules.rules {
        let mut done = Repair::new(rule.label.clone());
        let apply = |text: &mut String, line: usize, done: &mut Repair| {
            if let Some((new, count, (before, after))) = rule.apply(text) {
                done.add(count, line, before, after);
                *text = new;
            }
        };
        if let Some(heading) = heading.as_mut() {
            apply(&mut heading.text, heading.line, &mut done);
        }
        for block in blocks.iter_mut().filter(|b| b.kind != Kind::Code) {
            let line = block.line;
            for run in block.runs.iter_mut().filter(|r| !r.code && !r.line_break) {
                apply(&mut run.text, line, &mut done);
            }
        }
        if done.count > 0 {
            repairs.rules.push(done);
        }
    }
    repairs
}

/// Normalises white space in a text (its ends are the caller's), counting
/// each kind.
fn whitespace(text: &str, line: usize, nbsp: &mut Repair, spaces: &mut Repair) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = 0usize;
    let mut spaced = false;
    for c in text.chars() {
        match c {
            '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{3000}' => {
                nbsp.add(1, line, String::new(), String::new());
                pending += 1;
            }
            '\u{200b}' | '\u{feff}' => nbsp.add(1, line, String::new(), String::new()),
            ' ' | '\t' | '\r' | '\n' => {
                pending += 1;
                spaced |= c != ' ' || pending > 1;
            }
            _ => {
                if pending > 0 {
                    if spaced {
                        spaces.add(1, line, String::new(), String::new());
                    }
                    out.push(' ');
                }
                pending = 0;
                spaced = false;
                out.push(c);
            }
        }
    }
    if pending > 0 {
        out.push(' ');
    }
    out
}

/// Byte offsets of backslashes that stand where a space was: after a
/// letter, digit or punctuation, before a letter.
fn glued_backslashes(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\\'
            && previous.is_some_and(|p| !p.is_whitespace() && p != '\\')
            && chars.peek().is_some_and(|&(_, next)| next.is_alphabetic())
        {
            found.push(at);
        }
        previous = Some(c);
    }
    found
}

/// Replaces glued backslashes with spaces, counting them.
fn unglue(text: &str, line: usize, repair: &mut Repair) -> String {
    let found = glued_backslashes(text);
    if found.is_empty() {
        return text.to_string();
    }
    let mut out = text.to_string();
    for &at in found.iter().rev() {
        out.replace_range(at..at + 1, " ");
    }
    for &at in &found {
        let start = text[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let end = text[at + 1..]
            .find(|c: char| c.is_whitespace() || c == '\\')
            .map_or(text.len(), |i| at + 1 + i);
        let before = text[start..end].to_string();
        let after = before.replacen('\\', " ", 1);
        repair.add(1, line, before, after);
    }
    out
}

/// The last few words of a text.
fn tail(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    words[words.len().saturating_sub(3)..].join(" ")
}

/// The first few words of a text.
fn head(text: &str) -> String {
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::page::{Run, Zone};
    use crate::source::FileId;

    fn block(text: &str, line: usize) -> Block {
        Block {
            kind: Kind::Paragraph,
            runs: vec![Run::plain(text)],
            line,
            zone: Zone::Unknown,
        }
    }

    #[test]
    fn glued_backslashes_become_spaces_when_systematic() {
        let mut blocks = vec![block("the Soviet\\union\\and China,\\and Japan.", 3)];
        let repairs = repair(&mut None, &mut blocks, &[], &Rules::default());
        assert_eq!(blocks[0].text(), "the Soviet union and China, and Japan.");
        let glued = &repairs.general[0];
        assert_eq!(glued.count, 3);
        assert_eq!(
            glued.examples[0],
            (3, "Soviet\\union".into(), "Soviet union".into())
        );

        // Once is not damage: a path keeps its backslash.
        let mut blocks = vec![block("Open C:\\Users to see.", 1)];
        let repairs = repair(&mut None, &mut blocks, &[], &Rules::default());
        assert_eq!(blocks[0].text(), "Open C:\\Users to see.");
        assert!(repairs.general.is_empty());
    }

    #[test]
    fn split_paragraphs_and_spaces() {
        let mut blocks = vec![
            block("Apanasenko was kept well-informed of the military", 10),
            block("situation in\u{a0}northern  Manchuria. ", 12),
            block("A new paragraph.", 14),
        ];
        let repairs = repair(&mut None, &mut blocks, &[], &Rules::default());
        let texts: Vec<String> = blocks.iter().map(Block::text).collect();
        assert_eq!(
            texts,
            [
                "Apanasenko was kept well-informed of the military situation in northern Manchuria.",
                "A new paragraph."
            ]
        );
        let counts: Vec<(&str, usize)> = repairs
            .general
            .iter()
            .map(|r| (r.label.as_str(), r.count))
            .collect();
        assert_eq!(
            counts,
            [
                ("paragraphs split mid-sentence joined", 1),
                ("no-break or zero-width spaces made ordinary", 1),
                ("runs of spaces or tabs made one space", 1),
                ("spaces at the start or end of a paragraph removed", 1),
            ]
        );
    }

    #[test]
    fn rules_apply_after_the_general_repairs_and_skip_code() {
        let rules = Rules::parse(
            "[[replace]]\nfind = ' rom '\nwith = ' from '\n[[replace]]\nregex = 'Soviet union'\nwith = 'Soviet Union'\n",
            FileId(0),
        )
        .unwrap();
        let mut heading = Some(Located {
            text: "Back rom the Soviet\\union".into(),
            line: 1,
        });
        let mut blocks = vec![
            block("He came rom the Soviet\\union\\and went rom there.", 2),
            Block {
                kind: Kind::Code,
                runs: vec![Run::plain("x rom y")],
                line: 4,
                zone: Zone::Unknown,
            },
        ];
        let repairs = repair(&mut heading, &mut blocks, &[], &rules);
        assert_eq!(heading.unwrap().text, "Back from the Soviet Union");
        assert_eq!(
            blocks[0].text(),
            "He came from the Soviet Union and went from there."
        );
        assert_eq!(blocks[1].text(), "x rom y");
        assert_eq!(repairs.rules[0].count, 3);
        assert_eq!(repairs.rules[1].count, 2);
    }
}
