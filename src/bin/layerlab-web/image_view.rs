//! The Image panel: the image's config, manifest and index JSON exactly as they would be
//! written (with digests and sizes, highlighted, with copy buttons), and the `docker history`
//! and `docker inspect` views in the Docker CLI's own formats. When a layer's content is not
//! known the digests cannot be computed: the panel says which layers and why, and still shows
//! the history and the final configuration.
//!
//! Beside the JSON, a compact list of the layers (instruction and size). A layer's digests
//! (the manifest's `layers[].digest`, the config's `rootfs.diff_ids[]`) are focusable:
//! pointing at or focusing one highlights its layer in the list and its other digests in the
//! JSON, and pointing at or focusing a layer row highlights its digests.

use layerlab::analysis::Analysis;
use layerlab::image::human_size;
use layerlab::simulate::Build;
use std::collections::HashMap;
use yew::prelude::*;

use crate::dom;
use crate::protocol::ImageFacts;
use crate::shared::Shared;

/// The tag the exports and views use (the engine writes the views with it).
pub const REFERENCE: &str = "layerlab/image:latest";

#[derive(Properties, PartialEq)]
pub struct ImageProps {
    pub analysis: Shared<Analysis>,
    /// The image as the worker wrote it (config, manifest, digests, docker views).
    pub image: Shared<Option<ImageFacts>>,
}

/// Which layer each digest names, the layer highlighted now, and how to change it.
#[derive(Clone)]
struct DigestLinks {
    /// `sha256:…` (diff_id or blob digest) → layer index.
    layers: HashMap<String, usize>,
    active: Option<usize>,
    on_active: Callback<Option<usize>>,
}

impl DigestLinks {
    /// Pointer and focus handlers that make layer `i` the highlighted one.
    fn handlers(
        &self,
        i: usize,
    ) -> (
        Callback<MouseEvent>,
        Callback<MouseEvent>,
        Callback<FocusEvent>,
        Callback<FocusEvent>,
    ) {
        let set = self.on_active.clone();
        let enter = set.reform(move |_: MouseEvent| Some(i));
        let leave = set.reform(|_: MouseEvent| None);
        let focus = set.reform(move |_: FocusEvent| Some(i));
        let blur = set.reform(|_: FocusEvent| None);
        (enter, leave, focus, blur)
    }
}

#[function_component(ImageView)]
pub fn image_view(props: &ImageProps) -> Html {
    let active = use_state(|| None::<usize>);
    let Some(shared) = &props.analysis.build else {
        return html! { <p class="empty">{ "No build yet." }</p> };
    };
    let build: &Build = &shared.0;
    let facts = match props.image.as_ref() {
        Some(facts) if build.target.is_some() => facts,
        _ => {
            return html! { <p class="empty">{ "No image: the Dockerfile has no stage (add a FROM)." }</p> }
        }
    };
    match &facts.unknown {
        None => {
            let mut layers = HashMap::new();
            for (i, layer) in facts.layers.iter().enumerate() {
                layers.insert(layer.blob.digest.as_str().to_string(), i);
                layers.insert(layer.diff_id.as_str().to_string(), i);
            }
            let on_active = {
                let active = active.clone();
                Callback::from(move |i: Option<usize>| active.set(i))
            };
            let links = DigestLinks {
                layers,
                active: *active,
                on_active,
            };
            known(build, facts, &links)
        }
        Some(e) => html! {
            <div class="image-panel">
                <p class="notice warning" role="status">{ if facts.deferred {
                    "The image's digests are computed on export."
                } else {
                    "The image's digests cannot be computed: not every layer's content is known."
                } }</p>
                <pre class="missing-list">{ e.clone() }</pre>
                <h3>{ "Final configuration (simulated)" }</h3>
                { final_config(build) }
                <h3>{ "History" }</h3>
                <table class="instructions history">
                    <thead><tr><th scope="col">{ "CREATED BY" }</th><th scope="col">{ "LAYER" }</th><th scope="col">{ "COMMENT" }</th></tr></thead>
                    <tbody>{ for build.history.iter().rev().map(|h| html! {
                        <tr><td class="text">{ &h.created_by }</td><td>{ if h.empty_layer { "empty" } else { "layer" } }</td><td>{ &h.comment }</td></tr>
                    }) }</tbody>
                </table>
            </div>
        },
    }
}

fn known(build: &Build, facts: &ImageFacts, links: &DigestLinks) -> Html {
    let digest =
        |d: &Option<layerlab::image::Digest>| d.as_ref().map_or("", |d| d.as_str()).to_string();
    html! {
        <div class="image-panel">
            <dl class="digests">
                <dt>{ "Image ID (config digest)" }</dt><dd><code>{ digest(&facts.config_digest) }</code></dd>
                <dt>{ "Manifest digest" }</dt><dd><code>{ digest(&facts.manifest_digest) }</code>{ format!(" · {} bytes", facts.manifest_size) }</dd>
                <dt>{ "Layers (gzip blobs)" }</dt><dd>{ facts.layers.len() }</dd>
            </dl>
            <div class="image-json-and-layers">
                <div class="image-json">
                    <h3>{ "Config " }<code class="muted">{ "application/vnd.oci.image.config.v1+json" }</code></h3>
                    { json_block("config", &facts.config_json, Some(links)) }
                    <h3>{ "Manifest " }<code class="muted">{ "application/vnd.oci.image.manifest.v1+json" }</code></h3>
                    { json_block("manifest", &facts.manifest_json, Some(links)) }
                </div>
                { layer_list(build, facts, links) }
            </div>
            <h3>{ format!("docker history {REFERENCE}") }</h3>
            { text_block("history", &facts.history) }
            <h3>{ format!("docker inspect {REFERENCE}") }</h3>
            { json_block("inspect", &facts.inspect, None) }
        </div>
    }
}

/// The image's layers, bottom first: instruction, size and short digests; each row is
/// focusable and highlights its digests in the JSON.
fn layer_list(build: &Build, facts: &ImageFacts, links: &DigestLinks) -> Html {
    html! {
        <aside class="image-layers" aria-label="Layers of the image">
            <h3 id="image-layers-title">{ "Layers" }</h3>
            <ol aria-labelledby="image-layers-title">
                { for facts.layers.iter().enumerate().map(|(i, layer)| {
                    let (desc, diff_id) = (&layer.blob, &layer.diff_id);
                    let report = build.layers.get(i);
                    let instruction = report.map_or_else(String::new, |l| {
                        if l.from_base {
                            "base image layer".to_string()
                        } else {
                            l.created_by.trim_end_matches(" # buildkit").to_string()
                        }
                    });
                    let size = report.and_then(|l| l.size).map_or_else(
                        || format!("{} compressed", human_size(desc.size)),
                        human_size,
                    );
                    let (enter, leave, focus, blur) = links.handlers(i);
                    let active = links.active == Some(i);
                    html! {
                        <li id={format!("image-layer-{i}")} class={classes!("image-layer-row", active.then_some("active"))}
                            tabindex="0" data-layer={i.to_string()} aria-current={active.then_some("true")}
                            onmouseenter={enter} onmouseleave={leave} onfocus={focus} onblur={blur}>
                            <span class="layer-n">{ i + 1 }</span>
                            <span class="layer-instruction" title={instruction.clone()}>{ instruction.clone() }</span>
                            <span class="layer-size">{ size }</span>
                            <code class="layer-digests muted">{ format!("diff {} · blob {}", diff_id.short(), desc.digest.short()) }</code>
                        </li>
                    }
                }) }
            </ol>
        </aside>
    }
}

fn final_config(build: &Build) -> Html {
    let c = &build.config;
    let list = |v: &Option<Vec<String>>| {
        v.as_ref()
            .map_or("(none)".to_string(), |v| format!("{v:?}"))
    };
    let rows: Vec<(&str, String)> = vec![
        ("Platform", format!("{}/{}", c.os, c.architecture)),
        ("Env", c.env.join("\n")),
        ("Cmd", list(&c.cmd)),
        ("Entrypoint", list(&c.entrypoint)),
        ("WorkingDir", c.working_dir.clone()),
        ("User", c.user.clone()),
        (
            "ExposedPorts",
            c.exposed_ports
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Volumes",
            c.volumes.iter().cloned().collect::<Vec<_>>().join(", "),
        ),
        (
            "Labels",
            c.labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("StopSignal", c.stop_signal.clone()),
        ("Healthcheck", list(&c.healthcheck)),
        (
            "Shell",
            if c.shell.is_empty() {
                String::new()
            } else {
                format!("{:?}", c.shell)
            },
        ),
        ("OnBuild", c.on_build.join("\n")),
    ];
    html! {
        <dl class="digests final-config">
            { for rows.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| html! { <><dt>{ k }</dt><dd class="pre">{ v }</dd></> }) }
        </dl>
    }
}

fn copy_button(text: &str, label: &str) -> Html {
    let text = text.to_string();
    let onclick = Callback::from(move |_: MouseEvent| dom::copy_text(&text));
    html! { <button class="small copy" aria-label={format!("Copy {label}")} {onclick}>{ "Copy" }</button> }
}

fn text_block(id: &str, text: &str) -> Html {
    html! {
        <div class="code-block">
            { copy_button(text, id) }
            <pre id={format!("image-{id}")} class="code-view">{ text }</pre>
        </div>
    }
}

/// JSON shown as written, with keys, strings, numbers and literals coloured; with `links`,
/// the layers' digests are focusable and highlight their layer.
fn json_block(id: &str, json: &str, links: Option<&DigestLinks>) -> Html {
    html! {
        <div class="code-block">
            { copy_button(json, id) }
            <pre id={format!("image-{id}")} class="code-view json">{ for json_tokens(json, links) }</pre>
        </div>
    }
}

/// A string token: a layer digest becomes a focusable link to its layer.
fn string_token(token: &str, class: &'static str, links: Option<&DigestLinks>) -> Html {
    let layer = links.and_then(|l| {
        let value = token.strip_prefix('"')?.strip_suffix('"')?;
        Some((l, *l.layers.get(value)?))
    });
    match layer {
        Some((links, i)) if class == "j-str" => {
            let (enter, leave, focus, blur) = links.handlers(i);
            let linked = links.active == Some(i);
            html! {
                <span class={classes!("j-str", "layer-digest", linked.then_some("linked"))} tabindex="0"
                    data-layer={i.to_string()} aria-describedby={format!("image-layer-{i}")}
                    onmouseenter={enter} onmouseleave={leave} onfocus={focus} onblur={blur}>
                    { token.to_string() }
                </span>
            }
        }
        _ => html! { <span class={class}>{ token.to_string() }</span> },
    }
}

fn json_tokens(json: &str, links: Option<&DigestLinks>) -> Vec<Html> {
    let mut out = Vec::new();
    let bytes = json.as_bytes();
    let mut i = 0;
    let mut plain_start = 0;
    let flush = |out: &mut Vec<Html>, from: usize, to: usize| {
        if to > from {
            out.push(html! { { json[from..to].to_string() } });
        }
    };
    while i < bytes.len() {
        let (end, class) = match bytes[i] {
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(bytes.len());
                let rest = json[end..].trim_start();
                (
                    end,
                    if rest.starts_with(':') {
                        "j-key"
                    } else {
                        "j-str"
                    },
                )
            }
            b'-' | b'0'..=b'9' => {
                let mut j = i + 1;
                while j < bytes.len()
                    && matches!(bytes[j], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    j += 1;
                }
                (j, "j-num")
            }
            b't' | b'f' | b'n'
                if ["true", "false", "null"]
                    .iter()
                    .any(|w| json[i..].starts_with(w)) =>
            {
                let w = ["true", "false", "null"]
                    .iter()
                    .find(|w| json[i..].starts_with(**w))
                    .map_or(1, |w| w.len());
                (i + w, "j-lit")
            }
            _ => {
                i += 1;
                continue;
            }
        };
        if !json.is_char_boundary(end) {
            i += 1;
            continue;
        }
        flush(&mut out, plain_start, i);
        out.push(string_token(&json[i..end], class, links));
        i = end;
        plain_start = end;
    }
    flush(&mut out, plain_start, json.len());
    out
}
