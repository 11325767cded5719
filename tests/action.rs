//! `action.yml` run the way the Actions runner runs a composite action: each `run:` step as
//! a bash script (`bash --noprofile --norc -eo pipefail`), with the runner's variables and
//! a fresh GITHUB_OUTPUT per step, its `if:` evaluated, stopping at the first failing step.
//! Steps that `uses:` another action (the cache) are the runner's business. The `install`
//! step either downloads from a fake release served on 127.0.0.1, or is replaced by putting
//! the binary under test on PATH. Also `.pre-commit-hooks.yaml`.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{in_repo, manifest_dir};
use serde_json::Value;

fn yaml(file: &str) -> Value {
    let text = std::fs::read_to_string(manifest_dir().join(file)).unwrap();
    let parsed = foureyes::parse::parse(&text, false);
    assert!(parsed.problems.is_empty(), "{file} is not valid YAML");
    parsed.docs.into_iter().next().unwrap().value
}

struct Context {
    inputs: BTreeMap<String, String>,
    runner_temp: String,
    steps: BTreeMap<String, BTreeMap<String, String>>,
}

impl Context {
    fn value(&self, expr: &str) -> String {
        let parts: Vec<&str> = expr.split('.').collect();
        match parts[..] {
            ["inputs", name] => self.inputs[name].clone(),
            ["runner", "temp"] => self.runner_temp.clone(),
            ["runner", "os"] => RUNNER_OS.into(),
            ["steps", id, "outputs", name] => self
                .steps
                .get(id)
                .and_then(|o| o.get(name))
                .cloned()
                .unwrap_or_default(),
            _ => panic!("unsupported expression `{expr}`"),
        }
    }

    /// Evaluates the `${{ ... }}` expressions this action uses; any other is a test failure,
    /// so the action stays within what this test can vouch for.
    fn expand(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("unclosed expression") + start;
            out.push_str(&self.value(rest[start + 3..end].trim()));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// A step's `if:`, of the forms the action uses: `A && B`, each `X == 'V'`, `X != 'V'` or
    /// `!cancelled()` (a run is never cancelled here), optionally within `${{ }}`.
    fn condition(&self, expr: &str) -> bool {
        let expr = expr.trim();
        let expr = expr
            .strip_prefix("${{")
            .and_then(|e| e.strip_suffix("}}"))
            .unwrap_or(expr);
        expr.split(" && ").all(|term| {
            let term = term.trim();
            if term == "!cancelled()" {
                return true;
            }
            let (left, right, equal) = match term.split_once(" == ") {
                Some((l, r)) => (l, r, true),
                None => {
                    let (l, r) = term.split_once(" != ").expect("an `==` or `!=` condition");
                    (l, r, false)
                }
            };
            let value = right
                .trim()
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .expect("a quoted value");
            (self.value(left.trim()) == value) == equal
        })
    }
}

#[cfg(target_os = "linux")]
const RUNNER_OS: &str = "Linux";
#[cfg(target_os = "macos")]
const RUNNER_OS: &str = "macOS";

fn runner_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "X64",
        "aarch64" => "ARM64",
        other => other,
    }
}

/// The release asset of the platform running the tests.
fn target() -> String {
    let os = match RUNNER_OS {
        "Linux" => "unknown-linux-gnu",
        _ => "apple-darwin",
    };
    format!("{}-{os}", std::env::consts::ARCH)
}

struct ActionRun {
    exit: i32,
    stdout: String,
    outputs: BTreeMap<String, String>,
    summary: String,
    /// Outputs of each step that ran, by id.
    steps: BTreeMap<String, BTreeMap<String, String>>,
    runner_temp: tempfile::TempDir,
}

/// How to run the action: the inputs, and where the install step downloads from (None:
/// the install step is replaced by the binary under test on PATH).
#[derive(Default)]
struct Options<'a> {
    inputs: &'a [(&'a str, &'a str)],
    release_url: Option<String>,
    /// Stop after the step with this id.
    last_step: Option<&'a str>,
    /// The binary under test is on PATH even when the install step runs.
    preinstalled: bool,
}

fn run_action(workspace: &Path, inputs: &[(&str, &str)]) -> ActionRun {
    run_with(
        workspace,
        Options {
            inputs,
            ..Options::default()
        },
    )
}

fn run_with(workspace: &Path, options: Options) -> ActionRun {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let runner_temp = tempfile::tempdir().unwrap();
    let mut cx = Context {
        inputs: action["inputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").into()))
            .collect(),
        runner_temp: runner_temp.path().display().to_string(),
        steps: BTreeMap::new(),
    };
    for (k, v) in options.inputs {
        assert!(cx.inputs.contains_key(*k), "action.yml has no input `{k}`");
        cx.inputs.insert(k.to_string(), v.to_string());
    }
    let summary = runner_temp.path().join("step_summary.md");
    std::fs::write(&summary, "").unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_foureyes")).parent().unwrap();
    let path = match options.release_url.is_none() || options.preinstalled {
        true => format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        false => std::env::var("PATH").unwrap(),
    };

    let mut exit = 0;
    let mut stdout = String::new();
    for (n, step) in action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let id = step["id"].as_str();
        if let Some(cond) = step["if"].as_str()
            && !cx.condition(cond)
        {
            continue;
        }
        let replaced = id == Some("install") && options.release_url.is_none();
        if step.get("uses").is_some() || replaced {
            continue;
        }
        assert_eq!(step["shell"], "bash", "step {n}");
        let script = step["run"].as_str().unwrap();
        // Expressions spliced into a script would let an input inject shell code.
        assert!(!script.contains("${{"), "step {n} splices an expression");
        let script_file = runner_temp.path().join(format!("step-{n}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let output_file = runner_temp.path().join(format!("output-{n}"));
        std::fs::write(&output_file, "").unwrap();

        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env("PATH", &path)
            .env("HOME", workspace)
            .env("GITHUB_ACTION_PATH", manifest_dir())
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "example/governance")
            .env("GITHUB_SHA", "0123abcd")
            .env("RUNNER_OS", RUNNER_OS)
            .env("RUNNER_ARCH", runner_arch())
            .env("RUNNER_TEMP", runner_temp.path())
            .env_remove("FOUREYES_RELEASE_URL")
            .env_remove("FOUREYES_TODAY");
        if let Some(url) = &options.release_url {
            cmd.env("FOUREYES_RELEASE_URL", url);
        }
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                cmd.env(k, cx.expand(v.as_str().unwrap()));
            }
        }
        let out = cmd.output().unwrap();
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        let written = std::fs::read_to_string(&output_file).unwrap();
        let outputs = written
            .lines()
            .map(|l| {
                let (k, v) = l.split_once('=').expect("a key=value output");
                (k.to_string(), v.to_string())
            })
            .collect();
        if let Some(id) = id {
            cx.steps.insert(id.to_string(), outputs);
        }
        exit = out.status.code().unwrap();
        if exit != 0 || (id.is_some() && id == options.last_step) {
            break;
        }
    }
    let outputs = action["outputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), cx.expand(v["value"].as_str().unwrap())))
        .collect();
    ActionRun {
        exit,
        stdout,
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap(),
        steps: cx.steps,
        runner_temp,
    }
}

fn outputs(errors: &str, warnings: &str, sarif: &str) -> BTreeMap<String, String> {
    [
        ("errors", errors),
        ("warnings", warnings),
        ("sarif-file", sarif),
        ("report-file", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

const INPUTS: &[(&str, &str)] = &[
    ("path", "gov"),
    ("args", "--today 2026-11-15"),
    ("sarif-file", "foureyes.sarif"),
];

#[test]
fn action_passes_on_the_starter_policies() {
    let repo = in_repo(&manifest_dir().join("policies"));
    let run = run_action(repo.path(), INPUTS);
    assert_eq!(run.exit, 0, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("0", "0", "foureyes.sarif"));
    assert!(!run.stdout.contains("::"), "{}", run.stdout);
    let sarif = std::fs::read_to_string(repo.path().join("foureyes.sarif")).unwrap();
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["results"], Value::Array(Vec::new()));
    assert!(run.summary.starts_with("## foureyes\n"), "{}", run.summary);
    assert!(run.summary.contains(": 0 errors, 0 warnings"));
}

#[test]
fn action_fails_on_a_failing_fixture_with_annotations_and_outputs() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let run = run_action(repo.path(), INPUTS);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("3", "0", "foureyes.sarif"));
    let annotations: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(annotations.len(), 3);
    assert!(annotations[0].starts_with(
        "::error file=gov/exceptions/EXC-2026-0001.yaml,line=14,col=12,endLine=14,endColumn=17,title=A001 self-approval::"
    ));
    assert!(repo.path().join("foureyes.sarif").is_file());
    assert!(run.summary.contains("### Errors"), "{}", run.summary);
    assert!(run.summary.contains(
        "(https://github.com/example/governance/blob/0123abcd/gov/exceptions/EXC-2026-0001.yaml#L14)"
    ));
}

#[test]
fn action_passes_extra_args_and_counts_warnings() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/E002"));
    let args = [
        ("path", "gov"),
        ("args", "  --today 2026-11-15   --deny-warnings "),
    ];
    let run = run_action(repo.path(), &args);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("0", "2", ""));
    assert!(run.summary.contains("### Exceptions expiring"));
}

#[test]
fn action_exits_2_when_the_check_cannot_run() {
    let repo = in_repo(&manifest_dir().join("fixtures/clean"));
    let args = [("path", "missing"), ("sarif-file", "foureyes.sarif")];
    let run = run_action(repo.path(), &args);
    assert_eq!(run.exit, 2);
    assert_eq!(run.outputs, outputs("0", "0", ""));
    assert!(!repo.path().join("foureyes.sarif").exists());
}

#[test]
fn action_writes_the_report_for_the_artifact() {
    let repo = in_repo(&manifest_dir().join("policies"));
    // The check passes on that day (the harness stops at a failing step, the runner would not).
    let day = ("args", "--today 2026-11-15");
    let inputs = [("path", "gov"), day, ("report", "out/report.html")];
    std::fs::create_dir(repo.path().join("out")).unwrap();
    let run = run_action(repo.path(), &inputs);
    assert_eq!(run.exit, 0, "{}", run.stdout);
    assert_eq!(run.outputs["report-file"], "out/report.html");
    let html = std::fs::read_to_string(repo.path().join("out/report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    let inputs = [
        ("path", "gov"),
        day,
        ("report", "r.md"),
        ("report-format", "markdown"),
    ];
    let run = run_action(repo.path(), &inputs);
    assert_eq!(run.outputs["report-file"], "r.md");
    let md = std::fs::read_to_string(repo.path().join("r.md")).unwrap();
    assert!(md.starts_with("# Vulnerability governance report"));
}

#[test]
fn pre_commit_hook_has_the_required_fields() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    assert_eq!(hooks.len(), 2);
    let hook = &hooks[0];
    assert_eq!(hook["id"], "foureyes");
    assert!(hook["name"].is_string());
    assert_eq!(hook["entry"], "foureyes check");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["pass_filenames"], false);
    // pre-commit matches `files` with Python's re.search, which this regex shares.
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    for path in [
        "exceptions/EXC-1.yaml",
        "teams/grc.yml",
        "foureyes.yaml",
        "gov/foureyes.yaml",
        "CODEOWNERS",
        ".github/CODEOWNERS",
        "docs/CODEOWNERS",
    ] {
        assert!(files.is_match(path), "the hook does not run for {path}");
    }
    for path in [
        "README.md",
        "src/main.rs",
        "CODEOWNERS.bak",
        "NOTCODEOWNERS",
    ] {
        assert!(!files.is_match(path), "the hook runs for {path}");
    }
}

#[test]
fn multi_line_args_keep_every_line() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/E002"));
    let args = [
        ("path", "gov"),
        ("args", "--today 2026-11-15\n--deny-warnings\n"),
    ];
    let run = run_action(repo.path(), &args);
    // Only --deny-warnings on the second line makes the two warnings fail the step.
    assert_eq!(run.exit, 1, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("0", "2", ""));
}

#[test]
fn inputs_never_reach_a_shell() {
    let repo = in_repo(&manifest_dir().join("fixtures/clean"));
    for (input, value) in [
        ("args", "; touch pwned-1"),
        ("args", "$(touch pwned-2) `touch pwned-3` && touch pwned-4"),
        ("args", "--today 2026-11-15 | touch pwned-5"),
        ("path", "gov; touch pwned-6"),
        ("base", "$(touch pwned-7)"),
        ("sarif-file", "x.sarif\"; touch pwned-8; \""),
    ] {
        // The other inputs check on a fixed day, so that only the hostile value decides.
        let day = ("args", "--today 2026-11-15");
        let inputs = if input == "args" {
            vec![(input, value)]
        } else {
            vec![(input, value), day]
        };
        let run = run_action(repo.path(), &inputs);
        // Each word is an argument foureyes does not know, or a path that does not exist;
        // the SARIF file is written under the odd name it was given.
        let expected = if input == "sarif-file" { 0 } else { 2 };
        assert_eq!(run.exit, expected, "{input}: {value}: {}", run.stdout);
        let left: Vec<_> = std::fs::read_dir(repo.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("pwned"))
            .collect();
        assert!(left.is_empty(), "{input}: {value} ran a command: {left:?}");
    }
    assert!(repo.path().join("x.sarif\"; touch pwned-8; \"").is_file());
}

/// Serves the files under `root` over HTTP on 127.0.0.1, as a release host does (404 for
/// what is missing); returns the base URL.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            let mut reader = BufReader::new(&stream);
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // The rest of the request head.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let file = root.join(path.trim_start_matches('/'));
            let (status, body) = match std::fs::read(&file) {
                Ok(b) if !path.contains("..") => ("200 OK", b),
                _ => ("404 Not Found", b"not found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    url
}

fn sha256(file: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(file)
        .output()
        .or_else(|_| {
            Command::new("shasum")
                .args(["-a", "256"])
                .arg(file)
                .output()
        })
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.split_whitespace().next().unwrap().to_string()
}

/// A release `v{version}` of the crate's version under `root`: the archive for this
/// platform holds a `foureyes` that notes it ran, then runs the binary under test.
/// `checksum` replaces the archive's real SHA-256 in SHA256SUMS when given.
fn fake_release(root: &Path, checksum: Option<&str>) -> PathBuf {
    let dir = root.join(format!("v{}", env!("CARGO_PKG_VERSION")));
    let staging = root.join("staging");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&staging).unwrap();
    let marker = root.join("ran");
    let script = format!(
        "#!/bin/sh\ntouch '{}'\nexec '{}' \"$@\"\n",
        marker.display(),
        env!("CARGO_BIN_EXE_foureyes")
    );
    std::fs::write(staging.join("foureyes"), script).unwrap();
    let asset = format!("foureyes-{}.tar.gz", target());
    let status = Command::new("tar")
        .arg("-C")
        .arg(&staging)
        .arg("-czf")
        .arg(dir.join(&asset))
        .arg("foureyes")
        .status()
        .unwrap();
    assert!(status.success());
    let sum = checksum.map_or_else(|| sha256(&dir.join(&asset)), String::from);
    // Other platforms' lines too, as the release workflow writes them.
    let sums = format!(
        "{}  foureyes-x86_64-pc-windows-msvc.tar.gz\n{sum}  {asset}\n",
        "0".repeat(64)
    );
    std::fs::write(dir.join("SHA256SUMS"), sums).unwrap();
    marker
}

const INSTALL_INPUTS: &[(&str, &str)] = &[("path", "gov"), ("args", "--today 2026-11-15")];

#[test]
fn action_installs_a_release_binary_whose_checksum_matches() {
    let server = tempfile::tempdir().unwrap();
    let marker = fake_release(server.path(), None);
    let repo = in_repo(&manifest_dir().join("policies"));
    let options = Options {
        inputs: INSTALL_INPUTS,
        release_url: Some(serve(server.path().to_path_buf())),
        ..Options::default()
    };
    let run = run_with(repo.path(), options);
    assert_eq!(run.exit, 0, "{}", run.stdout);
    let installed = run.runner_temp.path().join("foureyes/bin/foureyes");
    assert!(installed.is_file());
    assert_eq!(run.steps["install"]["bin"], installed.display().to_string());
    assert!(!run.steps["install"].contains_key("build"));
    // No build from source: the cache and build steps did not run.
    assert!(!run.steps.contains_key("cache-key") && !run.steps.contains_key("build"));
    // The check ran the downloaded binary.
    assert!(marker.exists(), "{}", run.stdout);
    assert_eq!(run.outputs, outputs("0", "0", ""));
    // Nothing is left of the download.
    let leftovers: Vec<_> = std::fs::read_dir(run.runner_temp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("foureyes-download"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn action_refuses_a_release_binary_with_a_wrong_checksum() {
    let server = tempfile::tempdir().unwrap();
    let wrong = "ab".repeat(32);
    let marker = fake_release(server.path(), Some(&wrong));
    let repo = in_repo(&manifest_dir().join("policies"));
    let options = Options {
        inputs: INSTALL_INPUTS,
        release_url: Some(serve(server.path().to_path_buf())),
        ..Options::default()
    };
    let run = run_with(repo.path(), options);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    let error = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .unwrap_or_else(|| panic!("no error annotation: {}", run.stdout));
    assert!(error.contains("checksum mismatch"), "{error}");
    assert!(
        error.contains(&wrong) && error.contains("nothing was installed"),
        "{error}"
    );
    // Nothing installed, nothing run, no fallback to a build.
    assert!(!run.runner_temp.path().join("foureyes").exists());
    assert!(!marker.exists());
    assert!(!run.steps.contains_key("check") && !run.steps.contains_key("build"));
    assert_eq!(run.outputs, outputs("", "", ""));
}

#[test]
fn action_refuses_a_release_without_checksums() {
    let server = tempfile::tempdir().unwrap();
    let marker = fake_release(server.path(), None);
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    std::fs::remove_file(server.path().join(&version).join("SHA256SUMS")).unwrap();
    let repo = in_repo(&manifest_dir().join("policies"));
    let options = Options {
        inputs: INSTALL_INPUTS,
        release_url: Some(serve(server.path().to_path_buf())),
        ..Options::default()
    };
    let run = run_with(repo.path(), options);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    assert!(run.stdout.contains("no SHA256SUMS"), "{}", run.stdout);
    assert!(!run.runner_temp.path().join("foureyes").exists() && !marker.exists());
}

#[test]
fn action_builds_from_source_only_when_no_release_matches() {
    // A release host without this version.
    let server = tempfile::tempdir().unwrap();
    let repo = in_repo(&manifest_dir().join("policies"));
    let options = Options {
        inputs: INSTALL_INPUTS,
        release_url: Some(serve(server.path().to_path_buf())),
        last_step: Some("cache-key"),
        ..Options::default()
    };
    let run = run_with(repo.path(), options);
    assert_eq!(run.exit, 0, "{}", run.stdout);
    assert_eq!(run.steps["install"]["build"], "true");
    assert!(!run.runner_temp.path().join("foureyes").exists());
    // The build's cache key names the runner, the compiler, the version and Cargo.lock.
    let rustc = Command::new("rustc").arg("--version").output().unwrap();
    let rustc: String = String::from_utf8(rustc.stdout)
        .unwrap()
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let key = &run.steps["cache-key"]["key"];
    let prefix = format!("foureyes-{RUNNER_OS}-{}-{rustc}-", runner_arch());
    assert_eq!(run.steps["cache-key"]["prefix"], prefix);
    assert!(
        key.starts_with(&format!("{prefix}v{}-", env!("CARGO_PKG_VERSION"))),
        "{key}"
    );
}

#[test]
fn action_refuses_a_version_that_is_not_a_release_tag() {
    let server = tempfile::tempdir().unwrap();
    let repo = in_repo(&manifest_dir().join("policies"));
    for version in ["../../evil/releases/download/v1.0.0", "main", "v1.0.0/../x"] {
        let options = Options {
            inputs: &[("version", version)],
            release_url: Some(serve(server.path().to_path_buf())),
            ..Options::default()
        };
        let run = run_with(repo.path(), options);
        assert_eq!(run.exit, 1, "{version}: {}", run.stdout);
        assert!(
            run.stdout.contains("is not a release tag"),
            "{}",
            run.stdout
        );
        assert!(!run.steps["install"].contains_key("build"));
    }
}

#[test]
fn action_uses_the_same_version_already_on_the_runner() {
    // Nothing to download: the release host is empty, and the binary on PATH is this version.
    let server = tempfile::tempdir().unwrap();
    let repo = in_repo(&manifest_dir().join("policies"));
    let options = Options {
        inputs: INSTALL_INPUTS,
        release_url: Some(serve(server.path().to_path_buf())),
        preinstalled: true,
        ..Options::default()
    };
    let run = run_with(repo.path(), options);
    assert_eq!(run.exit, 0, "{}", run.stdout);
    assert_eq!(
        run.steps["install"]["bin"],
        Path::new(env!("CARGO_BIN_EXE_foureyes"))
            .display()
            .to_string()
    );
    assert!(!run.steps["install"].contains_key("build"));
    assert_eq!(run.outputs, outputs("0", "0", ""));
    // Another version on PATH does not count.
    let options = Options {
        inputs: &[("version", "v9.9.9")],
        release_url: Some(serve(server.path().to_path_buf())),
        preinstalled: true,
        last_step: Some("install"),
    };
    let run = run_with(repo.path(), options);
    assert_eq!(run.steps["install"]["build"], "true", "{}", run.stdout);
}

#[test]
fn pre_commit_hook_for_application_repositories() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[1];
    assert_eq!(hook["id"], "foureyes-suppressions");
    assert_eq!(hook["entry"], "foureyes suppressions");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["pass_filenames"], false);
    assert_eq!(
        hook["files"],
        r"(^|/)(\.trivyignore(\.ya?ml)?|osv-scanner\.toml|\.grype\.ya?ml|\.snyk|deny\.toml|\.cargo/audit\.toml)$"
    );
}

#[test]
fn action_runs_the_suppressions_command_on_an_application_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    common::copy_dir(
        &manifest_dir().join("fixtures/suppressions/apps/x001-reasons"),
        &app,
    );
    git2::Repository::init(&app)
        .unwrap()
        .remote("origin", "https://github.com/acme/payments.git")
        .unwrap();
    common::copy_dir(
        &manifest_dir().join("fixtures/suppressions/gov"),
        &tmp.path().join("governance"),
    );
    let inputs = [
        ("command", "suppressions"),
        ("path", "app"),
        ("governance", "governance"),
        ("args", "--today 2026-11-15"),
        ("sarif-file", "suppressions.sarif"),
    ];
    let run = run_action(tmp.path(), &inputs);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("6", "0", "suppressions.sarif"));
    assert!(
        run.stdout
            .contains("::error file=.trivyignore,line=2,col=1,"),
        "{}",
        run.stdout
    );
    assert!(tmp.path().join("suppressions.sarif").is_file());
    // Without a governance repository it cannot run.
    let run = run_action(tmp.path(), &[("command", "suppressions"), ("path", "app")]);
    assert_eq!(run.exit, 2);
    assert!(
        run.stdout.contains("needs the governance input"),
        "{}",
        run.stdout
    );
}

#[test]
fn action_runs_the_findings_command_on_scanner_reports() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&manifest_dir().join("fixtures/findings"), tmp.path());
    let inputs = [
        ("command", "findings"),
        ("reports", "reports/*.json\n  reports/**/grype.sarif"),
        ("governance", "gov"),
        (
            "args",
            "--service payments-api --kev-catalog kev.json --today 2026-11-15",
        ),
        ("sarif-file", "findings.sarif"),
    ];
    let run = run_action(tmp.path(), &inputs);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    // grype.json 2, osv.json 1, trivy.json 3, grype.sarif 1; EXC-2026-0002 is stale.
    assert_eq!(run.outputs, outputs("7", "1", "findings.sarif"));
    assert!(
        run.stdout
            .contains("::error file=reports/trivy.json,line=84,col=9,"),
        "{}",
        run.stdout
    );
    assert!(run.summary.starts_with("## foureyes\n"), "{}", run.summary);
    assert!(
        run.summary
            .contains("| F001 | untracked-finding | error | 4 |"),
        "{}",
        run.summary
    );
    assert!(tmp.path().join("findings.sarif").is_file());

    // Without --service, the service is the one listing GITHUB_REPOSITORY.
    let inputs = [
        ("command", "findings"),
        ("reports", "reports/trivy.json"),
        ("governance", "gov"),
    ];
    let run = run_action(tmp.path(), &inputs);
    assert_eq!(run.exit, 2);
    let run = run_action(
        tmp.path(),
        &[
            ("command", "findings"),
            ("reports", "reports/*.xml"),
            ("governance", "gov"),
        ],
    );
    assert_eq!(run.exit, 2);
    assert!(
        run.stdout
            .contains("::error::reports: no file matches reports/*.xml"),
        "{}",
        run.stdout
    );
    let run = run_action(
        tmp.path(),
        &[("command", "findings"), ("governance", "gov")],
    );
    assert_eq!(run.exit, 2);
    assert!(
        run.stdout.contains("needs the reports input"),
        "{}",
        run.stdout
    );
}
