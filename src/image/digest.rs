//! Content digests (`sha256:<hex>`), hashed in 1 MiB chunks (fast in wasm as well, see
//! docs/toolchain.md).

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::fmt;

/// A content digest `sha256:<64 lowercase hex>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Digest(String);

const CHUNK: usize = 1 << 20;

impl Digest {
    /// The sha256 digest of `bytes`.
    pub fn sha256(bytes: &[u8]) -> Digest {
        let mut h = Sha256::new();
        for chunk in bytes.chunks(CHUNK) {
            h.update(chunk);
        }
        let out = h.finalize();
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
        assert!(Digest::parse("sha256:abc").is_err());
        assert!(Digest::parse(Digest::sha256(b"x").as_str()).is_ok());
    }
}
