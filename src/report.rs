//! `foureyes report` and `foureyes who`: the governance repository as a risk committee or an
//! on-call lead reads it. [`build`] gathers, from the model and the check's diagnostics, what
//! the page shows; the renderers in `render::report` lay it out and decide nothing. The JSON
//! format is this structure as it is (README: "Report JSON").

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::check::{self, SourceFile};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Facts, Severity};
use crate::locate::{self, Located};
use crate::model::{
    Body, ControlOwners as ControlOwnerRefs, Doc, ExceptionSpec, ExceptionStatus, Finding,
    Function, Given, L, Model, RemediationSpec, RemediationStatus, Requirement, Step, Tier, items,
};

#[derive(Serialize)]
pub struct Report<'a> {
    pub version: u32,
    pub generator: &'static str,
    pub today: Date,
    pub totals: Totals,
    /// Sorted by id.
    pub services: Vec<ServiceRow>,
    /// Sorted by layer (in the order of the spec, unknown layers last), then id.
    pub controls: Vec<ControlRow>,
    /// Every Exception, sorted by expiry (none last), then id.
    pub exceptions: Vec<ExceptionRow<'a>>,
    /// Every open Remediation, sorted by due date (none last), then id.
    pub open_remediations: Vec<OpenRow<'a>>,
    /// Every completed Remediation, longest waiting first.
    pub awaiting_verification: Vec<CompletedRow<'a>>,
    /// As `check` reports them, in its order.
    pub diagnostics: Vec<DiagRow<'a>>,
}

#[derive(Serialize, Default)]
pub struct Totals {
    pub files: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub services: usize,
    pub controls: usize,
    pub teams: usize,
    pub exceptions: ExceptionTotals,
    pub remediations: RemediationTotals,
}

/// Each Exception has exactly one state; `total` is their sum.
#[derive(Serialize, Default)]
pub struct ExceptionTotals {
    pub total: usize,
    pub active: usize,
    pub expiring: usize,
    pub expired: usize,
    pub revoked: usize,
}

#[derive(Serialize, Default)]
pub struct RemediationTotals {
    pub total: usize,
    pub open: usize,
    /// Open ones past their due date and not covered.
    pub overdue: usize,
    /// Open ones that have reached an escalation step and are not covered.
    pub escalated: usize,
    /// Open ones an active, unexpired exception covers.
    pub covered: usize,
    pub completed: usize,
    pub closed: usize,
}

/// A person as a record names them, and who that is according to `People`.
#[derive(Serialize, Clone)]
pub struct Person {
    /// The reference as written (an id, an e-mail or an `@handle`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// The `People` id it resolves to; absent when it does not resolve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The person's first e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A team that holds a function, with its lead (the contact).
#[derive(Serialize, Clone)]
pub struct Owner {
    pub team: String,
    /// Whether a Team document defines it.
    pub known: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<Person>,
}

/// Whom an escalation step reaches: a team's lead, or the person the step names. The same
/// object as D002's `escalate_to` fact.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct Contact {
    /// The step's `to` as written.
    pub to: String,
    /// The team id, when `to` is a team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The team's lead, as a `People` id (as written when it does not resolve).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// The person `to` names, when it is not a team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Contact {
    /// The name to show: the person's name, else their id, else the step's `to`.
    pub fn who(&self) -> &str {
        let id = self.lead.as_ref().or(self.person.as_ref());
        self.name.as_ref().or(id).unwrap_or(&self.to)
    }
}

#[derive(Serialize, Default)]
pub struct Owners {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<Owner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<Owner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Owner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Owner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<Owner>,
}

impl Owners {
    pub fn of(&self, f: Function) -> Option<&Owner> {
        match f {
            Function::Security => self.security.as_ref(),
            Function::Execution => self.execution.as_ref(),
            Function::Service => self.service.as_ref(),
            Function::Risk => self.risk.as_ref(),
            Function::Validation => self.validation.as_ref(),
        }
    }
}

#[derive(Serialize)]
pub struct ServiceRow {
    pub id: String,
    /// The HTML id of its section: `service-<id>`, with any character outside
    /// `[A-Za-z0-9._-]` written as `~XX` (its UTF-8 bytes in hex).
    pub anchor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criticality: Option<&'static str>,
    /// The OwnershipMap file that defines it.
    pub file: String,
    pub owners: Owners,
    /// The ids of the controls that list it.
    pub controls: Vec<String>,
    pub records: ServiceCounts,
    /// Rows of `exceptions`, `open_remediations` and `awaiting_verification` about it.
    #[serde(skip)]
    pub rows: [Vec<usize>; 3],
}

#[derive(Serialize, Default)]
pub struct ServiceCounts {
    pub exceptions: usize,
    pub open: usize,
    pub overdue: usize,
    pub awaiting_verification: usize,
}

#[derive(Serialize)]
pub struct ServiceRef {
    pub id: String,
    /// Absent when no OwnershipMap defines the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
}

#[derive(Serialize)]
pub struct ControlOwners {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<Owner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Owner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Owner>,
}

#[derive(Serialize)]
pub struct ControlRow {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    pub services: Vec<ServiceRef>,
    pub owners: ControlOwners,
    pub file: String,
}

#[derive(Serialize)]
pub struct FindingRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'static str>,
    pub kev: bool,
}

/// What every record row starts with.
#[derive(Serialize)]
pub struct RecordHead {
    /// `metadata.id`; absent when the document has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The service's section, when an OwnershipMap defines the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_anchor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<FindingRow>,
    /// The governing tier (the tier the finding matches), when the service resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ExceptionState {
    /// Active and not expired, outside the expiry warning window (or without `expires`).
    Active,
    /// Active, expiring within the policy's `expiry_warning_days` (E002).
    Expiring,
    /// Active, `expires` before today (E001).
    Expired,
    Revoked,
}

impl ExceptionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionState::Active => "active",
            ExceptionState::Expiring => "expiring",
            ExceptionState::Expired => "expired",
            ExceptionState::Revoked => "revoked",
        }
    }
}

#[derive(Serialize)]
pub struct Approval {
    pub by: Person,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<Date>,
}

#[derive(Serialize)]
pub struct ExceptionRow<'a> {
    #[serde(flatten)]
    pub head: RecordHead,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<Person>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_on: Option<Date>,
    pub approvals: Vec<Approval>,
    /// The latest approval date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granted_on: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// `expires` − today: 0 on its last valid day, negative once expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// As declared (`active` unless it says `revoked`).
    pub status: &'static str,
    pub state: ExceptionState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    pub compensating_controls: Vec<String>,
    pub diagnostics: Vec<DiagRow<'a>>,
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum OpenState {
    /// An active, unexpired exception covers it: no deadline runs (D001, D002).
    Covered,
    /// Past its due date (D001).
    Overdue,
    /// Due today or later.
    OnTrack,
    /// No due date: its service, tier or `found_on` is unknown.
    Unknown,
}

impl OpenState {
    pub fn as_str(self) -> &'static str {
        match self {
            OpenState::Covered => "covered",
            OpenState::Overdue => "overdue",
            OpenState::OnTrack => "on-track",
            OpenState::Unknown => "unknown",
        }
    }
}

#[derive(Serialize)]
pub struct Escalation {
    /// 1-based position in the tier's `escalation`.
    pub step: usize,
    pub after_days: i64,
    /// `found_on` + `after_days`.
    pub on: Date,
    pub call: Contact,
}

#[derive(Serialize)]
pub struct OpenRow<'a> {
    #[serde(flatten)]
    pub head: RecordHead,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_on: Option<Date>,
    /// today − `found_on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
    /// `found_on` + the tier's `remediate_within_days`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// due − today: negative when overdue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    pub state: OpenState,
    /// The latest escalation step reached (D002), unless covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Escalation>,
    /// The next step, unless covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_escalation: Option<Escalation>,
    pub diagnostics: Vec<DiagRow<'a>>,
}

#[derive(Serialize)]
pub struct VerificationRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Person>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

#[derive(Serialize)]
pub struct CompletedRow<'a> {
    #[serde(flatten)]
    pub head: RecordHead,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implemented_by: Option<Person>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<Date>,
    /// today − `completed_on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_waiting: Option<i64>,
    /// Whether the tier requires verification before closing.
    pub verification_required: bool,
    /// A verification already recorded (the record is then waiting to be closed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationRow>,
    /// Who verifies: the service's validation owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<Owner>,
    pub evidence: Vec<String>,
    pub diagnostics: Vec<DiagRow<'a>>,
}

#[derive(Serialize, Clone)]
pub struct RecordRef {
    pub kind: &'static str,
    pub id: String,
}

/// A diagnostic, with the fields of `check --format json`.
#[derive(Serialize, Clone)]
pub struct DiagRow<'a> {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordRef>,
    pub facts: &'a Facts,
}

/// The HTML id of a service's section. Ids valid under the schema are kept as they are;
/// anything else is encoded, so that two services never share an anchor and the anchor is a
/// safe URL fragment.
pub fn anchor(id: &str) -> String {
    let mut out = String::from("service-");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("~{b:02X}"));
        }
    }
    out
}

const LAYERS: [&str; 3] = [
    "identity-issuance",
    "policy-authorisation",
    "secure-consumption",
];

/// Lookups over the model that every section shares.
struct Ctx<'a, 'm> {
    model: &'m Model<'a>,
    files: &'m [SourceFile],
    /// The located diagnostics of each document, by (file, document index).
    by_doc: HashMap<(usize, usize), Vec<&'m Located>>,
}

impl<'a, 'm> Ctx<'a, 'm> {
    fn person(&self, r: &str) -> Person {
        let doc = self
            .model
            .person(r)
            .and_then(|p| self.model.person_entry(p));
        Person {
            reference: r.to_string(),
            id: doc.and_then(|d| d.id.get().cloned()),
            name: doc.and_then(|d| d.name.get().cloned()),
            email: doc.and_then(|d| items(&d.emails).next().map(|(_, e)| e.clone())),
        }
    }

    fn owner(&self, team: &str) -> Owner {
        let t = self.model.teams.get(team);
        Owner {
            team: team.to_string(),
            known: t.is_some(),
            name: t.and_then(|t| t.spec.name.get().cloned()),
            lead: t.and_then(|t| t.spec.lead.get()).map(|l| self.person(l)),
        }
    }

    /// Whom an escalation step names, as D002 says it.
    fn contact(&self, to: &str) -> Contact {
        let (fact, _) = crate::rules::contact(self.model, to);
        serde_json::from_value(fact).unwrap_or_default()
    }

    fn diagnostics(&self, doc: &Doc) -> Vec<DiagRow<'m>> {
        self.by_doc
            .get(&(doc.file, doc.index))
            .into_iter()
            .flatten()
            .map(|l| self.diag(l))
            .collect()
    }

    fn diag(&self, l: &'m Located) -> DiagRow<'m> {
        let d = &l.diag;
        DiagRow {
            code: d.code.as_str(),
            name: d.code.rule().name,
            severity: d.severity.as_str(),
            message: d.message.clone(),
            file: self.files[d.file].rel.clone(),
            line: l.place.map(|p| p.line),
            column: l.place.map(|p| p.col),
            pointer: d.pointer().map(String::from),
            record: d.record.as_ref().map(|r| RecordRef {
                kind: r.kind.name(),
                id: r.id.clone(),
            }),
            facts: &d.facts,
        }
    }

    /// The common head of a record row, and its governing tier (as the model resolved it: none
    /// when the service does not resolve).
    fn head(
        &self,
        doc: &Doc,
        service: Option<&String>,
        finding: &L<Finding>,
    ) -> (RecordHead, Option<&'a Tier>) {
        let known = self.model.resolved(doc).is_some();
        let tier = self.model.tier_of(doc);
        let finding = finding.get();
        let head = RecordHead {
            id: doc.id.clone(),
            file: self.files[doc.file].rel.clone(),
            service: service.cloned(),
            service_anchor: service.filter(|_| known).map(|s| anchor(s)),
            finding: finding.map(|f| FindingRow {
                id: f.id.get().cloned(),
                severity: f.severity.get().map(|l| l.name()),
                kev: matches!(f.kev, Given::Valid(true)),
            }),
            tier: tier.and_then(|t| t.id.get().cloned()),
        };
        (head, tier)
    }

    fn escalation(&self, found: Date, step: Option<(usize, &Step)>) -> Option<Escalation> {
        let (i, s) = step?;
        let after = s.after_days.get()?.get();
        Some(Escalation {
            step: i + 1,
            after_days: after,
            on: found.plus(after)?,
            call: self.contact(s.to.get()?),
        })
    }
}

impl<'a, 'm> Ctx<'a, 'm> {
    /// Services (the first definition of each id, as the model keeps it) sorted by id, and
    /// controls sorted by layer, then id; each service knows the controls that list it.
    fn ownership(&self) -> (Vec<ServiceRow>, Vec<ControlRow>) {
        let (model, cx) = (self.model, self);
        let mut services = Vec::new();
        let mut controls = Vec::new();
        let mut seen_controls = std::collections::HashSet::new();
        for doc in model.docs {
            let Body::OwnershipMap(o) = &doc.body else {
                continue;
            };
            let file = &self.files[doc.file].rel;
            for (_, s) in items(&o.services) {
                let Some(id) = s.id.get() else { continue };
                if !std::ptr::eq(model.services.get(id.as_str()).copied().unwrap_or(s), s) {
                    continue;
                }
                let of = |f| s.owners.get().and_then(|o| o.of(f)).map(|t| cx.owner(t));
                services.push(ServiceRow {
                    id: id.clone(),
                    anchor: anchor(id),
                    name: s.name.get().cloned(),
                    criticality: match s.criticality {
                        Given::Valid(c) => Some(c.name()),
                        Given::Missing | Given::Malformed => None,
                    },
                    file: file.clone(),
                    owners: Owners {
                        security: of(Function::Security),
                        execution: of(Function::Execution),
                        service: of(Function::Service),
                        risk: of(Function::Risk),
                        validation: of(Function::Validation),
                    },
                    controls: Vec::new(),
                    records: ServiceCounts::default(),
                    rows: Default::default(),
                });
            }
            for (_, c) in items(&o.controls) {
                let Some(id) = c.id.get() else { continue };
                if !seen_controls.insert(id.as_str()) {
                    continue;
                }
                let owner = |f: fn(&ControlOwnerRefs) -> &L<String>| {
                    c.owners.get().and_then(|o| f(o).get()).map(|t| cx.owner(t))
                };
                controls.push(ControlRow {
                    id: id.clone(),
                    name: c.name.get().cloned(),
                    layer: c.layer.get().cloned(),
                    services: items(&c.services)
                        .map(|(_, s)| ServiceRef {
                            id: s.clone(),
                            anchor: model.services.contains_key(s.as_str()).then(|| anchor(s)),
                        })
                        .collect(),
                    owners: ControlOwners {
                        control: owner(|o| &o.control),
                        remediation: owner(|o| &o.remediation),
                        risk: owner(|o| &o.risk),
                    },
                    file: file.clone(),
                });
            }
        }
        services.sort_by(|a, b| a.id.cmp(&b.id));
        let rank = |c: &ControlRow| {
            let l = c.layer.as_deref();
            let known = LAYERS.iter().position(|x| Some(*x) == l);
            (known.unwrap_or(LAYERS.len()), c.layer.clone(), c.id.clone())
        };
        controls.sort_by_key(rank);
        let index: HashMap<&str, usize> = services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let mut listed: Vec<Vec<String>> = vec![Vec::new(); services.len()];
        for c in &controls {
            for s in &c.services {
                if let Some(&i) = index.get(s.id.as_str())
                    && !listed[i].contains(&c.id)
                {
                    listed[i].push(c.id.clone());
                }
            }
        }
        for (s, l) in services.iter_mut().zip(listed) {
            s.controls = l;
        }
        (services, controls)
    }

    fn exception(&self, doc: &'a Doc, e: &'a ExceptionSpec, warning_days: i64) -> ExceptionRow<'m> {
        let (head, _) = self.head(doc, e.service.get(), &e.finding);
        let expires = e.expires.get().copied();
        let days_left = expires.map(|x| x.days_since(self.model.today));
        let state = match (e.active(), days_left) {
            (false, _) => ExceptionState::Revoked,
            (true, Some(d)) if d < 0 => ExceptionState::Expired,
            (true, Some(d)) if d <= warning_days => ExceptionState::Expiring,
            (true, _) => ExceptionState::Active,
        };
        ExceptionRow {
            head,
            requested_by: e.requested_by.get().map(|r| self.person(r)),
            requested_on: e.requested_on.get().copied(),
            approvals: items(&e.approvals)
                .filter_map(|(_, a)| {
                    Some(Approval {
                        by: self.person(a.by.get()?),
                        on: a.on.get().copied(),
                    })
                })
                .collect(),
            granted_on: e.granted_on(),
            expires,
            days_left,
            status: match e.status.get() {
                Some(ExceptionStatus::Revoked) => "revoked",
                _ => "active",
            },
            state,
            justification: e.justification.get().cloned(),
            compensating_controls: strings(&e.compensating_controls),
            diagnostics: self.diagnostics(doc),
        }
    }

    /// An open Remediation: its due date and, unless an exception covers it, the escalation
    /// step reached (as D002 finds it) and the next one.
    fn open(&self, doc: &'a Doc, r: &'a RemediationSpec) -> OpenRow<'m> {
        let today = self.model.today;
        let (head, tier) = self.head(doc, r.service.get(), &r.finding);
        let found = r.found_on.get().copied();
        let due = tier.zip(found).and_then(|(t, f)| t.due(f));
        let days_left = due.map(|d| d.days_since(today));
        let covered = match (r.service.get(), r.finding.get()) {
            (Some(s), Some(f)) => self.model.covered(s, f),
            _ => false,
        };
        let state = match days_left {
            _ if covered => OpenState::Covered,
            Some(d) if d < 0 => OpenState::Overdue,
            Some(_) => OpenState::OnTrack,
            None => OpenState::Unknown,
        };
        let age = found.map(|f| today.days_since(f));
        let [reached, next] = match (tier, age) {
            (Some(t), Some(age)) if !covered => t.escalation_at(age),
            _ => [None, None],
        };
        OpenRow {
            head,
            found_on: found,
            age_days: age,
            due,
            days_left,
            state,
            escalation: found.and_then(|f| self.escalation(f, reached)),
            next_escalation: found.and_then(|f| self.escalation(f, next)),
            diagnostics: self.diagnostics(doc),
        }
    }

    /// A completed Remediation, and who is to verify it: the service's validation owner.
    fn completed(&self, doc: &'a Doc, r: &'a RemediationSpec) -> CompletedRow<'m> {
        let (head, tier) = self.head(doc, r.service.get(), &r.finding);
        let completed_on = r.completed_on.get().copied();
        let validation = self
            .model
            .owner_id(doc, Function::Validation)
            .map(|t| self.owner(t));
        CompletedRow {
            head,
            implemented_by: r.implemented_by.get().map(|p| self.person(p)),
            completed_on,
            days_waiting: completed_on.map(|c| self.model.today.days_since(c)),
            verification_required: tier
                .is_some_and(|t| t.verification.get() == Some(&Requirement::Required)),
            verification: r.verification().map(|v| VerificationRow {
                by: v.by.get().map(|b| self.person(b)),
                on: v.on.get().copied(),
                method: v.method.get().cloned(),
            }),
            validation,
            evidence: strings(&r.evidence),
            diagnostics: self.diagnostics(doc),
        }
    }
}

fn strings(v: &Option<serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn build<'m>(
    model: &'m Model,
    files: &'m [SourceFile],
    diagnostics: &'m [Located],
) -> Report<'m> {
    let mut by_doc: HashMap<(usize, usize), Vec<&Located>> = HashMap::new();
    for l in diagnostics {
        if let Some(doc) = l.diag.doc() {
            by_doc.entry((l.diag.file, doc)).or_default().push(l);
        }
    }
    let cx = Ctx {
        model,
        files,
        by_doc,
    };
    let (mut services, controls) = cx.ownership();

    let warning_days = model.expiry_warning_days();
    let mut exceptions: Vec<ExceptionRow> = model
        .exceptions()
        .map(|(doc, e)| cx.exception(doc, e, warning_days))
        .collect();
    let (mut open, mut completed, mut closed) = (Vec::new(), Vec::new(), 0);
    for (doc, r) in model.remediations() {
        match r.status.get() {
            Some(RemediationStatus::Open) => open.push(cx.open(doc, r)),
            Some(RemediationStatus::Completed) => completed.push(cx.completed(doc, r)),
            Some(RemediationStatus::Closed) => closed += 1,
            None => {}
        }
    }
    // Soonest first, records without the date last; then by id and file, for a stable order.
    fn by<T>(rows: &mut [T], key: impl Fn(&T) -> (Option<Date>, &RecordHead)) {
        rows.sort_by(|a, b| {
            let (da, ha) = key(a);
            let (db, hb) = key(b);
            (da.is_none(), da, &ha.id, &ha.file).cmp(&(db.is_none(), db, &hb.id, &hb.file))
        });
    }
    by(&mut exceptions, |r| (r.expires, &r.head));
    by(&mut open, |r| (r.due, &r.head));
    by(&mut completed, |r| (r.completed_on, &r.head));
    link_rows(&mut services, &exceptions, &open, &completed);

    // The counts `check` prints.
    let checked = crate::render::Report {
        files,
        documents: model.docs.len(),
        diagnostics,
    };
    let state = |s: ExceptionState| exceptions.iter().filter(|e| e.state == s).count();
    let open_in = |s: OpenState| open.iter().filter(|o| o.state == s).count();
    let totals = Totals {
        files: checked.checked_files(),
        documents: checked.documents,
        errors: checked.count(Severity::Error),
        warnings: checked.count(Severity::Warning),
        services: services.len(),
        controls: controls.len(),
        teams: model.teams.len(),
        exceptions: ExceptionTotals {
            total: exceptions.len(),
            active: state(ExceptionState::Active),
            expiring: state(ExceptionState::Expiring),
            expired: state(ExceptionState::Expired),
            revoked: state(ExceptionState::Revoked),
        },
        remediations: RemediationTotals {
            total: model.remediations().count(),
            open: open.len(),
            overdue: open_in(OpenState::Overdue),
            escalated: open.iter().filter(|o| o.escalation.is_some()).count(),
            covered: open_in(OpenState::Covered),
            completed: completed.len(),
            closed,
        },
    };

    Report {
        version: 1,
        generator: concat!("foureyes ", env!("CARGO_PKG_VERSION")),
        today: model.today,
        totals,
        services,
        controls,
        exceptions,
        open_remediations: open,
        awaiting_verification: completed,
        diagnostics: diagnostics.iter().map(|l| cx.diag(l)).collect(),
    }
}

/// `foureyes report` and `who`: checks the repository at `root` as `check` does and hands
/// the report of what it holds to `render`.
pub fn run<T>(
    root: &std::path::Path,
    config: &Config,
    today: Date,
    render: impl FnOnce(&Report) -> T,
) -> crate::error::Result<T> {
    let outcome = check::run(root, config, today)?;
    let paths = outcome.files.iter().map(|f| f.rel.as_str()).collect();
    let model = Model::build(&outcome.docs, today, paths, None);
    let located = locate::locate(&outcome.files, outcome.diagnostics);
    let report = build(&model, &outcome.files, &located);
    let out = render(&report);
    // As for check: the process ends soon, freeing every row and document would only cost time.
    std::mem::forget(report);
    std::mem::forget(model);
    std::mem::forget((located, outcome.files, outcome.docs));
    Ok(out)
}

/// Gives each service the rows of each list that are about it, and their counts.
fn link_rows(
    services: &mut [ServiceRow],
    exceptions: &[ExceptionRow],
    open: &[OpenRow],
    completed: &[CompletedRow],
) {
    let index: HashMap<String, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let heads: [Vec<&RecordHead>; 3] = [
        exceptions.iter().map(|r| &r.head).collect(),
        open.iter().map(|r| &r.head).collect(),
        completed.iter().map(|r| &r.head).collect(),
    ];
    for (list, heads) in heads.iter().enumerate() {
        for (row, head) in heads.iter().enumerate() {
            if let Some(&i) = head.service.as_deref().and_then(|s| index.get(s)) {
                services[i].rows[list].push(row);
            }
        }
    }
    for s in services {
        s.records = ServiceCounts {
            exceptions: s.rows[0].len(),
            open: s.rows[1].len(),
            overdue: s.rows[1]
                .iter()
                .filter(|&&i| open[i].state == OpenState::Overdue)
                .count(),
            awaiting_verification: s.rows[2].len(),
        };
    }
}

impl Report<'_> {
    pub fn service(&self, id: &str) -> Option<&ServiceRow> {
        self.services.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::anchor;

    #[test]
    fn anchors_keep_valid_ids_and_encode_the_rest_apart() {
        assert_eq!(anchor("payments-api.v2_x"), "service-payments-api.v2_x");
        assert_eq!(anchor("a b"), "service-a~20b");
        assert_eq!(anchor("a~20b"), "service-a~7E20b");
        assert_eq!(anchor("\"><é"), "service-~22~3E~3C~C3~A9");
        assert_ne!(anchor("a b"), anchor("a~20b"));
    }
}
