//! The files a check writes besides stdout (SARIF, the step summary), and a report's file. They are written
//! before anything reaches stdout, whole or not at all, so a bad path fails the run (exit 2)
//! without leaving half a report behind.

use std::fs::{self, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Output, Result};

/// Writes the SARIF file (replacing it) and appends the summary (a step summary collects
/// the reports of every step of a job).
pub fn write(sarif: Option<(&Path, &str)>, summary: Option<(&Path, &str)>) -> Result<()> {
    let staged = match sarif {
        Some((path, text)) => Some((path, stage(path, text, Output::Sarif)?)),
        None => None,
    };
    let written = summary
        .map_or(Ok(()), |(path, text)| append(path, text))
        .and_then(|()| match &staged {
            Some((path, tmp)) => fs::rename(tmp, path).map_err(fail(Output::Sarif, path)),
            None => Ok(()),
        });
    if written.is_err()
        && let Some((_, tmp)) = &staged
    {
        let _ = fs::remove_file(tmp);
    }
    written
}

/// Writes `text` to a new hidden file beside `path`, to be renamed over it: no reader ever
/// sees a partly written file at `path`.
fn stage(path: &Path, text: &str, what: Output) -> Result<PathBuf> {
    let err = fail(what, path);
    if path.is_dir() {
        return Err(err(io::Error::new(
            ErrorKind::IsADirectory,
            "it is a directory",
        )));
    }
    let name = path
        .file_name()
        .ok_or_else(|| err(io::Error::new(ErrorKind::InvalidInput, "not a file name")))?;
    let tmp = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(&err)?;
    if let Err(e) = file.write_all(text.as_bytes()) {
        let _ = fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(tmp)
}

/// Replaces `path` with `text`, whole or not at all.
pub fn replace(path: &Path, text: &str, what: Output) -> Result<()> {
    let tmp = stage(path, text, what)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        fail(what, path)(e)
    })
}

fn append(path: &Path, text: &str) -> Result<()> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(fail(Output::Summary, path))
}

/// The error of writing `output` to `path`.
fn fail(output: Output, path: &Path) -> impl Fn(io::Error) -> Error {
    move |source| Error::Write {
        output,
        path: path.to_path_buf(),
        source,
    }
}
