//! Content digests (`sha256:<hex>`), hashed in 1 MiB chunks (fast in wasm as well, see
//! docs/toolchain.md).

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::fmt;

/// A content digest `sha256:<64 lowercase hex>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Digest(String);

const CHUNK: usize = 1 << 20;

/// A sha256 computed over bytes given piece by piece (e.g. a layer tar as it is written),
/// also counting them. Large pieces are hashed in 1 MiB chunks like [`Digest::sha256`].
#[derive(Clone, Default)]
pub struct DigestWriter {
    hasher: Sha256,
    len: u64,
}

impl DigestWriter {
    pub fn new() -> DigestWriter {
        DigestWriter::default()
    }

    /// Hashes `bytes` after what came before.
    pub fn update(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(CHUNK) {
            self.hasher.update(chunk);
        }
        self.len += bytes.len() as u64;
    }

    /// Bytes hashed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was hashed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The digest of everything given.
    pub fn finish(self) -> Digest {
        Digest::from_output(&self.hasher.finalize())
    }
}

impl super::tar::TarSink for DigestWriter {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Digest {
    /// The sha256 digest of `bytes`.
    pub fn sha256(bytes: &[u8]) -> Digest {
        let mut h = DigestWriter::new();
        h.update(bytes);
        h.finish()
    }

    fn from_output(out: &[u8]) -> Digest {
        let mut s = String::with_capacity(71);
        s.push_str("sha256:");
        for b in out.iter() {
            s.push_str(&format!("{b:02x}"));
        }
        Digest(s)
    }

    /// Parses `sha256:<64 lowercase hex>` (the only algorithm images here use).
    pub fn parse(s: &str) -> Result<Digest, String> {
        let hex = s
            .strip_prefix("sha256:")
            .ok_or_else(|| format!("invalid digest {s:?}: expected sha256:<hex>"))?;
        if hex.len() != 64
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(format!(
                "invalid digest {s:?}: expected 64 lowercase hex digits"
            ));
        }
        Ok(Digest(s.to_string()))
    }

    /// `sha256:<hex>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The hex part (the file name under `blobs/sha256/`).
    pub fn hex(&self) -> &str {
        &self.0[7..]
    }

    /// The first 12 hex digits, as `docker images` shows an IMAGE ID.
    pub fn short(&self) -> &str {
        &self.0[7..19]
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(
            Digest::sha256(b"").as_str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let big = vec![7u8; 3 * CHUNK + 5];
        let mut h = Sha256::new();
        h.update(&big);
        assert_eq!(Digest::sha256(&big).hex().len(), 64);
        // Piece by piece gives the same digest as all at once.
        let mut w = DigestWriter::new();
        for piece in big.chunks(1000) {
            w.update(piece);
        }
        assert_eq!(w.len(), big.len() as u64);
        assert_eq!(w.finish(), Digest::sha256(&big));
        assert!(Digest::parse("sha256:abc").is_err());
        assert!(Digest::parse(Digest::sha256(b"x").as_str()).is_ok());
    }
}
