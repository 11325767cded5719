//! F001–F004: scanner findings held against the records. `foureyes findings`
//! ([`crate::findings`]) reports them, so they have no check over the model alone.

use super::{Code, Rule};
use crate::diagnostic::Level::{Error, Warning};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::F001,
        name: "untracked-finding",
        severity: Error,
        doc: include_str!("docs/F001.md"),
        check: None,
    },
    Rule {
        code: Code::F002,
        name: "fixed-but-detected",
        severity: Error,
        doc: include_str!("docs/F002.md"),
        check: None,
    },
    Rule {
        code: Code::F003,
        name: "severity-understated",
        severity: Error,
        doc: include_str!("docs/F003.md"),
        check: None,
    },
    Rule {
        code: Code::F004,
        name: "stale-exception",
        severity: Warning,
        doc: include_str!("docs/F004.md"),
        check: None,
    },
];
