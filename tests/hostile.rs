//! Hostile input, as anyone who can open a pull request could write it. Every case is
//! generated at test time into a temporary directory and checked by the real binary under a
//! CPU-time and an address-space limit: it must end with exit 0 or 1 and the expected
//! diagnostic, never a panic (exit 101), a signal, a hang or unbounded memory.
//!
//! No case depends on how fast the machine is: the limits only catch runaway work. Where a
//! case guards against a slow algorithm, its size is chosen so that the slow (quadratic)
//! algorithm needs several times the CPU limit, while the real one needs a small part of it.

use std::collections::BTreeMap;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::copy_fixture;

/// The CPU time (all threads) a run may use; past it the run is killed (SIGXCPU). CPU time,
/// unlike wall time, does not grow when other processes load the machine.
const CPU_SECONDS: u32 = 60;
/// A run still going after this is killed: only a run blocked without using CPU (a FIFO
/// opened) can get here, and it fails the test instead of blocking it.
const KILL: Duration = Duration::from_secs(300);
/// The address space each run may use; an allocation beyond it aborts the run.
const MEMORY_KIB: u64 = 1 << 20;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `foureyes check PATH ARGS` under the limits, from PATH's directory; the exit code
/// must be 0, 1 or 2.
fn run(path: &Path, args: &[&str]) -> Run {
    let cwd = if path.is_dir() {
        path
    } else {
        path.parent().unwrap()
    };
    let out = Command::new("sh")
        .current_dir(cwd)
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_KIB} && ulimit -t {CPU_SECONDS} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_foureyes"))
        .arg("check")
        .arg(path)
        .args(["--today", "2026-11-15"])
        .args(args)
        .env_remove("FOUREYES_TODAY")
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        .timeout(KILL)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "{}: {:?} (a panic, a signal or a kill), stderr:\n{stderr}",
        path.display(),
        out.status
    );
    Run {
        code: code.unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("output is UTF-8"),
        stderr,
    }
}

/// What one check reported, in JSON, with the human output of the same check.
struct Checked {
    code: i32,
    json: Value,
    human: String,
}

impl Checked {
    fn diagnostics(&self) -> &[Value] {
        self.json["diagnostics"].as_array().unwrap()
    }

    /// Codes with their file and pointer: `P004 x.yaml -`.
    fn found(&self) -> Vec<String> {
        self.diagnostics()
            .iter()
            .map(|d| {
                format!(
                    "{} {} {}",
                    d["code"].as_str().unwrap(),
                    d["file"].as_str().unwrap(),
                    d["pointer"].as_str().unwrap_or("-")
                )
            })
            .collect()
    }

    fn message(&self, code: &str) -> &str {
        self.diagnostics()
            .iter()
            .find(|d| d["code"] == code)
            .and_then(|d| d["message"].as_str())
            .unwrap_or_else(|| panic!("no {code}: {:?}", self.found()))
    }
}

/// Checks `path` in JSON and in human format; both must agree on the exit code (0 or 1),
/// print nothing on stderr, and the human output must hold no control character.
fn check(path: &Path) -> Checked {
    let json = run(path, &["--format", "json"]);
    let human = run(path, &[]);
    assert!(json.code <= 1, "exit {}: {}", json.code, json.stderr);
    assert_eq!(json.code, human.code);
    assert_eq!((json.stderr.as_str(), human.stderr.as_str()), ("", ""));
    assert_clean(&human.stdout);
    let value: Value = serde_json::from_str(&json.stdout).expect("JSON output");
    let errors = value["summary"]["errors"].as_u64().unwrap();
    assert_eq!(json.code, i32::from(errors > 0));
    Checked {
        code: json.code,
        json: value,
        human: human.stdout,
    }
}

fn assert_clean(human: &str) {
    if let Some(c) = human.chars().find(|c| c.is_control() && *c != '\n') {
        panic!("control character {c:?} in human output:\n{human}");
    }
}

/// A directory holding one file, `x.yaml`.
fn one_file(bytes: impl AsRef<[u8]>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "x.yaml", bytes);
    tmp
}

fn only_p004(bytes: impl AsRef<[u8]>, message: &str) {
    let dir = one_file(bytes);
    let c = check(dir.path());
    assert_eq!(c.found(), ["P004 x.yaml -"], "{}", c.human);
    assert!(c.message("P004").contains(message), "{}", c.message("P004"));
    assert_eq!(c.code, 1);
}

#[test]
fn alias_bombs_are_refused() {
    // Billion laughs: nine levels of ten aliases each.
    let mut lol = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        lol.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    only_p004(&lol, "aliases expand to more than");
    // Few aliases of one long string: the text copied counts, not only nodes.
    let text = format!(
        "s: &s \"{}\"\nl: [{}]\n",
        "x".repeat(900_000),
        ["*s"; 50].join(", ")
    );
    only_p004(text, "aliases expand to more than");
    // An alias cannot nest deeper than the depth limit.
    let deep = format!(
        "a: &a {}1{}\nb: {}*a{}\n",
        "[".repeat(40),
        "]".repeat(40),
        "[".repeat(40),
        "]".repeat(40)
    );
    only_p004(deep, "nesting deeper than 64");
}

#[test]
fn nested_anchors_without_aliases_cost_nothing() {
    // Each of 60 nested anchors used to keep its own copy of a 100,000-item list.
    let mut yaml = String::new();
    for i in 0..60 {
        yaml.push_str(&format!("&a{i} ["));
    }
    yaml.push_str(&["1"; 100_000].join(","));
    yaml.push_str(&"]".repeat(60));
    let dir = one_file(yaml);
    let c = check(dir.path());
    assert_eq!((c.code, c.found()), (0, vec![]));
}

#[test]
fn deep_nesting_stops_at_the_depth_limit() {
    let n = 100_000;
    // Flow style, closed and unclosed, sequences and mappings.
    only_p004(
        format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
        "nesting deeper than 64",
    );
    only_p004("[".repeat(n), "nesting deeper than 64");
    only_p004(
        format!("{}x{}", "{a: ".repeat(n), "}".repeat(n)),
        "nesting deeper than 64",
    );
    // Block style: compact sequences and explicit keys on one line, then indented mappings
    // (2,000 levels, as deep as the size limit allows).
    only_p004(format!("{}x\n", "- ".repeat(n)), "nesting deeper than 64");
    only_p004(format!("{}x\n", "? ".repeat(n)), "nesting deeper than 64");
    let mut block = String::new();
    for i in 0..2_000 {
        block.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
    }
    only_p004(block, "nesting deeper than 64");
    // Flow inside block.
    let mixed = format!("{}{}", "- ".repeat(50), "[{a: ".repeat(n));
    only_p004(mixed, "nesting deeper than 64");
}

#[test]
fn a_50_mib_file_is_refused_without_reading_it() {
    let dir = copy_fixture("clean");
    let line = "- {id: someone, name: Some One, emails: [someone@example.com]}\n";
    write(
        dir.path(),
        "people/huge.yaml",
        line.repeat((50 << 20) / line.len()),
    );
    let c = check(dir.path());
    assert_eq!(c.found(), ["P004 people/huge.yaml -"]);
    assert!(c.message("P004").contains("larger than 8 MiB"));
    // The rest of the repository is still checked.
    assert_eq!(c.json["summary"]["documents"], 13);

    // Read whole, a 4 GiB file would not fit in the memory limit (sparse: it takes no disk).
    let huge = std::fs::File::create(dir.path().join("people/huge.yaml")).unwrap();
    huge.set_len(4 << 30).unwrap();
    let c = check(dir.path());
    assert_eq!(c.found(), ["P004 people/huge.yaml -"]);
}

#[test]
fn nul_bytes_and_invalid_utf8_are_syntax_errors() {
    let dir = one_file(vec![0u8; 1 << 20]);
    let c = check(dir.path());
    assert_eq!(c.found(), ["P001 x.yaml -"]);

    let dir = one_file(b"apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {id: t\xff\xfe}\n");
    let c = check(dir.path());
    assert_eq!(c.found(), ["P001 x.yaml -"]);
    let d = &c.diagnostics()[0];
    assert_eq!(
        (&d["line"], &d["column"]),
        (&Value::from(3), &Value::from(17))
    );
    assert!(c.message("P001").contains("invalid UTF-8"));
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let bom: u16 = 0xFEFF;
    std::iter::once(bom)
        .chain(text.encode_utf16())
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_with_a_bom_checks_like_utf8() {
    for fixture_name in ["clean", "rules/A001"] {
        let utf8 = check(&fixture(fixture_name));
        for big_endian in [false, true] {
            let dir = copy_fixture(fixture_name);
            for entry in walkdir::WalkDir::new(dir.path()) {
                let entry = entry.unwrap();
                if entry.file_type().is_file() {
                    let text = std::fs::read_to_string(entry.path()).unwrap();
                    std::fs::write(entry.path(), utf16(&text, big_endian)).unwrap();
                }
            }
            let c = check(dir.path());
            assert_eq!(
                c.json, utf8.json,
                "{fixture_name}, big endian: {big_endian}"
            );
            assert_eq!(c.human, utf8.human);
        }
    }
    // An odd number of bytes is not UTF-16.
    let mut odd = utf16("a: 1\n", false);
    odd.push(b'\n');
    let dir = one_file(odd);
    assert_eq!(check(dir.path()).found(), ["P001 x.yaml -"]);
}

#[test]
fn a_1_mib_line_is_reported_without_printing_it_per_diagnostic() {
    let dir = copy_fixture("clean");
    let path = dir.path().join("exceptions/EXC-2026-0002.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // The finding on one line of almost 1 MiB, with eleven unknown fields.
    let unknown: String = (0..10).map(|i| format!(", x{i}: 1")).collect();
    let pad = (1 << 20) - 400;
    let long = format!(
        "  finding: {{id: GHSA-2345-6789-cfgh, severity: high, note: \"{}\"{unknown}}}\n",
        "n".repeat(pad)
    );
    let text = text.replace(
        "  finding:\n    id: GHSA-2345-6789-cfgh\n    severity: high\n",
        &long,
    );
    std::fs::write(&path, text).unwrap();
    let c = check(dir.path());
    let found = c.found();
    assert_eq!(found.len(), 11, "{found:?}");
    assert!(found.contains(&"S001 exceptions/EXC-2026-0002.yaml /spec/finding/x9".to_string()));
    assert!(c.human.len() < 64 * 1024, "{} bytes", c.human.len());
    assert!(
        c.human.contains("exceptions/EXC-2026-0002.yaml:9:"),
        "{}",
        c.human
    );
}

#[test]
fn ten_thousand_documents_in_one_file() {
    let team = |i: usize| {
        format!(
            "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {{id: t{i}}}\nspec: {{functions: [risk], members: [carol]}}\n"
        )
    };
    let dir = copy_fixture("clean");
    let docs: Vec<String> = (0..10_000).map(team).collect();
    write(dir.path(), "teams/many.yaml", docs.join("---\n"));
    let c = check(dir.path());
    assert_eq!((c.code, c.found()), (0, vec![]));
    assert_eq!(c.json["summary"]["documents"], 13 + 10_000);

    // With two mistakes in each of 2,000: the first 1,000 diagnostics, then one P004.
    let docs: Vec<String> = (0..2_000)
        .map(|i| team(i).replace("members:", "memberz:"))
        .collect();
    write(dir.path(), "teams/many.yaml", docs.join("---\n"));
    let c = check(dir.path());
    let found = c.found();
    assert_eq!(found.len(), 1_001);
    assert_eq!(found[0], "P004 teams/many.yaml -");
    assert!(c.message("P004").contains("more than 1000 diagnostics"));
    assert_eq!(c.code, 1);
}

#[test]
fn records_do_not_scan_a_policy_of_many_tiers() {
    // 30,000 tiers that match nothing a record has, then the one that does, and 30,000
    // records. Scanning the tiers per record and per rule (as before the model indexed
    // them) is 9·10^8 record-tier pairs: in a debug build, 20,000 × 20,000 took 105 s of
    // CPU, so this size needs over 200 s, and is killed at the limit. The check as it is
    // takes about 7 s of CPU.
    let n = 30_000;
    let dir = copy_fixture("clean");
    let tiers: String = (0..n)
        .map(|i| format!("    - {{id: t{i}, match: {{kev: true}}, remediate_within_days: 1}}\n"))
        .collect();
    write(
        dir.path(),
        "sla/policy.yaml",
        format!(
            "apiVersion: foureyes.dev/v1\nkind: SlaPolicy\nmetadata: {{id: default}}\nspec:\n  tiers:\n\
             {tiers}    - {{id: all, match: {{}}, remediate_within_days: 180, \
             escalation: [{{after_days: 90, to: appsec}}], exceptions: {{max_days: 90}}}}\n"
        ),
    );
    let record = |i: usize| {
        format!(
            "apiVersion: foureyes.dev/v1\nkind: Remediation\nmetadata: {{id: R{i}}}\n\
             spec: {{service: payments-api, finding: {{id: C{i}, severity: high}}, tier: all, \
             found_on: 2026-11-10, status: open}}\n"
        )
    };
    // In files of 3,000 (a file has a size limit).
    for first in (0..n).step_by(3_000) {
        let records: Vec<String> = (first..first + 3_000).map(record).collect();
        write(
            dir.path(),
            &format!("remediations/many-{first}.yaml"),
            records.join("---\n"),
        );
    }
    // One run, in JSON: the human output of the same findings adds nothing here.
    let r = run(dir.path(), &["--format", "json"]);
    let json: Value = serde_json::from_str(&r.stdout).expect("JSON output");
    assert_eq!(json["summary"]["documents"], 13 + n);
    let found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["code"], d["file"]))
        .collect();
    // The tiers lack escalation (T002, one per tier, then the cap); the fixture's records
    // name tiers this policy lacks; the 30,000 new ones are fine.
    assert!(
        found.iter().all(|f| !f.contains("remediations/many")),
        "{found:?}"
    );
    assert!(found.contains(&r#""T002" "sla/policy.yaml""#.to_string()));
}

#[test]
fn yaml_tags_are_read_as_their_values() {
    let dir = copy_fixture("clean");
    write(
        dir.path(),
        "teams/grc.yaml",
        "%TAG !e! tag:example.com,2000:\n---\napiVersion: !!str foureyes.dev/v1\nkind: Team\n\
         metadata: {id: !e!team grc}\nspec: !custom\n  name: !!binary R1JD\n  \
         functions: !<tag:example.com,2000:list> [risk]\n  members: [!person carol, !!str DANA@Example.com]\n  \
         lead: !local dana\n",
    );
    let c = check(dir.path());
    assert_eq!((c.code, c.found()), (0, vec![]));
    // A core tag still types the value: a string where a count is expected.
    let policy = dir.path().join("sla/policy.yaml");
    let text = std::fs::read_to_string(&policy).unwrap();
    let tagged = text.replace(
        "remediate_within_days: 14\n",
        "remediate_within_days: !!str 14\n",
    );
    std::fs::write(&policy, tagged).unwrap();
    let c = check(dir.path());
    assert_eq!(
        c.found(),
        ["S001 sla/policy.yaml /spec/tiers/0/remediate_within_days"]
    );
}

#[test]
fn merge_keys_are_ordinary_keys() {
    let dir = copy_fixture("clean");
    write(
        dir.path(),
        "teams/grc.yaml",
        "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {id: grc}\nspec:\n  \
         <<: {functions: [risk], members: [carol, dana]}\n  functions: [risk]\n  members: [carol, dana]\n",
    );
    let c = check(dir.path());
    assert_eq!(c.found(), ["S001 teams/grc.yaml /spec/<<"]);
    assert!(c.message("S001").contains("unknown field `<<`"));
}

#[test]
fn huge_numbers_where_dates_and_counts_are_expected() {
    let dir = copy_fixture("clean");
    let edit = |rel: &str, from: &str, to: &str| {
        let path = dir.path().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let sla = "sla/policy.yaml";
    edit(
        sla,
        "expiry_warning_days: 14",
        "expiry_warning_days: 99999999999999999999999",
    );
    edit(
        sla,
        "remediate_within_days: 14",
        "remediate_within_days: 9223372036854775807",
    );
    edit(sla, "after_days: 7,", "after_days: 1e308,");
    edit(sla, "after_days: 10,", "after_days: -9223372036854775808,");
    edit(
        sla,
        "max_days: 30\n        min_approvers: 2",
        "max_days: 18446744073709551616\n        min_approvers: 2",
    );
    let exc = "exceptions/EXC-2026-0001.yaml";
    edit(
        exc,
        "requested_on: 2026-11-01",
        "requested_on: 99999999999999999999",
    );
    edit(exc, "on: 2026-11-02", "on: 1e400");
    edit(exc, "expires: 2026-12-01", "expires: -1.5e300");
    let rem = "remediations/REM-2026-0001.yaml";
    edit(rem, "found_on: 2026-11-10", "found_on: 0x7FFFFFFFFFFFFFFF");
    let c = check(dir.path());
    let found = c.found();
    for expected in [
        "S001 sla/policy.yaml /spec/expiry_warning_days",
        "S001 sla/policy.yaml /spec/tiers/0/remediate_within_days",
        "S001 sla/policy.yaml /spec/tiers/0/escalation/0/after_days",
        "S001 sla/policy.yaml /spec/tiers/0/escalation/1/after_days",
        "S001 sla/policy.yaml /spec/tiers/0/exceptions/max_days",
        "S001 exceptions/EXC-2026-0001.yaml /spec/requested_on",
        "S001 exceptions/EXC-2026-0001.yaml /spec/approvals/0/on",
        "S001 exceptions/EXC-2026-0001.yaml /spec/expires",
        "S001 remediations/REM-2026-0001.yaml /spec/found_on",
    ] {
        assert!(
            found.contains(&expected.to_string()),
            "{expected}: {found:?}"
        );
    }
    assert_eq!(c.code, 1);
}

/// Paths, sizes and modification times of everything under `root`.
fn listing(root: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let m = e.path().symlink_metadata().unwrap();
            (e.path().to_path_buf(), (m.len(), m.modified().unwrap()))
        })
        .collect()
}

#[test]
fn symlink_loops_are_not_followed() {
    let dir = copy_fixture("clean");
    let root = dir.path();
    symlink(".", root.join("loop")).unwrap();
    symlink("..", root.join("teams/up")).unwrap();
    symlink("self.yaml", root.join("self.yaml")).unwrap();
    symlink("b.yaml", root.join("a.yaml")).unwrap();
    symlink("a.yaml", root.join("b.yaml")).unwrap();
    let c = check(root);
    assert_eq!((c.code, c.found()), (0, vec![]));
    assert_eq!(c.json["summary"]["files"], 13);
}

#[test]
fn a_symlink_to_a_file_outside_the_root_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.yaml",
        "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {id: TOPSECRET}\nspec: {members: []}\n",
    );
    let dir = copy_fixture("clean");
    symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("teams/linked.yaml"),
    )
    .unwrap();
    symlink(outside.path(), dir.path().join("linked-dir")).unwrap();
    let c = check(dir.path());
    assert_eq!((c.code, c.found()), (0, vec![]));
    assert_eq!(c.json["summary"]["files"], 13);
    assert!(!c.human.contains("TOPSECRET") && !c.human.contains("linked"));
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_fifo_is_never_opened() {
    let dir = copy_fixture("clean");
    mkfifo(&dir.path().join("x.yaml"));
    mkfifo(&dir.path().join("teams/y.yml"));
    let c = check(dir.path());
    assert_eq!((c.code, c.found()), (0, vec![]));
    assert_eq!(c.json["summary"]["files"], 13);

    // Nor is a configuration file that is not a regular file: it is refused (exit 2).
    let config = dir.path().join("foureyes.yaml");
    mkfifo(&config);
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    std::fs::remove_file(&config).unwrap();
    symlink("/dev/zero", &config).unwrap();
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
}

#[test]
fn an_unreadable_file_is_reported_and_the_rest_still_checked() {
    let dir = copy_fixture("clean");
    let path = dir.path().join("exceptions/EXC-2026-0002.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let c = check(dir.path());
    assert_eq!(c.json["summary"]["files"], 13);
    // Permissions do not stop a privileged user (tests may run as root): only when this
    // process cannot read the file either can the check be expected to fail on it.
    if std::fs::read(&path).is_err() {
        assert_eq!(c.found(), ["P001 exceptions/EXC-2026-0002.yaml -"]);
        assert!(c.message("P001").contains("cannot read file"));
        assert_eq!(c.json["summary"]["documents"], 12);
    } else {
        assert_eq!((c.code, c.found()), (0, vec![]));
    }
}

#[test]
fn escape_sequences_never_reach_human_output() {
    let dir = copy_fixture("clean");
    // In YAML double quotes, \e is ESC and \x9b is CSI; the raw bytes are in names.
    let red = "\\e[31mRED\\e[0m";
    let link = "\\e]8;;https://evil.example\\e\\\\click\\e]8;;\\e\\\\";
    write(
        dir.path(),
        "teams/grc.yaml",
        format!(
            "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {{id: grc}}\nspec:\n  \
             functions: [risk]\n  members: [carol, dana, \"{red}\", \"{link}\", \"\\x9b2J\\u202Eevil\"]\n  \
             \"\\e[2J{red}\": 1\n  \"line\\nbreak\": 2\n"
        ),
    );
    write(
        dir.path(),
        "teams/\u{1b}[31mevil\u{7}\u{1b}]8;;x\u{1b}\\.yaml",
        "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {id: evil}\nspec: {functions: [risk], members: [nobody]}\n",
    );
    let c = check(dir.path());
    let found = c.found();
    assert_eq!(found.len(), 6, "{found:?}");
    assert!(c.human.contains("RED"), "{}", c.human);
    // JSON keeps the text as it is, escaped.
    let messages: String = c
        .diagnostics()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages.contains("\u{1b}[31mRED"), "{messages}");
    assert!(
        c.json
            .to_string()
            .contains("\\u001b]8;;https://evil.example")
    );

    // saphyr accepts raw control bytes in plain scalars and comments: snippets show them
    // replaced (and a lone CR, a line break to YAML, as one).
    write(
        dir.path(),
        "teams/grc.yaml",
        "apiVersion: foureyes.dev/v1\nkind: Team\nmetadata: {id: grc} # \u{1b}]8;;x\u{7}\r\
         spec:\n  functions: [risk]\n  members: [carol, dana]\n  lead: \u{1b}[31mred\u{1b}[0m\n",
    );
    let c = check(dir.path());
    assert!(
        c.found()
            .contains(&"R002 teams/grc.yaml /spec/lead".to_string()),
        "{:?}",
        c.found()
    );
    assert!(c.human.contains("[31mred"), "{}", c.human);

    // A broken configuration quotes what it could not read on stderr: cleaned too.
    write(dir.path(), "foureyes.yaml", "rules: {\"\\e[31mX\": off}\n");
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("[31mX"), "{}", r.stderr);
    assert_clean(&r.stderr.replace('\n', " "));
}

#[test]
fn json_output_is_valid_whatever_the_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = copy_fixture("rules/A001");
    // A file name that is not UTF-8, and text with CR, NEL, U+2028 and a BOM inside.
    let name = std::ffi::OsStr::from_bytes(b"exceptions/\xff\xfe-\xc3.yaml");
    std::fs::write(
        dir.path().join(name),
        "apiVersion: foureyes.dev/v1\r\nkind: Team\rmetadata: {id: \"a\u{85}b\u{2028}c\u{feff}\"}\nspec: {functions: [risk], members: [\"\\0\\x01\\u0002\"]}\n",
    )
    .unwrap();
    let c = check(dir.path());
    assert!(
        c.found()
            .iter()
            .any(|f| f.starts_with("R002 exceptions/\u{fffd}\u{fffd}-\u{fffd}.yaml")),
        "{:?}",
        c.found()
    );
}

#[test]
fn a_read_only_repository_is_left_untouched() {
    let dir = copy_fixture("rules/A001");
    let root = dir.path();
    write(root, "foureyes.yaml", "rules: {A002: warning}\n");
    let chmod = |mode: &str| {
        let ok = std::process::Command::new("chmod")
            .args(["-R", mode])
            .arg(root)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };
    chmod("a-w");
    let before = listing(root);
    let c = check(root);
    assert_eq!(c.code, 1);
    let r = run(&root.join("exceptions/EXC-2026-0001.yaml"), &[]);
    assert_eq!(r.code, 1);
    let after = listing(root);
    chmod("u+w");
    assert_eq!(before, after);
}
