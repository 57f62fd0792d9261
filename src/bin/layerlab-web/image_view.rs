//! The Image panel: the image's config, manifest and index JSON exactly as they would be
//! written (with digests and sizes, highlighted, with copy buttons), and the `docker history`
//! and `docker inspect` views in the Docker CLI's own formats. When a layer's content is not
//! known the digests cannot be computed: the panel says which layers and why, and still shows
//! the history and the final configuration.

use layerlab::analysis::Analysis;
use layerlab::image::{docker_history, docker_inspect, Compression, ImageArtifacts, RowSize};
use layerlab::simulate::Build;
use yew::prelude::*;

use crate::dom;
use crate::shared::Shared;

/// The tag the exports and views use.
pub const REFERENCE: &str = "layerlab/image:latest";

#[derive(Properties, PartialEq)]
pub struct ImageProps {
    pub analysis: Shared<Analysis>,
}

#[function_component(ImageView)]
pub fn image_view(props: &ImageProps) -> Html {
    let Some(shared) = &props.analysis.build else {
        return html! { <p class="empty">{ "No build yet." }</p> };
    };
    let build: &Build = &shared.0;
    if build.target.is_none() {
        return html! { <p class="empty">{ "No image: the Dockerfile has no stage (add a FROM)." }</p> };
    }
    match build.artifacts(Compression::Gzip) {
        Ok(art) => known(build, &art),
        Err(e) => html! {
            <div class="image-panel">
                <p class="notice warning" role="status">{ "The image's digests cannot be computed: not every layer's content is known." }</p>
                <pre class="missing-list">{ e.to_string() }</pre>
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

fn known(build: &Build, art: &ImageArtifacts) -> Html {
    let config = build.image_config();
    // History sizes: each non-empty entry takes the next layer's size.
    let mut layer_sizes = build.layers.iter().map(|l| l.size);
    let sizes: Vec<RowSize> = config
        .history
        .iter()
        .map(|h| {
            if h.empty_layer {
                RowSize::Empty
            } else {
                match layer_sizes.next().flatten() {
                    Some(s) => RowSize::Bytes(s),
                    None => RowSize::Unknown,
                }
            }
        })
        .collect();
    let history = docker_history(art.image_id(), &config.history, &sizes, None, false);
    let total: u64 = build.layers.iter().filter_map(|l| l.size).sum();
    let inspect = docker_inspect(
        art.image_id(),
        &[REFERENCE.to_string()],
        config,
        &art.diff_ids,
        total,
    );
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    html! {
        <div class="image-panel">
            <dl class="digests">
                <dt>{ "Image ID (config digest)" }</dt><dd><code>{ art.config.digest.as_str() }</code></dd>
                <dt>{ "Manifest digest" }</dt><dd><code>{ art.manifest.digest.as_str() }</code>{ format!(" · {} bytes", art.manifest.size) }</dd>
                <dt>{ "Layers (gzip blobs)" }</dt><dd>{ art.layers.len() }</dd>
            </dl>
            <h3>{ "Config " }<code class="muted">{ "application/vnd.oci.image.config.v1+json" }</code></h3>
            { json_block("config", &text(&art.config_bytes)) }
            <h3>{ "Manifest " }<code class="muted">{ "application/vnd.oci.image.manifest.v1+json" }</code></h3>
            { json_block("manifest", &text(&art.manifest_bytes)) }
            <h3>{ format!("docker history {REFERENCE}") }</h3>
            { text_block("history", &history) }
            <h3>{ format!("docker inspect {REFERENCE}") }</h3>
            { json_block("inspect", &inspect) }
        </div>
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

/// JSON shown as written, with keys, strings, numbers and literals coloured.
fn json_block(id: &str, json: &str) -> Html {
    html! {
        <div class="code-block">
            { copy_button(json, id) }
            <pre id={format!("image-{id}")} class="code-view json">{ for json_tokens(json) }</pre>
        </div>
    }
}

fn json_tokens(json: &str) -> Vec<Html> {
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
        out.push(html! { <span class={class}>{ json[i..end].to_string() }</span> });
        i = end;
        plain_start = end;
    }
    flush(&mut out, plain_start, json.len());
    out
}
