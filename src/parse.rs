//! YAML → `serde_json::Value`, driven by saphyr's event parser.
//!
//! We build the value ourselves from saphyr's events instead of loading `MarkedYaml` first:
//! that lets us refuse duplicate keys (P002), bound nesting depth and alias expansion while
//! building (a YAML bomb never gets expanded), and record spans only when asked for them.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan, Tag};
use serde_json::{Map, Number, Value};

/// Safety limits; a file that exceeds one is reported as P004 and not checked further.
pub(crate) const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
pub(crate) const MAX_DEPTH: usize = 64;
pub(crate) const MAX_ALIAS_NODES: usize = 10_000;
pub(crate) const MAX_ALIAS_BYTES: usize = 1 << 20;
/// Copies of anchored nodes kept for aliases, per file; past this an alias is refused.
const MAX_KEPT_NODES: usize = 10 * MAX_ALIAS_NODES;
const MAX_KEPT_BYTES: usize = 8 * MAX_ALIAS_BYTES;
/// How far saphyr may read ahead of the last event, in characters.
const MAX_LOOKAHEAD: usize = 1 << 20;
/// The summed length of all nodes' JSON pointers, which locating diagnostics builds.
const MAX_PATH_BYTES: usize = 16 * MAX_FILE_BYTES as usize;

/// A position in a file: character index (for conversion to bytes), 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
    pub index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl From<YSpan> for Span {
    fn from(s: YSpan) -> Span {
        let p = |m: saphyr_parser::Marker| Pos {
            line: m.line() as u32,
            col: m.col() as u32 + 1,
            index: m.index() as u32,
        };
        Span {
            start: p(s.start),
            end: p(s.end),
        }
    }
}

/// Spans of one document, keyed by JSON pointer: the key's span (for mapping entries) and
/// the value's span.
pub type SpanMap = HashMap<String, (Option<Span>, Span)>;

pub struct Document {
    pub value: Value,
    pub spans: SpanMap,
}

/// A problem found while parsing; positions are exact, so these carry spans, not pointers.
#[derive(Debug)]
pub enum Problem {
    /// P001: not valid YAML (or not text).
    Syntax { pos: Pos, message: String },
    /// P002: the second occurrence of a key in one mapping.
    DuplicateKey {
        doc: usize,
        pointer: String,
        key_span: Span,
    },
    /// P004: a safety limit was exceeded.
    Limit { message: String },
}

pub struct Parsed {
    pub docs: Vec<Document>,
    pub problems: Vec<Problem>,
}

/// Decodes file bytes as YAML text: UTF-8 (BOM stripped) or UTF-16 with a BOM. An error
/// says where the text stops being text.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Result<String, (Pos, String)> {
    let utf16 = |big: bool, rest: &[u8]| -> Result<String, (Pos, String)> {
        if !rest.len().is_multiple_of(2) {
            return Err(syntax_at_start("odd number of bytes in UTF-16 text"));
        }
        let units = rest.chunks_exact(2).map(|c| {
            if big {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| syntax_at_start("invalid UTF-16 text"))
    };
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => {
            bytes.drain(..3);
            utf8(bytes)
        }
        [0xFF, 0xFE, rest @ ..] => utf16(false, rest),
        [0xFE, 0xFF, rest @ ..] => utf16(true, rest),
        _ => utf8(bytes),
    }
}

fn syntax_at_start(message: &str) -> (Pos, String) {
    let start = Pos {
        line: 1,
        col: 1,
        index: 0,
    };
    (start, message.to_string())
}

fn utf8(bytes: Vec<u8>) -> Result<String, (Pos, String)> {
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // valid_up_to is a char boundary, so this prefix is valid UTF-8.
        let text = std::str::from_utf8(good).unwrap_or_default();
        let line = text.matches('\n').count() as u32 + 1;
        let last = text.rsplit('\n').next().unwrap_or("");
        let pos = Pos {
            line,
            col: last.chars().count() as u32 + 1,
            index: text.chars().count() as u32,
        };
        (pos, format!("invalid UTF-8 at byte {}", good.len()))
    })
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        anchor: usize,
        /// The key whose value comes next, with its span.
        key: Option<(String, Span)>,
        /// The pending value belongs to a duplicate key and is dropped.
        skip: bool,
    },
}

/// What copying a node costs: nodes, bytes of text (strings and keys), container depth.
#[derive(Debug, Clone, Copy, Default)]
struct Weight {
    nodes: usize,
    bytes: usize,
    depth: usize,
}

impl Weight {
    fn scalar(v: &Value) -> Weight {
        Weight {
            nodes: 1,
            bytes: v.as_str().map_or(0, str::len),
            depth: 0,
        }
    }

    fn plus(self, w: Weight) -> Weight {
        Weight {
            nodes: self.nodes + w.nodes,
            bytes: self.bytes + w.bytes,
            depth: self.depth.max(w.depth),
        }
    }

    fn within(self, nodes: usize, bytes: usize) -> bool {
        self.nodes <= nodes && self.bytes <= bytes
    }
}

/// An open container: its start, the weight of its children so far, its pointer's length.
struct Open {
    span: Span,
    weight: Weight,
    path_len: usize,
    /// A block collection (with spans): it ends where its last node does, not where saphyr
    /// ends it (at the next node, lines later).
    block: bool,
    /// Where its last node so far ends.
    last_end: Pos,
}

struct Builder<'t> {
    frames: Vec<Frame>,
    /// The open containers, parallel to `frames`.
    open: Vec<Open>,
    /// Anchored nodes with their weights; no copy is kept of one that no alias could copy
    /// within the limits (so anchoring itself cannot multiply memory).
    anchors: HashMap<usize, (Option<Value>, Weight)>,
    /// What aliases have copied so far in this file.
    copied: Weight,
    /// What the copies kept for anchors hold so far in this file.
    kept: Weight,
    /// The summed length of every node's JSON pointer: what recording spans costs.
    path_bytes: usize,
    /// With spans, the text, to find where saphyr's positions differ from the node's start.
    spans_of: Option<Text<'t>>,
    spans: SpanMap,
    /// Where the previous event ended.
    last_end: Pos,
    root: Option<Value>,
    docs: Vec<Document>,
    problems: Vec<Problem>,
}

fn too_deep() -> String {
    format!("nesting deeper than {MAX_DEPTH} levels")
}

/// What building does after an event.
enum Step {
    Go,
    /// A syntax error: stop, keeping the documents so far.
    Stop,
    /// A limit was exceeded (P004): stop, dropping every document.
    Limit(String),
}

/// Parses every document in `text`. With `with_spans`, records a span for each node.
pub fn parse(text: &str, with_spans: bool) -> Parsed {
    let mut b = Builder {
        frames: Vec::new(),
        open: Vec::new(),
        anchors: HashMap::new(),
        copied: Weight::default(),
        kept: Weight::default(),
        path_bytes: 0,
        spans_of: with_spans.then(|| Text::new(text)),
        spans: SpanMap::new(),
        last_end: Pos::default(),
        root: None,
        docs: Vec::new(),
        problems: Vec::new(),
    };
    let (limit, cut) = (Cell::new(MAX_LOOKAHEAD), Cell::new(false));
    let feed = Feed {
        chars: text.chars(),
        read: 0,
        limit: &limit,
        cut: &cut,
    };
    let mut parser = Parser::new_from_iter(feed);
    while let Some(event) = parser.next_event() {
        if cut.get() {
            return b.limit(too_far());
        }
        let step = match event {
            Ok((event, span)) => {
                limit.set(span.end.index() + MAX_LOOKAHEAD);
                b.event(event, Span::from(span))
            }
            // saphyr scans a flow collection to its end before emitting it and stops at 255
            // levels: that is deep nesting, our limit, not a syntax error.
            Err(e) if e.info() == "recursion limit exceeded" => Step::Limit(too_deep()),
            Err(e) => {
                let m = e.marker();
                let pos = Pos {
                    line: m.line() as u32,
                    col: m.col() as u32 + 1,
                    index: m.index() as u32,
                };
                b.syntax(pos, e.info())
            }
        };
        match step {
            Step::Go => {}
            Step::Stop => break,
            Step::Limit(message) => return b.limit(message),
        }
    }
    if cut.get() {
        return b.limit(too_far());
    }
    Parsed {
        docs: b.docs,
        problems: b.problems,
    }
}

impl Builder<'_> {
    fn syntax(&mut self, pos: Pos, message: &str) -> Step {
        let message = message.to_string();
        self.problems.push(Problem::Syntax { pos, message });
        Step::Stop
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Step {
        let last_end = std::mem::replace(&mut self.last_end, span.end);
        let done = match event {
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.root = None;
                return Step::Go;
            }
            Event::DocumentEnd => {
                self.docs.push(Document {
                    value: self.root.take().unwrap_or(Value::Null),
                    spans: std::mem::take(&mut self.spans),
                });
                return Step::Go;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let v = scalar(text, style, tag.as_deref());
                let w = Weight::scalar(&v);
                if anchor > 0 {
                    self.keep(anchor, &v, w);
                }
                let span = match (&mut self.spans_of, style) {
                    (Some(t), ScalarStyle::Literal | ScalarStyle::Folded) => Span {
                        start: t.block_scalar_start(last_end, span),
                        end: span.end,
                    },
                    _ => span,
                };
                (v, span, w)
            }
            Event::Alias(id) => match self.alias(id) {
                Ok(Some((v, w))) => (v, span, w),
                Ok(None) => return self.syntax(span.start, "unknown alias"),
                Err(message) => return Step::Limit(message),
            },
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let seq = matches!(event, Event::SequenceStart(..));
                // Only a mapping's value can be a block sequence not indented under its key.
                let in_map = matches!(self.frames.last(), Some(Frame::Map { .. }));
                let span = match &mut self.spans_of {
                    Some(t) if seq && in_map => Span {
                        start: t.sequence_start(span.start),
                        end: span.end,
                    },
                    _ => span,
                };
                let block = self
                    .spans_of
                    .as_mut()
                    .is_some_and(|t| !t.is_flow(span.start));
                return self.open(seq, anchor, span, block);
            }
            Event::SequenceEnd | Event::MappingEnd => match self.close(span) {
                Some(done) => done,
                None => return Step::Go,
            },
            Event::StreamStart | Event::StreamEnd | Event::Nothing => return Step::Go,
        };
        let (v, span, w) = done;
        if let Some(v) = self.push(v, span, w) {
            self.root = Some(v);
        }
        if self.path_bytes > MAX_PATH_BYTES {
            return Step::Limit(format!(
                "node paths total more than {} MiB (keys too long or too many)",
                MAX_PATH_BYTES >> 20
            ));
        }
        Step::Go
    }

    /// A copy of the node an alias names: None for an unknown anchor, an error past a limit.
    fn alias(&mut self, id: usize) -> Result<Option<(Value, Weight)>, String> {
        let Some((copy, w)) = self.anchors.get(&id) else {
            return Ok(None);
        };
        let (copy, w) = (copy.clone(), *w);
        self.copied = self.copied.plus(w);
        if !self.copied.within(MAX_ALIAS_NODES, MAX_ALIAS_BYTES) {
            return Err(format!(
                "aliases expand to more than {MAX_ALIAS_NODES} nodes or {} MiB of text",
                MAX_ALIAS_BYTES >> 20
            ));
        }
        let Some(v) = copy else {
            return Err(format!(
                "anchors hold more than {MAX_KEPT_NODES} nodes or {} MiB of text to copy",
                MAX_KEPT_BYTES >> 20
            ));
        };
        if self.frames.len() + w.depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(Some((v, w)))
    }

    fn open(&mut self, seq: bool, anchor: usize, span: Span, block: bool) -> Step {
        if self.frames.len() >= MAX_DEPTH {
            return Step::Limit(too_deep());
        }
        let path_len = self.child_path_len();
        self.frames.push(if seq {
            Frame::Seq {
                items: Vec::new(),
                anchor,
            }
        } else {
            Frame::Map {
                map: Map::new(),
                anchor,
                key: None,
                skip: false,
            }
        });
        self.open.push(Open {
            span,
            weight: Weight::default(),
            path_len,
            block,
            last_end: span.end,
        });
        Step::Go
    }

    /// Completes the innermost container.
    fn close(&mut self, end: Span) -> Option<(Value, Span, Weight)> {
        let (frame, open) = (self.frames.pop()?, self.open.pop()?);
        let (v, anchor) = match frame {
            Frame::Seq { items, anchor } => (Value::Array(items), anchor),
            Frame::Map { map, anchor, .. } => (Value::Object(map), anchor),
        };
        let w = Weight {
            nodes: open.weight.nodes + 1,
            bytes: open.weight.bytes,
            depth: open.weight.depth + 1,
        };
        if anchor > 0 {
            self.keep(anchor, &v, w);
        }
        let span = Span {
            start: open.span.start,
            end: if open.block { open.last_end } else { end.end },
        };
        Some((v, span, w))
    }
}

/// The text being parsed, for positions saphyr reports elsewhere than where a node starts.
/// Character indexes are turned into byte offsets from the last one looked up, so positions
/// met in order cost one pass over the text in all.
struct Text<'t> {
    text: &'t str,
    /// A character index and its byte offset.
    at: (usize, usize),
}

impl<'t> Text<'t> {
    fn new(text: &'t str) -> Self {
        Text { text, at: (0, 0) }
    }

    fn byte(&mut self, index: u32) -> usize {
        let index = index as usize;
        let (mut chars, mut bytes) = self.at;
        while chars < index {
            let Some(c) = self.text[bytes..].chars().next() else {
                break;
            };
            bytes += c.len_utf8();
            chars += 1;
        }
        while chars > index {
            let Some(c) = self.text[..bytes].chars().next_back() else {
                break;
            };
            bytes -= c.len_utf8();
            chars -= 1;
        }
        self.at = (chars, bytes);
        bytes
    }

    /// Whether the collection starting at `start` is a flow one: `[` or `{` after any
    /// anchor and tag.
    fn is_flow(&mut self, start: Pos) -> bool {
        let b = self.byte(start.index);
        let mut words = self.text[b..].split_ascii_whitespace();
        let first = words.find(|w| !w.starts_with(['&', '!']));
        first.is_some_and(|w| w.starts_with(['[', '{']))
    }

    /// saphyr starts a block sequence that is not indented under its key after its first
    /// `-` (and the blanks after it): the sequence starts at that `-`. `start` is the start
    /// of a sequence that is a mapping's value, where no other `-` can come before it.
    fn sequence_start(&mut self, start: Pos) -> Pos {
        let b = self.byte(start.index);
        let (before, after) = self.text.split_at(b);
        let blanks = before.len() - before.trim_end_matches([' ', '\t']).len();
        let dash = before[..before.len() - blanks].ends_with('-');
        if !dash || after.starts_with('[') {
            return start;
        }
        let back = blanks as u32 + 1; // ASCII: characters are bytes
        Pos {
            line: start.line,
            col: start.col.saturating_sub(back).max(1),
            index: start.index - back,
        }
    }

    /// saphyr starts a block scalar at its first line of content (or at its tag or anchor):
    /// it starts at its `|` or `>` indicator, the first one after the previous node. Only
    /// separators, comments, anchors and tags can stand between them; anything else keeps
    /// saphyr's position.
    fn block_scalar_start(&mut self, after: Pos, span: Span) -> Pos {
        let from = self.byte(after.index);
        let region = self.text.get(from..).unwrap_or_default();
        let mut pos = after;
        let (mut comment, mut token) = (false, false); // to the end of the line / the word
        let mut chars = region.chars().peekable();
        while let Some(c) = chars.next() {
            if pos.index >= span.end.index {
                break;
            }
            if c == '\n' || c == '\r' {
                let crlf = c == '\r' && chars.next_if_eq(&'\n').is_some();
                pos.index += 1 + u32::from(crlf);
                pos.line += 1;
                pos.col = 1;
                (comment, token) = (false, false);
                continue;
            }
            if c == ' ' || c == '\t' {
                token = false;
            } else if !comment && !token {
                match c {
                    '|' | '>' => return pos,
                    '#' => comment = true,
                    '&' | '!' => token = true,
                    ':' | '-' | '?' => {}
                    _ => return span.start,
                }
            }
            pos.index += 1;
            pos.col += 1;
        }
        span.start
    }
}

/// Feeds saphyr the text, but ends it early (setting `cut`) once saphyr reads `limit`
/// characters. saphyr scans a whole flow collection before emitting its first event, holding
/// a token per byte or two; the limit follows the events, so only look-ahead is bounded.
struct Feed<'a> {
    chars: std::str::Chars<'a>,
    read: usize,
    limit: &'a Cell<usize>,
    cut: &'a Cell<bool>,
}

impl Iterator for Feed<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if self.read >= self.limit.get() {
            self.cut.set(true);
            return None;
        }
        self.read += 1;
        Some(c)
    }
}

fn too_far() -> String {
    format!(
        "a flow collection or scalar longer than {} MiB",
        MAX_LOOKAHEAD >> 20
    )
}

impl Builder<'_> {
    /// Stops parsing: a file over a limit yields no documents, only this problem.
    fn limit(mut self, message: String) -> Parsed {
        self.problems.push(Problem::Limit { message });
        Parsed {
            docs: Vec::new(),
            problems: self.problems,
        }
    }

    /// Keeps a copy of an anchored node for aliases, unless no alias could copy it within
    /// the limits or the copies kept so far are already too large.
    fn keep(&mut self, anchor: usize, v: &Value, w: Weight) {
        let kept = self.kept.plus(w);
        let copy = if w.within(MAX_ALIAS_NODES, MAX_ALIAS_BYTES)
            && kept.within(MAX_KEPT_NODES, MAX_KEPT_BYTES)
        {
            self.kept = kept;
            Some(v.clone())
        } else {
            None
        };
        self.anchors.insert(anchor, (copy, w));
    }

    /// JSON pointer of the node about to be completed in the innermost frame.
    fn pointer(&self) -> String {
        let mut p = String::new();
        for f in &self.frames {
            p.push('/');
            match f {
                Frame::Seq { items, .. } => p.push_str(&items.len().to_string()),
                Frame::Map { key, .. } => {
                    if let Some((k, _)) = key {
                        escape_into(&mut p, k);
                    }
                }
            }
        }
        p
    }

    /// The length of [`Builder::pointer`], in constant time but for the key's length.
    fn child_path_len(&self) -> usize {
        let (Some(frame), Some(open)) = (self.frames.last(), self.open.last()) else {
            return 0;
        };
        let segment = match frame {
            Frame::Seq { items, .. } => items.len().checked_ilog10().unwrap_or(0) as usize + 1,
            Frame::Map {
                key: Some((k, _)), ..
            } => k.len() + k.matches(['~', '/']).count(),
            Frame::Map { key: None, .. } => 0,
        };
        open.path_len + 1 + segment
    }

    /// Adds a completed node to its parent; returns it when it is a document root.
    fn push(&mut self, v: Value, span: Span, w: Weight) -> Option<Value> {
        let Some(top) = self.frames.last() else {
            if self.spans_of.is_some() {
                self.spans.insert(String::new(), (None, span));
            }
            return Some(v);
        };
        // A completed node is either a mapping key or a value.
        if let Frame::Map { key: None, map, .. } = top {
            // Null and complex keys have no faithful JSON form; the YAML test suite holds
            // valid documents that repeat them, so only repeated scalar keys are P002.
            let comparable = !matches!(v, Value::Null | Value::Array(_) | Value::Object(_));
            let k = key_string(v);
            let dup = map.contains_key(&k);
            if let Some(open) = self.open.last_mut() {
                open.weight.bytes += k.len();
                open.last_end = span.end;
            }
            if let Some(Frame::Map { key, skip, .. }) = self.frames.last_mut() {
                *key = Some((k, span));
                *skip = dup;
            }
            if dup && comparable {
                let pointer = self.pointer();
                self.problems.push(Problem::DuplicateKey {
                    doc: self.docs.len(),
                    pointer,
                    key_span: span,
                });
            }
            return None;
        }
        self.path_bytes += self.child_path_len();
        if let Some(open) = self.open.last_mut() {
            open.weight = open.weight.plus(w);
            open.last_end = span.end;
        }
        let top = self.frames.last()?;
        if self.spans_of.is_some() {
            let skipping = matches!(top, Frame::Map { skip: true, .. });
            if !skipping
                && !self
                    .frames
                    .iter()
                    .any(|f| matches!(f, Frame::Map { skip: true, .. }))
            {
                let key_span = match top {
                    Frame::Map {
                        key: Some((_, s)), ..
                    } => Some(*s),
                    _ => None,
                };
                let p = self.pointer();
                self.spans.insert(p, (key_span, span));
            }
        }
        match self.frames.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(v),
            Some(Frame::Map { map, key, skip, .. }) => {
                if let Some((k, _)) = key.take()
                    && !*skip
                {
                    map.insert(k, v);
                }
                *skip = false;
            }
            None => {}
        }
        None
    }
}

/// Mapping keys become strings: scalars as written, anything else as compact JSON.
fn key_string(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

pub(crate) fn escape_into(out: &mut String, segment: &str) {
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Resolves a scalar with the YAML 1.2 core schema. Quoted scalars are strings; so are
/// scalars with a `!!str` tag or any tag that is not a core type.
fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let core = match tag {
        None => style == ScalarStyle::Plain,
        Some(t) if t.is_yaml_core_schema() => {
            matches!(t.suffix.as_str(), "int" | "float" | "bool" | "null")
        }
        Some(_) => false,
    };
    if core && let Some(v) = resolve_plain(&text) {
        return v;
    }
    Value::String(text.into_owned())
}

fn resolve_plain(s: &str) -> Option<Value> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(Value::from);
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return u64::from_str_radix(oct, 8).ok().map(Value::from);
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = s.parse::<i64>() {
            return Some(Value::from(i));
        }
        if let Ok(u) = s.parse::<u64>() {
            return Some(Value::from(u));
        }
        return s
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    if is_float(digits) {
        // .inf and .nan have no JSON form: they stay strings (and fail number checks).
        return s
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    None
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, sign already stripped.
fn is_float(s: &str) -> bool {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mantissa, None),
    };
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && (!int.is_empty() || !f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exp_ok && (frac.is_some() || exp.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn core_schema_scalars() {
        let p = parse(
            "a: 1\nb: '1'\nc: true\nd: ~\ne: 2026-11-01\nf: 1.5e3\ng: .inf\nh: on\ni: 0x1F\n",
            false,
        );
        assert_eq!(
            p.docs[0].value,
            json!({"a": 1, "b": "1", "c": true, "d": null, "e": "2026-11-01",
                   "f": 1500.0, "g": ".inf", "h": "on", "i": 31})
        );
    }

    #[test]
    fn duplicate_key_keeps_first() {
        let p = parse("a: 1\nb: {c: 1}\na: 2\n", false);
        assert_eq!(p.docs[0].value, json!({"a": 1, "b": {"c": 1}}));
        match &p.problems[..] {
            [
                Problem::DuplicateKey {
                    pointer, key_span, ..
                },
            ] => {
                assert_eq!(pointer, "/a");
                assert_eq!((key_span.start.line, key_span.start.col), (3, 1));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn spans_for_block_and_flow_nodes() {
        let p = parse("spec:\n  finding:\n    id: X\n  list: [a, {b: c}]\n", true);
        let at = |ptr: &str| {
            let s = p.docs[0].spans[ptr].1.start;
            (s.line, s.col)
        };
        assert_eq!(at("/spec/finding"), (3, 5));
        assert_eq!(at("/spec/finding/id"), (3, 9));
        assert_eq!(at("/spec/list"), (4, 9));
        assert_eq!(at("/spec/list/1/b"), (4, 17));
    }

    /// (line, column, the character at the index) where each node starts.
    fn starts(text: &str, pointers: &[&str]) -> Vec<(u32, u32, char)> {
        let p = parse(text, true);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let chars: Vec<char> = text.chars().collect();
        pointers
            .iter()
            .map(|ptr| {
                let s = p.docs[0].spans[*ptr].1.start;
                (s.line, s.col, chars[s.index as usize])
            })
            .collect()
    }

    #[test]
    fn a_block_sequence_starts_at_its_first_dash_even_when_not_indented() {
        let text = "spec:\n  approvals:\n  - by: x\n  - by: y\n  list:\n    - a\n  \
                    dash:\n  -\n    b: 1\n  nested:\n  - - a\n  flow: [a]\n  anchored: &s\n  - a\n";
        let got = starts(
            text,
            &[
                "/spec/approvals",
                "/spec/approvals/0",
                "/spec/approvals/1/by",
                "/spec/list",
                "/spec/dash",
                "/spec/nested",
                "/spec/nested/0",
                "/spec/flow",
                "/spec/anchored/0",
            ],
        );
        assert_eq!(
            got,
            [
                (3, 3, '-'),
                (3, 5, 'b'),
                (4, 9, 'y'),
                (6, 5, '-'),
                (8, 3, '-'),
                (11, 3, '-'),
                (11, 5, '-'),
                (12, 9, '['),
                (14, 5, 'a'),
            ]
        );
        // A block collection ends where its last node does, a flow one after its bracket.
        let p = parse(text, true);
        let end = |ptr: &str| {
            let e = p.docs[0].spans[ptr].1.end;
            (e.line, e.col)
        };
        assert_eq!(end("/spec/approvals"), (4, 10));
        assert_eq!(end("/spec/approvals/1"), (4, 10));
        assert_eq!(end("/spec/flow"), (12, 12));
    }

    #[test]
    fn a_block_scalar_starts_at_its_indicator() {
        let text = "é: ü\nspec:\n  lit: |\n    one\n  folded: >- # a | b > c\n\n    text\n  \
                    tagged: !!str &a |2\n    x\n  later: # a comment | with bars\n    |\n    y\n  \
                    empty: |\n  quoted: \"q\"\n  seq:\n  - |\n    in a sequence\n  - >\n    two\n";
        let got = starts(
            text,
            &[
                "/spec/lit",
                "/spec/folded",
                "/spec/tagged",
                "/spec/later",
                "/spec/empty",
                "/spec/quoted",
                "/spec/seq/0",
                "/spec/seq/1",
            ],
        );
        assert_eq!(
            got,
            [
                (3, 8, '|'),
                (5, 11, '>'),
                (8, 20, '|'),
                (11, 5, '|'),
                (13, 10, '|'),
                (14, 11, '"'),
                (16, 5, '|'),
                (18, 5, '>'),
            ]
        );
        // A document that is a block scalar.
        assert_eq!(starts("--- |\n  text\n", &[""]), [(1, 5, '|')]);
        assert_eq!(starts("a: x\r\nb: >\r\n  y\r\n", &["/b"]), [(2, 4, '>')]);
    }

    #[test]
    fn positions_stay_exact_through_many_nodes_of_non_ascii_text() {
        let entry =
            |i: usize| format!("k{i}: # ünïcödé | > -\n  - |\n    ß{i}\n  - x\nl{i}:\n- >-\n  é\n");
        let text: String = (0..2000).map(entry).collect();
        let p = parse(&text, true);
        let chars: Vec<char> = text.chars().collect();
        let lines = entry(0).matches('\n').count() as u32;
        for i in [0, 1, 1999] {
            let spans = &p.docs[0].spans;
            let at = |ptr: String| {
                let s = spans[&ptr].1.start;
                (s.line, s.col, chars[s.index as usize])
            };
            let top = i as u32 * lines;
            assert_eq!(at(format!("/k{i}")), (top + 2, 3, '-'));
            assert_eq!(at(format!("/k{i}/0")), (top + 2, 5, '|'));
            assert_eq!(at(format!("/l{i}")), (top + 6, 1, '-'));
            assert_eq!(at(format!("/l{i}/0")), (top + 6, 3, '>'));
        }
    }

    #[test]
    fn look_ahead_is_bounded_but_text_may_end_at_the_bound() {
        let scalar = "x".repeat(MAX_LOOKAHEAD);
        let p = parse(&scalar, false);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.docs[0].value, json!(scalar));
        let flow = format!("[{}]", "1,".repeat(MAX_LOOKAHEAD / 2));
        assert!(matches!(
            parse(&flow, false).problems[..],
            [Problem::Limit { .. }]
        ));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            y.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let p = parse(&y, false);
        assert!(p.docs.is_empty());
        assert!(matches!(p.problems[..], [Problem::Limit { .. }]));
    }
}
