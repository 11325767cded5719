//! R001–R006: every reference resolves, every id is unique, every identity is unambiguous.

use std::collections::HashMap;

use super::{Code, Rule, about_record, did_you_mean};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Level::Error;
use crate::model::{Body, Doc, ExposureReview, Function, Given, Governing, Model, items};
use crate::suggest::Suggest;

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
    let teams = Suggest::new(|| m.teams.keys().copied().collect());
    // `owner`: ("service" or "control", its id) when the reference is one of its owners.
    let check = |out: &mut Vec<Diagnostic>,
                 doc: &Doc,
                 pointer: String,
                 team: &str,
                 role: String,
                 owner: Owner| {
        if m.teams.contains_key(team) {
            return;
        }
        let suggestion = teams.closest(team);
        let msg = format!(
            "{role} `{team}` is not a known team{}",
            did_you_mean(suggestion)
        );
        let (what, id) = owner;
        let d = Diagnostic::at(Code::R001, doc, pointer, msg)
            .id_fact("team", team)
            .id_fact_opt(what, id)
            .fact("role", role)
            .fact_opt("suggestion", suggestion);
        out.push(d);
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
                            let owner = ("service", s.id.get().map(String::as_str));
                            check(out, doc, p, t, format!("{} owner", f.name()), owner);
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
                            let owner = ("control", c.id.get().map(String::as_str));
                            check(out, doc, p, t, format!("control {role} owner"), owner);
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
                            let suggestion = teams.closest(to);
                            let msg = format!(
                                "escalation target `{to}` is neither a known team nor a known person{}",
                                did_you_mean(suggestion)
                            );
                            let d = Diagnostic::at(Code::R001, doc, ptr, msg)
                                .id_fact("team", to.as_str())
                                .id_fact_opt("tier", t.id.get().map(String::as_str))
                                .fact("role", "escalation target")
                                .fact_opt("suggestion", suggestion);
                            out.push(d);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The service or control whose owners a reference names: the fact's key, and its id.
type Owner<'a> = (&'static str, Option<&'a str>);

fn unknown_person(m: &Model, out: &mut Vec<Diagnostic>) {
    let mut check = |doc: &Doc, pointer: String, r: Option<&String>, role: &str| {
        if let Some(r) = r
            && m.person(r).is_none()
        {
            let msg = format!("{role} `{r}` is not a known person");
            let d = Diagnostic::at(Code::R002, doc, pointer, msg)
                .id_fact("person", r.as_str())
                .fact("role", role);
            out.push(d);
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
                    check(doc, ptr, w.security.get(), "monitoring (security)");
                    let ptr = "/spec/monitoring/owner".into();
                    check(doc, ptr, w.owner.get(), "monitoring (owner)");
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
    check(doc, ptr, r.security.get(), "exposure reviewer (security)");
    let ptr = "/spec/exposure_review/system".into();
    check(doc, ptr, r.system.get(), "exposure reviewer (system)");
}

fn unknown_service(m: &Model, out: &mut Vec<Diagnostic>) {
    let mut check = |doc: &Doc, pointer: String, s: Option<&String>, control: Option<&String>| {
        if let Some(s) = s
            && !m.services.contains_key(s.as_str())
        {
            let msg = format!("service `{s}` is not in any OwnershipMap");
            let d = Diagnostic::at(Code::R003, doc, pointer, msg)
                .id_fact("service", s.as_str())
                .id_fact_opt("control", control.map(String::as_str));
            out.push(d);
        }
    };
    for doc in m.docs {
        match &doc.body {
            Body::OwnershipMap(o) => {
                for (i, c) in items(&o.controls) {
                    for (j, s) in items(&c.services) {
                        let ptr = format!("/spec/controls/{i}/services/{j}");
                        check(doc, ptr, Some(s), c.id.get());
                    }
                }
            }
            Body::Exception(e) => check(doc, "/spec/service".into(), e.service.get(), None),
            Body::Remediation(r) => check(doc, "/spec/service".into(), r.service.get(), None),
            _ => {}
        }
    }
}

fn unknown_tier(m: &Model, out: &mut Vec<Diagnostic>) {
    let tiers = Suggest::new(|| m.tier_ids().collect());
    for (doc, service, finding, _) in m.records() {
        let Some(r) = m.resolved(doc) else { continue };
        if let Some((t, None)) = r.declared {
            let suggestion = tiers.closest(t);
            let msg = format!(
                "tier `{t}` is not a tier of the SLA policy{}",
                did_you_mean(suggestion)
            );
            let d = Diagnostic::at(Code::R004, doc, "/spec/tier", msg);
            let d = about_record(d, service, finding)
                .id_fact("tier", t)
                .fact_opt("suggestion", suggestion);
            out.push(d);
        }
        if let Governing::NoTier = r.governing {
            let f = finding.get();
            let severity = f.and_then(|f| f.severity.get()).map(|s| s.name());
            let kev = f.is_some_and(|f| matches!(f.kev, Given::Valid(true)));
            let criticality = match r.service.criticality {
                Given::Valid(c) => Some(c.name()),
                _ => None,
            };
            let service_class = match criticality {
                Some(c) => format!("service criticality {c}"),
                None => "service without criticality".into(),
            };
            let exposure = f.and_then(|f| f.stated_exposure()).map(|e| e.name());
            let msg = format!(
                "the finding (severity {}{}{}, {service_class}) matches no tier of the SLA policy",
                severity.unwrap_or("?"),
                if kev { ", KEV" } else { "" },
                exposure.map_or(String::new(), |e| format!(", exposure {e}")),
            );
            let d = Diagnostic::at(Code::R004, doc, "/spec/finding", msg);
            let d = about_record(d, service, finding)
                .fact_opt("severity", severity)
                .fact("kev", kev)
                .fact_opt("criticality", criticality)
                .fact_opt("exposure", exposure);
            out.push(d);
        }
    }
}

/// Where an id is written: `/metadata/id`, or `/spec/<list>/<i>/id`. The pointer is spelled
/// out only for a duplicate, so the common case allocates nothing per id.
#[derive(Clone, Copy)]
enum IdAt {
    Metadata,
    Item(&'static str, usize),
}

impl IdAt {
    fn pointer(self) -> String {
        match self {
            IdAt::Metadata => "/metadata/id".into(),
            IdAt::Item(list, i) => format!("/spec/{list}/{i}/id"),
        }
    }
}

fn duplicate_id<'a>(m: &Model<'a>, out: &mut Vec<Diagnostic>) {
    // (kind, id) -> the first definition, in sorted document order.
    let mut seen: HashMap<(&'static str, &'a str), (&'a Doc, IdAt)> = HashMap::new();
    let mut check = |kind: &'static str, id: &'a str, doc: &'a Doc, at: IdAt| {
        let Some(&(first, first_at)) = seen.get(&(kind, id)) else {
            seen.insert((kind, id), (doc, at));
            return;
        };
        let what = match kind {
            "People" | "OwnershipMap" | "SlaPolicy" => format!("{kind} document"),
            "Team" => "team".into(),
            _ => kind.into(),
        };
        let first_file = m.paths.get(first.file).copied().unwrap_or("?");
        let first_ptr = first_at.pointer();
        let msg = format!("{what} id `{id}` is already defined in {first_file}");
        let d = Diagnostic::at(Code::R005, doc, at.pointer(), msg)
            .id_fact("kind", kind)
            .id_fact("id", id)
            .fact("first_file", first_file)
            .fact("first_pointer", first_ptr.as_str())
            .related_to(first, first_ptr, "first defined here");
        out.push(d);
    };
    for doc in m.docs {
        if let Some(id) = &doc.id {
            check(doc.kind().name(), id, doc, IdAt::Metadata);
        }
        match &doc.body {
            Body::People(p) => {
                for (i, person) in items(&p.people) {
                    if let Some(id) = person.id.get() {
                        check("person", id, doc, IdAt::Item("people", i));
                    }
                }
            }
            Body::OwnershipMap(o) => {
                for (i, s) in items(&o.services) {
                    if let Some(id) = s.id.get() {
                        check("service", id, doc, IdAt::Item("services", i));
                    }
                }
                for (i, c) in items(&o.controls) {
                    if let Some(id) = c.id.get() {
                        check("control", id, doc, IdAt::Item("controls", i));
                    }
                }
            }
            _ => {}
        }
    }
    // Tier ids are unique within each policy.
    for doc in m.docs {
        if let Body::SlaPolicy(p) = &doc.body {
            let mut tiers: HashMap<&str, String> = HashMap::new();
            for (i, t) in items(&p.tiers) {
                let Some(id) = t.id.get() else { continue };
                let ptr = format!("/spec/tiers/{i}/id");
                match tiers.get(id.as_str()) {
                    Some(first) => {
                        let msg = format!("tier id `{id}` is already defined in this policy");
                        let d = Diagnostic::at(Code::R005, doc, ptr, msg)
                            .id_fact("kind", "tier")
                            .id_fact("id", id.as_str())
                            .fact("first_file", m.paths.get(doc.file).copied().unwrap_or("?"))
                            .fact("first_pointer", first.as_str())
                            .with_related(first.as_str(), "first defined here");
                        out.push(d);
                    }
                    None => {
                        tiers.insert(id.as_str(), ptr);
                    }
                }
            }
        }
    }
}

/// The person entry that first claimed an e-mail or handle: its (document, entry) index,
/// id, document and pointer.
struct Claim<'a> {
    entry: (usize, usize),
    person: &'a str,
    doc: &'a Doc,
    pointer: String,
}

fn ambiguous_identity<'a>(m: &Model<'a>, out: &mut Vec<Diagnostic>) {
    // (kind, lowercased e-mail or handle) -> the person entry that first claimed it
    let mut owner: HashMap<(&str, String), Claim<'a>> = HashMap::new();
    for (d, doc) in m.docs.iter().enumerate() {
        let Body::People(p) = &doc.body else { continue };
        for (i, person) in items(&p.people) {
            let who = (d, i);
            let person_id = person.id.get().map_or("", String::as_str);
            let mut claim = |kind: &'static str, value: &str, pointer: String| {
                let key = (kind, value.to_lowercase());
                match owner.get(&key) {
                    Some(first) if first.entry != who => {
                        let msg = format!(
                            "{kind} `{value}` already belongs to person `{}`",
                            first.person
                        );
                        let d = Diagnostic::at(Code::R006, doc, pointer, msg)
                            .id_fact(if kind == "handle" { "handle" } else { "email" }, value)
                            .id_fact("person", person_id)
                            .id_fact("claimed_by", first.person)
                            .related_to(first.doc, first.pointer.as_str(), "claimed first here");
                        out.push(d);
                    }
                    Some(_) => {}
                    None => {
                        let claim = Claim {
                            entry: who,
                            person: person_id,
                            doc,
                            pointer,
                        };
                        owner.insert(key, claim);
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
