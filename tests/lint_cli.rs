//! `layerlab lint` on the command line: formats and exit codes that gate a build.

use std::io::Write;
use std::process::Command;

fn run(args: &[&str], dockerfile: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(dockerfile.as_bytes())
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .arg("lint")
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn exit_codes_gate_the_build() {
    // Warnings only: 0.
    let (code, text) = run(&[], "FROM alpine:3.20 as build\n");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("warning[FromAsCasing]"), "{text}");
    // An error-severity rule (DL3000 is an error in hadolint): 1.
    let (code, _) = run(&[], "FROM alpine:3.20\nWORKDIR app\n");
    assert_eq!(code, 1);
    // Only BuildKit checks, under check=error=true: 1.
    let (code, _) = run(
        &["--rules", "buildkit"],
        "# check=error=true\nFROM alpine:3.20 as b\n",
    );
    assert_eq!(code, 1);
    let (code, _) = run(&["--rules", "buildkit"], "FROM alpine:3.20 AS b\n");
    assert_eq!(code, 0);
    // A severity override turns a warning into a gate.
    let (code, _) = run(
        &["--severity", "FromAsCasing=error"],
        "FROM alpine:3.20 as b\n",
    );
    assert_eq!(code, 1);
    // Usage errors: 2.
    let (code, _) = run(&["--format", "xml"], "FROM alpine\n");
    assert_eq!(code, 2);
    let (code, _) = run(&["--severity", "NOPE=error"], "FROM alpine\n");
    assert_eq!(code, 2);
    let out = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(["lint", "/nonexistent/Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_and_sarif_formats() {
    let (_, json) = run(
        &["--format", "json", "--rules", "hadolint"],
        "FROM debian\nRUN cd /x\n",
    );
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let codes: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DL3006", "DL3003"]);
    assert_eq!(rows[1]["line"], 2);
    assert_eq!(rows[1]["rule_set"], "hadolint");
    let (_, sarif) = run(&["--format", "sarif"], "FROM debian\nRUN cd /x\n");
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["runs"][0]["results"].as_array().unwrap().len() >= 2);
}
