//! A001–A004: an exception is approved by the accountable risk owner, never by whoever asked
//! for the delay, and by as many people as its tier requires.

use std::collections::HashSet;

use super::{Code, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::Error;
use crate::model::{ExceptionSpec, Model, PersonId, Routing, Team, items};

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
                out.push(d);
            }
        }
    }
}

/// Approvers judged against a team of the record: its executing or its risk team (§5).
fn owner_membership_rule<'a>(
    m: &Model<'a>,
    out: &mut Vec<Diagnostic>,
    team_of: impl for<'m> Fn(&'m Model<'a>, Routing) -> Option<(&'a str, &'m Team<'a>)>,
    report: impl Fn(bool) -> bool,
    code: Code,
    message: impl Fn(&str, &str, &ExceptionSpec) -> String,
) {
    for (doc, e) in m.exceptions() {
        let Some((team_id, team)) = team_of(m, e.routing()) else {
            continue;
        };
        for (i, by, p) in approvers(m, e) {
            if report(team.members.contains(&p)) {
                out.push(Diagnostic::at(
                    code,
                    doc,
                    format!("/spec/approvals/{i}/by"),
                    message(by, team_id, e),
                ));
            }
        }
    }
}

pub(super) fn team_id<'a>(m: &Model<'a>, doc: usize) -> &'a str {
    m.docs[doc].id.as_deref().unwrap_or("?")
}

fn approver_in_execution_team(m: &Model, out: &mut Vec<Diagnostic>) {
    owner_membership_rule(
        m,
        out,
        Model::executing_team,
        |member| member,
        Code::A002,
        |by, team, _| {
            format!("approver `{by}` is a member of `{team}`, the team that asked for the delay")
        },
    );
}

fn approver_not_risk_owner(m: &Model, out: &mut Vec<Diagnostic>) {
    owner_membership_rule(
        m,
        out,
        Model::risk_team,
        |member| !member,
        Code::A003,
        |by, team, e| {
            let owner = match e.control.get() {
                Some(c) => format!("the risk owner of control `{c}`"),
                None => "the service's risk owner".into(),
            };
            format!("approver `{by}` is not a member of `{team}`, {owner}")
        },
    );
}

fn too_few_approvers(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.governing_tier(e.service.get(), &e.finding) else {
            continue;
        };
        let need = tier.min_approvers();
        let distinct = distinct_approvers(m, e);
        if (distinct as i64) < need {
            let msg = format!(
                "{distinct} distinct approver{} but tier `{}` requires {need}",
                if distinct == 1 { "" } else { "s" },
                tier.id.get().map_or("?", String::as_str)
            );
            out.push(Diagnostic::at(Code::A004, doc, "/spec/approvals", msg));
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
