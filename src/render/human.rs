//! The default, human format: miette snippets with labels and a fix hint, then a summary.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::Report;
use crate::diagnostic::Severity;
use crate::locate::Located;

struct Human<'a> {
    located: &'a Located,
    message: String,
    source: Option<NamedSource<String>>,
}

impl fmt::Debug for Human<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Human<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Human<'_> {}

impl miette::Diagnostic for Human<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = &self.located.diag;
        Some(Box::new(format!(
            "{}({})",
            d.code.as_str(),
            d.code.rule().name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.located.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.located.diag.code.rule().help();
        (!help.is_empty()).then(|| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let place = self.located.place?;
        self.source.as_ref()?;
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.located.diag.code.rule().name.to_string()),
            (place.start, place.len),
        );
        let related = self
            .located
            .related
            .iter()
            .map(|(p, label)| LabeledSpan::new_with_span(Some(clean(label)), (p.start, p.len)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// Text from the checked files is untrusted: terminal control sequences never reach the
/// terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

pub fn render(r: &Report, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for l in r.diagnostics {
        let file = &r.files[l.diag.file];
        let mut message = clean(&l.diag.message);
        let source = match l.place {
            Some(_) => {
                let name = match r.document(l) {
                    Some(n) => format!("{} (document {n})", file.rel),
                    None => file.rel.clone(),
                };
                Some(NamedSource::new(clean(&name), clean(&file.text)))
            }
            None => {
                message = format!("{}: {message}", clean(&file.rel));
                None
            }
        };
        let h = Human {
            located: l,
            message,
            source,
        };
        let mut s = String::new();
        if handler.render_report(&mut s, &h).is_err() {
            s = format!("{}: {}\n", l.diag.code.as_str(), h.message);
        }
        out.push_str(&s);
        out.push('\n');
    }
    let (errors, warnings) = (r.count(Severity::Error), r.count(Severity::Warning));
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{}, {}: {}, {}\n",
        plural(r.checked_files(), "file"),
        plural(r.documents, "document"),
        plural(errors, "error"),
        plural(warnings, "warning"),
    ));
    out
}

/// Whether to colour: only on a terminal, and never when NO_COLOR is set.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
