//! A step simulated without package data is not reused once the data arrives (the page
//! fetches the Debian indexes after its first simulation): BuildKit's cache would still hit,
//! but the simulated result must be recomputed with the better data.

use layerlab::catalog::base_images::BaseImageCatalog;
use layerlab::catalog::distro_data::PackageDataset;
use layerlab::catalog::packages::PackageCatalog;
use layerlab::context::Context;
use layerlab::simulate::{build, Build, BuildOptions, Catalogs, Certainty};

const DOCKERFILE: &str = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n";

fn simulate(catalogs: &Catalogs, previous: Option<&Build>) -> Build {
    let parsed = layerlab::syntax::parse(DOCKERFILE);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    build(
        &parsed,
        &ins,
        &Context::new(),
        &BuildOptions::default(),
        catalogs,
        previous,
    )
}

fn run_step_certainty(b: &Build) -> Certainty {
    b.steps
        .iter()
        .find(|s| s.instruction == "RUN")
        .map(|s| s.certainty)
        .expect("a RUN step")
}

#[test]
fn package_data_arriving_later_is_used_by_the_next_simulation() {
    let catalogs = Catalogs::new(BaseImageCatalog::bundled().ok());
    let first = simulate(&catalogs, None);
    assert_eq!(
        run_step_certainty(&first),
        Certainty::Unknown,
        "no package data yet"
    );

    let data = PackageCatalog::bundled(PackageDataset::DebianBookwormAmd64).expect("bundled data");
    assert!(catalogs.set_packages(PackageDataset::DebianBookwormAmd64, data));
    let second = simulate(&catalogs, Some(&first));
    assert_eq!(
        run_step_certainty(&second),
        Certainty::Estimated,
        "the RUN is simulated again with the package index, not reused"
    );

    // With the same data, the result is reused as before.
    let third = simulate(&catalogs, Some(&second));
    assert_eq!(run_step_certainty(&third), Certainty::Estimated);
    assert!(third.stats.steps_reused >= 1, "{:?}", third.stats);
}
