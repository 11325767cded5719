//! `foureyes init [DIR]`: a new governance repository from the starter in `policies/`, with
//! the CI workflow, pre-commit hook and CODEOWNERS that make its rules bite. The starter is
//! part of the binary, so an installed foureyes scaffolds anywhere.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::date::Date;
use crate::error::{Error, Output, Result};

macro_rules! starter {
    ($($path:literal)*) => {
        &[$(($path, include_str!(concat!("../policies/", $path)))),*]
    };
}

/// Every file of `policies/` (a test keeps this list complete). Its CODEOWNERS already
/// routes `/exceptions/` and `/sla/` to the `scm` of the risk team, `grc`.
const STARTER: &[(&str, &str)] = starter![
    "CODEOWNERS"
    "data/known_exploited_vulnerabilities.json"
    "exceptions/EXC-2026-0001.yaml"
    "exceptions/EXC-2026-0002.yaml"
    "exceptions/EXC-2026-0003.yaml"
    "exceptions/EXC-2026-0004.yaml"
    "exceptions/token-signing-keys/EXC-2026-0005.yaml"
    "foureyes.yaml"
    "ownership/commerce.yaml"
    "people/staff.yaml"
    "remediations/REM-2026-0001.yaml"
    "remediations/REM-2026-0002.yaml"
    "remediations/REM-2026-0003.yaml"
    "remediations/REM-2026-0004.yaml"
    "remediations/REM-2026-0005.yaml"
    "remediations/REM-2026-0006.yaml"
    "remediations/REM-2026-0007.yaml"
    "remediations/REM-2026-0008.yaml"
    "sla/policy.yaml"
    "teams/appsec.yaml"
    "teams/finance-product.yaml"
    "teams/grc.yaml"
    "teams/iam.yaml"
    "teams/payments-product.yaml"
    "teams/pki-secrets.yaml"
    "teams/platform-data.yaml"
    "teams/platform-edge.yaml"
    "teams/platform-payments.yaml"
    "teams/secops-verify.yaml"
    "teams/security-leadership.yaml"
];

/// The day `policies/` is dated around: checked on it, the starter is clean (the README's
/// quick start pins it). The scaffold moves every date of its example records by the days
/// from this one to the day `init` runs, so a new repository is clean on the day it is
/// written, whatever that day; from then on its records age as real ones do.
const STARTER_DAY: Date = Date(20_772); // 2026-11-15

/// The folders of the starter that hold records, the only files with dates to move.
const DATED: [&str; 2] = ["exceptions/", "remediations/"];

/// `text` with every `YYYY-MM-DD` date moved by `days` (ids such as `EXC-2026-0001` are no
/// dates and stay).
fn redate(text: &str, days: i64) -> Result<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 10 <= b.len() {
        let alone = |j: usize| b.get(j).is_none_or(|c| !c.is_ascii_alphanumeric());
        let date = (i == 0 || alone(i - 1)) && alone(i + 10);
        match text.get(i..i + 10).filter(|_| date).and_then(Date::parse) {
            Some(d) => {
                // Four-digit years only: a date past 9999 would not read back.
                let moved = d
                    .plus(days)
                    .filter(|m| (Date(-719_528)..=Date(2_932_896)).contains(m))
                    .ok_or_else(|| {
                        Error::Usage("cannot date the example records around that day".into())
                    })?;
                out.push_str(&text[copied..i]);
                out.push_str(&moved.to_string());
                i += 10;
                copied = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// The action and hook are pinned to the release of the binary that wrote them.
fn release() -> String {
    format!("v{}", env!("CARGO_PKG_VERSION"))
}

/// `owner/name` of foureyes on GitHub, where the action and the hook live.
fn github_repo() -> &'static str {
    env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/")
}

/// The commit of foureyes the workflow pins its action to: a tag can move, a commit cannot.
/// The action installs the release of the version in its own Cargo.toml, so any commit of
/// this version will do; releasing sets it to a commit of the new version (README,
/// "Releasing").
const ACTION_COMMIT: &str = "58b10ff86b13177bea2009a886ac8f627474ec8a";

/// The other actions of the workflows, pinned by commit with their version.
const CHECKOUT: &str = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";
const UPLOAD_SARIF: &str =
    "github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2";

fn workflow() -> String {
    format!(
        r#"# foureyes on every pull request and push, and daily: exceptions expire and
# deadlines pass without any commit. Findings show as annotations on the
# changed files and as code scanning alerts. Code scanning in a private
# repository needs GitHub Advanced Security: without it, delete the upload
# step and `security-events: write` (annotations and the step summary remain).
name: foureyes
on:
  pull_request:
  push:
    branches: [main]
  schedule:
    - cron: "23 5 * * *"
  workflow_dispatch:
permissions: {{}}
jobs:
  foureyes:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write   # upload the SARIF report to code scanning
    steps:
      - uses: {CHECKOUT}
        with:
          fetch-depth: 0               # pull-request mode needs the merge-base
          persist-credentials: false
      - id: foureyes
        uses: {repo}@{ACTION_COMMIT} # {release}
        with:
          # On a pull request, judge only what it changes; otherwise check everything.
          base: ${{{{ github.event_name == 'pull_request' && format('origin/{{0}}', github.base_ref) || '' }}}}
          sarif-file: foureyes.sarif
          # The daily run also writes the report for people, uploaded as an artifact.
          report: ${{{{ github.event_name == 'schedule' && 'foureyes-report.html' || '' }}}}
      - if: ${{{{ !cancelled() && steps.foureyes.outputs.sarif-file != '' }}}}
        uses: {UPLOAD_SARIF}
        with:
          sarif_file: ${{{{ steps.foureyes.outputs.sarif-file }}}}
          category: foureyes
"#,
        repo = github_repo(),
        release = release(),
    )
}

/// Keeps `data/known_exploited_vulnerabilities.json` (the starter's `kev_catalog`) current
/// with CISA's feed, through a reviewed pull request.
fn kev_workflow() -> String {
    format!(
        r#"# Refreshes the CISA Known Exploited Vulnerabilities catalog that foureyes
# holds the records against (`kev_catalog` in foureyes.yaml; rules K001 and
# K002). CISA adds entries on most working days. This job fetches the feed
# daily and, when it changed, opens a pull request: new entries can make
# records wrong (`kev: false` for an exploited CVE), and the pull request's
# foureyes check shows which.
#
# Needs "Allow GitHub Actions to create and approve pull requests" in the
# repository settings. Pull requests opened with the workflow's own token do
# not start other workflows; close and reopen it (or push to it) to run the
# foureyes check, or give this job a GitHub App token instead.
name: kev-catalog
on:
  schedule:
    - cron: "41 4 * * *"
  workflow_dispatch:
permissions: {{}}
jobs:
  refresh:
    runs-on: ubuntu-latest
    permissions:
      contents: write          # push the branch of the pull request
      pull-requests: write     # open the pull request
    env:
      FEED: https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json
      CATALOG: data/known_exploited_vulnerabilities.json   # = kev_catalog in foureyes.yaml
    steps:
      - uses: {CHECKOUT}
        with:
          persist-credentials: false
      - name: Fetch the catalog from CISA
        run: |
          # At most 128 MiB, the most foureyes reads.
          curl --fail --silent --show-error --location --proto '=https' --retry 3 \
            --max-filesize 134217728 --output "$RUNNER_TEMP/kev.json" "$FEED"
          # Only CISA's shape reaches the repository: a broken download would
          # stop every foureyes check (exit 2).
          jq -e '(.vulnerabilities | type == "array" and length > 0)
            and all(.vulnerabilities[]; (.cveID | type == "string")
              and (.dueDate | type == "string" and test("^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$")))' \
            "$RUNNER_TEMP/kev.json" > /dev/null
          mkdir -p "$(dirname "$CATALOG")"
          mv "$RUNNER_TEMP/kev.json" "$CATALOG"
      - name: Propose the new catalog
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          BASE: ${{{{ github.event.repository.default_branch }}}}
        run: |
          if [ -z "$(git status --porcelain -- "$CATALOG")" ]; then
            echo "The catalog is current."
            exit 0
          fi
          version=$(jq -r '.catalogVersion // "update"' "$CATALOG")
          branch="kev-catalog/$version"
          if git ls-remote --exit-code --heads origin "$branch" > /dev/null; then
            echo "Catalog $version is already proposed on $branch."
            exit 0
          fi
          gh auth setup-git            # push with GH_TOKEN; checkout kept no credentials
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git switch --create "$branch"
          git add -- "$CATALOG"
          git commit --message "KEV catalog $version"
          git push origin "$branch"
          gh pr create --base "$BASE" --head "$branch" --title "KEV catalog $version" \
            --body "CISA Known Exploited Vulnerabilities catalog $version, from $FEED. Records whose finding is now listed but does not say \`kev: true\` show up as K001 in the foureyes check of this pull request."
"#
    )
}

fn pre_commit_config() -> String {
    format!(
        "# pre-commit (https://pre-commit.com): after `pre-commit install`, every commit\n\
         # that touches a YAML file or CODEOWNERS runs `foureyes check` on the whole\n\
         # repository.\n\
         repos:\n  - repo: https://github.com/{}\n    rev: {}\n    hooks:\n      - id: foureyes\n",
        github_repo(),
        release()
    )
}

/// Writes the scaffold, dated for `today`, into `dir` and returns how many files it wrote.
/// Nothing is written when any target exists, unless `force` replaces them.
pub fn run(dir: &Path, force: bool, today: Date) -> Result<usize> {
    let days = today.0 - STARTER_DAY.0;
    let mut files: Vec<(&str, String)> = STARTER
        .iter()
        .map(|(path, text)| {
            let dated = DATED.iter().any(|d| path.starts_with(d));
            Ok((
                *path,
                if dated {
                    redate(text, days)?
                } else {
                    text.to_string()
                },
            ))
        })
        .collect::<Result<_>>()?;
    files.push((".github/workflows/foureyes.yml", workflow()));
    files.push((".pre-commit-config.yaml", pre_commit_config()));
    files.push((".github/workflows/kev-catalog.yml", kev_workflow()));

    if dir.exists() && !dir.is_dir() {
        return Err(Error::Occupied(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let mut existing = Vec::new();
    for (rel, _) in &files {
        let target = dir.join(rel);
        // A folder of the scaffold that is a file here would stop the writing halfway.
        for folder in Path::new(rel).ancestors().skip(1) {
            let folder = dir.join(folder);
            if folder.exists() && !folder.is_dir() {
                return Err(Error::Occupied(format!(
                    "{} is not a directory",
                    folder.display()
                )));
            }
        }
        if target.is_dir() {
            return Err(Error::Occupied(format!(
                "{} is a directory",
                target.display()
            )));
        }
        if target.exists() {
            existing.push(target.display().to_string());
        }
    }
    if !existing.is_empty() && !force {
        return Err(Error::Occupied(format!(
            "refusing to overwrite {} (--force replaces them)",
            existing.join(", ")
        )));
    }
    for (rel, text) in &files {
        let target = dir.join(rel);
        let fail = |source: std::io::Error| Error::Write {
            output: Output::File,
            path: target.clone(),
            source,
        };
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(fail)?;
        }
        let mut options = OpenOptions::new();
        options.write(true);
        if force {
            options.create(true).truncate(true);
        } else {
            // A file that appeared since the check above is not replaced either.
            options.create_new(true);
        }
        options
            .open(&target)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(fail)?;
    }
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::redate;

    #[test]
    fn dates_move_and_nothing_else_does() {
        let text =
            "2026-11-15\nid: EXC-2026-0001\non: 2026-12-31 # 2026-02-29x 12026-01-01\n2026-11-30";
        assert_eq!(
            redate(text, 1).unwrap(),
            "2026-11-16\nid: EXC-2026-0001\non: 2027-01-01 # 2026-02-29x 12026-01-01\n2026-12-01"
        );
        assert_eq!(redate("on: 2028-02-28", 1).unwrap(), "on: 2028-02-29");
        assert!(redate("on: 9999-12-31", 1).is_err());
    }
}
