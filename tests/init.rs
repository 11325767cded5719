//! `foureyes init`: the scaffold passes `check` on the day it is written, holds every starter
//! file, and is never written over an existing file without `--force`.

mod common;

use std::path::{Path, PathBuf};

use common::{foureyes, manifest_dir};
use serde_json::Value;

/// Relative paths of every file under `dir`, with `/`.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(dir.join(&rel)).unwrap() {
            let entry = entry.unwrap();
            let rel = rel.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                stack.push(rel);
            } else {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = foureyes::parse::parse(&text, false);
    assert!(parsed.problems.is_empty(), "{}", path.display());
    parsed.docs.into_iter().next().unwrap().value
}

#[test]
fn init_scaffolds_a_repository_that_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("governance");
    // On the day the starter is dated for, the scaffold is the starter as it is.
    let out = foureyes()
        .arg("init")
        .arg(&dir)
        .args(["--today", "2026-11-15"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("wrote 33 files to "), "{stdout}");
    foureyes()
        .arg("check")
        .arg(&dir)
        .args(["--today", "2026-11-15", "--format", "json"])
        .assert()
        .success();

    // Every starter file, byte for byte, plus the CI workflows and the pre-commit config.
    let policies = manifest_dir().join("policies");
    let mut expected = tree(&policies);
    expected.extend([
        ".github/workflows/foureyes.yml".to_string(),
        ".github/workflows/kev-catalog.yml".to_string(),
        ".pre-commit-config.yaml".to_string(),
    ]);
    expected.sort();
    assert_eq!(tree(&dir), expected);
    for rel in tree(&policies) {
        let (a, b) = (policies.join(&rel), dir.join(&rel));
        assert_eq!(
            std::fs::read(a).unwrap(),
            std::fs::read(b).unwrap(),
            "{rel}"
        );
    }
}

#[test]
fn init_writes_a_workflow_hook_and_codeowners_that_fit_the_action_and_the_teams() {
    let tmp = tempfile::tempdir().unwrap();
    foureyes()
        .arg("init")
        .current_dir(tmp.path())
        .assert()
        .success();
    let root = manifest_dir();
    let action = yaml(&root.join("action.yml"));
    let release = format!("v{}", env!("CARGO_PKG_VERSION"));

    let workflow = yaml(&tmp.path().join(".github/workflows/foureyes.yml"));
    let on = &workflow["on"];
    assert!(on.get("pull_request").is_some() && on["schedule"][0]["cron"].is_string());
    let job = &workflow["jobs"]["foureyes"];
    assert_eq!(job["permissions"]["security-events"], "write");
    let steps = job["steps"].as_array().unwrap();
    let uses = |s: &Value| s["uses"].as_str().unwrap_or_default().to_string();
    let ours = steps
        .iter()
        .find(|s| uses(s).starts_with("foureyes-dev/foureyes@"))
        .unwrap();
    // Pinned by commit, with the release in a comment.
    let (name, commit) = uses(ours)
        .split_once('@')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap();
    assert_eq!(name, "foureyes-dev/foureyes");
    assert!(commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()));
    let text = std::fs::read_to_string(tmp.path().join(".github/workflows/foureyes.yml")).unwrap();
    assert!(text.contains(&format!("@{commit} # {release}\n")), "{text}");
    assert_eq!(steps[0]["with"]["persist-credentials"], false);
    for input in ours["with"].as_object().unwrap().keys() {
        assert!(action["inputs"].get(input).is_some(), "no input `{input}`");
    }
    assert!(
        steps
            .iter()
            .any(|s| uses(s).starts_with("github/codeql-action/upload-sarif@"))
    );

    let config = yaml(&tmp.path().join(".pre-commit-config.yaml"));
    let repo = &config["repos"][0];
    assert_eq!(repo["rev"], release.as_str());
    let hooks = yaml(&root.join(".pre-commit-hooks.yaml"));
    assert_eq!(repo["hooks"][0]["id"], hooks[0]["id"]);

    // A scheduled job keeps the starter's KEV catalog current from CISA's feed.
    let kev = yaml(&tmp.path().join(".github/workflows/kev-catalog.yml"));
    assert!(kev["on"]["schedule"][0]["cron"].is_string());
    let env = &kev["jobs"]["refresh"]["env"];
    assert_eq!(
        env["FEED"],
        "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
    );
    let settings = yaml(&tmp.path().join("foureyes.yaml"));
    assert_eq!(env["CATALOG"], settings["kev_catalog"]);
    assert!(tmp.path().join(env["CATALOG"].as_str().unwrap()).is_file());

    // CODEOWNERS routes exceptions and the SLA to the scm of the risk team.
    let scm = yaml(&tmp.path().join("teams/grc.yaml"))["spec"]["scm"].clone();
    let codeowners = std::fs::read_to_string(tmp.path().join("CODEOWNERS")).unwrap();
    for folder in ["/exceptions/", "/sla/", "/foureyes.yaml"] {
        let line = codeowners
            .lines()
            .find(|l| l.starts_with(folder))
            .unwrap_or_else(|| panic!("no rule for {folder}"));
        assert_eq!(line.split_whitespace().nth(1), scm.as_str());
    }
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("foureyes.yaml"), "rules: {}\n").unwrap();
    let out = foureyes().arg("init").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("refusing to overwrite "), "{stderr}");
    assert!(stderr.contains("foureyes.yaml"), "{stderr}");
    assert_eq!(tree(tmp.path()), ["foureyes.yaml"]);

    // A second init over a full scaffold refuses too, and --force replaces the files.
    std::fs::remove_file(tmp.path().join("foureyes.yaml")).unwrap();
    foureyes().arg("init").arg(tmp.path()).assert().success();
    std::fs::write(tmp.path().join("people/staff.yaml"), "edited").unwrap();
    foureyes().arg("init").arg(tmp.path()).assert().code(2);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("people/staff.yaml")).unwrap(),
        "edited"
    );
    foureyes()
        .args(["init", "--force"])
        .arg(tmp.path())
        .assert()
        .success();
    foureyes().arg("check").arg(tmp.path()).assert().success();
}

/// `foureyes init` then `foureyes check`, both on `day` (a flag, the environment, or none:
/// the real today); returns the scaffold's folder and the check's JSON report.
fn init_and_check(day: Option<(&str, bool)>) -> (tempfile::TempDir, Value) {
    let tmp = tempfile::tempdir().unwrap();
    let with_day = |cmd: &mut assert_cmd::Command| {
        match day {
            Some((d, true)) => cmd.args(["--today", d]),
            Some((d, false)) => cmd.env("FOUREYES_TODAY", d),
            None => cmd,
        };
    };
    let mut init = foureyes();
    init.arg("init").arg(tmp.path());
    with_day(&mut init);
    init.assert().success();
    let mut check = foureyes();
    check
        .arg("check")
        .arg(tmp.path())
        .args(["--format", "json", "--deny-warnings"]);
    with_day(&mut check);
    let out = check.output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{day:?}: {json}");
    (tmp, json)
}

#[test]
fn the_scaffold_is_clean_on_whatever_day_it_is_written() {
    // Today, a day the starter's own dates already fail on, long after, the end of
    // February, leap days, and long before.
    let days = [
        None,
        Some(("2026-12-08", true)),
        Some(("2027-06-30", true)),
        Some(("2030-02-28", false)),
        Some(("2028-02-29", true)),
        Some(("2032-02-29", false)),
        Some(("2001-01-01", true)),
    ];
    for day in days {
        let (dir, json) = init_and_check(day);
        assert_eq!(json["diagnostics"], Value::Array(vec![]), "{day:?}");
        assert_eq!(json["summary"]["documents"], 27, "{day:?}");
        if let Some((d, _)) = day {
            // Every date of the records moved by the same days; the ids did not.
            let starter = manifest_dir().join("policies/exceptions/EXC-2026-0001.yaml");
            let date = |path: &Path, key: &str| -> i64 {
                let v = yaml(path)["spec"][key].as_str().unwrap().to_string();
                foureyes::date::Date::parse(&v).unwrap().0
            };
            let scaffold = dir.path().join("exceptions/EXC-2026-0001.yaml");
            let shift = foureyes::date::Date::parse(d).unwrap().0
                - foureyes::date::Date::parse("2026-11-15").unwrap().0;
            for key in ["requested_on", "expires"] {
                assert_eq!(
                    date(&scaffold, key),
                    date(&starter, key) + shift,
                    "{d} {key}"
                );
            }
            assert_eq!(yaml(&scaffold)["metadata"]["id"], "EXC-2026-0001");
        }
    }
}

#[test]
fn a_day_the_records_cannot_be_dated_for_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = foureyes()
        .args(["init", "--today", "9999-12-01"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(tree(tmp.path()).is_empty());
    let out = foureyes()
        .args(["init", "--today", "2027-02-29"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "foureyes: error: --today: `2027-02-29` is not a date (YYYY-MM-DD)\n"
    );
}

#[test]
fn init_into_a_file_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, "").unwrap();
    foureyes().arg("init").arg(&file).assert().code(2);
    assert_eq!(std::fs::read(&file).unwrap(), b"");
}
