//! foureyes: a policy-as-code linter for vulnerability-remediation governance.
//!
//! Pipeline: [`check::discover`] → [`parse`] → [`schema`] → [`model`] → [`rules`] →
//! [`locate`] (symbolic locations to lines) → [`render`] (stdout, plus the [`output`] files).
//! Pull-request mode ([`pr`]) runs the pipeline on the working tree and on a base commit read
//! through [`repo`], and keeps what is new.

mod bounded;
pub mod check;
pub mod codeowners;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod error;
pub mod explain;
pub mod findings;
pub mod init;
pub mod kev;
pub mod locate;
pub mod model;
pub mod output;
pub mod parse;
pub mod pr;
pub mod render;
pub mod repo;
pub mod report;
pub mod rules;
pub mod scanner;
pub mod schema;
pub mod scope;
mod suggest;
pub mod suppress;

pub use error::{Error, Result};
