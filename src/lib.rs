//! foureyes: a policy-as-code linter for vulnerability-remediation governance.
//!
//! Pipeline: [`check::discover`] → [`parse`] → [`schema`] → [`model`] → [`rules`] →
//! [`locate`] (symbolic locations to lines) → [`render`] (stdout, plus the [`output`] files).

pub mod check;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod init;
pub mod locate;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod rules;
pub mod schema;
