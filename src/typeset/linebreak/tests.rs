use super::*;

/// Inter-word space of the fixed-width test font: 1 wide, stretch 1/2,
/// shrink 1/4 (binary fractions, so the sums worked out by hand are exact).
const SPACE: Item = Item::Glue {
    width: 1.0,
    stretch: 0.5,
    shrink: 0.25,
};

/// A paragraph of the test font and, per item, the character it prints.
struct Para {
    items: Vec<Item>,
    chars: Vec<Option<char>>,
}

/// Items for `text`, every character 1 wide. ' ' is [`SPACE`], '|' a
/// hyphenation point (a 1-wide hyphen, penalty 50), '-' an explicit hyphen
/// (a box, then a flagged penalty 50 that is not from hyphenation), '~' a
/// tie (a space with no break), '\n' a forced break (fil glue, penalty
/// −10000). Ends with [`Item::paragraph_end`].
fn para(text: &str) -> Para {
    let mut p = Para {
        items: Vec::new(),
        chars: Vec::new(),
    };
    let hyphen = |hyphenation| Item::Penalty {
        width: if hyphenation { 1.0 } else { 0.0 },
        cost: 50.0,
        flagged: true,
        hyphenation,
    };
    for c in text.chars() {
        let (items, chars): (&[Item], &[Option<char>]) = match c {
            ' ' => (&[SPACE], &[Some(' ')]),
            '|' => (&[hyphen(true)], &[None]),
            '-' => (&[Item::boxed(1.0), hyphen(false)], &[Some('-'), None]),
            '~' => (&[Item::penalty(INF_PENALTY), SPACE], &[None, Some(' ')]),
            '\n' => (
                &[
                    Item::Glue {
                        width: 0.0,
                        stretch: FIL,
                        shrink: 0.0,
                    },
                    Item::penalty(EJECT_PENALTY),
                ],
                &[None, None],
            ),
            c => (&[Item::boxed(1.0)], &[Some(c)]),
        };
        p.items.extend_from_slice(items);
        p.chars.extend_from_slice(chars);
    }
    p.items.extend(Item::paragraph_end());
    p.chars.extend([None; 3]);
    p
}

/// The lines as text, a hyphenation break shown as '-'.
fn lines(p: &Para, b: &Breaking) -> Vec<String> {
    b.lines
        .iter()
        .map(|line| {
            let mut s: String = p.chars[line.start..line.end].iter().flatten().collect();
            if let Some(Item::Penalty { width, .. }) = p.items.get(line.end)
                && *width > 0.0
            {
                s.push('-');
            }
            s
        })
        .collect()
}

fn kp(text: &str, width: f64, params: &Params) -> (Vec<String>, Breaking) {
    let p = para(text);
    let b = break_lines(&p.items, &|_| width, params);
    (lines(&p, &b), b)
}

fn defaults() -> Params {
    Params::default()
}

#[test]
fn empty_paragraph_has_no_lines() {
    let b = break_lines(&[], &|_| 10.0, &defaults());
    assert!(b.lines.is_empty());
    assert_eq!(b.demerits, 0.0);
}

#[test]
fn short_paragraph_is_one_ragged_line() {
    let (l, b) = kp("aa bb", 20.0, &defaults());
    assert_eq!(l, ["aa bb"]);
    assert_eq!(b.pass, Pass::First);
    // The fil glue takes the slack: ratio 0, badness 0, demerits (10 + 0)².
    assert_eq!(
        (b.lines[0].ratio, b.lines[0].badness, b.demerits),
        (0.0, 0.0, 100.0)
    );
}

/// First fit (as the fallback does it) fills "aaa bb ccccc d e" at full
/// shrink, which leaves "fffffff ggggg" with one space to stretch by 2
/// (r = 4, badness 6400, far beyond the tolerance). Total fit gives up one
/// word on the first line (r = 2/3, badness ≈ 30) and the second line fits
/// exactly.
#[test]
fn total_fit_avoids_the_loose_line_first_fit_makes() {
    let text = "aaa bb ccccc d e fffffff ggggg hh";
    let p = para(text);
    let greedy = first_fit(&p.items, &|_| 15.0);
    let greedy_lines = lines(
        &p,
        &Breaking {
            lines: greedy.clone(),
            pass: Pass::Overfull,
            demerits: 0.0,
        },
    );
    assert_eq!(greedy_lines, ["aaa bb ccccc d e", "fffffff ggggg", "hh"]);
    assert_eq!((greedy[0].ratio, greedy[0].badness), (-1.0, 100.0));
    assert_eq!((greedy[1].ratio, greedy[1].badness), (4.0, 6400.0));

    let (l, b) = kp(text, 15.0, &defaults());
    assert_eq!(l, ["aaa bb ccccc d", "e fffffff ggggg", "hh"]);
    assert_eq!(b.pass, Pass::First);
    assert!((b.lines[0].ratio - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(b.lines[1].badness, 0.0);
    // Loose (10 + 29.6)² + decent 10² + the last line's 10².
    let r = 2.0 / 3.0;
    let loose = 100.0 * r * r * r;
    assert!((b.demerits - ((10.0 + loose) * (10.0 + loose) + 200.0)).abs() < 1e-9);
}

#[test]
fn forced_breaks_end_lines() {
    let (l, b) = kp("aa bb\ncc dd ee\nff", 20.0, &defaults());
    assert_eq!(l, ["aa bb", "cc dd ee", "ff"]);
    assert_eq!(b.pass, Pass::First);
    assert!(
        b.lines
            .iter()
            .all(|line| line.ratio == 0.0 && !line.overfull)
    );
}

/// The tie (an infinite penalty before the space) forbids the break the
/// optimum takes, so the line is set tight instead.
#[test]
fn infinite_penalty_forbids_a_break() {
    let (free, _) = kp("a bbbb ccc dd e fffff", 14.0, &defaults());
    assert_eq!(free, ["a bbbb ccc dd", "e fffff"]);
    let (tied, b) = kp("a bbbb ccc dd~e fffff", 14.0, &defaults());
    assert_eq!(tied, ["a bbbb ccc dd e", "fffff"]);
    assert_eq!((b.lines[0].ratio, b.pass), (-1.0, Pass::First));
}

/// Breaking "cc-ccc" and "gg-gg" both ends two lines in a row in a hyphen:
/// 2600 + 2600 + 100 + 5000 (final hyphen) = 10300 demerits, against
/// 2600 + 12100 + 5000 = 19700 for the two-line version with its tight last
/// line. Only `double_hyphen_demerits` (10000) tips the balance.
#[test]
fn double_hyphen_demerits_avoid_consecutive_hyphens() {
    let text = "aa|aa|aaa bb|bbb cc|c|ccc d ee fff gg|gg";
    let no_double = Params {
        double_hyphen_demerits: 0.0,
        ..defaults()
    };
    let (l, b) = kp(text, 17.0, &no_double);
    assert_eq!(l, ["aaaaaaa bbbbb cc-", "cccc d ee fff gg-", "gg"]);
    assert_eq!((b.pass, b.demerits), (Pass::Second, 10_300.0));
    assert!(b.lines[0].hyphenated && b.lines[1].hyphenated);

    let (l, b) = kp(text, 17.0, &defaults());
    assert_eq!(l, ["aaaaaaa bbbbb cc-", "cccc d ee fff gggg"]);
    assert_eq!((b.pass, b.demerits), (Pass::Second, 19_700.0));
}

/// Without final-hyphen demerits the best breaking hyphenates the
/// last-but-one line (2800); with them (5000) a looser one that hyphenates
/// only the first line wins.
#[test]
fn final_hyphen_demerits_avoid_a_hyphen_before_the_last_line() {
    let text = "aaaaaa b ccc dddd|dd eeee ff|fff gg|gg hh|hh iiii|ii";
    let no_final = Params {
        final_hyphen_demerits: 0.0,
        ..defaults()
    };
    let (l, b) = kp(text, 19.0, &no_final);
    assert_eq!(
        l,
        ["aaaaaa b ccc dddddd", "eeee fffff gggg hh-", "hh iiiiii"]
    );
    assert_eq!(b.demerits, 2800.0);

    let (l, b) = kp(text, 19.0, &defaults());
    assert_eq!(
        l,
        ["aaaaaa b ccc dddd-", "dd eeee fffff gggg", "hhhh iiiiii"]
    );
    assert!(b.lines[0].hyphenated && !b.lines[1].hyphenated);
}

/// With `final_hyphen_last_resort` (and final-hyphen demerits above any
/// feasible line's), a final hyphen that the second pass would choose gives
/// way to the emergency pass; without emergency stretch the second pass is
/// the last and keeps it.
#[test]
fn final_hyphen_as_a_last_resort() {
    let text = "aaaa bbbb cc|cc";
    let (l, b) = kp(text, 13.0, &defaults());
    assert_eq!(
        (l, b.pass),
        (vec!["aaaa bbbb cc-".to_string(), "cc".into()], Pass::Second)
    );
    let rule = Params {
        final_hyphen_last_resort: true,
        final_hyphen_demerits: 1e6,
        ..defaults()
    };
    let (l, b) = kp(text, 13.0, &rule);
    assert_eq!(
        (l, b.pass),
        (
            vec!["aaaa bbbb".to_string(), "cccc".into()],
            Pass::Emergency
        )
    );
    let no_emergency = Params {
        emergency_stretch: 0.0,
        ..rule
    };
    let (l, b) = kp(text, 13.0, &no_emergency);
    assert_eq!(
        (l, b.pass),
        (vec!["aaaa bbbb cc-".to_string(), "cc".into()], Pass::Second)
    );
}

/// As TeX, a paragraph that fits within `pretolerance` without hyphenation
/// is not hyphenated, even where hyphenating would cost fewer demerits.
#[test]
fn first_pass_wins_without_hyphenation() {
    let text = "aaa bb c d ee|ee f";
    let (l, b) = kp(text, 14.0, &defaults());
    assert_eq!(l, ["aaa bb c d eeee", "f"]);
    assert_eq!((b.pass, b.demerits), (Pass::First, 12_200.0));

    let skip_first = Params {
        pretolerance: -1.0,
        ..defaults()
    };
    let (l, b) = kp(text, 14.0, &skip_first);
    assert_eq!(l, ["aaa bb c d ee-", "ee f"]);
    assert_eq!((b.pass, b.demerits), (Pass::Second, 7_700.0));
}

#[test]
fn second_pass_hyphenates_when_the_first_fails() {
    // Without hyphenation the first line is either "aaa bbb" (r = 5) or
    // "aaa bbb cccccc" (overfull).
    let (l, b) = kp("aaa bbb ccc|ccc dddd e", 12.0, &defaults());
    assert_eq!(l, ["aaa bbb ccc-", "ccc dddd e"]);
    assert_eq!(b.pass, Pass::Second);
    assert!(b.lines[0].hyphenated && b.lines[0].badness == 0.0);
}

/// "aaa bbbb" must stretch 2 with one space (r = 4, badness 6400); with 3 pt
/// of emergency stretch that is badness 100·(2/3.5)³ ≈ 19. Without it, TeX's
/// final pass keeps the only active node and sets one overfull line.
#[test]
fn emergency_stretch_then_overfull() {
    let text = "aaa bbbb cccccccccc";
    let (l, b) = kp(text, 10.0, &defaults());
    assert_eq!(l, ["aaa bbbb", "cccccccccc"]);
    assert_eq!(b.pass, Pass::Emergency);
    // As set, without the emergency stretch.
    assert_eq!(
        (b.lines[0].ratio, b.lines[0].badness, b.lines[0].overfull),
        (4.0, 6400.0, false)
    );

    let no_emergency = Params {
        emergency_stretch: 0.0,
        ..defaults()
    };
    let (l, b) = kp(text, 10.0, &no_emergency);
    assert_eq!(l, ["aaa bbbb cccccccccc"]);
    assert_eq!(b.pass, Pass::Overfull);
    assert!(b.lines[0].overfull && b.lines[0].ratio == -1.0);
}

#[test]
fn overlong_word_is_an_overfull_line() {
    let (l, b) = kp("aaaaaaaaaaaaaaa bb cc", 10.0, &defaults());
    assert_eq!(l, ["aaaaaaaaaaaaaaa", "bb cc"]);
    assert_eq!(b.pass, Pass::Overfull);
    assert!(b.lines[0].overfull && !b.lines[1].overfull);
    assert_eq!(b.lines[0].badness, 10_001.0);

    let mut items = vec![Item::boxed(200_000.0)];
    items.extend(Item::paragraph_end());
    let b = break_lines(&items, &|_| 300.0, &defaults());
    assert_eq!(b.lines.len(), 1);
    assert!(b.lines[0].overfull && b.pass == Pass::Overfull);
    assert_eq!(b.lines[0].end, 3);
}

#[test]
fn one_long_word_does_not_hang() {
    let word = "a".repeat(200_000);
    let start = std::time::Instant::now();
    let (l, b) = kp(&word, 300.0, &defaults());
    assert_eq!(l.len(), 1);
    assert!(b.lines[0].overfull);
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn line_widths_may_vary() {
    let text = "aaaaa bbb cccc ddddd eee";
    let (l, _) = kp(text, 15.0, &defaults());
    assert_eq!(l, ["aaaaa bbb cccc", "ddddd eee"]);
    let p = para(text);
    let b = break_lines(&p.items, &|n| if n == 0 { 9.0 } else { 15.0 }, &defaults());
    assert_eq!(lines(&p, &b), ["aaaaa bbb", "cccc ddddd eee"]);
    assert_eq!((b.pass, b.lines[0].badness), (Pass::First, 0.0));
}

#[test]
fn looseness_changes_the_line_count_when_feasible() {
    // +1: "a bb c dd e ff" stretched (r = 0.8) over two lines.
    let text = "a bb c dd e ff gg";
    assert_eq!(kp(text, 16.0, &defaults()).0, [text]);
    let looser = Params {
        looseness: 1,
        ..defaults()
    };
    let (l, b) = kp(text, 16.0, &looser);
    assert_eq!(l, ["a bb c dd e ff", "gg"]);
    assert_eq!((b.pass, b.lines[0].ratio), (Pass::First, 0.8));

    // −1: one line shrunk to r = −0.8 instead of two.
    let text = "a bbbbb cccc d eee f";
    assert_eq!(kp(text, 19.0, &defaults()).0, ["a bbbbb cccc d eee", "f"]);
    let tighter = Params {
        looseness: -1,
        ..defaults()
    };
    let (l, b) = kp(text, 19.0, &tighter);
    assert_eq!(l, [text]);
    assert_eq!((b.pass, b.lines[0].ratio), (Pass::First, -0.8));

    // Infeasible: 33 characters never fit two lines of 15, so the count
    // stays (after trying every pass, as TeX).
    let (l, _) = kp("aaa bb ccccc d e fffffff ggggg hh", 15.0, &tighter);
    assert_eq!(l.len(), 3);
}

/// Degenerate input never panics and always ends the last line at the end.
#[test]
fn degenerate_input_does_not_panic() {
    let glue = Item::Glue {
        width: 1.0,
        stretch: -2.0,
        shrink: -1.0,
    };
    let cases: Vec<Vec<Item>> = vec![
        vec![glue],
        vec![glue, glue, Item::penalty(0.0), glue],
        vec![Item::penalty(EJECT_PENALTY)],
        vec![
            Item::penalty(EJECT_PENALTY),
            Item::penalty(EJECT_PENALTY),
            Item::boxed(-3.0),
        ],
        vec![
            Item::boxed(5.0),
            glue,
            Item::penalty(-50.0),
            Item::boxed(5.0),
        ],
        vec![Item::boxed(f64::NAN), SPACE, Item::boxed(1.0)],
    ];
    for items in &cases {
        for width in [0.0, -5.0, 4.0] {
            for params in [
                defaults(),
                Params {
                    tolerance: -1.0,
                    pretolerance: 1e9,
                    ..defaults()
                },
            ] {
                let b = break_lines(items, &|_| width, &params);
                let last = b.lines.last().expect("a line").end;
                assert!(last == items.len() || last == items.len() - 1, "{items:?}");
            }
        }
    }
}

/// NaN defeats every comparison of the passes; the first-fit fallback still
/// breaks the paragraph.
#[test]
fn nan_widths_fall_back_to_first_fit() {
    let p = para("aa bb cc dd ee ff");
    let b = break_lines(&p.items, &|_| f64::NAN, &defaults());
    assert_eq!(b.pass, Pass::Overfull);
    assert_eq!(b.lines.last().map(|l| l.end), Some(p.items.len() - 1));
}

/// xorshift64*: a fixed-seed generator for the randomized tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `lo..hi`.
    fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `words` random words of 1..=7 letters for [`para`], with hyphenation
/// points, explicit hyphens, ties and forced breaks now and then.
fn random_text(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for w in 0..words {
        if w > 0 {
            s.push(match rng.below(40) {
                0 => '\n',
                1 | 2 => '~',
                _ => ' ',
            });
        }
        let len = 1 + rng.below(7);
        for k in 0..len {
            if k >= 2 && k + 2 <= len && rng.below(3) == 0 {
                s.push(if rng.below(8) == 0 { '-' } else { '|' });
            }
            s.push((b'a' + (w % 26) as u8) as char);
        }
    }
    s
}

/// One of several line-width patterns around `base`.
fn random_measure(rng: &mut Rng) -> impl Fn(usize) -> f64 + use<> {
    let base = rng.float(8.0, 24.0).round();
    let kind = rng.below(4);
    move |n| match kind {
        0 => base,
        1 if n == 0 => base - 3.0,
        2 if (1..3).contains(&n) => base - 4.0,
        3 if n % 2 == 1 => base + 2.0,
        _ => base,
    }
}

/// The demerits of breaking at `breaks` (ending with the final penalty), or
/// `None` when a line is not feasible within `threshold`: TeX's rules,
/// applied line by line with widths summed directly.
fn evaluate(
    items: &[Item],
    width: &dyn Fn(usize) -> f64,
    params: &Params,
    threshold: f64,
    breaks: &[usize],
) -> Option<f64> {
    let last = items.len() - 1;
    let (mut start, mut total, mut prev_fitness, mut prev_flagged) =
        (0, 0.0, Fitness::Decent, false);
    let mut run = 0;
    for (n, &b) in breaks.iter().enumerate() {
        if start > b {
            return None; // a line with nothing in it
        }
        let mut sums = Sums::default();
        items[start..b].iter().for_each(|item| sums.add(item));
        let (cost, flagged) = match items[b] {
            Item::Penalty {
                width,
                cost,
                flagged,
                ..
            } => {
                sums.width += width;
                (cost, flagged)
            }
            _ => (0.0, false),
        };
        let fit = fit(sums, width(n), 0.0);
        if fit.badness > threshold {
            return None;
        }
        run = if flagged { run + 1 } else { 0 };
        if params.hyphen_run_limit > 0 && run > params.hyphen_run_limit {
            return None;
        }
        let base = params.line_penalty + fit.badness;
        let mut d = if base.abs() >= 10_000.0 {
            1e8
        } else {
            base * base
        };
        if cost > EJECT_PENALTY {
            d += cost * cost.abs();
        }
        if prev_flagged && b == last {
            d += params.final_hyphen_demerits;
        } else if prev_flagged && flagged {
            d += params.double_hyphen_demerits;
        }
        if (fit.fitness as i32 - prev_fitness as i32).abs() > 1 {
            d += params.adj_demerits;
        }
        total += d;
        (prev_fitness, prev_flagged) = (fit.fitness, flagged);
        start = b + 1;
        while start < last && !matches!(items[start], Item::Box { .. }) && !is_forced(&items[start])
        {
            start += 1;
        }
    }
    Some(total)
}

fn is_forced(item: &Item) -> bool {
    matches!(*item, Item::Penalty { cost, .. } if cost <= EJECT_PENALTY)
}

/// The least demerits over every subset of legal breaks (up to 2¹⁶).
fn brute_force(
    items: &[Item],
    width: &dyn Fn(usize) -> f64,
    params: &Params,
    threshold: f64,
    hyphenate: bool,
) -> Option<f64> {
    let last = items.len() - 1;
    let legal: Vec<usize> = (0..last)
        .filter(|&i| match items[i] {
            Item::Box { .. } => false,
            Item::Glue { .. } => matches!(items[i - 1], Item::Box { .. }),
            Item::Penalty {
                cost, hyphenation, ..
            } => cost < INF_PENALTY && (hyphenate || !hyphenation),
        })
        .collect();
    assert!(legal.len() <= 16, "too many breaks for brute force");
    let mut best: Option<f64> = None;
    for mask in 0u32..1 << legal.len() {
        let chosen = |k: usize| mask >> k & 1 == 1;
        if legal
            .iter()
            .enumerate()
            .any(|(k, &i)| is_forced(&items[i]) && !chosen(k))
        {
            continue;
        }
        let mut breaks: Vec<usize> = legal
            .iter()
            .enumerate()
            .filter(|&(k, _)| chosen(k))
            .map(|(_, &i)| i)
            .collect();
        breaks.push(last);
        if let Some(d) = evaluate(items, width, params, threshold, &breaks) {
            best = Some(best.map_or(d, |b| b.min(d)));
        }
    }
    best
}

/// Whether a paragraph of `words` words has few enough legal breaks for
/// [`brute_force`].
fn brute_forceable(p: &Para, words: usize) -> bool {
    let penalties = p
        .items
        .iter()
        .filter(|i| matches!(i, Item::Penalty { cost, .. } if *cost < INF_PENALTY))
        .count();
    penalties + words <= 16
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

/// On small random paragraphs the result is the exhaustive optimum of the
/// pass it reports, and no earlier pass had a feasible breaking.
#[test]
fn matches_brute_force_on_small_paragraphs() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let params = defaults();
    let mut passes = [0; 4];
    for _ in 0..1500 {
        let words = 2 + rng.below(6) as usize;
        let p = para(&random_text(&mut rng, words));
        let measure = random_measure(&mut rng);
        if !brute_forceable(&p, words) {
            continue;
        }
        let b = break_lines(&p.items, &measure, &params);
        let first = brute_force(&p.items, &measure, &params, params.pretolerance, false);
        let second = brute_force(&p.items, &measure, &params, params.tolerance, true);
        let breaks: Vec<usize> = b.lines.iter().map(|l| l.end).collect();
        match b.pass {
            Pass::First => {
                assert!(close(first.unwrap(), b.demerits), "{:?}", lines(&p, &b));
                let own = evaluate(&p.items, &measure, &params, params.pretolerance, &breaks);
                assert!(close(own.unwrap(), b.demerits));
            }
            Pass::Second => {
                assert_eq!(first, None);
                assert!(close(second.unwrap(), b.demerits), "{:?}", lines(&p, &b));
                let own = evaluate(&p.items, &measure, &params, params.tolerance, &breaks);
                assert!(close(own.unwrap(), b.demerits));
            }
            Pass::Emergency | Pass::Overfull => assert_eq!((first, second), (None, None)),
        }
        passes[b.pass as usize] += 1;
    }
    // The sample exercises every pass.
    assert!(passes.iter().all(|&n| n > 20), "{passes:?}");
}

/// With a hyphen-run limit and stretchable boxes (font expansion), the
/// result is still the exhaustive optimum under the limit, and never has a
/// longer run of hyphenated lines.
#[test]
fn hyphen_run_limit_keeps_the_optimum() {
    let mut rng = Rng(0x5eed_1e55);
    let mut limited = 0;
    for _ in 0..2000 {
        let words = 2 + rng.below(5) as usize;
        let mut p = para(&random_text(&mut rng, words));
        let expansion = rng.float(0.0, 0.05);
        for item in &mut p.items {
            if let Item::Box {
                width,
                stretch,
                shrink,
            } = item
            {
                (*stretch, *shrink) = (*width * expansion, *width * expansion);
            }
        }
        let measure = random_measure(&mut rng);
        if !brute_forceable(&p, words) {
            continue;
        }
        let params = Params {
            hyphen_run_limit: 1 + rng.below(2) as u32,
            double_hyphen_demerits: rng.float(0.0, 3000.0),
            pretolerance: -1.0,
            emergency_stretch: 0.0,
            tolerance: 10_000.0,
            ..defaults()
        };
        let b = break_lines(&p.items, &measure, &params);
        let unlimited = Params {
            hyphen_run_limit: 0,
            ..params.clone()
        };
        let best = brute_force(&p.items, &measure, &params, params.tolerance, true);
        if b.pass == Pass::Second {
            assert!(close(best.unwrap(), b.demerits), "{:?}", lines(&p, &b));
            let mut run = 0;
            for line in &b.lines {
                run = if line.hyphenated { run + 1 } else { 0 };
                assert!(run <= params.hyphen_run_limit, "{:?}", lines(&p, &b));
            }
            let free = brute_force(&p.items, &measure, &unlimited, params.tolerance, true);
            if free.unwrap() < best.unwrap() {
                limited += 1;
            }
        } else {
            assert_eq!(best, None, "{:?}", lines(&p, &b));
        }
    }
    // The sample has paragraphs whose unlimited optimum breaks the rule.
    assert!(limited > 10, "{limited}");
}

/// Random paragraphs with random (inexact) widths: breaks increase, the last
/// line ends the paragraph, every line starts after the discarded items, and
/// every line that is not overfull fills its measure at its ratio.
#[test]
fn random_paragraphs_fill_their_lines() {
    let mut rng = Rng(42);
    for round in 0..300 {
        let words = 5 + rng.below(80) as usize;
        let text = random_text(&mut rng, words);
        let mut items = para(&text).items;
        for item in &mut items {
            match item {
                Item::Box { width, .. } => *width = rng.float(0.3, 1.3),
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } if *stretch < FIL => {
                    (*width, *stretch, *shrink) = (
                        rng.float(0.5, 1.5),
                        rng.float(0.0, 1.0),
                        rng.float(0.0, 0.5),
                    );
                }
                _ => {}
            }
        }
        let measure = random_measure(&mut rng);
        let params = Params {
            tolerance: rng.float(50.0, 3000.0),
            pretolerance: rng.float(-50.0, 500.0),
            emergency_stretch: rng.float(-1.0, 4.0),
            looseness: rng.below(3) as i32 - 1,
            ..defaults()
        };
        let b = break_lines(&items, &measure, &params);
        assert_eq!(
            b.lines.last().map(|l| l.end),
            Some(items.len() - 1),
            "round {round}"
        );
        let mut expected_start = 0;
        for (n, line) in b.lines.iter().enumerate() {
            assert_eq!(line.start, expected_start, "round {round} line {n}");
            assert!(line.start <= line.end);
            let mut sums = Sums::default();
            items[line.start..line.end]
                .iter()
                .for_each(|item| sums.add(item));
            if let Item::Penalty { width, .. } = items[line.end] {
                sums.width += width;
            }
            let w = measure(n);
            let threshold = if b.pass == Pass::First {
                params.pretolerance
            } else {
                params.tolerance
            };
            if matches!(b.pass, Pass::First | Pass::Second) {
                assert!(
                    line.badness <= threshold.min(INF_BAD) && !line.overfull,
                    "round {round}"
                );
            }
            if line.overfull {
                assert!(sums.width - sums.shrink > w);
                assert_eq!(b.pass, Pass::Overfull);
            } else if sums.fil > 0.0 && sums.width <= w {
                assert_eq!(line.ratio, 0.0);
            } else if sums.width > w {
                assert!((-1.0..0.0).contains(&line.ratio));
                assert!(
                    (sums.width + sums.shrink * line.ratio - w).abs() < 1e-6,
                    "round {round} line {n}"
                );
            } else if sums.stretch > 0.0 {
                assert!(
                    (sums.width + sums.stretch * line.ratio - w).abs() < 1e-6,
                    "round {round} line {n}"
                );
            }
            expected_start = line.end + 1;
            while expected_start < items.len()
                && !matches!(items[expected_start], Item::Box { .. })
                && !is_forced(&items[expected_start])
            {
                expected_start += 1;
            }
        }
        // Same input, same output.
        assert_eq!(break_lines(&items, &measure, &params), b);
    }
}

/// A 5,000-word paragraph: prints the time (`cargo test --release
/// five_thousand_words -- --nocapture`).
#[test]
fn five_thousand_words() {
    let mut rng = Rng(5000);
    let mut items = Vec::new();
    for w in 0..5000 {
        if w > 0 {
            items.push(Item::Glue {
                width: 3.33,
                stretch: 1.67,
                shrink: 1.11,
            });
        }
        let letters = 1 + rng.below(9) as usize;
        for k in 0..letters {
            if k >= 2 && k + 2 <= letters && rng.below(3) == 0 {
                items.push(Item::Penalty {
                    width: 3.0,
                    cost: 50.0,
                    flagged: true,
                    hyphenation: true,
                });
            }
            items.push(Item::boxed(rng.float(3.0, 8.0)));
        }
    }
    items.extend(Item::paragraph_end());
    // Best of five: the machine may be busy.
    let (mut b, mut elapsed) = (None, std::time::Duration::MAX);
    for _ in 0..5 {
        let start = std::time::Instant::now();
        b = Some(break_lines(&items, &|_| 300.0, &defaults()));
        elapsed = elapsed.min(start.elapsed());
    }
    let b = b.expect("five runs");
    println!(
        "5,000 words, {} items, {} lines, {:?}: {elapsed:?}",
        items.len(),
        b.lines.len(),
        b.pass
    );
    assert!(b.lines.len() > 100 && !b.lines.iter().any(|l| l.overfull));
}

/// One scan per pass for several loosenesses gives, for each, exactly the
/// breaking a scan asked for it alone gives: lines, pass and demerits; with
/// the passes cut after the second, exactly those a pass up to it settles.
#[test]
fn break_loose_equals_one_breaking_per_looseness() {
    let mut rng = Rng(7);
    let (mut differ, mut cut, mut kept) = (0, 0, 0);
    for round in 0..300 {
        let words = 3 + rng.below(90) as usize;
        let text = random_text(&mut rng, words);
        let p = para(&text);
        let width = rng.float(8.0, 40.0);
        let measure = |_: usize| width;
        let params = Params {
            tolerance: rng.float(50.0, 3000.0),
            pretolerance: rng.float(-50.0, 500.0),
            emergency_stretch: rng.float(-1.0, 4.0),
            hyphen_run_limit: rng.below(3) as u32,
            final_hyphen_last_resort: rng.below(2) == 0,
            ..defaults()
        };
        let loosenesses: &[i32] = match rng.below(3) {
            0 => &[-1, 1],
            1 => &[1, -1, 2],
            _ => &[-2],
        };
        let together = break_loose(&p.items, &measure, &params, loosenesses, Pass::Overfull);
        let within = break_loose(&p.items, &measure, &params, loosenesses, Pass::Second);
        assert_eq!(together.len(), loosenesses.len());
        assert_eq!(within.len(), loosenesses.len());
        for ((got, short), &looseness) in together.iter().zip(&within).zip(loosenesses) {
            let alone = break_lines(
                &p.items,
                &measure,
                &Params {
                    looseness,
                    ..params.clone()
                },
            );
            assert_eq!(
                got.as_ref(),
                Some(&alone),
                "round {round}, looseness {looseness}"
            );
            match short {
                Some(short) => {
                    assert_eq!(short, &alone, "round {round}, looseness {looseness}");
                    kept += 1;
                }
                None => {
                    assert!(
                        matches!(alone.pass, Pass::Emergency | Pass::Overfull),
                        "round {round}, looseness {looseness}: {:?}",
                        alone.pass
                    );
                    cut += 1;
                }
            }
        }
        let plain = break_lines(&p.items, &measure, &params);
        differ += usize::from(together[0].as_ref().unwrap().lines.len() != plain.lines.len());
    }
    // The paragraphs are varied enough that a looseness takes effect, and
    // that cutting the passes both keeps and drops breakings.
    assert!(differ > 30, "{differ}");
    assert!(cut > 20 && kept > 100, "{cut} cut, {kept} kept");
}
