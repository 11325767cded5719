//! R001–R006: every reference resolves, every id is unique, every identity is unambiguous.

use std::collections::{HashMap, HashSet};

use super::{Code, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::Error;
use crate::model::{Body, Doc, ExposureReview, Function, Kind, Model, items};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::R001,
        name: "unknown-team",
        severity: Error,
        doc: include_str!("docs/R001.md"),
        check: Some(unknown_team),
    },
    Rule {
        code: Code::R002,
        name: "unknown-person",
        severity: Error,
        doc: include_str!("docs/R002.md"),
        check: Some(unknown_person),
    },
    Rule {
        code: Code::R003,
        name: "unknown-service",
        severity: Error,
        doc: include_str!("docs/R003.md"),
        check: Some(unknown_service),
    },
    Rule {
        code: Code::R004,
        name: "unknown-tier",
        severity: Error,
        doc: include_str!("docs/R004.md"),
        check: Some(unknown_tier),
    },
    Rule {
        code: Code::R005,
        name: "duplicate-id",
        severity: Error,
        doc: include_str!("docs/R005.md"),
        check: Some(duplicate_id),
    },
    Rule {
        code: Code::R006,
        name: "ambiguous-identity",
        severity: Error,
        doc: include_str!("docs/R006.md"),
        check: Some(ambiguous_identity),
    },
];

/// An escalation target is a team id, else a person reference.
fn escalation_target_resolves(m: &Model, to: &str) -> bool {
    m.teams.contains_key(to) || m.person(to).is_some()
}

fn unknown_team(m: &Model, out: &mut Vec<Diagnostic>) {
    let check = |out: &mut Vec<Diagnostic>, doc: &Doc, pointer: String, team: &str, role: &str| {
        if !m.teams.contains_key(team) {
            let msg = format!("{role} `{team}` is not a known team");
            out.push(Diagnostic::at(Code::R001, doc, pointer, msg));
        }
    };
    for doc in m.docs {
        match &doc.body {
            Body::OwnershipMap(o) => {
                for (i, s) in items(&o.services) {
                    let Some(owners) = s.owners.get() else {
                        continue;
                    };
                    for f in Function::ALL {
                        if let Some(t) = owners.of(f) {
                            let p = format!("/spec/services/{i}/owners/{}", f.name());
                            check(out, doc, p, t, &format!("{} owner", f.name()));
                        }
                    }
                }
                for (i, c) in items(&o.controls) {
                    let Some(owners) = c.owners.get() else {
                        continue;
                    };
                    for (role, t) in [
                        ("control", &owners.control),
                        ("remediation", &owners.remediation),
                        ("risk", &owners.risk),
                    ] {
                        if let Some(t) = t.get() {
                            let p = format!("/spec/controls/{i}/owners/{role}");
                            check(out, doc, p, t, &format!("control {role} owner"));
                        }
                    }
                }
            }
            Body::SlaPolicy(p) => {
                for (i, t) in items(&p.tiers) {
                    for (j, step) in items(&t.escalation) {
                        let Some(to) = step.to.get() else { continue };
                        if !to.contains('@') && !escalation_target_resolves(m, to) {
                            let ptr = format!("/spec/tiers/{i}/escalation/{j}/to");
                            let msg = format!(
                                "escalation target `{to}` is neither a known team nor a known person"
                            );
                            out.push(Diagnostic::at(Code::R001, doc, ptr, msg));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn unknown_person(m: &Model, out: &mut Vec<Diagnostic>) {
    let mut check = |doc: &Doc, pointer: String, r: Option<&String>, role: &str| {
        if let Some(r) = r
            && m.person(r).is_none()
        {
            let msg = format!("{role} `{r}` is not a known person");
            out.push(Diagnostic::at(Code::R002, doc, pointer, msg));
        }
    };
    for doc in m.docs {
        match &doc.body {
            Body::Team(t) => {
                for (i, r) in items(&t.members) {
                    check(doc, format!("/spec/members/{i}"), Some(r), "member");
                }
                check(doc, "/spec/lead".into(), t.lead.get(), "lead");
            }
            Body::SlaPolicy(p) => {
                for (i, t) in items(&p.tiers) {
                    for (j, step) in items(&t.escalation) {
                        let Some(to) = step.to.get() else { continue };
                        if to.contains('@') && !escalation_target_resolves(m, to) {
                            let ptr = format!("/spec/tiers/{i}/escalation/{j}/to");
                            check(doc, ptr, Some(to), "escalation target");
                        }
                    }
                }
            }
            Body::Exception(e) => {
                check(
                    doc,
                    "/spec/requested_by".into(),
                    e.requested_by.get(),
                    "requester",
                );
                for (i, a) in items(&e.approvals) {
                    check(
                        doc,
                        format!("/spec/approvals/{i}/by"),
                        a.by.get(),
                        "approver",
                    );
                }
                if let Some(s) = e.service_signoff.get() {
                    let ptr = "/spec/service_signoff/by".into();
                    check(doc, ptr, s.by.get(), "service owner");
                }
                if let Some(r) = e.exposure_review.get() {
                    check_review(&mut check, doc, r);
                }
            }
            Body::Remediation(r) => {
                check(
                    doc,
                    "/spec/implemented_by".into(),
                    r.implemented_by.get(),
                    "implementer",
                );
                if let Some(v) = r.verification() {
                    check(doc, "/spec/verification/by".into(), v.by.get(), "verifier");
                }
                if let Some(review) = r.exposure_review.get() {
                    check_review(&mut check, doc, review);
                }
                if let Some(w) = r.monitoring.get() {
                    let ptr = "/spec/monitoring/security".into();
                    check(doc, ptr, w.security.get(), "monitoring for security");
                    let ptr = "/spec/monitoring/owner".into();
                    check(doc, ptr, w.owner.get(), "monitoring for the owning team");
                }
            }
            _ => {}
        }
    }
}

fn check_review(
    check: &mut impl FnMut(&Doc, String, Option<&String>, &str),
    doc: &Doc,
    r: &ExposureReview,
) {
    let ptr = "/spec/exposure_review/security".into();
    check(doc, ptr, r.security.get(), "exposure reviewer for security");
    let ptr = "/spec/exposure_review/system".into();
    check(doc, ptr, r.system.get(), "exposure reviewer for the system");
}

fn unknown_service(m: &Model, out: &mut Vec<Diagnostic>) {
    let mut check = |doc: &Doc, pointer: String, s: Option<&String>| {
        if let Some(s) = s
            && !m.services.contains_key(s.as_str())
        {
            let msg = format!("service `{s}` is not in any OwnershipMap");
            out.push(Diagnostic::at(Code::R003, doc, pointer, msg));
        }
    };
    for doc in m.docs {
        match &doc.body {
            Body::OwnershipMap(o) => {
                for (i, c) in items(&o.controls) {
                    for (j, s) in items(&c.services) {
                        check(doc, format!("/spec/controls/{i}/services/{j}"), Some(s));
                    }
                }
            }
            Body::Exception(e) => check(doc, "/spec/service".into(), e.service.get()),
            Body::Remediation(r) => check(doc, "/spec/service".into(), r.service.get()),
            _ => {}
        }
    }
}

fn unknown_tier(m: &Model, out: &mut Vec<Diagnostic>) {
    if m.policy.is_none() {
        return; // T005 reports the missing policy once
    }
    for (doc, service, finding, tier) in m.records() {
        if let Some(t) = tier.get()
            && m.tier_by_id(t).is_none()
        {
            let msg = format!("tier `{t}` is not a tier of the SLA policy");
            out.push(Diagnostic::at(Code::R004, doc, "/spec/tier", msg));
        }
        let known_service = service
            .get()
            .is_some_and(|s| m.services.contains_key(s.as_str()));
        let key = finding.get().and_then(|f| f.key());
        if known_service && key.is_some() && m.governing_tier(service.get(), finding).is_none() {
            let msg = "the finding matches no tier of the SLA policy";
            out.push(Diagnostic::at(Code::R004, doc, "/spec/finding", msg));
        }
    }
}

fn duplicate_id(m: &Model, out: &mut Vec<Diagnostic>) {
    // (scope, id) pairs seen so far, in sorted document order.
    let mut seen = HashSet::new();
    let mut check = |scope: &'static str, id: &str, doc: &Doc, pointer: String| {
        if !seen.insert((scope, id.to_string())) {
            let msg = format!("{scope} id `{id}` is already defined");
            out.push(Diagnostic::at(Code::R005, doc, pointer, msg));
        }
    };
    for doc in m.docs {
        if let Some(id) = &doc.id {
            let scope = match doc.kind() {
                Kind::People => "People document",
                Kind::Team => "team",
                Kind::OwnershipMap => "OwnershipMap document",
                Kind::SlaPolicy => "SlaPolicy document",
                Kind::Exception => "Exception",
                Kind::Remediation => "Remediation",
            };
            check(scope, id, doc, "/metadata/id".into());
        }
        match &doc.body {
            Body::People(p) => {
                for (i, person) in items(&p.people) {
                    if let Some(id) = person.id.get() {
                        check("person", id, doc, format!("/spec/people/{i}/id"));
                    }
                }
            }
            Body::OwnershipMap(o) => {
                for (i, s) in items(&o.services) {
                    if let Some(id) = s.id.get() {
                        check("service", id, doc, format!("/spec/services/{i}/id"));
                    }
                }
                for (i, c) in items(&o.controls) {
                    if let Some(id) = c.id.get() {
                        check("control", id, doc, format!("/spec/controls/{i}/id"));
                    }
                }
            }
            _ => {}
        }
    }
    // Tier ids are unique within each policy.
    for doc in m.docs {
        if let Body::SlaPolicy(p) = &doc.body {
            let mut tiers = HashMap::new();
            for (i, t) in items(&p.tiers) {
                if let Some(id) = t.id.get()
                    && tiers.insert(id.as_str(), i).is_some()
                {
                    let msg = format!("tier id `{id}` is already defined in this policy");
                    let ptr = format!("/spec/tiers/{i}/id");
                    out.push(Diagnostic::at(Code::R005, doc, ptr, msg));
                }
            }
        }
    }
}

/// The person entry (document, index) that first claimed an e-mail or handle, and its id.
type Claim<'a> = ((usize, usize), &'a str);

fn ambiguous_identity(m: &Model, out: &mut Vec<Diagnostic>) {
    // (kind, lowercased e-mail or handle) -> the person entry that first claimed it, and its id
    let mut owner: HashMap<(&str, String), Claim> = HashMap::new();
    for (d, doc) in m.docs.iter().enumerate() {
        let Body::People(p) = &doc.body else { continue };
        for (i, person) in items(&p.people) {
            let who = (d, i);
            let person_id = person.id.get().map_or("", String::as_str);
            let mut claim = |kind: &'static str, value: &str, pointer: String| {
                let key = (kind, value.to_lowercase());
                match owner.get(&key) {
                    Some((first, first_id)) if *first != who => {
                        let msg =
                            format!("{kind} `{value}` already belongs to person `{first_id}`");
                        out.push(Diagnostic::at(Code::R006, doc, pointer, msg));
                    }
                    Some(_) => {}
                    None => {
                        owner.insert(key, (who, person_id));
                    }
                }
            };
            for (j, e) in items(&person.emails) {
                claim("e-mail", e, format!("/spec/people/{i}/emails/{j}"));
            }
            for (j, h) in items(&person.handles) {
                claim("handle", h, format!("/spec/people/{i}/handles/{j}"));
            }
        }
    }
}
