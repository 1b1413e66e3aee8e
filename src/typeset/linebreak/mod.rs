//! Knuth–Plass total-fit line breaking.
//!
//! **In:** a paragraph as [`Item`]s (boxes, glue, penalties; widths in
//! points), the measure of every line (`width(n)`), and TeX's [`Params`].
//! **Out:** a [`Breaking`]: where each line ends, its adjustment ratio,
//! whether it ends in a hyphen or is overfull, which [`Pass`] found it, and its
//! total demerits. **Must not:** shape text, hyphenate, or know fonts or the
//! model: the caller turns shaped, hyphenated text into items, and sets the
//! lines it gets back.
//!
//! # The algorithm
//!
//! Every *legal breakpoint* (a glue right after a box, or a penalty below
//! [`INF_PENALTY`]) may end a line. The cheapest way to reach breakpoint `b`
//! is the cheapest way to reach some earlier breakpoint `a` plus the
//! *demerits* of the line `a → b`, so one forward scan finds the optimum over
//! the whole paragraph (the "total fit"). The scan keeps the *active* nodes:
//! breakpoints already reached from which a line could still get to the
//! current point. At each legal breakpoint it tries a line from every active
//! node, keeps the cheapest feasible one per fitness class, and creates new
//! active nodes for them; a node is dropped once a line from it has become
//! overfull (`r < −1`) or a forced break has passed it. Running totals of
//! width, stretch and shrink make a line's width one subtraction, so the
//! cost is O(items × active nodes), and the active list stays about one line's
//! worth of breakpoints × 4 fitness classes (× the hyphen runs told apart
//! under `hyphen_run_limit`).
//!
//! A line of natural width `x`, stretch `y`, shrink `z` set on measure `w`
//! has adjustment ratio `r = (w − x)/y` (or `/z` when it must shrink), badness
//! `b = min(100·|r|³, 10000)` (0 when the line has infinite, [`FIL`] stretch)
//! and is *feasible* when `r ≥ −1` and `b ≤` the pass's tolerance. Its
//! demerits are `(line_penalty + b)² ± penalty²`, plus `adj_demerits` when its
//! fitness class (very loose / loose / decent / tight) is two or more away from
//! the previous line's, `double_hyphen_demerits` for a second hyphen in a row
//! and `final_hyphen_demerits` when the last-but-one line ends in a hyphen.
//!
//! Passes, as TeX (§863): [`Pass::First`] with `pretolerance` and no
//! hyphenation breaks; [`Pass::Second`] with `tolerance` and all breaks;
//! [`Pass::Emergency`], with `emergency_stretch` added to every line's
//! stretch. The last pass run keeps TeX's final-pass rule: when the only
//! active node would be dropped with no break found at that point, the line
//! is made anyway (an overfull or underfull line, "artificial demerits" 0),
//! so a breaking always exists; the result then says [`Pass::Overfull`].
//! With `looseness ≠ 0`, a pass that finds breakings but not the asked line
//! count hands over to the next one, as in TeX; the last pass takes the
//! closest count it can reach.
//!
//! # Departures from TeX
//!
//! - Floats, not scaled integers: badness is `min(100·r³, 10000)` exactly,
//!   not TeX's integer approximation (§108); no `powf`, so results are the
//!   same everywhere.
//! - TeX knows its `\parshape` and merges line numbers after the last special
//!   line. `width` is an opaque function here, so it is sampled once over the
//!   paragraph's largest possible line count; line numbers are merged from the
//!   first line after which the measure no longer changes (never when
//!   `looseness ≠ 0`, as TeX).
//! - Discardable items after a break are skipped up to the next box or forced
//!   break. A non-forced break inside that run would end a line holding
//!   nothing; such a line is never tried.
//! - `emergency_stretch` defaults to 3 pt (plain TeX: 0 pt).
//! - Boxes may stretch and shrink (font expansion). pdfTeX adds a line's
//!   font stretch to its glue stretch the same way, but sets it in steps
//!   of the font's expansion; here the ratio applies to boxes as to glue.
//! - `final_hyphen_last_resort` keeps a hyphen off the last-but-one line
//!   unless only the last pass (with emergency stretch) cannot do without.
//! - `hyphen_run_limit` makes "at most n hyphens in a row" a rule, not a
//!   cost: candidates are kept per fitness class *and* per whether they
//!   reach the limit, so the optimum under the rule is still found.
//! - A first-fit breaking is kept for inputs the passes cannot handle (NaN
//!   widths); with finite inputs the final-pass rule always succeeds first.

#[cfg(test)]
mod tests;

/// Stretch at or above this counts as infinite (TeX's `fil`): a line holding
/// such glue has badness 0 and is set ragged (ratio 0, the fil glue takes the
/// slack). Use it for `\parfillskip` and ragged code lines.
pub const FIL: f64 = 1e5;
/// A penalty at or above this forbids the break (TeX's `inf_penalty`).
pub const INF_PENALTY: f64 = 10_000.0;
/// A penalty at or below this forces the break (TeX's `eject_penalty`).
pub const EJECT_PENALTY: f64 = -10_000.0;
/// The largest badness (TeX's `inf_bad`): a line this bad is "infinitely"
/// bad, but may still be feasible when the tolerance is 10000.
pub const INF_BAD: f64 = 10_000.0;
/// How far (in points) a line may exceed its measure at full shrink before
/// it counts as overfull: float sums of exactly fitting widths can miss by an
/// ulp, where TeX's integer scaled points are exact.
const SLACK: f64 = 1e-9;
/// The badness given to an overfull line, worse than any other (TeX's
/// `inf_bad + 1`).
const OVERFULL_BAD: f64 = INF_BAD + 1.0;
/// TeX §859: when `line_penalty + b` reaches 10000 in magnitude, the line's
/// demerits are 10⁸ instead of its square.
const HUGE_LINE: f64 = 10_000.0;
/// The demerits of such a line.
const HUGE_LINE_DEMERITS: f64 = 1e8;
/// Badness above which a stretched line is very loose, or a line loose or
/// tight (TeX §817: 99 and 12, i.e. `r ≈ 1` and `r ≈ 0.5`).
const VERY_LOOSE_BAD: f64 = 99.0;
/// See [`VERY_LOOSE_BAD`].
const LOOSE_OR_TIGHT_BAD: f64 = 12.0;

/// One element of a paragraph, widths in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Something never discarded and never a breakpoint (a glyph run, a
    /// word). Its width may stretch and shrink with the line's glue, by
    /// the same ratio: font expansion, as pdfTeX's and microtype's (0 for
    /// a box of fixed width, see [`Item::boxed`]). Stretch must be finite.
    Box {
        /// Natural width.
        width: f64,
        /// How far it may widen at ratio 1.
        stretch: f64,
        /// How far it may narrow at ratio −1.
        shrink: f64,
    },
    /// Space that stretches and shrinks. A legal break when it follows a
    /// box; discarded at the start of a line. Stretch ≥ [`FIL`] is infinite.
    Glue {
        /// Natural width.
        width: f64,
        /// How far it may stretch at ratio 1.
        stretch: f64,
        /// How far it may shrink at ratio −1 (never further).
        shrink: f64,
    },
    /// A possible break and its cost; `width` is set only when the line ends
    /// here (a hyphen). Discarded at the start of a line.
    ///
    /// cost: ≥ 10000 = never break here ([`INF_PENALTY`]), ≤ −10000 = must
    /// break ([`EJECT_PENALTY`], forced).
    /// flagged: a hyphen break (two flagged breaks in a row cost
    /// `double_hyphen_demerits`).
    /// hyphenation: the break came from hyphenation patterns (not tried in
    /// the first pass).
    Penalty {
        /// Width added at the end of the line when broken here.
        width: f64,
        /// The penalty.
        cost: f64,
        /// A hyphen break.
        flagged: bool,
        /// A break found by hyphenation patterns.
        hyphenation: bool,
    },
}

impl Item {
    /// The end of a paragraph, as TeX writes it: `\penalty10000` (no break
    /// before the fill), `\parfillskip` = 0pt plus 1fil, and a forced break.
    /// The caller appends these; the last line is then set ragged. (Without
    /// the first penalty a break at the fill glue is legal too; it leaves an
    /// empty, underfull last line, never chosen while a real one is
    /// feasible.) Items that do not end with a forced break get an implicit
    /// one at `items.len()`.
    pub fn paragraph_end() -> [Item; 3] {
        let fill = Item::Glue {
            width: 0.0,
            stretch: FIL,
            shrink: 0.0,
        };
        [
            Item::penalty(INF_PENALTY),
            fill,
            Item::penalty(EJECT_PENALTY),
        ]
    }

    /// A box of fixed width.
    pub const fn boxed(width: f64) -> Item {
        Item::Box {
            width,
            stretch: 0.0,
            shrink: 0.0,
        }
    }

    /// A plain penalty: no width, not a hyphen.
    pub const fn penalty(cost: f64) -> Item {
        Item::Penalty {
            width: 0.0,
            cost,
            flagged: false,
            hyphenation: false,
        }
    }
}

/// TeX's parameters, named as in TeX, TeX's plain defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Tolerance of the first pass (no hyphenation); negative skips it. 100.
    pub pretolerance: f64,
    /// Tolerance of the second and emergency passes. 200.
    pub tolerance: f64,
    /// Added to every line's badness before squaring. 10.
    pub line_penalty: f64,
    /// The cost of a break at a hyphenation point. 50. The caller puts it in
    /// [`Item::Penalty`]'s cost; kept here as the default for it.
    pub hyphen_penalty: f64,
    /// The cost of a break after an explicit hyphen. 50. Likewise the
    /// caller's.
    pub ex_hyphen_penalty: f64,
    /// Added when two lines in a row end in a hyphen. 10000.
    pub double_hyphen_demerits: f64,
    /// Added when the last-but-one line ends in a hyphen. 5000.
    pub final_hyphen_demerits: f64,
    /// Added when a line's fitness class (very loose, loose, decent, tight:
    /// r > 1, 0.5..1, −0.5..0.5, < −0.5) is two or more classes away from the
    /// previous line's. 10000.
    pub adj_demerits: f64,
    /// Points added to every line's stretch in the emergency pass, which only
    /// runs when it is positive. 3 pt (plain TeX: 0 pt, which leaves the
    /// second pass as the last resort).
    pub emergency_stretch: f64,
    /// ±n asks for a paragraph n lines longer/shorter than optimal, if
    /// feasible (TeX's `\looseness`). 0.
    pub looseness: i32,
    /// The most lines in a row that may end in a hyphen (flagged breaks);
    /// 0 for no limit, as TeX. A breaking that can only go on past the
    /// limit with an overfull line still goes on (the final-pass rule).
    pub hyphen_run_limit: u32,
    /// Makes a paragraph's last line that starts with the end of a
    /// hyphenated word a last resort: infeasible in every pass but the last
    /// (TeX only charges `final_hyphen_demerits`). false.
    pub final_hyphen_last_resort: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            pretolerance: 100.0,
            tolerance: 200.0,
            line_penalty: 10.0,
            hyphen_penalty: 50.0,
            ex_hyphen_penalty: 50.0,
            double_hyphen_demerits: 10_000.0,
            final_hyphen_demerits: 5_000.0,
            adj_demerits: 10_000.0,
            emergency_stretch: 3.0,
            looseness: 0,
            hyphen_run_limit: 0,
            final_hyphen_last_resort: false,
        }
    }
}

/// One line of the breaking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Index of the line's first item, after the glue and penalties
    /// discarded at a break (0 for the first line). May equal `end` when the
    /// line holds nothing.
    pub start: usize,
    /// Index of the break item (a glue or penalty), or `items.len()` for an
    /// implicit paragraph end. The line holds `start..end`, plus the
    /// penalty's width when it ends at a penalty; a glue break is not part of
    /// either line.
    pub end: usize,
    /// Adjustment ratio for the line's finite glue: stretch × ratio (> 0) or
    /// shrink × ratio (< 0) is added to each glue's width. 0 for a ragged
    /// line (fil stretch takes the slack) and for an underfull line with no
    /// stretch; −1 for an overfull line.
    pub ratio: f64,
    /// TeX badness of the line as set (without emergency stretch):
    /// 0..=10000, or 10001 when overfull. Above the tolerance only in a
    /// [`Pass::Emergency`] or [`Pass::Overfull`] breaking.
    pub badness: f64,
    /// The line ends at a flagged penalty (a hyphen).
    pub hyphenated: bool,
    /// The line is wider than its measure even at full shrink.
    pub overfull: bool,
}

/// Which pass of the algorithm produced the breaking, in the order they
/// run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pass {
    /// Within `pretolerance`, without hyphenation.
    First,
    /// Within `tolerance`, with hyphenation.
    Second,
    /// Within `tolerance` with `emergency_stretch` added to every line.
    Emergency,
    /// No feasible breaking: at least one line breaks the tolerance (overfull
    /// or underfull) because it was the only way on, as TeX's final pass.
    Overfull,
}

/// The result: the lines, which pass found them and their total demerits.
#[derive(Debug, Clone, PartialEq)]
pub struct Breaking {
    /// The lines, in order; empty for an empty paragraph.
    pub lines: Vec<Line>,
    /// Which pass succeeded.
    pub pass: Pass,
    /// The total demerits of the chosen breaking (in the emergency pass,
    /// counted with the emergency stretch; infinite for the first-fit
    /// fallback; 0 for an empty paragraph).
    pub demerits: f64,
}

/// Breaks a paragraph into lines, minimizing total demerits (see the module
/// doc). `width(n)` is the measure of line n (0-based), so a page builder can
/// vary line lengths (around a figure, a shorter last page line...). It is
/// called for any `n` up to the number of legal breakpoints, so it must
/// answer past the last line the caller expects (repeat the last measure, as
/// TeX's `\parshape` does).
pub fn break_lines(items: &[Item], width: &dyn Fn(usize) -> f64, params: &Params) -> Breaking {
    if items.is_empty() {
        return Breaking {
            lines: Vec::new(),
            pass: Pass::First,
            demerits: 0.0,
        };
    }
    let mut breaker = Breaker::new(items, width, params, params.looseness != 0);
    for pass in [Pass::First, Pass::Second, Pass::Emergency] {
        let Some(settings) = Settings::new(pass, params) else {
            continue;
        };
        if breaker.run(&settings)
            && let Some((node, satisfied)) = breaker.choose(params.looseness)
            && (satisfied || settings.last)
        {
            return breaker.collect(node, pass);
        }
    }
    Breaking {
        lines: first_fit(items, width),
        pass: Pass::Overfull,
        demerits: f64::INFINITY,
    }
}

/// The breakings [`break_lines`] gives for each of `loosenesses` (all
/// nonzero; `params.looseness` is ignored), in their order, as far as the
/// passes up to `last` settle them: `None` for a looseness only a later
/// pass (or the first-fit fallback) would give. A scan with `looseness ≠ 0`
/// keeps line numbers apart and does not otherwise depend on the looseness,
/// so each pass runs once for all of them, and only as long as one of them
/// still needs a later pass: a paragraph set a line shorter and a line
/// longer costs about one breaking, not two.
///
/// A caller that takes only breakings within tolerance passes
/// [`Pass::Second`]: the emergency pass, the costliest (its extra stretch
/// makes most lines feasible), then never runs for a result it would drop.
pub fn break_loose(
    items: &[Item],
    width: &dyn Fn(usize) -> f64,
    params: &Params,
    loosenesses: &[i32],
    last: Pass,
) -> Vec<Option<Breaking>> {
    debug_assert!(loosenesses.iter().all(|&l| l != 0));
    if items.is_empty() {
        return loosenesses
            .iter()
            .map(|_| Some(break_lines(items, width, params)))
            .collect();
    }
    let mut found: Vec<Option<Breaking>> = vec![None; loosenesses.len()];
    let mut breaker = Breaker::new(items, width, params, true);
    for pass in [Pass::First, Pass::Second, Pass::Emergency] {
        if pass > last || found.iter().all(Option::is_some) {
            break;
        }
        let Some(settings) = Settings::new(pass, params) else {
            continue;
        };
        if !breaker.run(&settings) {
            continue;
        }
        for (slot, &looseness) in found.iter_mut().zip(loosenesses) {
            if slot.is_none()
                && let Some((node, satisfied)) = breaker.choose(looseness)
                && (satisfied || settings.last)
            {
                *slot = Some(breaker.collect(node, pass));
            }
        }
    }
    if last >= Pass::Overfull {
        for slot in &mut found {
            slot.get_or_insert_with(|| Breaking {
                lines: first_fit(items, width),
                pass: Pass::Overfull,
                demerits: f64::INFINITY,
            });
        }
    }
    found
}

/// What one pass allows.
struct Settings {
    /// Largest feasible badness.
    threshold: f64,
    /// Whether `hyphenation` penalties are breakpoints.
    hyphenate: bool,
    /// Stretch added to every line.
    extra_stretch: f64,
    /// The last pass: apply TeX's final-pass rule, accept any looseness.
    last: bool,
}

impl Settings {
    /// The settings of `pass`, or `None` when it does not run.
    fn new(pass: Pass, p: &Params) -> Option<Self> {
        let emergency = p.emergency_stretch > 0.0;
        let (tolerance, extra_stretch, last) = match pass {
            Pass::First if p.pretolerance >= 0.0 => (p.pretolerance, 0.0, false),
            Pass::Second => (p.tolerance, 0.0, !emergency),
            Pass::Emergency if emergency => (p.tolerance, p.emergency_stretch, true),
            _ => return None,
        };
        let (threshold, hyphenate) = (tolerance.min(INF_BAD), pass != Pass::First);
        Some(Settings {
            threshold,
            hyphenate,
            extra_stretch,
            last,
        })
    }
}

/// Running totals of widths (TeX's `active_width` and friends).
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    width: f64,
    /// Finite stretch.
    stretch: f64,
    /// Infinite stretch (glue with stretch ≥ [`FIL`]).
    fil: f64,
    shrink: f64,
}

impl Sums {
    fn add(&mut self, item: &Item) {
        match *item {
            Item::Box {
                width,
                stretch,
                shrink,
            } => {
                self.width += width;
                self.stretch += stretch;
                self.shrink += shrink;
            }
            Item::Glue {
                width,
                stretch,
                shrink,
            } => {
                self.width += width;
                if stretch >= FIL {
                    self.fil += stretch;
                } else {
                    self.stretch += stretch;
                }
                self.shrink += shrink;
            }
            Item::Penalty { .. } => {}
        }
    }

    /// The sums between `start` and `self`, plus a final penalty's width.
    fn since(self, start: Sums, penalty_width: f64) -> Sums {
        Sums {
            width: self.width - start.width + penalty_width,
            stretch: self.stretch - start.stretch,
            fil: self.fil - start.fil,
            shrink: self.shrink - start.shrink,
        }
    }
}

/// TeX's fitness classes, numbered as TeX numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fitness {
    VeryLoose = 0,
    Loose = 1,
    Decent = 2,
    Tight = 3,
}

const FITNESSES: [Fitness; 4] = [
    Fitness::VeryLoose,
    Fitness::Loose,
    Fitness::Decent,
    Fitness::Tight,
];

/// How a line fits its measure.
#[derive(Debug, Clone, Copy)]
struct Fit {
    /// Badness with the pass's extra stretch: decides feasibility.
    badness: f64,
    fitness: Fitness,
    /// Ratio and badness as set, without extra stretch.
    ratio: f64,
    set_badness: f64,
    overfull: bool,
}

/// TeX's badness of stretching or shrinking by `t` with `s` available.
fn badness(t: f64, s: f64) -> f64 {
    if t <= 0.0 {
        0.0
    } else if s <= 0.0 {
        INF_BAD
    } else {
        let r = t / s;
        (100.0 * r * r * r).min(INF_BAD)
    }
}

/// How a line with sums `line` fits measure `width`, with `extra` stretch.
fn fit(line: Sums, width: f64, extra: f64) -> Fit {
    let shortfall = width - line.width;
    let overfull = shortfall <= 0.0 && -shortfall > line.shrink + SLACK;
    let (badness, set_badness, ratio) = if shortfall > 0.0 && line.fil > 0.0 {
        (0.0, 0.0, 0.0)
    } else if shortfall > 0.0 {
        let ratio = if line.stretch > 0.0 {
            shortfall / line.stretch
        } else {
            0.0
        };
        let set = badness(shortfall, line.stretch);
        (badness(shortfall, line.stretch + extra), set, ratio)
    } else if overfull {
        (OVERFULL_BAD, OVERFULL_BAD, -1.0)
    } else {
        let ratio = if line.shrink > 0.0 {
            shortfall / line.shrink
        } else {
            0.0
        };
        let b = badness(-shortfall, line.shrink);
        (b, b, ratio.max(-1.0))
    };
    let fitness = match badness {
        b if shortfall <= 0.0 && b > LOOSE_OR_TIGHT_BAD => Fitness::Tight,
        b if shortfall > 0.0 && b > VERY_LOOSE_BAD => Fitness::VeryLoose,
        b if shortfall > 0.0 && b > LOOSE_OR_TIGHT_BAD => Fitness::Loose,
        _ => Fitness::Decent,
    };
    Fit {
        badness,
        fitness,
        ratio,
        set_badness,
        overfull,
    }
}

/// A breakpoint reached (TeX's active and passive nodes in one).
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Index of the break item.
    pos: usize,
    /// Index of the first item of the line starting here (once resolved).
    start: usize,
    /// Sums at `start` (once resolved).
    after: Sums,
    /// 0-based number of the line starting here.
    line: usize,
    /// Broken at a flagged penalty.
    flagged: bool,
    /// How many lines in a row end in a flagged break here (0 when this
    /// break is not flagged).
    hyphens: u32,
    /// Total demerits from the paragraph start.
    demerits: f64,
    /// The break before, `None` for the paragraph start.
    prev: Option<usize>,
    /// How the line ending here fits.
    fit: Fit,
    /// The line ending here was made by the final-pass rule.
    artificial: bool,
}

/// The best line found so far to the current breakpoint, for one fitness.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    demerits: f64,
    hyphens: u32,
    from: usize,
    line: usize,
    fit: Fit,
    artificial: bool,
}

/// The breakpoint being tried.
struct Break {
    pos: usize,
    cost: f64,
    flagged: bool,
    width: f64,
    /// The paragraph's last break (hyphen before it costs final demerits).
    last: bool,
}

impl Break {
    /// A break at the glue at `pos`.
    fn glue(pos: usize) -> Self {
        Break {
            pos,
            cost: 0.0,
            flagged: false,
            width: 0.0,
            last: false,
        }
    }
}

/// State of the scan; buffers are reused across passes.
struct Breaker<'a> {
    items: &'a [Item],
    width: &'a dyn Fn(usize) -> f64,
    params: &'a Params,
    /// Lines from this number on have the same measure to the end.
    easy_line: usize,
    nodes: Vec<Node>,
    /// Active node indices, sorted by [`Breaker::group`].
    active: Vec<usize>,
    next: Vec<usize>,
    /// The best candidate per [`Breaker::slot`] at the current break.
    best: Vec<Option<Candidate>>,
    /// A buffer of [`Breaker::create`].
    within: Vec<f64>,
    /// Nodes from here on wait for the next box or forced break to learn
    /// where their line starts.
    pending_from: usize,
    totals: Sums,
    /// The paragraph's last break of the pass last run.
    end: usize,
}

impl<'a> Breaker<'a> {
    /// `apart`: line numbers are never merged (as for `looseness ≠ 0`).
    fn new(
        items: &'a [Item],
        width: &'a dyn Fn(usize) -> f64,
        params: &'a Params,
        apart: bool,
    ) -> Self {
        // A paragraph of n items reaches about n / 8 breaks (n / 2 when
        // line numbers are kept apart): room for them at once.
        let room = if apart {
            items.len() / 2
        } else {
            items.len() / 8
        } + 8;
        let mut breaker = Breaker {
            items,
            width,
            params,
            easy_line: usize::MAX,
            nodes: Vec::with_capacity(room),
            active: Vec::with_capacity(16),
            next: Vec::with_capacity(16),
            best: Vec::new(),
            within: Vec::new(),
            pending_from: 0,
            totals: Sums::default(),
            end: 0,
        };
        if !apart {
            breaker.easy_line = breaker.find_easy_line();
        }
        breaker
    }

    /// The first line number from which `width` stays the same for every
    /// line this paragraph can have (at most one per legal breakpoint).
    fn find_easy_line(&self) -> usize {
        let items = self.items;
        let mut breaks = 1; // the implicit end, or a margin
        for (i, item) in items.iter().enumerate() {
            breaks += usize::from(match *item {
                Item::Box { .. } => false,
                Item::Glue { .. } => i > 0 && matches!(items[i - 1], Item::Box { .. }),
                Item::Penalty { cost, .. } => cost < INF_PENALTY,
            });
        }
        let last = (self.width)(breaks);
        let mut easy = breaks;
        while easy > 0 && (self.width)(easy - 1) == last {
            easy -= 1;
        }
        easy
    }

    /// Nodes whose new lines fall in the same line-number class are compared
    /// with each other (TeX's `old_l`, with `easy_line` merged).
    fn group(&self, node: usize) -> usize {
        (self.nodes[node].line + 1).min(self.easy_line)
    }

    /// One pass; false when every active node was dropped (then no line
    /// count is reached: see [`Breaker::choose`]).
    fn run(&mut self, settings: &Settings) -> bool {
        let items = self.items;
        let end = match items.last() {
            Some(&Item::Penalty {
                cost, hyphenation, ..
            }) if cost <= EJECT_PENALTY && (settings.hyphenate || !hyphenation) => items.len() - 1,
            _ => items.len(),
        };
        self.nodes.clear();
        self.active.clear();
        self.totals = Sums::default();
        self.nodes.push(Node {
            pos: 0,
            start: 0,
            after: Sums::default(),
            line: 0,
            flagged: false,
            hyphens: 0,
            demerits: 0.0,
            prev: None,
            fit: fit(Sums::default(), 0.0, 0.0),
            artificial: false,
        });
        self.active.push(0);
        self.pending_from = 1;
        self.end = end;
        for (i, item) in items.iter().enumerate() {
            if self.active.is_empty() {
                return false;
            }
            match *item {
                Item::Box { .. } => self.resolve(i),
                Item::Glue { .. } => {
                    if i > 0 && matches!(items[i - 1], Item::Box { .. }) {
                        self.try_break(&Break::glue(i), settings);
                    }
                }
                Item::Penalty {
                    width,
                    cost,
                    flagged,
                    hyphenation,
                } => {
                    if cost < INF_PENALTY && (settings.hyphenate || !hyphenation) {
                        if cost <= EJECT_PENALTY {
                            self.resolve(i);
                        }
                        let brk = Break {
                            pos: i,
                            cost,
                            flagged,
                            width,
                            last: i == end,
                        };
                        self.try_break(&brk, settings);
                    }
                }
            }
            self.totals.add(item);
        }
        if end == items.len() {
            if self.active.is_empty() {
                return false;
            }
            self.resolve(end);
            let brk = Break {
                cost: EJECT_PENALTY,
                last: true,
                ..Break::glue(end)
            };
            self.try_break(&brk, settings);
        }
        true
    }

    /// The next line of every pending node starts at item `i`.
    fn resolve(&mut self, i: usize) {
        let totals = self.totals;
        for node in &mut self.nodes[self.pending_from..] {
            node.start = i;
            node.after = totals;
        }
        self.pending_from = self.nodes.len();
    }

    /// Tries a line from every active node to `brk` (TeX's `try_break`).
    fn try_break(&mut self, brk: &Break, settings: &Settings) {
        let forced = brk.cost <= EJECT_PENALTY;
        let limit = self.params.hyphen_run_limit;
        let mut best = std::mem::take(&mut self.best);
        best.clear();
        best.resize(FITNESSES.len() * (limit as usize + 1), None);
        let mut minimum: Option<f64> = None;
        let mut group = None;
        let mut measure = (usize::MAX, 0.0);
        let active = std::mem::take(&mut self.active);
        self.next.clear();
        for (k, &r) in active.iter().enumerate() {
            let g = self.group(r);
            if group != Some(g) {
                if minimum.take().is_some() {
                    self.create(brk, &mut best);
                }
                group = Some(g);
            }
            if r >= self.pending_from {
                // Its line would hold nothing: not a line yet.
                self.next.push(r);
                continue;
            }
            let node = &self.nodes[r];
            // Lines from `easy_line` on have one measure: ask once.
            let n = node.line.min(self.easy_line);
            if measure.0 != n {
                measure = (n, (self.width)(n));
            }
            let line = self.totals.since(node.after, brk.width);
            let fit = fit(line, measure.1, settings.extra_stretch);
            let hyphens = if brk.flagged { node.hyphens + 1 } else { 0 };
            if brk.last && node.flagged && self.params.final_hyphen_last_resort && !settings.last {
                // A last line starting with the end of a word: not before
                // the last pass.
                continue;
            }
            if limit > 0 && hyphens > limit && fit.badness <= INF_BAD && !forced {
                // One hyphen too many: no line from here to there, but
                // the node may still reach a later break.
                self.next.push(r);
                continue;
            }
            let mut artificial = false;
            let stays = if fit.badness > INF_BAD || forced {
                if fit.badness > settings.threshold {
                    // TeX §854: the last node standing makes its line anyway.
                    // (TeX also zeroes the demerits of a feasible line here;
                    // it is the only candidate either way.)
                    let alone = self.next.is_empty() && k + 1 == active.len();
                    if !(settings.last && minimum.is_none() && alone) {
                        continue;
                    }
                    artificial = true;
                }
                false
            } else if fit.badness > settings.threshold {
                self.next.push(r);
                continue;
            } else {
                true
            };
            let d = node.demerits
                + if artificial {
                    0.0
                } else {
                    self.demerits(brk, node, &fit)
                };
            let slot = &mut best[Self::slot(fit.fitness, hyphens, limit)];
            if slot.is_none_or(|c| d <= c.demerits) {
                *slot = Some(Candidate {
                    demerits: d,
                    hyphens,
                    from: r,
                    line: node.line,
                    fit,
                    artificial,
                });
            }
            minimum = Some(minimum.map_or(d, |m: f64| m.min(d)));
            if stays {
                self.next.push(r);
            }
        }
        if minimum.is_some() {
            self.create(brk, &mut best);
        }
        self.best = best;
        self.active = std::mem::replace(&mut self.next, active);
    }

    /// The demerits of the line from `node` to `brk` (TeX §859).
    fn demerits(&self, brk: &Break, node: &Node, fit: &Fit) -> f64 {
        let p = self.params;
        let base = p.line_penalty + fit.badness;
        let mut d = if base.abs() >= HUGE_LINE {
            HUGE_LINE_DEMERITS
        } else {
            base * base
        };
        if brk.cost > 0.0 {
            d += brk.cost * brk.cost;
        } else if brk.cost < 0.0 && brk.cost > EJECT_PENALTY {
            d -= brk.cost * brk.cost;
        }
        if node.flagged {
            if brk.last {
                d += p.final_hyphen_demerits;
            } else if brk.flagged {
                d += p.double_hyphen_demerits;
            }
        }
        if (fit.fitness as i32 - node.fit.fitness as i32).abs() > 1 {
            d += p.adj_demerits;
        }
        d
    }

    /// Where the best candidate of a fitness class and hyphen run is kept:
    /// lines that differ in either can go on differently. Without a limit
    /// every run counts the same.
    fn slot(fitness: Fitness, hyphens: u32, limit: u32) -> usize {
        let run = if limit == 0 { 0 } else { hyphens.min(limit) };
        run as usize * FITNESSES.len() + fitness as usize
    }

    /// New active nodes at `brk` for the candidates within `adj_demerits`
    /// of the group's best (TeX §836), in fitness order. A candidate ending
    /// a longer hyphen run can do no more than one with a shorter run, so
    /// it is measured against the best with a run as long or shorter.
    fn create(&mut self, brk: &Break, best: &mut [Option<Candidate>]) {
        let adj = self.params.adj_demerits.abs();
        // The least demerits of a candidate with a run ≤ the index.
        let mut within = std::mem::take(&mut self.within);
        within.clear();
        let mut least = f64::INFINITY;
        for run in best.chunks(FITNESSES.len()) {
            for c in run.iter().flatten() {
                least = least.min(c.demerits);
            }
            within.push(least);
        }
        for fitness in FITNESSES {
            for (run, &least) in within.iter().enumerate() {
                let Some(c) = best[run * FITNESSES.len() + fitness as usize].take() else {
                    continue;
                };
                if c.demerits > least + adj {
                    continue;
                }
                self.next.push(self.nodes.len());
                self.nodes.push(Node {
                    pos: brk.pos,
                    start: brk.pos,
                    after: Sums::default(),
                    line: c.line + 1,
                    flagged: brk.flagged,
                    hyphens: c.hyphens,
                    demerits: c.demerits,
                    prev: Some(c.from),
                    fit: c.fit,
                    artificial: c.artificial,
                });
            }
        }
        self.within = within;
    }

    /// After a [`Breaker::run`], the best node at the paragraph end,
    /// honouring `looseness` as TeX §873–875: the line count closest to
    /// optimal + looseness (never past it), ties by demerits, the earlier
    /// node on equal demerits; and whether it has the asked looseness.
    fn choose(&self, looseness: i32) -> Option<(usize, bool)> {
        let end = self.end;
        let at_end = || {
            self.active
                .iter()
                .copied()
                .filter(|&r| self.nodes[r].pos == end)
        };
        let mut best: Option<usize> = None;
        for r in at_end() {
            if best.is_none_or(|b| self.nodes[r].demerits < self.nodes[b].demerits) {
                best = Some(r);
            }
        }
        let best = best?;
        let looseness = i64::from(looseness);
        if looseness == 0 {
            return Some((best, true));
        }
        let best_line = self.nodes[best].line as i64;
        let (mut chosen, mut actual) = (best, 0);
        for r in at_end() {
            let diff = self.nodes[r].line as i64 - best_line;
            let closer =
                (diff < actual && looseness <= diff) || (diff > actual && looseness >= diff);
            if closer || (diff == actual && self.nodes[r].demerits < self.nodes[chosen].demerits) {
                chosen = r;
                actual = diff;
            }
        }
        Some((chosen, actual == looseness))
    }

    /// The lines ending at `last` and its predecessors.
    fn collect(&self, last: usize, pass: Pass) -> Breaking {
        let mut lines = Vec::with_capacity(self.nodes[last].line);
        let mut artificial = false;
        let mut k = last;
        while let Some(prev) = self.nodes[k].prev {
            let node = &self.nodes[k];
            artificial |= node.artificial;
            lines.push(Line {
                start: self.nodes[prev].start,
                end: node.pos,
                ratio: node.fit.ratio,
                badness: node.fit.set_badness,
                hyphenated: node.flagged,
                overfull: node.fit.overfull,
            });
            k = prev;
        }
        lines.reverse();
        let pass = if artificial { Pass::Overfull } else { pass };
        Breaking {
            lines,
            pass,
            demerits: self.nodes[last].demerits,
        }
    }
}

/// First fit: every line takes as much as can be shrunk into its measure,
/// breaking at the last legal break before that (or the first one after, if
/// none fits). The fallback when no pass yields a breaking; O(items).
fn first_fit(items: &[Item], width: &dyn Fn(usize) -> f64) -> Vec<Line> {
    let end = match items.last() {
        Some(&Item::Penalty { cost, .. }) if cost <= EJECT_PENALTY => items.len() - 1,
        _ => items.len(),
    };
    let mut lines = Vec::new();
    let mut start = 0;
    loop {
        let measure = width(lines.len());
        let mut sums = Sums::default();
        let mut candidate: Option<(usize, Sums)> = None;
        let mut i = start;
        let (pos, line) = loop {
            if i >= items.len() {
                break (items.len(), sums);
            }
            let item = &items[i];
            let (legal, forced, penalty_width) = match *item {
                Item::Box { .. } => (false, false, 0.0),
                Item::Glue { .. } => (
                    i > start && matches!(items[i - 1], Item::Box { .. }),
                    false,
                    0.0,
                ),
                Item::Penalty { width, cost, .. } => {
                    (cost < INF_PENALTY, cost <= EJECT_PENALTY, width)
                }
            };
            if legal {
                let line = sums.since(Sums::default(), penalty_width);
                let fits = line.width - line.shrink <= measure;
                match candidate {
                    Some(c) if !fits => break c,
                    _ if forced => break (i, line),
                    _ if !fits => break (i, line),
                    _ => candidate = Some((i, line)),
                }
            }
            sums.add(item);
            i += 1;
        };
        let fit = fit(line, measure, 0.0);
        let hyphenated = matches!(items.get(pos), Some(Item::Penalty { flagged: true, .. }));
        lines.push(Line {
            start,
            end: pos,
            ratio: fit.ratio,
            badness: fit.set_badness,
            hyphenated,
            overfull: fit.overfull,
        });
        if pos >= end {
            return lines;
        }
        start = pos + 1;
        while items.get(start).is_some_and(|item| match *item {
            Item::Box { .. } => false,
            Item::Glue { .. } => true,
            Item::Penalty { cost, .. } => cost > EJECT_PENALTY,
        }) {
            start += 1;
        }
    }
}
