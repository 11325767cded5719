//! Typed governance documents and the indexes the rules query.
//!
//! Documents are read leniently: a field that does not have its expected shape reads as
//! absent (the schema stage has already reported it), so a document with schema errors still
//! declares everything it declares validly and nothing cascades from one mistake. Numbers,
//! dates and match lists read only within the bounds their schema sets ([`Bounded`],
//! [`Date`], [`MatchList`]), so no rule sees a value the schema rejects.
//!
//! Records (Exceptions and Remediations) are resolved once, in [`Model::build`]: their
//! service, their executing and risk teams (from their control when they name one), and the
//! tier that governs their finding ([`Resolved`]). Every rule that needs any of these asks
//! the model, so a record whose service does not resolve is skipped alike by all of them
//! (R003 is its only diagnostic about it).

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::codeowners::Codeowners;
use crate::date::Date;
use crate::kev::Catalog;

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
    pub(crate) fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

/// A list whose malformed items read as `None`, keeping indexes (and so pointers) intact.
pub(crate) type List<T> = L<Vec<L<T>>>;

/// `(index, item)` for the well-formed items of a list.
pub(crate) fn items<T>(list: &List<T>) -> impl Iterator<Item = (usize, &T)> {
    list.get()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, x)| x.get().map(|x| (i, x)))
}

/// A field whose absence has a meaning (a default) that a malformed value must not take:
/// a finding whose `kev`, or a service whose `criticality`, the schema rejects could be of
/// any class, so tier matching does not read it as the default.
#[derive(Debug, Clone, Copy, Default)]
pub enum Given<T> {
    #[default]
    Missing,
    Malformed,
    Valid(T),
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Given<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let L(v) = L::<T>::deserialize(d)?;
        Ok(v.map_or(Given::Malformed, Given::Valid))
    }
}

/// An integer within `MIN..=MAX`, the bounds its schema sets. A number outside them, or a
/// value that is not an integer, does not read, so the field is absent for every rule and
/// arithmetic on it cannot overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bounded<const MIN: i64, const MAX: i64>(i64);

/// Day counts: `after_days`, `expiry_warning_days`.
pub(crate) type Days = Bounded<0, 36500>;
/// Deadlines and windows: `remediate_within_days`, `max_days`, `monitoring_days`.
pub(crate) type Deadline = Bounded<1, 36500>;
/// `min_approvers`.
pub(crate) type Approvers = Bounded<1, 100>;

impl<const MIN: i64, const MAX: i64> Bounded<MIN, MAX> {
    pub(crate) fn new(n: i64) -> Option<Self> {
        (MIN..=MAX).contains(&n).then_some(Bounded(n))
    }

    pub(crate) fn get(self) -> i64 {
        self.0
    }
}

impl<const MIN: i64, const MAX: i64> std::fmt::Display for Bounded<MIN, MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de, const MIN: i64, const MAX: i64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        // JSON Schema counts a number without a fractional part (`14.0`, `1e3`) as an integer.
        let int = n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && (MIN as f64..=MAX as f64).contains(&f)).then_some(f as i64)
        });
        int.and_then(Self::new).ok_or_else(|| {
            serde::de::Error::custom(format_args!("not an integer from {MIN} to {MAX}"))
        })
    }
}

/// A `match` list: not empty and without repeats, as the schema requires.
#[derive(Debug, Clone)]
pub struct MatchList<T>(Vec<T>);

impl<T: PartialEq> MatchList<T> {
    pub(crate) fn contains(&self, x: &T) -> bool {
        self.0.contains(x)
    }
}

impl<'de, T: Deserialize<'de> + PartialEq> Deserialize<'de> for MatchList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<T>::deserialize(d)?;
        // Stops at the first repeat, so this is quick for items of a small enum.
        let repeats = v.iter().enumerate().any(|(i, x)| v[..i].contains(x));
        if v.is_empty() || repeats {
            return Err(serde::de::Error::custom(
                "an empty list, or one with repeats",
            ));
        }
        Ok(MatchList(v))
    }
}

/// Reads a present field as `Some`; with `#[serde(default)]` a missing one is `None`. Unlike
/// a plain `Option`, an explicit `null` is an error, as the schema says.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
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
    pub(crate) const ALL: [Function; 5] = [
        Function::Security,
        Function::Execution,
        Function::Service,
        Function::Risk,
        Function::Validation,
    ];
    pub(crate) fn name(self) -> &'static str {
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
    pub(crate) const ALL: [Level4; 4] =
        [Level4::Critical, Level4::High, Level4::Medium, Level4::Low];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Level4::Critical => "critical",
            Level4::High => "high",
            Level4::Medium => "medium",
            Level4::Low => "low",
        }
    }

    /// Position in [`Level4::ALL`].
    fn index(self) -> usize {
        self as usize
    }
}

/// Where a vulnerable system can be reached from, worst first: a lower exposure (a later
/// variant) lowers urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exposure {
    Internet,
    Internal,
    Isolated,
}

impl Exposure {
    pub(crate) const ALL: [Exposure; 3] =
        [Exposure::Internet, Exposure::Internal, Exposure::Isolated];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Exposure::Internet => "internet",
            Exposure::Internal => "internal",
            Exposure::Isolated => "isolated",
        }
    }

    /// Position in [`Exposure::ALL`].
    fn index(self) -> usize {
        self as usize
    }
}

/// What kind of failure a finding is. Secrets, identity and authorisation are failures of a
/// trust decision, owned where the decision is made (O007).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Vulnerability,
    Configuration,
    Secret,
    Identity,
    Authorisation,
}

impl Category {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Category::Vulnerability => "vulnerability",
            Category::Configuration => "configuration",
            Category::Secret => "secret",
            Category::Identity => "identity",
            Category::Authorisation => "authorisation",
        }
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
    pub(crate) id: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonDoc {
    #[serde(default)]
    pub(crate) id: L<String>,
    #[serde(default)]
    pub(crate) name: L<String>,
    #[serde(default)]
    pub(crate) emails: List<String>,
    #[serde(default)]
    pub(crate) handles: List<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeopleSpec {
    #[serde(default)]
    pub(crate) people: List<PersonDoc>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TeamSpec {
    #[serde(default)]
    pub(crate) name: L<String>,
    #[serde(default)]
    pub(crate) functions: List<Function>,
    #[serde(default)]
    pub(crate) members: List<String>,
    #[serde(default)]
    pub(crate) lead: L<String>,
    #[serde(default)]
    pub(crate) scm: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Owners {
    #[serde(default)]
    pub(crate) security: L<String>,
    #[serde(default)]
    pub(crate) execution: L<String>,
    #[serde(default)]
    pub(crate) service: L<String>,
    #[serde(default)]
    pub(crate) risk: L<String>,
    #[serde(default)]
    pub(crate) validation: L<String>,
}

impl Owners {
    pub(crate) fn of(&self, f: Function) -> Option<&String> {
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
    pub(crate) id: L<String>,
    #[serde(default)]
    pub(crate) name: L<String>,
    #[serde(default)]
    pub(crate) criticality: Given<Level4>,
    #[serde(default)]
    pub(crate) owners: L<Owners>,
    /// Where its code lives: `OWNER/NAME`, optionally followed by a folder (§7).
    #[serde(default)]
    pub(crate) repositories: List<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ControlOwners {
    #[serde(default)]
    pub(crate) control: L<String>,
    #[serde(default)]
    pub(crate) remediation: L<String>,
    #[serde(default)]
    pub(crate) risk: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Control {
    #[serde(default)]
    pub(crate) id: L<String>,
    #[serde(default)]
    pub(crate) name: L<String>,
    #[serde(default)]
    pub(crate) layer: L<String>,
    #[serde(default)]
    pub(crate) services: List<String>,
    #[serde(default)]
    pub(crate) owners: L<ControlOwners>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OwnershipSpec {
    #[serde(default)]
    pub(crate) services: List<Service>,
    #[serde(default)]
    pub(crate) controls: List<Control>,
}

/// A tier's conditions, read whole or not at all: a `match` the schema rejects in any part
/// (an unknown condition, an empty list) is absent, and the policy's tier order is unknown.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    #[serde(default, deserialize_with = "present")]
    pub(crate) kev: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) severity: Option<MatchList<Level4>>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) criticality: Option<MatchList<Level4>>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) exposure: Option<MatchList<Exposure>>,
}

impl Match {
    /// Whether every condition given holds for findings of this class.
    pub(crate) fn holds(&self, c: FindingClass) -> bool {
        self.kev.is_none_or(|k| k == c.kev)
            && self
                .severity
                .as_ref()
                .is_none_or(|s| s.contains(&c.severity))
            && (self.criticality.as_ref())
                .is_none_or(|l| c.criticality.is_some_and(|x| l.contains(&x)))
            && (self.exposure.as_ref()).is_none_or(|l| l.contains(&c.exposure))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub(crate) after_days: L<Days>,
    #[serde(default)]
    pub(crate) to: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TierExceptions {
    #[serde(default)]
    pub(crate) allowed: L<bool>,
    #[serde(default)]
    pub(crate) max_days: L<Deadline>,
    #[serde(default)]
    pub(crate) min_approvers: L<Approvers>,
    #[serde(default)]
    pub(crate) compensating_controls: L<Requirement>,
    #[serde(default)]
    pub(crate) service_signoff: L<Requirement>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tier {
    #[serde(default)]
    pub(crate) id: L<String>,
    #[serde(default, rename = "match")]
    pub(crate) matches: L<Match>,
    #[serde(default)]
    pub(crate) remediate_within_days: L<Deadline>,
    #[serde(default)]
    pub(crate) escalation: List<Step>,
    #[serde(default)]
    pub(crate) exceptions: L<TierExceptions>,
    #[serde(default)]
    pub(crate) verification: L<Requirement>,
    #[serde(default)]
    pub(crate) monitoring_days: L<Deadline>,
}

impl Tier {
    pub(crate) fn exceptions_allowed(&self) -> bool {
        self.exceptions
            .get()
            .and_then(|e| e.allowed.get().copied())
            .unwrap_or(true)
    }

    /// Due on = `found_on` + `remediate_within_days`.
    pub(crate) fn due(&self, found_on: Date) -> Option<Date> {
        self.remediate_within_days
            .get()
            .and_then(|days| found_on.plus(days.get()))
    }

    /// The latest escalation step (index, step) that a record open for `age` days has
    /// passed (age ≥ `after_days`), as D002 names it, and the next one it has not.
    pub(crate) fn escalation_at(&self, age: i64) -> [Option<(usize, &Step)>; 2] {
        let mut steps: Vec<(usize, &Step, i64)> = items(&self.escalation)
            .filter_map(|(i, s)| {
                Some((i, s, s.after_days.get()?.get())).filter(|_| s.to.get().is_some())
            })
            .collect();
        // Stable: of equal `after_days`, the later step wins, as in D002.
        steps.sort_by_key(|&(_, _, after)| after);
        let passed = steps.iter().rev().find(|(_, _, after)| age >= *after);
        let next = steps.iter().find(|(_, _, after)| age < *after);
        [passed, next].map(|s| s.map(|&(i, s, _)| (i, s)))
    }

    pub(crate) fn min_approvers(&self) -> i64 {
        self.exceptions
            .get()
            .and_then(|e| e.min_approvers.get())
            .map_or(1, |n| n.get())
    }

    /// The findings this tier matches; None when its `match` is missing or malformed.
    pub(crate) fn match_set(&self) -> Option<ClassSet> {
        let m = self.matches.get()?;
        Some(ClassSet::of(|c| m.holds(c)))
    }
}

/// The class of a finding for tier matching: everything a tier's `match` can look at. The
/// finding space is enumerated by this one type, for the governing-tier table and for T004's
/// match sets alike; another match dimension is another field here (and in [`Match::holds`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingClass {
    /// The finding's exposure; `internet` when it states none (SPEC §5).
    pub(crate) exposure: Exposure,
    pub(crate) kev: bool,
    pub(crate) severity: Level4,
    /// The service's criticality; None when the service declares none.
    pub(crate) criticality: Option<Level4>,
}

impl FindingClass {
    const CRITICALITIES: usize = Level4::ALL.len() + 1;
    pub(crate) const COUNT: usize =
        Exposure::ALL.len() * 2 * Level4::ALL.len() * Self::CRITICALITIES;

    /// Every class, in the order of [`FindingClass::index`].
    pub(crate) fn all() -> impl Iterator<Item = FindingClass> {
        Exposure::ALL.into_iter().flat_map(|exposure| {
            [false, true].into_iter().flat_map(move |kev| {
                Level4::ALL.into_iter().flat_map(move |severity| {
                    let criticalities = Level4::ALL.map(Some).into_iter().chain([None]);
                    criticalities.map(move |criticality| FindingClass {
                        exposure,
                        kev,
                        severity,
                        criticality,
                    })
                })
            })
        })
    }

    /// The class's position in `0..COUNT`.
    fn index(self) -> usize {
        let crit = self.criticality.map_or(Level4::ALL.len(), Level4::index);
        let kev_severity = usize::from(self.kev) * Level4::ALL.len() + self.severity.index();
        (self.exposure.index() * 2 * Level4::ALL.len() + kev_severity) * Self::CRITICALITIES + crit
    }
}

/// A set of finding classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ClassSet(u128);

const _: () = assert!(FindingClass::COUNT <= u128::BITS as usize);

impl ClassSet {
    /// The classes for which `f` holds.
    pub(crate) fn of(f: impl Fn(FindingClass) -> bool) -> ClassSet {
        let bits = FindingClass::all()
            .filter(|c| f(*c))
            .fold(0, |bits, c| bits | 1 << c.index());
        ClassSet(bits)
    }

    pub(crate) fn contains(self, c: FindingClass) -> bool {
        self.0 & 1 << c.index() != 0
    }

    pub(crate) fn is_subset(self, other: ClassSet) -> bool {
        self.0 & !other.0 == 0
    }

    fn union(self, other: ClassSet) -> ClassSet {
        ClassSet(self.0 | other.0)
    }

    fn classes(self) -> impl Iterator<Item = FindingClass> {
        FindingClass::all().filter(move |c| self.contains(*c))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SlaSpec {
    #[serde(default)]
    pub(crate) expiry_warning_days: L<Days>,
    #[serde(default)]
    pub(crate) tiers: List<Tier>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Finding {
    #[serde(default)]
    pub(crate) id: L<String>,
    #[serde(default)]
    pub(crate) severity: L<Level4>,
    #[serde(default)]
    pub(crate) kev: Given<bool>,
    #[serde(default)]
    pub(crate) aliases: List<String>,
    #[serde(default)]
    pub(crate) category: L<Category>,
    #[serde(default)]
    pub(crate) exposure: Given<Exposure>,
}

impl Finding {
    /// The finding's id, then its aliases: every name the vulnerability goes by.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        let aliases = items(&self.aliases).map(|(_, a)| a);
        self.id.get().into_iter().chain(aliases).map(String::as_str)
    }

    /// Whether two records are about the same finding (SPEC §5): any id or alias of one
    /// equals any id or alias of the other, ASCII case-insensitively. Coverage, E008, K001,
    /// K002 and the commands that hold scanner output against records all ask this.
    pub fn same_as(&self, other: &Finding) -> bool {
        self.names()
            .any(|a| other.names().any(|b| a.eq_ignore_ascii_case(b)))
    }

    /// The exposure the finding states, when it states a valid one.
    pub(crate) fn stated_exposure(&self) -> Option<Exposure> {
        match self.exposure {
            Given::Valid(e) => Some(e),
            Given::Missing | Given::Malformed => None,
        }
    }

    /// The classes this finding may be of, on a service of the given criticality: one, unless
    /// a field is missing or malformed (then every value it could have).
    fn classes(&self, criticality: Given<Level4>) -> ClassSet {
        ClassSet::of(|c| {
            let kev = match self.kev {
                Given::Missing => !c.kev,
                Given::Malformed => true,
                Given::Valid(k) => k == c.kev,
            };
            // No exposure is the worst case: a slower tier needs a stated (reviewed) one.
            let exposure = match self.exposure {
                Given::Missing => c.exposure == Exposure::Internet,
                Given::Malformed => true,
                Given::Valid(e) => e == c.exposure,
            };
            let severity = self.severity.get().is_none_or(|s| *s == c.severity);
            let criticality = match criticality {
                Given::Missing => c.criticality.is_none(),
                Given::Malformed => true,
                Given::Valid(x) => c.criticality == Some(x),
            };
            exposure && kev && severity && criticality
        })
    }
}

/// A list field that is absent or empty; a malformed one (a schema error) is not "none".
pub(crate) fn none_listed(v: &Option<Value>) -> bool {
    match v {
        None => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// The review that established a finding's exposure (V006, V007).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExposureReview {
    #[serde(default)]
    pub(crate) security: L<String>,
    #[serde(default)]
    pub(crate) system: L<String>,
    #[serde(default)]
    pub(crate) on: L<Date>,
}

/// A service owner's sign-off on an exception (A005).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Signoff {
    #[serde(default)]
    pub(crate) by: L<String>,
    #[serde(default)]
    pub(crate) on: L<Date>,
}

/// Who watches after a fix, and until when (V008, V009).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Monitoring {
    #[serde(default)]
    pub(crate) security: L<String>,
    #[serde(default)]
    pub(crate) owner: L<String>,
    #[serde(default)]
    pub(crate) until: L<Date>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Approval {
    #[serde(default)]
    pub(crate) by: L<String>,
    #[serde(default)]
    pub(crate) on: L<Date>,
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
    pub(crate) service: L<String>,
    #[serde(default)]
    pub(crate) finding: L<Finding>,
    #[serde(default)]
    pub(crate) tier: L<String>,
    #[serde(default)]
    pub(crate) control: L<String>,
    #[serde(default)]
    pub(crate) exposure_review: L<ExposureReview>,
    #[serde(default)]
    pub(crate) service_signoff: L<Signoff>,
    #[serde(default)]
    pub(crate) requested_by: L<String>,
    #[serde(default)]
    pub(crate) requested_on: L<Date>,
    #[serde(default)]
    pub(crate) justification: L<String>,
    #[serde(default)]
    pub(crate) compensating_controls: Option<Value>,
    #[serde(default)]
    pub(crate) approvals: List<Approval>,
    #[serde(default)]
    pub(crate) expires: L<Date>,
    #[serde(default)]
    pub(crate) status: L<ExceptionStatus>,
}

impl ExceptionSpec {
    /// Active unless it says `revoked`.
    pub(crate) fn active(&self) -> bool {
        self.status.get() != Some(&ExceptionStatus::Revoked)
    }
    /// Granted on = the latest approval date.
    pub(crate) fn granted_on(&self) -> Option<Date> {
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
    pub(crate) by: L<String>,
    #[serde(default)]
    pub(crate) on: L<Date>,
    #[serde(default)]
    pub(crate) method: L<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RemediationSpec {
    #[serde(default)]
    pub(crate) service: L<String>,
    #[serde(default)]
    pub(crate) finding: L<Finding>,
    #[serde(default)]
    pub(crate) tier: L<String>,
    #[serde(default)]
    pub(crate) control: L<String>,
    #[serde(default)]
    pub(crate) exposure_review: L<ExposureReview>,
    #[serde(default)]
    pub(crate) monitoring: L<Monitoring>,
    #[serde(default)]
    pub(crate) found_on: L<Date>,
    #[serde(default)]
    pub(crate) status: L<RemediationStatus>,
    #[serde(default)]
    pub(crate) implemented_by: L<String>,
    #[serde(default)]
    pub(crate) completed_on: L<Date>,
    #[serde(default)]
    pub(crate) evidence: Option<Value>,
    /// Present (even if malformed) means a verification was recorded.
    #[serde(default)]
    pub(crate) verification: Option<L<Verification>>,
}

impl RemediationSpec {
    /// The recorded verification; one the schema rejects as a whole reads as empty.
    pub(crate) fn verification(&self) -> Option<&Verification> {
        const EMPTY: &Verification = &Verification {
            by: L(None),
            on: L(None),
            method: L(None),
        };
        self.verification.as_ref().map(|v| v.get().unwrap_or(EMPTY))
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
    pub(crate) fn from_name(s: &str) -> Option<Kind> {
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
    pub(crate) file: usize,
    /// Index among all YAML documents of the file.
    pub(crate) index: usize,
    pub(crate) id: Option<String>,
    pub(crate) body: Body,
}

impl Doc {
    pub(crate) fn kind(&self) -> Kind {
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
    pub(crate) fn from_value(file: usize, index: usize, kind: Kind, value: &Value) -> Doc {
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

pub(crate) type PersonId = usize;

/// A record (Exception or Remediation) as tier checks see it: its document, service,
/// finding and declared tier.
pub(crate) type Record<'a> = (&'a Doc, &'a L<String>, &'a L<Finding>, &'a L<String>);

pub(crate) struct Team<'a> {
    pub(crate) doc: usize,
    pub(crate) spec: &'a TeamSpec,
    /// The persons of `members` and the `lead`: the lead counts as a member wherever a rule
    /// asks whether a person is one (O005 reads `members` itself).
    pub(crate) members: HashSet<PersonId>,
    pub(crate) functions: HashSet<Function>,
}

/// The tier that governs a record's finding.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Governing<'a> {
    /// The first tier whose match holds.
    Tier(&'a Tier),
    /// No tier matches the finding (R004).
    NoTier,
    /// Not known: there is no policy, its tier order is unknown (its `tiers` are missing or
    /// malformed), or the tier depends on a finding field the schema rejects.
    Unknown,
}

/// What the model resolved about a record whose `service` resolves. A record without one
/// (its service is absent, malformed or unknown: S001 or R003) is skipped by every rule that
/// needs its service, its owners or its tier.
pub(crate) struct Resolved<'a> {
    pub(crate) service: &'a Service,
    /// The record's executing and risk teams (team ids, resolved or not), decided once
    /// here for every rule (SPEC §5): a record that names a control is a failure of that
    /// trust decision, owned by the control's `remediation` and `risk` owners; any other
    /// by its service's `execution` and `risk` owners. A control that does not resolve
    /// (R007) routes nowhere, never back to the service.
    pub(crate) executing: Option<&'a str>,
    pub(crate) risk: Option<&'a str>,
    pub(crate) governing: Governing<'a>,
    /// The declared `tier` and the tier of that id, when the record declares one and the
    /// policy's tier order is known; `(id, None)` when no tier has that id (R004).
    pub(crate) declared: Option<(&'a str, Option<&'a Tier>)>,
}

/// The governing policy's tiers, when their order is known: `tiers` is a non-empty list of
/// tiers that each have a well-formed `match`.
struct TierOrder<'a> {
    /// By id, the first of equal ids.
    by_id: HashMap<&'a str, &'a Tier>,
    /// The governing tier of each finding class, by [`FindingClass::index`]: records look it
    /// up instead of scanning the tiers, which a hostile policy holds by the ten thousand.
    governing: Vec<Option<&'a Tier>>,
}

impl<'a> TierOrder<'a> {
    fn of(policy: &'a SlaSpec) -> Option<TierOrder<'a>> {
        let tiers = policy.tiers.get().filter(|t| !t.is_empty())?;
        let mut order = TierOrder {
            by_id: HashMap::new(),
            governing: vec![None; FindingClass::COUNT],
        };
        let mut taken = ClassSet::default();
        for tier in tiers {
            let tier = tier.get()?;
            let set = tier.match_set()?;
            if let Some(id) = tier.id.get() {
                order.by_id.entry(id.as_str()).or_insert(tier);
            }
            if !set.is_subset(taken) {
                for c in set.classes().filter(|c| !taken.contains(*c)) {
                    order.governing[c.index()] = Some(tier);
                }
                taken = taken.union(set);
            }
        }
        Some(order)
    }

    /// The tier of every class in `classes`, when it is the same for all of them.
    fn governing(&self, classes: ClassSet) -> Governing<'a> {
        let mut tiers = classes.classes().map(|c| self.governing[c.index()]);
        let Some(first) = tiers.next() else {
            return Governing::Unknown;
        };
        if !tiers.all(|t| t.map(std::ptr::from_ref) == first.map(std::ptr::from_ref)) {
            return Governing::Unknown;
        }
        first.map_or(Governing::NoTier, Governing::Tier)
    }
}

/// The indexes built once over all documents (in sorted order, so "first" wins).
pub(crate) struct Model<'a> {
    pub(crate) docs: &'a [Doc],
    pub(crate) today: Date,
    person_ids: HashMap<&'a str, PersonId>,
    /// The entry that defined each person (the first of equal ids), by [`PersonId`].
    people: Vec<&'a PersonDoc>,
    emails: HashMap<String, PersonId>,
    handles: HashMap<String, PersonId>,
    pub(crate) teams: HashMap<&'a str, Team<'a>>,
    pub(crate) services: HashMap<&'a str, &'a Service>,
    /// Controls by id (the first of equal ids).
    pub(crate) controls: HashMap<&'a str, &'a Control>,
    /// The governing SlaPolicy (the first one).
    policy: Option<&'a SlaSpec>,
    tier_order: Option<TierOrder<'a>>,
    /// (service, upper-cased finding id or alias) pairs covered by an active, unexpired
    /// exception.
    covering: HashSet<(&'a str, String)>,
    /// Records whose service resolves, by (file, document index).
    resolved: HashMap<(usize, usize), Resolved<'a>>,
    /// Each checked file's path relative to the root, by file index.
    pub(crate) paths: Vec<&'a str>,
    /// The repository's CODEOWNERS, when it has one.
    pub(crate) codeowners: Option<&'a Codeowners>,
    /// Pull-request mode: the model of the base commit, which the history rules compare
    /// with this one.
    pub(crate) base: Option<&'a Model<'a>>,
    /// Files whose documents could not all be read (P001, P003, P004, P005): a record
    /// missing from one is unknown, not gone.
    pub(crate) incomplete: HashSet<usize>,
    /// The index in [`Model::paths`] of the config file `foureyes.yaml` at the checked root,
    /// when there is one.
    pub(crate) config_file: Option<usize>,
    /// The KEV catalog, when the check has one (K001, K002).
    pub(crate) kev: Option<&'a Catalog>,
}

impl<'a> Model<'a> {
    pub(crate) fn build(
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
            controls: HashMap::new(),
            policy: None,
            tier_order: None,
            covering: HashSet::new(),
            resolved: HashMap::new(),
            paths,
            codeowners,
            base: None,
            incomplete: HashSet::new(),
            config_file: None,
            kev: None,
        };
        m.index_people();
        m.index_documents();
        m.tier_order = m.policy.and_then(TierOrder::of);
        // Teams after people: their members resolve through the people indexes.
        m.index_teams();
        m.resolve_records();
        m
    }

    fn index_people(&mut self) {
        for doc in self.docs {
            let Body::People(p) = &doc.body else { continue };
            for (_, person) in items(&p.people) {
                // An entry without an id is still one person, whom its e-mails name.
                let next = self.people.len();
                let pid = match person.id.get() {
                    Some(id) => *self.person_ids.entry(id).or_insert(next),
                    None => next,
                };
                if pid == next {
                    self.people.push(person);
                }
                for (_, e) in items(&person.emails) {
                    self.emails.entry(e.to_lowercase()).or_insert(pid);
                }
                for (_, h) in items(&person.handles) {
                    self.handles.entry(h.to_lowercase()).or_insert(pid);
                }
            }
        }
    }

    /// Services, the governing policy and what exceptions cover.
    fn index_documents(&mut self) {
        for doc in self.docs {
            match &doc.body {
                Body::OwnershipMap(o) => {
                    for (_, s) in items(&o.services) {
                        if let Some(id) = s.id.get() {
                            self.services.entry(id.as_str()).or_insert(s);
                        }
                    }
                    for (_, c) in items(&o.controls) {
                        if let Some(id) = c.id.get() {
                            self.controls.entry(id.as_str()).or_insert(c);
                        }
                    }
                }
                Body::SlaPolicy(s) if self.policy.is_none() => self.policy = Some(s),
                Body::Exception(e) if e.covers(self.today) => {
                    if let (Some(s), Some(f)) = (e.service.get(), e.finding.get()) {
                        for name in f.names() {
                            self.covering
                                .insert((s.as_str(), name.to_ascii_uppercase()));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn index_teams(&mut self) {
        for (d, doc) in self.docs.iter().enumerate() {
            let (Body::Team(t), Some(id)) = (&doc.body, &doc.id) else {
                continue;
            };
            if self.teams.contains_key(id.as_str()) {
                continue;
            }
            let lead = t.lead.get().and_then(|r| self.person(r));
            let members = items(&t.members)
                .filter_map(|(_, r)| self.person(r))
                .chain(lead)
                .collect();
            let functions = items(&t.functions).map(|(_, f)| *f).collect();
            let team = Team {
                doc: d,
                spec: t,
                members,
                functions,
            };
            self.teams.insert(id.as_str(), team);
        }
    }

    fn resolve_records(&mut self) {
        for (doc, service, finding, declared) in self.records() {
            let Some(&service) = service.get().and_then(|s| self.services.get(s.as_str())) else {
                continue;
            };
            let owners = service.owners.get();
            let (executing, risk) = match control_of(doc) {
                Some(c) => {
                    let owners = self.controls.get(c.as_str()).and_then(|c| c.owners.get());
                    let id = |team: fn(&'a ControlOwners) -> &'a L<String>| {
                        owners.and_then(|o| team(o).get()).map(String::as_str)
                    };
                    (id(|o| &o.remediation), id(|o| &o.risk))
                }
                None => {
                    let id = |f| owners.and_then(|o| o.of(f)).map(String::as_str);
                    (id(Function::Execution), id(Function::Risk))
                }
            };
            let Some(order) = &self.tier_order else {
                let unknown = Resolved {
                    service,
                    executing,
                    risk,
                    governing: Governing::Unknown,
                    declared: None,
                };
                self.resolved.insert((doc.file, doc.index), unknown);
                continue;
            };
            let governing = match finding.get() {
                Some(f) => order.governing(f.classes(service.criticality)),
                None => Governing::Unknown,
            };
            let declared = declared
                .get()
                .map(|id| (id.as_str(), order.by_id.get(id.as_str()).copied()));
            let resolved = Resolved {
                service,
                executing,
                risk,
                governing,
                declared,
            };
            self.resolved.insert((doc.file, doc.index), resolved);
        }
    }

    /// Resolves a person reference: `@handle` and e-mails case-insensitively, ids exactly.
    pub(crate) fn person(&self, r: &str) -> Option<PersonId> {
        if let Some(handle) = r.strip_prefix('@') {
            self.handles.get(&handle.to_lowercase()).copied()
        } else if r.contains('@') {
            self.emails.get(&r.to_lowercase()).copied()
        } else {
            self.person_ids.get(r).copied()
        }
    }

    /// The People entry of a resolved person.
    pub(crate) fn person_entry(&self, p: PersonId) -> Option<&'a PersonDoc> {
        self.people.get(p).copied()
    }

    /// The ids of the governing policy's tiers, when their order is known.
    pub(crate) fn tier_ids(&self) -> impl Iterator<Item = &'a str> {
        self.tier_order.iter().flat_map(|o| o.by_id.keys().copied())
    }

    /// The governing policy's `expiry_warning_days`, 14 when not given.
    pub(crate) fn expiry_warning_days(&self) -> i64 {
        self.policy
            .and_then(|p| p.expiry_warning_days.get())
            .map_or(14, |d| d.get())
    }

    /// What the model resolved about a record; None when its service does not resolve.
    pub(crate) fn resolved(&self, doc: &Doc) -> Option<&Resolved<'a>> {
        self.resolved.get(&(doc.file, doc.index))
    }

    /// The tier that governs findings of one class (a scanner's finding on a service).
    pub(crate) fn governing_class(&self, class: FindingClass) -> Governing<'a> {
        match &self.tier_order {
            Some(order) => order.governing(ClassSet::of(|c| c == class)),
            None => Governing::Unknown,
        }
    }

    /// The tier that governs a record, when it is known.
    pub(crate) fn tier_of(&self, doc: &Doc) -> Option<&'a Tier> {
        match self.resolved(doc)?.governing {
            Governing::Tier(t) => Some(t),
            Governing::NoTier | Governing::Unknown => None,
        }
    }

    /// The team owning `function` for a record's service, if both resolve.
    pub(crate) fn owner_team(&self, doc: &Doc, function: Function) -> Option<&Team<'a>> {
        let team = self.owner_id(doc, function)?;
        self.teams.get(team)
    }

    /// The team id a record's service names as the owner of `function` (resolved or not).
    pub(crate) fn owner_id(&self, doc: &Doc, function: Function) -> Option<&'a str> {
        let owners = self.resolved(doc)?.service.owners.get()?;
        owners.of(function).map(String::as_str)
    }

    /// A record's executing team (SPEC §5), with its id, when the record's service, its
    /// control (if it names one) and the team resolve: the team whose members may not
    /// approve or verify (A002, V002, G001) and who make and watch the change (V007, V009,
    /// V010). Every rule asks here, so routing is decided in one place.
    pub(crate) fn executing_team(&self, doc: &Doc) -> Option<(&'a str, &Team<'a>)> {
        let id = self.resolved(doc)?.executing?;
        Some((id, self.teams.get(id)?))
    }

    /// A record's risk team (SPEC §5), with its id, when it resolves: the team its
    /// approvers must belong to (A003, G001) and its file's code owner (G003).
    pub(crate) fn risk_team(&self, doc: &Doc) -> Option<(&'a str, &Team<'a>)> {
        let id = self.risk_owner(doc)?;
        Some((id, self.teams.get(id)?))
    }

    /// The id of a record's risk team, resolved or not.
    pub(crate) fn risk_owner(&self, doc: &Doc) -> Option<&'a str> {
        self.resolved(doc)?.risk
    }

    /// Whether an active, unexpired exception for this service covers the finding: the same
    /// finding by any id or alias ([`Finding::same_as`]).
    pub(crate) fn covered(&self, service: &str, finding: &Finding) -> bool {
        finding
            .names()
            .any(|n| self.covering.contains(&(service, n.to_ascii_uppercase())))
    }

    /// The exception documents, with their specs.
    pub(crate) fn exceptions(
        &self,
    ) -> impl Iterator<Item = (&'a Doc, &'a ExceptionSpec)> + use<'a> {
        self.docs.iter().filter_map(|d| match &d.body {
            Body::Exception(e) => Some((d, e)),
            _ => None,
        })
    }

    pub(crate) fn remediations(
        &self,
    ) -> impl Iterator<Item = (&'a Doc, &'a RemediationSpec)> + use<'a> {
        self.docs.iter().filter_map(|d| match &d.body {
            Body::Remediation(r) => Some((d, r)),
            _ => None,
        })
    }

    /// Every record, Exceptions then Remediations.
    pub(crate) fn records(&self) -> impl Iterator<Item = Record<'a>> + use<'a> {
        let exceptions = self
            .exceptions()
            .map(|(d, e)| (d, &e.service, &e.finding, &e.tier));
        let remediations = self
            .remediations()
            .map(|(d, r)| (d, &r.service, &r.finding, &r.tier));
        exceptions.chain(remediations)
    }
}

/// The `control` a record names.
pub(crate) fn control_of(doc: &Doc) -> Option<&String> {
    match &doc.body {
        Body::Exception(e) => e.control.get(),
        Body::Remediation(r) => r.control.get(),
        _ => None,
    }
}

impl ExceptionSpec {
    /// Covers its service and finding on `today`: active and not yet expired.
    pub(crate) fn covers(&self, today: Date) -> bool {
        self.active() && self.expires.get().is_some_and(|e| *e >= today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn range<const MIN: i64, const MAX: i64>(_: Option<Bounded<MIN, MAX>>) -> (i64, i64) {
        (MIN, MAX)
    }

    #[test]
    fn bounded_types_have_the_bounds_of_the_schema() {
        let schema: Value = serde_json::from_str(crate::schema::source(Kind::SlaPolicy)).unwrap();
        let tier = "/properties/spec/properties/tiers/items/properties";
        let fields = [
            (
                "/properties/spec/properties/expiry_warning_days".to_string(),
                range(None::<Days>),
            ),
            (
                format!("{tier}/remediate_within_days"),
                range(None::<Deadline>),
            ),
            (
                format!("{tier}/escalation/items/properties/after_days"),
                range(None::<Days>),
            ),
            (
                format!("{tier}/exceptions/properties/max_days"),
                range(None::<Deadline>),
            ),
            (
                format!("{tier}/exceptions/properties/min_approvers"),
                range(None::<Approvers>),
            ),
            (format!("{tier}/monitoring_days"), range(None::<Deadline>)),
        ];
        for (pointer, bounds) in fields {
            let field = schema
                .pointer(&pointer)
                .unwrap_or_else(|| panic!("{pointer}"));
            let schema_bounds = (field["minimum"].as_i64(), field["maximum"].as_i64());
            assert_eq!(schema_bounds, (Some(bounds.0), Some(bounds.1)), "{pointer}");
        }
    }

    #[test]
    fn bounded_reads_exactly_the_integers_in_range() {
        let read = |v: Value| Deadline::deserialize(v).ok().map(Bounded::get);
        assert_eq!(read(json!(1)), Some(1));
        assert_eq!(read(json!(36500)), Some(36500));
        assert_eq!(read(json!(14.0)), Some(14));
        assert_eq!(read(json!(1e3)), Some(1000));
        for bad in [
            json!(0),
            json!(-1),
            json!(36501),
            json!(14.5),
            json!(i64::MIN),
            json!(1u64 << 63),
            json!(1e300),
            json!("14"),
            json!(null),
        ] {
            assert_eq!(read(bad.clone()), None, "{bad}");
        }
    }

    #[test]
    fn match_lists_are_not_empty_and_do_not_repeat() {
        let read = |v: Value| MatchList::<Level4>::deserialize(v).ok().map(|l| l.0);
        assert_eq!(
            read(json!(["high", "low"])),
            Some(vec![Level4::High, Level4::Low])
        );
        assert!(read(json!([])).is_none());
        assert!(read(json!(["high", "high"])).is_none());
        let m = |v: Value| Match::deserialize(v).is_ok();
        assert!(m(json!({})) && m(json!({"kev": true, "severity": ["low"]})));
        assert!(!m(json!({"kev": null})) && !m(json!({"severty": ["low"]})));
    }

    #[test]
    fn finding_classes_are_enumerated_once_each_in_index_order() {
        let all: Vec<FindingClass> = FindingClass::all().collect();
        assert_eq!(all.len(), FindingClass::COUNT);
        for (i, c) in all.iter().enumerate() {
            assert_eq!(c.index(), i, "{c:?}");
        }
    }

    fn policy(tiers: Value) -> SlaSpec {
        SlaSpec::deserialize(json!({ "tiers": tiers })).unwrap()
    }

    fn finding(v: Value) -> Finding {
        read_lenient(&v)
    }

    fn governing_id(order: &TierOrder, f: &Finding, criticality: Given<Level4>) -> String {
        match order.governing(f.classes(criticality)) {
            Governing::Tier(t) => t.id.get().cloned().unwrap_or_default(),
            Governing::NoTier => "no tier".into(),
            Governing::Unknown => "unknown".into(),
        }
    }

    #[test]
    fn a_malformed_field_leaves_the_tier_unknown_only_where_it_matters() {
        let p = policy(json!([
            {"id": "kev", "match": {"kev": true}},
            {"id": "crit", "match": {"criticality": ["critical"]}},
            {"id": "high", "match": {"severity": ["high"]}},
        ]));
        let order = TierOrder::of(&p).unwrap();
        let high = finding(json!({"id": "X", "severity": "high"}));
        let low = finding(json!({"id": "X", "severity": "low"}));
        let bad_kev = finding(json!({"id": "X", "severity": "high", "kev": "yes"}));
        let none = Given::Missing;
        assert_eq!(governing_id(&order, &high, none), "high");
        assert_eq!(governing_id(&order, &low, none), "no tier");
        assert_eq!(
            governing_id(&order, &low, Given::Valid(Level4::Critical)),
            "crit"
        );
        assert_eq!(governing_id(&order, &bad_kev, none), "unknown");
        assert_eq!(governing_id(&order, &high, Given::Malformed), "unknown");

        // Without tiers that look at kev or criticality, a malformed one does not matter.
        let p = policy(
            json!([{"id": "high", "match": {"severity": ["high"]}}, {"id": "all", "match": {}}]),
        );
        let order = TierOrder::of(&p).unwrap();
        assert_eq!(governing_id(&order, &bad_kev, Given::Malformed), "high");
        let no_severity = finding(json!({"id": "X", "severity": "urgent"}));
        assert_eq!(governing_id(&order, &no_severity, none), "unknown");
    }

    #[test]
    fn exposure_is_a_dimension_of_matching_and_absent_means_internet() {
        let p = policy(json!([
            {"id": "internet", "match": {"severity": ["high"], "exposure": ["internet"]}},
            {"id": "inside", "match": {"exposure": ["internal", "isolated"]}},
            {"id": "rest", "match": {}},
        ]));
        let order = TierOrder::of(&p).unwrap();
        let none = Given::Missing;
        let high = |exposure: Value| {
            let mut f = json!({"id": "X", "severity": "high"});
            if !exposure.is_null() {
                f["exposure"] = exposure;
            }
            governing_id(&order, &finding(f), none)
        };
        assert_eq!(high(Value::Null), "internet");
        assert_eq!(high(json!("internet")), "internet");
        assert_eq!(high(json!("internal")), "inside");
        assert_eq!(high(json!("isolated")), "inside");
        // A malformed exposure could be any of them, and they differ here.
        assert_eq!(high(json!("dmz")), "unknown");
        let low = finding(json!({"id": "X", "severity": "low", "exposure": "dmz"}));
        assert_eq!(governing_id(&order, &low, none), "unknown");
        let m = |v: Value| Match::deserialize(v).is_ok();
        assert!(m(json!({"exposure": ["internet", "isolated"]})));
        assert!(!m(json!({"exposure": []})) && !m(json!({"exposure": ["lan"]})));
    }

    #[test]
    fn findings_are_the_same_by_any_id_or_alias_in_any_ascii_case() {
        let a = finding(json!({"id": "CVE-2021-44228", "aliases": ["GHSA-jfh8-c2jp-5v3q"]}));
        let b = finding(json!({"id": "ghsa-JFH8-c2jp-5v3q"}));
        let c = finding(json!({"id": "OSV-1", "aliases": ["cve-2021-44228"]}));
        let d = finding(json!({"id": "CVE-2021-44229"}));
        assert!(a.same_as(&b) && b.same_as(&a) && a.same_as(&c));
        assert!(!b.same_as(&c) && !a.same_as(&d));
        // Only ASCII letters fold: a Unicode look-alike is another id.
        let e = finding(json!({"id": "CVE-2021-44228\u{212A}"}));
        let f = finding(json!({"id": "cve-2021-44228k"}));
        assert!(!e.same_as(&f));
    }

    #[test]
    fn tier_order_is_unknown_without_a_list_of_well_formed_tiers() {
        let unknown = |tiers: Value| {
            let p: SlaSpec = read_lenient(&json!({ "tiers": tiers }));
            TierOrder::of(&p).is_none()
        };
        assert!(unknown(json!(null)));
        assert!(unknown(json!(5)));
        assert!(unknown(json!([])));
        assert!(unknown(json!([{"id": "a", "match": {}}, "b"])));
        assert!(unknown(json!([{"id": "a", "match": {"severity": []}}])));
        assert!(unknown(json!([{"id": "a"}])));
        assert!(!unknown(
            json!([{"id": "a", "match": {}, "remediate_within_days": 0}])
        ));
    }
}
