//! Share links: the Dockerfile and the small text files of the context, compressed (raw
//! deflate) and base64url-encoded into the URL fragment (`#s=…`). The fragment never reaches
//! a server. Decoding treats the fragment as hostile: bounded inflation, strict JSON, paths
//! normalised by the engine's context rules, and the result is data that is only ever shown
//! as text. Made in the engine's worker (the page has no deflate): the page asks with
//! `Request::Share` and `Request::OpenShare`.

use std::io::{Read, Write};

use flate2::{read::DeflateDecoder, write::DeflateEncoder, Compression};
use serde::{Deserialize, Serialize};

pub use crate::protocol::share_limits::{MAX_FILE_BYTES, PREFIX};
/// Most bytes a fragment may inflate to (a decompression bomb is refused).
const MAX_INFLATED: u64 = 2 * 1024 * 1024;

/// What a share link carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shared {
    /// Format version (1).
    pub v: u32,
    pub dockerfile: String,
    /// (path, text) of context files.
    #[serde(default)]
    pub files: Vec<(String, String)>,
}

/// An encoded link fragment and what was left out of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    /// The fragment without `#`.
    pub fragment: String,
    /// Files not carried (binary or bigger than [`MAX_FILE_BYTES`]).
    pub skipped: Vec<String>,
}

/// Encodes a Dockerfile and the context files that are small text.
pub fn encode(dockerfile: &str, files: &[(String, Vec<u8>)]) -> Encoded {
    let mut skipped = Vec::new();
    let mut carried = Vec::new();
    for (path, bytes) in files {
        match std::str::from_utf8(bytes) {
            Ok(text) if bytes.len() <= MAX_FILE_BYTES => {
                carried.push((path.clone(), text.to_string()))
            }
            _ => skipped.push(path.clone()),
        }
    }
    let shared = Shared {
        v: 1,
        dockerfile: dockerfile.to_string(),
        files: carried,
    };
    let json = serde_json::to_vec(&shared).unwrap_or_default();
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    let compressed = encoder
        .write_all(&json)
        .and_then(|()| encoder.finish())
        .unwrap_or_default();
    Encoded {
        fragment: format!("{PREFIX}{}", base64url_encode(&compressed)),
        skipped,
    }
}

/// Decodes a fragment (with or without `#`).
pub fn decode(fragment: &str) -> Result<Shared, String> {
    let body = fragment
        .trim_start_matches('#')
        .strip_prefix(PREFIX)
        .ok_or("not a layerlab share link")?;
    let compressed = base64url_decode(body).ok_or("the link is damaged (bad characters)")?;
    let mut json = Vec::new();
    DeflateDecoder::new(compressed.as_slice())
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut json)
        .map_err(|_| "the link is damaged (cannot decompress)".to_string())?;
    if json.len() as u64 > MAX_INFLATED {
        return Err("the link holds more than 2 MiB: refused".to_string());
    }
    let shared: Shared =
        serde_json::from_slice(&json).map_err(|e| format!("the link is damaged ({e})"))?;
    if shared.v != 1 {
        return Err(format!("unknown share format version {}", shared.v));
    }
    let mut files = Vec::with_capacity(shared.files.len());
    for (path, text) in shared.files {
        let clean = layerlab::context::normalize_relative(&path)
            .map_err(|_| format!("the link names an invalid path: {path:?}"))?;
        files.push((clean, text));
    }
    Ok(Shared { files, ..shared })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_text_and_small_files() {
        let files = vec![
            ("app.py".to_string(), b"print('hi')\n".to_vec()),
            ("logo.png".to_string(), vec![0x89, 0xff, 0x00]),
            ("big.txt".to_string(), vec![b'a'; MAX_FILE_BYTES + 1]),
        ];
        let enc = encode(
            "FROM alpine\nLABEL x=\"<img src=x onerror=alert(1)>\"\n",
            &files,
        );
        assert_eq!(enc.skipped, ["logo.png", "big.txt"]);
        assert!(enc.fragment.starts_with("s="));
        assert!(enc
            .fragment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b)));
        let back = decode(&format!("#{}", enc.fragment)).unwrap();
        assert_eq!(
            back.dockerfile,
            "FROM alpine\nLABEL x=\"<img src=x onerror=alert(1)>\"\n"
        );
        assert_eq!(
            back.files,
            [("app.py".to_string(), "print('hi')\n".to_string())]
        );
    }

    #[test]
    fn base64url_matches_the_standard_alphabet() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(base64url_encode(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn hostile_fragments_are_refused_with_a_message() {
        assert!(decode("#nope").is_err());
        assert!(decode("#s=***").is_err());
        assert!(decode("#s=AAAA").is_err());
        // A path escaping the context.
        let evil = Shared {
            v: 1,
            dockerfile: String::new(),
            files: vec![("../../etc/passwd".into(), "x".into())],
        };
        let mut e = DeflateEncoder::new(Vec::new(), Compression::fast());
        e.write_all(&serde_json::to_vec(&evil).unwrap()).unwrap();
        let frag = format!("s={}", base64url_encode(&e.finish().unwrap()));
        assert!(decode(&frag).unwrap_err().contains("invalid path"));
        // A bomb: 3 MiB of zeros compresses to a few KB.
        let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
        e.write_all(&vec![b' '; 3 * 1024 * 1024]).unwrap();
        let frag = format!("s={}", base64url_encode(&e.finish().unwrap()));
        assert!(decode(&frag).unwrap_err().contains("2 MiB"));
    }
}
