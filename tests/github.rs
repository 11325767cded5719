//! `--format github` read back the way the Actions runner reads workflow commands, the
//! Markdown step summary, and bad output arguments.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{all_repos, foureyes, in_repo, manifest_dir};
use serde_json::Value;

/// A workflow command, parsed as the runner parses one line of a step's output.
#[derive(Debug)]
struct WorkflowCommand {
    name: String,
    props: BTreeMap<String, String>,
    message: String,
}

/// The runner's unescaping: `%25` last, so an escaped `%` never forms another escape.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn parse_command(line: &str) -> Option<WorkflowCommand> {
    let rest = line.trim().strip_prefix("::")?;
    let (head, message) = rest.split_once("::")?;
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("property without `=`");
            (k.to_string(), unescape(v))
        })
        .collect();
    Some(WorkflowCommand {
        name: name.to_string(),
        props,
        message: unescape(message),
    })
}

/// Every line the runner would take for a command.
fn commands(stdout: &[u8]) -> Vec<WorkflowCommand> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| l.trim().starts_with("::"))
        .map(|l| parse_command(l).unwrap_or_else(|| panic!("malformed command: {l}")))
        .collect()
}

fn run(dir: &Path, format: &str) -> std::process::Output {
    foureyes()
        .arg("check")
        .arg(dir)
        .args(["--today", "2026-11-15", "--format", format])
        .output()
        .unwrap()
}

#[test]
fn annotations_parse_back_to_the_json_diagnostics_with_repository_paths() {
    for fixture in all_repos() {
        let repo = in_repo(&fixture);
        let gov = repo.path().join("gov");
        let github = run(&gov, "github");
        let json: Value = serde_json::from_slice(&run(&gov, "json").stdout).unwrap();
        let diagnostics = json["diagnostics"].as_array().unwrap();
        let got = commands(&github.stdout);
        assert_eq!(got.len(), diagnostics.len(), "{}", fixture.display());
        for (c, d) in got.iter().zip(diagnostics) {
            let at = format!("{}: {c:?} vs {d}", fixture.display());
            assert_eq!(c.name, d["severity"].as_str().unwrap(), "{at}");
            let file = format!("gov/{}", d["file"].as_str().unwrap());
            assert_eq!(c.props["file"], file, "{at}");
            let title = format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["name"].as_str().unwrap()
            );
            assert_eq!(c.props["title"], title, "{at}");
            // Control characters from the checked files are replaced, as in human output.
            let message: String = d["message"]
                .as_str()
                .unwrap()
                .chars()
                .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
                .collect();
            assert!(c.message.starts_with(&message), "{at}");
            assert!(c.message.contains("\n\nHow to fix: "), "{at}");
            match d.get("line") {
                Some(line) => {
                    let num = |k: &str| c.props[k].parse::<u64>().unwrap();
                    assert_eq!(num("line"), line.as_u64().unwrap(), "{at}");
                    assert_eq!(num("col"), d["column"].as_u64().unwrap(), "{at}");
                    assert!((num("endLine"), num("endColumn")) >= (num("line"), num("col")));
                }
                None => assert!(!c.props.contains_key("line"), "{at}"),
            }
        }
        let last = String::from_utf8(github.stdout).unwrap();
        assert!(last.lines().last().unwrap().starts_with("foureyes: "));
    }
}

#[test]
fn annotation_columns_span_the_reported_value() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let got = commands(&run(&repo.path().join("gov"), "github").stdout);
    // EXC-2026-0001 line 14: `    - {by: carol, on: 2026-11-07}`; `carol` is columns 12-16.
    let first = &got[0].props;
    assert_eq!(first["file"], "gov/exceptions/EXC-2026-0001.yaml");
    let span: Vec<&str> = ["line", "col", "endLine", "endColumn"]
        .iter()
        .map(|k| first[*k].as_str())
        .collect();
    assert_eq!(span, ["14", "12", "14", "17"]);
}

#[test]
fn untrusted_text_cannot_forge_a_workflow_command() {
    let dir = manifest_dir().join("tests/data/untrusted");
    let output = run(&dir, "github");
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&run(&dir, "json").stdout).unwrap();
    let got = commands(&output.stdout);
    assert_eq!(got.len(), json["diagnostics"].as_array().unwrap().len());
    assert_eq!(got.len(), 5);
    assert!(got.iter().all(|c| c.props["file"] != "forged.yaml"));
    // The attacker's line breaks are replaced inside the one genuine annotation.
    let r002 = got
        .iter()
        .find(|c| c.message.contains("mallory"))
        .expect("the R002 annotation");
    assert!(
        r002.message.starts_with(
            "requester `mallory\u{FFFD}::error file=forged.yaml,line=1::forged\u{FFFD}\u{FFFD}::warning::forged`"
        ),
        "{}",
        r002.message
    );
}

#[test]
fn summary_counts_rules_and_links_errors_to_their_lines() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let summary = repo.path().join("summary.md");
    foureyes()
        .arg("check")
        .arg(repo.path().join("gov"))
        .args(["--today", "2026-11-15", "--summary"])
        .arg(&summary)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "example/governance")
        .env("GITHUB_SHA", "0123abcd")
        .assert()
        .code(1);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("## foureyes\n\n13 files, 13 documents: 3 errors, 0 warnings\n"));
    assert!(
        md.contains("| A001 | self-approval | error | 3 |\n"),
        "{md}"
    );
    assert!(md.contains(
        "| [gov/exceptions/EXC-2026-0001.yaml:14](https://github.com/example/governance/blob/0123abcd/gov/exceptions/EXC-2026-0001.yaml#L14) | A001 self-approval | \\`carol\\` approves their own exception request |\n"
    ), "{md}");
    assert!(!md.contains("expiring"), "{md}");
}

#[test]
fn summary_lists_expiring_exceptions_with_risk_owner_and_expiry() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/E002"));
    let summary = repo.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    // GITHUB_STEP_SUMMARY is where a job's steps append their reports.
    foureyes()
        .arg("check")
        .arg(repo.path().join("gov"))
        .args(["--today", "2026-11-15"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(0);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("earlier step\n## foureyes\n"), "{md}");
    assert!(!md.contains("### Errors"), "{md}");
    let table = md
        .split_once("### Exceptions expiring within the warning window\n")
        .expect("an expiring section")
        .1;
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| EXC")).collect();
    assert_eq!(
        rows,
        [
            "| EXC-2026-0001 | payments-api | grc | 2026-11-29 |",
            "| EXC-2026-0002 | ledger-worker | grc | 2026-11-15 |",
        ]
    );
}

#[test]
fn summary_keeps_untrusted_text_inert() {
    let dir = manifest_dir().join("tests/data/untrusted");
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    foureyes()
        .arg("check")
        .arg(&dir)
        .args(["--today", "2026-11-15", "--summary"])
        .arg(&summary)
        .assert()
        .code(1);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(!md.contains('<') && !md.contains('\r'), "{md}");
    assert!(md.contains(
        "approver \\`&lt;img src=x onerror=alert(1)&gt; \\| \\`code\\` \\[link\\](https://example.com) \\*\\*bold\\*\\*\\` is not a known person |"
    ), "{md}");
    // Every table row stays one line with its own cells: the injected `|` is escaped.
    for line in md.lines().filter(|l| l.starts_with("| tests/")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 4, "{line}");
    }
    // The forged line breaks are spaces now.
    assert!(!md.lines().any(|l| l.starts_with("::")), "{md}");
}

#[test]
fn unknown_format_is_a_usage_error() {
    let out = foureyes()
        .args(["check", "fixtures/clean", "--format", "xml"])
        .current_dir(manifest_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("invalid value 'xml' for '--format"),
        "{stderr}"
    );
}

/// Runs a check expected to fail on its outputs: exit 2, one line on stderr, no stdout.
fn fails_to_write(args: &[&std::ffi::OsStr]) -> String {
    let out = foureyes()
        .arg("check")
        .arg(manifest_dir().join("fixtures/rules/A001"))
        .args(["--today", "2026-11-15"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn unwritable_outputs_are_exit_2_with_nothing_half_written() {
    let tmp = tempfile::tempdir().unwrap();
    let listing = || {
        let mut names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let missing = tmp.path().join("no-such-dir/out.sarif");
    let err = fails_to_write(&["--output-sarif".as_ref(), missing.as_os_str()]);
    assert!(
        err.starts_with("foureyes: error: cannot write SARIF to "),
        "{err}"
    );
    assert!(err.contains("no-such-dir/out.sarif"), "{err}");

    let err = fails_to_write(&["--output-sarif".as_ref(), tmp.path().as_os_str()]);
    assert!(err.contains("it is a directory"), "{err}");

    // The SARIF path is fine but the summary's is not: the SARIF file is not left behind.
    let sarif = tmp.path().join("out.sarif");
    let summary = tmp.path().join("no-such-dir/summary.md");
    let err = fails_to_write(&[
        "--output-sarif".as_ref(),
        sarif.as_os_str(),
        "--summary".as_ref(),
        summary.as_os_str(),
    ]);
    assert!(
        err.starts_with("foureyes: error: cannot write the summary to "),
        "{err}"
    );
    assert!(listing().is_empty(), "{:?}", listing());
}
