//! Helpers shared by the integration tests that run the binary on copies of fixtures.

// Each test crate compiles this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, with none of the GitHub Actions variables of the machine running the tests
/// (a CI run must not append our test summaries to its own).
pub fn foureyes() -> Command {
    let mut cmd = Command::cargo_bin("foureyes").unwrap();
    for var in [
        "GITHUB_STEP_SUMMARY",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_SHA",
        "FOUREYES_TODAY",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Copies a folder tree, leaving out fixtures' `expected.txt`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "expected.txt" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fixture copied to `gov/` inside a fresh git work tree (an empty `.git` is enough to
/// mark the root), so reported paths must start with `gov/`.
pub fn in_repo(fixture: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    copy_dir(fixture, &tmp.path().join("gov"));
    tmp
}

/// One diagnostic in the expected.txt notation:
/// `CODE severity file:line:column pointer [document=N]`, with `-` for what is absent.
pub fn line_of(d: &Value) -> String {
    let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
    let pos = match (d.get("line"), d.get("column")) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", s("file")),
        _ => format!("{} -", s("file")),
    };
    let pointer = match d.get("pointer").and_then(Value::as_str) {
        Some("") => "\"\"".to_string(),
        Some(p) => p.to_string(),
        None => "-".to_string(),
    };
    let mut out = format!("{} {} {pos} {pointer}", s("code"), s("severity"));
    if let Some(n) = d.get("document") {
        out.push_str(&format!(" document={n}"));
    }
    out
}

/// Every governance repository the tests ship: the clean fixture, one per rule, the starter
/// policies and the untrusted-text sample, in path order.
pub fn all_repos() -> Vec<PathBuf> {
    let fixtures = manifest_dir().join("fixtures");
    let mut dirs = vec![
        fixtures.join("clean"),
        manifest_dir().join("policies"),
        manifest_dir().join("tests/data/untrusted"),
    ];
    for entry in std::fs::read_dir(fixtures.join("rules")).unwrap() {
        dirs.push(entry.unwrap().path());
    }
    dirs.sort();
    dirs
}

/// A copy of `fixtures/NAME` in a temporary directory, for tests that change it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&manifest_dir().join("fixtures").join(name), tmp.path());
    tmp
}

/// A run of `foureyes check PATH --format json`: the exit code, each diagnostic in the
/// expected.txt notation, the JSON (null when there is none) and stderr.
pub struct Run {
    pub exit: i32,
    pub lines: Vec<String>,
    pub json: Value,
    pub stderr: String,
}

/// `foureyes check PATH --format json ARGS`, on 2026-11-15 unless ARGS give `--today`.
pub fn check(path: &Path, args: &[&str]) -> Run {
    let mut cmd = foureyes();
    cmd.arg("check").arg(path).args(["--format", "json"]);
    if !args.contains(&"--today") {
        cmd.args(["--today", "2026-11-15"]);
    }
    let output = cmd.args(args).output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    let lines = match json["diagnostics"].as_array() {
        Some(a) => a.iter().map(line_of).collect(),
        None => Vec::new(),
    };
    Run {
        exit: output.status.code().unwrap_or(-1),
        lines,
        json,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

impl Run {
    /// The message of the first diagnostic `code`.
    pub fn message(&self, code: &str) -> String {
        self.json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .and_then(|d| d["message"].as_str())
            .unwrap_or_else(|| panic!("no {code} in {:?}", self.lines))
            .to_string()
    }
}

#[track_caller]
pub fn assert_run(run: &Run, exit: i32, expected: &[&str]) {
    assert_eq!(
        (run.exit, run.lines.clone()),
        (exit, expected.iter().map(|s| s.to_string()).collect()),
        "stderr: {}",
        run.stderr
    );
}

/// The git CLI in `cwd`, with no system or user configuration, returning its stdout.
pub fn git_in(cwd: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "protocol.file.allow=always",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(cwd)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", cwd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// fixtures/clean's teams/grc.yaml before and after the team declares its `scm` handle.
pub const GRC_SCM: (&str, &str) = ("  lead: dana\n", "  lead: dana\n  scm: \"@example/grc\"\n");

/// Runs the shell command `cmd` under `script`, which gives it a pseudo-terminal, with
/// `NO_COLOR` set or not: (exit code, what the terminal shows).
pub fn on_a_terminal(cmd: &str, no_color: bool) -> (Option<i32>, String) {
    let mut c = std::process::Command::new("script");
    c.args(["-qec", cmd, "/dev/null"]).env_remove("NO_COLOR");
    if no_color {
        c.env("NO_COLOR", "1");
    }
    let out = c.output().expect("script(1) from util-linux");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}
