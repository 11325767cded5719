use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use foureyes::config::Config;
use foureyes::date::Date;
use foureyes::diagnostic::Severity;
use foureyes::error::{Error, Output, Result};
use foureyes::locate;
use foureyes::model::Kind;
use foureyes::output;
use foureyes::render::{self, Report};
use foureyes::scope::Scope;
use foureyes::suppress;

#[derive(Parser)]
#[command(
    name = "foureyes",
    version,
    about = "Policy-as-code linter for vulnerability-remediation governance"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a governance repository.
    Check(CheckArgs),
    /// Write a report for people: owners, exceptions, the remediation queue, diagnostics.
    Report(ReportArgs),
    /// Who owns a service: owners with contacts, controls, open records, exceptions.
    Who(WhoArgs),
    /// Audit the scanner ignore files of application repositories: every suppression must
    /// be an approved, unexpired Exception of the governance repository. With --emit, print
    /// a service's suppression file built from its approved Exceptions instead.
    Suppressions(SuppressionsArgs),
    /// Hold scanner reports (SARIF, Trivy, Grype, OSV-Scanner JSON) against the governance
    /// records of a service: every finding tracked, nothing marked fixed still detected.
    #[command(group(clap::ArgGroup::new("which").required(true).args(["service", "repository"])))]
    Findings(FindingsArgs),
    /// Scaffold a governance repository from the starter policies.
    Init {
        /// Where to write it; created when missing.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
        /// The day to date the example records for (YYYY-MM-DD); default $FOUREYES_TODAY,
        /// else today (UTC).
        #[arg(long)]
        today: Option<String>,
    },
    /// Explain a rule: what it checks, why, and how to fix it.
    Explain {
        /// The rule's code (A001) or name (self-approval).
        code: String,
    },
    /// List every rule with its code, default severity and name.
    Rules,
    /// Print the JSON Schema of a kind, or of every kind.
    Schema { kind: Option<String> },
}

#[derive(Args)]
struct CheckArgs {
    /// The repository to check, or one file: then the repository it belongs to is
    /// checked and only that file's diagnostics are reported.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The date to check against (YYYY-MM-DD); default $FOUREYES_TODAY, else today (UTC).
    #[arg(long)]
    today: Option<String>,
    /// Config file; default foureyes.yaml in the repository checked, when it exists.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Also write a SARIF report to FILE (for code scanning), whatever --format is.
    #[arg(long, value_name = "FILE")]
    output_sarif: Option<PathBuf>,
    /// Append a Markdown summary to FILE; default $GITHUB_STEP_SUMMARY when it is set.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Pull-request mode: report only what is new since the merge-base of REF and HEAD,
    /// plus extensions without re-approval (G001) and deleted records (G002).
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// The CISA KEV catalog (JSON) for K001/K002; default `kev_catalog` of the config.
    #[arg(long, value_name = "FILE")]
    kev_catalog: Option<PathBuf>,
}

#[derive(Args)]
struct ReportArgs {
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    format: ReportFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[arg(long)]
    today: Option<String>,
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct WhoArgs {
    service: String,
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long)]
    today: Option<String>,
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct SuppressionsArgs {
    /// Application repositories (or suppression files) to audit.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// The governance repository.
    #[arg(long, value_name = "GOV")]
    governance: PathBuf,
    /// Put every file under this service.
    #[arg(long, value_name = "ID", conflicts_with = "repository")]
    service: Option<String>,
    /// The application repository, instead of its `origin` remote.
    #[arg(long, value_name = "OWNER/NAME")]
    repository: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The date to check against (YYYY-MM-DD); default $FOUREYES_TODAY, else today (UTC).
    #[arg(long)]
    today: Option<String>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Also write a SARIF report to FILE, whatever --format is.
    #[arg(long, value_name = "FILE")]
    output_sarif: Option<PathBuf>,
    /// Print the suppression file of this scanner for --service instead of auditing.
    #[arg(long, value_enum, value_name = "SCANNER", requires = "service")]
    emit: Option<suppress::emit::Target>,
}

#[derive(Args)]
struct FindingsArgs {
    /// Scanner reports, recognised by their content.
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// The governance repository.
    #[arg(long, value_name = "GOV")]
    governance: PathBuf,
    /// The service the reports are about.
    #[arg(long, value_name = "ID")]
    service: Option<String>,
    /// The repository the reports are about; its service is the one listing it.
    #[arg(long, value_name = "OWNER/NAME")]
    repository: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The date to check against (YYYY-MM-DD); default $FOUREYES_TODAY, else today (UTC).
    #[arg(long)]
    today: Option<String>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// The CISA KEV catalog (JSON); default the governance repository's `kev_catalog`.
    #[arg(long, value_name = "FILE")]
    kev_catalog: Option<PathBuf>,
    /// Write an open Remediation for each untracked finding into DIR (never replacing a file).
    #[arg(long, value_name = "DIR")]
    write_records: Option<PathBuf>,
    /// Also write a SARIF report to FILE, whatever --format is.
    #[arg(long, value_name = "FILE")]
    output_sarif: Option<PathBuf>,
    /// Append a Markdown summary to FILE; default $GITHUB_STEP_SUMMARY when it is set.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Html,
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // The top-level message only: it already says what its causes say, on one line.
            // Messages can quote the repository (config keys, paths): no escape sequences.
            eprintln!("foureyes: error: {}", render::human::clean(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Report(args) => report(args),
        Command::Who(args) => who(args),
        Command::Suppressions(args) => suppressions(args),
        Command::Findings(args) => findings(args),
        Command::Init { dir, force, today } => init(&dir, force, today),
        Command::Explain { code } => explain(&code),
        Command::Rules => rules(),
        Command::Schema { kind } => schema(kind.as_deref()),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let today = resolve_today(args.today)?;
    let scope = Scope::of(&args.path)?;
    let config = Config::for_root(
        &scope.root,
        args.config.as_deref(),
        args.kev_catalog.as_deref(),
    )?;
    let outcome = scope.check(&config, today, args.base.as_deref())?;
    let located = locate::locate(&outcome.files, outcome.diagnostics);
    let report = Report {
        files: &outcome.files,
        documents: outcome.docs.len(),
        diagnostics: &located,
    };
    let prefix = render::repo_prefix(&scope.root);
    let text = match args.format {
        Format::Human => render::human::render(&report, render::human::use_color()),
        Format::Json => render::json::render(&report)?,
        Format::Sarif => render::sarif::render(&report, &prefix)?,
        Format::Github => render::github::render(&report, &prefix),
    };
    let sarif = match (args.output_sarif, args.format) {
        (Some(f), Format::Sarif) => Some((f, text.clone())),
        (Some(f), _) => Some((f, render::sarif::render(&report, &prefix)?)),
        (None, _) => None,
    };
    let summary = args.summary.or_else(step_summary).map(|f| {
        let blob_url = blob_url();
        let links = render::summary::Links {
            prefix: &prefix,
            blob_url: blob_url.as_deref(),
        };
        let md = render::summary::render(&report, &links);
        (f, md)
    });
    write_files(sarif, summary)?;
    out(&text);
    let code = exit_code(&report, args.deny_warnings);
    // The process ends here: freeing every document one by one would only cost time.
    std::mem::forget((outcome.files, outcome.docs, located));
    Ok(code)
}

fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let format = args.format;
    let text = laid_out(&args.path, args.today, args.config, |r| match format {
        ReportFormat::Html => Ok(render::report::html::render(r)),
        ReportFormat::Markdown => Ok(render::report::markdown::render(r)),
        ReportFormat::Json => render::report::json::render(r),
    })?;
    match args.output {
        Some(file) => output::replace(&file, &text, Output::Report)?,
        None => out(&text),
    }
    Ok(ExitCode::SUCCESS)
}

fn who(args: WhoArgs) -> anyhow::Result<ExitCode> {
    let text = laid_out(&args.path, args.today, args.config, |r| {
        let color = render::human::use_color();
        render::report::terminal::who(r, &args.service, color)
    })?;
    out(&text);
    Ok(ExitCode::SUCCESS)
}

fn suppressions(args: SuppressionsArgs) -> anyhow::Result<ExitCode> {
    let today = resolve_today(args.today)?;
    if let (Some(target), Some(service)) = (args.emit, &args.service) {
        let gov = suppress::load_governance(&args.governance, today)?;
        suppress::Select::new(Some(service.clone()), None, &gov.routes)?;
        out(&suppress::emit::emit(&gov.backing, service, target));
        return Ok(ExitCode::SUCCESS);
    }
    // Listing the application's files needs nothing from the governance repository: it
    // runs while that is checked.
    let (gov, walked) = rayon::join(
        || suppress::load_governance(&args.governance, today),
        || suppress::walk_paths(&args.paths),
    );
    let gov = gov?;
    let select = suppress::Select::new(args.service, args.repository, &gov.routes)?;
    let mut audit = suppress::audit(walked?, &gov, &select)?;
    let located = locate::locate(&audit.files, std::mem::take(&mut audit.diagnostics));
    let report = Report {
        files: &audit.files,
        documents: audit.entries,
        diagnostics: &located,
    };
    // Code hosts name files from the repository root.
    let needs_root =
        matches!(args.format, Format::Sarif | Format::Github) || args.output_sarif.is_some();
    let from_root = if needs_root {
        audit.files_from_repo_root()
    } else {
        Vec::new()
    };
    let rooted = Report {
        files: &from_root,
        ..report
    };
    let text = match args.format {
        Format::Human => render::human::render(&report, render::human::use_color()),
        Format::Json => render::json::render(&report)?,
        Format::Sarif => render::sarif::render(&rooted, "")?,
        Format::Github => render::github::render(&rooted, ""),
    };
    let sarif = match args.output_sarif {
        Some(f) => Some((f, render::sarif::render(&rooted, "")?)),
        None => None,
    };
    write_files(sarif, None)?;
    out(&text);
    let code = exit_code(&report, args.deny_warnings);
    // As for check: freeing the governance documents one by one would only cost time.
    std::mem::forget((gov, audit, located, from_root));
    Ok(code)
}

fn findings(args: FindingsArgs) -> anyhow::Result<ExitCode> {
    let opts = foureyes::findings::Options {
        reports: args.reports,
        governance: args.governance,
        service: args.service,
        repository: args.repository,
        today: resolve_today(args.today)?,
        kev_catalog: args.kev_catalog,
    };
    let mut outcome = foureyes::findings::run(&opts)?;
    if let Some(dir) = args.write_records {
        let untracked = outcome.untracked();
        // Beside the report on stdout, which stays parseable.
        for line in
            foureyes::findings::records::write(&dir, &outcome.service, &untracked, opts.today)?
        {
            eprintln!("{}", render::human::clean(&line));
        }
    }
    let located = locate::locate(&outcome.files, std::mem::take(&mut outcome.diagnostics));
    let documents = outcome.findings.len();
    let report = Report {
        files: &outcome.files,
        documents,
        diagnostics: &located,
    };
    let code = exit_code(&report, args.deny_warnings);
    let shown = match args.format {
        Format::Human => render::human::render(&report, render::human::use_color()),
        Format::Json => render::json::render(&report)?,
        Format::Sarif | Format::Github => String::new(),
    };
    // Code hosts name files from the repository root. The files are renamed in
    // place: a copy would hold a second copy of every report's text.
    for (f, p) in outcome.files.iter_mut().zip(&outcome.repo_paths) {
        f.rel.clone_from(p);
    }
    let rooted = Report {
        files: &outcome.files,
        documents,
        diagnostics: &located,
    };
    let text = match args.format {
        Format::Sarif => render::sarif::render(&rooted, "")?,
        Format::Github => render::github::render(&rooted, ""),
        Format::Human | Format::Json => shown,
    };
    let sarif = match args.output_sarif {
        Some(f) => Some((f, render::sarif::render(&rooted, "")?)),
        None => None,
    };
    // Reports are built, not committed: no links into the repository.
    let links = render::summary::Links {
        prefix: "",
        blob_url: None,
    };
    let summary = args
        .summary
        .or_else(step_summary)
        .map(|f| (f, render::summary::render(&rooted, &links)));
    write_files(sarif, summary)?;
    out(&text);
    // The process ends here: freeing a 100 MB report piece by piece would only cost time.
    std::mem::forget((outcome, located));
    Ok(code)
}

fn init(dir: &Path, force: bool, today: Option<String>) -> anyhow::Result<ExitCode> {
    let n = foureyes::init::run(dir, force, resolve_today(today)?)?;
    let dir = dir.display();
    out(&format!(
        "wrote {n} files to {dir}; next: foureyes check {dir}\n"
    ));
    Ok(ExitCode::SUCCESS)
}

fn explain(code: &str) -> anyhow::Result<ExitCode> {
    let r = foureyes::explain::find(code)?;
    out(&format!(
        "{} {} ({})\n\n{}\n",
        r.code.as_str(),
        r.name,
        r.severity.as_str(),
        r.doc.trim_end()
    ));
    Ok(ExitCode::SUCCESS)
}

fn rules() -> anyhow::Result<ExitCode> {
    let listing: String = foureyes::rules::all()
        .map(|r| {
            format!(
                "{}  {:<7}  {}\n",
                r.code.as_str(),
                r.severity.as_str(),
                r.name
            )
        })
        .collect();
    out(&listing);
    Ok(ExitCode::SUCCESS)
}

fn schema(kind: Option<&str>) -> anyhow::Result<ExitCode> {
    match kind {
        Some(k) => {
            let kind = Kind::ALL
                .into_iter()
                .find(|x| x.name().eq_ignore_ascii_case(k))
                .ok_or_else(|| {
                    let all = Kind::ALL.map(Kind::name).join(", ");
                    Error::Usage(format!("unknown kind `{k}`: expected one of {all}"))
                })?;
            out(foureyes::schema::source(kind));
        }
        None => {
            // One JSON object, kind name -> schema, so the output stays valid JSON.
            let all: serde_json::Map<String, serde_json::Value> = Kind::ALL
                .into_iter()
                .map(|k| {
                    (
                        k.name().to_string(),
                        serde_json::from_str(foureyes::schema::source(k)).unwrap_or_default(),
                    )
                })
                .collect();
            let text = serde_json::to_string_pretty(&all).map_err(|source| Error::Serialize {
                what: "the schemas",
                source,
            })?;
            out(&format!("{text}\n"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks the repository PATH belongs to and lays out the report of what it holds.
fn laid_out(
    path: &Path,
    today: Option<String>,
    config: Option<PathBuf>,
    render: impl FnOnce(&foureyes::report::Report) -> foureyes::Result<String>,
) -> Result<String> {
    let today = resolve_today(today)?;
    let scope = Scope::of(path)?;
    let config = Config::for_root(&scope.root, config.as_deref(), None)?;
    foureyes::report::run(&scope.root, &config, today, render)?
}

/// Exit 1 on errors, or on warnings with --deny-warnings.
fn exit_code(report: &Report, deny_warnings: bool) -> ExitCode {
    let failed =
        report.count(Severity::Error) > 0 || (deny_warnings && report.count(Severity::Warning) > 0);
    ExitCode::from(u8::from(failed))
}

/// Writes the SARIF file and the summary (FILE and text), before anything reaches stdout.
fn write_files(sarif: Option<(PathBuf, String)>, summary: Option<(PathBuf, String)>) -> Result<()> {
    output::write(
        sarif.as_ref().map(|(f, s)| (f.as_path(), s.as_str())),
        summary.as_ref().map(|(f, s)| (f.as_path(), s.as_str())),
    )
}

/// Writes to stdout. A reader that closed it early (`| head`) does not change the outcome.
fn out(text: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
}

fn resolve_today(flag: Option<String>) -> Result<Date> {
    let (value, source) = match flag {
        Some(v) => (v, "--today"),
        None => match std::env::var("FOUREYES_TODAY") {
            Ok(v) if !v.is_empty() => (v, "FOUREYES_TODAY"),
            _ => return Ok(Date::today_utc()),
        },
    };
    Date::parse(&value)
        .ok_or_else(|| Error::Usage(format!("{source}: `{value}` is not a date (YYYY-MM-DD)")))
}

/// The step summary file of a GitHub Actions job.
fn step_summary() -> Option<PathBuf> {
    std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Where files of the checked commit can be browsed, when running in GitHub Actions.
fn blob_url() -> Option<String> {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}/",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

// Parsing allocates and frees a small string per scalar on every thread; with glibc's
// malloc that was a fifth of the CPU time (bench/run.sh has the figures).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
