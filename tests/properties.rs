//! Property tests on generated repositories, checked by the real binary: a valid repository
//! has no diagnostics whatever its people, references and layout; an approval by the
//! requester, under any of their names, is always A001 at that approval; and the output
//! does not depend on how many threads check it.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use foureyes::date::Date;
use proptest::prelude::*;
use serde_json::Value;

const TODAY: &str = "2026-11-15";

/// Roles, as indexes into the people: approvers come from the risk team and verifiers from
/// the validation team, both disjoint from the execution team (requesters, implementers).
const EXECUTION: [usize; 2] = [0, 1];
const RISK: [usize; 3] = [2, 3, 4];
const VALIDATION: [usize; 2] = [5, 6];
const SECURITY: usize = 7;

#[derive(Debug, Clone)]
struct Exception {
    service: usize,
    severity: usize,
    kev: bool,
    with_tier: bool,
    requester: usize,
    /// Which of the risk team approve (at least `min_approvers` of them).
    approvers: Vec<usize>,
    /// Days before today it was requested, and when (in days after the request) each
    /// approval was given.
    age: i64,
    approved_after: Vec<i64>,
    /// Days after today it expires: past the warning period, within the tier's maximum.
    expires_in: i64,
}

#[derive(Debug, Clone)]
struct Remediation {
    service: usize,
    severity: usize,
    kev: bool,
    /// `None`: open, found fewer days ago than the first escalation step. Otherwise closed:
    /// (days since found, days to fix, days to verify after the fix).
    closed: Option<(i64, i64, i64)>,
    open_age: i64,
    implementer: usize,
    verifier: usize,
}

#[derive(Debug, Clone)]
struct Plan {
    people: Vec<String>,
    services: usize,
    min_approvers: usize,
    exceptions: Vec<Exception>,
    remediations: Vec<Remediation>,
    /// How each person reference is written, taken in turn: id, e-mail or @handle, and
    /// which letters are upper case.
    forms: Vec<(u8, u64)>,
    /// 0: a file per document; 1: all in one file; 2 and up: documents spread over files.
    layout: u8,
    placement: Vec<u8>,
}

fn exception(services: usize, min_approvers: usize) -> impl Strategy<Value = Exception> {
    (
        (0..services, 0..4usize, any::<bool>(), any::<bool>()),
        (
            prop::sample::select(EXECUTION.to_vec()),
            prop::sample::subsequence(RISK.to_vec(), min_approvers..=RISK.len()),
        ),
        (1..=20i64, prop::collection::vec(0..=20i64, 3), 15..=40i64),
    )
        .prop_map(
            |(
                (service, severity, kev, with_tier),
                (requester, approvers),
                (age, approved_after, expires_in),
            )| Exception {
                service,
                severity,
                kev,
                with_tier,
                requester,
                approvers,
                age,
                approved_after: approved_after.into_iter().map(|d| d.min(age)).collect(),
                expires_in,
            },
        )
}

fn remediation(services: usize) -> impl Strategy<Value = Remediation> {
    (
        (0..services, 0..4usize, any::<bool>()),
        prop::option::of((2..=30i64, 0..=15i64, 0..=15i64)),
        0..=6i64,
        prop::sample::select(EXECUTION.to_vec()),
        prop::sample::select(VALIDATION.to_vec()),
    )
        .prop_map(
            |((service, severity, kev), closed, open_age, implementer, verifier)| Remediation {
                service,
                severity,
                kev,
                closed: closed.map(|(age, fix, verify)| {
                    let fix = fix.min(age);
                    (age, fix, verify.min(age - fix))
                }),
                open_age,
                implementer,
                verifier,
            },
        )
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        prop::collection::btree_set("[a-z][a-z0-9]{1,7}", 8..12),
        1..=3usize,
        1..=2usize,
    )
        .prop_flat_map(|(people, services, min_approvers)| {
            (
                Just(people.into_iter().collect::<Vec<_>>()),
                Just(services),
                Just(min_approvers),
                prop::collection::vec(exception(services, min_approvers), 1..=3),
                prop::collection::vec(remediation(services), 0..=3),
                prop::collection::vec((0..3u8, any::<u64>()), 1..40),
                0..4u8,
                prop::collection::vec(any::<u8>(), 20),
            )
        })
        .prop_map(
            |(
                people,
                services,
                min_approvers,
                exceptions,
                remediations,
                forms,
                layout,
                placement,
            )| Plan {
                people,
                services,
                min_approvers,
                exceptions,
                remediations,
                forms,
                layout,
                placement,
            },
        )
}

fn day(offset: i64) -> String {
    Date::parse(TODAY)
        .unwrap()
        .plus(offset)
        .unwrap()
        .to_string()
}

const SEVERITIES: [&str; 4] = ["critical", "high", "medium", "low"];
const TEAMS: [(&str, &str); 5] = [
    ("sec", "security"),
    ("exec", "execution"),
    ("svc", "service"),
    ("risk", "risk"),
    ("val", "validation"),
];

/// Where each exception's approvals are: (file, document index in it).
struct Repo {
    files: BTreeMap<String, Vec<String>>,
    exceptions: Vec<(String, usize)>,
}

struct Writer<'a> {
    plan: &'a Plan,
    next_form: usize,
}

impl Writer<'_> {
    /// A reference to person `p`, written as the next form says: an id, an e-mail or a
    /// @handle, the last two in mixed case.
    fn person(&mut self, p: usize) -> String {
        let (form, case) = self.plan.forms[self.next_form % self.plan.forms.len()];
        self.next_form += 1;
        person_as(&self.plan.people[p], form, case)
    }

    fn people(&mut self, ps: &[usize]) -> String {
        let refs: Vec<String> = ps.iter().map(|&p| self.person(p)).collect();
        refs.join(", ")
    }
}

fn person_as(id: &str, form: u8, case: u64) -> String {
    let mixed = |s: String| -> String {
        s.chars()
            .enumerate()
            .map(|(i, c)| {
                if case >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    };
    match form {
        0 => format!("\"{id}\""),
        1 => format!("\"{}\"", mixed(format!("{id}@example.com"))),
        _ => format!("\"@{}\"", mixed(format!("h-{id}"))),
    }
}

const HEAD: &str = "apiVersion: foureyes.dev/v1\nkind: ";

fn exception_doc(w: &mut Writer, i: usize, e: &Exception) -> String {
    let tier = if e.kev { "kev" } else { "default" };
    let mut doc = format!(
        "{HEAD}Exception\nmetadata: {{id: EXC-2026-{i:04}}}\nspec:\n  service: svc-{}\n  \
         finding: {{id: CVE-2026-{}, severity: {}, kev: {}}}\n",
        e.service,
        1000 + i,
        SEVERITIES[e.severity],
        e.kev
    );
    if e.with_tier {
        doc.push_str(&format!("  tier: {tier}\n"));
    }
    doc.push_str(&format!(
        "  requested_by: {}\n  requested_on: {}\n  justification: a fix is planned\n",
        w.person(e.requester),
        day(-e.age)
    ));
    if e.kev {
        doc.push_str("  compensating_controls: [the endpoint is not exposed]\n");
    }
    doc.push_str("  approvals:\n");
    for (k, &a) in e.approvers.iter().enumerate() {
        let on = day(-e.age + e.approved_after[k % e.approved_after.len()]);
        doc.push_str(&format!("    - by: {}\n      on: {on}\n", w.person(a)));
    }
    doc.push_str(&format!("  expires: {}\n", day(e.expires_in)));
    doc
}

fn remediation_doc(w: &mut Writer, i: usize, r: &Remediation) -> String {
    let mut doc = format!(
        "{HEAD}Remediation\nmetadata: {{id: REM-2026-{i:04}}}\nspec:\n  service: svc-{}\n  \
         finding: {{id: CVE-2026-{}, severity: {}, kev: {}}}\n",
        r.service,
        5000 + i,
        SEVERITIES[r.severity],
        r.kev
    );
    match r.closed {
        None => doc.push_str(&format!(
            "  found_on: {}\n  status: open\n",
            day(-r.open_age)
        )),
        Some((age, fix, verify)) => doc.push_str(&format!(
            "  found_on: {}\n  status: closed\n  implemented_by: {}\n  completed_on: {}\n  \
             evidence: [deploy, rescan]\n  verification: {{by: {}, on: {}}}\n",
            day(-age),
            w.person(r.implementer),
            day(-age + fix),
            w.person(r.verifier),
            day(-age + fix + verify)
        )),
    }
    doc
}

fn repo(plan: &Plan) -> Repo {
    let mut w = Writer { plan, next_form: 0 };
    let mut docs: Vec<(String, String)> = Vec::new();
    let people: String = plan
        .people
        .iter()
        .map(|p| {
            format!("    - {{id: \"{p}\", emails: [\"{p}@example.com\"], handles: [\"h-{p}\"]}}\n")
        })
        .collect();
    docs.push((
        "people/staff.yaml".into(),
        format!("{HEAD}People\nmetadata: {{id: staff}}\nspec:\n  people:\n{people}"),
    ));
    let everyone: Vec<usize> = (0..plan.people.len()).collect();
    for (team, function) in TEAMS {
        let members = match function {
            "execution" => w.people(&EXECUTION),
            "risk" => w.people(&RISK),
            "validation" => w.people(&VALIDATION),
            "security" => w.people(&[SECURITY]),
            _ => w.people(&everyone[SECURITY..]),
        };
        docs.push((
            format!("teams/{team}.yaml"),
            format!(
                "{HEAD}Team\nmetadata: {{id: {team}}}\nspec:\n  functions: [{function}]\n  members: [{members}]\n"
            ),
        ));
    }
    let owners = "{security: sec, execution: exec, service: svc, risk: risk, validation: val}";
    let services: String = (0..plan.services)
        .map(|s| format!("    - id: svc-{s}\n      owners: {owners}\n"))
        .collect();
    docs.push((
        "ownership/map.yaml".into(),
        format!(
            "{HEAD}OwnershipMap\nmetadata: {{id: map}}\nspec:\n  services:\n{services}  controls:\n    \
             - {{id: keys, layer: identity-issuance, services: [svc-0], owners: {{control: sec, remediation: exec, risk: risk}}}}\n"
        ),
    ));
    let k = plan.min_approvers;
    docs.push((
        "sla/policy.yaml".into(),
        format!(
            "{HEAD}SlaPolicy\nmetadata: {{id: default}}\nspec:\n  tiers:\n    \
             - id: kev\n      match: {{kev: true}}\n      remediate_within_days: 14\n      \
             escalation: [{{after_days: 7, to: sec}}, {{after_days: 10, to: {}}}]\n      \
             exceptions: {{max_days: 60, min_approvers: {k}, compensating_controls: required}}\n      \
             verification: required\n    \
             - id: default\n      match: {{}}\n      remediate_within_days: 90\n      \
             escalation: [{{after_days: 30, to: sec}}]\n      exceptions: {{max_days: 60, min_approvers: {k}}}\n",
            w.person(SECURITY)
        ),
    ));
    let first_exception = docs.len();
    for (i, e) in plan.exceptions.iter().enumerate() {
        docs.push((
            format!("exceptions/EXC-2026-{i:04}.yaml"),
            exception_doc(&mut w, i, e),
        ));
    }
    for (i, r) in plan.remediations.iter().enumerate() {
        docs.push((
            format!("remediations/REM-2026-{i:04}.yaml"),
            remediation_doc(&mut w, i, r),
        ));
    }
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut at = Vec::new();
    for (n, (own, text)) in docs.into_iter().enumerate() {
        let file = match plan.layout {
            0 => own,
            1 => "all.yaml".into(),
            spread => format!(
                "part-{}.yaml",
                plan.placement[n % plan.placement.len()] % spread
            ),
        };
        let list = files.entry(file.clone()).or_default();
        at.push((file, list.len()));
        list.push(text);
    }
    Repo {
        files,
        exceptions: at.split_off(first_exception),
    }
}

fn write(repo: &Repo) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (rel, docs) in &repo.files {
        let path = tmp.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, docs.join("---\n")).unwrap();
    }
    tmp
}

/// Runs a check; returns the exit code and stdout.
fn check(path: &Path, format: &str, threads: usize) -> (i32, String) {
    let out = Command::cargo_bin("foureyes")
        .unwrap()
        .args(["check", "--today", TODAY, "--format", format])
        .arg(path)
        .env_remove("FOUREYES_TODAY")
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code().unwrap_or(-1), stdout)
}

fn diagnostics(stdout: &str) -> Vec<Value> {
    let json: Value = serde_json::from_str(stdout).unwrap();
    json["diagnostics"].as_array().unwrap().clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn valid_repositories_have_no_diagnostics(plan in plan()) {
        let repo = repo(&plan);
        let dir = write(&repo);
        let (code, stdout) = check(dir.path(), "json", 2);
        prop_assert_eq!(diagnostics(&stdout), Vec::<Value>::new());
        prop_assert_eq!(code, 0);
    }

    #[test]
    fn an_approval_by_the_requester_is_a001_at_that_approval(
        plan in plan(),
        pick in any::<prop::sample::Index>(),
        approval in any::<prop::sample::Index>(),
        form in 0..3u8,
        case in any::<u64>(),
    ) {
        let e = pick.index(plan.exceptions.len());
        let requester = plan.people[plan.exceptions[e].requester].clone();
        let j = approval.index(plan.exceptions[e].approvers.len());
        let mut repo = repo(&plan);
        let (file, doc) = repo.exceptions[e].clone();
        // Rewrite that approval's `by` as the requester, under the chosen name.
        let text = &mut repo.files.get_mut(&file).unwrap()[doc];
        let marker = "    - by: ";
        let by: Vec<usize> = text.match_indices(marker).map(|(i, _)| i + marker.len()).collect();
        let end = by[j] + text[by[j]..].find('\n').unwrap();
        text.replace_range(by[j]..end, &person_as(&requester, form, case));
        let dir = write(&repo);
        let (code, stdout) = check(dir.path(), "json", 2);
        let several = repo.files[&file].len() > 1;
        let pointer = format!("/spec/approvals/{j}/by");
        let found = diagnostics(&stdout).into_iter().any(|d| {
            d["code"] == "A001"
                && d["file"] == file.as_str()
                && d["pointer"] == pointer.as_str()
                && d.get("document") == several.then(|| Value::from(doc)).as_ref()
        });
        prop_assert!(found, "no A001 at {} {}:\n{}", file, pointer, stdout);
        prop_assert_eq!(code, 1);

        // The same output with one thread and with eight, in both formats.
        for format in ["json", "human"] {
            prop_assert_eq!(check(dir.path(), format, 1), check(dir.path(), format, 8));
        }
    }
}
