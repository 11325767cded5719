//! The default, human format: miette snippets with labels and a fix hint, then a summary.

use std::collections::HashMap;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::Report;
use crate::diagnostic::Severity;
use crate::locate::{Located, Place};

/// The most a snippet may show around one label: a hostile file's megabyte-long line is not
/// printed once per diagnostic.
const MAX_SNIPPET_BYTES: usize = 16 * 1024;

/// A file's text prepared once for all its diagnostics: cleaned, with its line starts, so
/// that a snippet costs its own lines and not the whole file.
struct Source {
    text: String,
    lines: Vec<usize>,
}

impl Source {
    fn new(text: &str) -> Source {
        let text = clean_source(text);
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source { text, lines }
    }

    /// The byte range of the lines holding `span`, with `before` and `after` lines around it,
    /// and the index of its first line; `None` when that is too much to show.
    fn window(&self, span: &SourceSpan, before: usize, after: usize) -> Option<(usize, usize)> {
        let line_of = |offset: usize| self.lines.partition_point(|&s| s <= offset) - 1;
        let first = line_of(span.offset()).saturating_sub(before);
        let last = line_of(span.offset() + span.len().saturating_sub(1)) + after;
        let start = self.lines[first];
        let end = self.lines.get(last + 1).copied().unwrap_or(self.text.len());
        (end.saturating_sub(start) <= MAX_SNIPPET_BYTES).then_some((first, start))
    }

    fn fits(&self, p: &Place) -> bool {
        self.window(&(p.start, p.len).into(), 1, 1).is_some()
    }
}

/// One diagnostic's view of a file, which miette reads spans through.
struct Snippet<'a> {
    name: String,
    source: &'a Source,
}

impl SourceCode for Snippet<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (first, start) = self
            .source
            .window(span, before, after)
            .ok_or(MietteError::OutOfBounds)?;
        let text = self
            .source
            .text
            .get(start..)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((span.offset() - start).into(), span.len());
        let c = text.read_span(&local, before, after)?;
        // Positions as miette would have computed them on the whole text.
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            SourceSpan::new((c.span().offset() + start).into(), c.span().len()),
            c.line() + first,
            c.column(),
            c.line_count() + first,
        )))
    }
}

struct Human<'a> {
    located: &'a Located,
    message: String,
    source: Option<Snippet<'a>>,
    /// The related nodes in other files, each shown with a snippet of its own.
    elsewhere: Vec<Elsewhere<'a>>,
}

/// A related node in another file: a note under the diagnostic, with its own snippet.
struct Elsewhere<'a> {
    label: String,
    place: Place,
    source: Snippet<'a>,
}

impl fmt::Debug for Elsewhere<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl fmt::Display for Elsewhere<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl std::error::Error for Elsewhere<'_> {}

impl miette::Diagnostic for Elsewhere<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = LabeledSpan::new_primary_with_span(None, (self.place.start, self.place.len));
        Some(Box::new(std::iter::once(span)))
    }
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
            Severity::Error | Severity::Off => miette::Severity::Error,
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
        let file = self.located.diag.file;
        let related = self
            .located
            .related
            .iter()
            .filter(move |r| r.file == file)
            .map(|r| {
                LabeledSpan::new_with_span(Some(clean(&r.label)), (r.place.start, r.place.len))
            });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.elsewhere.is_empty() {
            return None;
        }
        Some(Box::new(
            self.elsewhere.iter().map(|e| e as &dyn miette::Diagnostic),
        ))
    }
}

/// Text from the checked files is untrusted: no control character (terminal escape
/// sequences, line breaks that could forge output) and no bidirectional override reaches
/// the terminal.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if must_hide(c) { '\u{FFFD}' } else { c })
        .collect()
}

pub(super) fn must_hide(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// [`clean`] for a whole file, keeping line breaks, tabs and every byte offset: a
/// replacement has the length of what it replaces. A lone CR is a line break to YAML, and
/// stays one here.
fn clean_source(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => out.push(' '),
            '\r' => out.push('\n'),
            c if must_hide(c) => match c.len_utf8() {
                1 => out.push('?'),
                2 => out.push('\u{BF}'),
                _ => out.push('\u{FFFD}'),
            },
            c => out.push(c),
        }
    }
    out
}

pub fn render(r: &Report, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_show_related_as_nested(true);
    let mut out = String::new();
    let mut sources: HashMap<usize, Source> = HashMap::new();
    for l in r.diagnostics.iter().filter(|l| l.place.is_some()) {
        for f in std::iter::once(l.diag.file).chain(l.related.iter().map(|r| r.file)) {
            sources
                .entry(f)
                .or_insert_with(|| Source::new(&r.files[f].text));
        }
    }
    let snippet_name = |file: usize, doc: Option<usize>| {
        let rel = &r.files[file].rel;
        let name = match doc.filter(|_| r.files[file].yaml_docs > 1) {
            Some(n) => format!("{rel} (document {n})"),
            None => rel.clone(),
        };
        clean(&name)
    };
    for l in r.diagnostics {
        let file = &r.files[l.diag.file];
        let mut message = clean(&l.diag.message);
        let source = sources.get(&l.diag.file).zip(l.place);
        let here = |rel: &&crate::locate::RelatedPlace| rel.file == l.diag.file;
        let source = match source {
            Some((source, place))
                if source.fits(&place)
                    && l.related
                        .iter()
                        .filter(here)
                        .all(|rel| source.fits(&rel.place)) =>
            {
                Some(Snippet {
                    name: snippet_name(l.diag.file, l.diag.doc()),
                    source,
                })
            }
            // A line too long to show: the position alone.
            Some((_, place)) => {
                message = format!(
                    "{}:{}:{}: {message}",
                    clean(&file.rel),
                    place.line,
                    place.col
                );
                None
            }
            None => {
                message = format!("{}: {message}", clean(&file.rel));
                None
            }
        };
        let mut elsewhere = Vec::new();
        for rel in l.related.iter().filter(|rel| rel.file != l.diag.file) {
            match sources.get(&rel.file).filter(|s| s.fits(&rel.place)) {
                Some(source) => elsewhere.push(Elsewhere {
                    label: clean(&rel.label),
                    place: rel.place,
                    source: Snippet {
                        name: snippet_name(rel.file, Some(rel.doc)),
                        source,
                    },
                }),
                None => message.push_str(&format!(
                    " ({}: {}:{}:{})",
                    clean(&rel.label),
                    clean(&r.files[rel.file].rel),
                    rel.place.line,
                    rel.place.col
                )),
            }
        }
        let h = Human {
            located: l,
            message,
            source,
            elsewhere,
        };
        let mut s = String::new();
        if handler.render_report(&mut s, &h).is_err() {
            s = format!("{}: {}\n", l.diag.code.as_str(), h.message);
        }
        out.push_str(&s);
        out.push('\n');
    }
    out.push_str(&r.totals());
    out.push('\n');
    out
}

/// Whether to colour: only on a terminal, and never when NO_COLOR is set.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
