//! The command line: exit codes, "today", configuration, and the explain/rules/schema commands.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::copy_fixture;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn foureyes() -> Command {
    let mut c = Command::cargo_bin("foureyes").unwrap();
    c.env_remove("FOUREYES_TODAY").env("NO_COLOR", "1");
    c
}

/// Runs a JSON check and returns (exit code, codes reported, stderr).
fn check_json(args: &[&str], path: &Path) -> (i32, Vec<String>, String) {
    let out = foureyes()
        .arg("check")
        .arg(path)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let codes = serde_json::from_slice::<Value>(&out.stdout)
        .map(|j| {
            j["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    format!(
                        "{}:{}",
                        d["code"].as_str().unwrap(),
                        d["severity"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let stderr = String::from_utf8(out.stderr).unwrap();
    (out.status.code().unwrap(), codes, stderr)
}

#[test]
fn exit_codes_errors_warnings_and_deny_warnings() {
    assert_eq!(
        check_json(&["--today", "2026-11-15"], &fixture("clean")).0,
        0
    );
    assert_eq!(
        check_json(&["--today", "2026-11-15"], &fixture("rules/A001")).0,
        1
    );
    let (code, codes, _) = check_json(&["--today", "2026-11-15"], &fixture("rules/E002"));
    assert_eq!((code, codes.len()), (0, 2));
    let deny = ["--today", "2026-11-15", "--deny-warnings"];
    assert_eq!(check_json(&deny, &fixture("rules/E002")).0, 1);
}

#[test]
fn today_comes_from_the_flag_then_the_environment() {
    // E002's exceptions expire on 2026-11-29, 11-15 and 11-30: by 2026-12-15 all have expired.
    let out = foureyes()
        .args(["check", "--format", "json"])
        .arg(fixture("rules/E002"))
        .env("FOUREYES_TODAY", "2026-12-15")
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    // All three exceptions (including the one 15 days out on 2026-11-15) have expired.
    assert_eq!(
        diags.iter().filter(|d| d["code"] == "E001").count(),
        3,
        "{json}"
    );
    let flag_wins = check_json(&["--today", "2026-11-15"], &fixture("rules/E002"));
    assert_eq!(flag_wins.1, ["E002:warning", "E002:warning"]);
}

#[test]
fn check_cannot_run_exits_2_with_one_line() {
    let cases: Vec<(Vec<&str>, PathBuf)> = vec![
        (vec![], fixture("does-not-exist")),
        (vec!["--today", "2026-13-01"], fixture("clean")),
        (
            vec!["--config", "/nonexistent/foureyes.yaml"],
            fixture("clean"),
        ),
        (vec!["--format", "xml"], fixture("clean")),
    ];
    for (args, path) in cases {
        let (code, _, stderr) = check_json(&args, &path);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(!stderr.trim().is_empty(), "{args:?}");
    }
    let out = foureyes()
        .args(["check"])
        .arg(fixture("clean"))
        .env("FOUREYES_TODAY", "soon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "foureyes: error: FOUREYES_TODAY: `soon` is not a date (YYYY-MM-DD)\n"
    );
}

#[test]
fn broken_configs_are_errors_never_ignored() {
    let broken = [
        "rules: {E002: loud}\n",
        "rules: {X999: off}\n",
        "rulez: {}\n",
        "include: [\"[\"]\n",
        "rules: {E002: off\n",
        "rules: {}\nrules: {}\n",
    ];
    for text in broken {
        let repo = copy_fixture("clean");
        std::fs::write(repo.path().join("foureyes.yaml"), text).unwrap();
        let (code, _, stderr) = check_json(&["--today", "2026-11-15"], repo.path());
        assert_eq!(code, 2, "{text:?} was accepted");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("foureyes.yaml"), "{stderr}");
    }
}

#[test]
fn config_sets_severity_turns_rules_off_and_selects_files() {
    let repo = copy_fixture("rules/A001");
    let today = ["--today", "2026-11-15"];
    std::fs::write(
        repo.path().join("foureyes.yaml"),
        "rules: {A001: warning}\n",
    )
    .unwrap();
    let (code, codes, _) = check_json(&today, repo.path());
    assert_eq!((code, codes), (0, vec!["A001:warning".to_string(); 3]));

    std::fs::write(repo.path().join("foureyes.yaml"), "rules:\n  a001: off\n").unwrap();
    assert_eq!(check_json(&today, repo.path()), (0, vec![], String::new()));

    // Excluding two of the three exception files leaves one finding.
    let exclude = "exclude: [\"exceptions/EXC-2026-0001.yaml\", \"exceptions/*-0003.yaml\"]\n";
    std::fs::write(repo.path().join("foureyes.yaml"), exclude).unwrap();
    assert_eq!(check_json(&today, repo.path()).1, ["A001:error"]);

    // --config points elsewhere; the file in PATH is then not read.
    let other = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(other.path(), "include: [\"people/**\", \"teams/**\"]\n").unwrap();
    let args = [
        "--today",
        "2026-11-15",
        "--config",
        other.path().to_str().unwrap(),
    ];
    assert_eq!(check_json(&args, repo.path()), (0, vec![], String::new()));
}

#[test]
fn human_output_shows_the_snippet_the_other_party_and_the_fix() {
    let out = foureyes()
        .args(["check", "--today", "2026-11-15"])
        .arg(fixture("rules/V001"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "colour without a terminal");
    insta::assert_snapshot!(text);
}

#[test]
fn explain_rules_and_schema() {
    let out = foureyes().args(["explain", "a001"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("A001 self-approval (error)\n"), "{text}");
    for part in [
        "## What it checks",
        "## Why",
        "## How to fix",
        "Before:",
        "After:",
    ] {
        assert!(text.contains(part), "{part}");
    }
    assert_eq!(
        foureyes()
            .args(["explain", "Z999"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );

    let out = foureyes().arg("rules").output().unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains("E002  warning  exception-expiring\n"),
        "{listing}"
    );
    assert!(
        listing.contains("A001  error    self-approval\n"),
        "{listing}"
    );

    let out = foureyes().args(["schema", "exception"]).output().unwrap();
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["$id"],
        "https://foureyes.dev/schemas/v1/exception.schema.json"
    );
    let out = foureyes().arg("schema").output().unwrap();
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<_> = all.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        kinds,
        [
            "Exception",
            "OwnershipMap",
            "People",
            "Remediation",
            "SlaPolicy",
            "Team"
        ]
    );
    assert_eq!(
        foureyes()
            .args(["schema", "Widget"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

/// Colour only on a terminal, and never with NO_COLOR: run under `script`, which gives the
/// binary a pseudo-terminal.
#[test]
fn colour_on_a_terminal_unless_no_color() {
    let bin = env!("CARGO_BIN_EXE_foureyes");
    let repo = fixture("rules/A001");
    let cmd = format!("{bin} check {} --today 2026-11-15", repo.display());
    let run = |no_color: bool| {
        let (code, shown) = common::on_a_terminal(&cmd, no_color);
        assert_eq!(code, Some(1));
        shown
    };
    assert!(run(false).contains("\u{1b}["), "no colour on a terminal");
    let plain = run(true);
    assert!(
        plain.contains("self-approval") && !plain.contains('\u{1b}'),
        "{plain}"
    );
}
