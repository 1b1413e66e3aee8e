//! Footnotes that call each other in a cycle (A → B → A, A → B → C → A).
//!
//! A note calling itself is caught while the tree is built, as its own
//! definition is open then; a longer cycle shows only once every definition
//! is read. A depth-first walk from the text's calls, in order, finds the
//! call that closes each cycle (a call of a note whose chain of calls is
//! still open): it is dropped with a `footnote-cycle` warning, as a
//! self-reference is, so the notes form a tree under the text's calls. A
//! note the text never reaches, even through other notes (two notes only
//! calling each other), is left out with `footnote-unreferenced`, as a note
//! never called is, and the calls of the kept notes are renumbered.
//!
//! The walk keeps its own stack, so a chain of many thousands of notes
//! cannot overflow the call stack; the model it walks is at most
//! [`MAX_DEPTH`](super::MAX_DEPTH) containers deep.

use crate::diag::Diagnostic;
use crate::model::{Block, Footnote, Inline, InlineKind};
use crate::source::Span;

/// Breaks every cycle of notes in `notes` (indexed as the calls in `body`
/// and in the notes count them), leaves out the notes the text does not
/// reach and renumbers the calls. `unreached` makes the warning for a note
/// left out.
pub fn break_cycles(
    body: &mut [Block],
    notes: Vec<Footnote>,
    warnings: &mut Vec<Diagnostic>,
    unreached: impl Fn(&Footnote) -> Diagnostic,
) -> Vec<Footnote> {
    let mut notes = notes;
    let calls: Vec<Vec<(usize, Span)>> = notes
        .iter()
        .map(|note| {
            let mut calls = Vec::new();
            block_calls(&note.blocks, &mut calls);
            calls
        })
        .collect();
    let mut roots = Vec::new();
    block_calls(body, &mut roots);

    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; notes.len()];
    // (The note holding the call, the call.)
    let mut closing: Vec<(usize, Span)> = Vec::new();
    for &(start, _) in &roots {
        if state.get(start) != Some(&State::New) {
            continue;
        }
        state[start] = State::Open;
        // Each open note and how many of its calls are followed.
        let mut stack = vec![(start, 0usize)];
        while let Some(top) = stack.last_mut() {
            let note = top.0;
            let Some(&(to, span)) = calls[note].get(top.1) else {
                state[note] = State::Done;
                stack.pop();
                continue;
            };
            top.1 += 1;
            match state.get(to) {
                Some(State::New) => {
                    state[to] = State::Open;
                    stack.push((to, 0));
                }
                Some(State::Open) => {
                    let from = stack.iter().position(|&(n, _)| n == to).unwrap_or(0);
                    let path: Vec<String> = stack[from..]
                        .iter()
                        .map(|&(n, _)| n)
                        .chain([to])
                        .map(|n| format!("[^{}]", notes[n].label))
                        .collect();
                    warnings.push(
                        Diagnostic::warning(
                            "footnote-cycle",
                            format!("footnotes call each other in a cycle: {}", path.join(" → ")),
                        )
                        .at(span)
                        .hint("the call that closes the cycle is dropped"),
                    );
                    closing.push((note, span));
                }
                _ => {}
            }
        }
    }
    for (note, span) in closing {
        remove_call(&mut notes[note].blocks, span);
    }

    // Renumber: the notes reached, in their order.
    if state.iter().all(|s| *s == State::Done) {
        return notes;
    }
    let mut number = vec![None; notes.len()];
    let mut kept = Vec::new();
    for (index, note) in notes.into_iter().enumerate() {
        if state[index] == State::Done {
            number[index] = Some(kept.len());
            kept.push(note);
        } else {
            warnings.push(unreached(&note));
        }
    }
    renumber(body, &number);
    for note in &mut kept {
        renumber(&mut note.blocks, &number);
    }
    kept
}

/// Every footnote call in `blocks`, in order.
fn block_calls(blocks: &[Block], out: &mut Vec<(usize, Span)>) {
    crate::model::inline_lists(blocks, &mut |inlines| inline_calls(inlines, out));
}

fn inline_calls(inlines: &[Inline], out: &mut Vec<(usize, Span)>) {
    for inline in inlines {
        match &inline.kind {
            InlineKind::FootnoteRef(note) => out.push((*note, inline.span)),
            InlineKind::Emph(children)
            | InlineKind::Strong(children)
            | InlineKind::Strike(children)
            | InlineKind::Link {
                content: children, ..
            } => inline_calls(children, out),
            _ => {}
        }
    }
}

/// Applies `f` to every list of inlines in `blocks`, outermost first.
fn each_inlines(blocks: &mut [Block], f: &mut impl FnMut(&mut Vec<Inline>)) {
    fn inlines(list: &mut Vec<Inline>, f: &mut impl FnMut(&mut Vec<Inline>)) {
        f(list);
        for inline in list {
            match &mut inline.kind {
                InlineKind::Emph(children)
                | InlineKind::Strong(children)
                | InlineKind::Strike(children)
                | InlineKind::Link {
                    content: children, ..
                } => inlines(children, f),
                _ => {}
            }
        }
    }
    crate::model::inline_lists_mut(blocks, &mut |list| inlines(list, f));
}

/// Drops the call at `span`.
fn remove_call(blocks: &mut [Block], span: Span) {
    each_inlines(blocks, &mut |list| {
        list.retain(|i| !(matches!(i.kind, InlineKind::FootnoteRef(_)) && i.span == span));
    });
}

/// Gives every call its note's new number (calls of notes left out only
/// stand in notes left out too).
fn renumber(blocks: &mut [Block], number: &[Option<usize>]) {
    each_inlines(blocks, &mut |list| {
        for inline in list {
            if let InlineKind::FootnoteRef(note) = &mut inline.kind
                && let Some(Some(new)) = number.get(*note)
            {
                *note = *new;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::diag::Sink;
    use crate::model::{BlockKind, InlineKind};
    use crate::source::SourceMap;
    use crate::world::BookPath;

    fn parse(text: &str) -> (crate::model::Chapter, Vec<&'static str>) {
        let mut sources = SourceMap::new();
        let file = sources.add("chapters/01.md", text.to_string());
        let mut sink = Sink::new();
        let path = BookPath::parse("chapters/01.md").expect("a book path");
        let parsed = super::super::parse(sources.get(file), file, path, "01".into(), &mut sink);
        let warnings = sink.into_vec().into_iter().map(|d| d.code).collect();
        (parsed.chapter, warnings)
    }

    /// The note numbers called in a note's first paragraph.
    fn calls(note: &crate::model::Footnote) -> Vec<usize> {
        let Some(BlockKind::Paragraph(inlines)) = note.blocks.first().map(|b| &b.kind) else {
            return Vec::new();
        };
        inlines
            .iter()
            .filter_map(|i| match i.kind {
                InlineKind::FootnoteRef(n) => Some(n),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_two_note_cycle_loses_its_closing_call() {
        let (chapter, warnings) = parse("# C\n\nText[^a].\n\n[^a]: A[^b].\n\n[^b]: B[^a].\n");
        assert_eq!(warnings, ["footnote-cycle"]);
        let labels: Vec<&str> = chapter.footnotes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["a", "b"]);
        assert_eq!(calls(&chapter.footnotes[0]), [1]);
        assert!(calls(&chapter.footnotes[1]).is_empty());
    }

    #[test]
    fn notes_only_calling_each_other_are_left_out_and_the_rest_renumbered() {
        let (chapter, warnings) = parse(
            "# C\n\nText[^k].\n\n[^c]: C[^d].\n\n[^d]: D[^c].\n\n[^k]: Kept[^m].\n\n[^m]: M.\n",
        );
        let labels: Vec<&str> = chapter.footnotes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["k", "m"]);
        assert_eq!(calls(&chapter.footnotes[0]), [1]);
        assert_eq!(
            warnings,
            ["footnote-unreferenced", "footnote-unreferenced"],
            "no cycle is reported among notes left out"
        );
    }

    #[test]
    fn a_long_chain_of_notes_is_walked_without_recursion() {
        let n = 10_000;
        let mut text = String::from("# C\n\nText[^n0].\n\n");
        for i in 0..n {
            text.push_str(&format!("[^n{i}]: N[^n{}].\n\n", (i + 1) % n));
        }
        let (chapter, warnings) = parse(&text);
        assert_eq!(chapter.footnotes.len(), n);
        assert_eq!(warnings, ["footnote-cycle"]);
        assert!(calls(&chapter.footnotes[n - 1]).is_empty());
    }
}
