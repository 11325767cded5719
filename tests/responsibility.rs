//! SPEC §5 through the binary, on tests/data/responsibility (two services, a control routed
//! to other teams than its service's, tiers on exposure, monitoring and sign-off): routing
//! changes who may approve, verify and implement; exposure moves a finding between tiers;
//! aliases make two records the same finding. Expected output is written out in full.

mod common;

use std::path::Path;

use common::{copy_dir, foureyes, line_of, manifest_dir};
use serde_json::Value;
use tempfile::TempDir;

/// The base repository plus `files` (path, content).
fn repo(files: &[(String, String)]) -> TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &manifest_dir().join("tests/data/responsibility"),
        tmp.path(),
    );
    for (rel, text) in files {
        let path = tmp.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    tmp
}

struct Run {
    code: i32,
    lines: Vec<String>,
    diagnostics: Vec<Value>,
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let out = foureyes()
        .arg("check")
        .arg(dir)
        .args(["--today", "2026-11-15", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let diagnostics = json["diagnostics"].as_array().unwrap().clone();
    Run {
        code: out.status.code().unwrap(),
        lines: diagnostics.iter().map(line_of).collect(),
        diagnostics,
    }
}

/// The message of the diagnostic `code` in `file`.
fn message<'r>(run: &'r Run, code: &str, file: &str) -> &'r str {
    run.diagnostics
        .iter()
        .find(|d| d["code"] == code && d["file"] == file)
        .and_then(|d| d["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {file}: {:?}", run.lines))
}

/// An Exception on payments-api; the control line is line 6, the approver's `by` is at
/// 12:12.
fn exception(id: &str, control: Option<&str>, finding: &str, approver: &str) -> (String, String) {
    let control = control.map_or("# no control".to_string(), |c| format!("control: {c}"));
    let text = format!(
        "apiVersion: foureyes.dev/v1
kind: Exception
metadata: {{id: {id}}}
spec:
  service: payments-api
  {control}
  finding: {finding}
  requested_by: sanjay
  requested_on: 2026-11-01
  justification: HSM-backed signing ships with gateway 2.0.
  approvals:
    - {{by: {approver}, on: 2026-11-02}}
  expires: 2026-12-20
"
    );
    (format!("exceptions/{id}.yaml"), text)
}

/// A closed Remediation on payments-api; `implemented_by` is at 10:19, `verification.by`
/// at 13:22.
fn closed(id: &str, control: Option<&str>, implementer: &str, verifier: &str) -> (String, String) {
    let (control, category) = match control {
        Some(c) => (format!("control: {c}"), "secret"),
        None => ("# no control".to_string(), "vulnerability"),
    };
    let text = format!(
        "apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {{id: {id}}}
spec:
  service: payments-api
  {control}
  finding: {{id: {id}-F, severity: medium, category: {category}}}
  found_on: 2026-11-01
  status: closed
  implemented_by: {implementer}
  completed_on: 2026-11-02
  evidence: [fix deployed]
  verification: {{by: {verifier}, on: 2026-11-03}}
"
    );
    (format!("remediations/{id}.yaml"), text)
}

#[test]
fn the_base_repository_checks_clean() {
    let dir = repo(&[]);
    let run = check(dir.path(), &[]);
    assert_eq!((run.code, run.lines), (0, vec![]));
}

#[test]
fn routing_by_control_changes_who_may_approve() {
    // signing-keys: remediation iam (sanjay, tomas), risk secleads (victor, wendy);
    // payments-api: execution platform (bob, frank), risk grc (carol, dana).
    let identity = |n: u32| format!("{{id: IDN-2026-000{n}, severity: high, category: identity}}");
    let plain = |n: u32| format!("{{id: CVE-2026-000{n}, severity: high}}");
    let dir = repo(&[
        exception(
            "EXC-2026-0001",
            Some("signing-keys"),
            &identity(1),
            "victor",
        ),
        exception("EXC-2026-0002", Some("signing-keys"), &identity(2), "carol"),
        exception("EXC-2026-0003", Some("signing-keys"), &identity(3), "tomas"),
        exception("EXC-2026-0004", None, &plain(4), "victor"),
        exception("EXC-2026-0005", Some("signing-keys"), &identity(5), "bob"),
        exception("EXC-2026-0006", None, &plain(6), "bob"),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        [
            "A003 error exceptions/EXC-2026-0002.yaml:12:12 /spec/approvals/0/by",
            "A002 error exceptions/EXC-2026-0003.yaml:12:12 /spec/approvals/0/by",
            "A003 error exceptions/EXC-2026-0003.yaml:12:12 /spec/approvals/0/by",
            "A003 error exceptions/EXC-2026-0004.yaml:12:12 /spec/approvals/0/by",
            "A003 error exceptions/EXC-2026-0005.yaml:12:12 /spec/approvals/0/by",
            "A002 error exceptions/EXC-2026-0006.yaml:12:12 /spec/approvals/0/by",
            "A003 error exceptions/EXC-2026-0006.yaml:12:12 /spec/approvals/0/by",
        ]
    );
    assert_eq!(
        message(&run, "A003", "exceptions/EXC-2026-0002.yaml"),
        "approver `carol` is not a member of `secleads`, the risk owner of control `signing-keys`"
    );
    assert_eq!(
        message(&run, "A002", "exceptions/EXC-2026-0003.yaml"),
        "approver `tomas` is a member of `iam`, the team that asked for the delay"
    );
    assert_eq!(
        message(&run, "A003", "exceptions/EXC-2026-0004.yaml"),
        "approver `victor` is not a member of `grc`, the service's risk owner"
    );
}

#[test]
fn routing_by_control_changes_who_may_verify_and_implement() {
    let dir = repo(&[
        closed("REM-2026-0001", Some("signing-keys"), "tomas", "grace"),
        closed("REM-2026-0002", Some("signing-keys"), "tomas", "sanjay"),
        closed("REM-2026-0003", Some("signing-keys"), "frank", "bob"),
        closed("REM-2026-0004", None, "frank", "bob"),
        closed("REM-2026-0005", None, "tomas", "olivia"),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        [
            // sanjay is in iam, the executing team of the routed record; verification stays
            // with the service's validation team (verify), which he is not in either.
            "V002 error remediations/REM-2026-0002.yaml:13:22 /spec/verification/by",
            "V003 error remediations/REM-2026-0002.yaml:13:22 /spec/verification/by",
            // frank is not in iam: V010. bob is in platform, which does not execute this
            // record: no V002, only V003.
            "V010 warning remediations/REM-2026-0003.yaml:10:19 /spec/implemented_by",
            "V003 error remediations/REM-2026-0003.yaml:13:22 /spec/verification/by",
            // Without the control, platform executes: bob may not verify.
            "V002 error remediations/REM-2026-0004.yaml:13:22 /spec/verification/by",
            "V003 error remediations/REM-2026-0004.yaml:13:22 /spec/verification/by",
            // ... and tomas (iam) is outside platform.
            "V010 warning remediations/REM-2026-0005.yaml:10:19 /spec/implemented_by",
        ]
    );
    assert_eq!(
        message(&run, "V010", "remediations/REM-2026-0003.yaml"),
        "implementer `frank` is not a member of `iam`, the team that operates the system and owns the change"
    );
}

#[test]
fn codeowners_follow_the_risk_team_of_the_control() {
    let team = |id: &str, functions: &str, members: &str| {
        (
            format!("teams/{id}.yaml"),
            format!(
                "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {{id: {id}}}\nspec:\n  functions: [{functions}]\n  members: [{members}]\n  scm: \"@example/{id}\"\n"
            ),
        )
    };
    let identity = "{id: IDN-2026-0001, severity: high, category: identity}";
    let plain = "{id: CVE-2026-0001, severity: high}";
    let mut files = vec![
        team("grc", "risk", "carol, dana"),
        team("secleads", "security, risk", "victor, wendy"),
        (
            "CODEOWNERS".to_string(),
            "*  @example/appsec\n/exceptions/  @example/grc\n".to_string(),
        ),
        exception("EXC-2026-0001", Some("signing-keys"), identity, "victor"),
        exception("EXC-2026-0002", None, plain, "carol"),
    ];
    let dir = repo(&files);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        ["G003 error exceptions/EXC-2026-0001.yaml:5:12 /spec/service"]
    );
    assert_eq!(
        message(&run, "G003", "exceptions/EXC-2026-0001.yaml"),
        "CODEOWNERS line 2 gives exceptions/EXC-2026-0001.yaml to @example/grc, not to `@example/secleads` (team `secleads`, risk owner of control `signing-keys`)"
    );

    // Routed exceptions in a folder the control's risk team owns: clean.
    files[2]
        .1
        .push_str("/exceptions/signing-keys/  @example/secleads\n");
    let (_, routed) = files.remove(3);
    files.push(("exceptions/signing-keys/EXC-2026-0001.yaml".into(), routed));
    let dir = repo(&files);
    assert_eq!(check(dir.path(), &[]).lines, Vec::<String>::new());
}

/// An open high Remediation on payments-api: `exposure_review` on line 8 (or a comment),
/// `tier` on line 9, `found_on` at 10:13.
fn open_high(
    id: &str,
    exposure: &str,
    reviewed: bool,
    tier: &str,
    found: &str,
) -> (String, String) {
    let review = if reviewed {
        "exposure_review: {security: alice, system: bob, on: 2026-09-01}"
    } else {
        "# no review"
    };
    let text = format!(
        "apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {{id: {id}}}
spec:
  service: payments-api
  finding:
    {{id: {id}-F, severity: high{exposure}}}
  {review}
  tier: {tier}
  found_on: {found}
  status: open
"
    );
    (format!("remediations/{id}.yaml"), text)
}

#[test]
fn exposure_moves_a_finding_between_tiers() {
    // high: exposure [internet], 30 days, escalation at 20 days; high-internal:
    // exposure [internal, isolated], 60 days, escalation at 45. Today 2026-11-15.
    let dir = repo(&[
        // Reviewed internal exposure, 60 days old: due today, not overdue.
        open_high(
            "REM-2026-0001",
            ", exposure: internal",
            true,
            "high-internal",
            "2026-09-16",
        ),
        // 61 days old: overdue.
        open_high(
            "REM-2026-0002",
            ", exposure: isolated",
            true,
            "high-internal",
            "2026-09-15",
        ),
        // No exposure is internet: the 30-day tier, overdue at 31 days.
        open_high("REM-2026-0003", "", false, "high", "2026-10-15"),
        // 30 days old under `high`: escalated, not overdue.
        open_high(
            "REM-2026-0004",
            ", exposure: internet",
            false,
            "high",
            "2026-10-16",
        ),
        // The declared tier is checked against the one the exposure selects.
        open_high(
            "REM-2026-0005",
            ", exposure: isolated",
            true,
            "high",
            "2026-11-10",
        ),
        open_high("REM-2026-0006", "", false, "high-internal", "2026-11-10"),
        // An unreviewed claim is V006, and the record is judged as written.
        open_high(
            "REM-2026-0007",
            ", exposure: internal",
            false,
            "high-internal",
            "2026-11-10",
        ),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        [
            "D002 warning remediations/REM-2026-0001.yaml:10:13 /spec/found_on",
            "D001 error remediations/REM-2026-0002.yaml:10:13 /spec/found_on",
            "D002 warning remediations/REM-2026-0002.yaml:10:13 /spec/found_on",
            "D001 error remediations/REM-2026-0003.yaml:10:13 /spec/found_on",
            "D002 warning remediations/REM-2026-0003.yaml:10:13 /spec/found_on",
            "D002 warning remediations/REM-2026-0004.yaml:10:13 /spec/found_on",
            "E007 error remediations/REM-2026-0005.yaml:9:9 /spec/tier",
            "E007 error remediations/REM-2026-0006.yaml:9:9 /spec/tier",
            "V006 error remediations/REM-2026-0007.yaml:7:53 /spec/finding/exposure",
        ]
    );
    assert_eq!(
        message(&run, "E007", "remediations/REM-2026-0005.yaml"),
        "declared tier `high`, but the finding matches tier `high-internal`"
    );
    assert_eq!(
        message(&run, "E007", "remediations/REM-2026-0006.yaml"),
        "declared tier `high-internal`, but the finding matches tier `high`"
    );
    assert!(
        message(&run, "D001", "remediations/REM-2026-0002.yaml")
            .starts_with("due on 2026-11-14 (60 days for tier `high-internal`), 1 day overdue")
    );
}

#[test]
fn shadowed_tiers_take_exposure_into_account() {
    let tier = |id: &str, m: &str, days: u32| {
        format!(
            "    - {{id: {id}, match: {m}, remediate_within_days: {days}, escalation: [{{after_days: 1, to: appsec}}], exceptions: {{max_days: 30}}}}\n"
        )
    };
    let tiers = [
        tier(
            "high-internet",
            "{severity: [high], exposure: [internet]}",
            30,
        ),
        tier("high", "{severity: [high]}", 40),
        tier(
            "high-isolated",
            "{severity: [high], exposure: [isolated]}",
            50,
        ),
        tier(
            "any-exposure",
            "{exposure: [internet, internal, isolated]}",
            60,
        ),
        tier("rest", "{}", 70),
        tier("twice", "{exposure: [internal, internal]}", 80),
    ]
    .concat();
    let policy = format!(
        "apiVersion: foureyes.dev/v1\nkind: SlaPolicy\nmetadata: {{id: default}}\nspec:\n  tiers:\n{tiers}"
    );
    let dir = repo(&[("sla/policy.yaml".into(), policy)]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        [
            "T004 error sla/policy.yaml:8:12 /spec/tiers/2/id",
            "T004 error sla/policy.yaml:10:12 /spec/tiers/4/id",
            // A repeated exposure is a schema error: the match is not read, nothing else.
            "S001 error sla/policy.yaml:11:37 /spec/tiers/5/match/exposure",
        ]
    );
    assert_eq!(
        message(&run, "T004", "sla/policy.yaml"),
        "tier `high-isolated` is unreachable: the earlier tier `high` matches every finding it could match"
    );
}

#[test]
fn aliases_make_two_records_the_same_finding() {
    let exc = |id: &str, finding: &str, status: &str| {
        (
            format!("exceptions/{id}.yaml"),
            format!(
                "apiVersion: foureyes.dev/v1\nkind: Exception\nmetadata: {{id: {id}}}\nspec:\n  service: payments-api\n  finding: {finding}\n  requested_by: bob\n  requested_on: 2026-11-01\n  justification: The router is replaced in December.\n  approvals:\n    - {{by: carol, on: 2026-11-02}}\n  expires: 2026-12-20\n  status: {status}\n"
            ),
        )
    };
    let rem = |id: &str, service: &str, finding: &str| {
        (
            format!("remediations/{id}.yaml"),
            format!(
                "apiVersion: foureyes.dev/v1\nkind: Remediation\nmetadata: {{id: {id}}}\nspec:\n  service: {service}\n  finding: {finding}\n  found_on: 2026-09-01\n  status: open\n"
            ),
        )
    };
    let dir = repo(&[
        exc(
            "EXC-2026-0001",
            "{id: CVE-2026-7001, severity: high, aliases: [GHSA-aaaa-bbbb-cccc]}",
            "active",
        ),
        // The same finding by its alias, in another case: E008.
        exc(
            "EXC-2026-0002",
            "{id: ghsa-AAAA-bbbb-cccc, severity: high}",
            "active",
        ),
        // Revoked: no second acceptance.
        exc(
            "EXC-2026-0003",
            "{id: CVE-2026-7001, severity: high}",
            "revoked",
        ),
        // Covered through the exception's alias, or through its own alias.
        rem(
            "REM-2026-0001",
            "payments-api",
            "{id: GHSA-AAAA-BBBB-CCCC, severity: high}",
        ),
        rem(
            "REM-2026-0002",
            "payments-api",
            "{id: OSV-2026-7001, severity: high, aliases: [cve-2026-7001]}",
        ),
        // Another service is not covered: overdue and escalated.
        rem(
            "REM-2026-0003",
            "ledger-worker",
            "{id: CVE-2026-7001, severity: high}",
        ),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        [
            "E008 error exceptions/EXC-2026-0002.yaml:3:16 /metadata/id",
            "D001 error remediations/REM-2026-0003.yaml:7:13 /spec/found_on",
            "D002 warning remediations/REM-2026-0003.yaml:7:13 /spec/found_on",
        ]
    );
    assert_eq!(
        message(&run, "E008", "exceptions/EXC-2026-0002.yaml"),
        "exception `EXC-2026-0001` already covers ghsa-AAAA-bbbb-cccc on `payments-api`: one finding, one risk acceptance"
    );
}

#[test]
fn kev_catalog_by_id_alias_and_case_with_coverage_through_aliases() {
    let catalog = manifest_dir().join("tests/data/kev/known_exploited_vulnerabilities.json");
    let rem = |id: &str, finding: &str| {
        (
            format!("remediations/{id}.yaml"),
            format!(
                "apiVersion: foureyes.dev/v1\nkind: Remediation\nmetadata: {{id: {id}}}\nspec:\n  service: ledger-worker\n  finding: {finding}\n  found_on: 2026-11-14\n  status: open\n"
            ),
        )
    };
    let dir = repo(&[
        ("foureyes.yaml".into(), "rules: {K002: error}\n".into()),
        // Log4Shell by a GHSA id with the CVE as an alias, marked kev: past CISA's due date.
        rem(
            "REM-2026-0001",
            "{id: GHSA-jfh8-c2jp-5v3q, severity: critical, kev: true, aliases: [CVE-2021-44228]}",
        ),
        // By the id in lower case, not marked kev: K001 and K002.
        rem("REM-2026-0002", "{id: cve-2024-3400, severity: high}"),
        // Not in the catalog.
        rem("REM-2026-0003", "{id: CVE-2026-99999, severity: high}"),
        // Covered by an exception that names the CVE as its id: no K002.
        rem(
            "REM-2026-0004",
            "{id: GHSA-7rjr-3q55-vv33, severity: critical, kev: true, aliases: [cve-2025-24813]}",
        ),
        (
            "exceptions/EXC-2026-0001.yaml".into(),
            "apiVersion: foureyes.dev/v1\nkind: Exception\nmetadata: {id: EXC-2026-0001}\nspec:\n  service: ledger-worker\n  finding: {id: CVE-2025-24813, severity: critical, kev: true}\n  requested_by: ivan\n  requested_on: 2026-11-14\n  justification: Tomcat 10.1.35 arrives with the platform upgrade.\n  compensating_controls: [partial PUT blocked at the proxy]\n  approvals:\n    - {by: carol, on: 2026-11-14}\n    - {by: dana, on: 2026-11-15}\n  expires: 2026-12-01\n".into(),
        ),
    ]);
    let run = check(dir.path(), &["--kev-catalog", catalog.to_str().unwrap()]);
    assert_eq!(
        run.lines,
        [
            "K002 error remediations/REM-2026-0001.yaml:7:13 /spec/found_on",
            "K001 error remediations/REM-2026-0002.yaml:6:12 /spec/finding",
            "K002 error remediations/REM-2026-0002.yaml:7:13 /spec/found_on",
        ]
    );
    assert_eq!(
        message(&run, "K002", "remediations/REM-2026-0001.yaml"),
        "`GHSA-jfh8-c2jp-5v3q` (alias `CVE-2021-44228`) is past its KEV due date 2021-12-24 (1787 days ago), the federal remediation deadline, and no active exception covers it"
    );
}

#[test]
fn reviews_and_signoffs_dated_after_today_are_e006() {
    let dir = repo(&[
        (
            "exceptions/EXC-2026-0001.yaml".into(),
            "apiVersion: foureyes.dev/v1
kind: Exception
metadata: {id: EXC-2026-0001}
spec:
  service: payments-api
  finding: {id: CVE-2026-8001, severity: high, kev: true, exposure: internal}
  exposure_review: {security: alice, system: bob, on: 2026-11-16}
  requested_by: bob
  requested_on: 2026-11-01
  justification: Vendor patch breaks the settlement batch.
  compensating_controls: [WAF rule 9411]
  service_signoff: {by: heidi, on: 2026-11-16}
  approvals:
    - {by: carol, on: 2026-11-02}
    - {by: dana, on: 2026-11-02}
  expires: 2026-11-30
"
            .into(),
        ),
        (
            "remediations/REM-2026-0001.yaml".into(),
            "apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {id: REM-2026-0001}
spec:
  service: payments-api
  finding: {id: CVE-2026-8002, severity: high, exposure: internal}
  exposure_review: {security: alice, system: bob, on: 2026-11-16}
  found_on: 2026-11-10
  status: open
---
apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {id: REM-2026-0002}
spec:
  service: payments-api
  finding: {id: CVE-2026-8003, severity: high, exposure: internal}
  exposure_review: {security: alice, system: bob, on: 2026-11-15}
  found_on: 2026-11-10
  status: open
"
            .into(),
        ),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        [
            "E006 error exceptions/EXC-2026-0001.yaml:7:55 /spec/exposure_review/on",
            "E006 error exceptions/EXC-2026-0001.yaml:12:36 /spec/service_signoff/on",
            "E006 error remediations/REM-2026-0001.yaml:7:55 /spec/exposure_review/on document=0",
        ]
    );
    assert_eq!(
        message(&run, "E006", "remediations/REM-2026-0001.yaml"),
        "exposure review dated 2026-11-16, after today (2026-11-15)"
    );
}

#[test]
fn new_person_references_are_r002_once_and_nothing_else() {
    let dir = repo(&[
        (
            "exceptions/EXC-2026-0001.yaml".into(),
            "apiVersion: foureyes.dev/v1
kind: Exception
metadata: {id: EXC-2026-0001}
spec:
  service: payments-api
  finding: {id: CVE-2026-9001, severity: high, kev: true, exposure: internal}
  exposure_review: {security: \"@nobody\", system: bob, on: 2026-11-03}
  requested_by: bob
  requested_on: 2026-11-01
  justification: Vendor patch breaks the settlement batch.
  compensating_controls: [WAF rule 9411]
  service_signoff: {by: zed, on: 2026-11-01}
  approvals:
    - {by: carol, on: 2026-11-02}
    - {by: dana, on: 2026-11-02}
  expires: 2026-11-30
"
            .into(),
        ),
        (
            "remediations/REM-2026-0001.yaml".into(),
            "apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {id: REM-2026-0001}
spec:
  service: payments-api
  finding: {id: CVE-2026-9002, severity: high, kev: true}
  found_on: 2026-11-01
  status: completed
  implemented_by: frank
  completed_on: 2026-11-05
  evidence: [deploy 9201]
  monitoring: {security: alice, owner: Nobody@Example.com, until: 2026-12-05}
"
            .into(),
        ),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        [
            "R002 error exceptions/EXC-2026-0001.yaml:7:31 /spec/exposure_review/security",
            "R002 error exceptions/EXC-2026-0001.yaml:12:25 /spec/service_signoff/by",
            "R002 error remediations/REM-2026-0001.yaml:12:40 /spec/monitoring/owner",
        ]
    );
}

#[test]
fn a_team_lead_counts_as_a_member_of_the_executing_team() {
    // iam with sanjay as its only member and tomas as its lead: tomas is in the executing
    // team of a routed record for every rule that asks (A002, V007, V009, V010).
    let iam = "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {id: iam}\nspec:\n  functions: [execution]\n  members: [sanjay]\n  lead: tomas\n";
    let dir = repo(&[
        ("teams/iam.yaml".into(), iam.into()),
        exception(
            "EXC-2026-0001",
            Some("signing-keys"),
            "{id: IDN-2026-0001, severity: high, category: identity}",
            "tomas",
        ),
        (
            "remediations/REM-2026-0001.yaml".into(),
            "apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {id: REM-2026-0001}
spec:
  service: payments-api
  control: signing-keys
  finding: {id: SECRET-2026-0001, severity: high, kev: true, category: secret, exposure: internal}
  exposure_review: {security: alice, system: tomas, on: 2026-11-02}
  found_on: 2026-11-01
  status: completed
  implemented_by: tomas
  completed_on: 2026-11-02
  evidence: [key rotated]
  monitoring: {security: alice, owner: tomas, until: 2026-12-02}
"
            .into(),
        ),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        [
            "A002 error exceptions/EXC-2026-0001.yaml:12:12 /spec/approvals/0/by",
            "A003 error exceptions/EXC-2026-0001.yaml:12:12 /spec/approvals/0/by",
        ]
    );
}

#[test]
fn a_finding_whose_exposure_no_tier_matches_is_r004() {
    let policy = "apiVersion: foureyes.dev/v1\nkind: SlaPolicy\nmetadata: {id: default}\nspec:\n  tiers:\n    - {id: internet, match: {exposure: [internet]}, remediate_within_days: 30, escalation: [{after_days: 20, to: appsec}], exceptions: {max_days: 60}}\n";
    let dir = repo(&[
        ("sla/policy.yaml".into(), policy.into()),
        open_high(
            "REM-2026-0001",
            ", exposure: isolated",
            true,
            "internet",
            "2026-11-10",
        ),
        open_high("REM-2026-0002", "", false, "internet", "2026-11-10"),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.lines,
        ["R004 error remediations/REM-2026-0001.yaml:7:5 /spec/finding"]
    );
    assert_eq!(
        message(&run, "R004", "remediations/REM-2026-0001.yaml"),
        "the finding (severity high, exposure isolated, service criticality high) matches no tier of the SLA policy"
    );
    assert_eq!(run.diagnostics[0]["facts"]["exposure"], "isolated");
}
