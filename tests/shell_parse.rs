//! The shell parse of RUN scripts: words, operators, constructs, redirections, spans.

use layerlab::shell::{
    parse_script, Construct, Operator, ParameterOp, Quoting, RedirectionKind, Script, WordPart,
};

fn parse(script: &str) -> Script {
    match parse_script(script) {
        Ok(parsed) => parsed,
        Err(error) => panic!("{script:?} should parse: {error}"),
    }
}

fn text(script: &str, span: layerlab::span::Span) -> &str {
    &script[span.start..span.end]
}

#[test]
fn commands_with_and_or_operators_and_spans() {
    let s = "apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/* || true";
    let script = parse(s);
    let names: Vec<_> = script.commands().iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        [Some("apt-get"), Some("apt-get"), Some("rm"), Some("true")].map(|n| n.map(String::from))
    );
    let c = script.commands();
    assert_eq!(
        (c[0].preceded_by, c[0].followed_by),
        (None, Some(Operator::And))
    );
    assert_eq!(
        (c[1].preceded_by, c[1].followed_by),
        (Some(Operator::And), Some(Operator::And))
    );
    assert_eq!(
        (c[2].preceded_by, c[2].followed_by),
        (Some(Operator::And), Some(Operator::Or))
    );
    assert_eq!(
        (c[3].preceded_by, c[3].followed_by),
        (Some(Operator::Or), None)
    );
    assert_eq!(text(s, c[1].span), "apt-get install -y curl");
    assert_eq!(c[1].source(s), "apt-get install -y curl");
    assert_eq!(c[1].source("short"), "");
    assert_eq!(text(s, c[2].span), "rm -rf /var/lib/apt/lists/*");
    assert!(c[2].args()[1].has_glob());
    assert!(c[3].is_conditional());
    assert!(!c[1].is_conditional());
}

#[test]
fn flags_clusters_long_options_and_double_dash() {
    let script = parse("apt-get -qy install --no-install-recommends -o Debug=1 --target-release=bookworm -- -z pkg");
    let c = &script.commands()[0];
    assert!(c.has_flag("-y"));
    assert!(c.has_flag("-q"));
    assert!(c.has_flag("--no-install-recommends"));
    assert!(c.has_flag("--target-release"));
    assert!(!c.has_flag("-z"), "after -- an argument is an operand");
    assert!(!c.has_flag("--yes"));
    assert!(c.has_any_flag(&["--yes", "-y", "--assume-yes"]));
    assert_eq!(c.option_value("-o").as_deref(), Some("Debug=1"));
    assert_eq!(
        c.option_value("--target-release").as_deref(),
        Some("bookworm")
    );
    assert_eq!(c.first_operand().as_deref(), Some("install"));
    assert_eq!(c.flag_position("-y"), Some(0));
}

#[test]
fn quote_removal_and_expansions() {
    let script = parse(r#"echo "a b" 'c $d' e\ f "$HOME/x" ${V:-def} $(date) ~/p "" $'t\tn'"#);
    let words = &script.commands()[1].words;
    let literals: Vec<_> = words.iter().map(|w| w.literal()).collect();
    assert_eq!(literals[1].as_deref(), Some("a b"));
    assert_eq!(literals[2].as_deref(), Some("c $d"));
    assert_eq!(literals[3].as_deref(), Some("e f"));
    assert_eq!(literals[4], None);
    assert_eq!(literals[8].as_deref(), Some(""));
    assert_eq!(literals[9].as_deref(), Some("t\tn"));
    assert_eq!(
        words[4].parts,
        vec![
            WordPart::Parameter {
                name: "HOME".into(),
                op: ParameterOp::Value,
                quoting: Quoting::Double
            },
            WordPart::Literal {
                text: "/x".into(),
                quoting: Quoting::Double
            },
        ]
    );
    assert_eq!(
        words[5].parts,
        vec![WordPart::Parameter {
            name: "V".into(),
            op: ParameterOp::Default {
                word: "def".into(),
                if_null: true
            },
            quoting: Quoting::Unquoted
        }]
    );
    assert!(words[6].has_command_substitution());
    assert_eq!(words[7].parts[0], WordPart::Tilde { user: None });
    // `date` from the substitution runs first.
    assert_eq!(script.commands()[0].name().as_deref(), Some("date"));
    assert_eq!(
        script.commands()[0].context,
        vec![Construct::CommandSubstitution]
    );
    assert!(script.commands()[0].in_subshell());
}

#[test]
fn pipelines_subshells_background_and_semicolons() {
    let s = "cd /x; (a || b) | c & d\nwget -qO- http://x | sh";
    let script = parse(s);
    let c = script.commands();
    assert_eq!(c.len(), 7);
    assert_eq!(c[0].followed_by, Some(Operator::Semicolon));
    assert_eq!(
        c[1].context,
        vec![
            Construct::Pipeline {
                position: 0,
                length: 2,
                negated: false
            },
            Construct::Subshell
        ]
    );
    assert!(c[1].in_pipeline() && c[1].in_subshell());
    assert_eq!(c[3].preceded_by, Some(Operator::Pipe));
    assert!(c[3].is_background());
    assert_eq!(c[4].preceded_by, Some(Operator::Background));
    assert_eq!(c[4].followed_by, Some(Operator::Newline));
    assert_eq!(c[5].preceded_by, Some(Operator::Newline));
    assert_eq!(c[5].followed_by, Some(Operator::Pipe));
    assert_eq!(text(s, c[6].span), "sh");
}

#[test]
fn control_structures_are_recorded() {
    let script = parse(
        "if [ -f /a ]; then rm /a; else touch /b; fi\nfor f in x y; do echo $f; done\nwhile false; do :; done\ncase $A in a) echo a;; esac\nf() { mkdir /d; }",
    );
    let c = script.commands();
    assert_eq!(c[0].name().as_deref(), Some("["));
    let clause = match c[0].context[..] {
        [Construct::IfCondition { clause, branch: 0 }] => clause,
        ref other => panic!("{other:?}"),
    };
    assert_eq!(
        c[1].context,
        vec![Construct::IfBranch {
            clause,
            branch: 0,
            is_else: false
        }]
    );
    assert_eq!(
        c[2].context,
        vec![Construct::IfBranch {
            clause,
            branch: 1,
            is_else: true
        }]
    );
    match &c[3].context[0] {
        Construct::ForLoop {
            variable,
            values: Some(values),
        } => {
            assert_eq!(variable, "f");
            assert_eq!(
                values
                    .iter()
                    .filter_map(|w| w.literal())
                    .collect::<Vec<_>>(),
                ["x", "y"]
            );
        }
        other => panic!("expected a for loop, got {other:?}"),
    }
    assert!(c[3].in_loop());
    assert_eq!(c[4].context, vec![Construct::LoopCondition]);
    assert_eq!(c[5].context, vec![Construct::LoopBody]);
    assert!(matches!(c[6].context[0], Construct::CaseBranch { .. }));
    assert_eq!(
        c[7].context,
        vec![
            Construct::FunctionBody { name: "f".into() },
            Construct::BraceGroup
        ]
    );
    assert!(c[7].is_conditional());
}

#[test]
fn redirections_and_heredocs() {
    let s = "cat > /etc/x.conf <<EOF\nhello $HOME\n  'q'\nEOF\ncat <<-'END' | tee -a /a 2>&1 >>/log\n\tliteral $X\n\tEND\n";
    let script = parse(s);
    let c = script.commands();
    assert_eq!(c.len(), 3);
    let first = &c[0];
    assert_eq!(first.redirections.len(), 2);
    assert_eq!(text(s, first.redirections[0].span), "> /etc/x.conf");
    match &first.redirections[0].kind {
        RedirectionKind::Write { target } => {
            assert_eq!(target.literal().as_deref(), Some("/etc/x.conf"))
        }
        other => panic!("{other:?}"),
    }
    let heredoc = first.heredocs().next().expect("a heredoc");
    assert_eq!(heredoc.delimiter, "EOF");
    assert_eq!(heredoc.body, "hello $HOME\n  'q'\n");
    assert!(heredoc.expand);
    let parts = &heredoc
        .parts
        .as_ref()
        .expect("expanding heredoc has parts")
        .parts;
    assert!(parts
        .iter()
        .any(|p| matches!(p, WordPart::Parameter { name, .. } if name == "HOME")));
    assert!(parts
        .iter()
        .any(|p| matches!(p, WordPart::Literal { text, .. } if text.contains("'q'"))));

    let second = &c[1];
    let heredoc = second.heredocs().next().expect("a heredoc");
    assert_eq!(heredoc.body, "literal $X\n");
    assert!(!heredoc.expand && heredoc.strip_tabs && heredoc.parts.is_none());
    let tee = &c[2];
    assert_eq!(text(s, tee.words[1].span), "-a");
    assert_eq!(text(s, tee.words[2].span), "/a");
    assert_eq!(tee.redirections[0].fd, Some(2));
    assert_eq!(
        tee.redirections[0].kind,
        RedirectionKind::DuplicateOutput { target: "1".into() }
    );
    assert_eq!(text(s, tee.redirections[0].span), "2>&1");
    assert!(matches!(
        tee.redirections[1].kind,
        RedirectionKind::Append { .. }
    ));
    assert_eq!(text(s, tee.redirections[1].span), ">>/log");
}

#[test]
fn assignments_and_paths() {
    let s = "DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install -y x; A=1; export B=2";
    let script = parse(s);
    let c = script.commands();
    assert_eq!(c[0].assignments[0].name, "DEBIAN_FRONTEND");
    assert_eq!(
        c[0].assignments[0].value.literal().as_deref(),
        Some("noninteractive")
    );
    assert_eq!(
        text(s, c[0].assignments[0].span),
        "DEBIAN_FRONTEND=noninteractive"
    );
    assert_eq!(c[0].name().as_deref(), Some("/usr/bin/apt-get"));
    assert_eq!(c[0].program().as_deref(), Some("apt-get"));
    assert_eq!(script.commands_named("apt-get").count(), 1);
    assert!(c[1].words.is_empty());
    assert_eq!(c[1].assignments[0].name, "A");
    assert_eq!(c[2].args()[0].literal().as_deref(), Some("B=2"));
}

#[test]
fn non_ascii_spans_are_byte_offsets() {
    let s = "echo héllo >/é && touch /ü";
    let script = parse(s);
    let c = script.commands();
    assert_eq!(text(s, c[0].span), "echo héllo >/é");
    assert_eq!(text(s, c[1].words[1].span), "/ü");
}

#[test]
fn syntax_errors_have_positions() {
    for (script, needle) in [
        ("echo 'abc", "unterminated single quote"),
        ("if true; then echo", "end of script"),
        ("echo )", "`)`"),
    ] {
        let error = parse_script(script).expect_err(script);
        assert!(
            error.message.contains(needle),
            "{script:?}: {}",
            error.message
        );
        assert!(error.span.end <= script.len());
    }
    assert!(parse("").is_empty());
    assert!(parse("# comment only\n").is_empty());
}
