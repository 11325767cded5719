//! G001–G004: the repository's history and review routing back the documents up. G001, G002
//! and G004 compare the working tree's model with the base commit's ([`Model::base`], set in
//! pull-request mode) and are silent without one; G003 reads CODEOWNERS in every mode.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::{Code, Rule, about_record};
use crate::codeowners::{Codeowners, Entry, is_scm};
use crate::date::Date;
use crate::diagnostic::Level::Error;
use crate::diagnostic::{Diagnostic, Loc, Record, Severity};
use crate::model::{
    Approval, Body, Doc, ExceptionSpec, Exposure, Finding, Function, Given, Kind, L, Level4, Model,
    TeamSpec, items,
};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::G001,
        name: "extension-without-reapproval",
        severity: Error,
        doc: include_str!("docs/G001.md"),
        check: Some(extension_without_reapproval),
    },
    Rule {
        code: Code::G002,
        name: "record-deleted",
        severity: Error,
        doc: include_str!("docs/G002.md"),
        check: Some(record_deleted),
    },
    Rule {
        code: Code::G003,
        name: "codeowners-gap",
        severity: Error,
        doc: include_str!("docs/G003.md"),
        check: Some(codeowners_gap),
    },
    Rule {
        code: Code::G004,
        name: "finding-facts-rewritten",
        severity: Error,
        doc: include_str!("docs/G004.md"),
        check: Some(finding_facts_rewritten),
    },
];

/// The first document of each record id of `kind`, in file order (R005 reports the others).
/// A record that moved to another file is the same record, so a rename is no deletion.
fn records<'a>(m: &Model<'a>, kind: Kind) -> Vec<(&'a str, &'a Doc)> {
    let mut seen = HashSet::new();
    m.docs
        .iter()
        .filter(|d| d.kind() == kind)
        .filter_map(|d| Some((d.id.as_deref()?, d)))
        .filter(|(id, _)| seen.insert(*id))
        .collect()
}

/// The records of `kind` that exist on both sides: (id, base document, head document).
fn on_both_sides<'a>(m: &Model<'a>, kind: Kind) -> Vec<(&'a str, &'a Doc, &'a Doc)> {
    let Some(base) = m.base else {
        return Vec::new();
    };
    let at_base: HashMap<&str, &Doc> = records(base, kind).into_iter().collect();
    records(m, kind)
        .into_iter()
        .filter_map(|(id, head)| Some((id, *at_base.get(id)?, head)))
        .collect()
}

fn level(l: Level4) -> &'static str {
    match l {
        Level4::Critical => "critical",
        Level4::High => "high",
        Level4::Medium => "medium",
        Level4::Low => "low",
    }
}

/// A changed field: where it is now (its pointer, or its parent's when it was removed), its
/// name and values on both sides, and how to say it.
struct Change {
    pointer: &'static str,
    field: &'static str,
    from: String,
    to: String,
    text: String,
}

impl Change {
    fn new(pointer: &'static str, field: &'static str, from: String, to: String) -> Change {
        let text = format!("`{field}` changed from {from} to {to}");
        Change {
            pointer,
            field,
            from,
            to,
            text,
        }
    }

    fn fact(&self) -> Value {
        json!({"field": self.field, "from": self.from, "to": self.to})
    }
}

/// The ways a finding now asks for less urgency than at base: a lower severity, `kev` no
/// longer true, a lower exposure.
fn finding_eased(was: &L<Finding>, now: &L<Finding>, out: &mut Vec<Change>) {
    let (Some(was), Some(now)) = (was.get(), now.get()) else {
        return;
    };
    // Level4 lists the most severe first.
    if let (Some(&w), Some(&n)) = (was.severity.get(), now.severity.get())
        && (n as u8) > (w as u8)
    {
        let (w, n) = (level(w).to_string(), level(n).to_string());
        out.push(Change::new(
            "/spec/finding/severity",
            "finding.severity",
            w,
            n,
        ));
    }
    // A malformed `kev` now is S001's: it could be anything, so it is not judged here.
    let kev = match (&was.kev, &now.kev) {
        (Given::Valid(true), Given::Valid(false)) => Some(("/spec/finding/kev", "false")),
        (Given::Valid(true), Given::Missing) => Some(("/spec/finding", "absent (false)")),
        _ => None,
    };
    if let Some((pointer, to)) = kev {
        out.push(Change::new(
            pointer,
            "finding.kev",
            "true".into(),
            to.into(),
        ));
    }
    // Absent is internet, the worst case; a malformed one now is S001's, as for `kev`.
    let exposure = |f: &Finding| match f.exposure {
        Given::Valid(e) => Some(e),
        Given::Missing => Some(Exposure::Internet),
        Given::Malformed => None,
    };
    if let (Some(w), Some(n)) = (exposure(was), exposure(now))
        && n > w
    {
        let from = match was.exposure {
            Given::Missing => "absent (internet)".to_string(),
            _ => w.name().to_string(),
        };
        out.push(Change::new(
            "/spec/finding/exposure",
            "finding.exposure",
            from,
            n.name().into(),
        ));
    }
}

fn finding_id(f: &L<Finding>) -> Option<&String> {
    f.get()?.id.get()
}

/// Whether a record is still about the same finding: any id or alias equal, ASCII
/// case-insensitively (§5).
fn same_finding(was: &L<Finding>, now: &L<Finding>) -> bool {
    match (was.get(), now.get()) {
        (Some(w), Some(n)) if w.id.get().is_some() && n.id.get().is_some() => w.same_as(n),
        _ => true, // a missing id is S001, not another finding
    }
}

/// G001: an Exception that accepts more than at base needs a valid approval dated after every
/// approval it had there.
fn extension_without_reapproval(m: &Model, out: &mut Vec<Diagnostic>) {
    for (id, base_doc, doc) in on_both_sides(m, Kind::Exception) {
        let (Body::Exception(was), Body::Exception(now)) = (&base_doc.body, &doc.body) else {
            continue;
        };
        if !now.active() {
            continue; // a revoked exception accepts nothing, however it changed
        }
        let mut changes: Vec<Change> = Vec::new();
        if let (Some(w), Some(n)) = (was.expires.get(), now.expires.get())
            && n > w
        {
            let mut c = Change::new("/spec/expires", "expires", w.to_string(), n.to_string());
            c.text = format!("`expires` moved from {w} to {n}");
            changes.push(c);
        }
        if !was.active() {
            let (pointer, to) = match now.status.get() {
                Some(_) => ("/spec/status", "active"),
                None => ("/spec", "absent (active)"),
            };
            let mut c = Change::new(pointer, "status", "revoked".into(), to.into());
            c.text = "it was revoked at base and is active again".into();
            changes.push(c);
        }
        if let (Some(w), Some(n)) = (was.service.get(), now.service.get())
            && w != n
        {
            let mut c = Change::new("/spec/service", "service", w.clone(), n.clone());
            c.text = format!("`service` changed from `{w}` to `{n}`");
            changes.push(c);
        }
        if !same_finding(&was.finding, &now.finding) {
            let w = finding_id(&was.finding).cloned().unwrap_or_default();
            let n = finding_id(&now.finding).cloned().unwrap_or_default();
            let mut c = Change::new("/spec/finding/id", "finding.id", w, n);
            c.text = format!("`finding.id` changed from `{}` to `{}`", c.from, c.to);
            changes.push(c);
        }
        finding_eased(&was.finding, &now.finding, &mut changes);
        let Some(first) = changes.first() else {
            continue;
        };
        let latest = was.granted_on();
        let later = |a: &&Approval| a.on.get().is_some_and(|on| latest.is_none_or(|l| *on > l));
        let mut refused = Vec::new();
        let mut reapproved = false;
        for (_, a) in items(&now.approvals).filter(|(_, a)| later(a)) {
            match approval_flaw(m, doc, now, a) {
                None => reapproved = true,
                Some(flaw) => refused.push(flaw),
            }
        }
        if reapproved {
            continue;
        }
        let since = match latest {
            Some(l) => format!("no valid approval is dated after {l}, the latest at base"),
            None => "no valid approval is dated".into(),
        };
        let why = match refused.is_empty() {
            true => String::new(),
            false => {
                let each: Vec<String> = refused
                    .iter()
                    .map(|f| format!("the approval by `{}` on {} {}", f.by, f.on, f.reason))
                    .collect();
                format!(" ({})", each.join("; "))
            }
        };
        let what: Vec<&str> = changes.iter().map(|c| c.text.as_str()).collect();
        let msg = format!(
            "Exception `{id}`: {}, but {since}{why}: the risk owners must approve the change",
            what.join(" and ")
        );
        let not_counted: Vec<Value> = refused
            .iter()
            .map(|f| json!({"by": f.by, "on": f.on.to_string(), "reason": f.reason}))
            .collect();
        let d = Diagnostic::at(Code::G001, doc, first.pointer, msg);
        let d = about_record(d, &now.service, &now.finding)
            .fact(
                "changes",
                changes.iter().map(Change::fact).collect::<Vec<_>>(),
            )
            .fact_opt("base_granted_on", latest.map(|l| l.to_string()))
            .fact("not_counted", not_counted);
        out.push(d);
    }
}

/// An approval dated after the base's that does not count as a re-approval, and why.
struct Flaw<'a> {
    by: &'a str,
    on: Date,
    reason: String,
}

/// Why an approval does not count as the re-approval G001 asks for, or `None` when it does:
/// its `by` is a person who is not the requester, is in the risk team and not in the
/// executing team (A001–A003), and its `on` is not after today.
fn approval_flaw<'a>(m: &Model, doc: &Doc, e: &ExceptionSpec, a: &'a Approval) -> Option<Flaw<'a>> {
    let by = a.by.get()?;
    let on = *a.on.get()?;
    let flaw = |reason: String| Some(Flaw { by, on, reason });
    if on > m.today {
        return flaw("is dated after today".into());
    }
    let Some(person) = m.person(by) else {
        return flaw("names no known person".into());
    };
    let requester = e.requested_by.get();
    if requester.is_some_and(|r| r == by || m.person(r) == Some(person)) {
        return flaw("is the requester's own".into());
    }
    match m.risk_team(doc) {
        Some((_, t)) if t.members.contains(&person) => {}
        Some((id, _)) => return flaw(format!("is by someone outside `{id}`, the risk team")),
        None => return flaw("cannot be judged: the risk team does not resolve".into()),
    }
    if let Some((id, t)) = m.executing_team(doc)
        && t.members.contains(&person)
    {
        return flaw(format!("is by a member of `{id}`, the executing team"));
    }
    None
}

/// G004: a Remediation whose SLA clock starts later, or whose finding now falls in a slower
/// tier, than at base.
fn finding_facts_rewritten(m: &Model, out: &mut Vec<Diagnostic>) {
    for (id, base_doc, doc) in on_both_sides(m, Kind::Remediation) {
        let (Body::Remediation(was), Body::Remediation(now)) = (&base_doc.body, &doc.body) else {
            continue;
        };
        let mut changes: Vec<Change> = Vec::new();
        if let (Some(w), Some(n)) = (was.found_on.get(), now.found_on.get())
            && n > w
        {
            let mut c = Change::new("/spec/found_on", "found_on", w.to_string(), n.to_string());
            c.text = format!("`found_on` moved from {w} to {n}");
            changes.push(c);
        }
        finding_eased(&was.finding, &now.finding, &mut changes);
        let Some(first) = changes.first() else {
            continue;
        };
        let what: Vec<&str> = changes.iter().map(|c| c.text.as_str()).collect();
        let msg = format!(
            "Remediation `{id}`: {}: its SLA clock or tier moved in its own favour; record the finding as it was found and keep the deadline it gives",
            what.join(" and ")
        );
        let d = Diagnostic::at(Code::G004, doc, first.pointer, msg);
        let d = about_record(d, &now.service, &now.finding).fact(
            "changes",
            changes.iter().map(Change::fact).collect::<Vec<_>>(),
        );
        out.push(d);
    }
}

/// G002: a record of the base commit that the working tree no longer has. The diagnostic
/// names the file as it was at base; pull-request mode adds the files only the base has to
/// [`Model::paths`].
fn record_deleted(m: &Model, out: &mut Vec<Diagnostic>) {
    let Some(base) = m.base else {
        return;
    };
    let here: HashSet<(Kind, &str)> = m
        .docs
        .iter()
        .filter_map(|d| Some((d.kind(), d.id.as_deref()?)))
        .collect();
    let mut file_of: HashMap<&str, usize> = HashMap::new();
    for (i, rel) in m.paths.iter().enumerate() {
        file_of.entry(*rel).or_insert(i);
    }
    for kind in [Kind::Exception, Kind::Remediation] {
        for (id, doc) in records(base, kind) {
            if here.contains(&(kind, id)) {
                continue;
            }
            let Some(&file) = base.paths.get(doc.file).and_then(|rel| file_of.get(rel)) else {
                continue;
            };
            if m.incomplete.contains(&file) {
                continue; // P001/P003/P004 says why its records cannot be read
            }
            let mut d = match &doc.body {
                Body::Remediation(r) => {
                    let msg = format!(
                        "Remediation `{id}` was deleted: it is audit evidence of who fixed the finding and who verified it; keep the record"
                    );
                    let d = Diagnostic::new(Code::G002, file, Loc::File, msg);
                    about_record(d, &r.service, &r.finding)
                }
                Body::Exception(e) if e.covers(m.today) => {
                    let expires = e.expires.get().map(Date::to_string).unwrap_or_default();
                    let msg = format!(
                        "Exception `{id}` was deleted while active (it expires {expires}): revoke it first (`status: revoked`), then delete it in a later change"
                    );
                    let d = Diagnostic::new(Code::G002, file, Loc::File, msg)
                        .with_severity(Severity::Warning)
                        .fact("expires", expires);
                    about_record(d, &e.service, &e.finding)
                }
                _ => continue,
            };
            // The file may be gone: the record names itself.
            d.record = Some(Record {
                kind,
                id: id.to_string(),
                repeat: 0,
            });
            out.push(d);
        }
    }
}

/// A team's `scm`, unless blank (the schema reports that).
fn scm(team: &TeamSpec) -> Option<&str> {
    team.scm.get().map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn codeowners_gap(m: &Model, out: &mut Vec<Diagnostic>) {
    let Some(co) = m.codeowners else {
        // One warning, on the first team that expects CODEOWNERS to route reviews to it.
        let mut declaring = m
            .docs
            .iter()
            .filter(|d| matches!(&d.body, Body::Team(t) if scm(t).is_some()));
        if let Some(first) = declaring.next() {
            let team = match &first.id {
                Some(id) => format!("team `{id}`"),
                None => "a team".into(),
            };
            let declaring_rest = declaring.count();
            let others = match declaring_rest {
                0 => String::new(),
                n => format!(" and {n} other team(s)"),
            };
            let msg = format!(
                "{team}{others} declare `scm`, but there is no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): nothing makes the risk owners review the exceptions they approve"
            );
            let d = Diagnostic::new(Code::G003, first.file, Loc::File, msg)
                .with_severity(Severity::Warning)
                .id_fact_opt("team", first.id.as_deref())
                .fact("other_teams", declaring_rest);
            out.push(d);
        }
        return;
    };
    for (doc, e) in m.exceptions() {
        let Some(service) = e.service.get() else {
            continue;
        };
        // The risk team: the control's risk owner for a routed record (§5).
        let Some((team_id, team)) = m.risk_team(doc) else {
            continue; // R003 / R007 / R001
        };
        let (Some(scm), Some(rel)) = (scm(team.spec), m.paths.get(doc.file)) else {
            continue;
        };
        let path = co.path_of(rel);
        let owner_of = match e.control.get() {
            Some(control) => format!("control `{control}`"),
            None => format!("`{service}`"),
        };
        let due = format!("`{scm}` (team `{team_id}`, risk owner of {owner_of})");
        let entry = co.owner_of(rel);
        let msg = match entry {
            Some(entry) if entry.owners.iter().any(|o| is_scm(o, scm)) => continue,
            Some(entry) if entry.owners.is_empty() => format!(
                "{} line {} leaves {path} without code owners; it must be owned by {due}",
                co.location, entry.line
            ),
            Some(entry) => format!(
                "{} line {} gives {path} to {}, not to {due}",
                co.location,
                entry.line,
                entry.owners.join(" ")
            ),
            None => format!(
                "no pattern in {} matches {path}; it must be owned by {due}",
                co.location
            ),
        };
        let d = Diagnostic::at(Code::G003, doc, "/spec/service", msg)
            .id_fact("service", service.as_str())
            .id_fact("team", team_id)
            .id_fact_opt("control", e.control.get().map(String::as_str))
            .id_fact("scm", scm);
        out.push(codeowners_facts(d, co, &path, entry));
    }
    config_owner(m, co, out);
}

/// G003's facts about CODEOWNERS: the file, the path and the line that owns it, with its
/// owners. They are information: editing that other file must not make this a new problem.
fn codeowners_facts(
    d: Diagnostic,
    co: &Codeowners,
    path: &str,
    entry: Option<&Entry>,
) -> Diagnostic {
    d.fact("codeowners", co.location.as_str())
        .fact("path", path)
        .fact_opt("line", entry.map(|e| e.line))
        .fact_opt("owners", entry.map(|e| e.owners.clone()))
}

/// G003 for `foureyes.yaml`: it decides which files are checked and how severe each rule
/// is, so it must be owned by a risk team (one whose `functions` include `risk`), where any
/// risk team declares `scm`.
fn config_owner(m: &Model, co: &Codeowners, out: &mut Vec<Diagnostic>) {
    let Some(file) = m.config_file else {
        return;
    };
    let mut risk: Vec<(&str, &str)> = m
        .teams
        .iter()
        .filter(|(_, t)| t.functions.contains(&Function::Risk))
        .filter_map(|(id, t)| Some((*id, scm(t.spec)?)))
        .collect();
    if risk.is_empty() {
        return;
    }
    risk.sort_unstable();
    let rel = m.paths[file];
    let path = co.path_of(rel);
    let teams: Vec<String> = risk
        .iter()
        .map(|(id, scm)| format!("`{scm}` (team `{id}`)"))
        .collect();
    let due = format!(
        "it sets which files are checked and how severe each rule is, so it must be owned by a risk team: {}",
        teams.join(" or ")
    );
    let entry = co.owner_of(rel);
    let msg = match entry {
        Some(e)
            if e.owners
                .iter()
                .any(|o| risk.iter().any(|(_, s)| is_scm(o, s))) =>
        {
            return;
        }
        Some(e) if e.owners.is_empty() => format!(
            "{} line {} leaves {path} without code owners; {due}",
            co.location, e.line
        ),
        Some(e) => format!(
            "{} line {} gives {path} to {}; {due}",
            co.location,
            e.line,
            e.owners.join(" ")
        ),
        None => format!("no pattern in {} matches {path}; {due}", co.location),
    };
    let d = Diagnostic::new(Code::G003, file, Loc::File, msg);
    let d = codeowners_facts(d, co, &path, entry).fact(
        "risk_teams",
        risk.iter()
            .map(|(team, scm)| json!({"team": team, "scm": scm}))
            .collect::<Vec<_>>(),
    );
    out.push(d);
}
