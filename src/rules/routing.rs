//! R007, O006, O007: a record routed through a control names a real control that covers its
//! service, and failures of a trust decision are routed to it (SPEC §5).

use super::{Code, Rule, about_record, did_you_mean};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Level::{Error, Warning};
use crate::model::{Category, Model, control_of, items};
use crate::suggest::Suggest;

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::R007,
        name: "unknown-control",
        severity: Error,
        doc: include_str!("docs/R007.md"),
        check: Some(unknown_control),
    },
    Rule {
        code: Code::O006,
        name: "control-not-on-service",
        severity: Error,
        doc: include_str!("docs/O006.md"),
        check: Some(control_not_on_service),
    },
    Rule {
        code: Code::O007,
        name: "trust-failure-not-routed",
        severity: Warning,
        doc: include_str!("docs/O007.md"),
        check: Some(trust_failure_not_routed),
    },
];

fn unknown_control(m: &Model, out: &mut Vec<Diagnostic>) {
    let controls = Suggest::new(|| m.controls.keys().copied().collect());
    for (doc, service, finding, _) in m.records() {
        if let Some(c) = control_of(doc)
            && !m.controls.contains_key(c.as_str())
        {
            let suggestion = controls.closest(c);
            let msg = format!(
                "control `{c}` is not in any OwnershipMap: nobody owns this record's trust decision{}",
                did_you_mean(suggestion)
            );
            let d = Diagnostic::at(Code::R007, doc, "/spec/control", msg);
            let d = about_record(d, service, finding)
                .id_fact("control", c.as_str())
                .fact_opt("suggestion", suggestion);
            out.push(d);
        }
    }
}

fn control_not_on_service(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, service_ref, finding, _) in m.records() {
        let (Some(service), Some(id)) = (service_ref.get(), control_of(doc)) else {
            continue;
        };
        let Some(c) = m.controls.get(id.as_str()) else {
            continue; // R007
        };
        if !m.services.contains_key(service.as_str()) {
            continue; // R003
        }
        let services: Vec<&str> = items(&c.services).map(|(_, s)| s.as_str()).collect();
        if !services.contains(&service.as_str()) {
            let msg = format!(
                "control `{id}` does not list service `{service}` in its `services`; the record is still routed to the control's owners"
            );
            let d = Diagnostic::at(Code::O006, doc, "/spec/control", msg);
            let d = about_record(d, service_ref, finding)
                .id_fact("control", id.as_str())
                .fact("control_services", services);
            out.push(d);
        }
    }
}

fn trust_failure_not_routed(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, service, finding, _) in m.records() {
        let Some(category) = finding.get().and_then(|f| f.category.get()) else {
            continue;
        };
        let trust = matches!(
            category,
            Category::Secret | Category::Identity | Category::Authorisation
        );
        if trust && control_of(doc).is_none() {
            let msg = format!(
                "category `{}` is the failure of a trust decision, but the record names no `control`: it is owned where that decision is made, not by the service where it showed up",
                category.name()
            );
            let d = Diagnostic::at(Code::O007, doc, "/spec/finding/category", msg);
            let d = about_record(d, service, finding).id_fact("category", category.name());
            out.push(d);
        }
    }
}
