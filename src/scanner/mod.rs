//! Scanner reports: SARIF 2.1.0, Trivy, Grype and OSV-Scanner JSON, recognised by content.
//!
//! A report is read in one pass with a pull parser ([`cursor`]); each format module visits
//! the members it needs and skips the rest, so a 100 MB report costs about its own size in
//! memory. Each finding keeps the byte offset of its entry; lines and columns are computed
//! afterwards, only for the findings that are reported ([`positions`]).

mod cursor;
mod grype;
mod osv;
mod sarif;
mod trivy;

use std::path::Path;

use crate::error::{Error, Input, Result};
use crate::model::Level4;
use crate::parse::Pos;
use cursor::{Cursor, JsonError};

/// The largest report read; a larger one is refused before reading.
pub const MAX_REPORT_BYTES: u64 = 512 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Sarif,
    Trivy,
    Grype,
    Osv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Sarif => "SARIF",
            Format::Trivy => "Trivy",
            Format::Grype => "Grype",
            Format::Osv => "OSV-Scanner",
        }
    }
}

/// One finding as a report states it, at its entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    pub id: String,
    pub aliases: Vec<String>,
    pub severity: Level4,
    /// The report's own words for the severity ("CRITICAL", "security-severity 9.8"),
    /// for messages.
    pub stated: String,
    /// The report says it is known to be exploited.
    pub kev: bool,
    /// The JSON pointer of the finding's entry.
    pub pointer: String,
    /// The byte offset of the entry's first character.
    pub offset: usize,
}

pub struct Report {
    pub format: Format,
    pub findings: Vec<Detected>,
}

/// A severity word of the field `field`: unknown (or none) counts as high, negligible as
/// low.
fn from_word(field: &str, word: Option<&str>) -> (Level4, String) {
    let Some(w) = word else {
        return (Level4::High, format!("no {field}"));
    };
    let level = match w.to_ascii_lowercase().as_str() {
        "critical" => Level4::Critical,
        "medium" | "moderate" => Level4::Medium,
        "low" | "negligible" => Level4::Low,
        _ => Level4::High,
    };
    let shown: String = w.chars().take(40).collect();
    (level, format!("{field} {shown}"))
}

/// A CVSS score: ≥ 9.0 critical, ≥ 7.0 high, ≥ 4.0 medium, else low.
fn from_score(score: f64) -> Level4 {
    if score >= 9.0 {
        Level4::Critical
    } else if score >= 7.0 {
        Level4::High
    } else if score >= 4.0 {
        Level4::Medium
    } else {
        Level4::Low
    }
}

const NOT_A_REPORT: &str = "not a SARIF 2.1.0, Trivy, Grype or OSV-Scanner JSON report";

/// Recognises and reads a report's text.
pub fn parse(text: &str) -> Result<Report, JsonError> {
    let mut c = Cursor::new(text.as_bytes());
    if c.peek()? != jiter::Peek::Object {
        // Invalid JSON is said as such first.
        c.skip()?;
        c.finish()?;
        return Err(top(format!(
            "{NOT_A_REPORT} (the top level is not an object)"
        )));
    }
    let (mut version, mut runs, mut trivy, mut grype, mut osv) = (None, None, None, None, None);
    c.object(
        &["version", "runs", "Results", "matches", "results"],
        |c, k| {
            let found = match k {
                0 => {
                    version = Some(if c.peek()? == jiter::Peek::String {
                        c.string()?
                    } else {
                        c.skip()?;
                        String::new()
                    });
                    return Ok(());
                }
                1 => &mut runs,
                2 => &mut trivy,
                3 => &mut grype,
                _ => &mut osv,
            };
            let mut out = Vec::new();
            match k {
                1 => sarif::runs(c, &mut out)?,
                2 => trivy::results(c, &mut out)?,
                3 => grype::matches(c, &mut out)?,
                _ => osv::results(c, &mut out)?,
            }
            found.get_or_insert_with(Vec::new).extend(out);
            Ok(())
        },
    )?;
    c.finish()?;
    let mut formats = Vec::new();
    if let Some(f) = runs {
        match version.as_deref() {
            Some("2.1.0") => formats.push((Format::Sarif, f)),
            Some(v) => {
                let v: String = v.chars().take(40).collect();
                return Err(top(format!(
                    "SARIF version `{v}` is not supported (foureyes reads 2.1.0)"
                )));
            }
            None => return Err(top("SARIF without `version`".into())),
        }
    }
    for (format, f) in [
        (Format::Trivy, trivy),
        (Format::Grype, grype),
        (Format::Osv, osv),
    ] {
        if let Some(f) = f {
            formats.push((format, f));
        }
    }
    match formats.len() {
        0 => Err(top(format!(
            "{NOT_A_REPORT} (no `runs`, `Results`, `matches` or `results`)"
        ))),
        1 => {
            let (format, findings) = formats.remove(0);
            Ok(Report { format, findings })
        }
        _ => {
            let names: Vec<&str> = formats.iter().map(|(f, _)| f.name()).collect();
            Err(top(format!(
                "the report looks like more than one format ({}): foureyes cannot tell which",
                names.join(", ")
            )))
        }
    }
}

/// A finding entry must name its id: skipping one would hide a finding.
fn missing(what: &str, pointer: &str, offset: usize) -> JsonError {
    JsonError {
        index: offset,
        pointer: pointer.to_string(),
        message: format!("a finding without `{what}`"),
    }
}

fn required(
    id: Option<String>,
    what: &str,
    pointer: &str,
    offset: usize,
) -> Result<String, JsonError> {
    match id {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(missing(what, pointer, offset)),
    }
}

fn top(message: String) -> JsonError {
    JsonError {
        index: 0,
        pointer: String::new(),
        message,
    }
}

/// Reads a report file: its text (for locations) and its findings. Every error is one line
/// that names the file.
pub fn read_file(path: &Path, name: &str) -> Result<(String, Report)> {
    let input = || Input::Report(name.to_string());
    let fail = |reason: String| Error::Invalid {
        input: input(),
        reason,
    };
    let cannot = |source| Error::Read {
        input: input(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    // Only a regular file: opening a FIFO would wait for a writer.
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let too_big = || {
        fail(format!(
            "larger than {} MiB, the limit for a report",
            MAX_REPORT_BYTES >> 20
        ))
    };
    let mut bytes = crate::bounded::read(path, MAX_REPORT_BYTES)
        .map_err(cannot)?
        .ok_or_else(too_big)?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        fail(format!("not UTF-8 text (invalid byte at offset {at})"))
    })?;
    match parse(&text) {
        Ok(report) => Ok((text, report)),
        Err(e) => {
            let pos = positions(&text, &[e.index])[0];
            let at = if e.pointer.is_empty() {
                String::new()
            } else {
                format!(" (at {})", e.pointer)
            };
            Err(Error::InvalidAt {
                input: input(),
                line: pos.line,
                col: pos.col,
                reason: format!("{}{at}", e.message),
            })
        }
    }
}

/// The line, column and character index of each byte offset, in one pass over the text.
/// Lines break at `\n`, `\r\n` and a lone `\r`, as everywhere in foureyes; columns count
/// characters.
pub fn positions(text: &str, offsets: &[usize]) -> Vec<Pos> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let bytes = text.as_bytes();
    let mut out = vec![Pos::default(); offsets.len()];
    let (mut at, mut line, mut line_start_chars, mut chars) = (0usize, 1u32, 0u32, 0u32);
    for i in order {
        let target = offsets[i].min(bytes.len());
        while at < target {
            let b = bytes[at];
            let breaks = b == b'\n' || (b == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
            // Every byte but a UTF-8 continuation byte starts a character.
            if b & 0xC0 != 0x80 {
                chars += 1;
            }
            at += 1;
            if breaks {
                line += 1;
                line_start_chars = chars;
            }
        }
        out[i] = Pos {
            line,
            col: chars - line_start_chars + 1,
            index: chars,
        };
    }
    out
}

#[cfg(test)]
mod tests;
