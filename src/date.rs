//! Calendar dates as days since 1970-01-01 (proleptic Gregorian, UTC).

use std::fmt;

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

impl Date {
    /// Parses exactly `YYYY-MM-DD` with a real month and day.
    pub fn parse(s: &str) -> Option<Date> {
        let (y, m, d) = fields(s)?;
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date(secs.div_euclid(86_400))
    }

    /// The date `days` later, or None past the end of `i64` days (never for the dates and
    /// day counts a document can hold: years 0000–9999, counts up to 36500).
    pub fn plus(self, days: i64) -> Option<Date> {
        self.0.checked_add(days).map(Date)
    }

    /// Days from `earlier` to `self` (negative when `earlier` is later), saturating: two
    /// dates of documents are at most 3.7 million days apart, so it never does.
    pub fn days_since(self, earlier: Date) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Why `s` is not a date, with the form to write, for S001.
    pub(crate) fn problem(s: &str) -> String {
        if let Some((y, m, d)) = fields(s) {
            if !(1..=12).contains(&m) {
                return format!("`{s}` is not a date: there is no month {m}");
            }
            let last = days_in_month(y, m);
            if d < 1 || d > last {
                return format!("`{s}` is not a date: {y:04}-{m:02} has {last} days");
            }
        }
        let example = loose(s).map_or_else(|| "2026-01-31".to_string(), |d| d.to_string());
        format!("`{s}` is not a date: write YYYY-MM-DD, e.g. {example}")
    }
}

/// Year, month and day of text shaped `YYYY-MM-DD` (any numbers).
fn fields(s: &str) -> Option<(i64, i64, i64)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    Some((num(0..4)?, num(5..7)?, num(8..10)?))
}

/// A date written loosely: `2026-1-5`, or a date and a time (`2026-01-05T10:00Z`).
fn loose(s: &str) -> Option<Date> {
    let day = s.split(['T', 't', ' ']).next()?;
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits =
        |p: &str, n: usize| (1..=n).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(y, 4) || y.len() != 4 || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    Date::parse(&format!("{y}-{m:0>2}-{d:0>2}"))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-from-days algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom("not a date"))
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn round_trip_and_validation() {
        for s in [
            "1970-01-01",
            "2024-02-29",
            "2026-11-23",
            "2000-12-31",
            "1900-03-01",
        ] {
            assert_eq!(Date::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Date::parse("1970-01-02"), Some(Date(1)));
        assert_eq!(
            Date::parse("0000-01-01").map(|d| d.to_string()).as_deref(),
            Some("0000-01-01")
        );
        assert_eq!(
            Date::parse("9999-12-31").map(|d| d.to_string()).as_deref(),
            Some("9999-12-31")
        );
        for bad in [
            "2026-13-45",
            "2025-02-29",
            "2026-1-01",
            "2026-11-01T00",
            "+026-11-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn problems_show_the_form_with_the_date_meant() {
        let p = Date::problem;
        assert_eq!(
            p("2026-1-5"),
            "`2026-1-5` is not a date: write YYYY-MM-DD, e.g. 2026-01-05"
        );
        assert_eq!(
            p("2026-11-05T10:00:00Z"),
            "`2026-11-05T10:00:00Z` is not a date: write YYYY-MM-DD, e.g. 2026-11-05"
        );
        assert_eq!(
            p("2026-13-05"),
            "`2026-13-05` is not a date: there is no month 13"
        );
        assert_eq!(
            p("2025-02-29"),
            "`2025-02-29` is not a date: 2025-02 has 28 days"
        );
        assert_eq!(
            p("05/11/2026"),
            "`05/11/2026` is not a date: write YYYY-MM-DD, e.g. 2026-01-31"
        );
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Date(i64::MAX).plus(1), None);
        assert_eq!(Date(i64::MIN).days_since(Date(1)), i64::MIN);
        let d = Date::parse("2026-11-15").unwrap();
        assert_eq!(d.plus(16).unwrap().to_string(), "2026-12-01");
        assert_eq!(d.plus(16).unwrap().days_since(d), 16);
    }
}
