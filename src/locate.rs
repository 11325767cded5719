//! Turns symbolic locations into lines, columns and byte ranges. Only files that have
//! diagnostics are parsed again, this time recording spans; a clean file costs nothing here.

use std::collections::BTreeMap;

use crate::check::SourceFile;
use crate::diagnostic::{Diagnostic, Loc, Related};
use crate::parse::{self, Pos, Span, SpanMap};

/// A byte range in a file's text, with the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: u32,
    pub col: u32,
    pub start: usize,
    pub len: usize,
}

impl Place {
    /// The 1-based line and column just past the place's last character (an exclusive end,
    /// as SARIF regions count it). Trailing blanks and line breaks, which a block node's span
    /// includes, are left out so the region ends where the node visibly does.
    pub fn end(&self, text: &str) -> (u32, u32) {
        let covered = text
            .get(self.start..self.start + self.len)
            .unwrap_or_default()
            .trim_end();
        let (mut line, mut col) = (self.line, self.col);
        let mut chars = covered.chars().peekable();
        while let Some(c) = chars.next() {
            // YAML breaks lines at \n, \r\n and a lone \r.
            let breaks = c == '\n' || (c == '\r' && chars.peek() != Some(&'\n'));
            if breaks {
                line += 1;
                col = 1;
            } else if c != '\r' {
                col += 1;
            }
        }
        (line, col)
    }
}

pub struct Located {
    pub diag: Diagnostic,
    /// None for file-level diagnostics.
    pub place: Option<Place>,
    /// The nodes that explain it (the other party, the first definition), with labels.
    pub related: Vec<RelatedPlace>,
}

pub struct RelatedPlace {
    /// The file the node is in: this diagnostic's, or another.
    pub file: usize,
    /// Its document in that file.
    pub doc: usize,
    pub place: Place,
    pub label: String,
}

/// Character index → byte offset, computed once per file so that many diagnostics in a big
/// file cost no more than a few: ASCII text (most files) needs nothing, other text keeps the
/// byte offset of every 64th character.
struct Offsets<'a> {
    text: &'a str,
    every_64th: Option<Vec<usize>>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let every_64th =
            (!text.is_ascii()).then(|| text.char_indices().step_by(64).map(|(b, _)| b).collect());
        Offsets { text, every_64th }
    }

    fn byte(&self, index: u32) -> usize {
        let index = index as usize;
        let Some(marks) = &self.every_64th else {
            return index.min(self.text.len());
        };
        let Some(&mark) = marks.get(index / 64) else {
            return self.text.len();
        };
        self.text[mark..]
            .char_indices()
            .nth(index % 64)
            .map_or(self.text.len(), |(b, _)| mark + b)
    }

    fn place(&self, span: Span) -> Place {
        let start = self.byte(span.start.index);
        let end = self.byte(span.end.index).max(start);
        Place {
            line: span.start.line,
            col: span.start.col,
            start,
            len: end - start,
        }
    }

    fn point(&self, pos: Pos) -> Place {
        self.place(Span {
            start: pos,
            end: pos,
        })
    }
}

/// Finds the span of `pointer`, or of its nearest ancestor that has one (nodes copied from
/// an alias have no span of their own).
fn lookup(spans: &SpanMap, pointer: &str, key: bool) -> Option<Span> {
    let mut p = pointer;
    let mut exact = true;
    loop {
        if let Some((k, v)) = spans.get(p) {
            return Some(if key && exact { k.unwrap_or(*v) } else { *v });
        }
        let cut = p.rfind('/')?;
        p = &p[..cut];
        exact = false;
    }
}

/// The spans of a file's documents, parsed again for locating.
fn spans_of(file: &SourceFile) -> Vec<SpanMap> {
    parse::parse(&file.text, true)
        .docs
        .into_iter()
        .map(|d| d.spans)
        .collect()
}

fn node_place(
    docs: &[SpanMap],
    offsets: &Offsets,
    doc: usize,
    pointer: &str,
    key: bool,
) -> Option<Place> {
    lookup(docs.get(doc)?, pointer, key).map(|s| offsets.place(s))
}

pub fn locate(files: &[SourceFile], diagnostics: Vec<Diagnostic>) -> Vec<Located> {
    let mut by_file: BTreeMap<usize, Vec<Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        by_file.entry(d.file).or_default().push(d);
    }
    let mut out = Vec::new();
    // Related nodes in other files: (index in `out`, the node), located once all files are.
    let mut elsewhere: BTreeMap<usize, Vec<(usize, Related)>> = BTreeMap::new();
    for (file, diags) in by_file {
        let text = &files[file].text;
        let offsets = Offsets::new(text);
        let needs_spans = diags
            .iter()
            .any(|d| matches!(d.loc, Loc::Node { .. }) || d.related.iter().any(|r| r.file == file));
        let docs = if needs_spans {
            spans_of(&files[file])
        } else {
            Vec::new()
        };
        for mut d in diags {
            let place = match &d.loc {
                Loc::File => None,
                Loc::At(pos) => Some(offsets.point(*pos)),
                Loc::Exact { span, .. } => Some(offsets.place(*span)),
                Loc::Node { doc, pointer, key } => node_place(&docs, &offsets, *doc, pointer, *key),
            };
            let mut related = Vec::new();
            for r in std::mem::take(&mut d.related) {
                if r.file != file {
                    elsewhere
                        .entry(r.file)
                        .or_default()
                        .push((out.len(), r.clone()));
                } else if let Some(place) = node_place(&docs, &offsets, r.doc, &r.pointer, false) {
                    related.push(RelatedPlace {
                        file,
                        doc: r.doc,
                        place,
                        label: r.label.clone(),
                    });
                }
                d.related.push(r);
            }
            out.push(Located {
                diag: d,
                place,
                related,
            });
        }
    }
    for (file, wanted) in elsewhere {
        let Some(source) = files.get(file) else {
            continue;
        };
        let offsets = Offsets::new(&source.text);
        let docs = spans_of(source);
        for (i, r) in wanted {
            if let Some(place) = node_place(&docs, &offsets, r.doc, &r.pointer, false) {
                out[i].related.push(RelatedPlace {
                    file,
                    doc: r.doc,
                    place,
                    label: r.label,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        // By path, not file index: pull-request mode appends files that only the base has.
        let key = |l: &Located| {
            let (line, col) = l.place.map_or((0, 0), |p| (p.line, p.col));
            (files[l.diag.file].rel.as_str(), line, col, l.diag.code)
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.diag.pointer().cmp(&b.diag.pointer()))
            .then_with(|| a.diag.message.cmp(&b.diag.message))
    });
    out
}
