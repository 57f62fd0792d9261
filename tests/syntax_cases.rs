//! The parser tables of BuildKit's Go tests (derived/parser_heredoc_cases.json and
//! derived/parser_misc_cases.json), run against `layerlab::syntax`.

mod common;

use std::fs;

use layerlab::diagnostic::Severity;
use layerlab::syntax::{
    chomp_heredoc_content, detect_syntax, heredocs_from_line, parse, parse_directive,
    parse_heredoc_word, NO_EMPTY_CONTINUATION,
};
use serde_json::Value;

fn load(name: &str) -> Option<Value> {
    let path = common::shared(&format!("conformance/buildkit/derived/{name}"))?;
    let text = fs::read_to_string(path).expect("case file");
    Some(serde_json::from_str(&text).expect("valid JSON"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn heredoc_cases() {
    let Some(cases) = load("parser_heredoc_cases.json") else {
        return;
    };
    let mut checked = 0;

    let extract = &cases["TestParseExtractsHeredoc"];
    let parsed = parse(extract["dockerfile"].as_str().expect("dockerfile"));
    assert!(parsed.is_ok(), "{:?}", parsed.diagnostics);
    let expected = extract["expected_heredocs"].as_array().expect("list");
    for (k, want) in expected.iter().enumerate() {
        let inst = &parsed.dockerfile.instructions[k + 1];
        let got: Vec<Value> = inst
            .heredocs
            .iter()
            .map(|h| {
                serde_json::json!({
                    "Name": h.name, "FileDescriptor": h.fd.unwrap_or(0), "Expand": h.expand,
                    "Chomp": h.chomp, "Content": h.content,
                })
            })
            .collect();
        let want = if want.is_null() {
            Vec::new()
        } else {
            want.as_array().cloned().unwrap_or_default()
        };
        assert_eq!(got, want, "child {} ({})", k + 1, inst.original);
        checked += 1;
    }

    let json = &cases["TestParseJSONHeredoc"];
    let parsed = parse(json["dockerfile"].as_str().expect("dockerfile"));
    for inst in &parsed.dockerfile.instructions[1..] {
        assert!(inst.heredocs.is_empty() && inst.json, "{}", inst.original);
        checked += 1;
    }

    let helpers = &cases["TestParseHeredocHelpers (ParseHeredoc(word))"];
    for w in strings(&helpers["valid_name_is_EOF"]) {
        let doc = parse_heredoc_word(&w)
            .expect("no error")
            .expect("a heredoc");
        assert_eq!(doc.name, "EOF", "{w}");
        checked += 1;
    }
    for w in strings(&helpers["invalid_returns_error"]) {
        assert!(parse_heredoc_word(&w).is_err(), "{w}");
        checked += 1;
    }
    for w in strings(&helpers["not_heredoc_returns_nil"]) {
        assert_eq!(parse_heredoc_word(&w), Ok(None), "{w}");
        checked += 1;
    }

    for case in cases["TestHeredocsFromLine"]["cases"]
        .as_array()
        .expect("cases")
    {
        let line = case["line"].as_str().expect("line");
        let names: Vec<String> = heredocs_from_line(line)
            .expect("ok")
            .into_iter()
            .map(|h| h.name)
            .collect();
        assert_eq!(names, strings(&case["heredocNames"]), "{line}");
        checked += 1;
    }

    let chomp = &cases["TestHeredocChomp (ChompHeredocContent)"];
    assert_eq!(
        chomp_heredoc_content(chomp["input"].as_str().expect("input")),
        chomp["expected"].as_str().expect("expected")
    );
    checked += 1;
    eprintln!("parser heredoc cases: {checked}/{checked} pass");
}

#[test]
fn misc_cases() {
    let Some(cases) = load("parser_misc_cases.json") else {
        return;
    };
    let mut checked = 0;

    // parseWords, through ARG (parseNameOrNameVal = one node per parseWords word).
    for case in cases["TestParseWords (parseWords(input, default directives))"]
        .as_array()
        .expect("list")
    {
        let input = case["input"].as_str().expect("input");
        let parsed = parse(&format!("ARG {input}"));
        let inst = &parsed.dockerfile.instructions[0];
        assert_eq!(inst.arg_values(), strings(&case["expect"]), "{input}");
        for w in &inst.args {
            assert_eq!(
                &parsed.source[w.span.start..w.span.end],
                w.value,
                "span of {}",
                w.value
            );
        }
        checked += 1;
    }

    // Line numbers.
    let lines = &cases["TestParseIncludesLineNumbers (testfile-line/Dockerfile)"];
    if let Some(path) =
        common::shared("conformance/buildkit/frontend/dockerfile/parser/testfile-line/Dockerfile")
    {
        let parsed = parse(&fs::read_to_string(path).expect("Dockerfile"));
        let df = &parsed.dockerfile;
        assert_eq!(
            df.start_line as u64,
            lines["ast_start_line"].as_u64().expect("n")
        );
        assert_eq!(
            df.end_line as u64,
            lines["ast_end_line"].as_u64().expect("n")
        );
        let got: Vec<Value> = df
            .instructions
            .iter()
            .map(|i| serde_json::json!([i.start_line, i.end_line]))
            .collect();
        assert_eq!(Value::Array(got), lines["child_start_end_lines"]);
        checked += 1;
    }

    // Empty continuation lines.
    let warn = &cases["TestParseWarnsOnEmptyContinutationLine"];
    let parsed = parse(warn["dockerfile"].as_str().expect("dockerfile"));
    let warnings: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code == NO_EMPTY_CONTINUATION)
        .collect();
    assert_eq!(
        warnings.len() as u64,
        warn["warning_count"].as_u64().expect("n")
    );
    assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
    for needle in strings(&warn["warnings[0].Short contains"]) {
        assert!(
            warnings[0].message.contains(&needle),
            "{} / {needle}",
            warnings[0].message
        );
    }
    for needle in strings(&warn["warnings[1].Short contains"]) {
        assert!(
            warnings[1].message.contains(&needle),
            "{} / {needle}",
            warnings[1].message
        );
    }
    assert!(parsed.is_ok());
    checked += 1;

    // Scanner error for a line of 65536 bytes.
    let scan = &cases["TestParseReturnsScannerErrors"];
    let text = format!("\n\t\tFROM image\n\t\tLABEL test={}\n", "a".repeat(65536));
    let parsed = parse(&text);
    let msg = scan["error_exact"].as_str().expect("error");
    assert!(
        parsed.errors().any(|d| d.message == msg),
        "{:?}",
        parsed.diagnostics
    );
    checked += 1;

    // parseJSON through RUN (parseMaybeJSON).
    let json = &cases["json_test.go (parseJSON)"];
    for (input, want) in json["valid (input -> node values)"]
        .as_object()
        .expect("map")
    {
        let parsed = parse(&format!("RUN {input}"));
        let inst = &parsed.dockerfile.instructions[0];
        assert!(inst.json, "{input}");
        assert_eq!(inst.arg_values(), strings(want), "{input}");
        checked += 1;
    }
    let not_strings = "when using JSON array syntax, arrays must be comprised of strings only";
    for input in strings(&json["invalid_not_string_array (error errDockerfileNotStringArray: 'when using JSON array syntax, arrays must be comprised of strings only')"]) {
        let parsed = parse(&format!("RUN {input}"));
        assert!(parsed.errors().any(|d| d.message == not_strings), "{input}");
        checked += 1;
    }

    // parseNameVal through ENV/LABEL.
    for case in cases["line_parsers_test.go (parseNameVal)"]
        .as_array()
        .expect("list")
    {
        let key = case["key"].as_str().expect("key");
        let input = case["input"].as_str().expect("input");
        let parsed = parse(&format!("{key} {input}"));
        if let Some(err) = case.get("error") {
            assert!(
                parsed
                    .errors()
                    .any(|d| Some(d.message.as_str()) == err.as_str()),
                "{input}"
            );
        } else {
            assert_eq!(
                parsed.dockerfile.instructions[0].arg_values(),
                strings(&case["nodes"])
            );
        }
        checked += 1;
    }

    // Directives.
    let dirs = &cases["directives_test.go"];
    for case in dirs["TestDirectives (DirectiveParser.ParseAll)"]
        .as_array()
        .expect("list")
    {
        let parsed = parse(case["input"].as_str().expect("input"));
        let got: Vec<Value> = parsed
            .dockerfile
            .directives
            .iter()
            .map(|d| serde_json::json!({"name": d.name, "value": d.value}))
            .collect();
        assert_eq!(Value::Array(got), case["directives"]);
        checked += 1;
    }
    let detect_cases = [
        (
            "TestDetectSyntax (DetectSyntax -> ref, cmdline, line)",
            None,
        ),
        (
            "TestParseDirective (ParseDirective(\"check\", ...))",
            Some("check"),
        ),
    ];
    for (table, key) in detect_cases {
        for case in dirs[table].as_array().expect("list") {
            let input = case["input"].as_str().expect("input");
            let got = match key {
                None => detect_syntax(input),
                Some(k) => parse_directive(k, input),
            };
            let ok = case["ok"].as_bool().expect("ok");
            assert_eq!(got.is_some(), ok, "{input:?}");
            if let Some(d) = got {
                if let Some(r) = case["ref"].as_str() {
                    assert_eq!(d.reference, r, "{input:?}");
                }
                if let Some(c) = case.get("cmdline").and_then(Value::as_str) {
                    assert_eq!(d.cmdline, c, "{input:?}");
                }
                if let Some(l) = case.get("line").and_then(Value::as_u64) {
                    assert_eq!(d.line as u64, l, "{input:?}");
                }
            }
            checked += 1;
        }
    }
    eprintln!("parser misc cases: {checked}/{checked} pass");
}

/// Flag words are scanned byte by byte in BuildKit: a non-ASCII byte becomes the Latin-1
/// character of that value in `Node.Flags`; the raw text and span stay exact.
#[test]
fn flags_keep_buildkit_bytes_and_exact_spans() {
    let text = "COPY --chown=é \\\n  --link a b\n";
    let parsed = parse(text);
    let inst = &parsed.dockerfile.instructions[0];
    assert_eq!(inst.flags[0].processed, "--chown=Ã©");
    assert_eq!(inst.flags[0].raw, "--chown=é");
    assert_eq!(
        &text[inst.flags[1].span.start..inst.flags[1].span.end],
        "--link"
    );
    assert_eq!(
        parsed.dockerfile.dump(),
        "(copy [\"--chown=Ã©\" \"--link\"] \"a\" \"b\")"
    );
    for w in &inst.args {
        assert_eq!(&text[w.span.start..w.span.end], w.value);
    }
}

/// Node shapes derived from BuildKit's code (README section 1) that no testfile covers.
#[test]
fn dump_shapes_from_code() {
    let cases = [
        ("FOO bar", "(foo \"\")"),
        ("FROM", "(from)"),
        ("ONBUILD", "(onbuild)"),
        ("CMD []", "(cmd)"),
        ("HEALTHCHECK", "(healthcheck)"),
        ("ONBUILD RUN echo test", "(onbuild (run \"echo test\"))"),
        ("ONBUILD FOO bar", "(onbuild (foo \"\"))"),
        ("ENV a b c", "(env \"a\" \"b c\" \"\")"),
        (
            "LABEL name=\"a b\"",
            "(label \"name\" \"\\\"a b\\\"\" \"=\")",
        ),
        ("RUN [\"\\u0000\"]", "(run \"\\x00\")"),
        ("Expose 80\t443", "(expose \"80\" \"443\")"),
    ];
    for (input, dump) in cases {
        assert_eq!(parse(input).dockerfile.dump(), dump, "{input}");
    }
}
