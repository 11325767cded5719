//! The rule catalogue. Each family module declares its rules (code, name, default severity,
//! documentation, check) next to the code that implements them. Parse and schema rules have no
//! check function: the pipeline stage that detects them reports them.

use std::sync::LazyLock;

use crate::diagnostic::{Diagnostic, Level};
use crate::model::{Finding, L, Model};

mod approvals;
mod deadlines;
mod exceptions;
mod findings;
mod git;
mod kev;
mod ownership;
mod parsing;
mod references;
mod routing;
mod shared;
mod sla;
mod suppressions;
mod verification;

pub(crate) use deadlines::contact;

macro_rules! codes {
    ($($code:ident)*) => {
        /// Stable rule codes. Never renumber or reuse one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($code),* }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$code),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code)),* }
            }
        }
    };
}

codes! {
    P001 P002 P003 P004 P005
    S001
    R001 R002 R003 R004 R005 R006 R007
    O001 O002 O003 O004 O005 O006 O007
    T001 T002 T003 T004 T005
    A001 A002 A003 A004 A005
    V001 V002 V003 V004 V005 V006 V007 V008 V009 V010
    E001 E002 E003 E004 E005 E006 E007 E008
    D001 D002
    K001 K002
    G001 G002 G003 G004
    X001 X002 X003 X004
    F001 F002 F003 F004
}

pub(crate) type Check = fn(&Model, &mut Vec<Diagnostic>);

pub struct Rule {
    pub code: Code,
    pub name: &'static str,
    pub severity: Level,
    /// Markdown: what it checks, why, how to fix (with a before/after example).
    pub doc: &'static str,
    pub(crate) check: Option<Check>,
}

impl Rule {
    /// The one-sentence fix from the rule's documentation, used as the diagnostic's help.
    pub fn help(&self) -> &'static str {
        self.section("How to fix")
            .split("\n\n")
            .next()
            .map(str::trim)
            .unwrap_or("")
    }

    /// The body of the documentation's `## {heading}` section, trimmed ("" when absent).
    pub fn section(&self, heading: &str) -> &'static str {
        let Some((_, rest)) = self.doc.split_once(&format!("## {heading}\n")) else {
            return "";
        };
        rest.split("\n## ").next().unwrap_or(rest).trim()
    }
}

static FAMILIES: &[&[Rule]] = &[
    parsing::RULES,
    references::RULES,
    routing::RULES,
    ownership::RULES,
    sla::RULES,
    approvals::RULES,
    verification::RULES,
    shared::RULES,
    exceptions::RULES,
    deadlines::RULES,
    kev::RULES,
    git::RULES,
    suppressions::RULES,
    findings::RULES,
];

/// Every rule, in code order (`foureyes rules`, SARIF), whichever family declares it.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    BY_CODE.iter().copied()
}

static BY_CODE: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    let declared = || FAMILIES.iter().flat_map(|f| f.iter());
    Code::ALL
        .iter()
        .filter_map(|c| declared().find(|r| r.code == *c))
        .collect()
});

impl Code {
    pub fn rule(self) -> &'static Rule {
        BY_CODE[self as usize]
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

/// The facts every diagnostic about a record starts with: its service and finding id.
pub(crate) fn about_record(d: Diagnostic, service: &L<String>, finding: &L<Finding>) -> Diagnostic {
    let finding = finding.get().and_then(|f| f.id.get());
    d.id_fact_opt("service", service.get().map(String::as_str))
        .id_fact_opt("finding", finding.map(String::as_str))
}

/// Suggests, for an id that does not resolve, the closest valid one when it is close enough
/// to be a likely typo. The work is bounded: a hostile repository of many thousands of ids
/// gets no suggestions rather than a quadratic scan.
pub(crate) struct Suggest<'a, F> {
    /// The valid names, listed on first use: most runs have nothing to suggest.
    list: F,
    names: std::cell::OnceCell<Vec<&'a str>>,
    budget: std::cell::Cell<usize>,
}

/// Ids longer than this are not compared (valid ids have at most 128 characters, typos of
/// them are close in length).
const MAX_SUGGEST_CHARS: usize = 128;

impl<'a, F: Fn() -> Vec<&'a str>> Suggest<'a, F> {
    pub fn new(list: F) -> Self {
        Suggest {
            list,
            names: std::cell::OnceCell::new(),
            // String comparisons per rule run.
            budget: std::cell::Cell::new(20_000),
        }
    }

    pub fn closest(&self, wrong: &str) -> Option<&'a str> {
        let names = self.names.get_or_init(|| {
            let mut names = (self.list)();
            names.retain(|n| n.len() <= MAX_SUGGEST_CHARS);
            names.sort_unstable();
            names.dedup();
            names
        });
        let cost = names.len();
        if wrong.len() > MAX_SUGGEST_CHARS || cost > self.budget.get() {
            return None;
        }
        self.budget.set(self.budget.get() - cost);
        let mut best: Option<(f64, &str)> = None;
        for &n in names {
            let score = strsim::jaro_winkler(wrong, n)
                .max(strsim::normalized_damerau_levenshtein(wrong, n));
            // Names are sorted, so a tie keeps the first in order.
            if score >= 0.85 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, n));
            }
        }
        best.map(|(_, n)| n)
    }
}

/// "1 day", "3 days".
pub(crate) fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// "; did you mean `x`?" when there is a close name, else nothing.
pub(crate) fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// Runs every rule with a check over the model. Each rule reports independently; the caller
/// sorts the result.
/// Runs every rule with a check that `enabled` lets run (a rule turned off costs nothing).
pub(crate) fn run(model: &Model, enabled: impl Fn(Code) -> bool) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    all()
        .filter(|r| enabled(r.code))
        .filter_map(|r| r.check)
        .collect::<Vec<_>>()
        .par_iter()
        .flat_map_iter(|check| {
            let mut out = Vec::new();
            check(model, &mut out);
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn suggestions_are_close_names_within_a_bounded_amount_of_work() {
        let s = Suggest::new(|| vec!["platform-payments", "grc", "appsec"]);
        assert_eq!(s.closest("platform-payment"), Some("platform-payments"));
        assert_eq!(s.closest("apsec"), Some("appsec"));
        assert_eq!(s.closest("nobody"), None);
        // Each call costs one comparison per name: a budget of 20,000 gives up here.
        let many: Vec<String> = (0..30_000).map(|i| format!("team-{i}")).collect();
        let s = Suggest::new(|| many.iter().map(String::as_str).collect());
        assert_eq!(s.closest("team-1"), None);
        let some: Vec<String> = (0..1_000).map(|i| format!("team-{i}")).collect();
        let s = Suggest::new(|| some.iter().map(String::as_str).collect());
        let answered = (0..100).filter(|_| s.closest("team-12x").is_some()).count();
        assert_eq!(answered, 20);
    }

    #[test]
    fn every_code_has_exactly_one_rule_and_names_are_unique() {
        let rules: Vec<_> = FAMILIES.iter().flat_map(|f| f.iter()).collect();
        assert_eq!(rules.len(), Code::ALL.len());
        let codes: HashSet<_> = rules.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), Code::ALL.len());
        let names: HashSet<_> = rules.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), Code::ALL.len());
        for c in Code::ALL {
            assert_eq!(c.rule().code, *c);
            assert!(!c.rule().help().is_empty(), "{c:?} has no fix line");
        }
    }
}
