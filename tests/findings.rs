//! `foureyes findings` through the real binary: real-shaped reports of every format against
//! the governance repository in fixtures/findings, with hand-checked diagnostics (code,
//! file, line, column, pointer) and exact JSON snapshots; bad reports; `--write-records`.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{copy_dir, foureyes, line_of, manifest_dir};

fn fixture() -> PathBuf {
    manifest_dir().join("fixtures/findings")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    fn lines(&self) -> Vec<String> {
        self.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(line_of)
            .collect()
    }
}

/// Runs `foureyes findings ARGS` in `dir` (paths in the output are as given).
fn findings_in(dir: &Path, args: &[&str]) -> Run {
    let out = foureyes()
        .current_dir(dir)
        .arg("findings")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const TODAY: [&str; 2] = ["--today", "2026-11-15"];

/// The reports against the fixture governance repository, for payments-api, JSON output.
fn findings(reports: &[&str], more: &[&str]) -> Run {
    let mut args: Vec<&str> = reports.to_vec();
    args.extend([
        "--governance",
        "gov",
        "--service",
        "payments-api",
        "--kev-catalog",
        "kev.json",
        "--format",
        "json",
    ]);
    args.extend(TODAY);
    args.extend(more);
    findings_in(&fixture(), &args)
}

/// EXC-2026-0002 (CVE-2026-1005) is detected by no report: F004 in every run below.
const STALE: &str = "F004 warning gov/exceptions/EXC-2026-0002.yaml:4:7 /metadata/id";
/// EXC-2026-0001 (CVE-2026-1004, alias GHSA-4vq8-7rw3-9xpf) is detected only by the OSV
/// reports.
const STALE_1004: &str = "F004 warning gov/exceptions/EXC-2026-0001.yaml:4:7 /metadata/id";

#[test]
fn trivy_untracked_findings_name_their_tier() {
    let r = findings(&["reports/trivy.json"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.lines(),
        [
            STALE_1004,
            STALE,
            // CVE-2026-1008: CRITICAL; REM-2026-0005 tracks it for another service.
            "F001 error reports/trivy.json:84:9 /Results/0/Vulnerabilities/2",
            // CVE-2026-1006: its only Exception is revoked.
            "F001 error reports/trivy.json:105:9 /Results/0/Vulnerabilities/3",
            // CVE-2026-1011: UNKNOWN counts as high; the KEV catalog lists it.
            "F001 error reports/trivy.json:122:9 /Results/1/Vulnerabilities/0",
        ]
    );
    let json = r.json();
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "F001")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "CVE-2026-1008 (critical) is detected on payments-api but not tracked: no Remediation and no backed Exception names it; it matches tier `critical`: remediate within 15 days",
            "CVE-2026-1006 (medium) is detected on payments-api but not tracked: no Remediation and no backed Exception names it; Exception EXC-2026-0003 does not back it (it is revoked); it matches tier `default`: remediate within 180 days",
            "CVE-2026-1011 (high, known exploited) is detected on payments-api but not tracked: no Remediation and no backed Exception names it; it matches tier `kev`: remediate within 14 days",
        ]
    );
    // CVE-2026-1001 twice (two packages) is one finding, tracked by REM-2026-0001.
    assert_eq!(json["summary"]["documents"], 4);
    insta::assert_json_snapshot!("trivy", json);
}

#[test]
fn grype_closed_remediation_still_detected_and_known_exploited() {
    let r = findings(&["reports/grype.json"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.lines(),
        [
            STALE_1004,
            STALE,
            "F002 error reports/grype.json:3:5 /matches/0",
            // GHSA-8r3f-844c-mc37: its related CVE lists a KEV entry, so tier kev.
            "F001 error reports/grype.json:89:5 /matches/1",
        ]
    );
    let json = r.json();
    assert!(
        json["diagnostics"][3]["message"]
            .as_str()
            .unwrap()
            .contains("GHSA-8r3f-844c-mc37 (high, known exploited)")
    );
    insta::assert_json_snapshot!("grype", json);
}

#[test]
fn osv_severity_from_max_severity_and_tracking_by_alias() {
    let r = findings(&["reports/osv.json"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // RUSTSEC-2026-0004 is tracked through its alias GHSA-4vq8-7rw3-9xpf (EXC-2026-0001);
    // GHSA-5wv6-cmqj-8f4g and RUSTSEC-2026-0012 are one finding (alias CVE-2026-1003),
    // critical (9.8) where REM-2026-0003 says high.
    assert_eq!(
        r.lines(),
        [
            STALE,
            "F003 error reports/osv.json:82:13 /results/0/packages/1/vulnerabilities/0",
        ]
    );
    insta::assert_json_snapshot!("osv", r.json());
}

#[test]
fn sarif_from_grype_and_osv_scanner() {
    let r = findings(&["reports/grype.sarif"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // CVE-2026-1001-libssl3 is CVE-2026-1001 (tracked); CVE-2026-1007 is in the catalog
    // while REM-2026-0004 says kev: false.
    assert_eq!(
        r.lines(),
        [
            STALE_1004,
            STALE,
            "F003 error reports/grype.sarif:88:9 /runs/0/results/1"
        ]
    );
    insta::assert_json_snapshot!("grype_sarif", r.json());

    let r = findings(&["reports/osv.sarif"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // `level: warning` is medium: the default tier.
    assert_eq!(
        r.lines(),
        [STALE, "F001 error reports/osv.sarif:58:9 /runs/0/results/0"]
    );
    insta::assert_json_snapshot!("osv_sarif", r.json());
}

#[test]
fn reports_of_all_formats_together() {
    let all = [
        "reports/trivy.json",
        "reports/grype.json",
        "reports/osv.json",
        "reports/grype.sarif",
        "reports/osv.sarif",
    ];
    let r = findings(&all, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.lines(),
        [
            STALE,
            "F002 error reports/grype.json:3:5 /matches/0",
            "F001 error reports/grype.json:89:5 /matches/1",
            "F003 error reports/grype.sarif:88:9 /runs/0/results/1",
            "F003 error reports/osv.json:82:13 /results/0/packages/1/vulnerabilities/0",
            "F001 error reports/osv.sarif:58:9 /runs/0/results/0",
            "F001 error reports/trivy.json:84:9 /Results/0/Vulnerabilities/2",
            "F001 error reports/trivy.json:105:9 /Results/0/Vulnerabilities/3",
            "F001 error reports/trivy.json:122:9 /Results/1/Vulnerabilities/0",
        ]
    );
    // CVE-2026-1001 (Trivy, Grype SARIF) and GHSA-4vq8-7rw3-9xpf (OSV JSON, OSV SARIF) are
    // counted once each.
    assert_eq!(r.json()["summary"]["documents"], 10);
    // Without the catalog, CVE-2026-1011 is high (tier high) and CVE-2026-1007 is fine.
    let mut no_catalog: Vec<&str> = all.to_vec();
    no_catalog.extend([
        "--governance",
        "gov",
        "--service",
        "payments-api",
        "--format",
        "json",
    ]);
    no_catalog.extend(TODAY);
    let r = findings_in(&fixture(), &no_catalog);
    let lines = r.lines();
    assert!(
        !lines.iter().any(|l| l.contains("grype.sarif")),
        "{lines:?}"
    );
    let json = r.json();
    let last = json["diagnostics"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        last["message"]
            .as_str()
            .unwrap()
            .ends_with("it matches tier `high`: remediate within 30 days")
    );
}

#[test]
fn the_service_comes_from_the_repository() {
    let args = |repo: &str| {
        let mut a = vec!["reports/osv.json", "--governance", "gov", "--repository"];
        a.push(Box::leak(repo.to_string().into_boxed_str()));
        a.extend(["--format", "json", "--today", "2026-11-15"]);
        a
    };
    let r = findings_in(&fixture(), &args("Acme/Payments.git"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.lines().len(), 2);
    for (repo, why) in [
        (
            "acme/unknown",
            "--repository acme/unknown: no service lists this repository",
        ),
        (
            "acme/monorepo",
            "--repository acme/monorepo: several services live in folders of it (billing, ledger-worker): pass --service ID",
        ),
        ("nothing", "--repository `nothing`: expected OWNER/NAME"),
    ] {
        let r = findings_in(&fixture(), &args(repo));
        assert_eq!(r.code, 2, "{repo}");
        assert!(
            r.stderr.starts_with(&format!("foureyes: error: {why}")),
            "{repo}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    let r = findings_in(&fixture(), &["reports/osv.json", "--governance", "gov"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--service"), "{}", r.stderr);
    let r = findings_in(
        &fixture(),
        &[
            "reports/osv.json",
            "--governance",
            "gov",
            "--service",
            "nope",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--service `nope`"), "{}", r.stderr);
}

/// Writes `name` with `content` in a fresh folder and runs findings on it.
fn bad_report(name: &str, content: &[u8]) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(name);
    std::fs::write(&path, content).unwrap();
    let gov = fixture().join("gov");
    findings_in(
        tmp.path(),
        &[
            name,
            "--governance",
            gov.to_str().unwrap(),
            "--service",
            "payments-api",
        ],
    )
}

fn assert_one_line_error(r: &Run, starts: &str) {
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.starts_with(starts), "{}", r.stderr);
}

#[test]
fn bad_reports_stop_the_command_with_one_line_naming_the_file() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.json", b"".to_vec(), "empty.json:1:1: not valid JSON: EOF while parsing a value"),
        ("text.json", b"Total: 3 (HIGH: 1)\n".to_vec(), "text.json:1:1: not valid JSON"),
        (
            "cut.json",
            br#"{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Sev"#.to_vec(),
            "cut.json:1:103: not valid JSON: EOF while parsing a string (at /Results/0/Vulnerabilities/0)",
        ),
        (
            "sbom.json",
            br#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}"#.to_vec(),
            "sbom.json:1:1: not a SARIF 2.1.0, Trivy, Grype or OSV-Scanner JSON report",
        ),
        (
            "old.sarif",
            br#"{"version": "2.0.0", "runs": []}"#.to_vec(),
            "old.sarif:1:1: SARIF version `2.0.0` is not supported",
        ),
        (
            "legacy.json",
            br#"[{"Target": "x", "Vulnerabilities": []}]"#.to_vec(),
            "legacy.json:1:1: not a SARIF 2.1.0, Trivy, Grype or OSV-Scanner JSON report (the top level is not an object)",
        ),
        (
            "noid.json",
            b"{\"matches\": [\n  {\"vulnerability\": {\"severity\": \"High\"}}]}".to_vec(),
            "noid.json:2:3: a finding without `vulnerability.id` (at /matches/0)",
        ),
        ("latin1.json", b"{\"Results\": [\"caf\xe9\"]}".to_vec(), "latin1.json: not UTF-8 text"),
    ];
    for (name, content, starts) in cases {
        let r = bad_report(name, &content);
        assert_one_line_error(&r, &format!("foureyes: error: {starts}"));
    }
    let deep = format!(
        r#"{{"Results": [], "Metadata": {}{}}}"#,
        "[".repeat(1_000_000),
        "]".repeat(1_000_000)
    );
    let r = bad_report("deep.json", deep.as_bytes());
    assert_one_line_error(
        &r,
        "foureyes: error: deep.json:1:230: nested deeper than 200 levels",
    );
}

#[test]
fn a_report_over_the_size_limit_is_refused_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("huge.json");
    // A sparse 2 GiB file: reading it would take seconds and memory.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let gov = fixture().join("gov");
    let r = findings_in(
        tmp.path(),
        &[
            "huge.json",
            "--governance",
            gov.to_str().unwrap(),
            "--service",
            "payments-api",
        ],
    );
    assert_one_line_error(
        &r,
        "foureyes: error: huge.json: larger than 512 MiB, the limit for a report",
    );
    for missing in ["nope.json", "."] {
        let r = findings_in(
            tmp.path(),
            &[
                missing,
                "--governance",
                gov.to_str().unwrap(),
                "--service",
                "payments-api",
            ],
        );
        assert_one_line_error(&r, &format!("foureyes: error: {missing}: "));
    }
}

#[test]
fn odd_ids_are_reported_escaped_and_recorded_verbatim() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture().join("gov"), &tmp.path().join("gov"));
    let long = "X".repeat(10_000);
    let report = serde_json::json!({"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [
        {"VulnerabilityID": "CVE-2026-0001\u{1b}[2J\u{7}", "Severity": "LOW"},
        {"VulnerabilityID": long, "Severity": "LOW"},
        {"VulnerabilityID": "CVE-2026-1005", "Severity": "LOW"},
        {"VulnerabilityID": "CVE-2026-1004", "Severity": "LOW"}]}]});
    std::fs::write(tmp.path().join("odd.json"), report.to_string()).unwrap();
    let args = [
        "odd.json",
        "--governance",
        "gov",
        "--service",
        "payments-api",
        "--today",
        "2026-11-15",
    ];
    let human = findings_in(tmp.path(), &args);
    assert_eq!(human.code, 1);
    assert!(!human.stdout.contains('\u{1b}') && !human.stdout.contains('\u{7}'));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json", "--write-records", "gov/remediations"]);
    let r = findings_in(tmp.path(), &json_args);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(r"CVE-2026-0001\u001b[2J\u0007"),
        "{}",
        r.stdout
    );
    let d = &r.json()["diagnostics"];
    assert_eq!(d.as_array().unwrap().len(), 2, "{d}");
    assert!(d[1]["message"].as_str().unwrap().chars().count() <= 1003);
    assert_eq!(
        r.stderr.lines().count(),
        2,
        "one line per file written: {}",
        r.stderr
    );
    let written = tmp
        .path()
        .join("gov/remediations/REM-payments-api-CVE-2026-0001--2J-.yaml");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(
        text.contains("    id: \"CVE-2026-0001\\u001B[2J\\u0007\"\n"),
        "{text}"
    );
    let check = foureyes()
        .args(["check", "--today", "2026-11-15", "--format", "json"])
        .arg(tmp.path().join("gov"))
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let again = findings_in(tmp.path(), &json_args);
    assert_eq!(again.code, 0, "{}", again.stdout);
}

#[test]
fn written_records_make_the_findings_tracked_and_check_clean() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    let dir = tmp.path().join("gov/remediations");
    // A file already there is never replaced.
    let kept = dir.join("REM-payments-api-CVE-2026-1006.yaml");
    std::fs::write(&kept, "# placeholder\n").unwrap();
    let all = [
        "reports/trivy.json",
        "reports/grype.json",
        "reports/osv.json",
        "reports/grype.sarif",
        "reports/osv.sarif",
        "--governance",
        "gov",
        "--service",
        "payments-api",
        "--kev-catalog",
        "kev.json",
        "--today",
        "2026-11-15",
        "--format",
        "json",
        "--write-records",
        "gov/remediations",
    ];
    let r = findings_in(tmp.path(), &all);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "skipped gov/remediations/REM-payments-api-CVE-2026-1006.yaml: it exists
wrote gov/remediations/REM-payments-api-CVE-2026-1008.yaml
wrote gov/remediations/REM-payments-api-CVE-2026-1010.yaml
wrote gov/remediations/REM-payments-api-CVE-2026-1011.yaml
wrote gov/remediations/REM-payments-api-GHSA-8r3f-844c-mc37.yaml
"
    );
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "# placeholder\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("REM-payments-api-GHSA-8r3f-844c-mc37.yaml")).unwrap(),
        "apiVersion: foureyes.dev/v1
kind: Remediation
metadata:
  id: REM-payments-api-GHSA-8r3f-844c-mc37
spec:
  service: payments-api
  finding:
    id: GHSA-8r3f-844c-mc37
    aliases:
      - CVE-2026-1009
    severity: high
    kev: true
  found_on: 2026-11-15
  status: open
"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("REM-payments-api-CVE-2026-1010.yaml")).unwrap(),
        "apiVersion: foureyes.dev/v1
kind: Remediation
metadata:
  id: REM-payments-api-CVE-2026-1010
spec:
  service: payments-api
  finding:
    id: CVE-2026-1010
    aliases:
      - RUSTSEC-2026-0010
      - GHSA-7cx2-hv4f-mq9j
    severity: medium
    kev: false
  found_on: 2026-11-15
  status: open
"
    );
    // The placeholder is no record: remove it, and the governance repository checks clean.
    std::fs::remove_file(&kept).unwrap();
    let check = foureyes()
        .args(["check", "gov", "--today", "2026-11-15", "--format", "json"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json}");
    assert_eq!(check.status.code(), Some(0));
    // Now every finding but CVE-2026-1006 is tracked; a second run writes it alone.
    let r = findings_in(tmp.path(), &all);
    assert_eq!(
        r.stderr,
        "wrote gov/remediations/REM-payments-api-CVE-2026-1006.yaml\n"
    );
    let lines = r.lines();
    assert_eq!(
        lines,
        [
            STALE,
            "F002 error reports/grype.json:3:5 /matches/0",
            "F003 error reports/grype.sarif:88:9 /runs/0/results/1",
            "F003 error reports/osv.json:82:13 /results/0/packages/1/vulnerabilities/0",
            "F001 error reports/trivy.json:105:9 /Results/0/Vulnerabilities/3",
        ]
    );
    let r = findings_in(tmp.path(), &all);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert_eq!(r.lines().len(), 4);
}

#[test]
fn config_of_the_governance_repository_applies() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    std::fs::copy(tmp.path().join("kev.json"), tmp.path().join("gov/kev.json")).unwrap();
    std::fs::write(
        tmp.path().join("gov/foureyes.yaml"),
        "kev_catalog: kev.json\nrules: {F004: off, F003: warning}\n",
    )
    .unwrap();
    let r = findings_in(
        tmp.path(),
        &[
            "reports/grype.sarif",
            "reports/trivy.json",
            "--governance",
            "gov",
            "--service",
            "payments-api",
            "--format",
            "json",
            "--today",
            "2026-11-15",
        ],
    );
    assert_eq!(
        r.lines(),
        [
            "F003 warning reports/grype.sarif:88:9 /runs/0/results/1",
            "F001 error reports/trivy.json:84:9 /Results/0/Vulnerabilities/2",
            "F001 error reports/trivy.json:105:9 /Results/0/Vulnerabilities/3",
            "F001 error reports/trivy.json:122:9 /Results/1/Vulnerabilities/0",
        ]
    );
    std::fs::write(
        tmp.path().join("gov/foureyes.yaml"),
        "kev_catalog: missing.json\n",
    )
    .unwrap();
    let r = findings_in(
        tmp.path(),
        &[
            "reports/trivy.json",
            "--governance",
            "gov",
            "--service",
            "payments-api",
        ],
    );
    assert_one_line_error(&r, "foureyes: error: KEV catalog ");
}

#[test]
fn github_and_sarif_name_files_from_the_repository_root() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    copy_dir(&fixture(), &tmp.path().join("ci"));
    let app = tmp.path().join("ci");
    let args = |format: &'static str| {
        [
            "reports/trivy.json",
            "--governance",
            "gov",
            "--service",
            "payments-api",
            "--today",
            "2026-11-15",
            "--format",
            format,
        ]
    };
    let r = findings_in(&app, &args("github"));
    assert_eq!(r.code, 1);
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("::warning file=ci/gov/exceptions/EXC-2026-0001.yaml,line=4,col=7,"),
        "{first}"
    );
    assert!(
        r.stdout
            .contains("::error file=ci/reports/trivy.json,line=84,col=9,"),
        "{}",
        r.stdout
    );
    let r = findings_in(&app, &args("sarif"));
    let sarif: Value = serde_json::from_str(&r.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            "ci/gov/exceptions/EXC-2026-0001.yaml",
            "ci/gov/exceptions/EXC-2026-0002.yaml",
            "ci/reports/trivy.json",
            "ci/reports/trivy.json",
            "ci/reports/trivy.json"
        ]
    );
    let human = findings_in(&app, &args("human"));
    assert!(
        human.stdout.contains("F001(untracked-finding)"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("\"VulnerabilityID\": \"CVE-2026-1008\""),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .ends_with("1 file, 4 documents: 3 errors, 2 warnings\n"),
        "{}",
        human.stdout
    );
}

#[test]
fn columns_count_characters_in_a_minified_report() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture().join("gov"), &tmp.path().join("gov"));
    let report = r#"{"SchemaVersion":2,"Results":[{"Target":"app — ünïcode 🦀","Vulnerabilities":[{"VulnerabilityID":"CVE-2026-1001","Severity":"HIGH","Title":"é"},{"VulnerabilityID":"CVE-2026-1099","Severity":"LOW"}]}]}"#;
    std::fs::write(tmp.path().join("min.json"), report).unwrap();
    let start = report
        .find(r#"{"VulnerabilityID":"CVE-2026-1099""#)
        .unwrap();
    let column = report[..start].chars().count() + 1;
    let args = [
        "min.json",
        "--governance",
        "gov",
        "--service",
        "payments-api",
        "--today",
        "2026-11-15",
    ];
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let r = findings_in(tmp.path(), &json_args);
    assert_eq!(
        r.lines(),
        [
            STALE_1004,
            STALE,
            &*format!("F001 error min.json:1:{column} /Results/0/Vulnerabilities/1"),
        ]
    );
    let human = findings_in(tmp.path(), &args);
    assert!(
        human.stdout.contains("╰── untracked-finding"),
        "{}",
        human.stdout
    );
}

/// Exit 1 on warnings only with `--deny-warnings`: here every diagnostic is a warning
/// (F003 made one by the config, F004 by default).
#[test]
fn deny_warnings_fails_a_run_of_warnings_only() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    std::fs::write(
        tmp.path().join("gov/foureyes.yaml"),
        "rules: {F003: warning}\n",
    )
    .unwrap();
    let args = |more: &[&'static str]| {
        let mut a = vec![
            "reports/grype.sarif",
            "--governance",
            "gov",
            "--service",
            "payments-api",
            "--kev-catalog",
            "kev.json",
            "--format",
            "json",
        ];
        a.extend(TODAY);
        a.extend(more);
        a
    };
    let r = findings_in(tmp.path(), &args(&[]));
    let expected = [
        STALE_1004,
        STALE,
        "F003 warning reports/grype.sarif:88:9 /runs/0/results/1",
    ];
    assert_eq!(
        (r.code, r.lines()),
        (0, expected.map(String::from).to_vec())
    );
    let r = findings_in(tmp.path(), &args(&["--deny-warnings"]));
    assert_eq!(
        (r.code, r.lines()),
        (1, expected.map(String::from).to_vec())
    );
}

/// `--output-sarif` writes the document `--format sarif` prints; `--summary FILE` appends
/// the Markdown summary, which otherwise goes to `$GITHUB_STEP_SUMMARY`.
#[test]
fn sarif_file_and_step_summary() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    let ci = tmp.path().join("ci");
    copy_dir(&fixture(), &ci);
    let summary = tmp.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let run = |format: &str, more: &[&std::ffi::OsStr], env: Option<&Path>| {
        let mut cmd = foureyes();
        cmd.current_dir(&ci)
            .args(["findings", "reports/osv.json", "--governance", "gov"])
            .args(["--service", "payments-api", "--kev-catalog", "kev.json"])
            .args(TODAY)
            .args(["--format", format])
            .args(more);
        if let Some(env) = env {
            cmd.env("GITHUB_STEP_SUMMARY", env);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let sarif_file = tmp.path().join("out.sarif");
    let unused = tmp.path().join("unused.md");
    let more = ["--output-sarif".as_ref(), sarif_file.as_os_str()];
    let more = [&more[..], &["--summary".as_ref(), summary.as_os_str()]].concat();
    let json = run("json", &more, Some(&unused));
    assert_eq!(
        serde_json::from_str::<Value>(&json).unwrap()["summary"]["errors"],
        1
    );
    assert_eq!(
        std::fs::read_to_string(&sarif_file).unwrap(),
        run("sarif", &[], None)
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    let text = written.strip_prefix("earlier step\n").unwrap();
    insta::assert_snapshot!("osv_summary", text);
    assert!(!unused.exists(), "--summary replaces $GITHUB_STEP_SUMMARY");
    // Without --summary, the summary goes to $GITHUB_STEP_SUMMARY.
    let env = tmp.path().join("env.md");
    run("json", &[], Some(&env));
    assert_eq!(std::fs::read_to_string(&env).unwrap(), text);
}
