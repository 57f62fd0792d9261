//! Variable expansion exactly like BuildKit's shell lexer (`frontend/dockerfile/shell/lex.go`).
//!
//! Dockerfile words are not run through a shell: BuildKit expands them itself, with its own
//! small lexer. This module is a faithful port of it:
//!
//! * quotes: `'…'` literal, `"…"` with `$` expansion and `\"` `\$` `\\` escapes; the escape
//!   character (`\`, or `` ` `` under `# escape=`) escapes any character outside quotes;
//! * `$NAME`, `${NAME}`, `${NAME-w}` `${NAME:-w}` `${NAME+w}` `${NAME:+w}` `${NAME?w}`
//!   `${NAME:?w}`, `${NAME#p}` `${NAME##p}` `${NAME%p}` `${NAME%%p}`, `${NAME/p/r}`
//!   `${NAME//p/r}` (shell patterns with `*` and `?`; see [`reverse_pattern`]);
//! * `$1`, `$@`, `$*`, `$#`, `$?`, `$-`, `$$`, `$!`, `$0` are names that are never defined;
//!   a `$` not followed by a name stays literal;
//! * error texts are BuildKit's (`failed to process "<word>": syntax error: missing '}'`…).
//!
//! Use [`Lex::process_word`] for one word with the names it used ([`Expansion`]),
//! [`Lex::process_words`] when the result is split into words, and
//! [`Lex::variable_references`] for the byte spans of the references in a word. The
//! environment is anything implementing [`EnvLookup`]; [`Env`] keeps declaration order.
//!
//! ```
//! use layerlab_frontend::expand::{Env, Lex};
//!
//! let env = Env::from_slice(&["NAME=world", "FILE=app.tar.gz"]);
//! let lex = Lex::new('\\');
//! let expansion = lex.process_word("hi ${NAME} ${FILE%%.*} ${NOPE:-x}", &env).unwrap();
//! assert_eq!(expansion.value, "hi world app x");
//! assert!(expansion.unmatched.contains("NOPE"));
//! assert_eq!(lex.process_words("a \"b c\" $NAME", &env).unwrap(), ["a", "b c", "world"]);
//! ```
//!
//! Shell patterns follow Go's regexp conversion exactly, including that `*` and `?` never
//! match a newline (Go's `.`).
//!
//! The one difference from BuildKit, on inputs no real Dockerfile has: `${…}` nested more
//! than [`MAX_NESTING`] deep is an error (BuildKit recurses without limit; a browser stack
//! cannot).
//!
//! One BuildKit quirk is kept on purpose: every nesting level shares the buffer of the word
//! being split, so in [`Lex::process_words`] the text of the current word before a
//! `${NAME<op>…}` is dropped (`a${X:-b}` splits to `["b"]`). `process_word` is not affected.

mod env;
mod error;
mod lexer;
mod pattern;
mod unicode_class;

pub use env::{Env, EnvLookup};
pub use error::{ExpandError, ExpandErrorKind};
pub use lexer::{Expansion, Lex, VarRef, MAX_EXPANSION_BYTES, MAX_NESTING};
pub use pattern::reverse_pattern;
