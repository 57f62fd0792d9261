//! Lab checks on the seed example and on variants a learner would write.

use layerlab::context::Context;
use layerlab::labcheck::{evaluate_dockerfile, glob_match, parse_checks, CheckResult, Status};
use layerlab::simulate::Catalogs;

const SEED: &str = include_str!("../gallery/seed/Dockerfile");
const NOW: i64 = 1_800_000_000;

const CHECKS: &str = r#"[{"type":"max_layers","value":5},
 {"type":"base_image","pattern":"python:*-slim"},
 {"type":"rule_absent","code":"DL3008"},
 {"type":"file_exists","path":"/app/app.py"},
 {"type":"exposes","port":"8000/tcp"},
 {"type":"cmd","value":["python3","app.py"]},
 {"type":"max_size","bytes":150000000, "label":"Small image"}]"#;

fn context() -> Context {
    Context::from_files([
        (
            "app.py",
            include_str!("../gallery/seed/app.py").as_bytes().to_vec(),
        ),
        (
            "requirements.txt",
            include_str!("../gallery/seed/requirements.txt")
                .as_bytes()
                .to_vec(),
        ),
    ])
    .expect("context")
}

fn run(dockerfile: &str, checks: &str) -> Vec<CheckResult> {
    let checks = parse_checks(checks).expect("checks parse");
    let catalog = Catalogs::bundled();
    evaluate_dockerfile(&checks, dockerfile, &context(), &catalog, NOW).1
}

#[test]
fn the_seed_fails_the_slim_lab_where_it_should() {
    let r = run(SEED, CHECKS);
    let status: Vec<Status> = r.iter().map(|c| c.status).collect();
    assert_eq!(
        status,
        [
            Status::Passed, // 5 layers: 3 RUN, WORKDIR, COPY
            Status::Failed, // ubuntu:22.04
            Status::Failed, // DL3008: apt-get install without pinned versions
            Status::Passed, // COPY . /app
            Status::Passed,
            Status::Passed,
            Status::Failed, // ~526MB with the estimated apt-get install
        ],
        "{r:#?}"
    );
    assert_eq!(r[0].label, "At most 5 layers");
    assert_eq!(
        r[0].detail,
        "the Dockerfile adds 5 layer(s) to the final image (at most 5)"
    );
    assert_eq!(r[1].detail, "the final stage starts from ubuntu:22.04");
    assert_eq!(r[3].detail, "/app/app.py is added by the Dockerfile");
    assert_eq!(r[6].label, "Small image");
    assert!(r[6].detail.starts_with("about "), "{}", r[6].detail);
    assert!(
        r[6].detail
            .contains("(limit 150MB); 2 RUN layer(s) estimated, 1 of unknown size not counted"),
        "{}",
        r[6].detail
    );
    assert!(
        r[2].detail
            .starts_with("1 DL3008 finding(s); first at line 8: "),
        "{}",
        r[2].detail
    );
    assert!(!r[6].passed);
}

#[test]
fn a_slim_single_layer_version_passes_everything() {
    let good = "FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py requirements.txt ./\nEXPOSE 8000\nCMD [\"python3\", \"app.py\"]\n";
    let r = run(good, CHECKS);
    assert!(r.iter().all(|c| c.passed), "{r:#?}");
    assert_eq!(r[1].detail, "the final stage starts from python:3.12-slim");
}

#[test]
fn broken_dockerfiles_fail_image_checks_with_the_reason() {
    let r = run(
        "FROM ubuntu:22.04\nCOPY nothere /x\n",
        r#"[{"type":"exposes","port":8000},{"type":"no_errors"}]"#,
    );
    assert_eq!(r[0].status, Status::Failed);
    assert!(
        r[0].detail
            .starts_with("the image does not build: failed to compute cache key"),
        "{}",
        r[0].detail
    );
    // The simulation's own error is a diagnostic: the Dockerfile does not pass `no_errors`.
    assert_eq!(r[1].status, Status::Failed, "{r:#?}");
    assert!(
        r[1].detail.starts_with("1 error(s); first at line 2: "),
        "{}",
        r[1].detail
    );
    assert!(r[1].detail.contains("nothere"), "{}", r[1].detail);
    let r = run("FROMM x\n", r#"[{"type":"no_errors"}]"#);
    assert_eq!(r[0].status, Status::Failed);
    assert!(
        r[0].detail.ends_with(
            " error(s); first at line 1: unknown instruction: FROMM (did you mean FROM?)"
        ),
        "{}",
        r[0].detail
    );
}

#[test]
fn files_from_scratch_images_are_decided() {
    let r = run(
        "FROM scratch\nCOPY app.py /\n",
        r#"[{"type":"file_exists","path":"/app.py"},{"type":"file_exists","path":"/bin/sh"},{"type":"max_size","bytes":1000000}]"#,
    );
    assert_eq!(r[0].status, Status::Passed, "{r:#?}");
    assert_eq!(r[1].status, Status::Failed, "{r:#?}");
    assert_eq!(r[2].status, Status::Passed, "{r:#?}");
}

#[test]
fn parse_errors_name_the_check_and_field() {
    let err = |s: &str| parse_checks(s).unwrap_err().to_string();
    assert_eq!(
        err("{"),
        "lab checks: not valid JSON: EOF while parsing an object at line 1 column 1"
    );
    assert!(err("{}").starts_with("lab checks: expected a JSON array"));
    assert!(err(r#"[{"type":"max_layer","value":5}]"#)
        .starts_with("lab checks: check 1: unknown type \"max_layer\" (one of max_layers,"));
    assert_eq!(
        err(r#"[{"type":"no_errors"},{"type":"max_layers","value":-1}]"#),
        "lab checks: check 2 (max_layers): \"value\" must be a non-negative integer"
    );
    assert_eq!(err(r#"[{"type":"cmd","value":"python3 app.py"}]"#), "lab checks: check 1 (cmd): \"value\" must be a list of strings, like [\"python3\",\"app.py\"]");
    assert_eq!(
        err(r#"[{"type":"file_exists","path":"app.py"}]"#),
        "lab checks: check 1 (file_exists): \"path\" must be an absolute path like \"/app/app.py\""
    );
    assert_eq!(
        err(r#"[{"type":"exposes","port":"http"}]"#),
        "lab checks: check 1 (exposes): \"port\" must look like 8000 or \"8000/tcp\""
    );
    assert_eq!(err(r#"[{"value":1}]"#), "lab checks: check 1: missing \"type\" (one of max_layers, base_image, rule_absent, no_errors, file_exists, exposes, cmd, entrypoint, user, max_size)");
}

#[test]
fn globs() {
    assert!(glob_match("python:*-slim", "python:3.12-slim"));
    assert!(!glob_match("python:*-slim", "python:3.12"));
    assert!(glob_match("alpine:3.?0", "alpine:3.20"));
    assert!(glob_match("*", ""));
    assert!(!glob_match("a", "ab"));
}
