//! `foureyes suppressions`, through the real binary: each application-repository fixture
//! (fixtures/suppressions/apps/NAME) is copied into a fresh git repository with the
//! `origin` remote its expected.txt names, audited against fixtures/suppressions/gov, and
//! compared with the hand-written expectations and an exact JSON snapshot.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{copy_dir, foureyes, line_of, manifest_dir};

const TODAY: &str = "2026-11-15";

fn apps() -> PathBuf {
    manifest_dir().join("fixtures/suppressions/apps")
}

fn gov() -> PathBuf {
    manifest_dir().join("fixtures/suppressions/gov")
}

struct Expected {
    origin: Option<String>,
    args: Vec<String>,
    exit: i32,
    lines: Vec<String>,
}

fn read_expected(dir: &Path) -> Expected {
    let text = std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut e = Expected {
        origin: None,
        args: Vec::new(),
        exit: -1,
        lines: Vec::new(),
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
        } else if let Some(o) = line.strip_prefix("origin:") {
            e.origin = Some(o.trim().to_string());
        } else if let Some(a) = line.strip_prefix("args:") {
            e.args = a.split_whitespace().map(String::from).collect();
        } else if let Some(x) = line.strip_prefix("exit ") {
            e.exit = x.parse().unwrap();
        } else {
            e.lines
                .push(line.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    e
}

/// A git work tree at `dir` whose `origin` remote is `url` (none when `None`).
fn git_init(dir: &Path, url: Option<&str>) {
    let repo = git2::Repository::init(dir).unwrap();
    if let Some(url) = url {
        repo.remote("origin", url).unwrap();
    }
}

/// Copies the fixture to `app/` in a temporary folder holding a git repository.
fn app_repo(name: &str, origin: Option<&str>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    copy_dir(&apps().join(name), &app);
    git_init(&app, origin);
    tmp
}

fn run(tmp: &Path, args: &[&str]) -> (i32, String, String) {
    let out = foureyes()
        .current_dir(tmp)
        .arg("suppressions")
        .args(args)
        .arg("--governance")
        .arg(gov())
        .args(["--today", TODAY])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(apps())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The fixture's JSON output, when its diagnostics and exit code are the expected ones.
fn check_fixture(name: &str) -> Result<String, String> {
    let expected = read_expected(&apps().join(name));
    let tmp = app_repo(name, expected.origin.as_deref());
    let mut args = vec!["app", "--format", "json"];
    args.extend(expected.args.iter().map(String::as_str));
    let (code, stdout, stderr) = run(tmp.path(), &args);
    let json: Value =
        serde_json::from_str(&stdout).map_err(|e| format!("{name}: not JSON ({e}): {stderr}"))?;
    let got: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(line_of)
        .collect();
    if got != expected.lines || code != expected.exit {
        return Err(format!(
            "{name}\n  expected (exit {}):\n    {}\n  got (exit {code}):\n    {}",
            expected.exit,
            expected.lines.join("\n    "),
            got.join("\n    ")
        ));
    }
    Ok(stdout)
}

#[test]
fn every_fixture_gives_exactly_its_expected_diagnostics() {
    let names = fixture_names();
    let results: Vec<_> = names.iter().map(|n| check_fixture(n)).collect();
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Then the whole output, exactly: messages, pointers, summary.
    for (name, out) in names.iter().zip(results) {
        insta::assert_snapshot!(name.clone(), out.unwrap_or_default());
    }
}

#[test]
fn every_suppression_rule_has_a_fixture_that_triggers_it() {
    let all: Vec<String> = fixture_names()
        .iter()
        .flat_map(|n| read_expected(&apps().join(n)).lines)
        .collect();
    for code in ["X001", "X002", "X003", "X004"] {
        assert!(
            all.iter().any(|l| l.starts_with(&format!("{code} "))),
            "no fixture expects {code}"
        );
    }
}

fn emit(service: &str, scanner: &str) -> (i32, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &["--service", service, "--emit", scanner])
}

#[test]
fn emitted_files_parse_are_deterministic_and_audit_clean() {
    for (scanner, name) in [
        ("trivy", ".trivyignore.yaml"),
        ("osv", "osv-scanner.toml"),
        ("grype", ".grype.yaml"),
    ] {
        let (code, text, stderr) = emit("payments-api", scanner);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            emit("payments-api", scanner).1,
            text,
            "{scanner}: not deterministic"
        );
        if name.ends_with(".toml") {
            toml::from_str::<toml::Table>(&text).unwrap_or_else(|e| panic!("{scanner}: {e}"));
        } else {
            let parsed = foureyes::parse::parse(&text, false);
            assert!(
                parsed.problems.is_empty(),
                "{scanner}: {:?}",
                parsed.problems
            );
        }
        insta::assert_snapshot!(format!("emit-{scanner}"), text);
        // Round trip: the emitted file, audited against the same repository and day.
        let tmp = tempfile::tempdir().unwrap();
        let app = tmp.path().join("app");
        std::fs::create_dir(&app).unwrap();
        std::fs::write(app.join(name), &text).unwrap();
        git_init(&app, Some("https://github.com/acme/payments.git"));
        let (code, out, stderr) = run(tmp.path(), &["app", "--format", "json"]);
        let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        assert_eq!(json["diagnostics"], serde_json::json!([]), "{scanner}");
        assert_eq!(json["summary"]["files"], 1);
        assert_eq!(code, 0);
    }
}

#[test]
fn emit_for_a_service_without_backed_exceptions_is_an_empty_file() {
    let (code, text, _) = emit("ledger-worker", "trivy");
    assert_eq!(code, 0);
    assert!(text.contains("CVE-2026-1005"), "{text}");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("gov")).unwrap();
    let (code, _, stderr) = emit("nobody", "grype");
    assert_eq!(code, 2);
    assert!(stderr.contains("--service `nobody`"), "{stderr}");
}

/// Runs in a temporary folder and expects exit 2 with one line on stderr containing `needle`.
fn fails(tmp: &Path, args: &[&str], needle: &str) {
    let (code, stdout, stderr) = run(tmp, args);
    assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
}

#[test]
fn no_service_found_is_exit_2_with_advice() {
    let advice = "pass --service ID or --repository OWNER/NAME, or list the repository";
    let tmp = app_repo("service-flag", None);
    fails(tmp.path(), &["app"], "no `origin` remote");
    fails(tmp.path(), &["app"], advice);
    let tmp = app_repo("service-flag", Some("https://github.com/acme/unknown.git"));
    fails(
        tmp.path(),
        &["app"],
        "no service lists repository acme/unknown",
    );
    fails(tmp.path(), &["app"], advice);
    let tmp = app_repo("service-flag", Some("/srv/git/local.git"));
    fails(tmp.path(), &["app"], "names no OWNER/NAME repository");
    // Not a git repository at all.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join(".trivyignore"), "CVE-1\n").unwrap();
    fails(plain.path(), &["."], "not in a git repository");
    fails(
        plain.path(),
        &[".", "--repository", "acme"],
        "--repository `acme`: expected OWNER/NAME",
    );
    fails(
        plain.path(),
        &[".", "--service", "nobody"],
        "--service `nobody`",
    );
    fails(plain.path(), &["missing"], "cannot read missing");
}

#[test]
fn a_governance_repository_that_cannot_be_checked_is_exit_2() {
    let tmp = app_repo("clean", Some("https://github.com/acme/payments.git"));
    let gov = tmp.path().join("gov");
    copy_dir(&self::gov(), &gov);
    std::fs::write(gov.join("foureyes.yaml"), "rules: {X999: error}\n").unwrap();
    let out = foureyes()
        .current_dir(tmp.path())
        .args([
            "suppressions",
            "app",
            "--governance",
            "gov",
            "--today",
            TODAY,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown rule `X999`"), "{stderr}");
    let out = foureyes()
        .current_dir(tmp.path())
        .args([
            "suppressions",
            "app",
            "--governance",
            "nowhere",
            "--today",
            TODAY,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn the_governance_config_sets_the_severity_of_suppression_rules() {
    let tmp = app_repo("x001-reasons", Some("https://github.com/acme/payments.git"));
    let gov = tmp.path().join("gov");
    copy_dir(&self::gov(), &gov);
    std::fs::write(gov.join("foureyes.yaml"), "rules: {X001: warning}\n").unwrap();
    let out = foureyes()
        .current_dir(tmp.path())
        .args([
            "suppressions",
            "app",
            "--governance",
            "gov",
            "--today",
            TODAY,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["warnings"], 6);
    assert_eq!(out.status.code(), Some(0));
    let out = foureyes()
        .current_dir(tmp.path())
        .args([
            "suppressions",
            "app",
            "--governance",
            "gov",
            "--today",
            TODAY,
            "--deny-warnings",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn sarif_and_annotations_name_files_from_the_git_root() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join("sub/dir")).unwrap();
    std::fs::write(repo.join("sub/dir/.trivyignore"), "CVE-2026-9999\n").unwrap();
    git_init(&repo, Some("git@github.com:acme/payments.git"));
    let (_, json, _) = run(tmp.path(), &["repo/sub", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], "repo/sub/dir/.trivyignore");
    let (code, github, _) = run(tmp.path(), &["repo/sub", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        github.starts_with("::error file=sub/dir/.trivyignore,line=1,col=1,"),
        "{github}"
    );
    let (_, sarif, _) = run(tmp.path(), &["repo/sub", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "sub/dir/.trivyignore");
    // The default path is `.`, and its files are named from there.
    let (_, json, _) = run(&repo, &["--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], "sub/dir/.trivyignore");
    // One file can be audited on its own, named as given.
    let (_, json, _) = run(&repo, &["sub/dir/.trivyignore", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], "sub/dir/.trivyignore");
}

#[test]
fn links_fifos_other_repositories_and_huge_files() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    std::fs::create_dir_all(app.join("vendor/lib")).unwrap();
    git_init(&app, Some("https://github.com/acme/payments.git"));
    // Another repository inside: its ignores are its own.
    git_init(&app.join("vendor/lib"), None);
    std::fs::write(app.join("vendor/lib/.trivyignore"), "CVE-2026-9999\n").unwrap();
    // A link is not followed, whatever it names.
    let outside = tmp.path().join("outside");
    std::fs::write(&outside, "CVE-2026-9999\n").unwrap();
    std::os::unix::fs::symlink(&outside, app.join(".trivyignore")).unwrap();
    // A FIFO is never opened (opening one would block).
    let fifo = app.join(".grype.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Over the size limit: P004, and the other files are still audited.
    let big = format!("CVE-2026-9999\n{}", "#".repeat(8 << 20));
    std::fs::create_dir(app.join("big")).unwrap();
    std::fs::write(app.join("big/.trivyignore"), big).unwrap();
    std::fs::write(
        app.join("deny.toml"),
        "[advisories]\nignore = [\"RUSTSEC-2026-0404\"]\n",
    )
    .unwrap();
    let (code, out, stderr) = run(tmp.path(), &["app", "--format", "json"]);
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let got: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(line_of)
        .collect();
    assert_eq!(
        got,
        [
            "P004 error app/big/.trivyignore - -",
            "X001 error app/deny.toml:2:11 /advisories/ignore/0",
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn diagnostics_per_file_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    std::fs::create_dir(&app).unwrap();
    let lines: String = (0..1500).map(|i| format!("CVE-2026-{i:05}\n")).collect();
    std::fs::write(app.join(".trivyignore"), lines).unwrap();
    git_init(&app, Some("https://github.com/acme/payments.git"));
    let (_, out, _) = run(tmp.path(), &["app", "--format", "json"]);
    let json: Value = serde_json::from_str(&out).unwrap();
    let d = json["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1001);
    assert_eq!(d.iter().filter(|x| x["code"] == "P004").count(), 1);
    assert_eq!(json["summary"]["documents"], 1500);
}

#[test]
fn the_origin_remote_in_every_form_finds_the_service() {
    for url in [
        "https://github.com/acme/payments.git",
        "https://github.com/ACME/Payments",
        "git@github.com:acme/payments.git",
        "ssh://git@github.com:22/acme/payments",
        "https://token@github.example.com/acme/payments.git/",
    ] {
        let tmp = app_repo("x001-reasons", Some(url));
        let (code, out, stderr) = run(tmp.path(), &["app", "--format", "json"]);
        assert_eq!(code, 1, "{url}: {stderr}");
        let json: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["summary"]["errors"], 6, "{url}");
    }
}

/// The keys `foureyes explain CODE` documents under `## Facts`, with their identity marks.
fn documented_facts(code: &str) -> Vec<(String, bool)> {
    let out = foureyes().args(["explain", code]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (_, facts) = text.split_once("\n## Facts\n").unwrap_or_default();
    facts
        .split("\n- ")
        .filter_map(|item| item.trim_start_matches("- ").split_once(": "))
        .flat_map(|(names, _)| {
            let identity = names.contains("*(identity)*");
            names
                .split('`')
                .skip(1)
                .step_by(2)
                .map(move |k| (k.to_string(), identity))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn facts_are_documented_and_every_problem_has_its_own_fingerprint() {
    for name in fixture_names() {
        let expected = read_expected(&apps().join(&name));
        let tmp = app_repo(&name, expected.origin.as_deref());
        let mut args = vec!["app", "--format", "json"];
        args.extend(expected.args.iter().map(String::as_str));
        let (_, out, _) = run(tmp.path(), &args);
        let json: Value = serde_json::from_str(&out).unwrap();
        for d in json["diagnostics"].as_array().unwrap() {
            let code = d["code"].as_str().unwrap();
            let documented = documented_facts(code);
            for key in d["facts"].as_object().unwrap().keys() {
                assert!(
                    documented.iter().any(|(k, _)| k == key),
                    "{name}: {code} fact `{key}` is not documented"
                );
            }
        }
        args[2] = "sarif";
        let (_, out, _) = run(tmp.path(), &args);
        let sarif: Value = serde_json::from_str(&out).unwrap();
        let prints: Vec<&Value> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["partialFingerprints"])
            .collect();
        let unique: std::collections::HashSet<String> =
            prints.iter().map(|p| p.to_string()).collect();
        assert_eq!(unique.len(), prints.len(), "{name}: {prints:?}");
    }
}

#[test]
fn the_same_id_twice_in_a_trivyignore_is_two_problems() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join(".trivyignore"), "CVE-2026-9999\ncve-2026-9999\n").unwrap();
    git_init(&app, Some("https://github.com/acme/payments.git"));
    let (_, out, _) = run(tmp.path(), &["app", "--format", "json"]);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["diagnostics"][0]["facts"].get("occurrence"), None);
    assert_eq!(json["diagnostics"][1]["facts"]["occurrence"], 1);
}

/// The human format, exactly (snippets, help, totals), and `--output-sarif`, which writes
/// the very document `--format sarif` prints, whatever the format on stdout.
#[test]
fn human_output_and_the_sarif_file_of_an_audit() {
    let tmp = app_repo(
        "x003-blanket",
        Some("ssh://git@github.com/acme/payments.git"),
    );
    let (code, human, stderr) = run(tmp.path(), &["app", "--output-sarif", "out.sarif"]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("x003-blanket-human", human);
    let (code, sarif, _) = run(tmp.path(), &["app", "--format", "sarif"]);
    assert_eq!(code, 1);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("out.sarif")).unwrap(),
        sarif
    );
}
