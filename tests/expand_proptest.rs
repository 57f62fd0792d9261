//! No input makes the lexer panic, and reference spans always point at their names.
#![cfg(not(target_arch = "wasm32"))]

use layerlab::expand::{Env, Lex};
use proptest::prelude::*;

fn check(word: &str, escape: char, flags: u8) {
    let env = Env::from_slice(&["A=a b", "B=", "C=*?\\}/", "D=x\ny"]);
    let lex = Lex::new(escape)
        .raw_quotes(flags & 1 != 0)
        .raw_escapes(flags & 2 != 0)
        .skip_unset_env(flags & 4 != 0)
        .skip_process_quotes(flags & 8 != 0);
    let _ = lex.process_words(word, &env);
    if let Ok(exp) = lex.process_word(word, &env) {
        for r in &exp.references {
            assert_eq!(&word[r.name_span.clone()], r.name);
            assert!(word[r.span.clone()].starts_with('$'));
            assert!(r.span.start <= r.name_span.start && r.name_span.end <= r.span.end);
        }
    }
    let _ = lex.variable_references(word, &env);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn shell_like_words_never_panic(
        word in "[$\\{\\}:+?#%/\\\\'\"`*ABCDx \n\u{feff}é0-9_=.-]{0,48}",
        backtick in any::<bool>(),
        flags in 0u8..16,
    ) {
        check(&word, if backtick { '`' } else { '\\' }, flags);
    }

    #[test]
    fn any_text_never_panics(word in any::<String>(), flags in 0u8..16) {
        check(&word, '\\', flags);
    }
}
