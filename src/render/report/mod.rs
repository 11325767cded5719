//! The report's formats (`foureyes report`, `foureyes who`). Each lays out a
//! [`crate::report::Report`] and decides nothing about it.

pub mod html;
pub mod json;
pub mod markdown;
pub mod terminal;

/// "3 days left", "0 days left", then past the date "expired 5 days ago" / "5 days overdue".
pub fn days(n: i64, past: Past) -> String {
    let count = crate::rules::days(n.saturating_abs());
    match (n >= 0, past) {
        (true, _) => format!("{count} left"),
        (false, Past::Expired) => format!("expired {count} ago"),
        (false, Past::Overdue) => format!("{count} overdue"),
    }
}

#[derive(Clone, Copy)]
pub enum Past {
    Expired,
    Overdue,
}
