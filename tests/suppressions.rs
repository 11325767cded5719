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
