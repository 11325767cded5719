//! Runs the real binary on every fixture repo and compares its JSON output with the
//! hand-written `expected.txt` beside it: code, severity, file, line, column, pointer,
//! document, and the exit code.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::line_of;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

struct Expected {
    args: Vec<String>,
    exit: i32,
    lines: Vec<String>,
}

fn read_expected(dir: &Path) -> Expected {
    let text = std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut e = Expected {
        args: vec!["--today".into(), "2026-11-15".into()],
        exit: -1,
        lines: Vec::new(),
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
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

fn run_fixture(dir: &Path) -> Result<(), String> {
    let expected = read_expected(dir);
    let output = Command::cargo_bin("foureyes")
        .unwrap()
        .arg("check")
        .arg(dir)
        .args(&expected.args)
        .args(["--format", "json"])
        .env_remove("FOUREYES_TODAY")
        .env_remove("GITHUB_STEP_SUMMARY") // no test report in a CI job's summary
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).map_err(|e| {
        format!(
            "{}: not JSON ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let got: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(line_of)
        .collect();
    let code = output.status.code().unwrap_or(-1);
    if got != expected.lines || code != expected.exit {
        return Err(format!(
            "{}\n  expected (exit {}):\n    {}\n  got (exit {code}):\n    {}",
            dir.display(),
            expected.exit,
            expected.lines.join("\n    "),
            got.join("\n    ")
        ));
    }
    Ok(())
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![fixtures().join("clean")];
    let mut rules: Vec<_> = std::fs::read_dir(fixtures().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    rules.sort();
    dirs.extend(rules);
    dirs
}

#[test]
fn every_fixture_gives_exactly_its_expected_diagnostics() {
    let failures: Vec<String> = fixture_dirs()
        .iter()
        .filter_map(|d| run_fixture(d).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Rules that need git history, which a fixture directory cannot hold: tests/git.rs builds
/// repositories that trigger them.
const NEED_HISTORY: &[&str] = &["G001", "G002", "G004"];

/// Rules of `foureyes suppressions`, about application repositories: tests/suppressions.rs
/// runs their fixtures (fixtures/suppressions/apps).
const SUPPRESSIONS: &[&str] = &["X001", "X002", "X003", "X004"];

/// Rules of `foureyes findings`, about scanner reports: tests/findings.rs runs their
/// fixtures (fixtures/findings).
const FINDINGS: &[&str] = &["F001", "F002", "F003", "F004"];

#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let out = Command::cargo_bin("foureyes")
        .unwrap()
        .arg("rules")
        .output()
        .unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    for code in listing.lines().filter_map(|l| l.split_whitespace().next()) {
        let dir = fixtures().join("rules").join(code);
        if (NEED_HISTORY.contains(&code) && !dir.exists())
            || SUPPRESSIONS.contains(&code)
            || FINDINGS.contains(&code)
        {
            continue;
        }
        let expected = read_expected(&dir);
        assert!(
            expected
                .lines
                .iter()
                .any(|l| l.starts_with(&format!("{code} "))),
            "fixtures/rules/{code} does not expect {code}"
        );
    }
}

/// The whole JSON output of every fixture (messages, facts, records), reviewed once and
/// kept: a wrong message or fact shows as a snapshot change.
#[test]
fn every_fixture_matches_its_json_snapshot() {
    for dir in fixture_dirs() {
        let expected = read_expected(&dir);
        let output = Command::cargo_bin("foureyes")
            .unwrap()
            .arg("check")
            .arg(&dir)
            .args(&expected.args)
            .args(["--format", "json"])
            .env_remove("FOUREYES_TODAY")
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = String::from_utf8(output.stdout).unwrap();
        insta::assert_snapshot!(format!("json_{name}"), text);
    }
}
