//! E001–E008: exceptions are time-bound, within the tier's limits, and dates tell a
//! consistent story.

use std::collections::HashMap;

use super::{Code, Rule, about_record, days};
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
            let ago = m.today.days_since(*expires);
            let msg = format!(
                "expired on {expires}, {} ago: the risk is no longer accepted; renew it with a new approval or revoke it",
                days(ago)
            );
            let d = Diagnostic::at(Code::E001, doc, "/spec/expires", msg);
            let d = about_record(d, &e.service, &e.finding)
                .fact("expires", expires.to_string())
                .fact("days_expired", ago);
            out.push(d);
        }
    }
}

fn expiring(m: &Model, out: &mut Vec<Diagnostic>) {
    let warn = m.expiry_warning_days();
    for (doc, e) in m.exceptions() {
        let Some(expires) = e.expires.get() else {
            continue;
        };
        let left = expires.days_since(m.today);
        if e.active() && (0..=warn).contains(&left) {
            let msg = match left {
                0 => format!("expires today ({expires})"),
                1 => format!("expires tomorrow ({expires})"),
                n => format!("expires in {n} days ({expires})"),
            };
            let d = Diagnostic::at(Code::E002, doc, "/spec/expires", msg);
            let d = about_record(d, &e.service, &e.finding)
                .fact("expires", expires.to_string())
                .fact("days_left", left)
                .fact_opt("risk_owner", m.risk_owner(doc));
            out.push(d);
        }
    }
}

fn too_long(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.tier_of(doc) else {
            continue;
        };
        if !tier.exceptions_allowed() {
            continue; // E004
        }
        let max = tier
            .exceptions
            .get()
            .and_then(|x| x.max_days.get())
            .map(|d| d.get());
        let (Some(max), Some(granted), Some(expires)) = (max, e.granted_on(), e.expires.get())
        else {
            continue;
        };
        let window = expires.days_since(granted);
        if window > max {
            let msg = format!(
                "granted on {granted} until {expires}: {}, more than the {} tier `{}` allows",
                days(window),
                days(max),
                tier.id.get().map_or("?", String::as_str)
            );
            let d = Diagnostic::at(Code::E003, doc, "/spec/expires", msg);
            let d = about_record(d, &e.service, &e.finding)
                .id_fact_opt("tier", tier.id.get().map(String::as_str))
                .fact("granted_on", granted.to_string())
                .fact("expires", expires.to_string())
                .fact("window_days", window)
                .fact("max_days", max);
            out.push(d);
        }
    }
}

fn not_allowed(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.tier_of(doc) else {
            continue;
        };
        if !tier.exceptions_allowed() {
            let msg = format!(
                "tier `{}` allows no exceptions: this finding must be fixed within its deadline",
                tier.id.get().map_or("?", String::as_str)
            );
            let d = Diagnostic::at(Code::E004, doc, "/spec/finding", msg);
            let d = about_record(d, &e.service, &e.finding)
                .id_fact_opt("tier", tier.id.get().map(String::as_str));
            out.push(d);
        }
    }
}

fn missing_compensating_controls(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, e) in m.exceptions() {
        let Some(tier) = m.tier_of(doc) else {
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
            let d = Diagnostic::at(Code::E005, doc, "/spec/finding", msg);
            let d = about_record(d, &e.service, &e.finding)
                .id_fact_opt("tier", tier.id.get().map(String::as_str));
            out.push(d);
        }
    }
}

/// E006 on the date at `pointer`: `order` names the contradiction, `dates` the two dates.
fn contradiction(
    d: Diagnostic,
    order: &'static str,
    dates: [(&'static str, Date); 2],
) -> Diagnostic {
    let [(k1, d1), (k2, d2)] = dates;
    d.id_fact("order", order)
        .fact(k1, d1.to_string())
        .fact(k2, d2.to_string())
}

fn date_order(m: &Model, out: &mut Vec<Diagnostic>) {
    let today = m.today;
    // Whose service does not resolve has no date checks either: R003 says it all.
    let resolved = |doc| m.resolved(doc).is_some();
    for (doc, e) in m.exceptions().filter(|(doc, _)| resolved(doc)) {
        let at = |pointer: &str, msg: String| {
            about_record(
                Diagnostic::at(Code::E006, doc, pointer, msg),
                &e.service,
                &e.finding,
            )
        };
        let requested = e.requested_on.get();
        for (i, a) in items(&e.approvals) {
            let Some(&on) = a.on.get() else { continue };
            let ptr = format!("/spec/approvals/{i}/on");
            if let Some(&req) = requested.filter(|r| on < **r) {
                let msg = format!("approved on {on}, before it was requested on {req}");
                let dates = [("approved_on", on), ("requested_on", req)];
                out.push(contradiction(
                    at(&ptr, msg),
                    "approved_before_requested",
                    dates,
                ));
            } else if on > today {
                let msg = format!("approval dated {on}, after today ({today})");
                let dates = [("approved_on", on), ("today", today)];
                out.push(contradiction(at(&ptr, msg), "approved_after_today", dates));
            }
        }
        if let (Some(granted), Some(&expires)) = (e.granted_on(), e.expires.get())
            && expires <= granted
        {
            let msg = format!("expires on {expires}, not after it was granted on {granted}");
            let dates = [("expires", expires), ("granted_on", granted)];
            let d = at("/spec/expires", msg);
            out.push(contradiction(d, "expires_not_after_grant", dates));
        }
        // A review or sign-off dated after today records a decision not yet made (§5).
        if let Some(&on) = e.exposure_review.get().and_then(|r| r.on.get())
            && on > today
        {
            let msg = format!("exposure review dated {on}, after today ({today})");
            let dates = [("reviewed_on", on), ("today", today)];
            let d = at("/spec/exposure_review/on", msg);
            out.push(contradiction(d, "reviewed_after_today", dates));
        }
        if let Some(&on) = e.service_signoff.get().and_then(|s| s.on.get())
            && on > today
        {
            let msg = format!("service sign-off dated {on}, after today ({today})");
            let dates = [("signed_off_on", on), ("today", today)];
            let d = at("/spec/service_signoff/on", msg);
            out.push(contradiction(d, "signed_off_after_today", dates));
        }
    }
    for (doc, r) in m.remediations().filter(|(doc, _)| resolved(doc)) {
        let at = |pointer: &str, msg: String| {
            about_record(
                Diagnostic::at(Code::E006, doc, pointer, msg),
                &r.service,
                &r.finding,
            )
        };
        if let Some(&on) = r.exposure_review.get().and_then(|r| r.on.get())
            && on > today
        {
            let msg = format!("exposure review dated {on}, after today ({today})");
            let dates = [("reviewed_on", on), ("today", today)];
            let d = at("/spec/exposure_review/on", msg);
            out.push(contradiction(d, "reviewed_after_today", dates));
        }
        let completed = r.completed_on.get().copied();
        if let (Some(&found), Some(done)) = (r.found_on.get(), completed)
            && done < found
        {
            let msg = format!("completed on {done}, before the finding was found on {found}");
            let dates = [("completed_on", done), ("found_on", found)];
            let d = at("/spec/completed_on", msg);
            out.push(contradiction(d, "completed_before_found", dates));
        }
        let Some(on) = r.verification().and_then(|v| v.on.0) else {
            continue;
        };
        const AT: &str = "/spec/verification/on";
        if let Some(done) = completed.filter(|d| on < *d) {
            let msg = format!("verified on {on}, before the fix was completed on {done}");
            let dates = [("verified_on", on), ("completed_on", done)];
            out.push(contradiction(
                at(AT, msg),
                "verified_before_completed",
                dates,
            ));
        } else if on > today {
            let msg = format!("verification dated {on}, after today ({today})");
            let dates = [("verified_on", on), ("today", today)];
            out.push(contradiction(at(AT, msg), "verified_after_today", dates));
        }
    }
}

fn tier_mismatch(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, service, finding, _) in m.records() {
        let Some(declared) = m.resolved(doc).and_then(|r| r.declared) else {
            continue;
        };
        let (declared, Some(_)) = declared else {
            continue; // R004
        };
        let Some(governing) = m.tier_of(doc) else {
            continue;
        };
        let actual = governing.id.get().map_or("?", String::as_str);
        if declared != actual {
            let msg =
                format!("declared tier `{declared}`, but the finding matches tier `{actual}`");
            let d = Diagnostic::at(Code::E007, doc, "/spec/tier", msg);
            let d = about_record(d, service, finding)
                .id_fact("tier", declared)
                .id_fact_opt("matching_tier", governing.id.get().map(String::as_str));
            out.push(d);
        }
    }
}

fn duplicate_exception<'a>(m: &Model<'a>, out: &mut Vec<Diagnostic>) {
    // (service, upper-cased id or alias) -> the first covering exception that names it
    let mut first: HashMap<(&str, String), &'a Doc> = HashMap::new();
    for (doc, e) in m.exceptions() {
        if !e.covers(m.today) {
            continue;
        }
        let (Some(service), Some(finding)) = (e.service.get(), e.finding.get()) else {
            continue;
        };
        let key = |name: &str| (service.as_str(), name.to_ascii_uppercase());
        // The same finding by any id or alias (SPEC §5).
        let earlier = finding
            .names()
            .find_map(|name| Some((name, *first.get(&key(name))?)));
        if let Some((name, earlier)) = earlier {
            let earlier_id = earlier.id.as_deref().unwrap_or("?");
            let msg = format!(
                "exception `{earlier_id}` already covers {name} on `{service}`: one finding, one risk acceptance"
            );
            let d = Diagnostic::at(Code::E008, doc, "/metadata/id", msg).related_to(
                earlier,
                "/metadata/id",
                "the exception that already covers it",
            );
            let d = about_record(d, &e.service, &e.finding)
                .id_fact_opt("covered_by", earlier.id.as_deref());
            out.push(d);
        }
        for name in finding.names() {
            first.entry(key(name)).or_insert(doc);
        }
    }
}
