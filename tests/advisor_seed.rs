//! The advisor on the gallery's seed example (the tutorial's Dockerfile) and on its rewrite
//! following the advice, plus wasted space computed from real simulated layers.

use std::path::Path;

use layerlab::advisor::{advise, apply_fix, Advice};
use layerlab::context::Context;
use layerlab::simulate::{build, Build, BuildOptions, Catalogs};

fn simulate(
    dockerfile: &str,
    ctx: &Context,
    catalogs: &Catalogs,
) -> (Build, layerlab::syntax::Parsed) {
    let parsed = layerlab::syntax::parse(dockerfile);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    let b = build(&parsed, &ins, ctx, &BuildOptions::default(), catalogs, None);
    (b, parsed)
}

fn gallery(name: &str) -> (String, Context) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("gallery")
        .join(name);
    let ctx = Context::from_dir(&dir).expect("gallery context");
    let text = std::fs::read_to_string(dir.join("Dockerfile")).expect("Dockerfile");
    (text, ctx)
}

fn advice_for(text: &str, ctx: &Context, catalogs: &Catalogs) -> (Build, Vec<Advice>) {
    let (b, parsed) = simulate(text, ctx, catalogs);
    let advice = advise(&b, &parsed, catalogs);
    (b, advice)
}

fn print(advice: &[Advice]) {
    for a in advice {
        eprintln!(
            "{}. [{}] {} | lines {:?} | before {:?} after {:?} saving {:?} ({:?}) fix: {}\n   {}",
            a.number,
            a.id,
            a.title,
            a.lines,
            a.estimated_before_bytes,
            a.estimated_after_bytes,
            a.saving_bytes,
            a.certainty,
            a.fix
                .as_ref()
                .map_or("-".to_string(), |f| f.description.clone()),
            a.detail
        );
    }
}

#[test]
fn seed_gets_numbered_advice_for_every_practice() {
    let catalogs = Catalogs::bundled();
    let (text, ctx) = gallery("seed");
    let (_, advice) = advice_for(&text, &ctx, &catalogs);
    print(&advice);
    for (i, a) in advice.iter().enumerate() {
        assert_eq!(a.number, i + 1);
        assert!(!a.lines.is_empty(), "{a:?}");
    }
    let find = |id: &str| {
        advice
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("no {id} advice"))
    };
    let base = find("minimal-base");
    assert!(base.title.contains("python:3.12-slim"), "{}", base.title);
    assert!(
        base.lines.contains(&2) && base.lines.contains(&8),
        "{:?}",
        base.lines
    );
    let saving = base.saving_bytes.expect("minimal-base saving");
    assert!(saving > 0);
    assert_eq!(
        base.estimated_before_bytes
            .zip(base.estimated_after_bytes)
            .map(|(b, a)| b - a),
        Some(saving)
    );
    let merge = find("merge-runs");
    assert_eq!(merge.lines, vec![6, 8]);
    assert!(merge.fix.is_some());
    let lists = find("clean-in-same-layer");
    assert_eq!(lists.lines, vec![6]);
    assert!(lists.saving_bytes.is_some_and(|b| b > 1_000_000));
    let recommends = find("no-install-recommends");
    assert_eq!(recommends.lines, vec![8]);
    assert!(recommends.saving_bytes.is_some_and(|b| b > 0));
    assert!(recommends.fix.is_some());
    let cache = find("cache-order");
    assert_eq!(cache.lines, vec![12, 14]);
    assert!(cache.title.contains("requirements.txt"));
    assert!(cache.fix.is_some());
    assert!(find("package-cache").fix.is_some());
}

/// Sum of the layer sizes the simulator reports (base layers from the catalog).
fn image_bytes(b: &Build) -> u64 {
    b.layers.iter().filter_map(|l| l.size).sum()
}

fn built_layers(b: &Build) -> usize {
    b.layers.iter().filter(|l| !l.from_base).count()
}

#[test]
fn every_single_fix_parses_and_simulates() {
    let catalogs = Catalogs::bundled();
    let (text, ctx) = gallery("seed");
    let (_, advice) = advice_for(&text, &ctx, &catalogs);
    for a in advice.iter().filter(|a| a.fix.is_some()) {
        let fixed = apply_fix(&text, a.fix.as_ref().unwrap()).expect("fix applies");
        eprintln!("--- {} ---\n{fixed}", a.id);
        let (b, parsed) = simulate(&fixed, &ctx, &catalogs);
        assert!(parsed.is_ok(), "{} broke the Dockerfile:\n{fixed}", a.id);
        assert!(!b.has_errors(), "{}: {:?}\n{fixed}", a.id, b.diagnostics);
        assert_ne!(fixed, text, "{} changed nothing", a.id);
    }
}

#[test]
fn applying_every_fix_gives_a_smaller_image_with_fewer_layers() {
    let catalogs = Catalogs::bundled();
    let (original, ctx) = gallery("seed");
    let (before, _) = advice_for(&original, &ctx, &catalogs);
    let mut text = original.clone();
    let mut applied = Vec::new();
    // As in the page: apply one fix, re-simulate, ask again.
    for _ in 0..20 {
        let (_, advice) = advice_for(&text, &ctx, &catalogs);
        let Some(a) = advice.iter().find(|a| a.fix.is_some()) else {
            break;
        };
        text = apply_fix(&text, a.fix.as_ref().unwrap()).expect("fix applies");
        applied.push(a.id);
    }
    let (after, parsed) = simulate(&text, &ctx, &catalogs);
    eprintln!(
        "applied: {applied:?}\n{text}\nsimulated: {} bytes, {} built layers → {} bytes, {} built layers",
        image_bytes(&before),
        built_layers(&before),
        image_bytes(&after),
        built_layers(&after)
    );
    assert!(parsed.is_ok(), "{text}");
    assert!(!after.has_errors(), "{:?}", after.diagnostics);
    for id in ["minimal-base", "cache-order", "package-cache"] {
        assert!(applied.contains(&id), "{id} not applied: {applied:?}");
    }
    let (_, left) = advice_for(&text, &ctx, &catalogs);
    assert!(left.iter().all(|a| a.fix.is_none()), "{left:?}");
    assert!(
        built_layers(&after) < built_layers(&before),
        "{} → {} built layers",
        built_layers(&before),
        built_layers(&after)
    );
    assert!(
        image_bytes(&after) < image_bytes(&before),
        "{} → {} bytes",
        image_bytes(&before),
        image_bytes(&after)
    );
}

#[test]
fn seed_optimized_has_nothing_major_left() {
    let catalogs = Catalogs::bundled();
    let (text, ctx) = gallery("seed-optimised");
    let (b, advice) = advice_for(&text, &ctx, &catalogs);
    print(&advice);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let major = [
        "minimal-base",
        "merge-runs",
        "clean-in-same-layer",
        "no-install-recommends",
        "package-cache",
        "wasted-space",
        "multi-stage",
        "cache-order",
    ];
    let found: Vec<&str> = advice
        .iter()
        .map(|a| a.id)
        .filter(|id| major.contains(id))
        .collect();
    assert!(found.is_empty(), "{found:?}");
    // And it is smaller than the seed, with fewer built layers, per the simulator.
    let (seed_text, seed_ctx) = gallery("seed");
    let (seed, _) = advice_for(&seed_text, &seed_ctx, &catalogs);
    assert!(built_layers(&b) < built_layers(&seed));
    assert!(
        image_bytes(&b) < image_bytes(&seed),
        "{} vs {}",
        image_bytes(&b),
        image_bytes(&seed)
    );
}
