use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use foureyes::check;
use foureyes::config::{self, Config};
use foureyes::date::Date;
use foureyes::diagnostic::Severity;
use foureyes::locate;
use foureyes::model::Kind;
use foureyes::render::{self, Report};
use foureyes::rules::{self, Code};
use foureyes::schema;

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
    Check {
        /// The repository (or one file) to check.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The date to check against (YYYY-MM-DD); default $FOUREYES_TODAY, else today (UTC).
        #[arg(long)]
        today: Option<String>,
        /// Config file; default foureyes.yaml in PATH when it exists.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Explain a rule: what it checks, why, and how to fix it.
    Explain { code: String },
    /// List every rule with its code, default severity and name.
    Rules,
    /// Print the JSON Schema of a kind, or of every kind.
    Schema { kind: Option<String> },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(msg) => {
            // Messages can quote the repository (config keys, paths): no escape sequences.
            eprintln!("foureyes: error: {}", render::human::clean(&msg));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check {
            path,
            format,
            today,
            config,
            deny_warnings,
        } => {
            let today = resolve_today(today)?;
            let config = match config {
                Some(file) => Config::load(&file)?,
                None => {
                    // Repository content: read only as a regular file, never through a
                    // link (it could name /dev/zero or a file outside PATH) nor a FIFO.
                    let default = path.join(config::FILE_NAME);
                    match std::fs::symlink_metadata(&default) {
                        Ok(m) if m.is_file() => Config::load(&default)?,
                        Ok(_) => {
                            return Err(format!(
                                "{}: not a regular file (links are not followed)",
                                default.display()
                            ));
                        }
                        Err(_) => Config::default(),
                    }
                }
            };
            let outcome = check::run(&path, &config, today)?;
            let located = locate::locate(&outcome.files, outcome.diagnostics);
            let report = Report {
                files: &outcome.files,
                documents: outcome.documents,
                diagnostics: &located,
            };
            let text = match format {
                Format::Human => render::human::render(&report, render::human::use_color()),
                Format::Json => render::json::render(&report),
            };
            print!("{text}");
            let failed = report.count(Severity::Error) > 0
                || (deny_warnings && report.count(Severity::Warning) > 0);
            Ok(ExitCode::from(u8::from(failed)))
        }
        Command::Explain { code } => {
            let c = Code::parse(&code)
                .ok_or_else(|| format!("unknown rule `{code}`; `foureyes rules` lists them"))?;
            let r = c.rule();
            println!(
                "{} {} ({})\n\n{}",
                c.as_str(),
                r.name,
                r.severity.as_str(),
                r.doc.trim_end()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules => {
            for r in rules::all() {
                println!(
                    "{}  {:<7}  {}",
                    r.code.as_str(),
                    r.severity.as_str(),
                    r.name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { kind } => {
            match kind {
                Some(k) => {
                    let kind = Kind::ALL
                        .into_iter()
                        .find(|x| x.name().eq_ignore_ascii_case(&k))
                        .ok_or_else(|| format!("unknown kind `{k}`: expected one of People, Team, OwnershipMap, SlaPolicy, Exception, Remediation"))?;
                    print!("{}", schema::source(kind));
                }
                None => {
                    // One JSON object, kind name -> schema, so the output stays valid JSON.
                    let all: serde_json::Map<String, serde_json::Value> = Kind::ALL
                        .into_iter()
                        .map(|k| {
                            (
                                k.name().to_string(),
                                serde_json::from_str(schema::source(k)).unwrap_or_default(),
                            )
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn resolve_today(flag: Option<String>) -> Result<Date, String> {
    let (value, source) = match flag {
        Some(v) => (v, "--today"),
        None => match std::env::var("FOUREYES_TODAY") {
            Ok(v) if !v.is_empty() => (v, "FOUREYES_TODAY"),
            _ => return Ok(Date::today_utc()),
        },
    };
    Date::parse(&value).ok_or_else(|| format!("{source}: `{value}` is not a date (YYYY-MM-DD)"))
}
