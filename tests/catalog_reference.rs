//! Image reference parsing against the table of distribution/reference's `TestReferenceParse`
//! (the Go package Docker and BuildKit use), plus `ParseNormalizedNamed` behaviour.

use layerlab::catalog::reference::{ImageReference, ReferenceError};

const FF64: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

/// (input, expected Ok((domain, name, tag, digest)) or Err(error)).
type Expected =
    Result<(&'static str, String, Option<&'static str>, Option<String>), ReferenceError>;
type Case = (String, Expected);

fn ok(
    domain: &'static str,
    name: &str,
    tag: Option<&'static str>,
    digest: Option<String>,
) -> Expected {
    Ok((domain, name.to_string(), tag, digest))
}

fn upstream_table() -> Vec<Case> {
    let sha = format!("sha256:{FF64}");
    let sha512 = format!("sha512:{FF64}{FF64}");
    vec![
        ("test_com".into(), ok("", "test_com", None, None)),
        ("test.com:tag".into(), ok("", "test.com", Some("tag"), None)),
        (
            "test.com:5000".into(),
            ok("", "test.com", Some("5000"), None),
        ),
        (
            "test.com/repo:tag".into(),
            ok("test.com", "test.com/repo", Some("tag"), None),
        ),
        (
            "test:5000/repo".into(),
            ok("test:5000", "test:5000/repo", None, None),
        ),
        (
            "test:5000/repo:tag".into(),
            ok("test:5000", "test:5000/repo", Some("tag"), None),
        ),
        (
            format!("test:5000/repo@{sha}"),
            ok("test:5000", "test:5000/repo", None, Some(sha.clone())),
        ),
        (
            format!("test:5000/repo:tag@{sha}"),
            ok(
                "test:5000",
                "test:5000/repo",
                Some("tag"),
                Some(sha.clone()),
            ),
        ),
        ("".into(), Err(ReferenceError::NameEmpty)),
        (":justtag".into(), Err(ReferenceError::InvalidFormat)),
        (format!("@{sha}"), Err(ReferenceError::InvalidFormat)),
        (
            "repo@sha256:ffffffffffffffffffffffffffffffffff".into(),
            Err(ReferenceError::DigestInvalidLength),
        ),
        (
            format!("validname@invaliddigest:{FF64}"),
            Err(ReferenceError::DigestUnsupported),
        ),
        (
            "Uppercase:tag".into(),
            Err(ReferenceError::NameContainsUppercase),
        ),
        (
            "test:5000/Uppercase/lowercase:tag".into(),
            Err(ReferenceError::NameContainsUppercase),
        ),
        (
            "lowercase:Uppercase".into(),
            ok("", "lowercase", Some("Uppercase"), None),
        ),
        (
            format!("{}a:tag", "a/".repeat(128)),
            Err(ReferenceError::NameTooLong),
        ),
        (
            format!("{}a:tag-puts-this-over-max", "a/".repeat(127)),
            ok(
                "a",
                &format!("{}a", "a/".repeat(127)),
                Some("tag-puts-this-over-max"),
                None,
            ),
        ),
        ("aa/asdf$$^/aa".into(), Err(ReferenceError::InvalidFormat)),
        (
            "sub-dom1.foo.com/bar/baz/quux".into(),
            ok(
                "sub-dom1.foo.com",
                "sub-dom1.foo.com/bar/baz/quux",
                None,
                None,
            ),
        ),
        (
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag".into(),
            ok(
                "sub-dom1.foo.com",
                "sub-dom1.foo.com/bar/baz/quux",
                Some("some-long-tag"),
                None,
            ),
        ),
        (
            "b.gcr.io/test.example.com/my-app:test.example.com".into(),
            ok(
                "b.gcr.io",
                "b.gcr.io/test.example.com/my-app",
                Some("test.example.com"),
                None,
            ),
        ),
        (
            "xn--n3h.com/myimage:xn--n3h.com".into(),
            ok(
                "xn--n3h.com",
                "xn--n3h.com/myimage",
                Some("xn--n3h.com"),
                None,
            ),
        ),
        (
            format!("xn--7o8h.com/myimage:xn--7o8h.com@{sha512}"),
            ok(
                "xn--7o8h.com",
                "xn--7o8h.com/myimage",
                Some("xn--7o8h.com"),
                Some(sha512.clone()),
            ),
        ),
        (
            "foo_bar.com:8080".into(),
            ok("", "foo_bar.com", Some("8080"), None),
        ),
        (
            "foo/foo_bar.com:8080".into(),
            ok("foo", "foo/foo_bar.com", Some("8080"), None),
        ),
        ("192.168.1.1".into(), ok("", "192.168.1.1", None, None)),
        (
            "192.168.1.1:tag".into(),
            ok("", "192.168.1.1", Some("tag"), None),
        ),
        (
            "192.168.1.1:5000".into(),
            ok("", "192.168.1.1", Some("5000"), None),
        ),
        (
            "192.168.1.1/repo".into(),
            ok("192.168.1.1", "192.168.1.1/repo", None, None),
        ),
        (
            "192.168.1.1:5000/repo".into(),
            ok("192.168.1.1:5000", "192.168.1.1:5000/repo", None, None),
        ),
        (
            "192.168.1.1:5000/repo:5050".into(),
            ok(
                "192.168.1.1:5000",
                "192.168.1.1:5000/repo",
                Some("5050"),
                None,
            ),
        ),
        ("[2001:db8::1]".into(), Err(ReferenceError::InvalidFormat)),
        (
            "[2001:db8::1]:5000".into(),
            Err(ReferenceError::InvalidFormat),
        ),
        (
            "[2001:db8::1]:tag".into(),
            Err(ReferenceError::InvalidFormat),
        ),
        (
            "[2001:db8::1]/repo".into(),
            ok("[2001:db8::1]", "[2001:db8::1]/repo", None, None),
        ),
        (
            "[2001:db8:1:2:3:4:5:6]/repo:tag".into(),
            ok(
                "[2001:db8:1:2:3:4:5:6]",
                "[2001:db8:1:2:3:4:5:6]/repo",
                Some("tag"),
                None,
            ),
        ),
        (
            "[2001:db8::1]:5000/repo".into(),
            ok("[2001:db8::1]:5000", "[2001:db8::1]:5000/repo", None, None),
        ),
        (
            "[2001:db8::1]:5000/repo:tag".into(),
            ok(
                "[2001:db8::1]:5000",
                "[2001:db8::1]:5000/repo",
                Some("tag"),
                None,
            ),
        ),
        (
            format!("[2001:db8::1]:5000/repo@{sha}"),
            ok(
                "[2001:db8::1]:5000",
                "[2001:db8::1]:5000/repo",
                None,
                Some(sha.clone()),
            ),
        ),
        (
            format!("[2001:db8::1]:5000/repo:tag@{sha}"),
            ok(
                "[2001:db8::1]:5000",
                "[2001:db8::1]:5000/repo",
                Some("tag"),
                Some(sha.clone()),
            ),
        ),
        (
            "[2001:db8::]:5000/repo".into(),
            ok("[2001:db8::]:5000", "[2001:db8::]:5000/repo", None, None),
        ),
        (
            "[::1]:5000/repo".into(),
            ok("[::1]:5000", "[::1]:5000/repo", None, None),
        ),
        (
            "[fe80::1%eth0]:5000/repo".into(),
            Err(ReferenceError::InvalidFormat),
        ),
        (
            "[fe80::1%@invalidzone]:5000/repo".into(),
            Err(ReferenceError::InvalidFormat),
        ),
    ]
}

#[test]
fn parse_matches_distribution_reference_table() {
    let mut failures = Vec::new();
    let table = upstream_table();
    for (input, expected) in &table {
        let got = ImageReference::parse(input);
        let got_cmp = got.as_ref().map(|r| {
            (
                r.domain.as_str(),
                r.name(),
                r.tag.as_deref(),
                r.digest.clone(),
            )
        });
        let expected_cmp = expected
            .as_ref()
            .map(|(d, n, t, g)| (*d, n.clone(), *t, g.clone()));
        if got_cmp != expected_cmp {
            failures.push(format!(
                "{input:?}: got {got_cmp:?}, expected {expected_cmp:?}"
            ));
        }
        if let Ok(r) = &got {
            // `repo.String() != tc.input` in the Go test: the reference prints back unchanged.
            if r.to_string() != *input {
                failures.push(format!("{input:?}: prints back as {:?}", r.to_string()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

#[test]
fn normalized_names_follow_docker_hub_rules() {
    let cases: &[(&str, &str, &str)] = &[
        // input, canonical, familiar
        ("ubuntu", "docker.io/library/ubuntu", "ubuntu"),
        (
            "ubuntu:22.04",
            "docker.io/library/ubuntu:22.04",
            "ubuntu:22.04",
        ),
        (
            "docker.io/library/ubuntu:22.04",
            "docker.io/library/ubuntu:22.04",
            "ubuntu:22.04",
        ),
        (
            "index.docker.io/library/ubuntu:22.04",
            "docker.io/library/ubuntu:22.04",
            "ubuntu:22.04",
        ),
        ("docker.io/ubuntu", "docker.io/library/ubuntu", "ubuntu"),
        ("myorg/app:1.0", "docker.io/myorg/app:1.0", "myorg/app:1.0"),
        ("localhost/app", "localhost/app", "localhost/app"),
        (
            "localhost:5000/app:dev",
            "localhost:5000/app:dev",
            "localhost:5000/app:dev",
        ),
        (
            "ghcr.io/owner/image:tag",
            "ghcr.io/owner/image:tag",
            "ghcr.io/owner/image:tag",
        ),
        (
            "python:3.12-slim",
            "docker.io/library/python:3.12-slim",
            "python:3.12-slim",
        ),
    ];
    for (input, canonical, familiar) in cases {
        let r = ImageReference::parse_normalized(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(r.to_string(), *canonical, "{input}");
        assert_eq!(r.familiar_string(), *familiar, "{input}");
    }
    let alpine = ImageReference::parse_normalized("alpine").expect("alpine parses");
    assert_eq!(alpine.tag_or_default(), Some("latest"));
    assert!(alpine.is_official());
    let pinned = ImageReference::parse_normalized(&format!("alpine@sha256:{FF64}"))
        .expect("digest ref parses");
    assert_eq!(
        pinned.tag_or_default(),
        None,
        "a digest reference has no implied tag"
    );
}

#[test]
fn normalized_parse_rejects_what_docker_rejects() {
    let bad: &[(&str, &str)] = &[
        (
            "Ubuntu:22.04",
            "invalid reference format: repository name (library/Ubuntu) must be lowercase",
        ),
        (
            "myorg/App",
            "invalid reference format: repository name (myorg/App) must be lowercase",
        ),
        ("ubuntu:", "invalid reference format"),
        ("ubuntu:22.04:extra", "invalid reference format"),
        ("${BASE_IMAGE}", "invalid reference format"),
        ("$BASE", "invalid reference format"),
        ("ubuntu@sha256:abc", "invalid reference format"),
        ("ubuntu:-bad", "invalid reference format"),
        ("-ubuntu", "invalid reference format"),
        ("ubuntu___x", "invalid reference format"),
        ("ubuntu._x", "invalid reference format"),
        ("", "invalid reference format"),
        (FF64, "cannot specify 64-byte hexadecimal strings"),
    ];
    for (input, message) in bad {
        match ImageReference::parse_normalized(input) {
            Ok(r) => panic!("{input:?} should be rejected, parsed as {r}"),
            Err(e) => assert!(
                e.to_string().contains(message),
                "{input:?}: {e} (expected {message:?})"
            ),
        }
    }
    // Separators that the grammar allows.
    for good in [
        "my_image",
        "my__image",
        "my---image",
        "my.image",
        "a1/b2/c3:v1.2_3-x",
    ] {
        assert!(
            ImageReference::parse_normalized(good).is_ok(),
            "{good} is valid"
        );
    }
    let long_tag = format!("ubuntu:{}", "a".repeat(129));
    assert!(
        ImageReference::parse_normalized(&long_tag).is_err(),
        "tags are at most 128 characters"
    );
}

#[test]
fn odd_input_is_an_error_not_a_panic() {
    let odd = [
        "@",
        ":",
        "/",
        "//",
        "a//b",
        "a/",
        "/a",
        "a@b@c",
        "ü",
        "ubuntu:é",
        "é/ubuntu",
        "a:b:c@d",
        "[",
        "[]/a",
        "[::1",
        "a:",
        "a@",
        "a@sha256:",
        "\u{0}",
        "ubuntu\n",
        " ubuntu",
        "ubuntu ",
        "a/b/c/d/e/f/g:1",
    ];
    for input in odd {
        let raw = ImageReference::parse(input);
        let normalized = ImageReference::parse_normalized(input);
        if input == "a/b/c/d/e/f/g:1" {
            assert!(raw.is_ok() && normalized.is_ok(), "{input:?}");
        } else {
            assert!(normalized.is_err(), "{input:?} parsed as {normalized:?}");
        }
    }
}
