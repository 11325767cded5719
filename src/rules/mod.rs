//! The rule catalogue. Each family module declares its rules (code, name, default severity,
//! documentation, check) next to the code that implements them. Parse and schema rules have no
//! check function: the pipeline stage that detects them reports them.

use std::sync::LazyLock;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;

mod approvals;
mod deadlines;
mod exceptions;
mod findings;
mod git;
mod ownership;
mod parsing;
mod references;
mod sla;
mod suppressions;
mod verification;

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
    P001 P002 P003 P004
    S001
    R001 R002 R003 R004 R005 R006
    O001 O002 O003 O004 O005
    T001 T002 T003 T004 T005
    A001 A002 A003 A004
    V001 V002 V003 V004 V005
    E001 E002 E003 E004 E005 E006 E007 E008
    D001 D002
    G001 G002 G003
    X001 X002 X003 X004
    F001 F002 F003 F004
}

pub type Check = fn(&Model, &mut Vec<Diagnostic>);

pub struct Rule {
    pub code: Code,
    pub name: &'static str,
    pub severity: Severity,
    /// Markdown: what it checks, why, how to fix (with a before/after example).
    pub doc: &'static str,
    pub check: Option<Check>,
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
    ownership::RULES,
    sla::RULES,
    approvals::RULES,
    verification::RULES,
    exceptions::RULES,
    deadlines::RULES,
    git::RULES,
    suppressions::RULES,
    findings::RULES,
];

pub fn all() -> impl Iterator<Item = &'static Rule> {
    FAMILIES.iter().flat_map(|f| f.iter())
}

static BY_CODE: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    Code::ALL
        .iter()
        .filter_map(|c| all().find(|r| r.code == *c))
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

/// Runs every rule with a check over the model. Each rule reports independently; the caller
/// sorts the result.
pub fn run(model: &Model) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    all()
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
        let rules: Vec<_> = all().collect();
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
