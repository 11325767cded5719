//! Points in time, for the expiry dates of scanner ignores. Scanners compare an ignore's
//! expiry with the current instant, so a date means 00:00 UTC of that day and a timestamp
//! means the instant it names.

use crate::date::Date;

/// An instant in UTC, to the nanosecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    secs: i64,
    nanos: u32,
}

impl Instant {
    /// 00:00 UTC of `date`.
    pub fn midnight(date: Date) -> Instant {
        Instant {
            secs: date.0.saturating_mul(86_400),
            nanos: 0,
        }
    }

    /// `YYYY-MM-DD`, or an RFC 3339 timestamp (`T`, `t` or a space before the time; seconds
    /// and fraction optional; `Z` or `±HH:MM`, none meaning UTC).
    pub fn parse(s: &str) -> Option<Instant> {
        let s = s.trim();
        let date = Date::parse(s.get(..10)?)?;
        let rest = &s[10..];
        if rest.is_empty() {
            return Some(Instant::midnight(date));
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?.trim_start_matches(' ');
        let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
            Some(i) => (rest[..i].trim_end(), Some(&rest[i..])),
            None => (rest, None),
        };
        let (hms, fraction) = match clock.split_once('.') {
            Some((hms, f)) => (hms, Some(f)),
            None => (clock, None),
        };
        let mut parts = hms.split(':');
        let hour = two_digits(parts.next()?, 23)?;
        let minute = two_digits(parts.next()?, 59)?;
        // A leap second reads as the last second of its minute.
        let second = parts.next().map_or(Some(0), |s| two_digits(s, 60))?.min(59);
        if parts.next().is_some() {
            return None;
        }
        let nanos = match fraction {
            None => 0,
            Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
                let digits: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
                digits.parse().ok()?
            }
            Some(_) => return None,
        };
        let offset_secs = match offset {
            None | Some("Z" | "z") => 0,
            Some(o) => {
                let sign = if o.starts_with('-') { -1 } else { 1 };
                let o = &o[1..];
                let (h, m) = match o.split_once(':') {
                    Some((h, m)) => (h, m),
                    None if o.len() == 4 => (o.get(..2)?, o.get(2..)?),
                    None => (o, "00"),
                };
                // YAML timestamps may write the hour of an offset with one digit (`-5`).
                let h = if h.len() == 1 {
                    format!("0{h}")
                } else {
                    h.to_string()
                };
                sign * (two_digits(&h, 23)? * 3600 + two_digits(m, 59)? * 60)
            }
        };
        let secs = Instant::midnight(date).secs + hour * 3600 + minute * 60 + second - offset_secs;
        Some(Instant { secs, nanos })
    }

    /// A TOML date or date-time (a local one is read as UTC); a bare time is no instant.
    pub fn from_toml(dt: &toml::value::Datetime) -> Option<Instant> {
        let d = dt.date?;
        let date = Date::parse(&format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))?;
        let Some(t) = dt.time else {
            return Some(Instant::midnight(date));
        };
        let offset = match dt.offset {
            None | Some(toml::value::Offset::Z) => 0,
            Some(toml::value::Offset::Custom { minutes }) => i64::from(minutes) * 60,
        };
        let secs = Instant::midnight(date).secs
            + i64::from(t.hour) * 3600
            + i64::from(t.minute) * 60
            + i64::from(t.second.unwrap_or(0).min(59))
            - offset;
        Some(Instant {
            secs,
            nanos: t.nanosecond.unwrap_or(0),
        })
    }
}

fn two_digits(s: &str, max: i64) -> Option<i64> {
    let n = (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<i64>().ok())
        .flatten()?;
    (n <= max).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Instant {
        Instant::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn dates_and_timestamps() {
        let day = Instant::midnight(Date::parse("2026-12-02").unwrap());
        assert_eq!(at("2026-12-02"), day);
        assert_eq!(at("2026-12-02T00:00:00Z"), day);
        assert_eq!(at("2026-12-02T00:00:00.000Z"), day);
        assert_eq!(at("2026-12-02 00:00:00"), day);
        assert_eq!(at("2026-12-02t01:00:00+01:00"), day);
        assert_eq!(at("2026-12-01T23:00:00-01:00"), day);
        assert_eq!(at("2026-12-01T19:00-0500"), day);
        assert_eq!(at("2026-12-01 19:00:00.0 -5"), day);
        assert!(at("2026-12-02T00:00:00.001Z") > day);
        assert!(at("2026-12-01T23:59:59.999999999Z") < day);
        for bad in [
            "2026-12-2",
            "2026-13-01",
            "2026-12-02T24:00",
            "2026-12-02T10",
            "2026-12-02X",
            "2026-12-02T10:00:00.Z",
            "",
            "é",
        ] {
            assert_eq!(Instant::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn toml_values() {
        let v: toml::Table = toml::from_str(
            "a = 2026-12-02\nb = 2026-12-02T01:00:00+01:00\nc = 2026-12-02T00:00:00\nd = 10:00:00\n",
        )
        .unwrap();
        let day = Instant::midnight(Date::parse("2026-12-02").unwrap());
        let get = |k: &str| Instant::from_toml(v[k].as_datetime().unwrap());
        assert_eq!(get("a"), Some(day));
        assert_eq!(get("b"), Some(day));
        assert_eq!(get("c"), Some(day));
        assert_eq!(get("d"), None);
    }
}
