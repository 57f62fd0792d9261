//! Fuzz target: BuildKit's shell lexer (`layerlab::expand::Lex`) on arbitrary words, an
//! arbitrary environment, an arbitrary escape character and every lexer option. Checks what
//! the editor relies on: no panic, no hang, and every reference span returned by
//! `variable_references` (and `Expansion::references`) lies inside the word on char
//! boundaries, with the name inside the reference.
#![no_main]

use layerlab::expand::{Env, Lex, VarRef};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

/// The escape character: mostly the two a Dockerfile can declare, sometimes anything.
#[derive(Debug, Arbitrary)]
enum Escape {
    Backslash,
    Backtick,
    Other(char),
}

#[derive(Debug, Arbitrary)]
struct Input {
    escape: Escape,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_unset_env: bool,
    skip_process_quotes: bool,
    env: Vec<(String, String)>,
    words: Vec<String>,
}

fn check_refs(word: &str, refs: &[VarRef]) {
    for r in refs {
        assert!(
            r.span.start <= r.span.end && r.span.end <= word.len(),
            "{r:?} in {word:?}"
        );
        assert!(
            word.is_char_boundary(r.span.start) && word.is_char_boundary(r.span.end),
            "{r:?} in {word:?}"
        );
        assert!(
            r.name_span.start <= r.name_span.end && r.name_span.end <= word.len(),
            "{r:?} in {word:?}"
        );
        assert!(
            word.is_char_boundary(r.name_span.start) && word.is_char_boundary(r.name_span.end),
            "{r:?} in {word:?}"
        );
        assert!(
            r.span.start <= r.name_span.start && r.name_span.end <= r.span.end,
            "{r:?} in {word:?}"
        );
    }
}

fuzz_target!(|input: Input| {
    let escape = match input.escape {
        Escape::Backslash => '\\',
        Escape::Backtick => '`',
        Escape::Other(c) => c,
    };
    let lex = Lex::new(escape)
        .raw_quotes(input.raw_quotes)
        .raw_escapes(input.raw_escapes)
        .skip_unset_env(input.skip_unset_env)
        .skip_process_quotes(input.skip_process_quotes);
    let env: Env = input.env.iter().cloned().collect();
    let pairs: &[(String, String)] = &input.env;
    for word in &input.words {
        if let Ok(expansion) = lex.process_word(word, &env) {
            check_refs(word, &expansion.references);
            // A name is either defined or not: never both matched and unmatched.
            assert!(expansion.matched.is_disjoint(&expansion.unmatched));
        }
        let _ = lex.process_words(word, pairs);
        check_refs(word, &lex.variable_references(word, &env));
    }
});
