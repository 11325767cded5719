//! D001–D002: open remediations meet their due date, and missed steps reach someone.

use serde_json::{Map, Value};

use super::{Code, Rule, about_record, days as days_text};
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
        let tier = m.tier_of(doc)?;
        Some((doc, r, tier, m.today.days_since(*found)))
    })
}

fn overdue(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r, tier, age) in pending(m) {
        let (Some(&days), Some(&found)) = (tier.remediate_within_days.get(), r.found_on.get())
        else {
            continue;
        };
        let days = days.get();
        if age > days
            && let Some(due) = found.plus(days)
        {
            let msg = format!(
                "due on {due} ({} for tier `{}`), {} overdue, and no active exception covers it",
                days_text(days),
                tier.id.get().map_or("?", String::as_str),
                days_text(age - days)
            );
            let d = Diagnostic::at(Code::D001, doc, "/spec/found_on", msg);
            let d = about_record(d, &r.service, &r.finding)
                .id_fact_opt("tier", tier.id.get().map(String::as_str))
                .fact("found_on", found.to_string())
                .fact("remediate_within_days", days)
                .fact("due", due.to_string())
                .fact("days_overdue", age - days);
            out.push(d);
        }
    }
}

fn escalation_due(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, r, tier, age) in pending(m) {
        let latest = items(&tier.escalation)
            .filter_map(|(_, s)| Some((s.after_days.get()?.get(), s.to.get()?)))
            .filter(|(after, _)| age >= *after)
            .max_by_key(|(after, _)| *after);
        if let Some((after, to)) = latest {
            let (contact, whom) = contact(m, to);
            let msg = format!(
                "open for {}, past the {after}-day escalation step: escalate to {whom}",
                days_text(age)
            );
            let d = Diagnostic::at(Code::D002, doc, "/spec/found_on", msg);
            // Which step is passed changes from day to day: the step and its contact are
            // information, not identity.
            let d = about_record(d, &r.service, &r.finding)
                .id_fact_opt("tier", tier.id.get().map(String::as_str))
                .fact_opt("found_on", r.found_on.get().map(ToString::to_string))
                .fact("days_open", age)
                .fact("after_days", after)
                .fact("escalate_to", contact);
            out.push(d);
        }
    }
}

/// Whom an escalation step names, as a fact and as text: a team and its lead, or a person;
/// with the person's name and first e-mail when People gives them.
fn contact(m: &Model, to: &str) -> (Value, String) {
    let mut fact = Map::new();
    fact.insert("to".into(), to.into());
    let team = m.teams.get(to);
    let reference = match team {
        Some(t) => t.spec.lead.get().map(String::as_str),
        None => Some(to),
    };
    let entry = reference
        .and_then(|r| m.person(r))
        .and_then(|p| m.person_entry(p));
    // The person by id when it resolves, else as the reference names them.
    let person = entry
        .and_then(|e| e.id.get())
        .map(String::as_str)
        .or(reference);
    let name = entry.and_then(|e| e.name.get());
    let email = entry.and_then(|e| items(&e.emails).next()).map(|(_, e)| e);
    let who = match (name, email) {
        (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
        (Some(n), None) => Some(n.clone()),
        (None, Some(e)) => Some(format!("<{e}>")),
        (None, None) => None,
    };
    let text = match (team, person) {
        (Some(_), Some(lead)) => {
            fact.insert("team".into(), to.into());
            fact.insert("lead".into(), lead.into());
            match &who {
                Some(w) => format!("team `{to}`, lead {w}"),
                None => format!("team `{to}`, lead `{lead}`"),
            }
        }
        (Some(_), None) => {
            fact.insert("team".into(), to.into());
            format!("team `{to}` (it has no lead)")
        }
        (None, person) => {
            if let Some(p) = person {
                fact.insert("person".into(), p.into());
            }
            match &who {
                Some(w) => format!("`{to}` ({w})"),
                None => format!("`{to}`"),
            }
        }
    };
    if let Some(n) = name {
        fact.insert("name".into(), n.as_str().into());
    }
    if let Some(e) = email {
        fact.insert("email".into(), e.as_str().into());
    }
    (Value::Object(fact), text)
}
