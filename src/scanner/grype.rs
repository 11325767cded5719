//! Grype JSON (`grype … -o json`): `matches[]`, each with `vulnerability.id`,
//! `vulnerability.severity` (Critical, High, Medium, Low, Negligible, Unknown),
//! `relatedVulnerabilities[].id` (aliases) and `knownExploited` (CISA KEV entries) on the
//! vulnerability or a related one.

use super::cursor::{Cursor, R};
use super::{Detected, from_word};

pub fn matches(c: &mut Cursor, out: &mut Vec<Detected>) -> R<()> {
    c.array(|c, _| entry(c, out))
}

/// What a vulnerability record says: its id, severity and whether it lists KEV entries.
#[derive(Default)]
struct Record {
    id: Option<String>,
    severity: Option<String>,
    kev: bool,
}

fn record(c: &mut Cursor) -> R<Record> {
    let mut r = Record::default();
    c.object(&["id", "severity", "knownExploited"], |c, k| {
        match k {
            0 => r.id = Some(c.string()?),
            1 => r.severity = c.opt_string()?,
            _ => {
                let mut n = 0;
                c.array(|c, _| {
                    n += 1;
                    c.skip()
                })?;
                r.kev = n > 0;
            }
        }
        Ok(())
    })?;
    Ok(r)
}

fn entry(c: &mut Cursor, out: &mut Vec<Detected>) -> R<()> {
    let (pointer, offset) = (c.pointer(), c.index());
    let mut vulnerability = Record::default();
    let mut related = Vec::new();
    c.object(&["vulnerability", "relatedVulnerabilities"], |c, k| {
        if k == 0 {
            vulnerability = record(c)?;
            Ok(())
        } else {
            c.array(|c, _| {
                related.push(record(c)?);
                Ok(())
            })
        }
    })?;
    let id = super::required(vulnerability.id, "vulnerability.id", &pointer, offset)?;
    let kev = vulnerability.kev || related.iter().any(|r| r.kev);
    let aliases = related.into_iter().filter_map(|r| r.id).collect();
    let (severity, stated) = from_word("severity", vulnerability.severity.as_deref());
    out.push(Detected {
        id,
        aliases,
        severity,
        stated,
        kev,
        pointer,
        offset,
    });
    Ok(())
}
