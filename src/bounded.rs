//! Reading a file without letting its size decide how much memory we spend.

use std::io::{self, Read};
use std::path::Path;

/// The bytes of the file at `path`, or None when it holds more than `limit`. One path lookup
/// (the open): the size comes from the open file, so a huge file is refused unread, and
/// `take` bounds a pipe or a file that grows while we read it.
pub(crate) fn read(path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}
