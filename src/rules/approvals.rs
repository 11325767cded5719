//! A001–A004: an exception is approved by the accountable risk owner, never by whoever asked
//! for the delay, and by as many people as its tier requires.

use std::collections::HashSet;

use super::{Code, Rule, about_record};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::Error;
use crate::model::{ExceptionSpec, Model, PersonId, items};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::A001,
        name: "self-approval",
        severity: Error,
        doc: include_str!("docs/A001.md"),
        check: Some(self_approval),
    },
    Rule {
        code: Code::A002,
        name: "approver-in-execution-team",
        severity: Error,
        doc: include_str!("docs/A002.md"),
        check: Some(approver_in_execution_team),
    },
    Rule {
        code: Code::A003,
        name: "approver-not-risk-owner",
        severity: Error,
        doc: include_str!("docs/A003.md"),
        check: Some(approver_not_risk_owner),
    },
    Rule {
        code: Code::A004,
        name: "too-few-approvers",
        severity: Error,
        doc: include_str!("docs/A004.md"),
        check: Some(too_few_approvers),
    },
];

/// The approvals whose `by` resolves to a person: (index, reference, person).
fn approvers<'a>(
    m: &'a Model,
    e: &'a ExceptionSpec,
) -> impl Iterator<Item = (usize, &'a str, PersonId)> {
    items(&e.approvals).filter_map(|(i, a)| {
        let by = a.by.get()?;
        Some((i, by.as_str(), m.person(by)?))
    })
}

fn self_approval(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(requester) = e.requested_by.get() else {
            continue;
        };
        let Some(rp) = m.person(requester) else {
            continue;
        };
        for (i, by, p) in approvers(m, e) {
            if p == rp {
                let msg = if by == requester {
                    format!("`{by}` approves their own exception request")
                } else {
                    format!(
                        "`{by}` is the requester `{requester}`: nobody may approve their own request"
                    )
                };
                let d = Diagnostic::at(Code::A001, doc, format!("/spec/approvals/{i}/by"), msg)
                    .with_related("/spec/requested_by", "requested by the same person");
                let d = about_record(d, &e.service, &e.finding)
                    .id_fact("approver", by)
                    .id_fact("requester", requester.as_str());
                out.push(d);
            }
        }
    }
}

pub(super) fn team_id<'a>(m: &Model<'a>, doc: usize) -> &'a str {
    m.docs[doc].id.as_deref().unwrap_or("?")
}

fn approver_in_execution_team(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        // The executing team: the control's remediation owner for a routed record (§5).
        let Some((team_id, team)) = m.executing_team(doc) else {
            continue;
        };
        let requester = e.requested_by.get();
        let asked = requester
            .and_then(|r| m.person(r))
            .is_some_and(|p| team.members.contains(&p));
        for (i, by, p) in approvers(m, e) {
            if !team.members.contains(&p) {
                continue;
            }
            // Who asked for the delay is a fact of the record: say so only when it is true.
            let msg = if asked {
                format!(
                    "approver `{by}` is a member of `{team_id}`, the team that asked for the delay"
                )
            } else {
                format!(
                    "approver `{by}` is a member of `{team_id}`, the execution team that must fix the finding: it cannot accept its own delay"
                )
            };
            let d = Diagnostic::at(Code::A002, doc, format!("/spec/approvals/{i}/by"), msg);
            let d = about_record(d, &e.service, &e.finding)
                .id_fact("approver", by)
                .id_fact("team", team_id)
                .id_fact_opt("control", e.control.get().map(String::as_str))
                .fact_opt("requester", requester.map(String::as_str))
                .fact("requester_in_team", asked);
            out.push(d);
        }
    }
}

fn approver_not_risk_owner(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        // The risk team: the control's risk owner for a routed record (§5).
        let Some((team_id, team)) = m.risk_team(doc) else {
            continue;
        };
        let owner = match e.control.get() {
            Some(c) => format!("the risk owner of control `{c}`"),
            None => "the service's risk owner".into(),
        };
        for (i, by, p) in approvers(m, e) {
            if team.members.contains(&p) {
                continue;
            }
            let msg = format!("approver `{by}` is not a member of `{team_id}`, {owner}");
            let d = Diagnostic::at(Code::A003, doc, format!("/spec/approvals/{i}/by"), msg);
            let d = about_record(d, &e.service, &e.finding)
                .id_fact("approver", by)
                .id_fact("team", team_id)
                .id_fact_opt("control", e.control.get().map(String::as_str));
            out.push(d);
        }
    }
}

fn too_few_approvers(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.tier_of(doc) else {
            continue;
        };
        let need = tier.min_approvers();
        let distinct = distinct_approvers(m, e);
        if (distinct as i64) < need {
            let tier_id = tier.id.get().map_or("?", String::as_str);
            let msg = format!(
                "{distinct} distinct approver{} but tier `{tier_id}` requires {need}",
                if distinct == 1 { "" } else { "s" },
            );
            let d = Diagnostic::at(Code::A004, doc, "/spec/approvals", msg);
            let d = about_record(d, &e.service, &e.finding)
                .id_fact_opt("tier", tier.id.get().map(String::as_str))
                .fact("approvers", distinct)
                .fact("required", need);
            out.push(d);
        }
    }
}

/// Distinct approving persons; an unresolved reference (reported as R002) counts as itself.
fn distinct_approvers(m: &Model, e: &ExceptionSpec) -> usize {
    let mut people = HashSet::new();
    let mut unknown = HashSet::new();
    for (_, a) in items(&e.approvals) {
        let Some(by) = a.by.get() else { continue };
        match m.person(by) {
            Some(p) => {
                people.insert(p);
            }
            None => {
                unknown.insert(by.as_str());
            }
        }
    }
    people.len() + unknown.len()
}
