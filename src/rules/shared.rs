//! V006–V010, A005: the responsibilities SPEC §5 calls shared. Exposure is validated by
//! security and the system's team together, monitoring after a fix is split between them,
//! the owning team makes the change, and the service owner is consulted before a delay.

use super::approvals::team_id;
use super::{Code, Rule, about_record};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::{Error, Warning};
use crate::model::{
    Doc, Exposure, ExposureReview, Finding, Function, L, Model, RemediationStatus, Requirement,
    Team, control_of,
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

/// A record as the exposure rules see it.
struct Reviewed<'a> {
    doc: &'a Doc,
    service: &'a L<String>,
    finding: &'a L<Finding>,
    review: &'a L<ExposureReview>,
}

/// Every record (Exceptions, then Remediations) with its exposure review.
fn reviewed<'a>(m: &Model<'a>) -> impl Iterator<Item = Reviewed<'a>> + use<'a> {
    let exceptions = m.exceptions().map(|(doc, e)| Reviewed {
        doc,
        service: &e.service,
        finding: &e.finding,
        review: &e.exposure_review,
    });
    let remediations = m.remediations().map(|(doc, r)| Reviewed {
        doc,
        service: &r.service,
        finding: &r.finding,
        review: &r.exposure_review,
    });
    exceptions.chain(remediations)
}

/// A person reference that resolves and is not a member of the team: (the reference, the
/// team's id). Unresolved people (R002) and teams (R001) are not judged here.
fn outsider<'p, 'a>(
    m: &Model<'a>,
    person: &'p L<String>,
    team: Option<(&'a str, &Team<'a>)>,
) -> Option<(&'p str, &'a str)> {
    let r = person.get()?;
    let p = m.person(r)?;
    let (id, team) = team?;
    (!team.members.contains(&p)).then_some((r.as_str(), id))
}

/// The record's service's team for a function, with its id.
fn service_team<'m, 'a>(
    m: &'m Model<'a>,
    doc: &Doc,
    function: Function,
) -> Option<(&'a str, &'m Team<'a>)> {
    let team = m.owner_team(doc, function)?;
    Some((team_id(m, team.doc), team))
}

/// The facts of a diagnostic about a person who is not in the team the rule asks for.
fn outside(
    d: Diagnostic,
    key: &'static str,
    person: &str,
    team: &str,
    control: Option<&String>,
) -> Diagnostic {
    d.id_fact(key, person)
        .id_fact("team", team)
        .id_fact_opt("control", control.map(String::as_str))
}

fn exposure_unreviewed(m: &Model, out: &mut Vec<Diagnostic>) {
    for rec in reviewed(m) {
        let claimed = rec.finding.get().and_then(|f| f.stated_exposure());
        match rec.review.get() {
            None => {
                if let Some(exposure) = claimed.filter(|e| *e != Exposure::Internet) {
                    let msg = format!(
                        "exposure `{}` lowers the finding's urgency, but no `exposure_review` records who established it",
                        exposure.name()
                    );
                    let ptr = "/spec/finding/exposure";
                    let d = Diagnostic::at(Code::V006, rec.doc, ptr, msg);
                    let d = about_record(d, rec.service, rec.finding)
                        .id_fact("exposure", exposure.name());
                    out.push(d);
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
                    let ptr = "/spec/exposure_review/system";
                    let d = Diagnostic::at(Code::V006, rec.doc, ptr, msg)
                        .with_related("/spec/exposure_review/security", "the same person");
                    let d = about_record(d, rec.service, rec.finding)
                        .id_fact("system", system.as_str())
                        .id_fact("security", security.as_str())
                        .id_fact_opt("exposure", claimed.map(|e| e.name()));
                    out.push(d);
                }
            }
        }
    }
}

fn exposure_reviewer_role(m: &Model, out: &mut Vec<Diagnostic>) {
    for rec in reviewed(m) {
        let Some(r) = rec.review.get() else { continue };
        let security = service_team(m, rec.doc, Function::Security);
        if let Some((who, team)) = outsider(m, &r.security, security) {
            let msg = format!(
                "exposure reviewer `{who}` is not a member of `{team}`, the service's security owner"
            );
            let d = Diagnostic::at(Code::V007, rec.doc, "/spec/exposure_review/security", msg);
            let d = about_record(d, rec.service, rec.finding);
            out.push(outside(d, "reviewer", who, team, None).id_fact("role", "security"));
        }
        if let Some((who, team)) = outsider(m, &r.system, m.executing_team(rec.doc)) {
            let msg = format!(
                "exposure reviewer `{who}` is not a member of `{team}`, the team that operates the system"
            );
            let d = Diagnostic::at(Code::V007, rec.doc, "/spec/exposure_review/system", msg);
            let d = about_record(d, rec.service, rec.finding);
            let d = outside(d, "reviewer", who, team, control_of(rec.doc));
            out.push(d.id_fact("role", "system"));
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
        let Some(tier) = m.tier_of(doc) else {
            continue;
        };
        let Some(days) = tier.monitoring_days.get().map(|d| d.get()) else {
            continue;
        };
        let tier_id = tier.id.get().map_or("?", String::as_str);
        let about = |d: Diagnostic| {
            about_record(d, &r.service, &r.finding)
                .id_fact("tier", tier_id)
                .fact("monitoring_days", days)
        };
        let Some(watch) = r.monitoring.get() else {
            let msg = format!(
                "{status} without `monitoring`, which tier `{tier_id}` requires for {} after the fix",
                super::days(days)
            );
            let d = Diagnostic::at(Code::V008, doc, "/spec/status", msg);
            out.push(about(d).fact("status", status));
            continue;
        };
        let (Some(&until), Some(&completed)) = (watch.until.get(), r.completed_on.get()) else {
            continue;
        };
        let Some(needed) = completed.plus(days) else {
            continue;
        };
        if until < needed {
            let msg = format!(
                "monitoring ends on {until}, before {needed}: tier `{tier_id}` requires {} after completion on {completed}",
                super::days(days)
            );
            let d = Diagnostic::at(Code::V008, doc, "/spec/monitoring/until", msg);
            let d = about(d)
                .fact("until", until.to_string())
                .fact("completed_on", completed.to_string())
                .fact("needed_until", needed.to_string());
            out.push(d);
        }
    }
}

fn monitoring_owner_role(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r) in m.remediations() {
        let Some(watch) = r.monitoring.get() else {
            continue;
        };
        let security = service_team(m, doc, Function::Security);
        if let Some((who, team)) = outsider(m, &watch.security, security) {
            let msg = format!(
                "`{who}` watches for attacker pressure but is not a member of `{team}`, the service's security owner"
            );
            let d = Diagnostic::at(Code::V009, doc, "/spec/monitoring/security", msg);
            let d = about_record(d, &r.service, &r.finding);
            out.push(outside(d, "person", who, team, None).id_fact("role", "security"));
        }
        if let Some((who, team)) = outsider(m, &watch.owner, m.executing_team(doc)) {
            let msg = format!(
                "`{who}` watches for rollback and drift but is not a member of `{team}`, the team that operates the system"
            );
            let d = Diagnostic::at(Code::V009, doc, "/spec/monitoring/owner", msg);
            let d = about_record(d, &r.service, &r.finding);
            let d = outside(d, "person", who, team, r.control.get());
            out.push(d.id_fact("role", "owner"));
        }
    }
}

fn implementer_outside_executing_team(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r) in m.remediations() {
        let Some(status) = done(&r.status) else {
            continue;
        };
        if let Some((who, team)) = outsider(m, &r.implemented_by, m.executing_team(doc)) {
            let msg = format!(
                "implementer `{who}` is not a member of `{team}`, the team that operates the system and owns the change"
            );
            let d = Diagnostic::at(Code::V010, doc, "/spec/implemented_by", msg);
            let d = about_record(d, &r.service, &r.finding);
            let d = outside(d, "implementer", who, team, r.control.get());
            out.push(d.fact("status", status));
        }
    }
}

fn service_owner_not_consulted(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.tier_of(doc) else {
            continue;
        };
        let required = tier.exceptions.get().and_then(|x| x.service_signoff.get())
            == Some(&Requirement::Required);
        if !required || !tier.exceptions_allowed() {
            continue; // E004 says it all when exceptions are not allowed
        }
        let service = service_team(m, doc, Function::Service);
        let Some((requester, team)) = outsider(m, &e.requested_by, service) else {
            continue; // the service owner asked, or nobody can tell (R001, R002)
        };
        let tier_id = tier.id.get().map_or("?", String::as_str);
        let about = |d: Diagnostic| {
            about_record(d, &e.service, &e.finding)
                .id_fact("requester", requester)
                .id_fact("team", team)
                .id_fact("tier", tier_id)
        };
        match e.service_signoff.get() {
            None => {
                let msg = format!(
                    "requested by `{requester}`, who is not in `{team}`, the service owner, and tier `{tier_id}` requires the service owner's `service_signoff`"
                );
                out.push(about(Diagnostic::at(
                    Code::A005,
                    doc,
                    "/spec/requested_by",
                    msg,
                )));
            }
            Some(s) => {
                if let Some((by, _)) = outsider(m, &s.by, service) {
                    let msg = format!(
                        "service sign-off by `{by}`, who is not a member of `{team}`, the service owner"
                    );
                    let d = Diagnostic::at(Code::A005, doc, "/spec/service_signoff/by", msg);
                    out.push(about(d).id_fact("signed_off_by", by));
                }
            }
        }
    }
}
