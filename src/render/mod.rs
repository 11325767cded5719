//! Output formats. Each consumes located diagnostics and decides nothing about them.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod summary;

use std::path::Path;

use crate::check::SourceFile;
use crate::diagnostic::Severity;
use crate::locate::Located;

pub struct Report<'a> {
    pub files: &'a [SourceFile],
    pub documents: usize,
    pub diagnostics: &'a [Located],
}

impl Report<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.diag.severity == severity)
            .count()
    }

    /// The files checked (a file that only the base commit has is named, not checked).
    pub fn checked_files(&self) -> usize {
        self.files.iter().filter(|f| f.checked).count()
    }

    /// The document index to show: only for files holding several YAML documents.
    pub fn document(&self, l: &Located) -> Option<usize> {
        l.diag
            .doc()
            .filter(|_| self.files[l.diag.file].yaml_docs > 1)
    }

    /// "3 files, 12 documents: 1 error, 0 warnings"
    pub fn totals(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}: {}, {}",
            plural(self.checked_files(), "file"),
            plural(self.documents, "document"),
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
        )
    }
}

/// Where the checked PATH sits inside its git work tree, as a prefix ending in `/` ("" at
/// the root, or when PATH is in no repository). Code hosts name files from the repository
/// root, so annotations and SARIF locations must too when PATH is a subfolder.
pub fn repo_prefix(path: &Path) -> String {
    let Ok(abs) = path.canonicalize() else {
        return String::new();
    };
    // A single checked file is reported by its name, so the prefix is its folder's.
    let dir = if abs.is_file() {
        abs.parent().unwrap_or(&abs)
    } else {
        &abs
    };
    let Some(root) = dir.ancestors().find(|a| a.join(".git").exists()) else {
        return String::new();
    };
    let rel = dir.strip_prefix(root).unwrap_or(Path::new(""));
    rel.components()
        .map(|c| format!("{}/", c.as_os_str().to_string_lossy()))
        .collect()
}

/// A relative path as a URI reference: every byte but unreserved characters and `/` is
/// percent-encoded (a `:` in a file name must not read as a URI scheme).
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Pretty JSON (with a final line break) in which no control character from the checked
/// files appears raw: serde_json escapes C0 itself; DEL, C1 and the bidirectional controls,
/// which it leaves as they are, are written as `\uXXXX` escapes too. Structural JSON is
/// ASCII, so these characters can only be inside strings, where the escape means the same.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let s = serde_json::to_string_pretty(value)?;
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        if c != '\n' && human::must_hide(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    Ok(out)
}

/// Joins a hard-wrapped documentation paragraph into one line.
pub fn unwrap_lines(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
