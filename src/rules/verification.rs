//! V001–V005: closure is proven with evidence and verified independently of whoever claimed
//! the fix.

use super::approvals::team_id;
use super::{Code, Rule, about_record};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::Error;
use crate::model::{Function, Model, RemediationStatus, Requirement, none_listed};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::V001,
        name: "self-verification",
        severity: Error,
        doc: include_str!("docs/V001.md"),
        check: Some(self_verification),
    },
    Rule {
        code: Code::V002,
        name: "verifier-in-execution-team",
        severity: Error,
        doc: include_str!("docs/V002.md"),
        check: Some(verifier_in_execution_team),
    },
    Rule {
        code: Code::V003,
        name: "verifier-not-validation-owner",
        severity: Error,
        doc: include_str!("docs/V003.md"),
        check: Some(verifier_not_validation_owner),
    },
    Rule {
        code: Code::V004,
        name: "closed-without-verification",
        severity: Error,
        doc: include_str!("docs/V004.md"),
        check: Some(closed_without_verification),
    },
    Rule {
        code: Code::V005,
        name: "missing-evidence",
        severity: Error,
        doc: include_str!("docs/V005.md"),
        check: Some(missing_evidence),
    },
];

const VERIFIER: &str = "/spec/verification/by";

fn self_verification(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r) in m.remediations() {
        let Some(v) = r.verification() else { continue };
        let (Some(by), Some(implementer)) = (v.by.get(), r.implemented_by.get()) else {
            continue;
        };
        let (Some(vp), Some(ip)) = (m.person(by), m.person(implementer)) else {
            continue;
        };
        if vp == ip {
            let msg = if by == implementer {
                format!("`{by}` verifies their own fix")
            } else {
                format!(
                    "verifier `{by}` is the implementer `{implementer}`: nobody may verify their own fix"
                )
            };
            let d = Diagnostic::at(Code::V001, doc, VERIFIER, msg)
                .with_related("/spec/implemented_by", "implemented by the same person");
            let d = about_record(d, &r.service, &r.finding)
                .id_fact("verifier", by.as_str())
                .id_fact("implementer", implementer.as_str());
            out.push(d);
        }
    }
}

/// Which team the verifier is judged against: the record's executing team (§5: the
/// control's remediation owner for a routed record), or its service's validation owner.
#[derive(Clone, Copy, PartialEq)]
enum Against {
    Executing,
    Validation,
}

fn verifier_membership(
    m: &Model,
    out: &mut Vec<Diagnostic>,
    against: Against,
    report_member: bool,
    code: Code,
    message: impl Fn(&str, &str) -> String,
) {
    for (doc, r) in m.remediations() {
        let Some(v) = r.verification() else { continue };
        let Some(by) = v.by.get() else { continue };
        let Some(p) = m.person(by) else { continue };
        let team = match against {
            Against::Executing => m.executing_team(doc).map(|(_, t)| t),
            Against::Validation => m.owner_team(doc, Function::Validation),
        };
        let Some(team) = team else {
            continue;
        };
        if team.members.contains(&p) == report_member {
            let team_id = team_id(m, team.doc);
            let routed = r.control.get().filter(|_| against == Against::Executing);
            let d = Diagnostic::at(code, doc, VERIFIER, message(by, team_id));
            let d = about_record(d, &r.service, &r.finding)
                .id_fact("verifier", by.as_str())
                .id_fact("team", team_id)
                .id_fact_opt("control", routed.map(String::as_str));
            out.push(d);
        }
    }
}

fn verifier_in_execution_team(m: &Model, out: &mut Vec<Diagnostic>) {
    verifier_membership(m, out, Against::Executing, true, Code::V002, |by, team| {
        format!("verifier `{by}` is a member of `{team}`, the team that made the fix")
    });
}

fn verifier_not_validation_owner(m: &Model, out: &mut Vec<Diagnostic>) {
    verifier_membership(
        m,
        out,
        Against::Validation,
        false,
        Code::V003,
        |by, team| {
            format!("verifier `{by}` is not a member of `{team}`, the service's validation owner")
        },
    );
}

fn closed_without_verification(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r) in m.remediations() {
        if r.status.get() != Some(&RemediationStatus::Closed) || r.verification.is_some() {
            continue;
        }
        let Some(tier) = m.tier_of(doc) else {
            continue;
        };
        if tier.verification.get() == Some(&Requirement::Required) {
            let msg = format!(
                "closed without a recorded verification, which tier `{}` requires",
                tier.id.get().map_or("?", String::as_str)
            );
            let d = Diagnostic::at(Code::V004, doc, "/spec/status", msg);
            let d = about_record(d, &r.service, &r.finding)
                .id_fact_opt("tier", tier.id.get().map(String::as_str));
            out.push(d);
        }
    }
}

fn missing_evidence(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r) in m.remediations() {
        let status = match r.status.get() {
            Some(RemediationStatus::Completed) => "completed",
            Some(RemediationStatus::Closed) => "closed",
            _ => continue,
        };
        if none_listed(&r.evidence) {
            let msg = format!("marked {status} with no evidence of the fix");
            let d = Diagnostic::at(Code::V005, doc, "/spec/status", msg);
            let d = about_record(d, &r.service, &r.finding).fact("status", status);
            out.push(d);
        }
    }
}
