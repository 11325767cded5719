//! K001–K002: records agree with the CISA Known Exploited Vulnerabilities catalog. Without a
//! catalog (`kev_catalog` in the config, or `--kev-catalog`) both are silent.

use super::{Code, Rule, about_record, days};
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::{Error, Off};
use crate::kev::Catalog;
use crate::model::{Finding, Given, Model, RemediationStatus};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::K001,
        name: "kev-misclassified",
        severity: Error,
        doc: include_str!("docs/K001.md"),
        check: Some(misclassified),
    },
    Rule {
        code: Code::K002,
        name: "kev-due-date",
        severity: Off,
        doc: include_str!("docs/K002.md"),
        check: Some(due_date),
    },
];

/// The first of the finding's id and aliases that the catalog lists, with its due date.
fn listed<'f>(kev: &Catalog, f: &'f Finding) -> Option<(&'f str, Date)> {
    f.names().find_map(|n| Some((n, kev.due(n)?)))
}

/// How a message names the listed name: the id itself, or which alias of the id.
fn named(f: &Finding, name: &str) -> String {
    match f.id.get() {
        Some(id) if id == name => format!("`{name}`"),
        Some(id) => format!("`{id}` (alias `{name}`)"),
        None => format!("alias `{name}`"),
    }
}

fn misclassified(m: &Model, out: &mut Vec<Diagnostic>) {
    let Some(kev) = m.kev else { return };
    for (doc, service, finding, _) in m.records() {
        let Some(f) = finding.get() else { continue };
        if matches!(f.kev, Given::Valid(true)) {
            continue;
        }
        let Some((name, due)) = listed(kev, f) else {
            continue;
        };
        let (pointer, stated) = match f.kev {
            Given::Valid(_) => ("/spec/finding/kev", "says `kev: false`"),
            Given::Malformed => ("/spec/finding/kev", "does not say `kev: true`"),
            Given::Missing => ("/spec/finding", "does not say `kev: true`"),
        };
        let msg = format!(
            "{} is in the KEV catalog (due {due}), but the finding {stated}: it is judged by the tier of a vulnerability nobody is exploiting",
            named(f, name)
        );
        let d = Diagnostic::at(Code::K001, doc, pointer, msg);
        let d = about_record(d, service, finding)
            .id_fact("listed", name)
            .fact("due", due.to_string());
        out.push(d);
    }
}

fn due_date(m: &Model, out: &mut Vec<Diagnostic>) {
    let Some(kev) = m.kev else { return };
    for (doc, r) in m.remediations() {
        // Like D001: an open record whose service resolves (else R003 says it all).
        if r.status.get() != Some(&RemediationStatus::Open) || m.resolved(doc).is_none() {
            continue;
        }
        let Some(f) = r.finding.get() else { continue };
        let Some((name, due)) = listed(kev, f) else {
            continue;
        };
        if m.today <= due {
            continue;
        }
        if r.service.get().is_some_and(|s| m.covered(s, f)) {
            continue;
        }
        let late = m.today.days_since(due);
        let msg = format!(
            "{} is past its KEV due date {due} ({} ago), the federal remediation deadline, and no active exception covers it",
            named(f, name),
            days(late)
        );
        let d = Diagnostic::at(Code::K002, doc, "/spec/found_on", msg);
        let d = about_record(d, &r.service, &r.finding)
            .id_fact("listed", name)
            .fact("due", due.to_string())
            .fact("days_overdue", late);
        out.push(d);
    }
}
