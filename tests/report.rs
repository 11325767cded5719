//! `foureyes report` (JSON, Markdown, HTML as text) and `foureyes who`, through the binary.
//! The browser reads the HTML in tests/browser.rs.

mod common;

use std::path::PathBuf;

use common::{foureyes, manifest_dir};
use serde_json::Value;

/// The report test repository (see its README): a record in every state, hostile text.
fn repo() -> PathBuf {
    manifest_dir().join("tests/data/report")
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = foureyes().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn report(format: &str) -> String {
    let repo = repo();
    let (code, out, err) = run(&[
        "report",
        repo.to_str().unwrap(),
        "--format",
        format,
        "--today",
        "2026-11-15",
    ]);
    assert_eq!(code, Some(0), "{err}");
    out
}

/// No control character (C0 but tab and line feed, DEL, C1) and no bidi override in `s`.
fn assert_clean(s: &str, what: &str) {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    assert!(!s.chars().any(bad), "{what} holds a raw control character");
}

#[test]
fn json_carries_every_record_with_its_dates_contacts_and_order() {
    let text = report("json");
    assert_clean(&text, "the JSON");
    let v: Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!(v);
}

/// Every repository the tests ship, broken ones included, reports in every format (no panic,
/// exit 0) and its JSON is valid.
#[test]
fn every_fixture_reports_in_every_format() {
    for repo in common::all_repos() {
        let path = repo.to_str().unwrap();
        for format in ["html", "markdown", "json"] {
            let (code, out, err) =
                run(&["report", path, "--format", format, "--today", "2026-11-15"]);
            assert_eq!(code, Some(0), "{path} {format}: {err}");
            assert_clean(&out, path);
            if format == "json" {
                let v: Value = serde_json::from_str(&out).unwrap();
                if let Some(id) = v["services"][0]["id"].as_str() {
                    let (code, _, err) = run(&["who", id, path, "--today", "2026-11-15"]);
                    assert_eq!(code, Some(0), "{path} who {id}: {err}");
                }
            }
        }
    }
}

#[test]
fn json_of_the_starter_policies() {
    let policies = manifest_dir().join("policies");
    let (code, out, _) = run(&[
        "report",
        policies.to_str().unwrap(),
        "--format=json",
        "--today=2026-11-15",
    ]);
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["totals"]["errors"], 0);
    assert_eq!(v["totals"]["services"], 4);
    let ids: Vec<&str> = v["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "EXC-2026-0004",
            "EXC-2026-0002",
            "EXC-2026-0001",
            "EXC-2026-0003",
            "EXC-2026-0005"
        ]
    );
    let next = &v["open_remediations"][1]["next_escalation"];
    assert_eq!(next["on"], "2026-11-22");
    assert_eq!(next["call"]["name"], "Victor Mensah");
    assert_eq!(next["call"]["email"], "victor.mensah@example.com");
}

#[test]
fn markdown_is_inert() {
    let text = report("markdown");
    assert_clean(&text, "the Markdown");
    insta::assert_snapshot!(text);
}

/// A record completed yesterday has waited "1 day", in the Markdown as on the page.
#[test]
fn one_day_of_waiting_is_singular_in_every_format() {
    let repo = repo();
    let args = |format| {
        let r = repo.to_str().unwrap();
        run(&["report", r, "--format", format, "--today", "2026-11-13"])
    };
    let (code, md, _) = args("markdown");
    assert_eq!(code, Some(0));
    let row = md.lines().find(|l| l.starts_with("| REM-7<br>")).unwrap();
    assert!(
        row.contains(" | 2026-11-12 | 1 day | optional<br>"),
        "{row}"
    );
    let (code, html, _) = args("html");
    assert_eq!(code, Some(0));
    assert!(html.contains(r#"<td class="num days" data-sort="1">1 day</td>"#));
}

#[test]
fn html_escapes_everything_and_loads_nothing() {
    let html = report("html");
    assert_clean(&html, "the HTML");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains(
            r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; "#
        )
    );
    // The repository's markup arrives as text only; the one script is the page's own, allowed
    // by its hash.
    assert_eq!(html.matches("<script").count(), 1);
    let script = html
        .split("<script>")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let hash = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script))
    };
    assert!(html.contains(&format!("script-src 'sha256-{hash}'")));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<svg"));
    assert!(html.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
    // Every link is an anchor of the page itself.
    for href in html.split("href=\"").skip(1) {
        assert!(
            href.starts_with('#'),
            "link to {}",
            &href[..40.min(href.len())]
        );
    }
    for id in [
        "totals",
        "ownership",
        "exceptions",
        "remediations",
        "diagnostics",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("id=\"service-payments-api\""));
}

#[test]
fn output_replaces_the_file_and_fails_on_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.md");
    std::fs::write(&file, "old").unwrap();
    let repo = repo();
    let args = |out: &str| {
        let mut a = vec!["report", repo.to_str().unwrap(), "--format", "markdown"];
        a.extend(["--today", "2026-11-15", "--output"]);
        a.push(Box::leak(out.to_string().into_boxed_str()));
        a
    };
    let (code, out, _) = run(&args(file.to_str().unwrap()));
    assert_eq!((code, out.as_str()), (Some(0), ""));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("# Vulnerability governance report")
    );
    let (code, _, err) = run(&args(tmp.path().to_str().unwrap()));
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot write the report"), "{err}");
    // Nothing is left behind besides the report.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn report_errors_exit_2() {
    let (code, _, err) = run(&["report", "/nonexistent/governance"]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("foureyes: error: cannot read"), "{err}");
    let (code, _, err) = run(&["report", ".", "--today", "2026-13-01"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("not a date"), "{err}");
}

#[test]
fn who_prints_owners_controls_and_records() {
    let repo = repo();
    let (code, out, err) = run(&[
        "who",
        "payments-api",
        repo.to_str().unwrap(),
        "--today",
        "2026-11-15",
    ]);
    assert_eq!(code, Some(0), "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn who_escapes_what_it_prints() {
    let repo = repo();
    let weird = "weird\"><svg onload=window.__pwned=1> ✓";
    let (code, out, _) = run(&[
        "who",
        weird,
        repo.to_str().unwrap(),
        "--today",
        "2026-11-15",
    ]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with(weird), "{out}");
    assert_clean(&out, "who");
    // Mallory's name holds an escape sequence and a bidi override: both are replaced.
    let (_, out, _) = run(&[
        "who",
        "ledger",
        repo.to_str().unwrap(),
        "--today",
        "2026-11-15",
    ]);
    assert_clean(&out, "who");
}

#[test]
fn who_names_close_services_when_one_is_unknown() {
    let repo = repo();
    let (code, out, err) = run(&["who", "PAY", repo.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (Some(2), ""));
    assert_eq!(
        err,
        "foureyes: error: unknown service `PAY`: did you mean `payments-api`?\n"
    );
}

/// Colour only on a terminal, and never with NO_COLOR: under `script`, which gives the
/// binary a pseudo-terminal.
#[test]
fn who_colours_only_a_terminal() {
    let bin = env!("CARGO_BIN_EXE_foureyes");
    let cmd = format!(
        "{bin} who payments-api {} --today 2026-11-15",
        repo().display()
    );
    let run = |no_color: bool| {
        let (code, shown) = common::on_a_terminal(&cmd, no_color);
        assert_eq!(code, Some(0));
        shown
    };
    let coloured = run(false);
    assert!(coloured.contains("\u{1b}[1mOwners\u{1b}[0m"), "{coloured}");
    assert!(coloured.contains("\u{1b}[31mdue 2026-11-09 (6 days overdue)\u{1b}[0m"));
    let plain = run(true);
    assert!(
        plain.contains("Owners") && !plain.contains('\u{1b}'),
        "{plain}"
    );
    // Without a terminal (a pipe), no colour either.
    let (_, piped, _) = self::run(&["who", "payments-api", repo().to_str().unwrap()]);
    assert!(!piped.contains('\u{1b}'));
}

/// `--config` applies to `report` and `who` as to `check`: a rule turned off is not
/// reported, an excluded record is not shown; `-o` is `--output`; a missing config is exit 2.
#[test]
fn report_and_who_read_the_config_given() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("foureyes.yaml");
    std::fs::write(
        &config,
        "rules: {D002: off}\nexclude: [\"remediations/REM-2.yaml\"]\n",
    )
    .unwrap();
    let (repo, config) = (repo(), config.to_str().unwrap());
    let page = tmp.path().join("report.json");
    let (code, out, err) = run(&[
        "report",
        repo.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        "2026-11-15",
        "--config",
        config,
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!((code, out.as_str()), (Some(0), ""), "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&page).unwrap()).unwrap();
    let ids = |list: &str, key: &str| -> Vec<String> {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                format!(
                    "{} {}",
                    x[key].as_str().unwrap(),
                    x["file"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        ids("diagnostics", "code"),
        [
            "E001 exceptions/EXC-1.yaml",
            "E002 exceptions/EXC-2.yaml",
            "S001 exceptions/EXC-5.yaml",
            "E002 exceptions/EXC-5.yaml",
            "S001 ownership/map.yaml",
            "R003 ownership/map.yaml",
            "S001 people/staff.yaml",
            "D001 remediations/REM-1.yaml",
            "R003 remediations/REM-5.yaml",
            "V010 remediations/REM-7.yaml",
        ]
    );
    assert_eq!(
        ids("open_remediations", "id"),
        [
            "REM-1 remediations/REM-1.yaml",
            "REM-4 remediations/REM-4.yaml",
            "REM-3 remediations/REM-3.yaml",
            "REM-5 remediations/REM-5.yaml",
        ]
    );
    assert_eq!(
        (&v["totals"]["files"], &v["totals"]["warnings"]),
        (&Value::from(22), &Value::from(3))
    );
    let (code, out, err) = run(&[
        "who",
        "payments-api",
        repo.to_str().unwrap(),
        "--today",
        "2026-11-15",
        "--config",
        config,
    ]);
    assert_eq!(code, Some(0), "{err}");
    let open = out
        .split("Open remediations\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    assert_eq!(
        open,
        "  REM-1  CVE-2026-0101 critical  tier critical  due 2026-11-09 (6 days overdue)\n    \
         escalation step 2 reached on 2026-11-04: call Victor Mensah <victor@example.com>"
    );
    let missing = tmp.path().join("missing.yaml");
    for command in [&["report"][..], &["who", "payments-api"]] {
        let mut args = command.to_vec();
        args.extend([
            repo.to_str().unwrap(),
            "--config",
            missing.to_str().unwrap(),
        ]);
        let (code, out, err) = run(&args);
        assert_eq!((code, out.as_str()), (Some(2), ""), "{args:?}");
        // One line; the end of it is the operating system's words.
        let start = format!("foureyes: error: cannot read {}: ", missing.display());
        assert!(err.starts_with(&start) && err.lines().count() == 1, "{err}");
    }
}

#[test]
fn the_default_format_is_the_html_page() {
    let repo = repo();
    let (code, out, err) = run(&["report", repo.to_str().unwrap(), "--today", "2026-11-15"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, report("html"));
}
