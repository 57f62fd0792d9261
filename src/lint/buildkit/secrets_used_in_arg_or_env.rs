//! SecretsUsedInArgOrEnv: no secrets in ARG or ENV.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::dispatch::dispatch;

pub const DOC: RuleDoc = RuleDoc {
    code: "SecretsUsedInArgOrEnv",
    name: "secrets-used-in-arg-or-env",
    set: RuleSet::BuildKit,
    summary: "Sensitive data should not be used in the ARG or ENV commands",
    rationale: "ARG and ENV values are stored in the image config and history, readable by anyone who pulls the image. Use `RUN --mount=type=secret` instead.",
    bad: "FROM scratch\nARG AWS_SECRET_ACCESS_KEY\n",
    good: "FROM alpine\nRUN --mount=type=secret,id=aws,env=AWS_SECRET_ACCESS_KEY aws s3 cp ...\n",
    url: "https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

const SECRET_WORDS: [&str; 10] = [
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];
const ALLOWED_WORDS: [&str; 3] = ["public", "file", "version"];

/// BuildKit's `(?i)(?:_|^)(?:apikey|…|token)(?:_|$)` without a match of
/// `(?i)(?:_|^)(?:public|file|version)(?:_|$)`: some `_`-separated part is a secret word
/// and none is an allowed one.
pub fn looks_secret(key: &str) -> bool {
    let parts: Vec<String> = key.split('_').map(str::to_lowercase).collect();
    parts.iter().any(|p| SECRET_WORDS.contains(&p.as_str()))
        && !parts.iter().any(|p| ALLOWED_WORDS.contains(&p.as_str()))
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let emit = |out: &mut Report, span, kind: &str, key: &str| {
        out.push(
            span,
            format!(
                "Do not use ARG or ENV instructions for sensitive data ({kind} {})",
                crate::gostr::go_quote(key)
            ),
        );
    };
    for arg in &cx.typed.meta_args {
        for p in &arg.value.args {
            if looks_secret(&p.key.value) {
                emit(out, cx.first_line_span(arg.span), "ARG", &p.key.value);
            }
        }
    }
    for d in dispatch(cx) {
        let span = cx.first_line_span(d.command.span);
        match &d.command.value {
            Command::Arg(a) => {
                for p in &a.args {
                    if looks_secret(&p.key.value) {
                        emit(out, span, "ARG", &p.key.value);
                    }
                }
            }
            Command::Env(e) => {
                for p in &e.pairs {
                    if looks_secret(&p.key.value) {
                        emit(out, span, "ENV", &p.key.value);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secret_words_need_separators() {
        assert!(super::looks_secret("SECRET_PASSPHRASE"));
        assert!(super::looks_secret("git_key"));
        assert!(!super::looks_secret("sunflower"));
        assert!(!super::looks_secret("PUBLIC_KEY"));
        assert!(!super::looks_secret("AUTH_MODULE_VERSION"));
        assert!(!super::looks_secret("keys"));
    }
}
