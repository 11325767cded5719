//! Typed governance documents and the indexes the rules query.
//!
//! Documents are read leniently: a field that does not have its expected shape reads as
//! absent (the schema stage has already reported it), so a document with schema errors still
//! declares everything it declares validly and nothing cascades from one mistake.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::codeowners::Codeowners;
use crate::date::Date;

/// A field that reads as `None` when it is missing or malformed.
#[derive(Debug, Clone)]
pub struct L<T>(pub Option<T>);

impl<T> Default for L<T> {
    fn default() -> Self {
        L(None)
    }
}

thread_local! {
    /// Set while re-reading a document that failed strict reading (see `read_lenient`).
    static LENIENT: Cell<bool> = const { Cell::new(false) };
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for L<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if LENIENT.get() {
            // Buffering lets a malformed field fail alone instead of failing its parent.
            let v = Value::deserialize(d)?;
            Ok(L(T::deserialize(v).ok()))
        } else {
            T::deserialize(d).map(|t| L(Some(t)))
        }
    }
}

/// Reads `T` from a value. Strict reading borrows the value and succeeds for every
/// schema-valid document; only when it fails is the value read again field by field.
fn read_lenient<T: serde::de::DeserializeOwned + Default>(v: &Value) -> T {
    T::deserialize(v).unwrap_or_else(|_| {
        LENIENT.set(true);
        let t = T::deserialize(v).unwrap_or_default();
        LENIENT.set(false);
        t
    })
}

impl<T> L<T> {
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

/// A list whose malformed items read as `None`, keeping indexes (and so pointers) intact.
pub type List<T> = L<Vec<L<T>>>;

/// `(index, item)` for the well-formed items of a list.
pub fn items<T>(list: &List<T>) -> impl Iterator<Item = (usize, &T)> {
    list.get()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, x)| x.get().map(|x| (i, x)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Function {
    Security,
    Execution,
    Service,
    Risk,
    Validation,
}

impl Function {
    pub const ALL: [Function; 5] = [
        Function::Security,
        Function::Execution,
        Function::Service,
        Function::Risk,
        Function::Validation,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Function::Security => "security",
            Function::Execution => "execution",
            Function::Service => "service",
            Function::Risk => "risk",
            Function::Validation => "validation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level4 {
    Critical,
    High,
    Medium,
    Low,
}

impl Level4 {
    pub const ALL: [Level4; 4] = [Level4::Critical, Level4::High, Level4::Medium, Level4::Low];

    pub fn name(self) -> &'static str {
        match self {
            Level4::Critical => "critical",
            Level4::High => "high",
            Level4::Medium => "medium",
            Level4::Low => "low",
        }
    }

    /// Bit index for match sets.
    pub fn bit(self) -> u32 {
        self as u32
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    Required,
    Optional,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Metadata {
    #[serde(default)]
    pub id: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonDoc {
    #[serde(default)]
    pub id: L<String>,
    #[serde(default)]
    pub name: L<String>,
    #[serde(default)]
    pub emails: List<String>,
    #[serde(default)]
    pub handles: List<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeopleSpec {
    #[serde(default)]
    pub people: List<PersonDoc>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TeamSpec {
    #[serde(default)]
    pub functions: List<Function>,
    #[serde(default)]
    pub members: List<String>,
    #[serde(default)]
    pub lead: L<String>,
    #[serde(default)]
    pub scm: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Owners {
    #[serde(default)]
    pub security: L<String>,
    #[serde(default)]
    pub execution: L<String>,
    #[serde(default)]
    pub service: L<String>,
    #[serde(default)]
    pub risk: L<String>,
    #[serde(default)]
    pub validation: L<String>,
}

impl Owners {
    pub fn of(&self, f: Function) -> Option<&String> {
        match f {
            Function::Security => self.security.get(),
            Function::Execution => self.execution.get(),
            Function::Service => self.service.get(),
            Function::Risk => self.risk.get(),
            Function::Validation => self.validation.get(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Service {
    #[serde(default)]
    pub id: L<String>,
    #[serde(default)]
    pub criticality: L<Level4>,
    #[serde(default)]
    pub owners: L<Owners>,
    /// Where its code lives: `OWNER/NAME`, optionally followed by a folder (§7).
    #[serde(default)]
    pub repositories: List<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ControlOwners {
    #[serde(default)]
    pub control: L<String>,
    #[serde(default)]
    pub remediation: L<String>,
    #[serde(default)]
    pub risk: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Control {
    #[serde(default)]
    pub id: L<String>,
    #[serde(default)]
    pub services: List<String>,
    #[serde(default)]
    pub owners: L<ControlOwners>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OwnershipSpec {
    #[serde(default)]
    pub services: List<Service>,
    #[serde(default)]
    pub controls: List<Control>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Match {
    #[serde(default)]
    pub kev: L<bool>,
    #[serde(default)]
    pub severity: L<Vec<Level4>>,
    #[serde(default)]
    pub criticality: L<Vec<Level4>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub after_days: L<i64>,
    #[serde(default)]
    pub to: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TierExceptions {
    #[serde(default)]
    pub allowed: L<bool>,
    #[serde(default)]
    pub max_days: L<i64>,
    #[serde(default)]
    pub min_approvers: L<i64>,
    #[serde(default)]
    pub compensating_controls: L<Requirement>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tier {
    #[serde(default)]
    pub id: L<String>,
    #[serde(default, rename = "match")]
    pub matches: L<Match>,
    #[serde(default)]
    pub remediate_within_days: L<i64>,
    #[serde(default)]
    pub escalation: List<Step>,
    #[serde(default)]
    pub exceptions: L<TierExceptions>,
    #[serde(default)]
    pub verification: L<Requirement>,
}

impl Tier {
    pub fn exceptions_allowed(&self) -> bool {
        self.exceptions
            .get()
            .and_then(|e| e.allowed.get().copied())
            .unwrap_or(true)
    }
    pub fn min_approvers(&self) -> i64 {
        self.exceptions
            .get()
            .and_then(|e| e.min_approvers.get().copied())
            .unwrap_or(1)
    }

    /// The set of findings this tier matches, as a bit set over
    /// (kev: 2) × (severity: 4) × (criticality: 4 + "none").
    pub fn match_set(&self) -> Option<u64> {
        let m = self.matches.get()?;
        let mut set = 0u64;
        for kev in [false, true] {
            for sev in 0..4 {
                for crit in 0..5 {
                    let ok_kev = m.kev.get().is_none_or(|k| *k == kev);
                    let ok_sev = m
                        .severity
                        .get()
                        .is_none_or(|s| s.iter().any(|x| x.bit() == sev));
                    let ok_crit = m
                        .criticality
                        .get()
                        .is_none_or(|c| c.iter().any(|x| x.bit() == crit));
                    if ok_kev && ok_sev && ok_crit {
                        set |= 1 << (kev as u32 * 20 + sev * 5 + crit);
                    }
                }
            }
        }
        Some(set)
    }

    /// Whether a finding on a service of the given criticality falls in this tier.
    pub fn matches(&self, f: &FindingKey, criticality: Option<Level4>) -> bool {
        let Some(m) = self.matches.get() else {
            return false;
        };
        m.kev.get().is_none_or(|k| *k == f.kev)
            && m.severity.get().is_none_or(|s| s.contains(&f.severity))
            && m.criticality
                .get()
                .is_none_or(|c| criticality.is_some_and(|x| c.contains(&x)))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SlaSpec {
    #[serde(default)]
    pub expiry_warning_days: L<i64>,
    #[serde(default)]
    pub tiers: List<Tier>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Finding {
    #[serde(default)]
    pub id: L<String>,
    #[serde(default)]
    pub severity: L<Level4>,
    #[serde(default)]
    pub kev: L<bool>,
    /// Other ids of the same vulnerability (GHSA, RUSTSEC, vendor ids).
    #[serde(default)]
    pub aliases: List<String>,
}

/// A list field that is absent or empty; a malformed one (a schema error) is not "none".
pub fn none_listed(v: &Option<Value>) -> bool {
    match v {
        None => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// What tier matching needs to know about a finding.
pub struct FindingKey {
    pub severity: Level4,
    pub kev: bool,
}

impl Finding {
    pub fn key(&self) -> Option<FindingKey> {
        Some(FindingKey {
            severity: *self.severity.get()?,
            kev: self.kev.get().copied().unwrap_or(false),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Approval {
    #[serde(default)]
    pub by: L<String>,
    #[serde(default)]
    pub on: L<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExceptionStatus {
    Active,
    Revoked,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExceptionSpec {
    #[serde(default)]
    pub service: L<String>,
    #[serde(default)]
    pub finding: L<Finding>,
    #[serde(default)]
    pub tier: L<String>,
    #[serde(default)]
    pub requested_by: L<String>,
    #[serde(default)]
    pub requested_on: L<Date>,
    #[serde(default)]
    pub compensating_controls: Option<Value>,
    #[serde(default)]
    pub approvals: List<Approval>,
    #[serde(default)]
    pub expires: L<Date>,
    #[serde(default)]
    pub status: L<ExceptionStatus>,
}

impl ExceptionSpec {
    /// Active unless it says `revoked`.
    pub fn active(&self) -> bool {
        self.status.get() != Some(&ExceptionStatus::Revoked)
    }
    /// Granted on = the latest approval date.
    pub fn granted_on(&self) -> Option<Date> {
        items(&self.approvals)
            .filter_map(|(_, a)| a.on.get().copied())
            .max()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RemediationStatus {
    Open,
    Completed,
    Closed,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Verification {
    #[serde(default)]
    pub by: L<String>,
    #[serde(default)]
    pub on: L<Date>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RemediationSpec {
    #[serde(default)]
    pub service: L<String>,
    #[serde(default)]
    pub finding: L<Finding>,
    #[serde(default)]
    pub tier: L<String>,
    #[serde(default)]
    pub found_on: L<Date>,
    #[serde(default)]
    pub status: L<RemediationStatus>,
    #[serde(default)]
    pub implemented_by: L<String>,
    #[serde(default)]
    pub completed_on: L<Date>,
    #[serde(default)]
    pub evidence: Option<Value>,
    /// Present (even if malformed) means a verification was recorded.
    #[serde(default)]
    pub verification: Option<Value>,
}

impl RemediationSpec {
    pub fn verification(&self) -> Option<Verification> {
        self.verification.as_ref().map(read_lenient)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    People,
    Team,
    OwnershipMap,
    SlaPolicy,
    Exception,
    Remediation,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::People,
        Kind::Team,
        Kind::OwnershipMap,
        Kind::SlaPolicy,
        Kind::Exception,
        Kind::Remediation,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Kind::People => "People",
            Kind::Team => "Team",
            Kind::OwnershipMap => "OwnershipMap",
            Kind::SlaPolicy => "SlaPolicy",
            Kind::Exception => "Exception",
            Kind::Remediation => "Remediation",
        }
    }
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

#[derive(Debug, Clone)]
pub enum Body {
    People(PeopleSpec),
    Team(TeamSpec),
    OwnershipMap(OwnershipSpec),
    SlaPolicy(SlaSpec),
    Exception(ExceptionSpec),
    Remediation(RemediationSpec),
}

/// A governance document: where it is, its id and its typed spec.
#[derive(Debug, Clone)]
pub struct Doc {
    pub file: usize,
    /// Index among all YAML documents of the file.
    pub index: usize,
    pub id: Option<String>,
    pub body: Body,
}

impl Doc {
    pub fn kind(&self) -> Kind {
        match self.body {
            Body::People(_) => Kind::People,
            Body::Team(_) => Kind::Team,
            Body::OwnershipMap(_) => Kind::OwnershipMap,
            Body::SlaPolicy(_) => Kind::SlaPolicy,
            Body::Exception(_) => Kind::Exception,
            Body::Remediation(_) => Kind::Remediation,
        }
    }

    /// Reads a document leniently; `value` has already passed the envelope checks.
    pub fn from_value(file: usize, index: usize, kind: Kind, value: &Value) -> Doc {
        fn spec<T: serde::de::DeserializeOwned + Default>(v: &Value) -> T {
            v.get("spec").map(read_lenient).unwrap_or_default()
        }
        let id = value
            .get("metadata")
            .map(read_lenient::<Metadata>)
            .and_then(|m| m.id.0);
        let body = match kind {
            Kind::People => Body::People(spec(value)),
            Kind::Team => Body::Team(spec(value)),
            Kind::OwnershipMap => Body::OwnershipMap(spec(value)),
            Kind::SlaPolicy => Body::SlaPolicy(spec(value)),
            Kind::Exception => Body::Exception(spec(value)),
            Kind::Remediation => Body::Remediation(spec(value)),
        };
        Doc {
            file,
            index,
            id,
            body,
        }
    }
}

pub type PersonId = usize;

/// A record (Exception or Remediation) as tier checks see it: its document, service,
/// finding and declared tier.
pub type Record<'a> = (&'a Doc, &'a L<String>, &'a L<Finding>, &'a L<String>);

pub struct Team<'a> {
    pub doc: usize,
    pub spec: &'a TeamSpec,
    pub members: HashSet<PersonId>,
    pub functions: HashSet<Function>,
}

/// The indexes built once over all documents (in sorted order, so "first" wins).
pub struct Model<'a> {
    pub docs: &'a [Doc],
    pub today: Date,
    person_ids: HashMap<&'a str, PersonId>,
    /// The entry that defined each person (the first of equal ids), by [`PersonId`].
    people: Vec<&'a PersonDoc>,
    emails: HashMap<String, PersonId>,
    handles: HashMap<String, PersonId>,
    pub teams: HashMap<&'a str, Team<'a>>,
    pub services: HashMap<&'a str, &'a Service>,
    /// The governing SlaPolicy (the first one) and its document.
    pub policy: Option<(usize, &'a SlaSpec)>,
    /// (service, finding id) pairs covered by an active, unexpired exception.
    covering: HashSet<(&'a str, &'a str)>,
    /// Each checked file's path relative to the root, by file index.
    pub paths: Vec<&'a str>,
    /// The repository's CODEOWNERS, when it has one.
    pub codeowners: Option<&'a Codeowners>,
    /// The governing policy's tiers by id (the first of equal ids).
    tier_ids: HashMap<&'a str, &'a Tier>,
    /// The governing tier of each finding key ([`key_index`]): records look it up instead
    /// of scanning the tiers, which a hostile policy holds by the ten thousand.
    governing: Vec<Option<&'a Tier>>,
}

/// Index of (kev, severity, service criticality or none) in [`Model::governing`].
fn key_index(f: &FindingKey, criticality: Option<Level4>) -> usize {
    let crit = criticality.map_or(4, |c| c.bit() as usize);
    usize::from(f.kev) * 20 + f.severity.bit() as usize * 5 + crit
}

impl<'a> Model<'a> {
    pub fn build(
        docs: &'a [Doc],
        today: Date,
        paths: Vec<&'a str>,
        codeowners: Option<&'a Codeowners>,
    ) -> Model<'a> {
        let mut m = Model {
            docs,
            today,
            person_ids: HashMap::new(),
            people: Vec::new(),
            emails: HashMap::new(),
            handles: HashMap::new(),
            teams: HashMap::new(),
            services: HashMap::new(),
            policy: None,
            covering: HashSet::new(),
            paths,
            codeowners,
            tier_ids: HashMap::new(),
            governing: Vec::new(),
        };
        for (d, doc) in docs.iter().enumerate() {
            match &doc.body {
                Body::People(p) => {
                    for (_, person) in items(&p.people) {
                        let next = m.people.len();
                        let pid = match person.id.get() {
                            Some(id) => *m.person_ids.entry(id.as_str()).or_insert(next),
                            None => next,
                        };
                        if pid == next {
                            m.people.push(person);
                        }
                        for (_, e) in items(&person.emails) {
                            m.emails.entry(e.to_lowercase()).or_insert(pid);
                        }
                        for (_, h) in items(&person.handles) {
                            m.handles.entry(h.to_lowercase()).or_insert(pid);
                        }
                    }
                }
                Body::OwnershipMap(o) => {
                    for (_, s) in items(&o.services) {
                        if let Some(id) = s.id.get() {
                            m.services.entry(id.as_str()).or_insert(s);
                        }
                    }
                }
                Body::SlaPolicy(s) if m.policy.is_none() => {
                    m.policy = Some((d, s));
                }
                Body::Exception(e) if e.covers(today) => {
                    let finding = e.finding.get().and_then(|f| f.id.get());
                    if let (Some(s), Some(f)) = (e.service.get(), finding) {
                        m.covering.insert((s.as_str(), f.as_str()));
                    }
                }
                _ => {}
            }
        }
        let tiers: Vec<&Tier> = m.tiers().map(|(_, t)| t).collect();
        for t in &tiers {
            if let Some(id) = t.id.get() {
                m.tier_ids.entry(id.as_str()).or_insert(t);
            }
        }
        m.governing = vec![None; 40];
        for kev in [false, true] {
            for severity in Level4::ALL {
                for crit in Level4::ALL.map(Some).into_iter().chain([None]) {
                    let key = FindingKey { severity, kev };
                    m.governing[key_index(&key, crit)] =
                        tiers.iter().find(|t| t.matches(&key, crit)).copied();
                }
            }
        }
        // Teams second: their members resolve through the people indexes.
        for (d, doc) in docs.iter().enumerate() {
            if let (Body::Team(t), Some(id)) = (&doc.body, &doc.id) {
                if m.teams.contains_key(id.as_str()) {
                    continue;
                }
                let members = items(&t.members).filter_map(|(_, r)| m.person(r)).collect();
                let functions = items(&t.functions).map(|(_, f)| *f).collect();
                m.teams.insert(
                    id.as_str(),
                    Team {
                        doc: d,
                        spec: t,
                        members,
                        functions,
                    },
                );
            }
        }
        m
    }

    /// Resolves a person reference: `@handle` and e-mails case-insensitively, ids exactly.
    pub fn person(&self, r: &str) -> Option<PersonId> {
        if let Some(handle) = r.strip_prefix('@') {
            self.handles.get(&handle.to_lowercase()).copied()
        } else if r.contains('@') {
            self.emails.get(&r.to_lowercase()).copied()
        } else {
            self.person_ids.get(r).copied()
        }
    }

    /// The People entry of a resolved person.
    pub fn person_entry(&self, p: PersonId) -> Option<&'a PersonDoc> {
        self.people.get(p).copied()
    }

    /// The tiers of the governing policy, with their indexes.
    pub fn tiers(&self) -> impl Iterator<Item = (usize, &'a Tier)> {
        self.policy.into_iter().flat_map(|(_, p)| items(&p.tiers))
    }

    pub fn tier_by_id(&self, id: &str) -> Option<&'a Tier> {
        self.tier_ids.get(id).copied()
    }

    pub fn expiry_warning_days(&self) -> i64 {
        self.policy
            .and_then(|(_, p)| p.expiry_warning_days.get().copied())
            .unwrap_or(14)
    }
}

impl<'a> Model<'a> {
    /// The tier that governs a finding on a service: the first tier whose match holds.
    pub fn governing_tier(
        &self,
        service: Option<&String>,
        finding: &L<Finding>,
    ) -> Option<&'a Tier> {
        let key = finding.get()?.key()?;
        let crit = service
            .and_then(|s| self.services.get(s.as_str()))
            .and_then(|s| s.criticality.get().copied());
        self.governing.get(key_index(&key, crit)).copied().flatten()
    }

    /// Whether an active, unexpired exception covers this service and finding id.
    pub fn covered(&self, service: &str, finding: &str) -> bool {
        self.covering.contains(&(service, finding))
    }

    /// The exception documents, with their specs.
    pub fn exceptions(&self) -> impl Iterator<Item = (&'a Doc, &'a ExceptionSpec)> {
        self.docs.iter().filter_map(|d| match &d.body {
            Body::Exception(e) => Some((d, e)),
            _ => None,
        })
    }

    pub fn remediations(&self) -> impl Iterator<Item = (&'a Doc, &'a RemediationSpec)> {
        self.docs.iter().filter_map(|d| match &d.body {
            Body::Remediation(r) => Some((d, r)),
            _ => None,
        })
    }

    /// The team id a record's service names as its risk owner (resolved or not).
    pub fn risk_owner(&self, service: Option<&String>) -> Option<&'a str> {
        let s = self.services.get(service?.as_str())?;
        s.owners.get()?.risk.get().map(String::as_str)
    }

    /// Every record, Exceptions then Remediations.
    pub fn records(&self) -> impl Iterator<Item = Record<'a>> {
        let exceptions = self
            .exceptions()
            .map(|(d, e)| (d, &e.service, &e.finding, &e.tier));
        let remediations = self
            .remediations()
            .map(|(d, r)| (d, &r.service, &r.finding, &r.tier));
        exceptions.chain(remediations)
    }

    /// The team owning `function` for a record's service, if both resolve.
    pub fn owner_team(&self, service: Option<&String>, function: Function) -> Option<&Team<'a>> {
        let s = self.services.get(service?.as_str())?;
        let team = s.owners.get()?.of(function)?;
        self.teams.get(team.as_str())
    }
}

impl ExceptionSpec {
    /// Covers its service and finding on `today`: active and not yet expired.
    pub fn covers(&self, today: Date) -> bool {
        self.active() && self.expires.get().is_some_and(|e| *e >= today)
    }
}
