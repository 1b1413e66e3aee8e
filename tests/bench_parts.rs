//! The pure parts of the build benchmark (`bench/`), tested here because a
//! bench target with `harness = false` runs no `#[test]`: the Markdown →
//! Typst converter that lets it time Typst on the corpus, and the readers
//! of `/proc` text it measures processes with.

#[path = "bench/proc.rs"]
mod proc;
#[path = "bench/typst.rs"]
mod typst;

use proc::Stat;

/// `text` escaped for Typst markup.
fn escaped(text: &str) -> String {
    let mut out = String::new();
    typst::escape(text, &mut out);
    out
}

#[test]
fn escape_gives_markup_characters_a_backslash() {
    assert_eq!(escaped("#*_$@<"), r"\#\*\_\$\@\<");
    assert_eq!(
        escaped("a > b [c] {d} `e` ~f"),
        r"a \> b \[c\] \{d\} \`e\` \~f"
    );
    // Comments, links, dashes, headings, lists and quotes stay text.
    assert_eq!(escaped("// x https://y"), r"\/\/ x https:\/\/y");
    assert_eq!(escaped("= a - b + c"), r"\= a \- b \+ c");
    assert_eq!(escaped(r#"'q' "r" \"#), r#"\'q\' \"r\" \\"#);
    // `1.` opens a numbered list at a line's start; other dots stay.
    assert_eq!(escaped("1. In 1945. Yes..."), r"1\. In 1945\. Yes...");
    // A paragraph's line breaks are spaces; other text is untouched.
    assert_eq!(
        escaped("one\ntwo ‘three’ – 회고록"),
        "one two ‘three’ – 회고록"
    );
}

#[test]
fn markup_in_the_text_comes_out_escaped_in_the_chapter() {
    // (`<home>` would be an HTML tag to Markdown, and left out.)
    let out = typst::chapter("Pay $5 to @me for #1 and a_b, <3 > 2.\n");
    assert_eq!(out, r"Pay \$5 to \@me for \#1 and a\_b, \<3 \> 2\.");
}

#[test]
fn a_note_goes_in_at_its_call_and_its_definition_goes() {
    let markdown = "A call.[^1] After it.\n\nMore[^two].\n\n\
                    [^1]: The *first* note.\n\n[^two]: The second.\n";
    let out = typst::chapter(markdown);
    assert_eq!(
        out,
        "A call.#footnote[The #emph[first]; note.]; After it.\n\n\
         More#footnote[The second.];."
    );
}

#[test]
fn a_note_defined_before_its_call_and_one_never_defined() {
    let out = typst::chapter("[^a]: Early.\n\nCall[^a] and[^missing].\n");
    assert_eq!(out, r"Call#footnote[Early.]; and\[^missing\].");
}

#[test]
fn text_after_a_call_cannot_continue_it() {
    // `(`, `[` and `.name` after a call would be its arguments or a field:
    // every call ends with `;`, which Typst swallows.
    let out = typst::chapter("*a*(b) **c**.d\n");
    assert_eq!(out, r"#emph[a];(b) #strong[c];.d");
}

#[test]
fn headings_quotes_and_lists() {
    let markdown = "# 1. The Start\n\nText.\n\n## A *Section*\n\n\
                    > Quoted one.\n>\n> Quoted two.\n\n- one\n- two\n\n3. three\n4. four\n";
    let out = typst::chapter(markdown);
    assert_eq!(
        out,
        "#pagebreak(to: \"odd\")\n= 1\\. The Start\n\nText.\n\n\
         == A #emph[Section];\n\n\
         #quote(block: true)[Quoted one.\n\nQuoted two.];\n\n\
         #list([one], [two]);\n\n\
         #enum(start: 3, [three], [four]);"
    );
}

#[test]
fn smart_punctuation_as_quire_reads_it() {
    assert_eq!(typst::chapter("\"Hi\" -- it's...\n"), "“Hi” – it’s…");
}

#[test]
fn the_document_sets_the_page_and_opens_each_chapter() {
    let setup = typst::Setup {
        title: "A \"Book\"",
        author: "Me",
        language: "en-GB",
    };
    let out = typst::document(&setup, &["# One\n\nText.\n", "# Two\n"]);
    assert!(out.contains("#set document(title: \"A \\\"Book\\\"\", author: \"Me\")\n"));
    assert!(out.contains("#set page(width: 6in, height: 9in, margin: 0.75in, numbering: \"1\")\n"));
    assert!(out.contains(
        "#set text(font: \"Libertinus Serif\", size: 11pt, lang: \"en\", region: \"GB\", hyphenate: true)\n"
    ));
    assert!(out.contains("#set par(justify: true)\n#outline()\n"));
    assert!(out.ends_with(
        "#pagebreak(to: \"odd\")\n= One\n\nText.\n\n#pagebreak(to: \"odd\")\n= Two\n\n"
    ));
}

/// A `stat` line of a process in state `state` with utime 1234 and stime
/// 56, named `comm`.
fn stat_line(comm: &str, state: char) -> String {
    format!(
        "4242 ({comm}) {state} 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 3 0 \
         9999 123456789 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
    )
}

#[test]
fn stat_of_a_zombie_gives_its_final_times() {
    let stat = Stat::parse(&stat_line("quire", 'Z')).expect("a stat line");
    assert_eq!(
        stat,
        Stat {
            state: 'Z',
            utime: 1234,
            stime: 56
        }
    );
    assert!((stat.cpu_seconds() - 12.90).abs() < 1e-9);
}

#[test]
fn stat_counts_fields_from_the_last_parenthesis() {
    // A command name may hold spaces, `)` and things that look like fields.
    let stat = Stat::parse(&stat_line("a) R 7 (b c))", 'S')).expect("a stat line");
    assert_eq!((stat.state, stat.utime, stat.stime), ('S', 1234, 56));
    assert_eq!(Stat::parse("4242 (cut short) Z 1 2"), None);
    assert_eq!(Stat::parse("no parenthesis"), None);
}

#[test]
fn vm_hwm_in_kib_and_none_for_a_zombie() {
    let status = "Name:\tquire\nState:\tR (running)\nVmPeak:\t  900 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 100 kB\n";
    assert_eq!(proc::vm_hwm_kib(status), Some(123_456));
    let zombie = "Name:\tquire\nState:\tZ (zombie)\nThreads:\t1\n";
    assert_eq!(proc::vm_hwm_kib(zombie), None);
}
