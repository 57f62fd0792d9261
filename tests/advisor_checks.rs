//! Each kind of advice on a small Dockerfile built for it, simulated for real: the numbers
//! come from the simulated layers and the catalogs, and every fix is applied and
//! re-simulated.

use layerlab::advisor::{advise, apply_fix, Advice};
use layerlab::context::Context;
use layerlab::simulate::{build, Build, BuildOptions, Catalogs};

fn run(dockerfile: &str, ctx: &Context, catalogs: &Catalogs) -> (Build, Vec<Advice>) {
    let parsed = layerlab::syntax::parse(dockerfile);
    assert!(parsed.is_ok(), "{dockerfile}");
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    let b = build(&parsed, &ins, ctx, &BuildOptions::default(), catalogs, None);
    assert!(!b.has_errors(), "{:?}\n{dockerfile}", b.diagnostics);
    let advice = advise(&b, &parsed, catalogs);
    for a in &advice {
        eprintln!(
            "{}. [{}] {} {:?} saving {:?}\n   {}",
            a.number, a.id, a.title, a.lines, a.saving_bytes, a.detail
        );
    }
    (b, advice)
}

fn only<'a>(advice: &'a [Advice], id: &str) -> Vec<&'a Advice> {
    advice.iter().filter(|a| a.id == id).collect()
}

fn image_bytes(b: &Build) -> u64 {
    b.layers.iter().filter_map(|l| l.size).sum()
}

fn ctx(files: &[(&str, Vec<u8>)]) -> Context {
    Context::from_files(files.iter().map(|(p, b)| (*p, b.clone()))).expect("context")
}

#[test]
fn a_file_added_in_one_run_and_deleted_in_a_later_one_is_wasted() {
    let catalogs = Catalogs::bundled();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let context = ctx(&[("data.bin", data)]);
    let text = "FROM debian:bookworm-slim\nCOPY data.bin /src/data.bin\nRUN cp /src/data.bin /opt/data.bin && echo ok > /opt/note.txt\n# not needed after all\nRUN rm /opt/data.bin\n";
    let (before, advice) = run(text, &context, &catalogs);
    let wasted = only(&advice, "wasted-space");
    assert_eq!(wasted.len(), 1, "{advice:?}");
    let w = wasted[0];
    assert_eq!(w.lines, vec![3, 5]);
    assert_eq!(w.saving_bytes, Some(100_000));
    assert!(w.detail.contains("/opt/data.bin"), "{}", w.detail);
    // The fix merges the two RUNs: the copy never reaches a layer.
    let fix = w.fix.as_ref().expect("wasted-space fix");
    let fixed = apply_fix(text, fix).expect("applies");
    assert!(fixed.contains("# not needed after all\nRUN cp /src/data.bin /opt/data.bin && echo ok > /opt/note.txt \\\n    && rm /opt/data.bin"), "{fixed}");
    let (after, advice) = run(&fixed, &context, &catalogs);
    assert!(only(&advice, "wasted-space").is_empty());
    assert_eq!(image_bytes(&before) - image_bytes(&after), 100_000);
    assert_eq!(after.layers.len() + 1, before.layers.len());
}

#[test]
fn a_file_overwritten_by_a_later_copy_is_wasted_without_a_fix() {
    let catalogs = Catalogs::bundled();
    let context = ctx(&[("a.conf", vec![b'a'; 3000]), ("b.conf", vec![b'b'; 10])]);
    let text =
        "FROM alpine:3.20\nCOPY a.conf /etc/app.conf\nWORKDIR /srv\nCOPY b.conf /etc/app.conf\n";
    let (_, advice) = run(text, &context, &catalogs);
    let wasted = only(&advice, "wasted-space");
    assert_eq!(wasted.len(), 1);
    assert_eq!(wasted[0].lines, vec![2, 4]);
    assert_eq!(wasted[0].saving_bytes, Some(3000));
    assert!(wasted[0].title.contains("rewrites"));
    assert!(wasted[0].fix.is_none());
}

#[test]
fn apt_lists_deleted_by_a_later_run_are_still_shipped() {
    let catalogs = Catalogs::bundled();
    let text = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n";
    let (_, advice) = run(text, &Context::new(), &catalogs);
    let lists = only(&advice, "clean-in-same-layer");
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].lines, vec![2, 3]);
    assert!(lists[0].detail.contains("only hides them"));
    // The same bytes are not reported again as wasted space.
    assert!(only(&advice, "wasted-space").is_empty());
    // Line 3 needs the lists: no one-click append on line 2, the merge comes first.
    assert!(lists[0].fix.is_none());
    let merge = only(&advice, "merge-runs");
    assert_eq!(merge.len(), 1);
    let merged = apply_fix(text, merge[0].fix.as_ref().unwrap()).unwrap();
    let (_, advice) = run(&merged, &Context::new(), &catalogs);
    assert!(only(&advice, "clean-in-same-layer").is_empty(), "{merged}");
    assert!(only(&advice, "merge-runs").is_empty());
}

#[test]
fn apt_update_alone_gets_the_cleanup_appended() {
    let catalogs = Catalogs::bundled();
    let text = "FROM debian:bookworm-slim\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends ca-certificates\nCMD [\"bash\"]\n";
    let (before, advice) = run(text, &Context::new(), &catalogs);
    let lists = only(&advice, "clean-in-same-layer");
    assert_eq!(lists.len(), 1);
    let saving = lists[0].saving_bytes.expect("lists size");
    let fixed = apply_fix(text, lists[0].fix.as_ref().unwrap()).unwrap();
    assert!(
        fixed.contains("ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\n"),
        "{fixed}"
    );
    let (after, advice) = run(&fixed, &Context::new(), &catalogs);
    assert!(only(&advice, "clean-in-same-layer").is_empty());
    assert_eq!(image_bytes(&before) - image_bytes(&after), saving);
}

#[test]
fn the_same_image_line_has_a_slim_variant() {
    let catalogs = Catalogs::bundled();
    let text = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n";
    let (_, advice) = run(text, &Context::new(), &catalogs);
    let base = only(&advice, "minimal-base");
    assert_eq!(base.len(), 1);
    let images = catalogs.base_images.as_ref().unwrap();
    let full = images.lookup("python:3.12", None).unwrap().total_size;
    let slim = images.lookup("python:3.12-slim", None).unwrap().total_size;
    assert_eq!(base[0].saving_bytes, Some(full - slim));
    assert!(
        base[0].detail.contains("python:3.12-alpine"),
        "{}",
        base[0].detail
    );
    let fixed = apply_fix(text, base[0].fix.as_ref().unwrap()).unwrap();
    assert_eq!(
        fixed,
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n"
    );
    let (_, advice) = run(&fixed, &Context::new(), &catalogs);
    assert!(only(&advice, "minimal-base").is_empty());
}

#[test]
fn build_tools_in_the_final_stage_suggest_a_builder_stage() {
    let catalogs = Catalogs::bundled();
    let text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc make libssl-dev && rm -rf /var/lib/apt/lists/*\n";
    let (_, advice) = run(text, &Context::new(), &catalogs);
    let ms = only(&advice, "multi-stage");
    assert_eq!(ms.len(), 1);
    assert!(
        ms[0].title.contains("gcc, make, libssl-dev"),
        "{}",
        ms[0].title
    );
    assert!(ms[0].saving_bytes.is_some_and(|b| b > 10_000_000));
    assert!(ms[0].detail.contains("COPY --from=build"));
    assert!(ms[0].fix.is_none());

    let go =
        "FROM golang:1.22\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /app .\nCMD [\"/app\"]\n";
    let context = ctx(&[("main.go", b"package main\nfunc main() {}\n".to_vec())]);
    let (_, advice) = run(go, &context, &catalogs);
    let ms = only(&advice, "multi-stage");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].lines, vec![1]);
}

#[test]
fn node_build_in_the_final_stage_ships_dev_dependencies() {
    let catalogs = Catalogs::bundled();
    let context = ctx(&[
        ("package.json", b"{\"name\":\"x\"}".to_vec()),
        ("src/index.ts", b"export {}".to_vec()),
    ]);
    let text = "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nRUN npm run build\nCMD [\"node\", \"dist/index.js\"]\n";
    let (_, advice) = run(text, &context, &catalogs);
    let ms = only(&advice, "multi-stage");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].lines, vec![4, 6]);
    let production = text.replace(
        "FROM node:20-slim\n",
        "FROM node:20-slim\nENV NODE_ENV=production\n",
    );
    let (_, advice) = run(&production, &context, &catalogs);
    assert!(only(&advice, "multi-stage").is_empty());
}

#[test]
fn npm_manifests_are_copied_before_the_code() {
    let catalogs = Catalogs::bundled();
    let context = ctx(&[
        ("package.json", b"{\"name\":\"x\"}".to_vec()),
        ("package-lock.json", b"{}".to_vec()),
        ("server.js", b"console.log(1)".to_vec()),
    ]);
    let text =
        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n";
    let (_, advice) = run(text, &context, &catalogs);
    let order = only(&advice, "cache-order");
    assert_eq!(order.len(), 1);
    assert_eq!(order[0].lines, vec![3, 4]);
    let fixed = apply_fix(text, order[0].fix.as_ref().unwrap()).unwrap();
    assert_eq!(
        fixed,
        "FROM node:20-slim\nWORKDIR /app\nCOPY package-lock.json package.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n"
    );
    let (_, advice) = run(&fixed, &context, &catalogs);
    assert!(only(&advice, "cache-order").is_empty());
}

#[test]
fn an_install_that_needs_the_sources_gets_no_reordering() {
    let catalogs = Catalogs::bundled();
    let context = ctx(&[
        ("requirements.txt", b"flask\n".to_vec()),
        ("setup.py", b"".to_vec()),
    ]);
    let text = "FROM python:3.12-slim\nCOPY . /src\nRUN pip install --no-cache-dir -r /src/requirements.txt /src\n";
    let (_, advice) = run(text, &context, &catalogs);
    let order = only(&advice, "cache-order");
    assert_eq!(order.len(), 1);
    assert!(order[0].fix.is_none());
}

#[test]
fn cache_mounts_keep_lists_and_caches_out_of_the_layer() {
    let catalogs = Catalogs::bundled();
    let text = "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends python3-pip\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n";
    let (_, advice) = run(text, &Context::new(), &catalogs);
    assert!(only(&advice, "clean-in-same-layer").is_empty());
    assert!(only(&advice, "package-cache").is_empty());
}

#[test]
fn recommends_on_an_unknown_base_are_reported_without_numbers() {
    let catalogs = Catalogs::bundled();
    let text = "FROM example.com/team/debian-base:1\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n";
    let (_, advice) = run(text, &Context::new(), &catalogs);
    let rec = only(&advice, "no-install-recommends");
    assert_eq!(rec.len(), 1);
    assert_eq!(rec[0].saving_bytes, None);
    assert_eq!(rec[0].certainty, layerlab::simulate::Certainty::Unknown);
    let fixed = apply_fix(text, rec[0].fix.as_ref().unwrap()).unwrap();
    assert!(fixed.contains("apt-get install --no-install-recommends -y curl"));
}

#[test]
fn apk_without_no_cache() {
    let catalogs = Catalogs::bundled();
    let text = "FROM alpine:3.20\nRUN apk add curl\n";
    let (_, advice) = run(text, &Context::new(), &catalogs);
    let cache = only(&advice, "package-cache");
    assert_eq!(cache.len(), 1);
    let fixed = apply_fix(text, cache[0].fix.as_ref().unwrap()).unwrap();
    assert_eq!(fixed, "FROM alpine:3.20\nRUN apk add --no-cache curl\n");
}

#[test]
fn merging_keeps_a_failing_list_fatal() {
    let catalogs = Catalogs::bundled();
    let text = "FROM alpine:3.20\nRUN touch /a\nRUN set -eu; touch /b; touch /c\n";
    let (_, advice) = run(text, &Context::new(), &catalogs);
    let merge = only(&advice, "merge-runs");
    let fixed = apply_fix(text, merge[0].fix.as_ref().unwrap()).unwrap();
    assert_eq!(
        fixed,
        "FROM alpine:3.20\nRUN touch /a \\\n    && ( set -eu; touch /b; touch /c )\n"
    );
}

#[test]
fn merging_keeps_each_run_in_its_directory() {
    let catalogs = Catalogs::bundled();
    let text = "FROM alpine:3.20\nRUN mkdir -p /w && cd /w && touch a\nRUN touch b\n";
    let (before, advice) = run(text, &Context::new(), &catalogs);
    let merge = only(&advice, "merge-runs");
    let fixed = apply_fix(text, merge[0].fix.as_ref().unwrap()).unwrap();
    assert_eq!(
        fixed,
        "FROM alpine:3.20\nRUN ( mkdir -p /w && cd /w && touch a ) \\\n    && touch b\n"
    );
    let (after, _) = run(&fixed, &Context::new(), &catalogs);
    let paths = |b: &Build| {
        let mut p: Vec<String> = b
            .layers
            .iter()
            .flat_map(|l| l.changes.iter().map(|c| c.path.clone()))
            .collect();
        p.sort();
        p
    };
    assert_eq!(paths(&before), paths(&after));
}

#[test]
fn every_prefix_of_a_dockerfile_is_advised_without_panicking() {
    let catalogs = Catalogs::bundled();
    let text = "# é escape test\nFROM ubuntu:22.04\nRUN apt-get update && \\\n  apt-get install -y python3-pip # ünïcode\nRUN pip3 install flask\nCOPY . /app\nRUN pip3 install -r /app/requirements.txt\n";
    let context = ctx(&[("requirements.txt", b"flask\n".to_vec())]);
    let mut advised = 0;
    for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
        let prefix = &text[..end];
        let parsed = layerlab::syntax::parse(prefix);
        let ins = layerlab::instructions::parse(&parsed.dockerfile);
        let b = build(
            &parsed,
            &ins,
            &context,
            &BuildOptions::default(),
            &catalogs,
            None,
        );
        for a in advise(&b, &parsed, &catalogs) {
            advised += 1;
            if let Some(fix) = &a.fix {
                let fixed = apply_fix(prefix, fix).expect("a fix applies to its own text");
                assert!(
                    layerlab::syntax::parse(&fixed).is_ok(),
                    "{}:\n{fixed}",
                    a.id
                );
            }
        }
    }
    assert!(advised > 0);
}
