//! The report's formats (`foureyes report`, `foureyes who`). Each lays out a
//! [`crate::report::Report`] and decides nothing about it.

pub mod html;
pub mod json;
pub mod markdown;
pub mod terminal;

/// "3 days left", "0 days left", "5 days overdue": a day count relative to today.
pub fn days(n: i64, past: &str) -> String {
    match n {
        1 => "1 day left".to_string(),
        n if n >= 0 => format!("{n} days left"),
        -1 => format!("1 day {past}"),
        n => format!("{} days {past}", n.unsigned_abs()),
    }
}
