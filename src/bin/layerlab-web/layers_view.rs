//! The Layers panel, from the simulated [`Build`]: the base image's layers collapsed under
//! one row, then one row per executed step — line, instruction, kind (layer or metadata),
//! size with its certainty (exact / ~est / unknown), a bar proportional to the largest
//! layer, the cache state with the reason of a rebuild, and the short layer digest. A row
//! expands to the layer's changes (+ added, ~ modified, − deleted, whiteouts) and what the
//! step did; a file of the changes opens a preview of its content from the model (the head
//! of a text file, or why there is none: binary, unknown, left out), always shown as text.

use layerlab::analysis::{Analysis, SharedBuild};
use layerlab::simulate::{
    BaseKind, Build, CacheState, Certainty, ChangeKindRow, ChangeRow, ContentPreview, LayerReport,
    NodeKindRow, Step, PREVIEW_BUILD_BYTES, PREVIEW_FILE_BYTES,
};
use yew::prelude::*;

use crate::instructions_view::InstructionsView;

/// Steps shown at first and added by "Show more". Every row re-renders when a new build
/// arrives: with 300 rows that was one 74–99 ms main-thread task for a 5,000-line Dockerfile
/// (docs/BENCHMARKS.md §5).
const PAGE: usize = 100;
use crate::shared::Shared;
use crate::workspace::human_size;

#[derive(Properties, PartialEq)]
pub struct LayersProps {
    pub analysis: Shared<Analysis>,
    /// Jump to a line of the editor.
    pub on_line: Callback<usize>,
}

#[function_component(LayersView)]
pub fn layers_view(props: &LayersProps) -> Html {
    match &props.analysis.build {
        Some(build) => {
            html! { <BuildLayers build={build.clone()} on_line={props.on_line.clone()} /> }
        }
        None => html! { <InstructionsView analysis={props.analysis.clone()} /> },
    }
}

#[derive(Properties)]
struct BuildLayersProps {
    build: SharedBuild,
    on_line: Callback<usize>,
}

/// Equal when the build is the same: the checks that run while typing keep the simulated
/// build, so the table (thousands of steps in a long Dockerfile) is not re-rendered for them.
/// `on_line` is left out: the parent makes a new callback at every render, always to the same
/// message of the same component.
impl PartialEq for BuildLayersProps {
    fn eq(&self, other: &Self) -> bool {
        self.build == other.build
    }
}

#[function_component(BuildLayers)]
fn build_layers(props: &BuildLayersProps) -> Html {
    let expanded = use_state(Vec::<usize>::new);
    let base_open = use_state(|| false);
    let shown = use_state(|| PAGE);
    // The file whose preview is open: (step index, path).
    let preview = use_state(|| None::<(usize, String)>);
    let build: &Build = &props.build.0;
    if build.steps.is_empty() {
        return html! { <p class="empty">{ "No instructions yet: start with FROM." }</p> };
    }
    let max = build
        .layers
        .iter()
        .filter_map(|l| l.size)
        .max()
        .unwrap_or(0)
        .max(1);
    let base_layers: Vec<&LayerReport> = build.layers.iter().filter(|l| l.from_base).collect();
    let base_size: u64 = base_layers.iter().filter_map(|l| l.size).sum();
    let own: Vec<&LayerReport> = build.layers.iter().filter(|l| !l.from_base).collect();
    let total: u64 = build.layers.iter().filter_map(|l| l.size).sum();
    let any_unknown = build
        .layers
        .iter()
        .any(|l| l.certainty != Certainty::Exact || l.size.is_none());

    let target = build.target.and_then(|t| build.stages.get(t));
    let summary = html! {
        <p class="layers-summary">
            { format!("{} layers ({} from the base image, {} built) · {}{}",
                build.layers.len(), base_layers.len(), own.len(),
                if any_unknown { "≥ " } else { "" }, human_size(total)) }
            if let Some(id) = &build.artifacts.config_digest {
                { " · image " }<code class="digest">{ short(id) }</code>
            }
        </p>
    };

    let mut rows: Vec<Html> = Vec::new();
    for (i, step) in build.steps.iter().enumerate().take(*shown) {
        let stage = build.stages.get(step.stage);
        let in_final = build.target == Some(step.stage);
        if step.instruction == "FROM" {
            let base_row = match stage.map(|s| &s.base_kind) {
                Some(BaseKind::CatalogImage) if in_final => {
                    let open = *base_open;
                    let toggle = {
                        let base_open = base_open.clone();
                        Callback::from(move |_: MouseEvent| base_open.set(!*base_open))
                    };
                    html! {
                        <>
                        <span class="base-summary">{ format!("{} layer{} · {}", base_layers.len(), if base_layers.len() == 1 { "" } else { "s" }, human_size(base_size)) }</span>
                        <button class="small" aria-expanded={open.to_string()} onclick={toggle}>{ if open { "hide base layers" } else { "show base layers" } }</button>
                        </>
                    }
                }
                Some(BaseKind::UnknownImage) => {
                    html! { <span class="certainty unknown">{ "not in the catalog: layers unknown" }</span> }
                }
                Some(BaseKind::Stage(s)) => {
                    html! { <span class="muted">{ format!("starts from stage {s}") }</span> }
                }
                Some(BaseKind::Scratch) => html! { <span class="muted">{ "empty image" }</span> },
                _ => html! {},
            };
            let heading = stage.map(|s| {
                let name = s.name.clone().unwrap_or_else(|| format!("#{}", s.index));
                if in_final {
                    format!("stage {name} (final image)")
                } else {
                    format!("stage {name}")
                }
            });
            rows.push(html! {
                <tr class="instruction stage-row" data-line={step.line.to_string()}>
                    <td class="line">{ step.line }</td>
                    <td class="text"><span class="kw">{ "FROM" }</span>{ " " }<span class="args">{ &step.text[4.min(step.text.len())..].trim_start() }</span>
                        if let Some(h) = heading { <div class="muted small-text">{ h }</div> }</td>
                    <td class="effect stage">{ "new stage" }</td>
                    <td class="size" colspan="3">{ base_row }</td>
                </tr>
            });
            if in_final && *base_open {
                for (n, l) in base_layers.iter().enumerate() {
                    rows.push(html! {
                        <tr class="base-layer">
                            <td></td>
                            <td class="text muted">{ format!("base layer {} · {}", n + 1, clip(&l.created_by, 70)) }</td>
                            <td class="effect layer">{ "layer" }</td>
                            <td class="size">{ size_cell(l) }</td>
                            <td>{ bar(l.size, max) }</td>
                            <td class="digest-cell">{ digest_cell(l) }</td>
                        </tr>
                    });
                }
            }
            continue;
        }
        let layer = step
            .layer
            .and_then(|l| build.layers.get(l))
            .filter(|_| in_final);
        let is_open = expanded.contains(&i);
        let toggle = {
            let expanded = expanded.clone();
            Callback::from(move |_: MouseEvent| {
                let mut next = (*expanded).clone();
                match next.iter().position(|x| *x == i) {
                    Some(p) => {
                        next.remove(p);
                    }
                    None => next.push(i),
                }
                expanded.set(next);
            })
        };
        let line = step.line;
        let on_line = props.on_line.reform(move |_: MouseEvent| line);
        let effect = if step.creates_layer || layer.is_some() {
            html! { <td class="effect layer">{ "layer" }</td> }
        } else {
            html! { <td class="effect meta">{ "metadata only" }</td> }
        };
        let expandable = layer.is_some_and(|l| !l.changes.is_empty()) || !step.effects.is_empty();
        rows.push(html! {
            <tr class={classes!("instruction", (!in_final).then_some("other-stage"))} data-line={step.line.to_string()}>
                <td class="line"><button class="linklike" title="Show in the editor" onclick={on_line}>{ step.line }</button></td>
                <td class="text">
                    if expandable {
                        <button class="disclosure" aria-expanded={is_open.to_string()} aria-label={format!("Changes of line {}", step.line)} onclick={toggle}>{ if is_open { "▾" } else { "▸" } }</button>
                    }
                    <span class="kw">{ &step.instruction }</span>{ " " }<span class="args">{ clip(step.text.get(step.instruction.len()..).unwrap_or("").trim_start(), 90) }</span>
                </td>
                { effect }
                <td class="size">{ layer.map(size_cell).unwrap_or_else(|| if step.creates_layer && !in_final { html! { <span class="muted">{ "other stage" }</span> } } else { html! {} }) }</td>
                <td>{ layer.filter(|l| l.certainty != Certainty::Unknown).map(|l| bar(l.size, max)).unwrap_or_default() }</td>
                <td class="cache">{ cache_cell(step) }{ " " }{ layer.map(digest_cell).unwrap_or_default() }</td>
            </tr>
        });
        if is_open {
            let open_file = (*preview)
                .as_ref()
                .filter(|(s, _)| *s == i)
                .map(|(_, p)| p.as_str());
            let on_file = {
                let preview = preview.clone();
                Callback::from(move |path: String| {
                    let same = (*preview)
                        .as_ref()
                        .is_some_and(|(s, p)| *s == i && *p == path);
                    preview.set(if same { None } else { Some((i, path)) });
                })
            };
            rows.push(html! {
                <tr class="changes-row"><td></td><td colspan="5">{ changes(step, layer, open_file, on_file) }</td></tr>
            });
        }
    }
    let more = build.steps.len() > *shown;
    html! {
        <div class="layers-panel">
            { summary }
            if let Some(t) = target {
                if build.stages.len() > 1 {
                    <p class="muted small-text">{ format!("Building stage {} of {}; {} skipped.", t.index + 1, build.stages.len(), build.stages.iter().filter(|s| !s.built).count()) }</p>
                }
            }
            <table class="instructions layers" aria-label="Layers and steps">
                <thead><tr>
                    <th scope="col">{ "Line" }</th><th scope="col">{ "Instruction" }</th><th scope="col">{ "Kind" }</th>
                    <th scope="col">{ "Size" }</th><th scope="col"><span class="visually-hidden">{ "Proportion" }</span></th><th scope="col">{ "Cache / digest" }</th>
                </tr></thead>
                <tbody>{ rows }</tbody>
            </table>
            if more {
                <p class="more">
                    { format!("Showing {} of {} steps. ", *shown, build.steps.len()) }
                    <button class="button" onclick={let s = shown.clone(); Callback::from(move |_| s.set(*s + PAGE))}>{ "Show more" }</button>
                </p>
            }
            if !build.artifacts.missing.is_empty() {
                <details class="missing">
                    <summary>{ "Image digests not computable" }</summary>
                    <ul>{ for build.artifacts.missing.iter().map(|m| html! { <li>{ m }</li> }) }</ul>
                </details>
            } else if let Some(bytes) = build.artifacts.deferred_bytes {
                <p class="missing">{ format!("Image digests: computed on export (the {} of built layers are gzip-compressed first; every layer's diff_id is above)", human_size(bytes)) }</p>
            }
        </div>
    }
}

fn size_cell(l: &LayerReport) -> Html {
    let (label, class) = match (l.size, l.certainty) {
        (None, _) | (_, Certainty::Unknown) => ("unknown".to_string(), "unknown"),
        (Some(s), Certainty::Estimated) => (format!("~{}", human_size(s)), "estimated"),
        (Some(s), Certainty::Exact) => (human_size(s), "exact"),
    };
    let title = match l.certainty {
        Certainty::Exact => "exact: byte for byte what BuildKit writes",
        Certainty::Estimated => "estimated from package data",
        Certainty::Unknown => "unknown: the simulator cannot tell what this writes",
    };
    let tag = match class {
        "estimated" => "est",
        "exact" => "exact",
        _ => "",
    };
    html! { <span class={classes!("certainty", class)} title={title}>{ label }{ " " }<span class="cert-label">{ tag }</span></span> }
}

fn bar(size: Option<u64>, max: u64) -> Html {
    let Some(size) = size else {
        return html! {};
    };
    let pct = ((size as f64 / max as f64) * 100.0).clamp(if size > 0 { 1.0 } else { 0.0 }, 100.0);
    html! { <span class="bar" aria-hidden="true"><span class="bar-fill" style={format!("width: {pct:.1}%")}></span></span> }
}

fn digest_cell(l: &LayerReport) -> Html {
    match &l.diff_id {
        Some(d) => html! { <code class="digest" title={d.clone()}>{ short(d) }</code> },
        None => {
            html! { <span class="muted" title={l.unknown_reason.clone().unwrap_or_default()}>{ "no digest" }</span> }
        }
    }
}

fn cache_cell(step: &Step) -> Html {
    match &step.cache {
        CacheState::Cached => html! { <span class="cache-state cached">{ "cached" }</span> },
        CacheState::Rebuilt(reason) => {
            html! { <span class="cache-state rebuilt">{ format!("rebuilt: {reason}") }</span> }
        }
        CacheState::Fresh => html! { <span class="cache-state fresh">{ "new build" }</span> },
        CacheState::ConfigOnly => {
            html! { <span class="cache-state config">{ "config only" }</span> }
        }
    }
}

/// The layer's changes and the step's effects; `open_file` has its preview shown below it,
/// `on_file` opens or closes a file's preview.
fn changes(
    step: &Step,
    layer: Option<&LayerReport>,
    open_file: Option<&str>,
    on_file: Callback<String>,
) -> Html {
    html! {
        <div class="changes">
            if let Some(l) = layer {
                <div class="digest-line">{ "layer " }{ digest_cell(l) }</div>
                if !l.changes.is_empty() {
                    <ul class="change-list" aria-label="Changes">
                        { for l.changes.iter().take(500).map(|c| {
                            let (sign, class) = match (c.change, c.kind) {
                                (_, NodeKindRow::Whiteout) => ("−", "deleted"),
                                (ChangeKindRow::Added, _) => ("+", "added"),
                                (ChangeKindRow::Modified, _) => ("~", "modified"),
                                (ChangeKindRow::Deleted, _) => ("−", "deleted"),
                                (ChangeKindRow::Opaque, _) => ("∅", "opaque"),
                            };
                            let kind = match c.kind { NodeKindRow::Dir => "/", NodeKindRow::Symlink => " →", _ => "" };
                            let is_open = open_file == Some(c.path.as_str());
                            let previewable = c.kind == NodeKindRow::File && c.preview.is_some();
                            let preview_id = format!("preview-{}-{}", step.line, c.path.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))));
                            html! {
                                <li class={classes!("change", class)}>
                                    <span class="sign" aria-label={class}>{ sign }</span>{ " " }
                                    if previewable {
                                        <button class="linklike path change-file" aria-expanded={is_open.to_string()} aria-controls={preview_id.clone()}
                                            title="Show the file's content"
                                            onclick={let on_file = on_file.clone(); let path = c.path.clone(); Callback::from(move |_: MouseEvent| on_file.emit(path.clone()))}>
                                            { format!("{}{kind}", c.path) }
                                        </button>
                                    } else {
                                        <span class="path">{ format!("{}{kind}", c.path) }</span>
                                    }
                                    if let Some(t) = &c.link_target { <span class="muted">{ format!(" {t}") }</span> }
                                    <span class="mode muted">{ format!(" {:o} {}:{}", c.mode, c.uid, c.gid) }</span>
                                    if let Some(s) = c.size { <span class="ctx-size">{ format!(" {}", human_size(s)) }</span> }
                                    if !c.known { <span class="certainty unknown">{ " content unknown" }</span> }
                                    if is_open { { file_preview(&preview_id, c, step) } }
                                </li>
                            }
                        }) }
                        if l.changes.len() > 500 { <li class="muted">{ format!("… and {} more", l.changes.len() - 500) }</li> }
                    </ul>
                }
            }
            if !step.effects.is_empty() {
                <ul class="effects">{ for step.effects.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
            }
        </div>
    }
}

/// The preview of one file of the changes, as text (never as markup), or why there is none.
fn file_preview(id: &str, c: &ChangeRow, step: &Step) -> Html {
    let size = c
        .size
        .map(human_size)
        .unwrap_or_else(|| "unknown size".into());
    let note = |text: String| html! { <p id={id.to_string()} class="file-preview-note muted" role="note">{ text }</p> };
    match &c.preview {
        Some(ContentPreview::Text { text, truncated }) => html! {
            <div id={id.to_string()} class="file-preview" role="region" aria-label={format!("Content of {}", c.path)}>
                <pre class="file-preview-text">{ text.clone() }</pre>
                if *truncated {
                    <p class="file-preview-note muted">{ format!("truncated: the first {} bytes of {size}", text.len()) }</p>
                }
            </div>
        },
        Some(ContentPreview::Binary) => note(format!("binary file ({size}): no text to show")),
        Some(ContentPreview::Unknown { origin }) => {
            let why = if step.instruction == "RUN" {
                "unknown content (RUN is simulated, never executed)"
            } else {
                "unknown content"
            };
            note(if origin.is_empty() {
                why.to_string()
            } else {
                format!("{why}: {origin}")
            })
        }
        Some(ContentPreview::Omitted) => note(format!(
            "no preview: a build carries at most {} KiB of previews ({} KiB per file), and earlier files used them",
            PREVIEW_BUILD_BYTES / 1024,
            PREVIEW_FILE_BYTES / 1024
        )),
        None => html! {},
    }
}

/// `sha256:0123456789ab` (12 hex digits, as `docker images`).
pub fn short(digest: &str) -> String {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    format!("sha256:{}", hex.chars().take(12).collect::<String>())
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}
