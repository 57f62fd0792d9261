//! Reading a Dockerfile from a path or standard input (`-`).

use std::io::Read;

use crate::args::CliError;

/// The file's bytes (not necessarily UTF-8: the parser reports invalid bytes itself).
pub fn read_file(path: &str) -> Result<Vec<u8>, CliError> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::Io(format!("cannot read standard input: {e}")))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| CliError::Io(format!("cannot read {path}: {e}")))
}
