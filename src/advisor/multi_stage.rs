//! `multi-stage`: build-only tools that end up in the final image.
//!
//! Two signs:
//! - the final stage installs compilers and build tools with apt (`gcc`, `g++`,
//!   `build-essential`, `make`, `cmake`, `git`, `pkg-config`, `autoconf`, `libtool`,
//!   `*-dev` headers, `golang`, `maven`, `gradle`, `cargo`…): their size is resolved from the
//!   package catalog on top of what the stage already has;
//! - the final stage is a toolchain image (`golang`, `rust`, `maven`, `gradle`): the whole
//!   toolchain ships with the program it built; the catalog's smallest `alpine` is what a
//!   static binary needs at most.
//!
//! - the final stage installs Node.js dependencies including devDependencies (`npm ci` /
//!   `npm install` without `--omit=dev`, `NODE_ENV=production` unset) and then builds
//!   (`npm run build`): the bundler and test tools ship too (their size is not simulated).
//!
//! A RUN that removes the packages it installed again (the official images'
//! `apt-mark auto` + `apt-get purge --auto-remove` pattern) is not reported: its layer does
//! not keep them.
//!
//! The advice shows the builder-stage pattern (`FROM … AS build` + `COPY --from=build`). No
//! one-click fix: which files the program needs at run time is not something to guess.

use super::stage::StageFacts;
use super::{format_bytes, new_advice, with_sizes, Advice, AdviceDoc};
use crate::simulate::{Catalogs, Certainty};

pub const DOC: AdviceDoc = AdviceDoc {
    id: "multi-stage",
    title: "Build in a separate stage",
    what: "Compilers, build tools, headers or a whole toolchain image are in the final stage.",
    why: "They are needed to build the application, not to run it. A builder stage keeps them \
          out of the image: the final stage starts from a small base and copies only the \
          result with `COPY --from`.",
    bad: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n",
    good: "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n\nFROM alpine:3.20\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
};

const BUILD_TOOLS: [&str; 21] = [
    "gcc",
    "g++",
    "clang",
    "build-essential",
    "make",
    "cmake",
    "ninja-build",
    "git",
    "pkg-config",
    "autoconf",
    "automake",
    "libtool",
    "golang",
    "golang-go",
    "maven",
    "gradle",
    "cargo",
    "rustc",
    "default-jdk",
    "nodejs-dev",
    "python3-dev",
];

/// Toolchain image repositories.
const TOOLCHAIN_IMAGES: [&str; 4] = ["golang", "rust", "maven", "gradle"];

fn is_build_tool(package: &str) -> bool {
    BUILD_TOOLS.contains(&package)
        || package.ends_with("-dev")
        || (package.starts_with("gcc-") && package[4..].chars().all(|c| c.is_ascii_digit()))
        || (package.starts_with("openjdk-") && package.ends_with("-jdk"))
}

pub fn check(facts: &StageFacts, catalogs: &Catalogs) -> Vec<Advice> {
    let mut out = Vec::new();
    out.extend(apt_tools(facts));
    out.extend(toolchain_base(facts, catalogs));
    out.extend(node_dev_dependencies(facts));
    out
}

fn apt_tools(facts: &StageFacts) -> Option<Advice> {
    let installs: Vec<_> = facts
        .apt_installs
        .iter()
        .filter(|a| a.packages.iter().any(|w| is_build_tool(&w.text)))
        .filter(|a| !removes_again(&facts.instructions[a.instruction]))
        .collect();
    let first = installs.first()?;
    let tools: Vec<&str> = installs
        .iter()
        .flat_map(|a| a.packages.iter().map(|w| w.text.as_str()))
        .filter(|p| is_build_tool(p))
        .collect();
    let with_recommends = installs.iter().any(|a| a.with_recommends);
    let resolution = facts
        .packages
        .map(|p| p.resolve_install(&tools, with_recommends, &first.installed_before));
    let bytes = resolution.as_ref().map(|r| r.total_installed_bytes);
    let mut lines: Vec<usize> = installs.iter().map(|a| facts.line(a.instruction)).collect();
    lines.dedup();
    let base = facts.stage.base.clone();
    let title = match bytes {
        Some(b) => format!(
            "Multi-stage build: {} in the final image, {}",
            tools.join(", "),
            format_bytes(b)
        ),
        None => format!("Multi-stage build: {} in the final image", tools.join(", ")),
    };
    let mut detail = format!(
        "Line{} {} install{} build tools ({}) in the final stage",
        if lines.len() > 1 { "s" } else { "" },
        lines
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        if lines.len() > 1 { "" } else { "s" },
        tools.join(", ")
    );
    match (&resolution, bytes) {
        (Some(r), Some(b)) => detail.push_str(&format!(
            ": {} packages, {} ({}).",
            r.packages.len(),
            format_bytes(b),
            facts.package_source()
        )),
        _ => detail.push('.'),
    }
    detail.push_str(&format!(
        " Build in a stage of its own and copy only the result:\n\
         FROM {base} AS build\n\
         RUN apt-get update && apt-get install -y --no-install-recommends {}\n\
         COPY . /src\n\
         RUN <build the application into /out>\n\n\
         FROM {base}\n\
         COPY --from=build /out /app",
        tools.join(" ")
    ));
    let mut advice = with_sizes(
        new_advice(
            "multi-stage",
            title,
            detail,
            facts.instructions[first.instruction].ins.span,
        ),
        bytes,
        bytes.map(|_| 0),
    );
    advice.lines = lines;
    advice.certainty = Certainty::Estimated;
    Some(advice)
}

/// The build-dependency pattern of the official images: the same RUN installs the tools,
/// builds, and removes them again (`apt-get purge`/`remove`/`autoremove`, `apt-mark auto`),
/// so they are not in the layer.
fn removes_again(si: &super::stage::StageInstruction) -> bool {
    ["purge", "remove", "autoremove"]
        .iter()
        .any(|verb| si.runs(&["apt-get", "apt"], verb))
        || si.runs(&["apt-mark"], "auto")
}

fn toolchain_base(facts: &StageFacts, catalogs: &Catalogs) -> Option<Advice> {
    let base = facts.base?;
    if !TOOLCHAIN_IMAGES.contains(&base.repository.as_str()) {
        return None;
    }
    let alpine = catalogs.base_images.as_ref().and_then(|c| {
        c.images()
            .iter()
            .filter(|i| i.repository == "alpine" && i.platform == base.platform)
            .min_by_key(|i| i.total_size)
    });
    let title = format!(
        "Multi-stage build: the {} toolchain ({}) is in the final image",
        base.repository,
        format_bytes(base.total_size)
    );
    let detail = format!(
        "The final stage starts from {} ({} compressed): the compiler and every build \
         dependency ship with the program. Build in a stage `FROM {} AS build` and start the \
         final stage from a small base (alpine, a distroless image or `scratch` for a static \
         binary), copying only the result with `COPY --from=build`.{}",
        base.reference,
        format_bytes(base.total_size),
        base.reference,
        alpine.map_or(String::new(), |a| format!(
            " {} is {} compressed; `after` assumes the program plus that base.",
            a.reference,
            format_bytes(a.total_size)
        ))
    );
    let mut advice = with_sizes(
        new_advice("multi-stage", title, detail, facts.from.span),
        Some(base.total_size),
        alpine.map(|a| a.total_size),
    );
    advice.lines = vec![facts.from.start_line];
    advice.certainty = Certainty::Exact;
    Some(advice)
}

/// `npm ci` + `npm run build` in the final stage, with devDependencies installed.
fn node_dev_dependencies(facts: &StageFacts) -> Option<Advice> {
    let production = facts
        .build
        .config
        .env
        .iter()
        .any(|e| e == "NODE_ENV=production");
    if production {
        return None;
    }
    let mut install: Option<(usize, String)> = None;
    let mut build_line = None;
    for (i, si) in facts.instructions.iter().enumerate() {
        for c in &si.commands {
            let words: Vec<&str> = c.args().iter().map(|w| w.text.as_str()).collect();
            if c.program() != Some("npm") {
                continue;
            }
            let omits_dev = words.iter().any(|w| {
                matches!(
                    *w,
                    "--production" | "--omit=dev" | "--only=prod" | "--only=production"
                )
            });
            match words.iter().find(|w| !w.starts_with('-')) {
                Some(&"ci" | &"install" | &"i") if !omits_dev && install.is_none() => {
                    install = Some((i, c.text()));
                }
                Some(&"run") if words.contains(&"build") && install.is_some() => {
                    build_line = Some(facts.line(i));
                }
                _ => {}
            }
        }
    }
    let ((i, command), build_line) = (install?, build_line?);
    let line = facts.line(i);
    let title = "Multi-stage build: devDependencies and build output tools are in the final image"
        .to_string();
    let detail = format!(
        "Line {line} (`{command}`) installs every dependency, devDependencies included, and \
         line {build_line} builds the application in the final stage: the bundler, compilers \
         and test tools ship with it (their size is not simulated: npm downloads are not). \
         Build in a stage `FROM {} AS build`, then in the final stage install with \
         `npm ci --omit=dev` and `COPY --from=build` the build output.",
        facts.stage.base
    );
    let mut advice = new_advice("multi-stage", title, detail, facts.instructions[i].ins.span);
    advice.lines = vec![line, build_line];
    advice.certainty = Certainty::Unknown;
    Some(advice)
}
