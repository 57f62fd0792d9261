//! DL4006: Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL4006",
    name: "pipefail",
    set: RuleSet::Hadolint,
    summary: "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check",
    rationale: "A pipeline's status is its last command's: `curl … | tar x` succeeds even when the download fails, unless the shell runs with `-o pipefail`.",
    bad: "FROM debian:12\nRUN curl -fsSL https://a/x.tgz | tar xz\n",
    good: "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://a/x.tgz | tar xz\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL4006",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use crate::lint::run_scripts::ParsedRun;

use super::model::plain;

/// The SHELL sets `-o pipefail` with bash, zsh or ash, or is not a POSIX shell.
fn shell_ok(inst: &crate::syntax::Instruction) -> bool {
    let words: Vec<&str> = inst.args.iter().map(|w| w.value.as_str()).collect();
    let first = words.first().copied().unwrap_or("");
    let base = first
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .to_lowercase();
    if base.starts_with("pwsh") || base.starts_with("powershell") || base.starts_with("cmd") {
        return true;
    }
    let mut text = words.join(" ");
    text.push('\n');
    let run = ParsedRun {
        script: crate::shell::parse_script(&text).ok(),
        ..ParsedRun::default()
    };
    let Some(script) = run.script else {
        return false;
    };
    script.commands().iter().any(|c| {
        let name = c.program().unwrap_or_default();
        let args: Vec<String> = c
            .args()
            .iter()
            .filter_map(crate::shell::Word::literal)
            .collect();
        ["bash", "zsh", "ash"].contains(&name.as_str())
            && args
                .iter()
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('o'))
            && args.iter().any(|a| a == "pipefail")
    })
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut ok = false;
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => ok = false,
            Keyword::Shell => ok = shell_ok(h.inst),
            Keyword::Run if !ok && h.script(cx).is_some_and(ParsedRun::has_pipes) => {
                out.push_summary(h.span(cx));
            }
            _ => {}
        }
    }
}
