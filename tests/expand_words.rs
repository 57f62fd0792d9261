//! BuildKit's `shell/wordsTest` (TestShellParser4Words), read from the raw file, with its
//! cumulative `ENV` lines.

mod common;

use layerlab::expand::{Env, Lex};

#[test]
fn words_test_file() {
    let Some(path) = common::shared("conformance/buildkit/frontend/dockerfile/shell/wordsTest")
    else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read wordsTest");
    let lex = Lex::new('\\');
    let mut envs: Vec<String> = Vec::new();
    let (mut passed, mut failures) = (0, Vec::new());
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            envs.push(rest.trim_start_matches(' ').to_string());
            continue;
        }
        let parts: Vec<&str> = line.split('|').collect();
        if parts.len() != 2 {
            panic!("line {}: expected 2 fields: {line:?}", number + 1);
        }
        let input = parts[0].trim();
        let expected: Vec<String> = parts[1]
            .trim_start_matches(' ')
            .split(',')
            .map(str::to_string)
            .collect();
        let env = Env::from_slice(&envs);
        let got = lex
            .process_words(input, &env)
            .unwrap_or_else(|_| vec!["error".to_string()]);
        if got == expected {
            passed += 1;
        } else {
            failures.push(format!(
                "line {}: {input:?}: expected {expected:?}, got {got:?}",
                number + 1
            ));
        }
    }
    println!("wordsTest: {passed} passed, {} failed", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(passed, 24, "row count");
}
