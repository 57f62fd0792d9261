//! Every shell-form RUN of the real-world corpus (319 Dockerfiles) parses, and simulating it
//! never panics.

mod common;

use layerlab::instructions::{parse_text, Command};
use layerlab::shell::parse_script;
use layerlab::simulate::run::{simulate_run, RunInput};
use layerlab::simulate::{Catalogs, Certainty};

#[test]
fn corpus_run_scripts_parse() {
    let Some(dir) = common::shared("corpus/realworld") else {
        return;
    };
    let catalogs = Catalogs::default();
    let mut runs = 0;
    let mut commands = 0;
    let mut failures = Vec::new();
    let mut skipped = 0;
    let (mut exact, mut estimated, mut unknown) = (0, 0, 0);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tsv") || name.ends_with(".md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let (_, instructions) = parse_text(&text);
        // Windows images run RUN through cmd or PowerShell, not a POSIX shell.
        let windows = name.contains("windows") || name.contains("nanoserver");
        for stage in &instructions.stages {
            let base = stage.base.value.to_ascii_lowercase();
            let mut posix = !windows && !base.contains("windows") && !base.contains("nanoserver");
            for command in &stage.commands {
                if let Command::Shell(shell) = &command.value {
                    let program = shell
                        .shell
                        .first()
                        .map(|w| w.value.rsplit(['/', '\\']).next().unwrap_or("").to_string());
                    posix = matches!(program.as_deref(), Some("sh" | "bash" | "ash" | "dash"));
                }
                let Command::Run(run) = &command.value else {
                    continue;
                };
                if !posix {
                    skipped += 1;
                    continue;
                }
                if !run.cmd.prepend_shell || !run.files.is_empty() {
                    continue;
                }
                let script: String = run
                    .cmd
                    .args
                    .iter()
                    .map(|w| w.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                runs += 1;
                match parse_script(&script) {
                    Ok(parsed) => commands += parsed.len(),
                    Err(error) => failures.push(format!(
                        "{name}:{}: {} in {script:?}",
                        command.start_line, error.message
                    )),
                }
                let mut tree = layerlab::fs::Tree::new();
                let mut input = RunInput::shell(&script);
                input.base_known = false;
                let report = simulate_run(&input, &mut tree, &catalogs);
                for effect in &report.effects {
                    match effect.certainty {
                        Certainty::Exact => exact += 1,
                        Certainty::Estimated => estimated += 1,
                        Certainty::Unknown => unknown += 1,
                    }
                }
            }
        }
    }
    eprintln!(
        "{runs} RUN scripts ({skipped} for cmd/PowerShell skipped), {commands} simple commands, {} parse errors",
        failures.len()
    );
    eprintln!(
        "effects: {exact} exact, {estimated} estimated, {unknown} unknown (no base image data)"
    );
    assert!(runs > 500, "{runs} RUN scripts");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
