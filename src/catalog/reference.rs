//! Image references (`ubuntu:22.04`, `docker.io/library/python:3.12-slim`,
//! `alpine@sha256:…`), parsed like Docker's `distribution/reference` package:
//!
//! ```text
//! reference        := name [ ":" tag ] [ "@" digest ]
//! name             := [domain '/'] path-component ['/' path-component]*
//! domain           := host [':' port-number]
//! host             := domain-name | IPv4address | \[ IPv6address \]
//! domain-name      := domain-component ['.' domain-component]*
//! domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//! port-number      := /[0-9]+/
//! path-component   := alpha-numeric [separator alpha-numeric]*
//! alpha-numeric    := /[a-z0-9]+/
//! separator        := /[_.]|__|[-]+/
//! tag              := /[\w][\w.-]{0,127}/
//! digest           := algorithm ":" hex   (algorithm components /[A-Za-z][A-Za-z0-9]*/
//!                                          joined by /[+.-_]/, hex /[0-9a-fA-F]{32,}/)
//! ```
//!
//! [`ImageReference::parse_normalized`] is `ParseNormalizedNamed`: a name without a domain
//! gets `docker.io`, a single-component Docker Hub name gets `library/`, and the error texts
//! are the ones `docker build` prints.

use std::fmt;

/// Docker Hub's canonical domain.
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// The namespace of Docker Hub's official images.
pub const OFFICIAL_REPO_PREFIX: &str = "library/";
/// The tag a reference without tag or digest means.
pub const DEFAULT_TAG: &str = "latest";
/// `NameTotalLengthMax` of distribution/reference.
pub const NAME_TOTAL_LENGTH_MAX: usize = 255;

/// Why a string is not an image reference; `Display` gives Docker's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceError {
    /// `ErrNameEmpty`.
    NameEmpty,
    /// `ErrReferenceInvalidFormat`.
    InvalidFormat,
    /// `ErrNameContainsUppercase` (from `Parse`).
    NameContainsUppercase,
    /// `ParseNormalizedNamed`'s check on the repository part.
    RepositoryNotLowercase(String),
    /// `ErrNameTooLong`.
    NameTooLong,
    /// A 64-hex string where a name was expected (it looks like an image id).
    HexIdentifierAsName(String),
    /// go-digest `ErrDigestUnsupported`.
    DigestUnsupported,
    /// go-digest `ErrDigestInvalidLength`.
    DigestInvalidLength,
    /// go-digest `ErrDigestInvalidFormat`.
    DigestInvalidFormat,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceError::NameEmpty => {
                write!(f, "repository name must have at least one component")
            }
            ReferenceError::InvalidFormat => write!(f, "invalid reference format"),
            ReferenceError::NameContainsUppercase => {
                write!(
                    f,
                    "invalid reference format: repository name must be lowercase"
                )
            }
            ReferenceError::RepositoryNotLowercase(name) => {
                write!(
                    f,
                    "invalid reference format: repository name ({name}) must be lowercase"
                )
            }
            ReferenceError::NameTooLong => {
                write!(
                    f,
                    "repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
                )
            }
            ReferenceError::HexIdentifierAsName(s) => {
                write!(
                    f,
                    "invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
                )
            }
            ReferenceError::DigestUnsupported => write!(f, "unsupported digest algorithm"),
            ReferenceError::DigestInvalidLength => write!(f, "invalid checksum digest length"),
            ReferenceError::DigestInvalidFormat => write!(f, "invalid checksum digest format"),
        }
    }
}

impl std::error::Error for ReferenceError {}

/// A parsed image reference. After [`ImageReference::parse_normalized`] `domain` is always
/// set (`docker.io` by default) and official images have the `library/` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReference {
    /// Registry host (with port), e.g. `docker.io`, `localhost:5000`; empty for a raw
    /// [`ImageReference::parse`] of a name without domain.
    pub domain: String,
    /// Repository path, e.g. `library/ubuntu`.
    pub path: String,
    /// The tag, if written.
    pub tag: Option<String>,
    /// The digest (`sha256:…`), if written.
    pub digest: Option<String>,
}

impl ImageReference {
    /// `reference.Parse`: the grammar only, no normalization (`ubuntu` stays domain-less).
    pub fn parse(s: &str) -> Result<ImageReference, ReferenceError> {
        match parse_grammar(s) {
            Ok(r) => Ok(r),
            Err(GrammarError::NoMatch) => {
                if s.is_empty() {
                    Err(ReferenceError::NameEmpty)
                } else if parse_grammar(&s.to_lowercase()).is_ok() {
                    Err(ReferenceError::NameContainsUppercase)
                } else {
                    Err(ReferenceError::InvalidFormat)
                }
            }
            Err(GrammarError::TooLong) => Err(ReferenceError::NameTooLong),
            Err(GrammarError::Digest(e)) => Err(e),
        }
    }

    /// `reference.ParseNormalizedNamed`: what `FROM` and `docker pull` accept.
    pub fn parse_normalized(s: &str) -> Result<ImageReference, ReferenceError> {
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'a'..=b'f' | b'0'..=b'9')) {
            return Err(ReferenceError::HexIdentifierAsName(s.to_string()));
        }
        let (domain, remainder) = split_docker_domain(s);
        let remote = match remainder.find(':') {
            Some(i) => &remainder[..i],
            None => remainder.as_str(),
        };
        if remote.to_lowercase() != remote {
            return Err(ReferenceError::RepositoryNotLowercase(remote.to_string()));
        }
        ImageReference::parse(&format!("{domain}/{remainder}"))
    }

    /// The full name: `docker.io/library/ubuntu`.
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The short name Docker prints: `ubuntu`, `myorg/app`, `ghcr.io/o/app`.
    pub fn familiar_name(&self) -> String {
        if self.domain == DEFAULT_DOMAIN {
            self.path
                .strip_prefix(OFFICIAL_REPO_PREFIX)
                .unwrap_or(&self.path)
                .to_string()
        } else {
            self.name()
        }
    }

    /// True for a Docker Hub official image (`docker.io/library/*`).
    pub fn is_official(&self) -> bool {
        self.domain == DEFAULT_DOMAIN && self.path.starts_with(OFFICIAL_REPO_PREFIX)
    }

    /// The tag, or `latest` when neither tag nor digest was written (`TagNameOnly`).
    pub fn tag_or_default(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some(DEFAULT_TAG),
            (None, Some(_)) => None,
        }
    }

    /// Familiar form: `ubuntu:22.04`, `alpine@sha256:…`.
    pub fn familiar_string(&self) -> String {
        let mut s = self.familiar_name();
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }
}

impl fmt::Display for ImageReference {
    /// The canonical string: `docker.io/library/ubuntu:22.04`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name())?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// `splitDockerDomain` of distribution/reference's normalize.go.
fn split_docker_domain(name: &str) -> (String, String) {
    let (mut domain, mut remainder) = match name.find('/') {
        Some(i) => {
            let first = &name[..i];
            let looks_like_host =
                first.contains(['.', ':']) || first == "localhost" || first.to_lowercase() != first;
            if looks_like_host {
                (first.to_string(), name[i + 1..].to_string())
            } else {
                (DEFAULT_DOMAIN.to_string(), name.to_string())
            }
        }
        None => (DEFAULT_DOMAIN.to_string(), name.to_string()),
    };
    if domain == "index.docker.io" {
        domain = DEFAULT_DOMAIN.to_string();
    }
    if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        remainder = format!("{OFFICIAL_REPO_PREFIX}{remainder}");
    }
    (domain, remainder)
}

enum GrammarError {
    NoMatch,
    TooLong,
    Digest(ReferenceError),
}

/// Matches `ReferenceRegexp` and applies `Parse`'s checks in Go's order.
fn parse_grammar(s: &str) -> Result<ImageReference, GrammarError> {
    let (name_and_tag, digest) = match s.split_once('@') {
        Some((left, right)) => (left, Some(right)),
        None => (s, None),
    };
    let last_slash = name_and_tag.rfind('/');
    let (name, tag) = match name_and_tag.rfind(':') {
        Some(colon) if last_slash.is_none_or(|sl| colon > sl) => {
            (&name_and_tag[..colon], Some(&name_and_tag[colon + 1..]))
        }
        _ => (name_and_tag, None),
    };
    let (domain, path) = split_name(name).ok_or(GrammarError::NoMatch)?;
    if let Some(t) = tag {
        if !is_tag(t) {
            return Err(GrammarError::NoMatch);
        }
    }
    if let Some(d) = digest {
        if !is_digest_syntax(d) {
            return Err(GrammarError::NoMatch);
        }
    }
    if name.len() > NAME_TOTAL_LENGTH_MAX {
        return Err(GrammarError::TooLong);
    }
    if let Some(d) = digest {
        validate_digest(d).map_err(GrammarError::Digest)?;
    }
    Ok(ImageReference {
        domain: domain.to_string(),
        path: path.to_string(),
        tag: tag.map(str::to_string),
        digest: digest.map(str::to_string),
    })
}

/// Splits `name` into (domain, path) the way the anchored name regexp can match it:
/// with a domain first component when that makes it match, otherwise path only.
fn split_name(name: &str) -> Option<(&str, &str)> {
    if let Some((first, rest)) = name.split_once('/') {
        if is_domain(first) && is_path(rest) {
            return Some((first, rest));
        }
    }
    if is_path(name) {
        return Some(("", name));
    }
    None
}

fn is_path(s: &str) -> bool {
    !s.is_empty() && s.split('/').all(is_path_component)
}

/// `alpha-numeric [separator alpha-numeric]*` with separator `[_.]|__|[-]+`.
fn is_path_component(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &s[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_domain(s: &str) -> bool {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        // [IPv6address] [':' port]
        let Some(close) = rest.find(']') else {
            return false;
        };
        let inner = &rest[..close];
        if inner.is_empty() || !inner.bytes().all(|c| c.is_ascii_hexdigit() || c == b':') {
            return false;
        }
        let after = &rest[close + 1..];
        return match after.strip_prefix(':') {
            Some(p) => is_port(p),
            None => after.is_empty(),
        };
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if let Some(p) = port {
        if !is_port(p) {
            return false;
        }
    }
    !host.is_empty() && host.split('.').all(is_domain_component)
}

fn is_port(p: &str) -> bool {
    !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())
}

fn is_domain_component(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
}

fn is_tag(t: &str) -> bool {
    let b = t.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|&c| word(c) || c == b'.' || c == b'-')
}

fn is_digest_syntax(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    let alg_ok = !alg.is_empty()
        && alg.split(['+', '.', '-', '_']).all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphabetic()
                && b.iter().all(|x| x.is_ascii_alphanumeric())
        });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

/// go-digest `Digest.Validate`: known algorithm, exact length, lowercase hex.
fn validate_digest(d: &str) -> Result<(), ReferenceError> {
    let Some((alg, hex)) = d.split_once(':') else {
        return Err(ReferenceError::DigestInvalidFormat);
    };
    let len = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err(ReferenceError::DigestUnsupported),
    };
    if hex.len() != len {
        return Err(ReferenceError::DigestInvalidLength);
    }
    if !hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(ReferenceError::DigestInvalidFormat);
    }
    Ok(())
}
