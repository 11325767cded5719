//! O001–O005: ownership follows function, and nobody marks their own homework.

use super::{Code, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::Error;
use crate::model::{Body, Function, Model, items};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::O001,
        name: "function-not-held",
        severity: Error,
        doc: include_str!("docs/O001.md"),
        check: Some(function_not_held),
    },
    Rule {
        code: Code::O002,
        name: "risk-owner-is-executor",
        severity: Error,
        doc: include_str!("docs/O002.md"),
        check: Some(risk_owner_is_executor),
    },
    Rule {
        code: Code::O003,
        name: "validator-is-executor",
        severity: Error,
        doc: include_str!("docs/O003.md"),
        check: Some(validator_is_executor),
    },
    Rule {
        code: Code::O004,
        name: "control-risk-is-remediator",
        severity: Error,
        doc: include_str!("docs/O004.md"),
        check: Some(control_risk_is_remediator),
    },
    Rule {
        code: Code::O005,
        name: "empty-team",
        severity: Error,
        doc: include_str!("docs/O005.md"),
        check: Some(empty_team),
    },
];

fn function_not_held(m: &Model, out: &mut Vec<Diagnostic>) {
    for doc in m.docs {
        let Body::OwnershipMap(o) = &doc.body else {
            continue;
        };
        for (i, s) in items(&o.services) {
            let Some(owners) = s.owners.get() else {
                continue;
            };
            for f in Function::ALL {
                let Some(team_id) = owners.of(f) else {
                    continue;
                };
                let Some(team) = m.teams.get(team_id.as_str()) else {
                    continue;
                };
                if !team.functions.contains(&f) {
                    let ptr = format!("/spec/services/{i}/owners/{}", f.name());
                    let msg = format!(
                        "team `{team_id}` owns the {} function here but does not list `{}` in its functions",
                        f.name(),
                        f.name()
                    );
                    let d = Diagnostic::at(Code::O001, doc, ptr, msg)
                        .id_fact_opt("service", s.id.get().map(String::as_str))
                        .id_fact("team", team_id.as_str())
                        .fact("function", f.name());
                    out.push(d);
                }
            }
        }
    }
}

/// Services whose `other` owner is the same team as their execution owner.
fn same_as_executor(m: &Model, out: &mut Vec<Diagnostic>, code: Code, other: Function, what: &str) {
    for doc in m.docs {
        let Body::OwnershipMap(o) = &doc.body else {
            continue;
        };
        for (i, s) in items(&o.services) {
            let Some(owners) = s.owners.get() else {
                continue;
            };
            if let (Some(x), Some(exec)) = (owners.of(other), owners.execution.get())
                && x == exec
            {
                let ptr = format!("/spec/services/{i}/owners/{}", other.name());
                let msg = format!("team `{x}` both executes the fixes and {what}");
                let d = Diagnostic::at(code, doc, ptr, msg)
                    .id_fact_opt("service", s.id.get().map(String::as_str))
                    .id_fact("team", x.as_str())
                    .with_related(
                        format!("/spec/services/{i}/owners/execution"),
                        "execution owner",
                    );
                out.push(d);
            }
        }
    }
}

fn risk_owner_is_executor(m: &Model, out: &mut Vec<Diagnostic>) {
    same_as_executor(
        m,
        out,
        Code::O002,
        Function::Risk,
        "approves the exceptions to them",
    );
}

fn validator_is_executor(m: &Model, out: &mut Vec<Diagnostic>) {
    same_as_executor(
        m,
        out,
        Code::O003,
        Function::Validation,
        "verifies their closure",
    );
}

fn control_risk_is_remediator(m: &Model, out: &mut Vec<Diagnostic>) {
    for doc in m.docs {
        let Body::OwnershipMap(o) = &doc.body else {
            continue;
        };
        for (i, c) in items(&o.controls) {
            let Some(owners) = c.owners.get() else {
                continue;
            };
            if let (Some(risk), Some(rem)) = (owners.risk.get(), owners.remediation.get())
                && risk == rem
            {
                let msg = format!("team `{risk}` both remediates the control and accepts its risk");
                let d = Diagnostic::at(
                    Code::O004,
                    doc,
                    format!("/spec/controls/{i}/owners/risk"),
                    msg,
                )
                .id_fact_opt("control", c.id.get().map(String::as_str))
                .id_fact("team", risk.as_str())
                .with_related(
                    format!("/spec/controls/{i}/owners/remediation"),
                    "remediation owner",
                );
                out.push(d);
            }
        }
    }
}

fn empty_team(m: &Model, out: &mut Vec<Diagnostic>) {
    for doc in m.docs {
        let Body::Team(t) = &doc.body else { continue };
        if t.members.get().is_some_and(|v| v.is_empty()) {
            let msg = format!(
                "team `{}` has no members: nobody can act for it",
                doc.id.as_deref().unwrap_or("?")
            );
            let d = Diagnostic::at(Code::O005, doc, "/spec/members", msg)
                .id_fact_opt("team", doc.id.as_deref());
            out.push(d);
        }
    }
}
