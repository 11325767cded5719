//! The stages before the rules, through the real binary: one mistake is reported once and
//! nothing cascades from it (an unknown service, a policy without usable tiers), values the
//! schema rejects reach no rule, look-alike documents and LFS pointers never vanish, the lead
//! is a member, positions and messages are exact.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{copy_fixture, foureyes};

/// Each diagnostic of `foureyes check DIR --today 2026-11-15` as
/// `CODE file:line:column pointer message` (`-` for what is absent), and the exit code.
fn check(dir: &Path) -> (i32, Vec<String>) {
    let out = foureyes()
        .arg("check")
        .arg(dir)
        .args(["--today", "2026-11-15", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let lines = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = match (d.get("line"), d.get("column")) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", d["file"].as_str().unwrap()),
                _ => format!("{} -", d["file"].as_str().unwrap()),
            };
            let pointer = d.get("pointer").and_then(Value::as_str).unwrap_or("-");
            let code = d["code"].as_str().unwrap();
            format!("{code} {at} {pointer} {}", d["message"].as_str().unwrap())
        })
        .collect();
    (out.status.code().unwrap(), lines)
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Replaces the one occurrence of `from` in a file.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{rel}: {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The clean fixture with `rel` replaced by `text`: (exit code, diagnostics).
fn clean_with(rel: &str, text: &str) -> (i32, Vec<String>) {
    let repo = copy_fixture("clean");
    write(repo.path(), rel, text);
    check(repo.path())
}

/// Records that would break a dozen rules if their service resolved.
const RECORDS_ON_A_SERVICE: &str = "\
apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {id: REM-2026-0101}
spec:
  service: payment-api
  finding: {id: CVE-2026-0101, severity: critical, kev: true}
  tier: nosuch
  found_on: 2026-01-01
  status: open
---
apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {id: REM-2026-0102}
spec:
  service: payment-api
  finding: {id: CVE-2026-0102, severity: critical}
  found_on: 2026-11-01
  status: closed
  implemented_by: frank
  completed_on: 2026-10-01
  evidence: [deploy 1]
---
apiVersion: foureyes.dev/v1
kind: Remediation
metadata: {id: REM-2026-0103}
spec:
  service: payment-api
  finding: {id: CVE-2026-0103, severity: high}
  tier: critical
  found_on: 2026-11-01
  status: closed
  implemented_by: frank
  completed_on: 2026-11-02
  evidence: [deploy 2]
  verification: {by: bob, on: 2026-11-03}
---
apiVersion: foureyes.dev/v1
kind: Exception
metadata: {id: EXC-2026-0101}
spec:
  service: payment-api
  finding: {id: CVE-2026-0104, severity: critical, kev: true}
  tier: high
  requested_by: frank
  requested_on: 2026-11-05
  justification: Waiting for the vendor.
  approvals:
    - {by: bob, on: 2026-11-04}
  expires: 2027-06-01
";

#[test]
fn a_record_whose_service_does_not_resolve_gets_r003_and_nothing_that_needs_the_service() {
    let (code, found) = clean_with("records/typo.yaml", RECORDS_ON_A_SERVICE);
    let r003 = |line| {
        format!(
            "R003 records/typo.yaml:{line}:12 /spec/service service `payment-api` is not in any OwnershipMap"
        )
    };
    assert_eq!((code, found), (1, [5, 15, 27, 41].map(r003).to_vec()));

    // The same records on a service that exists break every rule they were written to.
    let fixed = RECORDS_ON_A_SERVICE.replace("payment-api", "payments-api");
    let (_, found) = clean_with("records/typo.yaml", &fixed);
    let codes: Vec<&str> = found.iter().map(|l| &l[..4]).collect();
    assert_eq!(
        codes,
        [
            "R004", "D001", "D002", "V004", "E006", "E007", "V002", "V003", "E005", "E007", "A004",
            "A002", "A003", "E006", "E003"
        ],
        "{found:#?}"
    );
}

/// The clean fixture's SLA policy with `from` replaced by `to`.
fn policy_with(from: &str, to: &str) -> (i32, Vec<String>) {
    let repo = copy_fixture("clean");
    edit(repo.path(), "sla/policy.yaml", from, to);
    check(repo.path())
}

#[test]
fn a_policy_without_usable_tiers_is_one_s001_and_no_r004() {
    let cases = [
        (
            "  tiers:\n",
            "  tiers: []\n  old_tiers:\n",
            vec![
                "S001 sla/policy.yaml:7:10 /spec/tiers [] has less than 1 item",
                "S001 sla/policy.yaml:8:3 /spec/old_tiers unknown field `old_tiers`",
            ],
        ),
        (
            "  tiers:\n",
            "  tiers: 5\n  old_tiers:\n",
            vec![
                "S001 sla/policy.yaml:7:10 /spec/tiers 5 is not of type \"array\"",
                "S001 sla/policy.yaml:8:3 /spec/old_tiers unknown field `old_tiers`",
            ],
        ),
        (
            "  tiers:\n",
            "  tierz:\n",
            vec![
                "S001 sla/policy.yaml:6:3 /spec missing required field `tiers`",
                "S001 sla/policy.yaml:7:3 /spec/tierz unknown field `tierz`: did you mean `tiers`?",
            ],
        ),
        // A malformed `match` leaves the order of the tiers unknown: no record gets a tier.
        (
            "      match: {kev: true}",
            "      match: {kev: true, severity: []}",
            vec!["S001 sla/policy.yaml:9:36 /spec/tiers/0/match/severity [] has less than 1 item"],
        ),
        (
            "        severity: [critical]",
            "        severity: [critical, critical]",
            vec![
                "S001 sla/policy.yaml:22:19 /spec/tiers/1/match/severity [\"critical\",\"critical\"] has non-unique elements",
            ],
        ),
        (
            "      match: {kev: true}",
            "      match: {kev: true, severty: [high]}",
            vec![
                "S001 sla/policy.yaml:9:26 /spec/tiers/0/match/severty unknown field `severty`: did you mean `severity`?",
            ],
        ),
        (
            "      match: {kev: true}",
            "      match: {kev: \"yes\"}",
            vec![
                "S001 sla/policy.yaml:9:20 /spec/tiers/0/match/kev \"yes\" is not of type \"boolean\"",
            ],
        ),
    ];
    for (from, to, expected) in cases {
        assert_eq!(
            policy_with(from, to),
            (1, expected.iter().map(|s| s.to_string()).collect()),
            "{to}"
        );
    }
}

#[test]
fn values_the_schema_rejects_reach_no_rule() {
    let cases = [
        // Not T001 (0 < 14 days of no earlier tier) and not T001 against the next tier.
        (
            "      remediate_within_days: 14",
            "      remediate_within_days: 0",
            "S001 sla/policy.yaml:10:30 /spec/tiers/0/remediate_within_days 0 is less than the minimum of 1",
        ),
        (
            "      remediate_within_days: 30",
            "      remediate_within_days: -9223372036854775808",
            "S001 sla/policy.yaml:32:30 /spec/tiers/2/remediate_within_days -9223372036854775808 is less than the minimum of 1",
        ),
        (
            "      remediate_within_days: 30",
            "      remediate_within_days: 9223372036854775808",
            "S001 sla/policy.yaml:32:30 /spec/tiers/2/remediate_within_days 9223372036854775808 is greater than the maximum of 36500",
        ),
        (
            "        min_approvers: 2",
            "        min_approvers: 0",
            "S001 sla/policy.yaml:17:24 /spec/tiers/0/exceptions/min_approvers 0 is less than the minimum of 1",
        ),
        (
            "        max_days: 30\n        min_approvers: 2",
            "        max_days: -30\n        min_approvers: 2",
            "S001 sla/policy.yaml:16:19 /spec/tiers/0/exceptions/max_days -30 is less than the minimum of 1",
        ),
        // Not T003 (a step before the first) nor a D002 for a step at -7 days.
        (
            "        - {after_days: 7, to: appsec}",
            "        - {after_days: -7, to: appsec}",
            "S001 sla/policy.yaml:12:24 /spec/tiers/0/escalation/0/after_days -7 is less than the minimum of 0",
        ),
        // Not a warning for every exception expiring in the next 10^20 days.
        (
            "  expiry_warning_days: 14",
            "  expiry_warning_days: 99999999999999999999",
            "S001 sla/policy.yaml:6:24 /spec/expiry_warning_days 1e+20 is greater than the maximum of 36500",
        ),
    ];
    for (from, to, expected) in cases {
        assert_eq!(
            policy_with(from, to),
            (1, vec![expected.to_string()]),
            "{to}"
        );
    }
    // JSON Schema counts 30.0 as an integer, and so does the model.
    assert_eq!(
        policy_with(
            "      remediate_within_days: 30",
            "      remediate_within_days: 30.0"
        ),
        (0, vec![])
    );
}

#[test]
fn an_overdue_remediation_of_a_tier_without_a_valid_deadline_is_not_overdue() {
    let repo = copy_fixture("clean");
    edit(
        repo.path(),
        "sla/policy.yaml",
        "      remediate_within_days: 30",
        "      remediate_within_days: -9223372036854775808",
    );
    edit(
        repo.path(),
        "remediations/REM-2026-0001.yaml",
        "found_on: 2026-11-10",
        "found_on: 2026-01-10",
    );
    let (code, found) = check(repo.path());
    assert_eq!(
        (code, found),
        (
            1,
            vec![
                // The escalation step still holds: only the deadline is unknown.
                "D002 remediations/REM-2026-0001.yaml:9:13 /spec/found_on open for 309 days, past the 20-day escalation step: escalate to `alice` (Alice Ng <alice@example.com>)".to_string(),
                "S001 sla/policy.yaml:32:30 /spec/tiers/2/remediate_within_days -9223372036854775808 is less than the minimum of 1".to_string(),
            ]
        )
    );
}

#[test]
fn the_lead_is_a_member_wherever_membership_is_asked_except_for_o005() {
    let repo = copy_fixture("clean");
    let root = repo.path();
    // Leads who are not listed in `members`.
    edit(root, "teams/platform-payments.yaml", "    - bob\n", "");
    edit(
        root,
        "teams/grc.yaml",
        "members: [carol, DANA@Example.com]",
        "members: [carol]",
    );
    edit(
        root,
        "teams/secops-verify.yaml",
        "members: [grace, ivan]",
        "members: [ivan]",
    );
    // The execution team's lead approves and verifies: A002 and V002. The risk team's lead
    // (dana) approves and the validation team's lead (@grace-v) verifies: no A003, no V003.
    edit(
        root,
        "exceptions/EXC-2026-0001.yaml",
        "    - {by: carol, on: 2026-11-02}",
        "    - {by: bob@example.com, on: 2026-11-02}",
    );
    write(
        root,
        "remediations/REM-2026-0004.yaml",
        "apiVersion: foureyes.dev/v1\nkind: Remediation\nmetadata: {id: REM-2026-0004}\nspec:\n  service: ledger-worker\n  \
         finding: {id: CVE-2026-0004, severity: low}\n  found_on: 2026-11-01\n  status: closed\n  implemented_by: frank\n  \
         completed_on: 2026-11-02\n  evidence: [deploy 4]\n  verification: {by: bob, on: 2026-11-03}\n",
    );
    // A team with a lead but no members is still empty.
    write(
        root,
        "teams/empty.yaml",
        "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {id: empty}\nspec:\n  functions: [risk]\n  members: []\n  lead: carol\n",
    );
    let (code, found) = check(root);
    assert_eq!(
        (code, found),
        (
            1,
            vec![
                "A001 exceptions/EXC-2026-0001.yaml:14:12 /spec/approvals/0/by `bob@example.com` is the requester `bob`: nobody may approve their own request".to_string(),
                "A002 exceptions/EXC-2026-0001.yaml:14:12 /spec/approvals/0/by approver `bob@example.com` is a member of `platform-payments`, the team that asked for the delay".to_string(),
                "A003 exceptions/EXC-2026-0001.yaml:14:12 /spec/approvals/0/by approver `bob@example.com` is not a member of `grc`, the service's risk owner".to_string(),
                "V002 remediations/REM-2026-0004.yaml:12:22 /spec/verification/by verifier `bob` is a member of `platform-payments`, the team that made the fix".to_string(),
                "V003 remediations/REM-2026-0004.yaml:12:22 /spec/verification/by verifier `bob` is not a member of `secops-verify`, the service's validation owner".to_string(),
                "O005 teams/empty.yaml:6:12 /spec/members team `empty` has no members: nobody can act for it".to_string(),
            ]
        )
    );
}

#[test]
fn messages_say_what_to_write() {
    let repo = copy_fixture("clean");
    let root = repo.path();
    edit(
        root,
        "exceptions/EXC-2026-0001.yaml",
        "  status: active",
        "  status: actve\n  requestd_by: bob",
    );
    edit(
        root,
        "remediations/REM-2026-0001.yaml",
        "found_on: 2026-11-10",
        "found_on: 2026-1-5",
    );
    let team = "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {id: extra}\nspec:\n  functions: [risk]\n  members: [alice, erin]\n";
    write(
        root,
        "teams/kind.yaml",
        &team.replace("kind: Team", "kind: team"),
    );
    write(
        root,
        "teams/handle.yaml",
        &team.replace("[alice, erin]", "[@alice-ng, erin]"),
    );
    write(
        root,
        "remediations/REM-2026-0010.yaml",
        "apiVersion: foureyes.dev/v1\nkind: Remediation\nmetadata: {id: REM-2026-0010}\nspec:\n  service: payments-api\n  finding: {id: CVE-2026-0010, severity: low}\n  found_on: 2026-11-31\n  status: open\n",
    );
    let (code, found) = check(root);
    assert_eq!(
        (code, found),
        (
            1,
            vec![
                "S001 exceptions/EXC-2026-0001.yaml:17:11 /spec/status `actve` is not one of `active`, `revoked`: did you mean `active`?".to_string(),
                "S001 exceptions/EXC-2026-0001.yaml:18:3 /spec/requestd_by unknown field `requestd_by`: did you mean `requested_by`?".to_string(),
                "S001 remediations/REM-2026-0001.yaml:9:13 /spec/found_on `2026-1-5` is not a date: write YYYY-MM-DD, e.g. 2026-01-05".to_string(),
                "S001 remediations/REM-2026-0010.yaml:7:13 /spec/found_on `2026-11-31` is not a date: 2026-11 has 30 days".to_string(),
                "P001 teams/handle.yaml:6:13 - unexpected `@`: YAML reserves it at the start of a value, so quote the value: \"@alice-ng\"".to_string(),
                "P003 teams/kind.yaml:2:7 /kind unknown kind `team`: did you mean `Team`? (the kinds are People, Team, OwnershipMap, SlaPolicy, Exception, Remediation)".to_string(),
            ]
        )
    );
}

#[test]
fn positions_are_where_nodes_start() {
    let repo = copy_fixture("clean");
    let root = repo.path();
    // A block scalar where a list belongs, and a block sequence not indented under its key.
    edit(
        root,
        "exceptions/EXC-2026-0001.yaml",
        "  compensating_controls: [WAF rule 9411 blocks the vulnerable endpoint]",
        "  compensating_controls: >-  # one control | or more\n    WAF rule 9411 blocks the vulnerable endpoint",
    );
    edit(
        root,
        "exceptions/EXC-2026-0002.yaml",
        "  approvals:\n    - by: dana.li@corp.example.com\n      on: 2026-11-06",
        "  approvals:\n  - by: dana.li@corp.example.com\n    on: 2026-11-06\n  - {by: '@grace-v', on: 2026-11-06}",
    );
    let (code, found) = check(root);
    assert_eq!(
        (code, found),
        (
            1,
            vec![
                "S001 exceptions/EXC-2026-0001.yaml:12:26 /spec/compensating_controls \"WAF rule 9411 blocks the vulnerable endpoint\" is not of type \"array\"".to_string(),
                "A003 exceptions/EXC-2026-0002.yaml:20:10 /spec/approvals/1/by approver `@grace-v` is not a member of `grc`, the service's risk owner".to_string(),
            ]
        )
    );
}
