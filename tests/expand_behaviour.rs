//! Error texts, lexer options, reference spans and the nesting bound of `layerlab::expand`.

use layerlab::expand::{Env, ExpandErrorKind, Lex, MAX_EXPANSION_BYTES, MAX_NESTING};

fn env() -> Env {
    Env::from_slice(&["FOO=foo", "EMPTY=", "SPACE=a  b"])
}

fn error_of(lex: Lex, word: &str) -> String {
    match lex.process_word(word, &env()) {
        Ok(e) => panic!("{word:?} expanded to {:?}", e.value),
        Err(e) => e.to_string(),
    }
}

#[test]
fn error_texts_are_buildkits() {
    let lex = Lex::new('\\');
    let cases = [
        ("${", "syntax error: missing '}'"),
        ("he${}xx", "syntax error: bad substitution"),
        ("${:-x}", "syntax error: bad substitution"),
        ("${{aaa}", "syntax error: bad substitution"),
        ("${aaa:-bbb", "syntax error: missing '}'"),
        ("${aaa:-bbb ${foo}", "syntax error: missing '}'"),
        ("he${PWD", "unsupported modifier (\u{fffd}) in substitution"),
        (
            "he${PWD:=000}xx",
            "unsupported modifier (:=) in substitution",
        ),
        ("${FOO=aaa}", "unsupported modifier (=) in substitution"),
        ("${FOO:#x}", "unsupported modifier (:#) in substitution"),
        ("${FOO:%%x}", "unsupported modifier (:%) in substitution"),
        ("he${.}", "unsupported modifier (.) in substitution"),
        ("${UNSET?}", "UNSET: is not allowed to be unset"),
        ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
        ("${UNSET:?set it $FOO}", "UNSET: set it foo"),
        (
            "he'llo",
            "unexpected end of statement while looking for matching single-quote",
        ),
        (
            "\"hello\\\"",
            "unexpected end of statement while looking for matching double-quote",
        ),
        ("${FOO//ww}", "syntax error: missing '/' in ${}"),
        ("${FOO/a/b", "syntax error: missing '}'"),
        (
            "${FOO#\\x}",
            "invalid pattern (\\x) in substitution: invalid escape '\\x'",
        ),
        // `%` works on the reversed pattern, and reports it reversed, as BuildKit does.
        (
            "${FOO%a\\x}",
            "invalid pattern (\\xa) in substitution: invalid escape '\\x'",
        ),
    ];
    for (word, message) in cases {
        let expected = format!(
            "failed to process {}: {message}",
            layerlab::gostr::go_quote(word)
        );
        assert_eq!(error_of(lex, word), expected, "{word:?}");
    }
}

#[test]
fn backtick_escape() {
    let lex = Lex::new('`');
    let e = env();
    assert_eq!(lex.process_word("a`$FOO", &e).unwrap().value, "a$FOO");
    assert_eq!(
        lex.process_word(r"C:\dir\$FOO", &e).unwrap().value,
        r"C:\dir\foo"
    );
    assert_eq!(lex.process_word("\"x`\"y\"", &e).unwrap().value, "x\"y");
    assert_eq!(lex.process_word("\"x\\y\"", &e).unwrap().value, "x\\y");
}

#[test]
fn options_used_by_heredocs_and_the_parser() {
    let e = env();
    let heredoc = Lex::new('\\').raw_quotes(true).skip_unset_env(true);
    assert_eq!(heredoc.process_words("'EOF'", &e).unwrap(), ["'EOF'"]);
    assert_eq!(Lex::new('\\').process_words("'EOF'", &e).unwrap(), ["EOF"]);
    assert_eq!(
        heredoc
            .process_word("$NOPE ${NOPE} ${NOPE:-x} ${NOPE/a/b} $FOO", &e)
            .unwrap()
            .value,
        "$NOPE ${NOPE} ${NOPE:-x} ${NOPE/a/b} foo"
    );
    let raw = Lex::new('\\').raw_escapes(true);
    assert_eq!(
        raw.process_word(r"a\ b\$FOO", &e).unwrap().value,
        r"a\ b\$FOO"
    );
    let no_quotes = Lex::new('\\').skip_process_quotes(true);
    assert_eq!(no_quotes.process_word("'$FOO'", &e).unwrap().value, "'foo'");
}

#[test]
fn word_splitting() {
    let lex = Lex::new('\\');
    let e = env();
    assert_eq!(
        lex.process_words("x $SPACE \"$SPACE\"", &e).unwrap(),
        ["x", "a", "b", "a  b"]
    );
    assert_eq!(lex.process_words("  ", &e).unwrap(), Vec::<String>::new());
    // BuildKit's shared word buffer: a nested `${…}` level clears the word being built.
    assert_eq!(
        lex.process_words("a${NOPE:-b}c d", &e).unwrap(),
        ["bc", "d"]
    );
    assert_eq!(
        lex.process_word("a${NOPE:-b}c d", &e).unwrap().value,
        "abc d"
    );
}

#[test]
fn special_parameters_and_lone_dollars() {
    let lex = Lex::new('\\');
    let exp = lex
        .process_word("$1${10}$@$*$#$?$-$$$!$0 $. $", &env())
        .unwrap();
    assert_eq!(exp.value, " $. $");
    let names: Vec<&str> = exp.unmatched.iter().map(String::as_str).collect();
    assert_eq!(names, ["!", "#", "$", "*", "-", "0", "1", "10", "?", "@"]);
}

#[test]
fn reference_spans() {
    let lex = Lex::new('\\');
    let word = "x $FOO-${BAR:-$BAZ} \"${FOO}\"";
    let refs = lex.variable_references(word, &env());
    let got: Vec<(&str, &str, &str, bool)> = refs
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                &word[r.name_span.clone()],
                &word[r.span.clone()],
                r.defined,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("FOO", "FOO", "$FOO", true),
            ("BAR", "BAR", "${BAR:-$BAZ}", false),
            ("BAZ", "BAZ", "$BAZ", false),
            ("FOO", "FOO", "${FOO}", true),
        ]
    );
    // Spans are byte offsets, also after multi-byte text; an error keeps what came before.
    let word = "안녕 $FOO ${BAD";
    let refs = lex.variable_references(word, &env());
    assert_eq!(refs.len(), 1);
    assert_eq!(&word[refs[0].span.clone()], "$FOO");
}

fn nested(depth: usize) -> String {
    "${A:-".repeat(depth) + "x" + &"}".repeat(depth)
}

#[test]
fn nesting_up_to_the_limit_works() {
    let lex = Lex::new('\\');
    assert_eq!(
        lex.process_word(&nested(MAX_NESTING), &env())
            .unwrap()
            .value,
        "x"
    );
    let err = lex
        .process_word(&nested(MAX_NESTING + 1), &env())
        .unwrap_err();
    assert_eq!(err.kind, ExpandErrorKind::TooDeep);
}

/// Ten thousand levels, on a thread with the stack a wasm32 Rust program gets by default
/// (1 MiB; the debug build here uses far more stack per level than the release bundle): an
/// error, quickly, no overflow — for well-formed, unterminated and quote-interleaved nesting.
#[test]
fn ten_thousand_deep_nesting_is_bounded() {
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let lex = Lex::new('\\');
            let words = [
                nested(10_000),
                "${A:-".repeat(10_000),
                "\"${A:-".repeat(10_000) + &"}\"".repeat(10_000),
                "${A/".repeat(10_000),
                "${A#".repeat(10_000) + &"}".repeat(10_000),
            ];
            for word in &words {
                let started = std::time::Instant::now();
                let err = lex.process_word(word, &env()).unwrap_err();
                assert_eq!(err.kind, ExpandErrorKind::TooDeep);
                assert!(lex.process_words(word, &env()).is_err());
                assert!(started.elapsed().as_secs() < 5);
            }
        })
        .expect("spawn");
    handle.join().expect("no stack overflow");
}

/// Nested replace-alls multiply lengths: eight levels over a 10-character value would make a
/// 100 MB word (the fuzzer found a variant that asked for gigabytes). The expansion stops at
/// `MAX_EXPANSION_BYTES` with an error naming the variable, in bounded time and memory; a
/// result under the limit still expands.
#[test]
fn nested_replace_alls_are_bounded() {
    let env = Env::from_slice(&["TEN=aaaaaaaaaa"]);
    let lex = Lex::new('\\');
    let nest = |levels: usize| "${TEN//?/".repeat(levels) + "x" + &"}".repeat(levels);
    let small = lex
        .process_word(&nest(3), &env)
        .expect("1,000 bytes expand");
    assert_eq!(small.value, "x".repeat(1000));
    let err = lex.process_word(&nest(8), &env).expect_err("too long");
    assert_eq!(err.kind, ExpandErrorKind::TooLong { name: "TEN".into() });
    assert!(
        err.to_string()
            .contains(&format!("longer than {MAX_EXPANSION_BYTES} bytes")),
        "{err}"
    );
}
