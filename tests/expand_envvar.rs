//! BuildKit's `shell/envVarTest` (TestShellParser4EnvVars), read from the raw file.

mod common;

use layerlab::expand::{Env, Lex};

#[test]
fn envvar_test_file() {
    let Some(path) = common::shared("conformance/buildkit/frontend/dockerfile/shell/envVarTest")
    else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read envVarTest");
    let env = Env::from_slice(&["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]);
    let lex = Lex::new('\\');
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for (number, raw) in text.lines().enumerate() {
        if raw.starts_with('#') {
            continue;
        }
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(fields.len(), 3, "line {}: {line:?}", number + 1);
        let (platform, input, expected) = (fields[0].trim(), fields[1].trim(), fields[2].trim());
        match platform {
            "W" => {
                skipped += 1;
                continue;
            }
            "A" | "U" => {}
            other => panic!("line {}: unknown platform {other:?}", number + 1),
        }
        let got = match lex.process_word(input, &env) {
            Ok(expansion) => expansion.value,
            Err(_) => "error".to_string(),
        };
        if got == expected {
            passed += 1;
        } else {
            failures.push(format!(
                "line {}: {input:?}: expected {expected:?}, got {got:?}",
                number + 1
            ));
        }
    }
    println!(
        "envVarTest: {passed} passed, {} failed, {skipped} skipped (W)",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(passed + skipped, 230, "row count");
}
