//! `report --format markdown`: the report for a pull-request comment or a wiki page (GitHub
//! flavoured Markdown). Text from the repository is made inert ([`text`]); the only links are
//! the page's own `#service-…` anchors.

use std::fmt::Write;

use super::{Past, days};
use crate::date::Date;
use crate::model::Function;
use crate::render::human::must_hide;
use crate::report::{Contact, DiagRow, Escalation, Owner, Person, RecordHead, Report};

/// Text from the checked files, made inert in Markdown, also inside a table cell: no HTML,
/// emphasis, code span, link, heading, cell or line break. The step summary uses it too.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if must_hide(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const NONE: &str = "—";

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| NONE.to_string(), text)
}

fn date(d: Option<Date>) -> String {
    d.map_or_else(|| NONE.to_string(), |d| d.to_string())
}

fn person(p: &Person) -> String {
    let mut s = text(p.name.as_deref().unwrap_or(&p.reference));
    if p.id.is_none() {
        s.push_str(" (unknown person)");
    }
    if let Some(e) = &p.email {
        let _ = write!(s, " &lt;{}&gt;", text(e));
    }
    s
}

fn owner(o: Option<&Owner>) -> String {
    let Some(o) = o else { return NONE.into() };
    let mut s = match &o.name {
        Some(name) => format!("{} ({})", text(name), text(&o.team)),
        None => text(&o.team),
    };
    if !o.known {
        s.push_str(" (unknown team)");
    }
    if let Some(l) = &o.lead {
        let _ = write!(s, "<br>lead {}", person(l));
    }
    s
}

fn contact(c: &Contact) -> String {
    let mut s = text(c.who());
    if let Some(e) = &c.email {
        let _ = write!(s, " &lt;{}&gt;", text(e));
    }
    if let Some(team) = &c.team {
        let _ = write!(s, " (lead of {})", text(team));
    }
    s
}

fn service(h: &RecordHead) -> String {
    match (&h.service, &h.service_anchor) {
        (Some(s), Some(a)) => format!("[{}](#{a})", text(s)),
        (Some(s), None) => format!("{} (unknown service)", text(s)),
        _ => NONE.into(),
    }
}

fn finding(h: &RecordHead) -> String {
    let Some(f) = &h.finding else {
        return NONE.into();
    };
    let mut s = opt(f.id.as_deref());
    if let Some(sev) = f.severity {
        let _ = write!(s, " {sev}");
    }
    if f.kev {
        s.push_str(" KEV");
    }
    s
}

fn id(h: &RecordHead) -> String {
    format!("{}<br>{}", opt(h.id.as_deref()), text(&h.file))
}

/// Lines in one cell, or a dash when there are none.
fn lines(v: Vec<String>) -> String {
    if v.is_empty() {
        NONE.into()
    } else {
        v.join("<br>")
    }
}

fn diags(ds: &[DiagRow]) -> String {
    lines(
        ds.iter()
            .map(|d| format!("{} {}", d.code, text(&d.message)))
            .collect(),
    )
}

fn escalation(e: Option<&Escalation>) -> String {
    e.map_or_else(
        || NONE.into(),
        |e| format!("step {} (day {}, {})", e.step, e.after_days, e.on),
    )
}

fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        let _ = write!(out, " {c} |");
    }
    out.push('\n');
}

fn head(out: &mut String, titles: &[&str]) {
    row(
        out,
        &titles.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
    );
    row(out, &vec!["---".to_string(); titles.len()]);
}

/// A section of one table, or the sentence that says it is empty.
fn section<T>(
    out: &mut String,
    title: &str,
    empty: &str,
    titles: &[&str],
    items: &[T],
    cells: impl Fn(&T) -> Vec<String>,
) {
    let _ = write!(out, "\n## {title}\n\n");
    if items.is_empty() {
        out.push_str(empty);
        out.push('\n');
        return;
    }
    head(out, titles);
    for item in items {
        row(out, &cells(item));
    }
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    totals(&mut out, r);
    matrix(&mut out, r);
    controls(&mut out, r);
    exceptions(&mut out, r);
    queue(&mut out, r);
    verification(&mut out, r);
    diagnostics(&mut out, r);
    services(&mut out, r);
    out
}

/// The heading and the totals.
fn totals(out: &mut String, r: &Report) {
    let t = &r.totals;
    let (e, m) = (&t.exceptions, &t.remediations);
    let _ = write!(
        out,
        "# Vulnerability governance report\n\nAs of {} · {}\n\n## Totals\n\n\
         - **Exceptions:** {} ({} active, {} expiring soon, {} expired, {} revoked)\n\
         - **Remediations:** {} ({} open: {} overdue, {} escalated, {} covered; {} awaiting verification; {} closed)\n\
         - **Ownership:** {} services, {} controls, {} teams\n\
         - **Check:** {} files, {} documents: {} errors, {} warnings\n",
        r.today,
        r.generator,
        e.total,
        e.active,
        e.expiring,
        e.expired,
        e.revoked,
        m.total,
        m.open,
        m.overdue,
        m.escalated,
        m.covered,
        m.completed,
        m.closed,
        t.services,
        t.controls,
        t.teams,
        t.files,
        t.documents,
        t.errors,
        t.warnings,
    );
}

/// The ownership matrix: services by function.
fn matrix(out: &mut String, r: &Report) {
    out.push_str("\n## Ownership matrix\n\n");
    if r.services.is_empty() {
        out.push_str("No services are defined.\n");
    } else {
        head(
            out,
            &[
                "Service",
                "Security",
                "Execution",
                "Service owner",
                "Risk",
                "Validation",
                "Open",
                "Overdue",
            ],
        );
        for s in &r.services {
            let mut name = format!("[{}](#{})", text(&s.id), s.anchor);
            if let Some(n) = &s.name {
                let _ = write!(name, "<br>{}", text(n));
            }
            if let Some(c) = s.criticality {
                let _ = write!(name, "<br>{c}");
            }
            let mut cells = vec![name];
            cells.extend(Function::ALL.map(|f| owner(s.owners.of(f))));
            cells.push(s.records.open.to_string());
            cells.push(s.records.overdue.to_string());
            row(out, &cells);
        }
    }
}

/// Controls, one table per layer.
fn controls(out: &mut String, r: &Report) {
    out.push_str("\n## Controls by layer\n");
    if r.controls.is_empty() {
        out.push_str("\nNo controls are defined.\n");
    }
    let mut layer = None;
    for c in &r.controls {
        if layer != Some(&c.layer) {
            layer = Some(&c.layer);
            let _ = write!(out, "\n### {}\n\n", opt(c.layer.as_deref()));
            head(
                out,
                &[
                    "Control",
                    "Services",
                    "Control owner",
                    "Remediation owner",
                    "Risk owner",
                ],
            );
        }
        let services = c
            .services
            .iter()
            .map(|s| match &s.anchor {
                Some(a) => format!("[{}](#{a})", text(&s.id)),
                None => format!("{} (unknown service)", text(&s.id)),
            })
            .collect::<Vec<_>>()
            .join(", ");
        row(
            out,
            &[
                text(&c.id),
                services,
                owner(c.owners.control.as_ref()),
                owner(c.owners.remediation.as_ref()),
                owner(c.owners.risk.as_ref()),
            ],
        );
    }
}

/// The exception register, soonest to expire first.
fn exceptions(out: &mut String, r: &Report) {
    section(
        out,
        "Exception register",
        "No exceptions are recorded.",
        &[
            "Exception",
            "Service",
            "Finding",
            "Tier",
            "Requested by",
            "Approvers",
            "Granted on",
            "Expires",
            "Days left",
            "State",
            "Justification",
            "Diagnostics",
        ],
        &r.exceptions,
        |x| {
            let h = &x.head;
            let mut requested = x.requested_by.as_ref().map_or(NONE.into(), person);
            if let Some(on) = x.requested_on {
                let _ = write!(requested, "<br>on {on}");
            }
            let approvers = x
                .approvals
                .iter()
                .map(|a| format!("{} on {}", person(&a.by), date(a.on)))
                .collect();
            let mut justification = opt(x.justification.as_deref());
            for c in &x.compensating_controls {
                let _ = write!(justification, "<br>control: {}", text(c));
            }
            vec![
                id(h),
                service(h),
                finding(h),
                opt(h.tier.as_deref()),
                requested,
                lines(approvers),
                date(x.granted_on),
                date(x.expires),
                x.days_left.map_or(NONE.into(), |n| days(n, Past::Expired)),
                x.state.as_str().to_string(),
                justification,
                diags(&x.diagnostics),
            ]
        },
    );
}

/// The remediation queue, soonest due first.
fn queue(out: &mut String, r: &Report) {
    section(
        out,
        "Remediation queue",
        "No open remediations.",
        &[
            "Remediation",
            "Service",
            "Finding",
            "Tier",
            "Found on",
            "Due",
            "Days left",
            "State",
            "Escalation reached",
            "Call",
            "Next step",
            "Diagnostics",
        ],
        &r.open_remediations,
        |o| {
            let h = &o.head;
            let next = o.next_escalation.as_ref().map_or(NONE.into(), |n| {
                format!("{}<br>{}", escalation(Some(n)), contact(&n.call))
            });
            vec![
                id(h),
                service(h),
                finding(h),
                opt(h.tier.as_deref()),
                date(o.found_on),
                date(o.due),
                o.days_left.map_or(NONE.into(), |n| days(n, Past::Overdue)),
                o.state.as_str().to_string(),
                escalation(o.escalation.as_ref()),
                o.escalation
                    .as_ref()
                    .map_or(NONE.into(), |e| contact(&e.call)),
                next,
                diags(&o.diagnostics),
            ]
        },
    );
}

/// Completed remediations awaiting verification.
fn verification(out: &mut String, r: &Report) {
    section(
        out,
        "Completed, awaiting verification",
        "No completed remediations await verification.",
        &[
            "Remediation",
            "Service",
            "Finding",
            "Tier",
            "Implemented by",
            "Completed on",
            "Waiting",
            "Verification",
            "Verifier team",
            "Evidence",
            "Diagnostics",
        ],
        &r.awaiting_verification,
        |c| {
            let h = &c.head;
            let mut verification = if c.verification_required {
                "required".to_string()
            } else {
                "optional".to_string()
            };
            if let Some(v) = &c.verification {
                verification.push_str("<br>verified");
                if let Some(by) = &v.by {
                    let _ = write!(verification, " by {}", person(by));
                }
                if let Some(on) = v.on {
                    let _ = write!(verification, " on {on}");
                }
            }
            vec![
                id(h),
                service(h),
                finding(h),
                opt(h.tier.as_deref()),
                c.implemented_by.as_ref().map_or(NONE.into(), person),
                date(c.completed_on),
                c.days_waiting.map_or(NONE.into(), crate::rules::days),
                verification,
                owner(c.validation.as_ref()),
                lines(c.evidence.iter().map(|e| text(e)).collect()),
                diags(&c.diagnostics),
            ]
        },
    );
}

/// The diagnostics, as `check` reports them.
fn diagnostics(out: &mut String, r: &Report) {
    section(
        out,
        "Diagnostics",
        "No diagnostics: the repository checks clean.",
        &["Severity", "Rule", "Location", "Record", "Message"],
        &r.diagnostics,
        |d| {
            let mut location = text(&d.file);
            if let (Some(l), Some(c)) = (d.line, d.column) {
                let _ = write!(location, ":{l}:{c}");
            }
            vec![
                d.severity.to_string(),
                format!("{} {}", d.code, d.name),
                location,
                d.record
                    .as_ref()
                    .map_or(NONE.into(), |r| format!("{} {}", r.kind, text(&r.id))),
                text(&d.message),
            ]
        },
    );
}

/// A section per service, under its anchor.
fn services(out: &mut String, r: &Report) {
    out.push_str("\n## Services\n");
    for s in &r.services {
        let _ = write!(out, "\n<a id=\"{}\"></a>\n\n### {}", s.anchor, text(&s.id));
        if let Some(n) = &s.name {
            let _ = write!(out, " — {}", text(n));
        }
        if let Some(c) = s.criticality {
            let _ = write!(out, " ({c})");
        }
        let _ = write!(out, "\n\nDefined in {}.\n\n", text(&s.file));
        head(out, &["Function", "Team and lead"]);
        for f in Function::ALL {
            row(out, &[f.name().to_string(), owner(s.owners.of(f))]);
        }
        if !s.controls.is_empty() {
            let controls: Vec<String> = s.controls.iter().map(|c| text(c)).collect();
            let _ = write!(out, "\nControls: {}.\n", controls.join(", "));
        }
        out.push_str("\nOpen remediations:");
        if s.rows[1].is_empty() {
            out.push_str(" none.\n");
        } else {
            out.push('\n');
        }
        for &i in &s.rows[1] {
            let o = &r.open_remediations[i];
            let _ = write!(
                out,
                "- {} {}: due {}",
                opt(o.head.id.as_deref()),
                finding(&o.head),
                date(o.due)
            );
            if let Some(n) = o.days_left {
                let _ = write!(out, " ({})", days(n, Past::Overdue));
            }
            let _ = write!(out, ", {}", o.state.as_str());
            if let Some(e) = &o.escalation {
                let _ = write!(out, "; call {}", contact(&e.call));
            }
            out.push('\n');
        }
        out.push_str("\nExceptions:");
        if s.rows[0].is_empty() {
            out.push_str(" none.\n");
        } else {
            out.push('\n');
        }
        for &i in &s.rows[0] {
            let x = &r.exceptions[i];
            let _ = write!(
                out,
                "- {} {}: expires {}",
                opt(x.head.id.as_deref()),
                finding(&x.head),
                date(x.expires)
            );
            if let (Some(n), false) = (x.days_left, x.state.as_str() == "revoked") {
                let _ = write!(out, " ({})", days(n, Past::Expired));
            }
            let _ = writeln!(out, ", {}", x.state.as_str());
        }
    }
}
