//! Output formats. Each consumes located diagnostics and decides nothing about them.

pub mod human;
pub mod json;

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
}
