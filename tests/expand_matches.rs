//! BuildKit's TestProcessWithMatches and the other lexer tables of `lex_test.go`
//! (`derived/shell_process_with_matches.jsonl`, `derived/shell_misc_cases.json`).

mod common;

use std::collections::BTreeSet;

use layerlab::expand::{reverse_pattern, Env, Lex};
use serde_json::Value;

fn env_from_object(value: &Value) -> Env {
    value
        .as_object()
        .expect("env object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("env value").to_string()))
        .collect()
}

fn string_set(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

#[test]
fn process_with_matches() {
    let Some(path) =
        common::shared("conformance/buildkit/derived/shell_process_with_matches.jsonl")
    else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read jsonl");
    let (mut passed, mut failures) = (0, Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("json line");
        let input = case["input"].as_str().expect("input");
        let escape = case["escape"]
            .as_str()
            .and_then(|s| s.chars().next())
            .expect("escape");
        let env = env_from_object(&case["env"]);
        let result = Lex::new(escape).process_word(input, &env);
        let ok = match (
            &result,
            case["expect_error"].as_bool().expect("expect_error"),
        ) {
            (Err(_), true) => true,
            (Ok(exp), false) => {
                exp.value == case["expected"].as_str().expect("expected")
                    && exp.matched == string_set(&case["matches"])
                    && exp.unmatched == string_set(&case["unmatched"])
            }
            _ => false,
        };
        if ok {
            passed += 1;
        } else {
            failures.push(format!("{input:?}: expected {case}, got {result:?}"));
        }
    }
    println!(
        "ProcessWithMatches: {passed} passed, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(passed, 47);
}

fn misc() -> Option<Value> {
    let path = common::shared("conformance/buildkit/derived/shell_misc_cases.json")?;
    let text = std::fs::read_to_string(path).expect("read misc cases");
    Some(serde_json::from_str(&text).expect("json"))
}

#[test]
fn reverse_pattern_cases() {
    let Some(misc) = misc() else { return };
    let cases = misc["reversePattern"].as_object().expect("object");
    for (input, expected) in cases {
        assert_eq!(
            reverse_pattern(input),
            expected.as_str().expect("string"),
            "{input:?}"
        );
    }
    println!("reversePattern: {} passed", cases.len());
    assert_eq!(cases.len(), 5);
}

/// `convertShellPatternToRegex` is internal; its table is checked through `${V##pattern}`
/// (greedy, anchored): each valid pattern must match what its regex matches, each invalid one
/// must be rejected with BuildKit's message.
#[test]
fn shell_pattern_cases() {
    let Some(misc) = misc() else { return };
    let table = &misc["convertShellPatternToRegex(pattern, greedy=true, anchored=true)"];
    let lex = Lex::new('\\');
    let mut count = 0;
    for (pattern, regex) in table["valid"].as_object().expect("valid") {
        // A text the expected Go regex matches: `.*` matches "", `.` one character, `\\X` X.
        let regex = regex.as_str().expect("regex");
        let body = regex.strip_prefix('^').expect("anchored regex");
        let mut witness = String::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '.' if chars.peek() == Some(&'*') => {
                    chars.next();
                }
                '.' => witness.push('a'),
                '\\' => witness.extend(chars.next()),
                c => witness.push(c),
            }
        }
        // Go's `.` stops at a newline, so the tail after it must survive even `*`.
        let env = Env::from_slice(&[format!("V={witness}\ntail")]);
        let got = lex
            .process_word(&format!("${{V##{pattern}}}"), &env)
            .unwrap_or_else(|e| panic!("{pattern:?}: {e}"))
            .value;
        assert_eq!(got, "\ntail", "{pattern:?} (regex {regex})");
        count += 1;
    }
    for pattern in table["invalid_patterns"].as_array().expect("invalid") {
        let pattern = pattern.as_str().expect("string");
        let env = Env::from_slice(&["V=x"]);
        // As a whole `${V/pattern/r}` the delimiter rules would change the pattern, so the
        // pattern comes from a variable.
        let env_with_pattern = {
            let mut e = env.clone();
            e.set("P", pattern);
            e
        };
        let err = lex
            .process_word("${V/$P/r}", &env_with_pattern)
            .expect_err(pattern);
        assert!(
            err.to_string().contains(&format!(
                "invalid pattern ({pattern}) in substitution: invalid escape"
            )),
            "{pattern:?}: {err}"
        );
        count += 1;
    }
    println!("convertShellPatternToRegex: {count} passed");
    assert_eq!(count, 7);
}

#[test]
fn mandatory_vars() {
    let Some(misc) = misc() else { return };
    let cases = misc["TestShellParserMandatoryEnvVars"]
        .as_array()
        .expect("array");
    let lex = Lex::new('\\');
    for case in cases {
        let input = case["input"].as_str().expect("input");
        let env_list: Vec<&str> = case["env"]
            .as_array()
            .expect("env")
            .iter()
            .map(|v| v.as_str().expect("string"))
            .collect();
        let env = Env::from_slice(&env_list);
        let result = lex.process_word(input, &env);
        if let Some(expected) = case["expected"].as_str() {
            assert_eq!(
                result.expect(input).value,
                expected,
                "{input:?} {env_list:?}"
            );
        } else {
            let needle = case["error_contains"].as_str().expect("error_contains");
            let err = result.expect_err(input).to_string();
            assert!(err.contains(needle), "{input:?} {env_list:?}: {err}");
        }
    }
    println!("MandatoryEnvVars: {} passed", cases.len());
    assert_eq!(cases.len(), 6);
}

#[test]
fn platform_matches() {
    let Some(misc) = misc() else { return };
    let table = &misc["TestProcessWithMatchesPlatform"];
    let input = table["input"].as_str().expect("input");
    let cases = table["cases"].as_array().expect("cases");
    for case in cases {
        let env = env_from_object(&case["env"]);
        let got = Lex::new('\\').process_word(input, &env).expect(input);
        assert_eq!(got.value, case["expected"].as_str().expect("expected"));
    }
    println!("ProcessWithMatchesPlatform: {} passed", cases.len());
    assert_eq!(cases.len(), 3);
}

#[test]
fn env_from_slice_cases() {
    use layerlab::expand::EnvLookup;
    let Some(misc) = misc() else { return };
    let cases = misc["TestGetEnv (EnvsFromSlice, last duplicate wins)"]
        .as_array()
        .expect("array");
    for case in cases {
        let list: Vec<&str> = case["env"]
            .as_array()
            .expect("env")
            .iter()
            .map(|v| v.as_str().expect("string"))
            .collect();
        let env = Env::from_slice(&list);
        let key = case["get"].as_str().expect("get");
        assert_eq!(
            env.get(key).unwrap_or(""),
            case["value"].as_str().expect("value"),
            "{list:?}"
        );
    }
    println!("EnvsFromSlice: {} passed", cases.len());
    assert_eq!(cases.len(), 6);
}
