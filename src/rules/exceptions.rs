//! E001–E008: exceptions are time-bound, within the tier's limits, and dates tell a
//! consistent story.

use std::collections::HashMap;

use super::{Code, Rule};
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::{Error, Warning};
use crate::model::{Doc, Model, Requirement, items, none_listed};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::E001,
        name: "exception-expired",
        severity: Error,
        doc: include_str!("docs/E001.md"),
        check: Some(expired),
    },
    Rule {
        code: Code::E002,
        name: "exception-expiring",
        severity: Warning,
        doc: include_str!("docs/E002.md"),
        check: Some(expiring),
    },
    Rule {
        code: Code::E003,
        name: "exception-too-long",
        severity: Error,
        doc: include_str!("docs/E003.md"),
        check: Some(too_long),
    },
    Rule {
        code: Code::E004,
        name: "exception-not-allowed",
        severity: Error,
        doc: include_str!("docs/E004.md"),
        check: Some(not_allowed),
    },
    Rule {
        code: Code::E005,
        name: "missing-compensating-controls",
        severity: Error,
        doc: include_str!("docs/E005.md"),
        check: Some(missing_compensating_controls),
    },
    Rule {
        code: Code::E006,
        name: "date-order",
        severity: Error,
        doc: include_str!("docs/E006.md"),
        check: Some(date_order),
    },
    Rule {
        code: Code::E007,
        name: "tier-mismatch",
        severity: Error,
        doc: include_str!("docs/E007.md"),
        check: Some(tier_mismatch),
    },
    Rule {
        code: Code::E008,
        name: "duplicate-exception",
        severity: Error,
        doc: include_str!("docs/E008.md"),
        check: Some(duplicate_exception),
    },
];

fn expired(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(expires) = e.expires.get() else {
            continue;
        };
        if e.active() && *expires < m.today {
            let msg = format!(
                "expired on {expires}, {} days ago: the risk is no longer accepted; renew it with a new approval or revoke it",
                m.today.0 - expires.0
            );
            out.push(Diagnostic::at(Code::E001, doc, "/spec/expires", msg));
        }
    }
}

fn expiring(m: &Model, out: &mut Vec<Diagnostic>) {
    let warn = m.expiry_warning_days();
    for (doc, e) in m.exceptions() {
        let Some(expires) = e.expires.get() else {
            continue;
        };
        let left = expires.0 - m.today.0;
        if e.active() && (0..=warn).contains(&left) {
            let msg = match left {
                0 => format!("expires today ({expires})"),
                1 => format!("expires tomorrow ({expires})"),
                n => format!("expires in {n} days ({expires})"),
            };
            out.push(Diagnostic::at(Code::E002, doc, "/spec/expires", msg));
        }
    }
}

fn too_long(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.governing_tier(e.service.get(), &e.finding) else {
            continue;
        };
        if !tier.exceptions_allowed() {
            continue; // E004
        }
        let max = tier
            .exceptions
            .get()
            .and_then(|x| x.max_days.get().copied());
        let (Some(max), Some(granted), Some(expires)) = (max, e.granted_on(), e.expires.get())
        else {
            continue;
        };
        let window = expires.0 - granted.0;
        if window > max {
            let msg = format!(
                "granted on {granted} until {expires}: {window} days, more than the {max} days tier `{}` allows",
                tier.id.get().map_or("?", String::as_str)
            );
            out.push(Diagnostic::at(Code::E003, doc, "/spec/expires", msg));
        }
    }
}

fn not_allowed(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.governing_tier(e.service.get(), &e.finding) else {
            continue;
        };
        if !tier.exceptions_allowed() {
            let msg = format!(
                "tier `{}` allows no exceptions: this finding must be fixed within its deadline",
                tier.id.get().map_or("?", String::as_str)
            );
            out.push(Diagnostic::at(Code::E004, doc, "/spec/finding", msg));
        }
    }
}

fn missing_compensating_controls(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.governing_tier(e.service.get(), &e.finding) else {
            continue;
        };
        let required = tier
            .exceptions
            .get()
            .and_then(|x| x.compensating_controls.get())
            == Some(&Requirement::Required);
        if tier.exceptions_allowed() && required && none_listed(&e.compensating_controls) {
            let msg = format!(
                "tier `{}` requires compensating controls while the risk is accepted, and none are listed",
                tier.id.get().map_or("?", String::as_str)
            );
            out.push(Diagnostic::at(Code::E005, doc, "/spec/finding", msg));
        }
    }
}

fn date_order(m: &Model, out: &mut Vec<Diagnostic>) {
    let today = m.today;
    for (doc, e) in m.exceptions() {
        let requested = e.requested_on.get();
        for (i, a) in items(&e.approvals) {
            let Some(on) = a.on.get() else { continue };
            let ptr = format!("/spec/approvals/{i}/on");
            if let Some(req) = requested.filter(|r| on < *r) {
                let msg = format!("approved on {on}, before it was requested on {req}");
                out.push(Diagnostic::at(Code::E006, doc, ptr, msg));
            } else if *on > today {
                let msg = format!("approval dated {on}, after today ({today})");
                out.push(Diagnostic::at(Code::E006, doc, ptr, msg));
            }
        }
        if let (Some(granted), Some(expires)) = (e.granted_on(), e.expires.get())
            && *expires <= granted
        {
            let msg = format!("expires on {expires}, not after it was granted on {granted}");
            out.push(Diagnostic::at(Code::E006, doc, "/spec/expires", msg));
        }
        let review = e.exposure_review.get().and_then(|r| r.on.get());
        not_after_today(
            m,
            out,
            doc,
            review,
            "/spec/exposure_review/on",
            "exposure review",
        );
        let signoff = e.service_signoff.get().and_then(|s| s.on.get());
        not_after_today(
            m,
            out,
            doc,
            signoff,
            "/spec/service_signoff/on",
            "service sign-off",
        );
    }
    for (doc, r) in m.remediations() {
        let review = r.exposure_review.get().and_then(|r| r.on.get());
        not_after_today(
            m,
            out,
            doc,
            review,
            "/spec/exposure_review/on",
            "exposure review",
        );
        let completed = r.completed_on.get();
        if let (Some(found), Some(done)) = (r.found_on.get(), completed)
            && done < found
        {
            let msg = format!("completed on {done}, before the finding was found on {found}");
            out.push(Diagnostic::at(Code::E006, doc, "/spec/completed_on", msg));
        }
        let Some(on) = r.verification().and_then(|v| v.on.0) else {
            continue;
        };
        if let Some(done) = completed.filter(|d| on < **d) {
            let msg = format!("verified on {on}, before the fix was completed on {done}");
            out.push(Diagnostic::at(
                Code::E006,
                doc,
                "/spec/verification/on",
                msg,
            ));
        } else if on > today {
            let msg = format!("verification dated {on}, after today ({today})");
            out.push(Diagnostic::at(
                Code::E006,
                doc,
                "/spec/verification/on",
                msg,
            ));
        }
    }
}

/// E006 for a review or sign-off dated after today: it records a decision not yet made.
fn not_after_today(
    m: &Model,
    out: &mut Vec<Diagnostic>,
    doc: &Doc,
    on: Option<&Date>,
    pointer: &str,
    what: &str,
) {
    if let Some(on) = on.filter(|on| **on > m.today) {
        let msg = format!("{what} dated {on}, after today ({})", m.today);
        out.push(Diagnostic::at(Code::E006, doc, pointer, msg));
    }
}

fn tier_mismatch(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, service, finding, tier) in m.records() {
        let Some(declared) = tier.get() else { continue };
        if m.tier_by_id(declared).is_none() {
            continue; // R004
        }
        let Some(governing) = m.governing_tier(service.get(), finding) else {
            continue;
        };
        let actual = governing.id.get().map_or("?", String::as_str);
        if declared != actual {
            let msg =
                format!("declared tier `{declared}`, but the finding matches tier `{actual}`");
            out.push(Diagnostic::at(Code::E007, doc, "/spec/tier", msg));
        }
    }
}

fn duplicate_exception(m: &Model, out: &mut Vec<Diagnostic>) {
    // (service, upper-cased id or alias) -> the first covering exception that names it
    let mut first: HashMap<(&str, String), &str> = HashMap::new();
    for (doc, e) in m.exceptions() {
        if !e.covers(m.today) {
            continue;
        }
        let (Some(service), Some(finding)) = (e.service.get(), e.finding.get()) else {
            continue;
        };
        let id = doc.id.as_deref().unwrap_or("?");
        let key = |name: &str| (service.as_str(), name.to_ascii_uppercase());
        // The same finding by any id or alias (SPEC §5).
        let earlier = finding
            .names()
            .find_map(|name| Some((name, *first.get(&key(name))?)));
        if let Some((name, earlier)) = earlier {
            let msg = format!(
                "exception `{earlier}` already covers {name} on `{service}`: one finding, one risk acceptance"
            );
            out.push(Diagnostic::at(Code::E008, doc, "/metadata/id", msg));
        }
        for name in finding.names() {
            first.entry(key(name)).or_insert(id);
        }
    }
}
