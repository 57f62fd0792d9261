//! BuildKit's instructions tables (derived/instructions_cases_from_tables.json): TestErrorCases,
//! TestErrorCasesHeredoc, TestCopyHeredoc, TestRunHeredoc and TestParseDevice.

mod common;

use std::fs;

use layerlab::instructions::{
    self, parse_device, parse_instruction, Command, FlagValue, ParsedInstruction,
};
use layerlab::span::Span;
use layerlab::syntax;
use serde_json::{json, Value};

fn first_command(dockerfile: &str) -> Command {
    let parsed = syntax::parse(dockerfile);
    assert!(parsed.is_ok(), "{dockerfile:?}: {:?}", parsed.diagnostics);
    match parse_instruction(&parsed.dockerfile.instructions[0]) {
        Ok(ParsedInstruction::Command(c)) => c,
        other => panic!("{dockerfile:?}: {other:?}"),
    }
}

fn null_if_empty(v: Vec<Value>) -> Value {
    if v.is_empty() {
        Value::Null
    } else {
        Value::Array(v)
    }
}

#[test]
fn instruction_tables() {
    let Some(path) =
        common::shared("conformance/buildkit/derived/instructions_cases_from_tables.json")
    else {
        return;
    };
    let tables: Value =
        serde_json::from_str(&fs::read_to_string(path).expect("tables")).expect("json");
    let mut checked = 0;

    for key in [
        "TestErrorCases (parse, then ParseInstruction(AST.Children[0]); require.ErrorContains)",
        "TestErrorCasesHeredoc (ErrorContains)",
    ] {
        for case in tables[key].as_array().expect("cases") {
            let dockerfile = case["dockerfile"].as_str().expect("dockerfile");
            let expected = case["expectedError"].as_str().expect("error");
            let parsed = syntax::parse(dockerfile);
            let err = parse_instruction(&parsed.dockerfile.instructions[0]).expect_err(dockerfile);
            assert!(
                err.message.contains(expected),
                "{dockerfile:?}: {}",
                err.message
            );
            checked += 1;
        }
    }

    for case in tables["TestCopyHeredoc (CopyCommand.SourcesAndDest; null = nil slice)"]
        .as_array()
        .expect("cases")
    {
        let dockerfile = case["dockerfile"].as_str().expect("dockerfile");
        let Command::Copy(copy) = first_command(dockerfile) else {
            panic!("not COPY")
        };
        let sd = &copy.sources_and_dest;
        let got = json!({
            "DestPath": sd.dest.value,
            "SourcePaths": null_if_empty(sd.source_paths.iter().map(|w| json!(w.value)).collect()),
            "SourceContents": null_if_empty(
                sd.source_contents
                    .iter()
                    .map(|c| json!({"Path": c.path, "Data": c.data, "Expand": c.expand}))
                    .collect()
            ),
        });
        assert_eq!(got, case["sourcesAndDest"], "{dockerfile:?}");
        checked += 1;
    }

    for case in tables
        ["TestRunHeredoc (RunCommand: PrependShell==shell, CmdLine==command, Files==files)"]
        .as_array()
        .expect("cases")
    {
        let dockerfile = case["dockerfile"].as_str().expect("dockerfile");
        let Command::Run(run) = first_command(dockerfile) else {
            panic!("not RUN")
        };
        let command: Vec<&str> = run.cmd.args.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(json!(command), case["command"], "{dockerfile:?}");
        assert_eq!(
            json!(run.cmd.prepend_shell),
            case["shell"],
            "{dockerfile:?}"
        );
        let files = null_if_empty(
            run.files
                .iter()
                .map(|f| json!({"Name": f.name, "Data": f.data, "Chomp": f.chomp}))
                .collect(),
        );
        assert_eq!(files, case["files"], "{dockerfile:?}");
        checked += 1;
    }

    for case in tables["TestParseDevice (ParseDevice(input))"]
        .as_array()
        .expect("cases")
    {
        let input = case["input"].as_str().expect("input");
        let got = parse_device(FlagValue {
            value: input.to_string(),
            span: Span::default(),
        });
        match (&got, case["expectedErr"].as_str()) {
            (Err(e), Some(expected)) => assert_eq!(e, expected),
            (Ok(d), None) => {
                assert_eq!(
                    json!({"Name": d.name, "Required": d.required}),
                    case["expected"],
                    "{input}"
                )
            }
            _ => panic!("{input}: {got:?}"),
        }
        checked += 1;
    }
    eprintln!("instructions tables: {checked}/{checked} pass");
}

#[test]
fn stages_and_meta_args() {
    let text = "ARG BASE=alpine\n# build compiles it\nFROM $BASE AS Build\nRUN --mount=type=cache,target=/c make\nFROM scratch AS build\nCOPY --from=build /a /b\n";
    let parsed = syntax::parse(text);
    let typed = instructions::parse(&parsed.dockerfile);
    assert!(typed.diagnostics.is_empty(), "{:?}", typed.diagnostics);
    assert_eq!(typed.meta_args.len(), 1);
    assert_eq!(typed.meta_args[0].value.args[0].key.value, "BASE");
    assert_eq!(typed.stages.len(), 2);
    assert_eq!(typed.stages[0].name.as_deref(), Some("build"));
    assert_eq!(typed.stages[0].comment, "compiles it");
    assert_eq!(typed.stages[0].base.value, "$BASE");
    let Command::Run(run) = &typed.stages[0].commands[0].value else {
        panic!("RUN")
    };
    assert_eq!(run.mounts[0].mount_type(), "cache");
    assert_eq!(
        &text[run.mounts[0].raw.span.start..run.mounts[0].raw.span.end],
        "--mount=type=cache,target=/c"
    );
    assert_eq!(typed.warnings.len(), 1);
    assert_eq!(
        typed.warnings[0].message,
        "Duplicate stage name \"build\", stage names should be unique"
    );

    // Recovery: a bad instruction is reported, the rest is still typed.
    let parsed =
        syntax::parse("FROM a\nFORM b\nCOPY x\nRUN ok\nHEALTHCHECK --interval=50ns CMD x\n");
    let typed = instructions::parse(&parsed.dockerfile);
    let messages: Vec<&str> = typed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "unknown instruction: FORM (did you mean FROM?)",
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
            "Interval \"interval\" cannot be less than 1ms",
        ]
    );
    assert_eq!(typed.stages[0].commands.len(), 1);

    // No FROM at all.
    let typed = instructions::parse(&syntax::parse("RUN x\n").dockerfile);
    let messages: Vec<&str> = typed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "no build stage in current context",
            "dockerfile contains no stages to build"
        ]
    );
}
