//! Hostile input: random text never panics and every span is in bounds on char boundaries;
//! over-long lines, invalid UTF-8, binary garbage and a 10 MB Dockerfile give clear
//! diagnostics in bounded time.

use std::time::{Duration, Instant};

use layerlab::diagnostic::Severity;
use layerlab::instructions;
use layerlab::span::Span;
use layerlab::syntax::{parse, parse_bytes, Instruction, Parsed};
use proptest::prelude::*;

fn span_ok(source: &str, s: Span) -> bool {
    s.start <= s.end
        && s.end <= source.len()
        && source.is_char_boundary(s.start)
        && source.is_char_boundary(s.end)
}

fn check_instruction(source: &str, inst: &Instruction) {
    assert!(
        span_ok(source, inst.span),
        "instruction span {:?}",
        inst.span
    );
    assert!(span_ok(source, inst.keyword_span));
    assert!(span_ok(source, inst.rest_span));
    for f in &inst.flags {
        assert!(span_ok(source, f.span), "flag span {:?}", f.span);
    }
    for w in &inst.args {
        assert!(
            span_ok(source, w.span),
            "arg span {:?} of {:?}",
            w.span,
            w.value
        );
    }
    for h in &inst.heredocs {
        assert!(span_ok(source, h.span) && span_ok(source, h.content_span));
    }
    assert!(inst.start_line >= 1 && inst.start_line <= inst.end_line);
    if let Some(sub) = &inst.onbuild {
        check_instruction(source, sub);
    }
}

fn check(parsed: &Parsed) {
    let source = parsed.source.as_str();
    for inst in &parsed.dockerfile.instructions {
        check_instruction(source, inst);
    }
    for d in &parsed.diagnostics {
        assert!(
            span_ok(source, d.span),
            "diagnostic span {:?}: {}",
            d.span,
            d.message
        );
    }
    let typed = instructions::parse(&parsed.dockerfile);
    for d in typed.diagnostics.iter().chain(&typed.warnings) {
        assert!(
            span_ok(source, d.span),
            "instruction diagnostic span {:?}: {}",
            d.span,
            d.message
        );
    }
    let _ = parsed.dockerfile.dump();
}

/// Text made of Dockerfile-ish pieces, so the generator reaches deep parser states.
fn dockerfile_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("FROM ".to_string()),
        Just("RUN ".to_string()),
        Just("COPY ".to_string()),
        Just("ADD ".to_string()),
        Just("ENV ".to_string()),
        Just("LABEL ".to_string()),
        Just("ARG ".to_string()),
        Just("ONBUILD ".to_string()),
        Just("HEALTHCHECK ".to_string()),
        Just("CMD ".to_string()),
        Just("SHELL ".to_string()),
        Just("--mount=type=cache,target=/x ".to_string()),
        Just("--".to_string()),
        Just("<<EOF".to_string()),
        Just("<<-'E O'".to_string()),
        Just("EOF".to_string()),
        Just("\\".to_string()),
        Just("`".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(" ".to_string()),
        Just("\t".to_string()),
        Just("#".to_string()),
        Just("# escape=`\n".to_string()),
        Just("[\"a\", \"b\"]".to_string()),
        Just("[1, {\"x\": [".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("=".to_string()),
        Just("é".to_string()),
        Just("\u{a0}".to_string()),
        Just("\u{85}".to_string()),
        Just("♥".to_string()),
        "[a-z$={}]{1,6}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        check(&parse(&text));
    }

    #[test]
    fn dockerfile_like_text_never_panics(text in dockerfile_like()) {
        check(&parse(&text));
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&parse_bytes(&bytes));
    }
}

#[test]
fn line_of_65536_bytes_is_reported() {
    let text = format!("FROM a\nLABEL test={}\nRUN x\n", "a".repeat(65536));
    let parsed = parse(&text);
    check(&parsed);
    let err = parsed
        .errors()
        .find(|d| d.message == "dockerfile line greater than max allowed size of 65535")
        .expect("scanner error");
    assert_eq!(parsed.line_index.line_of(err.span.start), 2);
    // Recovery: the instructions around it are still there.
    assert_eq!(parsed.dockerfile.instructions.len(), 3);
    // 65535 bytes is still fine.
    let ok = format!("FROM a\nLABEL t={}\n", "a".repeat(65535 - "LABEL t=".len()));
    assert!(parse(&ok).is_ok());
}

#[test]
fn invalid_utf8_is_reported_and_decoded() {
    let parsed = parse_bytes(b"FROM alpine\nRUN echo \xff\xfe ok\n");
    check(&parsed);
    let err = parsed.errors().next().expect("a diagnostic");
    assert!(err.message.contains("invalid UTF-8"), "{}", err.message);
    assert_eq!(parsed.line_index.line_of(err.span.start), 2);
    assert_eq!(parsed.dockerfile.instructions.len(), 2);
    assert!(parsed.dockerfile.instructions[1].args[0]
        .value
        .contains('\u{FFFD}'));
    // A BOM is stripped, CRLF handled.
    let parsed = parse_bytes(b"\xef\xbb\xbfFROM a\r\nRUN b \\\r\n  c\r\n");
    assert!(parsed.is_ok(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.dockerfile.dump(), "(from \"a\")\n(run \"b   c\")");
}

#[test]
fn binary_garbage_gives_diagnostics() {
    let mut bytes = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..100_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bytes.push((x >> 16) as u8);
    }
    let start = Instant::now();
    let parsed = parse_bytes(&bytes);
    check(&parsed);
    assert!(parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error));
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn ten_megabytes_parse_in_bounded_time() {
    let unit = "RUN apt-get update && \\\n    apt-get install -y curl ca-certificates # x\nCOPY --chown=1:1 a b /dest/\nENV A=1 B=\"two words\"\n";
    let mut text = String::from("FROM debian\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(unit);
    }
    let start = Instant::now();
    let parsed = parse(&text);
    let typed = instructions::parse(&parsed.dockerfile);
    let elapsed = start.elapsed();
    assert!(parsed.is_ok());
    assert!(typed.diagnostics.is_empty());
    assert!(parsed.dockerfile.instructions.len() > 200_000);
    eprintln!(
        "10 MB Dockerfile: {} instructions in {elapsed:?}",
        parsed.dockerfile.instructions.len()
    );
    // Generous bound for an unoptimised build on a loaded 2-core machine; linear work is
    // well under it, quadratic work is far over it.
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");

    // One 10 MB instruction (a single long continuation) is linear as well.
    let mut long = String::from("FROM a\nRUN x");
    while long.len() < 10 * 1024 * 1024 {
        long.push_str(" \\\n y");
    }
    let start = Instant::now();
    let parsed = parse(&long);
    assert_eq!(parsed.dockerfile.instructions.len(), 2);
    assert!(start.elapsed() < Duration::from_secs(60));

    // Deeply nested JSON does not overflow the stack.
    let deep = format!(
        "FROM a\nCMD {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let parsed = parse(&deep);
    assert_eq!(parsed.dockerfile.instructions.len(), 2);
}

#[test]
fn deeply_nested_onbuild_is_bounded() {
    let text = format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(200_000));
    let parsed = parse(&text);
    check(&parsed);
    assert!(parsed
        .errors()
        .any(|d| d.message.contains("nested more than")));
    // Ordinary nesting still dumps like BuildKit.
    let parsed = parse("ONBUILD ONBUILD RUN x");
    assert_eq!(parsed.dockerfile.dump(), "(onbuild (onbuild (run \"x\")))");
}
