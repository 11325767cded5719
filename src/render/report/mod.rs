//! The report's formats (`foureyes report`, `foureyes who`). Each lays out a
//! [`crate::report::Report`] and decides nothing about it.

pub mod html;
pub mod json;
pub mod markdown;
pub mod terminal;

/// "3 days left", "0 days left", then past the date "expired 5 days ago" / "5 days overdue".
pub fn days(n: i64, past: Past) -> String {
    let d = |n: u64| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    match (n, past) {
        (n, _) if n >= 0 => format!("{} left", d(n.unsigned_abs())),
        (n, Past::Expired) => format!("expired {} ago", d(n.unsigned_abs())),
        (n, Past::Overdue) => format!("{} overdue", d(n.unsigned_abs())),
    }
}

#[derive(Clone, Copy)]
pub enum Past {
    Expired,
    Overdue,
}
