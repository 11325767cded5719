//! Pull-request mode and CODEOWNERS on real repositories built with git2 in temp dirs. Each
//! repository starts from fixtures/clean on `main`; `feature` branches off, then `main` moves
//! on (with an Exception and a Remediation the feature never saw), so the merge-base is not
//! the tip of `main`: comparing with the tip would report those records as deleted.
//!
//! Output is compared as in tests/fixtures.rs: `CODE severity file:line:column pointer`.

use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Oid, Repository, RepositoryInitOptions, Signature};
use tempfile::TempDir;

mod common;
use common::{GRC_SCM, Run, assert_run, check, copy_dir, git_in};

struct Repo {
    dir: TempDir,
    repo: Repository,
}

impl Repo {
    /// A repository whose `main` holds fixtures/clean (under `sub`, when given).
    fn new(sub: &str) -> Repo {
        let dir = TempDir::new().unwrap();
        let mut opts = RepositoryInitOptions::new();
        opts.initial_head("main");
        let repo = Repository::init_opts(dir.path(), &opts).unwrap();
        let r = Repo { dir, repo };
        copy_dir(&fixtures_clean(), &r.path().join(sub));
        r.commit("governance repository");
        r
    }

    /// `new("")`, then `feature` branches off and `main` moves on: the merge-base of `main`
    /// and `feature` is the first commit. The working tree is left on `feature`.
    fn forked() -> Repo {
        let r = Repo::new("");
        r.branch("feature");
        r.write(
            "exceptions/EXC-2026-0009.yaml",
            &exception("EXC-2026-0009", "2026-12-10"),
        );
        r.write("remediations/REM-2026-0009.yaml", REMEDIATION_9);
        r.commit("main moves on");
        r.checkout("feature");
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    /// Replaces `from` by `to` in a file, which must contain it.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    fn rename(&self, from: &str, to: &str) {
        let text = self.read(from);
        self.remove(from);
        self.write(to, &text);
    }

    /// Commits the whole working tree (additions and deletions) on HEAD.
    fn commit(&self, message: &str) -> Oid {
        let mut index = self.repo.index().unwrap();
        index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::now("Test", "test@example.com").unwrap();
        let parent = self.repo.head().ok().map(|h| h.peel_to_commit().unwrap());
        let parents: Vec<_> = parent.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    fn branch(&self, name: &str) {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        self.repo.branch(name, &head, false).unwrap();
    }

    fn checkout(&self, name: &str) {
        self.repo.set_head(&format!("refs/heads/{name}")).unwrap();
        let mut opts = git2::build::CheckoutBuilder::new();
        opts.force();
        self.repo.checkout_head(Some(&mut opts)).unwrap();
    }
}

fn fixtures_clean() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean")
}

/// An active, valid exception for ledger-worker (tier high), approved on 2026-11-06.
fn exception(id: &str, expires: &str) -> String {
    format!(
        "apiVersion: foureyes.dev/v1
kind: Exception
metadata:
  id: {id}
spec:
  service: ledger-worker
  finding: {{id: CVE-2026-99999, severity: high}}
  requested_by: \"@frank-dev\"
  requested_on: 2026-11-05
  justification: The fix needs a schema migration scheduled for December.
  approvals:
    - {{by: carol, on: 2026-11-06}}
  expires: {expires}
"
    )
}

const REMEDIATION_9: &str = "apiVersion: foureyes.dev/v1
kind: Remediation
metadata:
  id: REM-2026-0009
spec:
  service: ledger-worker
  finding: {id: CVE-2026-88888, severity: low}
  found_on: 2026-11-01
  status: open
";

fn pr(r: &Repo) -> Run {
    check(r.path(), &["--base", "main"])
}

#[test]
fn the_forked_repository_is_clean_in_both_modes() {
    let r = Repo::forked();
    assert_run(&pr(&r), 0, &[]);
    assert_run(&check(r.path(), &[]), 0, &[]);
}

#[test]
fn g001_extension_without_reapproval() {
    let r = Repo::forked();
    r.edit(
        "exceptions/EXC-2026-0001.yaml",
        "expires: 2026-12-01",
        "expires: 2026-12-03",
    );
    r.commit("extend EXC-2026-0001");
    let run = pr(&r);
    assert_run(
        &run,
        1,
        &["G001 error exceptions/EXC-2026-0001.yaml:16:12 /spec/expires"],
    );
    let msg = run.json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(msg.contains("2026-12-01 to 2026-12-03"), "{msg}");
    // Without --base the rule is silent.
    assert_run(&check(r.path(), &[]), 0, &[]);
}

#[test]
fn g001_extension_with_a_fresh_approval_is_clean() {
    let r = Repo::forked();
    let f = "exceptions/EXC-2026-0001.yaml";
    r.edit(f, "expires: 2026-12-01", "expires: 2026-12-14");
    r.edit(
        f,
        "{by: carol, on: 2026-11-02}",
        "{by: carol, on: 2026-11-14}",
    );
    r.edit(f, "on: 2026-11-03}", "on: 2026-11-15}");
    r.commit("extend EXC-2026-0001 with new approvals");
    assert_run(&pr(&r), 0, &[]);
}

#[test]
fn g001_another_finding_or_service_is_a_new_risk() {
    let r = Repo::forked();
    r.edit(
        "exceptions/EXC-2026-0002.yaml",
        "id: GHSA-2345-6789-cfgh",
        "id: GHSA-9999-6789-cfgh",
    );
    r.edit(
        "exceptions/EXC-2026-0001.yaml",
        "service: payments-api",
        "service: ledger-worker",
    );
    assert_run(
        &pr(&r),
        1,
        &[
            "G001 error exceptions/EXC-2026-0001.yaml:6:12 /spec/service",
            "G001 error exceptions/EXC-2026-0002.yaml:10:9 /spec/finding/id",
        ],
    );
}

#[test]
fn uncommitted_changes_count() {
    let r = Repo::forked();
    r.edit(
        "exceptions/EXC-2026-0002.yaml",
        "expires: 2026-12-20",
        "expires: 2026-12-31",
    );
    assert_run(
        &pr(&r),
        1,
        &["G001 error exceptions/EXC-2026-0002.yaml:20:12 /spec/expires"],
    );
}

#[test]
fn g002_deleted_remediation_is_an_error() {
    let r = Repo::forked();
    r.remove("remediations/REM-2026-0001.yaml");
    r.commit("drop REM-2026-0001");
    let run = pr(&r);
    assert_run(&run, 1, &["G002 error remediations/REM-2026-0001.yaml - -"]);
    // The deleted file is named, not counted as checked.
    assert_eq!(run.json["summary"]["files"], 12);
    // The config sets its severity like any rule's.
    r.write("foureyes.yaml", "rules: {G002: warning}\n");
    assert_run(
        &pr(&r),
        0,
        &["G002 warning remediations/REM-2026-0001.yaml - -"],
    );
    r.write("foureyes.yaml", "rules: {G002: off}\n");
    assert_run(&pr(&r), 0, &[]);
}

#[test]
fn g002_a_remediation_removed_from_a_file_of_several() {
    let r = Repo::forked();
    let f = "remediations/2026-q4-done.yaml";
    let text = r.read(f);
    let cut = text.rfind("---").unwrap();
    r.write(f, &text[..cut]);
    let run = pr(&r);
    assert_run(&run, 1, &["G002 error remediations/2026-q4-done.yaml - -"]);
    let msg = run.json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(msg.contains("REM-2026-0003"), "{msg}");
}

#[test]
fn g002_active_exception_deleted_without_revoke_is_a_warning() {
    let r = Repo::forked();
    r.remove("exceptions/EXC-2026-0002.yaml");
    r.commit("drop EXC-2026-0002");
    assert_run(
        &pr(&r),
        0,
        &["G002 warning exceptions/EXC-2026-0002.yaml - -"],
    );
    assert_run(
        &check(r.path(), &["--base", "main", "--deny-warnings"]),
        1,
        &["G002 warning exceptions/EXC-2026-0002.yaml - -"],
    );
}

#[test]
fn g002_exception_revoked_at_base_then_deleted_is_clean() {
    let r = Repo::new("");
    r.edit(
        "exceptions/EXC-2026-0002.yaml",
        "expires: 2026-12-20",
        "expires: 2026-12-20\n  status: revoked",
    );
    r.commit("revoke EXC-2026-0002");
    r.branch("feature");
    r.checkout("feature");
    r.remove("exceptions/EXC-2026-0002.yaml");
    r.commit("drop the revoked EXC-2026-0002");
    assert_run(&pr(&r), 0, &[]);
}

#[test]
fn g002_a_record_in_a_file_that_no_longer_parses_is_not_deleted() {
    let r = Repo::forked();
    r.edit(
        "remediations/REM-2026-0001.yaml",
        "status: open",
        "status: [open",
    );
    assert_run(
        &pr(&r),
        1,
        &["P001 error remediations/REM-2026-0001.yaml:11:1 -"],
    );
}

#[test]
fn g002_a_record_in_a_file_replaced_by_an_lfs_pointer_is_not_deleted() {
    let r = Repo::forked();
    r.write(
        "remediations/REM-2026-0001.yaml",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 612\n",
    );
    assert_run(
        &pr(&r),
        1,
        &["P005 error remediations/REM-2026-0001.yaml - -"],
    );
}

#[test]
fn g001_a_revoked_exception_may_be_extended() {
    let r = Repo::forked();
    r.edit(
        "exceptions/EXC-2026-0001.yaml",
        "expires: 2026-12-01\n  status: active",
        "expires: 2026-12-03\n  status: revoked",
    );
    assert_run(&pr(&r), 0, &[]);
}

#[test]
fn pr_mode_on_one_file() {
    let r = Repo::forked();
    let f = "exceptions/EXC-2026-0001.yaml";
    r.edit(f, "expires: 2026-12-01", "expires: 2026-12-03");
    // Checked in its repository (the git work tree), named from its root; only the
    // extension is new.
    assert_run(
        &check(&r.path().join(f), &["--base", "main"]),
        1,
        &["G001 error exceptions/EXC-2026-0001.yaml:16:12 /spec/expires"],
    );
}

#[test]
fn renamed_records_are_not_deleted() {
    let r = Repo::forked();
    r.rename(
        "exceptions/EXC-2026-0001.yaml",
        "exceptions/payments/EXC-2026-0001.yaml",
    );
    r.rename(
        "remediations/REM-2026-0001.yaml",
        "remediations/2026/open.yaml",
    );
    r.commit("reorganise");
    assert_run(&pr(&r), 0, &[]);
    // A moved exception is still the same exception: extending it still needs approval.
    r.edit(
        "exceptions/payments/EXC-2026-0001.yaml",
        "expires: 2026-12-01",
        "expires: 2026-12-02",
    );
    assert_run(
        &pr(&r),
        1,
        &["G001 error exceptions/payments/EXC-2026-0001.yaml:16:12 /spec/expires"],
    );
}

#[test]
fn pre_existing_errors_are_reported_by_the_full_check_only() {
    let r = Repo::new("");
    // Expired on its own before the pull request: the daily full check reports it.
    r.write(
        "exceptions/EXC-2026-0010.yaml",
        &exception("EXC-2026-0010", "2026-11-10"),
    );
    r.commit("an exception that has since expired");
    r.branch("feature");
    r.checkout("feature");
    r.write("remediations/REM-2026-0009.yaml", REMEDIATION_9);
    r.commit("an unrelated change");
    assert_run(&pr(&r), 0, &[]);
    assert_run(
        &check(r.path(), &[]),
        1,
        &["E001 error exceptions/EXC-2026-0010.yaml:13:12 /spec/expires"],
    );
    // A new error in the pull request is reported, the old one still is not.
    r.edit(
        "remediations/REM-2026-0009.yaml",
        "found_on: 2026-11-01",
        "found_on: 2026-01-01",
    );
    assert_run(
        &pr(&r),
        1,
        &[
            "D001 error remediations/REM-2026-0009.yaml:8:13 /spec/found_on",
            "D002 warning remediations/REM-2026-0009.yaml:8:13 /spec/found_on",
        ],
    );
}

#[test]
fn pr_mode_on_a_subdirectory_reads_the_same_subtree_at_base() {
    let r = Repo::new("governance");
    r.branch("feature");
    r.checkout("feature");
    r.remove("governance/remediations/REM-2026-0001.yaml");
    r.commit("drop REM-2026-0001");
    assert_run(
        &check(&r.path().join("governance"), &["--base", "main"]),
        1,
        &["G002 error remediations/REM-2026-0001.yaml - -"],
    );
}

#[test]
fn pr_mode_writes_nothing_to_the_repository() {
    let r = Repo::forked();
    r.edit(
        "exceptions/EXC-2026-0002.yaml",
        "expires: 2026-12-20",
        "expires: 2026-12-31",
    );
    let before = snapshot(r.path());
    pr(&r);
    assert_eq!(before, snapshot(r.path()));
}

/// Every file under `dir` with its modification time and contents.
fn snapshot(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                stack.push(e.path());
            } else {
                out.push((
                    e.path(),
                    meta.modified().unwrap(),
                    std::fs::read(e.path()).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn unknown_ref_exits_2_with_one_line() {
    let r = Repo::forked();
    let run = check(r.path(), &["--base", "origin/nope"]);
    assert_eq!(run.exit, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("origin/nope"), "{}", run.stderr);
}

#[test]
fn not_a_git_repository_exits_2() {
    let dir = TempDir::new().unwrap();
    copy_dir(&fixtures_clean(), dir.path());
    let run = check(dir.path(), &["--base", "main"]);
    assert_eq!(run.exit, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("not inside a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn shallow_clone_exits_2_and_says_to_fetch_full_history() {
    let origin = Repo::forked();
    origin.edit(
        "exceptions/EXC-2026-0002.yaml",
        "expires: 2026-12-20",
        "expires: 2026-12-31",
    );
    origin.commit("extend");
    let url = format!("file://{}", origin.path().display());
    let tmp = TempDir::new().unwrap();
    // Both tips, one commit deep each: there is no merge-base to find.
    git_in(
        tmp.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            "--branch",
            "feature",
            &url,
            "both",
        ],
    );
    let run = check(&tmp.path().join("both"), &["--base", "origin/main"]);
    assert_eq!(run.exit, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    // actions/checkout's default: only the pull request's commit, no base branch at all.
    git_in(
        tmp.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "one",
        ],
    );
    let run = check(&tmp.path().join("one"), &["--base", "origin/main"]);
    assert_eq!(run.exit, 2, "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
}

#[test]
fn g003_codeowners_routing_exceptions_to_the_wrong_team() {
    let r = Repo::forked();
    r.edit("teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    r.write(
        ".github/CODEOWNERS",
        "*  @example/appsec\n/exceptions/  @example/platform-payments\n",
    );
    r.commit("CODEOWNERS");
    let expected = [
        "G003 error exceptions/EXC-2026-0001.yaml:6:12 /spec/service",
        "G003 error exceptions/EXC-2026-0002.yaml:8:12 /spec/service",
    ];
    assert_run(&check(r.path(), &[]), 1, &expected);
    assert_run(&pr(&r), 1, &expected);
}

#[test]
fn g003_codeowners_routing_exceptions_to_the_risk_owner_is_clean() {
    let r = Repo::forked();
    r.edit("teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    r.write(
        "CODEOWNERS",
        "*  @example/appsec\n/exceptions/  @example/grc @example/appsec\n",
    );
    r.commit("CODEOWNERS");
    assert_run(&check(r.path(), &[]), 0, &[]);
    assert_run(&pr(&r), 0, &[]);
}

#[test]
fn g003_the_last_matching_line_wins() {
    let r = Repo::forked();
    r.edit("teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    // The later, narrower line takes EXC-2026-0002 away from grc.
    r.write(
        "docs/CODEOWNERS",
        "/exceptions/ @example/grc\nexceptions/EXC-2026-0002.yaml @example/platform-payments\n",
    );
    assert_run(
        &check(r.path(), &[]),
        1,
        &["G003 error exceptions/EXC-2026-0002.yaml:8:12 /spec/service"],
    );
    // In the other order the broad line comes last and wins.
    r.write(
        "docs/CODEOWNERS",
        "exceptions/EXC-2026-0002.yaml @example/platform-payments\n/exceptions/ @example/grc\n",
    );
    assert_run(&check(r.path(), &[]), 0, &[]);
}

#[test]
fn g003_only_the_first_codeowners_location_counts() {
    let r = Repo::forked();
    r.edit("teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    r.write(".github/CODEOWNERS", "* @example/appsec\n");
    r.write("CODEOWNERS", "* @example/grc\n");
    assert_run(
        &check(r.path(), &[]),
        1,
        &[
            "G003 error exceptions/EXC-2026-0001.yaml:6:12 /spec/service",
            "G003 error exceptions/EXC-2026-0002.yaml:8:12 /spec/service",
        ],
    );
}

#[test]
fn g003_pr_mode_reports_only_the_gap_the_change_opens() {
    let r = Repo::new("");
    r.edit("teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    r.write(
        ".github/CODEOWNERS",
        "/exceptions/ @example/grc\n/exceptions/EXC-2026-0001.yaml @example/appsec\n",
    );
    r.commit("CODEOWNERS with a gap");
    r.branch("feature");
    r.checkout("feature");
    r.write(
        ".github/CODEOWNERS",
        "/exceptions/ @example/appsec\n/exceptions/EXC-2026-0001.yaml @example/appsec\n",
    );
    r.commit("route exceptions to appsec");
    assert_run(
        &pr(&r),
        1,
        &["G003 error exceptions/EXC-2026-0002.yaml:8:12 /spec/service"],
    );
}

#[test]
fn g003_codeowners_at_the_repository_root_for_a_subdirectory() {
    let r = Repo::new("governance");
    r.edit("governance/teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    r.write(
        ".github/CODEOWNERS",
        "/governance/exceptions/ @example/grc\n",
    );
    let gov = r.path().join("governance");
    assert_run(&check(&gov, &[]), 0, &[]);
    // Patterns are relative to the repository root, not to the checked directory.
    r.write(".github/CODEOWNERS", "/exceptions/ @example/grc\n");
    assert_run(
        &check(&gov, &[]),
        1,
        &[
            "G003 error exceptions/EXC-2026-0001.yaml:6:12 /spec/service",
            "G003 error exceptions/EXC-2026-0002.yaml:8:12 /spec/service",
        ],
    );
}

#[test]
fn g003_warns_when_teams_declare_scm_but_there_is_no_codeowners() {
    let r = Repo::forked();
    r.edit("teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    assert_run(
        &check(r.path(), &[]),
        0,
        &["G003 warning teams/grc.yaml - -"],
    );
    // Outside any git repository too.
    let dir = TempDir::new().unwrap();
    copy_dir(r.path(), dir.path());
    std::fs::remove_dir_all(dir.path().join(".git")).unwrap();
    assert_run(
        &check(dir.path(), &[]),
        0,
        &["G003 warning teams/grc.yaml - -"],
    );
}

#[test]
fn a_problem_whose_message_changed_is_not_new() {
    let r = Repo::new("");
    r.write(
        "exceptions/EXC-2026-0010.yaml",
        &exception("EXC-2026-0010", "2026-11-10"),
    );
    r.commit("an exception that has since expired");
    r.branch("feature");
    r.checkout("feature");
    // Still expired, so E001's message changes ("expired on 2026-11-12, 3 days ago") but it
    // is the same problem; lines added above move it too. Moving `expires` needs approval.
    let file = "exceptions/EXC-2026-0010.yaml";
    r.edit(file, "expires: 2026-11-10", "expires: 2026-11-12");
    r.write(file, &format!("# extended\n{}", r.read(file)));
    r.commit("extend the exception a little");
    assert_run(
        &pr(&r),
        1,
        &["G001 error exceptions/EXC-2026-0010.yaml:14:12 /spec/expires"],
    );
}

#[test]
fn a_lower_exposure_is_an_extension_and_an_alias_is_the_same_finding() {
    // A reviewed claim of lower exposure accepts more (G001) and moves a Remediation to a
    // slower tier (G004): both need the risk owners, not a rewrite.
    let r = Repo::forked();
    let review = "  exposure_review: {security: alice, system: frank, on: 2026-11-06}\n";
    r.edit(
        "exceptions/EXC-2026-0002.yaml",
        "    severity: high\n",
        &format!("    severity: high\n    exposure: internal\n{review}"),
    );
    r.edit(
        "remediations/REM-2026-0001.yaml",
        "severity: high}\n",
        &format!("severity: high, exposure: isolated}}\n{review}"),
    );
    let run = pr(&r);
    assert_run(
        &run,
        1,
        &[
            "G001 error exceptions/EXC-2026-0002.yaml:12:15 /spec/finding/exposure",
            "G004 error remediations/REM-2026-0001.yaml:7:59 /spec/finding/exposure",
        ],
    );
    let change = &run.json["diagnostics"][1]["facts"]["changes"][0];
    assert_eq!(
        change,
        &serde_json::json!({"field": "finding.exposure", "from": "absent (internet)", "to": "isolated"})
    );

    // The same finding under another of its ids is not another finding.
    let r = Repo::forked();
    r.edit(
        "exceptions/EXC-2026-0002.yaml",
        "id: GHSA-2345-6789-cfgh",
        "id: CVE-2026-55555\n    aliases: [ghsa-2345-6789-CFGH]",
    );
    assert_run(&pr(&r), 0, &[]);
}

#[test]
fn a_routed_exception_is_reapproved_by_its_control_s_risk_team() {
    // payments-signing-keys' risk owner becomes appsec: EXC-2026-0001, routed through it, is
    // approved by appsec (alice, erin), and so must be its re-approval; grc's carol, the
    // service's risk owner, does not count.
    let r = Repo::new("");
    r.edit(
        "ownership/payments.yaml",
        "remediation: platform-payments, risk: grc}",
        "remediation: platform-payments, risk: appsec}",
    );
    let f = "exceptions/EXC-2026-0001.yaml";
    r.edit(
        f,
        "  service: payments-api\n",
        "  service: payments-api\n  control: payments-signing-keys\n",
    );
    r.edit(
        f,
        "{by: carol, on: 2026-11-02}",
        "{by: alice, on: 2026-11-02}",
    );
    r.edit(
        f,
        "{by: Dana@EXAMPLE.com, on: 2026-11-03}",
        "{by: erin, on: 2026-11-03}",
    );
    r.commit("route the exception through its control");
    assert_run(&check(r.path(), &[]), 0, &[]);
    r.branch("feature");
    r.checkout("feature");
    r.edit(f, "expires: 2026-12-01", "expires: 2026-12-10");
    r.edit(
        f,
        "    - {by: erin, on: 2026-11-03}\n",
        "    - {by: erin, on: 2026-11-03}\n    - {by: carol, on: 2026-11-14}\n",
    );
    let run = pr(&r);
    assert_run(
        &run,
        1,
        &[
            "A003 error exceptions/EXC-2026-0001.yaml:17:12 /spec/approvals/2/by",
            "G001 error exceptions/EXC-2026-0001.yaml:18:12 /spec/expires",
        ],
    );
    let a003 = run.json["diagnostics"][0]["message"].as_str().unwrap();
    assert_eq!(
        a003,
        "approver `carol` is not a member of `appsec`, the risk owner of control `payments-signing-keys`"
    );
    let g001 = run.json["diagnostics"][1]["message"].as_str().unwrap();
    assert!(
        g001.contains("is by someone outside `appsec`, the risk team"),
        "{g001}"
    );

    r.edit(
        f,
        "{by: carol, on: 2026-11-14}",
        "{by: erin, on: 2026-11-14}",
    );
    assert_run(&pr(&r), 0, &[]);
}
