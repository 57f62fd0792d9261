//! `layerlab`: the engine on the command line, for lab authors' CI and for tests.
//!
//! Exit codes: 0 clean, 1 error-level findings, 2 usage or I/O error.
//!
//! Native only: it reads files and folders. (Cargo still builds every binary when the wasm
//! tests are compiled, so under wasm32 this is an empty program.)
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

#[cfg(not(target_arch = "wasm32"))]
mod advise;
#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
mod build;
#[cfg(not(target_arch = "wasm32"))]
mod export;
#[cfg(not(target_arch = "wasm32"))]
mod input;
#[cfg(not(target_arch = "wasm32"))]
mod lint;
#[cfg(not(target_arch = "wasm32"))]
mod parse;

use std::process::ExitCode;

#[cfg(target_arch = "wasm32")]
fn main() {}

const USAGE: &str = "\
layerlab — what `docker build` would do, without a daemon

USAGE:
    layerlab parse [--dump] FILE          parse a Dockerfile; --dump prints BuildKit's AST dump
    layerlab lint FILE [--format text|json|sarif] [--rules buildkit,hadolint,layerlab]
                 [--severity CODE=error|warning|info|off]...
                                          BuildKit checks, hadolint rules, layerlab's own
    layerlab build CONTEXT [-f Dockerfile] [--target T] [--build-arg K=V]... [--platform P]
                 [--format text|json]     the simulated `docker build`: stages, steps, layers
    layerlab export CONTEXT -o OUT [-f Dockerfile] [--target T] [--build-arg K=V]...
                 [--format oci-dir|oci-tar|docker-archive]
                                          write the simulated image (exit 1 if a layer is unknown)
    layerlab advise CONTEXT [-f Dockerfile] [--target T] [--build-arg K=V]... [--format text|json]
                                          best practices with numbers from the simulated build
    layerlab help                         this text

FILE may be `-` for standard input. CONTEXT is a folder, a tar archive (plain, gzip, bzip2,
xz or zstd) or `-` for an archive (or a lone Dockerfile) on standard input, as `docker build`
takes them; with an archive, -f names the Dockerfile inside it (default `Dockerfile`).
Exit codes: 0 clean, 1 error-level findings, 2 usage or I/O error.";

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match argv.first().map(String::as_str) {
        Some("parse") => parse::run(&argv[1..]),
        Some("lint") => lint::run(&argv[1..]),
        Some("build") => build::run(&argv[1..]),
        Some("export") => export::run(&argv[1..]),
        Some("advise") => advise::run(&argv[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return if argv.is_empty() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
        Some("--version" | "-V") => {
            println!("layerlab {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(args::UsageError(format!("unknown command `{other}`")).into()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("layerlab: {e}");
            if matches!(e, args::CliError::Usage(_)) {
                eprintln!("Run `layerlab help` for usage.");
            }
            ExitCode::from(2)
        }
    }
}
