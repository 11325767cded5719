//! A cursor over a JSON report: jiter's pull parser plus the JSON pointer of where it stands,
//! so that every error names its node and every finding its entry. Only the members a format
//! asks for are decoded; everything else is skipped without building values.

use jiter::{JiterError, JiterErrorType, JsonErrorType, Peek};

/// A report that is not what its format module expects, at byte `index`.
#[derive(Debug)]
pub struct JsonError {
    pub index: usize,
    pub pointer: String,
    pub message: String,
}

pub type R<T> = Result<T, JsonError>;

#[derive(Clone, Copy)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

pub struct Cursor<'a> {
    j: jiter::Jiter<'a>,
    path: Vec<Seg>,
}

/// jiter's own bound on nesting when it skips a value.
const SKIP_DEPTH: usize = 200;

fn pointer(path: &[Seg]) -> String {
    let mut p = String::new();
    for s in path {
        p.push('/');
        match s {
            Seg::Key(k) => crate::parse::escape_into(&mut p, k),
            Seg::Index(i) => p.push_str(&i.to_string()),
        }
    }
    p
}

/// A parser error, at the node the cursor is in (a separate function so that it borrows the
/// path alone while the parser is borrowed).
fn fail(path: &[Seg], e: JiterError) -> JsonError {
    let message = match &e.error_type {
        JiterErrorType::JsonError(JsonErrorType::RecursionLimitExceeded) => {
            format!("nested deeper than {SKIP_DEPTH} levels")
        }
        JiterErrorType::JsonError(t) => format!("not valid JSON: {t}"),
        JiterErrorType::WrongType { expected, actual } => {
            format!("expected {expected}, found {actual}")
        }
    };
    JsonError {
        index: e.index,
        pointer: pointer(path),
        message,
    }
}

impl<'a> Cursor<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Cursor {
            j: jiter::Jiter::new(data),
            path: Vec::new(),
        }
    }

    /// The RFC 6901 pointer of the value the cursor is at.
    pub fn pointer(&self) -> String {
        pointer(&self.path)
    }

    /// The byte offset of the next value (after a `peek`, of its first byte).
    pub fn index(&self) -> usize {
        self.j.current_index()
    }

    pub fn error(&self, message: impl Into<String>) -> JsonError {
        JsonError {
            index: self.index(),
            pointer: self.pointer(),
            message: message.into(),
        }
    }

    pub fn peek(&mut self) -> R<Peek> {
        self.j.peek().map_err(|e| fail(&self.path, e))
    }

    pub fn skip(&mut self) -> R<()> {
        self.j.next_skip().map_err(|e| fail(&self.path, e))
    }

    /// Visits an object's members whose keys are in `keys`, passing the key's index; skips
    /// the others. `null` reads as an empty object (scanners write it for "none").
    pub fn object(
        &mut self,
        keys: &[&'static str],
        mut member: impl FnMut(&mut Self, usize) -> R<()>,
    ) -> R<()> {
        match self.peek()? {
            Peek::Null => return self.skip(),
            Peek::Object => {}
            _ => return Err(self.error("expected an object")),
        }
        let first = self.j.next_object().map_err(|e| fail(&self.path, e))?;
        let mut wanted = first.map(|k| keys.iter().position(|w| *w == k));
        while let Some(found) = wanted {
            match found {
                Some(i) => {
                    self.path.push(Seg::Key(keys[i]));
                    let r = member(self, i);
                    self.path.pop();
                    r?;
                }
                None => self.skip()?,
            }
            let next = self.j.next_key().map_err(|e| fail(&self.path, e))?;
            wanted = next.map(|k| keys.iter().position(|w| *w == k));
        }
        Ok(())
    }

    /// Visits an array's items with their indexes; `null` reads as an empty array.
    pub fn array(&mut self, mut item: impl FnMut(&mut Self, usize) -> R<()>) -> R<()> {
        match self.peek()? {
            Peek::Null => return self.skip(),
            Peek::Array => {}
            _ => return Err(self.error("expected an array")),
        }
        let mut more = self.j.next_array().map_err(|e| fail(&self.path, e))?;
        let mut i = 0;
        while more.is_some() {
            self.path.push(Seg::Index(i));
            let r = item(self, i);
            self.path.pop();
            r?;
            more = self.j.array_step().map_err(|e| fail(&self.path, e))?;
            i += 1;
        }
        Ok(())
    }

    pub fn string(&mut self) -> R<String> {
        match self.peek()? {
            Peek::String => {}
            _ => return Err(self.error("expected a string")),
        }
        let s = self.j.next_str().map_err(|e| fail(&self.path, e))?;
        Ok(s.to_owned())
    }

    /// A string, or `None` for `null`.
    pub fn opt_string(&mut self) -> R<Option<String>> {
        if self.peek()? == Peek::Null {
            self.skip()?;
            return Ok(None);
        }
        self.string().map(Some)
    }

    /// An array of strings (`null` reads as none).
    pub fn strings(&mut self) -> R<Vec<String>> {
        let mut out = Vec::new();
        self.array(|c, _| {
            out.push(c.string()?);
            Ok(())
        })?;
        Ok(out)
    }

    /// A score written as a number or as a numeric string ("7.5"); anything else (null, "",
    /// text) is no score.
    pub fn score(&mut self) -> R<Option<f64>> {
        let peek = self.peek()?;
        if peek == Peek::String {
            let s = self.string()?;
            return Ok(s.trim().parse::<f64>().ok().filter(|x| x.is_finite()));
        }
        if peek.is_num() {
            let x = self.j.next_float().map_err(|e| fail(&self.path, e))?;
            return Ok(Some(x).filter(|x| x.is_finite()));
        }
        self.skip()?;
        Ok(None)
    }

    /// The text ends after the top-level value.
    pub fn finish(&mut self) -> R<()> {
        self.j.finish().map_err(|e| fail(&self.path, e))
    }
}
