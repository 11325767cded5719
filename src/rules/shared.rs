//! V006–V010, A005: the responsibilities SPEC §5 calls shared. Exposure is validated by
//! security and the system's team together, monitoring after a fix is split between them,
//! the owning team makes the change, and the service owner is consulted before a delay.

use super::approvals::team_id;
use super::{Code, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::{Error, Warning};
use crate::model::{
    Doc, Exposure, ExposureReview, Finding, Function, L, Model, RemediationStatus, Requirement,
    Routing, Team,
};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::V006,
        name: "exposure-unreviewed",
        severity: Error,
        doc: include_str!("docs/V006.md"),
        check: Some(exposure_unreviewed),
    },
    Rule {
        code: Code::V007,
        name: "exposure-reviewer-role",
        severity: Error,
        doc: include_str!("docs/V007.md"),
        check: Some(exposure_reviewer_role),
    },
    Rule {
        code: Code::V008,
        name: "monitoring-missing",
        severity: Error,
        doc: include_str!("docs/V008.md"),
        check: Some(monitoring_missing),
    },
    Rule {
        code: Code::V009,
        name: "monitoring-owner-role",
        severity: Error,
        doc: include_str!("docs/V009.md"),
        check: Some(monitoring_owner_role),
    },
    Rule {
        code: Code::V010,
        name: "implementer-outside-executing-team",
        severity: Warning,
        doc: include_str!("docs/V010.md"),
        check: Some(implementer_outside_executing_team),
    },
    Rule {
        code: Code::A005,
        name: "service-owner-not-consulted",
        severity: Error,
        doc: include_str!("docs/A005.md"),
        check: Some(service_owner_not_consulted),
    },
];

/// Every record with its finding, exposure review and routing.
fn reviewed<'a>(
    m: &Model<'a>,
) -> impl Iterator<Item = (&'a Doc, &'a L<Finding>, &'a L<ExposureReview>, Routing<'a>)> {
    let exceptions = m
        .exceptions()
        .map(|(d, e)| (d, &e.finding, &e.exposure_review, e.routing()));
    let remediations = m
        .remediations()
        .map(|(d, r)| (d, &r.finding, &r.exposure_review, r.routing()));
    exceptions.chain(remediations)
}

/// A person reference that resolves and is not a member of the team (the team, its id).
/// Unresolved people (R002) and teams (R001) are not judged here.
fn outsider<'t, 'a>(
    m: &Model<'a>,
    person: &L<String>,
    team: Option<(&'a str, &'t Team<'a>)>,
) -> Option<(&'a str, &'t Team<'a>)> {
    let p = m.person(person.get()?)?;
    let (id, team) = team?;
    (!team.members.contains(&p)).then_some((id, team))
}

/// The service's team for a function, with its id.
fn service_team<'m, 'a>(
    m: &'m Model<'a>,
    service: Option<&String>,
    function: Function,
) -> Option<(&'a str, &'m Team<'a>)> {
    let team = m.owner_team(service, function)?;
    Some((team_id(m, team.doc), team))
}

fn exposure_unreviewed(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, finding, review, _) in reviewed(m) {
        let claimed = finding.get().and_then(|f| f.exposure.get());
        match review.get() {
            None => {
                if let Some(exposure) = claimed.filter(|e| **e != Exposure::Internet) {
                    let msg = format!(
                        "exposure `{}` lowers the finding's urgency, but no `exposure_review` records who established it",
                        exposure.name()
                    );
                    out.push(Diagnostic::at(
                        Code::V006,
                        doc,
                        "/spec/finding/exposure",
                        msg,
                    ));
                }
            }
            Some(r) => {
                let (Some(security), Some(system)) = (r.security.get(), r.system.get()) else {
                    continue;
                };
                let (Some(a), Some(b)) = (m.person(security), m.person(system)) else {
                    continue; // R002
                };
                if a == b {
                    let msg = format!(
                        "the exposure review's system reviewer `{system}` is its security reviewer `{security}`: one person is not a shared review"
                    );
                    let d = Diagnostic::at(Code::V006, doc, "/spec/exposure_review/system", msg)
                        .with_related("/spec/exposure_review/security", "the same person");
                    out.push(d);
                }
            }
        }
    }
}

fn exposure_reviewer_role(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, _, review, routing) in reviewed(m) {
        let Some(r) = review.get() else { continue };
        let security = service_team(m, routing.service, Function::Security);
        if let Some((team, _)) = outsider(m, &r.security, security) {
            let msg = format!(
                "exposure reviewer `{}` is not a member of `{team}`, the service's security owner",
                r.security.get().map_or("", String::as_str)
            );
            let ptr = "/spec/exposure_review/security";
            out.push(Diagnostic::at(Code::V007, doc, ptr, msg));
        }
        if let Some((team, _)) = outsider(m, &r.system, m.executing_team(routing)) {
            let msg = format!(
                "exposure reviewer `{}` is not a member of `{team}`, the team that operates the system",
                r.system.get().map_or("", String::as_str)
            );
            let ptr = "/spec/exposure_review/system";
            out.push(Diagnostic::at(Code::V007, doc, ptr, msg));
        }
    }
}

/// Completed or closed, with the status's name.
fn done(status: &L<RemediationStatus>) -> Option<&'static str> {
    match status.get()? {
        RemediationStatus::Completed => Some("completed"),
        RemediationStatus::Closed => Some("closed"),
        RemediationStatus::Open => None,
    }
}

fn monitoring_missing(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r) in m.remediations() {
        let Some(status) = done(&r.status) else {
            continue;
        };
        let Some(tier) = m.governing_tier(r.service.get(), &r.finding) else {
            continue;
        };
        let Some(days) = tier.monitoring_days.get().copied() else {
            continue;
        };
        let tier_id = tier.id.get().map_or("?", String::as_str);
        let Some(watch) = r.monitoring.get() else {
            let msg = format!(
                "{status} without `monitoring`, which tier `{tier_id}` requires for {days} days after the fix"
            );
            out.push(Diagnostic::at(Code::V008, doc, "/spec/status", msg));
            continue;
        };
        let (Some(until), Some(completed)) = (watch.until.get(), r.completed_on.get()) else {
            continue;
        };
        let needed = completed.plus(days);
        if *until < needed {
            let msg = format!(
                "monitoring ends on {until}, before {needed}: tier `{tier_id}` requires {days} days after completion on {completed}"
            );
            out.push(Diagnostic::at(
                Code::V008,
                doc,
                "/spec/monitoring/until",
                msg,
            ));
        }
    }
}

fn monitoring_owner_role(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r) in m.remediations() {
        let Some(watch) = r.monitoring.get() else {
            continue;
        };
        let security = service_team(m, r.service.get(), Function::Security);
        if let Some((team, _)) = outsider(m, &watch.security, security) {
            let msg = format!(
                "`{}` watches for attacker pressure but is not a member of `{team}`, the service's security owner",
                watch.security.get().map_or("", String::as_str)
            );
            let ptr = "/spec/monitoring/security";
            out.push(Diagnostic::at(Code::V009, doc, ptr, msg));
        }
        if let Some((team, _)) = outsider(m, &watch.owner, m.executing_team(r.routing())) {
            let msg = format!(
                "`{}` watches for rollback and drift but is not a member of `{team}`, the team that operates the system",
                watch.owner.get().map_or("", String::as_str)
            );
            let ptr = "/spec/monitoring/owner";
            out.push(Diagnostic::at(Code::V009, doc, ptr, msg));
        }
    }
}

fn implementer_outside_executing_team(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r) in m.remediations() {
        if done(&r.status).is_none() {
            continue;
        }
        if let Some((team, _)) = outsider(m, &r.implemented_by, m.executing_team(r.routing())) {
            let msg = format!(
                "implementer `{}` is not a member of `{team}`, the team that operates the system and owns the change",
                r.implemented_by.get().map_or("", String::as_str)
            );
            out.push(Diagnostic::at(Code::V010, doc, "/spec/implemented_by", msg));
        }
    }
}

fn service_owner_not_consulted(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.governing_tier(e.service.get(), &e.finding) else {
            continue;
        };
        let required = tier.exceptions.get().and_then(|x| x.service_signoff.get())
            == Some(&Requirement::Required);
        if !required || !tier.exceptions_allowed() {
            continue; // E004 says it all when exceptions are not allowed
        }
        let service = service_team(m, e.service.get(), Function::Service);
        let Some((team, _)) = outsider(m, &e.requested_by, service) else {
            continue; // the service owner asked, or nobody can tell (R001, R002)
        };
        let tier_id = tier.id.get().map_or("?", String::as_str);
        match e.service_signoff.get() {
            None => {
                let msg = format!(
                    "requested by `{}`, who is not in `{team}`, the service owner, and tier `{tier_id}` requires the service owner's `service_signoff`",
                    e.requested_by.get().map_or("", String::as_str)
                );
                out.push(Diagnostic::at(Code::A005, doc, "/spec/requested_by", msg));
            }
            Some(s) => {
                if outsider(m, &s.by, service).is_some() {
                    let msg = format!(
                        "service sign-off by `{}`, who is not a member of `{team}`, the service owner",
                        s.by.get().map_or("", String::as_str)
                    );
                    let ptr = "/spec/service_signoff/by";
                    out.push(Diagnostic::at(Code::A005, doc, ptr, msg));
                }
            }
        }
    }
}
