//! Hyphenation: where a word may take a hyphen at a line end.
//!
//! **In:** one word (its letters, without the punctuation around it; see
//! [`split_word`]), the language of the text it stands in, and the book's
//! [`Settings`] (exceptions and minimums from `[hyphenation]` in `book.toml`).
//! **Out:** the byte offsets inside the word where a hyphen may break it, in
//! ascending order. **Must not:** decide line breaks, weigh one point against
//! another, or know fonts: choosing among the points is `linebreak`'s job.
//!
//! Points come from Liang's patterns (TeX's hyph-utf8, through the
//! `hyphenation` crate, whose own exception lists apply too), unless the
//! book's exceptions name the word: then its hyphens are the only points.
//! As in TeX, no point lies within the first `left_min` or the last
//! `right_min` characters, whichever source it comes from.
//!
//! A word gets no points at all when it
//! - already holds a break of its own: a hyphen (`well-known`), an en dash or
//!   a soft hyphen (U+00AD); the caller breaks there and nowhere else;
//! - holds anything but letters, combining marks and apostrophes: digits,
//!   `@`, `/`, `_`, `.` and the like, so numbers, e-mail and web addresses,
//!   file names and code are never hyphenated;
//! - is in a script the language's patterns do not cover (Korean or Chinese
//!   in any book, Cyrillic in an English one);
//! - is an acronym: all capitals, at most four letters (`NATO`);
//! - is shorter than `left_min + right_min` characters.
//!
//! Apostrophes (`'` and `’`) belong to the word (`don't`), but no point lies
//! next to one. Characters are counted as `char`s, combining marks left out.

use std::collections::HashMap;

use hyphenation::{Hyphenator as _, Language, Load, Standard};
use rustc_hash::FxHashMap;

use crate::config::HyphenationConfig;

/// The languages with patterns, for messages and the README.
pub const LANGUAGES: &[&str] = &["en-US", "en-GB", "de", "fr", "ru"];

/// The book's hyphenation settings, from `[hyphenation]` in `book.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Fewest characters before a hyphen (TeX's `\lefthyphenmin`); 0 acts
    /// as 1. Default: 2.
    pub left_min: usize,
    /// Fewest characters after a hyphen (TeX's `\righthyphenmin`); 0 acts
    /// as 1. Default: 3.
    pub right_min: usize,
    /// Words hyphenated by hand, like TeX's `\hyphenation`: `"pro-ject"`
    /// allows only the break after `pro`; a word without hyphens is never
    /// hyphenated. Matched case-insensitively, `'` and `’` alike. Default:
    /// none.
    pub exceptions: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            left_min: 2,
            right_min: 3,
            exceptions: Vec::new(),
        }
    }
}

impl From<&HyphenationConfig> for Settings {
    fn from(config: &HyphenationConfig) -> Self {
        Settings {
            left_min: config.left_min,
            right_min: config.right_min,
            exceptions: config
                .exceptions
                .iter()
                .map(|e| e.get_ref().clone())
                .collect(),
        }
    }
}

/// Finds hyphenation points for one language; make one per language per
/// build. It remembers every word it was asked about, so repeated words
/// cost one lookup.
#[derive(Debug)]
pub struct Hyphenator {
    /// The patterns (and their own exceptions), with the crate's minimums
    /// turned off: ours apply instead.
    dictionary: Standard,
    /// The tag this language is known by in [`LANGUAGES`].
    language: &'static str,
    left_min: usize,
    right_min: usize,
    /// The book's exceptions: folded word → byte offsets in that folded word.
    exceptions: HashMap<String, Vec<usize>>,
    /// Every word asked about, as given → its points (a fast hash: the
    /// keys are the book's words, and nothing iterates the map).
    cache: FxHashMap<String, Vec<usize>>,
}

impl Hyphenator {
    /// `None` when quire has no patterns for `language` (a BCP 47 tag: "en",
    /// "en-US", "en-GB", "de", "de-DE", "de-AT", "de-CH", "fr", "fr-CA",
    /// "ru", …; case-insensitive; "en" means en-US).
    pub fn new(language: &str, settings: &Settings) -> Option<Hyphenator> {
        let (language, tag) = patterns_for(language)?;
        // Embedded in the binary, so this fails only if the crate is broken;
        // then the book goes unhyphenated rather than stopping.
        let mut dictionary = Standard::from_embedded(language).ok()?;
        dictionary.minima = (1, 1);
        let mut exceptions = HashMap::new();
        for entry in &settings.exceptions {
            if let Some((word, points)) = parse_exception(entry) {
                exceptions.insert(word, points);
            }
        }
        Some(Hyphenator {
            dictionary,
            language: tag,
            left_min: settings.left_min.max(1),
            right_min: settings.right_min.max(1),
            exceptions,
            cache: FxHashMap::default(),
        })
    }

    /// The language's tag as listed in [`LANGUAGES`] (`"en-US"` for `"en"`).
    pub fn language(&self) -> &'static str {
        self.language
    }

    /// Byte offsets inside `word` where it may be hyphenated, ascending;
    /// each is a char boundary strictly inside the word. `word` is the
    /// word's letters alone: strip the punctuation around a token with
    /// [`split_word`] first. See the module doc for the words that get none.
    pub fn points(&mut self, word: &str) -> &[usize] {
        if !self.cache.contains_key(word) {
            let points = self.find(word);
            self.cache.insert(word.to_string(), points);
        }
        &self.cache[word]
    }

    /// The uncached work of [`points`](Self::points).
    fn find(&self, word: &str) -> Vec<usize> {
        if !self.hyphenatable(word) {
            return Vec::new();
        }
        let folded = Folded::new(word);
        let candidates = match self.exceptions.get(&folded.text) {
            Some(points) => points.clone(),
            None => self.dictionary.opportunities(&folded.text),
        };
        // Letters before each character, counted once (a long word asks
        // for every point's count).
        let mut letters_before: Vec<(usize, usize)> = Vec::with_capacity(word.len());
        let mut letters = 0;
        for (at, c) in word.char_indices() {
            letters_before.push((at, letters));
            letters += usize::from(!is_mark(c));
        }
        let total = letters;
        let count_before = |at: usize| match letters_before.binary_search_by_key(&at, |&(b, _)| b) {
            Ok(i) => letters_before[i].1,
            Err(_) => letter_count(&word[..at]),
        };
        let mut points: Vec<usize> = candidates
            .into_iter()
            .filter_map(|at| folded.original(at))
            .filter(|&at| {
                let before = count_before(at);
                before >= self.left_min
                    && total - before >= self.right_min
                    && allowed_between(&word[..at], &word[at..])
            })
            .collect();
        points.sort_unstable();
        points.dedup();
        points
    }

    /// Whether `word` may get points at all (the list in the module doc).
    fn hyphenatable(&self, word: &str) -> bool {
        let in_script = |c: char| match self.dictionary.language() {
            Language::Russian => is_cyrillic(c),
            _ => is_latin(c),
        };
        let chars_ok = word
            .chars()
            .all(|c| is_mark(c) || is_apostrophe(c) || (c.is_alphabetic() && in_script(c)));
        let letters = letter_count(word);
        let acronym = letters <= 4 && word.chars().all(|c| !c.is_lowercase());
        chars_ok && !acronym && letters >= self.left_min + self.right_min
    }
}

/// The byte range `(start, end)` of the core of a token: from its first to
/// its last letter or digit (with any combining marks after it), so
/// `“Hello,` gives the range of `Hello` and `(well-known)` that of
/// `well-known`. Quotes and apostrophes at either end are punctuation here.
/// A token with no letter or digit gives an empty range, `(0, 0)`.
pub fn split_word(text: &str) -> (usize, usize) {
    let Some(start) = text.find(char::is_alphanumeric) else {
        return (0, 0);
    };
    let last = text.rfind(char::is_alphanumeric).unwrap_or(start);
    let mut end = last + text[last..].chars().next().map_or(0, char::len_utf8);
    end += text[end..]
        .chars()
        .take_while(|&c| is_mark(c))
        .map(char::len_utf8)
        .sum::<usize>();
    (start, end)
}

/// Maps a BCP 47 tag to the patterns quire uses for it, and the tag of
/// those in [`LANGUAGES`].
fn patterns_for(tag: &str) -> Option<(Language, &'static str)> {
    let tag = tag.to_ascii_lowercase();
    let mut subtags = tag.split(['-', '_']);
    let primary = subtags.next()?;
    // The region is the first two-letter subtag after the primary one (a
    // script subtag has four letters, a variant five or more).
    let region = subtags.find(|s| s.len() == 2);
    match (primary, region) {
        // British patterns for the regions whose spelling follows Britain's,
        // as babel does for `australian` and `newzealand`.
        ("en", Some("gb" | "au" | "nz" | "ie")) => Some((Language::EnglishGB, "en-GB")),
        ("en", _) => Some((Language::EnglishUS, "en-US")),
        // The reformed spelling everywhere, also in Switzerland (the
        // crate's Swiss patterns are for the 1901 spelling).
        ("de", _) => Some((Language::German1996, "de")),
        ("fr", _) => Some((Language::French, "fr")),
        ("ru", _) => Some((Language::Russian, "ru")),
        _ => None,
    }
}

/// Reads an exception as written in `book.toml` (`"pro-ject"`): its folded
/// letters and the byte offsets of its hyphens in them. `None` if it has no
/// letters. Stray hyphens (at an end, doubled) are ignored; `config`
/// rejects them before they get here.
fn parse_exception(entry: &str) -> Option<(String, Vec<usize>)> {
    let mut word = String::new();
    let mut points = Vec::new();
    for c in entry.chars() {
        if c == '-' {
            if !word.is_empty() && points.last() != Some(&word.len()) {
                points.push(word.len());
            }
        } else {
            push_folded(&mut word, c);
        }
    }
    if points.last() == Some(&word.len()) {
        points.pop();
    }
    (!word.is_empty()).then_some((word, points))
}

/// A word folded for matching (lower case, `’` as `'`), with the way back
/// to byte offsets in the original.
struct Folded {
    text: String,
    /// For each char of the original and its end: (offset in `text`, offset
    /// in the original).
    starts: Vec<(usize, usize)>,
}

impl Folded {
    fn new(word: &str) -> Folded {
        let mut text = String::with_capacity(word.len());
        let mut starts = Vec::with_capacity(word.len() + 1);
        for (at, c) in word.char_indices() {
            starts.push((text.len(), at));
            push_folded(&mut text, c);
        }
        starts.push((text.len(), word.len()));
        Folded { text, starts }
    }

    /// The original offset of offset `at` in the folded text, if a char of
    /// the original starts there.
    fn original(&self, at: usize) -> Option<usize> {
        let i = self.starts.binary_search_by_key(&at, |&(f, _)| f).ok()?;
        Some(self.starts[i].1)
    }
}

/// Appends `c` folded: lower case, `’` as `'`, and the dotted capital I as
/// a plain `i` (its lower case, `i` + U+0307, would defeat the patterns).
fn push_folded(out: &mut String, c: char) {
    match c {
        '’' => out.push('\''),
        'İ' => out.push('i'),
        _ => out.extend(c.to_lowercase()),
    }
}

/// Whether a point may lie between `before` and `after`: not next to an
/// apostrophe, not before a combining mark.
fn allowed_between(before: &str, after: &str) -> bool {
    let last = before.chars().next_back();
    let next = after.chars().next();
    !last.is_some_and(is_apostrophe) && !next.is_some_and(|c| is_apostrophe(c) || is_mark(c))
}

/// The characters of `text`, combining marks left out.
fn letter_count(text: &str) -> usize {
    text.chars().filter(|&c| !is_mark(c)).count()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

/// Combining marks (the blocks that hold them; enough for accents and
/// Russian stress marks).
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Latin letters: Basic Latin to Latin Extended-B, Latin Extended
/// Additional, the Latin ligatures (`ﬁ`).
fn is_latin(c: char) -> bool {
    matches!(c,
        'A'..='Z' | 'a'..='z'
        | '\u{00C0}'..='\u{024F}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{FB00}'..='\u{FB06}')
}

/// Cyrillic letters: Cyrillic and its supplement and extensions.
fn is_cyrillic(c: char) -> bool {
    matches!(c,
        '\u{0400}'..='\u{052F}'
        | '\u{1C80}'..='\u{1C8F}'
        | '\u{2DE0}'..='\u{2DFF}'
        | '\u{A640}'..='\u{A69F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `word` hyphenated in `language` with default settings and the given
    /// exceptions, written with `-` at each point (hypher's test style).
    fn hyphenated(language: &str, exceptions: &[&str], word: &str) -> String {
        let settings = Settings {
            exceptions: exceptions.iter().map(|e| e.to_string()).collect(),
            ..Settings::default()
        };
        let mut hyphenator = Hyphenator::new(language, &settings).unwrap();
        mark(word, hyphenator.points(word))
    }

    /// `word` with `-` inserted at `points`.
    fn mark(word: &str, points: &[usize]) -> String {
        let mut out = String::new();
        let mut from = 0;
        for &at in points {
            out.push_str(&word[from..at]);
            out.push('-');
            from = at;
        }
        out.push_str(&word[from..]);
        out
    }

    #[track_caller]
    fn test(language: &str, expected: &str) {
        let word = expected.replace('-', "");
        assert_eq!(hyphenated(language, &[], &word), expected);
    }

    #[test]
    fn english_us() {
        // hyph-en-us lists the word among its exceptions (TeX's patterns
        // alone give the TeXbook's `hy-phen-ation`).
        test("en", "hy-phen-a-tion");
        test("en", "Hy-phen-a-tion");
        test("en-US", "type-set-ting");
        test("en-us", "ex-ten-sive");
        test("en", "ty-po-graph-i-cal");
    }

    #[test]
    fn english_gb() {
        test("en-GB", "ty-po-graph-ical");
        test("en-GB", "type-set-ting");
        test("en-AU", "ty-po-graph-ical");
    }

    #[test]
    fn german() {
        test("de", "Sil-ben-tren-nung");
        test("de-DE", "Sil-ben-tren-nung");
        test("de-AT", "Sil-ben-tren-nung");
        test("de-CH", "Sil-ben-tren-nung");
        test("de", "Schiff-fahrt");
    }

    #[test]
    fn french() {
        test("fr", "an-ti-cons-ti-tu-tion-nel-le-ment");
        test("fr-CA", "an-ti-cons-ti-tu-tion-nel-le-ment");
    }

    #[test]
    fn russian() {
        test("ru", "до-сто-при-ме-ча-тель-но-сти");
        test("ru-RU", "Элек-тро-стан-ция");
        // `Моск-ва` would leave two letters after the hyphen.
        test("ru", "Москва");
    }

    #[test]
    fn languages_are_case_insensitive_and_mapped() {
        let settings = Settings::default();
        let language = |tag| Hyphenator::new(tag, &settings).map(|h| h.language());
        assert_eq!(language("EN"), Some("en-US"));
        assert_eq!(language("en-Latn-GB"), Some("en-GB"));
        assert_eq!(language("EN-gb"), Some("en-GB"));
        assert_eq!(language("de-CH"), Some("de"));
        assert_eq!(language("fr-CA"), Some("fr"));
        for tag in LANGUAGES {
            assert_eq!(language(tag), Some(*tag));
        }
    }

    #[test]
    fn unknown_language_is_none() {
        let settings = Settings::default();
        for tag in ["ko", "ja", "zh-Hant-TW", "xx", "", "english"] {
            assert!(Hyphenator::new(tag, &settings).is_none(), "{tag}");
        }
    }

    #[test]
    fn minimums_are_respected() {
        // Default 2 and 3: never `a-...` or `...-ly` style breaks at the ends.
        let mut hyphenator = Hyphenator::new("en", &Settings::default()).unwrap();
        for word in ["hyphenation", "typesetting", "extensively", "unusually"] {
            let total = word.chars().count();
            for &at in hyphenator.points(word) {
                assert!(at >= 2 && total - at >= 3, "{word}: {at}");
            }
        }
        // Wider minimums drop the outer points.
        let settings = Settings {
            left_min: 3,
            right_min: 5,
            ..Settings::default()
        };
        let mut hyphenator = Hyphenator::new("en", &settings).unwrap();
        assert_eq!(
            mark("hyphenation", hyphenator.points("hyphenation")),
            "hyphen-ation"
        );
        // Shorter than left_min + right_min: nothing, even by exception;
        // exception points within the minimums are dropped, as in TeX.
        let settings = Settings {
            exceptions: vec!["ta-ble".into(), "tabl-es".into()],
            ..Settings::default()
        };
        let mut hyphenator = Hyphenator::new("en", &settings).unwrap();
        assert!(hyphenator.points("tab").is_empty());
        assert_eq!(hyphenator.points("table"), &[2]);
        assert!(
            hyphenator.points("tables").is_empty(),
            "`es` is under right_min"
        );
        // Zero acts as one: a break needs a character on each side.
        let settings = Settings {
            left_min: 0,
            right_min: 0,
            exceptions: vec!["a-b".into()],
        };
        let mut hyphenator = Hyphenator::new("en", &settings).unwrap();
        assert_eq!(hyphenator.points("ab"), &[1]);
    }

    #[test]
    fn exceptions_override_patterns() {
        assert_eq!(
            hyphenated("en", &["hyphena-tion"], "hyphenation"),
            "hyphena-tion"
        );
        assert_eq!(
            hyphenated("en", &["hyphenation"], "hyphenation"),
            "hyphenation"
        );
        // Other words keep their patterns.
        assert_eq!(
            hyphenated("en", &["hyphenation"], "typesetting"),
            "type-set-ting"
        );
        // Within the minimums, as in TeX.
        assert_eq!(
            hyphenated("en", &["h-yphenati-on"], "hyphenation"),
            "hyphenation"
        );
        // The same list serves every language.
        assert_eq!(
            hyphenated("de", &["Silbent-rennung"], "Silbentrennung"),
            "Silbent-rennung"
        );
    }

    #[test]
    fn exceptions_match_case_insensitively() {
        assert_eq!(hyphenated("en", &["PRO-ject"], "project"), "pro-ject");
        assert_eq!(hyphenated("en", &["pro-ject"], "PROJECT"), "PRO-JECT");
        assert_eq!(hyphenated("en", &["pro-ject"], "Project"), "Pro-ject");
        // Folding that changes byte lengths: offsets stay on the original.
        assert_eq!(
            hyphenated("de", &["STRAẞ-EN-BAHN"], "STRAẞENBAHN"),
            "STRAẞ-EN-BAHN"
        );
        assert_eq!(
            hyphenated("de", &["straß-en-bahn"], "STRAẞENBAHN"),
            "STRAẞ-EN-BAHN"
        );
        assert_eq!(hyphenated("en", &["don't-care"], "don’tcare"), "don’t-care");
    }

    #[test]
    fn offsets_are_bytes_on_char_boundaries() {
        for (language, word) in [
            ("de", "Größenverhältnisse"),
            ("fr", "élémentairement"),
            ("ru", "достопримечательности"),
            ("de", "Übermäßigkeit"),
        ] {
            let mut hyphenator = Hyphenator::new(language, &Settings::default()).unwrap();
            let points = hyphenator.points(word).to_vec();
            assert!(!points.is_empty(), "{word}");
            assert!(points.windows(2).all(|w| w[0] < w[1]), "{word}: {points:?}");
            for at in points {
                assert!(word.is_char_boundary(at) && 0 < at && at < word.len());
            }
        }
        let word = "достопримечательности";
        assert_eq!(
            Hyphenator::new("ru", &Settings::default())
                .unwrap()
                .points(word)[0],
            "до".len()
        );
        assert_eq!("до".len(), 4);
    }

    #[test]
    fn explicit_breaks_give_no_points() {
        let mut hyphenator = Hyphenator::new("en", &Settings::default()).unwrap();
        for word in [
            "well-known",
            "hyphenation-typesetting",
            "typesetting–hyphenation",
            "hyphen\u{AD}ation",
            "hyphenation‐rules",
        ] {
            assert!(hyphenator.points(word).is_empty(), "{word}");
        }
    }

    #[test]
    fn addresses_numbers_and_code_give_no_points() {
        let mut hyphenator = Hyphenator::new("en", &Settings::default()).unwrap();
        for word in [
            "https://hyphenation.example.org",
            "www.typesetting.com",
            "typesetting.com",
            "hyphenation@example.org",
            "hyphenation2024",
            "typesetting_rules",
            "hyphenation/typesetting",
            "1234567890",
        ] {
            assert!(hyphenator.points(word).is_empty(), "{word}");
        }
    }

    #[test]
    fn acronyms_and_short_words_give_no_points() {
        let settings = Settings {
            left_min: 1,
            right_min: 1,
            exceptions: vec!["NA-TO".into(), "UN-ESCO".into()],
        };
        let mut hyphenator = Hyphenator::new("en", &settings).unwrap();
        assert!(hyphenator.points("NATO").is_empty());
        assert_eq!(
            hyphenator.points("UNESCO"),
            &[2],
            "longer capitals are words"
        );
        let mut hyphenator = Hyphenator::new("en", &Settings::default()).unwrap();
        assert!(hyphenator.points("a").is_empty());
        assert!(hyphenator.points("").is_empty());
        assert!(hyphenator.points("into").is_empty());
    }

    #[test]
    fn apostrophes_belong_to_the_word() {
        let mut hyphenator = Hyphenator::new("en", &Settings::default()).unwrap();
        for word in ["typesetting's", "typesetting’s", "hyphenation's"] {
            let points = hyphenator.points(word).to_vec();
            assert!(!points.is_empty(), "{word}");
            for at in points {
                assert!(!word[..at].ends_with(['\'', '’']) && !word[at..].starts_with(['\'', '’']));
            }
        }
        assert_eq!(hyphenated("fr", &[], "aujourd'hui"), "au-jour-d'hui");
    }

    #[test]
    fn other_scripts_give_no_points() {
        let mut english = Hyphenator::new("en", &Settings::default()).unwrap();
        for word in [
            "대한민국의역사와문화",
            "中华人民共和国成立",
            "достопримечательности",
        ] {
            assert!(english.points(word).is_empty(), "{word}");
        }
        let mut russian = Hyphenator::new("ru", &Settings::default()).unwrap();
        assert!(russian.points("hyphenation").is_empty());
        assert!(russian.points("대한민국의역사와문화").is_empty());
    }

    #[test]
    fn cache_returns_the_same_points() {
        let mut hyphenator = Hyphenator::new("en", &Settings::default()).unwrap();
        let first = hyphenator.points("hyphenation").to_vec();
        let second = hyphenator.points("hyphenation").to_vec();
        assert_eq!(first, second);
        assert_eq!(hyphenator.cache.len(), 1);
        let fresh = Hyphenator::new("en", &Settings::default())
            .unwrap()
            .points("hyphenation")
            .to_vec();
        assert_eq!(first, fresh);
    }

    #[test]
    fn split_word_strips_punctuation() {
        let core = |text: &'static str| {
            let (start, end) = split_word(text);
            &text[start..end]
        };
        assert_eq!(core("“Hello,"), "Hello");
        assert_eq!(core("(well-known)."), "well-known");
        assert_eq!(core("don't"), "don't");
        assert_eq!(core("‘tis’"), "tis");
        assert_eq!(core("«достопримечательности»"), "достопримечательности");
        assert_eq!(core("ударе́ние…"), "ударе́ние");
        assert_eq!(core("word"), "word");
        assert_eq!(split_word("—“…”"), (0, 0));
        assert_eq!(split_word(""), (0, 0));
    }
}
