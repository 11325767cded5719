//! Why a command cannot run. Each error is one line, printed after `foureyes: error: ` with
//! exit 2; diagnostics about the checked files are not errors (they are reported).
//!
//! An error's `Display` is the whole line: where a cause (an I/O, git or JSON error) is kept
//! as its `source`, its text is already in that line, so print the top level only.

use std::fmt;
use std::io;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input cannot be read: missing, not permitted, a folder that cannot be listed.
    #[error("{}: {source}", .input.unreadable())]
    Read {
        input: Input,
        #[source]
        source: io::Error,
    },

    /// An input was found or read but cannot be used: not a regular file, too large, not
    /// text, not the shape it must have.
    #[error("{input}: {reason}")]
    Invalid { input: Input, reason: String },

    /// As [`Error::Invalid`], at a line and column of the input.
    #[error("{input}:{line}:{col}: {reason}")]
    InvalidAt {
        input: Input,
        line: u32,
        col: u32,
        reason: String,
    },

    /// The governance repository cannot be checked.
    #[error("governance repository {path}: {source}")]
    Governance {
        path: PathBuf,
        #[source]
        source: Box<Error>,
    },

    /// An output file or folder cannot be written.
    #[error("{}: {source}", .output.unwritable(.path))]
    Write {
        output: Output,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// `init`: what is already at the destination would stop the writing halfway or be lost
    /// (a file where a folder goes, a folder where a file goes, files only --force replaces).
    #[error("{0}")]
    Occupied(String),

    /// A git repository, or the revision `--base` names, cannot be read or used.
    #[error("{message}")]
    Git {
        message: String,
        #[source]
        source: Option<git2::Error>,
    },

    /// `--base` needs the checked path to be in a git work tree.
    #[error("--base needs a git work tree: {0}")]
    NoWorkTree(#[source] Box<Error>),

    /// An argument names nothing there is (a service, a rule, a kind), or is malformed (a
    /// date, OWNER/NAME), or more of them are needed (which service a path belongs to).
    #[error("{0}")]
    Usage(String),

    /// An output cannot be serialized.
    #[error("cannot write {what}: {source}")]
    Serialize {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

/// An input, as messages name it.
#[derive(Debug)]
pub enum Input {
    /// A path given or found: a repository, a folder, a suppression file.
    Path(PathBuf),
    /// A config file, named by where it comes from (a path, or a file of the base commit).
    Config(String),
    /// A CISA KEV catalog.
    Kev(PathBuf),
    /// A scanner report, named as given.
    Report(String),
    /// The governance repository of `suppressions` and `findings`.
    Governance(PathBuf),
}

impl Input {
    /// The words before the I/O error of [`Error::Read`].
    fn unreadable(&self) -> String {
        match self {
            Input::Path(p) => format!("cannot read {}", p.display()),
            Input::Config(name) => format!("cannot read {name}"),
            Input::Kev(p) => format!("KEV catalog {}: cannot read it", p.display()),
            Input::Report(name) => format!("{name}: cannot read"),
            Input::Governance(p) => format!("governance repository {}", p.display()),
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Input::Path(p) => write!(f, "{}", p.display()),
            Input::Config(name) | Input::Report(name) => f.write_str(name),
            Input::Kev(p) => write!(f, "KEV catalog {}", p.display()),
            Input::Governance(p) => write!(f, "governance repository {}", p.display()),
        }
    }
}

/// What is written, as messages name it.
#[derive(Debug, Clone, Copy)]
pub enum Output {
    /// `--output-sarif`.
    Sarif,
    /// `--summary` (or the step summary).
    Summary,
    /// `report --output`.
    Report,
    /// A file of `init` or `--write-records`.
    File,
    /// The folder of `--write-records`.
    Folder,
}

impl Output {
    /// The words before the I/O error of [`Error::Write`].
    fn unwritable(self, path: &std::path::Path) -> String {
        let path = path.display();
        match self {
            Output::Sarif => format!("cannot write SARIF to {path}"),
            Output::Summary => format!("cannot write the summary to {path}"),
            Output::Report => format!("cannot write the report to {path}"),
            Output::File => format!("cannot write {path}"),
            Output::Folder => format!("cannot create {path}"),
        }
    }
}
