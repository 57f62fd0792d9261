//! The real-world corpus (corpus/realworld, 319 Dockerfiles): every file parses and
//! type-checks without an error diagnostic, the dump is stable, and spans are sound.

mod common;

use std::fs;

use layerlab::diagnostic::Severity;
use layerlab::instructions;
use layerlab::syntax::{parse_bytes, Instruction};

/// BuildKit's negative parser inputs, in case the corpus holds copies of them.
const NEGATIVE: [&str; 4] = [
    "empty_dockerfile",
    "only_comments",
    "env_no_value",
    "shykes-nested-json",
];

/// Files BuildKit itself rejects, each with the reason; their errors must be reported.
const FIXTURE: &str = "moby__buildkit__frontend__dockerfile__parser__testfiles__";
const PARSER_ONLY: &str = "BuildKit parser fixture: it tests the parser only and BuildKit's \
    instructions layer rejects it too";
const EXPECTED_ERRORS: [(&str, &str); 9] = [
    (
        "flags__Dockerfile",
        "unknown flags --user/--doit (a parser fixture)",
    ),
    (
        "health__Dockerfile",
        "bare HEALTHCHECK, HEALTHCHECK CMD without command, type CONNECT",
    ),
    (
        "jeztah-invalid-json-json-inside-string-double__Dockerfile",
        "no FROM (a parser fixture)",
    ),
    (
        "jeztah-invalid-json-json-inside-string__Dockerfile",
        "no FROM (a parser fixture)",
    ),
    (
        "jeztah-invalid-json-single-quotes__Dockerfile",
        "no FROM (a parser fixture)",
    ),
    (
        "jeztah-invalid-json-unterminated-bracket__Dockerfile",
        "no FROM (a parser fixture)",
    ),
    (
        "jeztah-invalid-json-unterminated-string__Dockerfile",
        "no FROM (a parser fixture)",
    ),
    ("json__Dockerfile", "no FROM (a parser fixture)"),
    (
        "taiki-e__parse-dockerfile__tests__fixtures__here-doc.Dockerfile",
        "`ADD << /no-here`: BuildKit's lexer keeps the blanks after `<<` in the word \
         (processPossibleHeredoc), so `<< /no-here` is a heredoc named /no-here that is never \
         terminated; BuildKit fails with `unterminated heredoc` as well",
    ),
];

fn check_spans(source: &str, inst: &Instruction) {
    let ok = |s: layerlab::span::Span| {
        s.start <= s.end
            && s.end <= source.len()
            && source.is_char_boundary(s.start)
            && source.is_char_boundary(s.end)
    };
    assert!(ok(inst.span) && ok(inst.keyword_span) && ok(inst.rest_span));
    // The keyword span is the keyword as written; it may run over a continuation line
    // (`AR\` + newline + `G` is the keyword `ARG`).
    let written = &source[inst.keyword_span.start..inst.keyword_span.end];
    assert!(
        written == inst.keyword || written.contains('\n'),
        "{written:?} / {}",
        inst.keyword
    );
    for f in &inst.flags {
        assert!(ok(f.span));
    }
    for w in &inst.args {
        assert!(ok(w.span) && inst.span.start <= w.span.start && w.span.end <= inst.span.end);
    }
    for h in &inst.heredocs {
        assert!(ok(h.span) && ok(h.content_span));
        assert_eq!(&source[h.content_span.start..h.content_span.end], h.content);
    }
    if let Some(sub) = &inst.onbuild {
        check_spans(source, sub);
    }
}

#[test]
fn realworld_corpus_parses_cleanly() {
    let Some(dir) = common::shared("corpus/realworld") else {
        return;
    };
    let index = fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let names: Vec<&str> = index
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    let mut clean = 0;
    let mut expected_failures = 0;
    let mut instructions_total = 0;
    let mut stages_total = 0;
    let mut heredocs = 0;
    let mut failures = Vec::new();
    for name in &names {
        let bytes = fs::read(dir.join(name)).expect("corpus file");
        let parsed = parse_bytes(&bytes);
        let typed = instructions::parse(&parsed.dockerfile);
        let errors: Vec<String> = parsed
            .diagnostics
            .iter()
            .chain(&typed.diagnostics)
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                format!(
                    "line {}: {}",
                    parsed.line_index.line_of(d.span.start),
                    d.message
                )
            })
            .collect();
        for inst in &parsed.dockerfile.instructions {
            check_spans(&parsed.source, inst);
            heredocs += inst.heredocs.len();
        }
        instructions_total += parsed.dockerfile.instructions.len();
        stages_total += typed.stages.len();
        let syntax_errors = parsed.errors().count();
        let expected = EXPECTED_ERRORS
            .iter()
            .find(|(file, _)| *name == *file || *name == format!("{FIXTURE}{file}"));
        if NEGATIVE.iter().any(|n| name.contains(n)) {
            assert!(
                !errors.is_empty(),
                "{name}: BuildKit negative input must fail"
            );
            expected_failures += 1;
        } else if let Some((_, reason)) = expected {
            if syntax_errors > 0 && name.starts_with(FIXTURE) {
                failures.push(format!(
                    "{name}: parser-level errors in a BuildKit parser fixture: {errors:?}"
                ));
            }
            if errors.is_empty() {
                failures.push(format!(
                    "{name}: expected BuildKit's errors ({reason}; {PARSER_ONLY})"
                ));
            }
            expected_failures += 1;
        } else if errors.is_empty() {
            clean += 1;
        } else {
            failures.push(format!("{name}: {errors:?}"));
        }
    }
    eprintln!(
        "realworld corpus: {clean}/{} files without error, {expected_failures} rejected as BuildKit rejects them ({instructions_total} instructions, {stages_total} stages, {heredocs} heredocs)",
        names.len()
    );
    assert_eq!(names.len(), 319);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
