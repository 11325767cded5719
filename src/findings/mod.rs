//! `foureyes findings`: scanner reports held against the governance records (SPEC §8).
//! Every detected finding is tracked (a Remediation, or a backed Exception) and nothing
//! marked fixed is still detected.
//!
//! The governance repository is checked and boiled down first to what the rules need (the
//! service's records and tiers), so that its memory is gone before the reports are read.
//! Each report is read in one pass ([`crate::scanner`]); entries naming the same
//! vulnerability (by id or alias, in any report) are merged into one [`Finding`].

pub mod records;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::check::SourceFile;
use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Loc, Related};
use crate::error::{Error, Result};
use crate::kev::Catalog;
use crate::model::{
    self, Body, Exposure, FindingClass, Given, Governing, Level4, Model, RemediationStatus, items,
};
use crate::parse::{Pos, Span};
use crate::rules::Code;
use crate::scanner::{self, Detected, Format};
use crate::suppress::backing::State;
use crate::suppress::service::{Placement, RepoName};
use crate::suppress::{self, Select};

pub struct Options {
    pub reports: Vec<PathBuf>,
    pub governance: PathBuf,
    pub service: Option<String>,
    pub repository: Option<String>,
    pub today: Date,
    /// `--kev-catalog`; else the governance repository's `kev_catalog`.
    pub kev_catalog: Option<PathBuf>,
}

/// A finding as the reports detect it: all entries that name it, merged.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The id its first entry gives.
    pub id: String,
    /// Every other id it is known by (other entries' ids and all aliases), first seen first.
    pub aliases: Vec<String>,
    /// The worst severity of its entries, and how that entry states it.
    pub severity: Level4,
    pub stated: String,
    pub kev: Option<KevSource>,
    /// Its first entry: the report (file index), the entry's pointer and position.
    pub file: usize,
    pub pointer: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KevSource {
    Report,
    Catalog,
}

impl KevSource {
    fn name(self) -> &'static str {
        match self {
            KevSource::Report => "report",
            KevSource::Catalog => "catalog",
        }
    }
}

impl Finding {
    /// Every id, lower-cased: what records are matched against.
    fn keys(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(&self.id)
            .chain(&self.aliases)
            .map(|s| s.to_ascii_lowercase())
    }
}

pub struct Outcome {
    pub service: String,
    /// The reports, then the governance files that diagnostics point into; named by the
    /// path as given on the command line (joined with the path under GOV).
    pub files: Vec<SourceFile>,
    /// Each file's path from the root of its git repository (SARIF and annotations).
    pub repo_paths: Vec<String>,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    /// The findings F001 reports (the config may have turned it off), sorted by id.
    pub fn untracked(&self) -> Vec<&Finding> {
        let at: HashMap<(usize, &str), &Finding> = self
            .findings
            .iter()
            .map(|f| ((f.file, f.pointer.as_str()), f))
            .collect();
        let mut out: Vec<&Finding> = self
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::F001)
            .filter_map(|d| at.get(&(d.file, d.pointer()?)).copied())
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }
}

/// The SLA tier a finding of the service falls in, by (severity, kev).
type TierOf = HashMap<(&'static str, bool), TierInfo>;

#[derive(Debug, Clone)]
enum TierInfo {
    /// Its id and remediation window.
    Tier(String, Option<i64>),
    NoTier,
    /// The policy's tier order or the service's criticality does not read.
    Unknown,
}

/// Level4 lists critical first: a smaller position is worse.
fn worse(a: Level4, b: Level4) -> bool {
    (a as u8) < (b as u8)
}

/// A record of the service, as the rules need it.
struct Rec {
    kind: model::Kind,
    id: String,
    /// Its `finding.id` and `finding.aliases`, as written.
    finding: String,
    aliases: Vec<String>,
    expires: Option<Date>,
    /// Index into `Outcome::files` once kept (F004 points into it).
    gov_file: usize,
    doc: usize,
    keys: Vec<String>,
    severity: Option<Level4>,
    kev: Option<bool>,
    /// Remediations: the status.
    status: Option<RemediationStatus>,
    /// Exceptions: whether it backs, or why not; and whether it is active and unexpired.
    state: Option<State>,
    covers: bool,
}

/// What the rules keep of the governance repository.
struct Gov {
    service: String,
    config: Config,
    tiers: TierOf,
    records: Vec<Rec>,
    catalog: Option<Catalog>,
    /// GOV as given, with `/`, and its prefix from its git repository root.
    shown: String,
    prefix: String,
    /// The governance files holding the service's active Exceptions (F004 points there).
    files: Vec<SourceFile>,
}

pub fn run(opts: &Options) -> Result<Outcome> {
    let gov = governance(opts)?;
    let mut files = Vec::new();
    let mut repo_paths = Vec::new();
    let mut detected = Vec::new();
    let mut formats = Vec::new();
    for (i, path) in opts.reports.iter().enumerate() {
        let shown = slashes(path);
        let (text, report) = scanner::read_file(path, &shown)?;
        formats.push(report.format);
        let offsets: Vec<usize> = report.findings.iter().map(|f| f.offset).collect();
        let positions = scanner::positions(&text, &offsets);
        detected.extend(
            report
                .findings
                .into_iter()
                .zip(positions)
                .map(|(d, p)| (i, d, p)),
        );
        repo_paths.push(repo_path(path, &shown));
        files.push(SourceFile {
            rel: shown,
            text,
            yaml_docs: 1,
            checked: true,
            records: Vec::new(),
        });
    }
    let findings = merge(detected, gov.catalog.as_ref());
    let first_gov = files.len();
    let mut diagnostics = judge(&findings, &gov, &formats, first_gov);
    gov.config.apply(&mut diagnostics);
    for f in gov.files {
        repo_paths.push(format!("{}{}", gov.prefix, f.rel));
        files.push(SourceFile {
            rel: format!("{}/{}", gov.shown, f.rel),
            checked: false,
            ..f
        });
    }
    crate::check::attach_records(&files, &mut diagnostics);
    Ok(Outcome {
        service: gov.service,
        files,
        repo_paths,
        findings,
        diagnostics,
    })
}

/// A path as given, with `/` separators.
fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A report's path from the root of the git repository holding it, else as given.
fn repo_path(path: &Path, shown: &str) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    match name {
        Some(name) if std::fs::metadata(path).is_ok() => {
            let prefix = crate::render::repo_prefix(path);
            if prefix.is_empty() && crate::suppress::service::git_repo(path).is_none() {
                shown.trim_start_matches("./").to_string()
            } else {
                format!("{prefix}{name}")
            }
        }
        _ => shown.to_string(),
    }
}

/// Checks GOV, resolves the service and keeps what the rules need.
fn governance(opts: &Options) -> Result<Gov> {
    let mut gov = suppress::load_governance(&opts.governance, opts.today)?;
    let service = match Select::new(opts.service.clone(), opts.repository.clone(), &gov.routes)? {
        Select::Service(s) => s,
        Select::Repository(repo) => service_of(&gov.routes, &repo)?,
        Select::Origin => {
            return Err(Error::Usage(
                "pass --service ID or --repository OWNER/NAME".into(),
            ));
        }
    };
    let catalog = match &opts.kev_catalog {
        Some(file) => Some(crate::kev::load(file)?),
        None => gov.config.kev.take(),
    };
    let outcome = &gov.outcome;
    let paths = outcome.files.iter().map(|f| f.rel.as_str()).collect();
    let model = Model::build(&outcome.docs, opts.today, paths, None);
    let tiers = tiers_of(&model, &service);
    let records = records_of(&gov, &service, opts.today);
    // Diagnostics point at records (F004) and show them beside findings: keep their files
    // (renumbered in order).
    let mut kept: Vec<usize> = records.iter().map(|r| r.gov_file).collect();
    kept.sort_unstable();
    kept.dedup();
    let records = records
        .into_iter()
        .map(|mut r| {
            r.gov_file = kept.binary_search(&r.gov_file).unwrap_or_default();
            r
        })
        .collect();
    let files = kept.iter().map(|&f| outcome.files[f].clone()).collect();
    Ok(Gov {
        service,
        config: gov.config,
        tiers,
        records,
        catalog,
        shown: slashes(&opts.governance).trim_end_matches('/').to_string(),
        prefix: crate::render::repo_prefix(&opts.governance),
        files,
    })
}

/// The tier each (severity, kev) of a finding on the service falls in.
fn tiers_of(model: &Model, service: &str) -> TierOf {
    let criticality = match model.services.get(service).map(|s| s.criticality) {
        Some(Given::Valid(c)) => Some(Some(c)),
        Some(Given::Missing) | None => Some(None),
        Some(Given::Malformed) => None,
    };
    let mut tiers = TierOf::new();
    for severity in Level4::ALL {
        for kev in [false, true] {
            let governing = criticality.map(|criticality| {
                // A scanner states no exposure: the worst case, as for a record (§5).
                model.governing_class(FindingClass {
                    exposure: Exposure::Internet,
                    kev,
                    severity,
                    criticality,
                })
            });
            let tier = match governing {
                Some(Governing::Tier(t)) => TierInfo::Tier(
                    t.id.get().cloned().unwrap_or_default(),
                    t.remediate_within_days.get().map(|d| d.get()),
                ),
                Some(Governing::NoTier) => TierInfo::NoTier,
                Some(Governing::Unknown) | None => TierInfo::Unknown,
            };
            tiers.insert((severity.name(), kev), tier);
        }
    }
    tiers
}

/// The service's Exceptions and Remediations that name a finding; `gov_file` is still the
/// file index in the governance repository.
fn records_of(gov: &suppress::Governance, service: &str, today: Date) -> Vec<Rec> {
    let states: HashMap<(usize, usize), &State> = gov
        .backing
        .exceptions()
        .iter()
        .map(|e| ((e.file, e.doc), &e.state))
        .collect();
    let mut records = Vec::new();
    for doc in &gov.outcome.docs {
        let (kind, svc, finding, status, state, covers, expires) = match &doc.body {
            Body::Exception(e) => {
                let state = states.get(&(doc.file, doc.index)).map(|s| (*s).clone());
                let expires = e.expires.get().copied();
                let covers = e.covers(today);
                (
                    model::Kind::Exception,
                    &e.service,
                    &e.finding,
                    None,
                    state,
                    covers,
                    expires,
                )
            }
            Body::Remediation(r) => {
                let status = r.status.get().copied();
                (
                    model::Kind::Remediation,
                    &r.service,
                    &r.finding,
                    status,
                    None,
                    false,
                    None,
                )
            }
            _ => continue,
        };
        let (Some(id), Some(finding)) = (&doc.id, finding.get()) else {
            continue;
        };
        if svc.get().map(String::as_str) != Some(service) {
            continue;
        }
        let aliases: Vec<String> = items(&finding.aliases).map(|(_, a)| a.clone()).collect();
        let mut keys: Vec<String> = finding.names().map(str::to_ascii_lowercase).collect();
        keys.sort();
        keys.dedup();
        records.push(Rec {
            kind,
            id: id.clone(),
            finding: finding.id.get().cloned().unwrap_or_default(),
            aliases,
            expires,
            gov_file: doc.file,
            doc: doc.index,
            keys,
            severity: finding.severity.get().copied(),
            kev: match finding.kev {
                Given::Valid(k) => Some(k),
                Given::Missing | Given::Malformed => None,
            },
            status,
            state,
            covers,
        });
    }
    records
}

/// The service of `--repository`: the one listing the whole repository, else the only one
/// listing folders of it.
fn service_of(routes: &suppress::service::Routes, repo: &RepoName) -> Result<String> {
    let advice = "pass --service ID, or list the repository under a service's `repositories` in the governance repository";
    let entries = routes.entries_for(repo);
    if entries.is_empty() {
        return Err(Error::Usage(format!(
            "--repository {repo}: no service lists this repository: {advice}"
        )));
    }
    if let Placement::Service(s) = routes.service_for(repo, "") {
        return Ok(s.to_string());
    }
    let mut services: Vec<&str> = entries.iter().map(|(s, _)| *s).collect();
    services.sort();
    services.dedup();
    match services[..] {
        [one] => Ok(one.to_string()),
        _ => Err(Error::Usage(format!(
            "--repository {repo}: several services live in folders of it ({}): pass --service ID",
            services.join(", ")
        ))),
    }
}

/// Merges the entries that name the same vulnerability: two entries are one finding when
/// any id or alias of one equals any of the other (ASCII case-insensitively), also through
/// a third entry. Findings come in the order of their first entries.
pub fn merge(detected: Vec<(usize, Detected, Pos)>, catalog: Option<&Catalog>) -> Vec<Finding> {
    let mut parent: Vec<usize> = (0..detected.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, (_, d, _)) in detected.iter().enumerate() {
        for key in std::iter::once(&d.id).chain(&d.aliases) {
            let key = key.to_ascii_lowercase();
            match first.get(&key) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    // The earlier entry stays the root, so a finding keeps its first entry.
                    parent[a.max(b)] = a.min(b);
                }
                None => {
                    first.insert(key, i);
                }
            }
        }
    }
    let mut index_of: HashMap<usize, usize> = HashMap::new();
    let mut out: Vec<Finding> = Vec::new();
    let mut seen: Vec<std::collections::HashSet<String>> = Vec::new();
    for (i, (file, d, pos)) in detected.into_iter().enumerate() {
        let r = root(&mut parent, i);
        let n = match index_of.get(&r) {
            Some(&n) => n,
            None => {
                index_of.insert(r, out.len());
                seen.push([d.id.to_ascii_lowercase()].into());
                out.push(Finding {
                    id: d.id.clone(),
                    aliases: Vec::new(),
                    severity: d.severity,
                    stated: d.stated.clone(),
                    kev: None,
                    file,
                    pointer: d.pointer.clone(),
                    pos,
                });
                out.len() - 1
            }
        };
        let f = &mut out[n];
        for id in std::iter::once(d.id).chain(d.aliases) {
            if seen[n].insert(id.to_ascii_lowercase()) {
                f.aliases.push(id);
            }
        }
        // Level4 orders critical first: a smaller bit is worse.
        if worse(d.severity, f.severity) {
            f.severity = d.severity;
            f.stated = d.stated;
        }
        if d.kev {
            f.kev = Some(KevSource::Report);
        }
    }
    if let Some(c) = catalog {
        for f in out.iter_mut().filter(|f| f.kev.is_none()) {
            if std::iter::once(&f.id)
                .chain(&f.aliases)
                .any(|id| c.due(id).is_some())
            {
                f.kev = Some(KevSource::Catalog);
            }
        }
    }
    out
}

/// The diagnostic location of a finding: its entry, one character wide.
fn at_entry(f: &Finding) -> Loc {
    let mut end = f.pos;
    end.col += 1;
    end.index += 1;
    Loc::Exact {
        doc: 0,
        pointer: f.pointer.clone(),
        span: Span { start: f.pos, end },
    }
}

/// F001–F004 over the merged findings; `first_gov` is the file index of the first kept
/// governance file.
fn judge(findings: &[Finding], gov: &Gov, formats: &[Format], first_gov: usize) -> Vec<Diagnostic> {
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in gov.records.iter().enumerate() {
        for k in &r.keys {
            by_key.entry(k.as_str()).or_default().push(i);
        }
    }
    let service = gov.service.as_str();
    let mut out = Vec::new();
    let mut tracked_exceptions = vec![false; gov.records.len()];
    for f in findings {
        let mut tracking: Vec<usize> = f
            .keys()
            .flat_map(|k| by_key.get(k.as_str()).cloned().unwrap_or_default())
            .collect();
        tracking.sort_unstable();
        tracking.dedup();
        for &i in &tracking {
            tracked_exceptions[i] = true;
        }
        let records: Vec<&Rec> = tracking.iter().map(|&i| &gov.records[i]).collect();
        let remediated = records.iter().any(|r| r.kind == model::Kind::Remediation);
        let backed = records.iter().any(|r| r.state == Some(State::Backs));
        let format = formats[f.file].name();
        // The record's node, shown beside the finding.
        let node = |r: &Rec, pointer: &str, label: String| Related {
            file: first_gov + r.gov_file,
            doc: r.doc,
            pointer: pointer.into(),
            label,
        };
        if !remediated && !backed {
            let mut d = untracked(f, gov, &records).fact("format", format);
            for r in records.iter().filter(|r| r.state.is_some()) {
                d.related.push(node(
                    r,
                    "/metadata/id",
                    "names it, but does not back it".into(),
                ));
            }
            out.push(d);
        }
        for r in &records {
            let closed = matches!(
                r.status,
                Some(RemediationStatus::Completed | RemediationStatus::Closed)
            );
            if closed {
                let mut d = fixed_but_detected(f, service, r).fact("format", format);
                d.related
                    .push(node(r, "/spec/status", "marked fixed here".into()));
                out.push(d);
            }
            if (r.kind == model::Kind::Remediation || r.covers)
                && let Some(mut d) = understated(f, service, r)
            {
                let label = format!("recorded by {}", r.id);
                d.related.push(node(r, "/spec/finding", label));
                out.push(d.fact("format", format));
            }
        }
    }
    for (r, tracked) in gov.records.iter().zip(tracked_exceptions) {
        if r.kind == model::Kind::Exception && r.covers && !tracked {
            let msg = format!(
                "Exception {} accepts {} on {service}, but no report detects it: the risk it accepts is gone; revoke it",
                r.id, r.finding
            );
            let loc = Loc::Node {
                doc: r.doc,
                pointer: "/metadata/id".into(),
                key: false,
            };
            let d = Diagnostic::new(Code::F004, first_gov + r.gov_file, loc, msg)
                .id_fact("service", service)
                .id_fact("finding", r.finding.as_str())
                .fact("aliases", r.aliases.clone())
                .fact_opt("expires", r.expires.map(|d| d.to_string()));
            out.push(d);
        }
    }
    out
}

fn describe(f: &Finding) -> String {
    let kev = if f.kev.is_some() {
        ", known exploited"
    } else {
        ""
    };
    format!("{} ({}{kev})", f.id, f.severity.name())
}

fn untracked(f: &Finding, gov: &Gov, records: &[&Rec]) -> Diagnostic {
    let tier = gov
        .tiers
        .get(&(f.severity.name(), f.kev.is_some()))
        .cloned()
        .unwrap_or(TierInfo::Unknown);
    let window = match &tier {
        TierInfo::Tier(id, Some(days)) => {
            format!("it matches tier `{id}`: remediate within {days} days")
        }
        TierInfo::Tier(id, None) => format!("it matches tier `{id}`"),
        TierInfo::NoTier => "it matches no tier of the SLA policy".into(),
        TierInfo::Unknown => "its tier is unknown (the SLA policy's tiers do not read)".into(),
    };
    let mut unbacked = Vec::new();
    let why: Vec<String> = records
        .iter()
        .filter_map(|r| {
            let mut fact = serde_json::json!({"id": r.id});
            let reason = match r.state.as_ref()? {
                State::Backs => return None,
                State::Revoked => {
                    fact["state"] = "revoked".into();
                    "it is revoked".to_string()
                }
                State::Expired(day) => {
                    fact["state"] = "expired".into();
                    fact["expires"] = day.to_string().into();
                    format!("it expired on {day}")
                }
                State::Errors(codes) => {
                    let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
                    fact["state"] = "errors".into();
                    fact["errors"] = codes.clone().into();
                    format!("it has errors: {}", codes.join(", "))
                }
            };
            unbacked.push(fact);
            Some(format!("Exception {} does not back it ({reason})", r.id))
        })
        .collect();
    let why = if why.is_empty() {
        String::new()
    } else {
        format!("; {}", why.join("; "))
    };
    let msg = format!(
        "{} is detected on {} but not tracked: no Remediation and no backed Exception names it{why}; {window}",
        describe(f),
        gov.service
    );
    let (tier_id, days) = match tier {
        TierInfo::Tier(id, days) => (Some(id), days),
        TierInfo::NoTier | TierInfo::Unknown => (None, None),
    };
    finding_facts(
        Diagnostic::new(Code::F001, f.file, at_entry(f), msg),
        &gov.service,
        f,
    )
    .fact_opt("tier", tier_id)
    .fact_opt("remediate_within_days", days)
    .fact("unbacked_exceptions", unbacked)
}

/// What every diagnostic at a finding says about it.
fn finding_facts(d: Diagnostic, service: &str, f: &Finding) -> Diagnostic {
    d.id_fact("service", service)
        .id_fact("finding", f.id.as_str())
        .fact("aliases", f.aliases.clone())
        .fact("severity", f.severity.name())
        .fact("reported", f.stated.as_str())
        .fact("kev", f.kev.is_some())
        .fact_opt("kev_source", f.kev.map(KevSource::name))
}

fn fixed_but_detected(f: &Finding, service: &str, r: &Rec) -> Diagnostic {
    let status = match r.status {
        Some(RemediationStatus::Closed) => "closed",
        _ => "completed",
    };
    let msg = format!(
        "{} is still detected on {service}, but Remediation {} says `{status}`: the fix did not take; reopen it",
        f.id, r.id
    );
    finding_facts(
        Diagnostic::new(Code::F002, f.file, at_entry(f), msg),
        service,
        f,
    )
    .id_fact("record", r.id.as_str())
    .fact("status", status)
}

fn understated(f: &Finding, service: &str, r: &Rec) -> Option<Diagnostic> {
    let lower = r.severity.filter(|s| worse(f.severity, *s));
    let kev = f.kev.filter(|_| r.kev != Some(true));
    if lower.is_none() && kev.is_none() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(s) = lower {
        parts.push(format!(
            "as {}, but the report says {} ({})",
            s.name(),
            f.severity.name(),
            f.stated
        ));
    }
    if let Some(source) = kev {
        let recorded = match r.kev {
            Some(_) => "kev: false",
            None => "no kev",
        };
        parts.push(match source {
            KevSource::Report => {
                format!("with {recorded}, but the report says it is known exploited")
            }
            KevSource::Catalog => format!("with {recorded}, but the KEV catalog lists it"),
        });
    }
    let msg = format!(
        "{} {} records {} {}: its tier is too slow",
        r.kind.name(),
        r.id,
        r.finding,
        parts.join(", and ")
    );
    let record = serde_json::json!({"kind": r.kind.name(), "id": r.id});
    let d = Diagnostic::new(Code::F003, f.file, at_entry(f), msg);
    Some(
        finding_facts(d, service, f)
            .id_fact("record", record)
            .fact("recorded_finding", r.finding.as_str())
            .fact_opt("recorded_severity", r.severity.map(Level4::name))
            .fact_opt("recorded_kev", r.kev),
    )
}

#[cfg(test)]
mod tests;
