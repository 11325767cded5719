//! D001–D002: open remediations meet their due date, and missed steps reach someone.

use super::{Code, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::{Error, Warning};
use crate::model::{Model, RemediationSpec, RemediationStatus, Tier, items};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::D001,
        name: "overdue",
        severity: Error,
        doc: include_str!("docs/D001.md"),
        check: Some(overdue),
    },
    Rule {
        code: Code::D002,
        name: "escalation-due",
        severity: Warning,
        doc: include_str!("docs/D002.md"),
        check: Some(escalation_due),
    },
];

/// Open, uncovered remediations with their governing tier and age in days.
fn pending<'a>(
    m: &'a Model,
) -> impl Iterator<Item = (&'a crate::model::Doc, &'a RemediationSpec, &'a Tier, i64)> {
    m.remediations().filter_map(|(doc, r)| {
        if r.status.get() != Some(&RemediationStatus::Open) {
            return None;
        }
        let found = r.found_on.get()?;
        let service = r.service.get()?;
        if m.covered(service, r.finding.get()?) {
            return None;
        }
        let tier = m.governing_tier(Some(service), &r.finding)?;
        Some((doc, r, tier, m.today.0 - found.0))
    })
}

fn overdue(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r, tier, age) in pending(m) {
        let (Some(days), Some(found)) = (tier.remediate_within_days.get(), r.found_on.get()) else {
            continue;
        };
        if age > *days {
            let due = found.plus(*days);
            let msg = format!(
                "due on {due} ({days} days for tier `{}`), {} days overdue, and no active exception covers it",
                tier.id.get().map_or("?", String::as_str),
                age - days
            );
            out.push(Diagnostic::at(Code::D001, doc, "/spec/found_on", msg));
        }
    }
}

fn escalation_due(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, _, tier, age) in pending(m) {
        let latest = items(&tier.escalation)
            .filter_map(|(_, s)| Some((*s.after_days.get()?, s.to.get()?)))
            .filter(|(after, _)| age >= *after)
            .max_by_key(|(after, _)| *after);
        if let Some((after, to)) = latest {
            let msg = format!(
                "open for {age} days, past the {after}-day escalation step: escalate to `{to}`"
            );
            out.push(Diagnostic::at(Code::D002, doc, "/spec/found_on", msg));
        }
    }
}
