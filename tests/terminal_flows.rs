//! The simulated docker terminal on the seed example (the tutorial's Dockerfile and its
//! context) and the bundled base-image catalog: the flows a lab walks through.

use layerlab::context::Context;
use layerlab::simulate::Catalogs;
use layerlab::terminal::{self, ImageStore, Output, Workspace};

const DOCKERFILE: &str = include_str!("../gallery/seed/Dockerfile");
const NOW: i64 = 1_800_000_000;

fn seed_context() -> Context {
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
    .expect("seed context")
}

struct Session {
    store: ImageStore,
    context: Context,
    dockerfile: String,
    catalog: Catalogs,
    now: i64,
}

impl Session {
    fn new() -> Session {
        Session {
            store: ImageStore::default(),
            context: seed_context(),
            dockerfile: DOCKERFILE.to_string(),
            catalog: Catalogs::bundled(),
            now: NOW,
        }
    }

    fn run(&mut self, line: &str) -> Output {
        let workspace = Workspace {
            dockerfile: &self.dockerfile,
            context: &self.context,
        };
        terminal::execute(line, &mut self.store, workspace, &self.catalog, self.now)
    }

    /// The engine's simulation of the session's Dockerfile, as the build at NOW sees it.
    fn simulate(&self) -> layerlab::simulate::Build {
        let (parsed, typed) = layerlab::instructions::parse_text(&self.dockerfile);
        layerlab::simulate::build(
            &parsed,
            &typed,
            &self.context,
            &layerlab::simulate::BuildOptions {
                epoch: NOW,
                ..Default::default()
            },
            &self.catalog,
            None,
        )
    }
}

#[test]
fn build_prints_buildkit_plain_progress_and_stores_the_image() {
    let mut s = Session::new();
    let out = s.run("docker build -t app .");
    assert_eq!(out.status, 0, "{}", out.stderr);
    let p = &out.stderr;
    assert!(p.starts_with("#0 building with \"default\" instance using docker driver\n\n#1 [internal] load build definition from Dockerfile\n"), "{p}");
    assert!(
        p.contains("[internal] load metadata for docker.io/library/ubuntu:22.04\n"),
        "{p}"
    );
    assert!(
        p.contains("\n#4 [1/9] FROM docker.io/library/ubuntu:22.04@sha256:"),
        "{p}"
    );
    // Metadata-only instructions have no vertex in BuildKit's progress.
    assert!(!p.contains("LABEL") && !p.contains("EXPOSE"), "{p}");
    assert!(p.contains("\n#5 [3/9] RUN apt-get update && apt-get upgrade -y\n#5 0.000 [layerlab] RUN is simulated: the command was not executed\n"), "{p}");
    assert!(p.contains("\n#8 [internal] load build context\n#8 transferring context: 468B done\n#8 DONE 0.0s\n\n#9 [6/9] COPY . /app\n#9 0.000 [layerlab] 2 file(s), 468 bytes into /app\n#9 DONE 0.0s\n"), "{p}");
    assert!(
        p.contains("naming to docker.io/library/app:latest done"),
        "{p}"
    );
    let images = s.run("docker images");
    let lines: Vec<&str> = images.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "REPOSITORY   TAG       IMAGE ID       CREATED                  SIZE"
    );
    assert!(
        lines[1].starts_with("app          latest    "),
        "{}",
        images.stdout
    );
    assert!(
        lines[1].contains("Less than a second ago"),
        "{}",
        images.stdout
    );
    assert_eq!(s.store.images.len(), 1);
}

#[test]
fn a_second_build_is_cached_and_keeps_the_id() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    let id = s.store.images[0].id.clone();
    s.now += 3600;
    let out = s.run("docker build -t app .");
    assert_eq!(out.status, 0);
    // FROM, three RUNs, WORKDIR and COPY.
    assert_eq!(out.stderr.matches(" CACHED\n").count(), 6, "{}", out.stderr);
    assert!(!out.stderr.contains("RUN is simulated"), "{}", out.stderr);
    assert_eq!(s.store.images.len(), 1);
    assert_eq!(s.store.images[0].id, id);
    let images = s.run("docker images");
    assert!(
        images.stdout.contains("About an hour ago"),
        "{}",
        images.stdout
    );
}

#[test]
fn a_changed_file_rebuilds_from_its_copy_and_leaves_a_dangling_image() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    // The second build is a minute later (images list newest first; equal times would be
    // ordered by ID).
    s.now += 60;
    s.context = Context::from_files([
        ("app.py", b"print('changed')\n".to_vec()),
        (
            "requirements.txt",
            include_str!("../gallery/seed/requirements.txt")
                .as_bytes()
                .to_vec(),
        ),
    ])
    .expect("context");
    let out = s.run("docker build -t app .");
    assert_eq!(out.status, 0);
    // Steps before the COPY stay cached; the COPY and the RUN after it are rebuilt.
    let copy = out.stderr.find("COPY").expect("copy step");
    assert!(out.stderr[..copy].contains("CACHED"), "{}", out.stderr);
    assert!(
        out.stderr[copy..].contains("RUN is simulated"),
        "{}",
        out.stderr
    );
    let images = s.run("docker images");
    let rows: Vec<&str> = images.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{}", images.stdout);
    assert!(rows[0].starts_with("app "), "{}", images.stdout);
    assert!(
        rows[1].starts_with("<none>       <none>"),
        "{}",
        images.stdout
    );
    let pruned = s.run("docker image prune -f");
    assert!(
        pruned
            .stdout
            .starts_with("Deleted Images:\ndeleted: sha256:"),
        "{}",
        pruned.stdout
    );
    assert!(
        pruned.stdout.contains("Total reclaimed space: "),
        "{}",
        pruned.stdout
    );
    assert_eq!(s.store.images.len(), 1);
    let again = s.run("docker image prune -f");
    assert_eq!(again.stdout, "Total reclaimed space: 0B\n");
}

#[test]
fn history_lists_the_steps_newest_first() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    let out = s.run("docker history app");
    assert_eq!(out.status, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("IMAGE          CREATED"),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].starts_with(s.store.images[0].short_id()),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].contains("   CMD [\"python3\" \"app.py\"]   "),
        "{}",
        out.stdout
    );
    assert!(lines[2].starts_with("<missing>"), "{}", out.stdout);
    assert!(
        out.stdout.contains("   EXPOSE [8000/tcp]   "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("RUN /bin/sh -c"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("RUN /bin/sh -c pip3 install -r requirements.…   ?         buildkit"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("COPY . /app # buildkit                          468B "),
        "{}",
        out.stdout
    );
    // Base-image steps keep the catalog's dates and sizes.
    let last = lines.last().copied().unwrap_or_default();
    assert!(
        last.starts_with("<missing>      ")
            && last.contains(" months ago ")
            && last.contains("ARG RELEASE"),
        "{last}"
    );
    assert!(
        out.stdout
            .contains("ADD file:4501ff54ffd37d854b1cfbcd2e37da58bf8…   29.7MB "),
        "{}",
        out.stdout
    );
    let missing = s.run("docker history nope");
    assert_eq!(
        missing.stderr,
        "Error response from daemon: No such image: nope:latest\n"
    );
    assert_eq!(missing.status, 1);
}

#[test]
fn inspect_prints_the_config_as_json() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    let out = s.run("docker inspect app");
    assert_eq!(out.status, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("inspect is JSON");
    assert_eq!(v[0]["Id"], serde_json::json!(s.store.images[0].id));
    assert_eq!(v[0]["RepoTags"], serde_json::json!(["app:latest"]));
    assert_eq!(
        v[0]["Config"]["Cmd"],
        serde_json::json!(["python3", "app.py"])
    );
    assert_eq!(v[0]["Config"]["WorkingDir"], serde_json::json!("/app"));
    assert!(
        v[0]["Config"]["ExposedPorts"].get("8000/tcp").is_some(),
        "{}",
        out.stdout
    );
    let none = s.run("docker inspect nope");
    assert_eq!(none.stdout, "[]\n");
    assert_eq!(none.stderr, "Error: No such object: nope\n");
}

#[test]
fn tag_and_rmi_follow_the_daemon() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    assert_eq!(s.run("docker tag app me/app:1.0").status, 0);
    let images = s.run("docker images");
    assert_eq!(images.stdout.lines().count(), 3, "{}", images.stdout);
    let id = s.store.images[0].id.clone();
    let short = s.store.images[0].short_id().to_string();
    let conflict = s.run(&format!("docker rmi {short}"));
    assert_eq!(
        conflict.stderr,
        format!("Error response from daemon: conflict: unable to delete {short} (must be forced) - image is referenced in multiple repositories\n")
    );
    let untag = s.run("docker rmi me/app:1.0");
    assert_eq!(untag.stdout, "Untagged: me/app:1.0\n");
    let delete = s.run("docker rmi app");
    assert_eq!(
        delete.stdout,
        format!("Untagged: app:latest\nDeleted: {id}\n")
    );
    let none = s.run("docker rmi app");
    assert_eq!(
        none.stderr,
        "Error response from daemon: No such image: app:latest\n"
    );
    assert!(s.store.images.is_empty());
    let bad = s.run("docker tag app Bad");
    assert_eq!(bad.status, 1);
}

#[test]
fn push_and_pull_use_the_in_browser_registry_and_the_catalog() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    let push = s.run("docker push app");
    assert_eq!(push.status, 0, "{}", push.stderr);
    let lines: Vec<&str> = push.stdout.lines().collect();
    assert_eq!(lines[0], "Using default tag: latest");
    assert_eq!(
        lines[1],
        "The push refers to repository [docker.io/library/app]"
    );
    assert!(
        lines.iter().any(|l| l.ends_with(": Pushed")),
        "{}",
        push.stdout
    );
    assert!(
        lines.contains(&"39a945af8df2: Mounted from library/ubuntu"),
        "{}",
        push.stdout
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("latest: digest: sha256:") && l.contains(" size: ")),
        "{}",
        push.stdout
    );
    let again = s.run("docker push app:latest");
    assert!(
        again.stdout.contains("Layer already exists"),
        "{}",
        again.stdout
    );
    assert!(!again.stdout.contains("Using default tag"));
    let missing = s.run("docker push other");
    assert_eq!(
        missing.stderr,
        "An image does not exist locally with the tag: other\n"
    );

    s.run("docker rmi app");
    let pulled = s.run("docker pull app");
    assert!(
        pulled
            .stdout
            .contains("Status: Downloaded newer image for app:latest"),
        "{}",
        pulled.stdout
    );
    assert!(
        pulled.stdout.ends_with("docker.io/library/app:latest\n"),
        "{}",
        pulled.stdout
    );

    let base = s.run("docker pull alpine:3.20");
    assert_eq!(base.status, 0, "{}", base.stderr);
    assert!(
        base.stdout
            .starts_with("3.20: Pulling from library/alpine\n"),
        "{}",
        base.stdout
    );
    assert!(
        base.stdout.contains(": Pull complete\nDigest: sha256:"),
        "{}",
        base.stdout
    );
    let inspect = s.run("docker inspect alpine:3.20");
    let v: serde_json::Value = serde_json::from_str(&inspect.stdout).expect("inspect JSON");
    assert_eq!(
        v[0]["RepoDigests"],
        serde_json::json!([
            "alpine@sha256:765942a4039992336de8dd5db680586e1a206607dd06170ff0a37267a9e01958"
        ])
    );
    // The catalog's real image ID (config digest) of alpine:3.20 for linux/amd64.
    assert_eq!(
        v[0]["Id"],
        serde_json::json!(
            "sha256:e89557652e7472b26d49f1d45638ac744a2928ddada818777a6ce4076f64f7e6"
        )
    );
    let up = s.run("docker pull alpine:3.20");
    assert!(!up.stdout.contains("Pull complete"), "{}", up.stdout);
    assert!(
        up.stdout
            .contains("Status: Image is up to date for alpine:3.20"),
        "{}",
        up.stdout
    );
    let unknown = s.run("docker pull ubuntu:99.99");
    assert!(unknown.stderr.starts_with("Error response from daemon: manifest for ubuntu:99.99 not found: manifest unknown: manifest unknown\n"), "{}", unknown.stderr);
    let private = s.run("docker pull someone/thing");
    assert!(
        private
            .stderr
            .contains("pull access denied for someone/thing"),
        "{}",
        private.stderr
    );
}

#[test]
fn build_errors_are_buildkits() {
    let mut s = Session::new();
    s.dockerfile = "FROM ubuntu:22.04\nCOPY missing.txt /x\n".into();
    let out = s.run("docker build -t bad .");
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref: \"/missing.txt\": not found"), "{}", out.stderr);
    s.dockerfile = "FROMM ubuntu\n".into();
    let out = s.run("docker build .");
    assert!(
        out.stderr.contains(
            "ERROR: failed to solve: dockerfile parse error on line 1: unknown instruction: FROMM"
        ),
        "{}",
        out.stderr
    );
    let out = s.run("docker build");
    assert!(out
        .stderr
        .starts_with("ERROR: \"docker buildx build\" requires exactly 1 argument."));
    s.dockerfile = "FROM nosuchimage:1\n".into();
    let out = s.run("docker build .");
    assert!(
        out.stderr
            .contains("failed to resolve source metadata for docker.io/library/nosuchimage:1"),
        "{}",
        out.stderr
    );
    let out = s.run("docker build --target nope .");
    assert!(
        out.stderr
            .contains("target stage \"nope\" could not be found"),
        "{}",
        out.stderr
    );
}

#[test]
fn multi_stage_builds_only_what_the_target_needs() {
    let mut s = Session::new();
    s.dockerfile = "FROM alpine:3.20 AS build\nWORKDIR /src\nCOPY app.py .\nRUN echo built > /src/out\n\nFROM alpine:3.20 AS unused\nRUN echo never\n\nFROM alpine:3.20\nCOPY --from=build /src /app\nCMD [\"/app/out\"]\n".into();
    let out = s.run("docker build -t multi .");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("[build 2/4] WORKDIR /src"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("[stage-2 2/3] COPY --from=build /src /app"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("echo never"), "{}", out.stderr);
    let image = &s.store.images[0];
    assert!(
        image.added_paths.contains(&"/app/app.py".to_string()),
        "{:?}",
        image.added_paths
    );
    let target = s.run("docker build --target build -t b .");
    assert_eq!(target.status, 0);
    assert!(!target.stderr.contains("stage-2"), "{}", target.stderr);
}

#[test]
fn the_store_survives_serialisation() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    s.run("docker push app");
    let json = s.store.to_json();
    let back = ImageStore::from_json_or_default(Some(&json));
    assert_eq!(back, s.store);
    assert_eq!(
        ImageStore::from_json_or_default(Some("{broken")),
        ImageStore::default()
    );
}

#[test]
fn completion_and_help() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    assert_eq!(terminal::complete("doc", &s.store), ["docker"]);
    assert_eq!(terminal::complete("docker hi", &s.store), ["history"]);
    assert_eq!(
        terminal::complete("docker history a", &s.store),
        ["app:latest"]
    );
    assert_eq!(
        terminal::complete("docker image p", &s.store),
        ["prune", "pull", "push"]
    );
    assert_eq!(
        terminal::common_prefix(&["push".into(), "pull".into()]),
        "pu"
    );
    assert!(s.run("help").stdout.contains("docker build -t app ."));
    assert_eq!(s.run("ls").status, 127);
    assert!(s.run("clear").clear);
    assert_eq!(
        s.run("docker frob").stderr,
        "docker: 'frob' is not a docker command.\nSee 'docker --help'\n"
    );
}

#[test]
#[ignore = "prints the outputs for a reader"]
fn show() {
    let mut s = Session::new();
    for l in [
        "docker build -t app .",
        "docker images",
        "docker history app",
        "docker push app",
        "docker pull alpine:3.20",
        "docker images",
    ] {
        let o = s.run(l);
        println!("$ {l}\n{}{}", o.stdout, o.stderr);
    }
}

#[test]
fn an_exact_build_gets_the_real_image_id_and_inspect_shows_diff_ids() {
    let mut s = Session::new();
    s.dockerfile = "FROM scratch\nCOPY app.py /\nCMD [\"/app.py\"]\n".into();
    let out = s.run("docker build -q -t exact .");
    assert_eq!(out.status, 0, "{}", out.stderr);
    // -q prints only the ID; it is the config digest of the simulation (every byte known).
    let sim = s.simulate();
    let digest = sim.artifacts.config_digest.clone().expect("exact build");
    assert_eq!(out.stdout, format!("{digest}\n"));
    let inspect = s.run("docker inspect exact");
    let v: serde_json::Value = serde_json::from_str(&inspect.stdout).expect("json");
    assert_eq!(v[0]["Id"], serde_json::json!(digest));
    assert_eq!(
        v[0]["RootFS"]["Layers"][0],
        serde_json::json!(sim.layers[0].diff_id.clone().expect("diff_id"))
    );
    assert_eq!(inspect.stderr, "", "no note: every layer is a real diff_id");
}

#[test]
fn build_flags_file_build_args_no_cache() {
    let mut s = Session::new();
    s.context = Context::from_files([
        ("app.py", b"print(1)\n".to_vec()),
        (
            "Dockerfile.dev",
            b"ARG BASE=alpine:3.20\nFROM ${BASE}\nARG GREETING=hi\nRUN echo $GREETING\n".to_vec(),
        ),
    ])
    .expect("context");
    let out = s.run("docker build -f Dockerfile.dev --build-arg GREETING=hello -t dev .");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("#1 [internal] load build definition from Dockerfile.dev\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("FROM docker.io/library/alpine:3.20@sha256:"),
        "{}",
        out.stderr
    );
    let history = s.run("docker history --no-trunc dev");
    assert!(
        history
            .stdout
            .contains("RUN |1 GREETING=hello /bin/sh -c echo $GREETING # buildkit"),
        "{}",
        history.stdout
    );
    let again =
        s.run("docker build --no-cache -f Dockerfile.dev --build-arg GREETING=hello -t dev .");
    // Only the base image (already pulled) is CACHED; the RUN runs again.
    assert_eq!(
        again.stderr.matches(" CACHED\n").count(),
        1,
        "{}",
        again.stderr
    );
    assert!(
        again
            .stderr
            .contains("RUN echo $GREETING\n#5 0.000 [layerlab] RUN is simulated"),
        "{}",
        again.stderr
    );
    let missing = s.run("docker build -f nope.Dockerfile .");
    assert!(missing.stderr.ends_with("ERROR: failed to solve: failed to read dockerfile: open nope.Dockerfile: no such file or directory\n"), "{}", missing.stderr);
    let all = s.run("docker image prune -a -f");
    assert!(
        all.stdout
            .starts_with("Deleted Images:\nuntagged: dev:latest\ndeleted: sha256:"),
        "{}",
        all.stdout
    );
    assert!(s.store.images.is_empty());
}

#[test]
fn inspect_shows_the_whole_runtime_config_the_build_made() {
    let mut s = Session::new();
    s.dockerfile = "FROM scratch\nCOPY app.py /\n\
        HEALTHCHECK --interval=5s --retries=2 CMD [\"/app.py\", \"--health\"]\n\
        ONBUILD COPY . /src\nCMD [\"/app.py\"]\n"
        .into();
    let out = s.run("docker build -q -t full .");
    assert_eq!(out.status, 0, "{}", out.stderr);
    let sim = s.simulate();
    let expected: serde_json::Value =
        serde_json::from_str(&sim.image_config().config.to_json().to_compact()).expect("json");
    assert!(expected["Healthcheck"].is_object() && expected["OnBuild"].is_array());
    let inspect = s.run("docker inspect full");
    let v: serde_json::Value = serde_json::from_str(&inspect.stdout).expect("json");
    // docker inspect shows the container-config shape (Hostname, Tty, …) around the image's
    // own settings: every setting of the image config is there with the same value.
    for (key, value) in expected.as_object().expect("object") {
        assert_eq!(&v[0]["Config"][key], value, "{key}: {}", inspect.stdout);
    }
}

#[test]
fn a_store_saved_before_healthcheck_and_onbuild_were_kept_still_loads() {
    let mut s = Session::new();
    s.run("docker build -t app .");
    let mut saved = serde_json::to_value(&s.store).expect("store json");
    for image in saved["images"].as_array_mut().expect("images") {
        let config = image["config"].as_object_mut().expect("config");
        for key in ["args_escaped", "healthcheck", "on_build"] {
            assert!(config.remove(key).is_some(), "{key} is saved now");
        }
    }
    let old: ImageStore = serde_json::from_value(saved).expect("an old store loads");
    assert_eq!(old.images.len(), 1);
    assert_eq!(old.images[0].config.healthcheck, None);
    assert!(old.images[0].config.on_build.is_empty());
}
