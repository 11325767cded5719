//! Trivy JSON (`trivy … -f json`): `Results[].Vulnerabilities[]`, each with
//! `VulnerabilityID`, `VendorIDs` (advisory ids of the distribution: aliases) and `Severity`
//! (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN).

use super::cursor::{Cursor, R};
use super::{Detected, from_word};

pub fn results(c: &mut Cursor, out: &mut Vec<Detected>) -> R<()> {
    c.array(|c, _| c.object(&["Vulnerabilities"], |c, _| c.array(|c, _| entry(c, out))))
}

fn entry(c: &mut Cursor, out: &mut Vec<Detected>) -> R<()> {
    let (pointer, offset) = (c.pointer(), c.index());
    let (mut id, mut aliases, mut severity) = (None, Vec::new(), None);
    c.object(&["VulnerabilityID", "VendorIDs", "Severity"], |c, k| {
        match k {
            0 => id = Some(c.string()?),
            1 => aliases = c.strings()?,
            _ => severity = c.opt_string()?,
        }
        Ok(())
    })?;
    let id = super::required(id, "VulnerabilityID", &pointer, offset)?;
    let (severity, stated) = from_word("Severity", severity.as_deref());
    out.push(Detected {
        id,
        aliases,
        severity,
        stated,
        kev: false,
        pointer,
        offset,
    });
    Ok(())
}
