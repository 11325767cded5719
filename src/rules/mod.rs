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
