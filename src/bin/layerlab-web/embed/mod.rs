//! The embeddable widget (`embed.html`): a compact editor, one result view and the lab
//! checklist. It is the same page module as the playground, started in embed mode when the
//! page is `embed.html` (or has `?embed`); its evaluations (analysis, build, lab checks) run
//! in one engine worker, like the playground's. The host page talks to it by postMessage
//! (see `messages.rs` and `docs/EMBEDDING.md`).

mod messages;
mod params;

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo::events::EventListener;
use layerlab::analysis::Effect;
use layerlab::labcheck::{self, parse_checks_value, CheckResult, CheckSpec};
use layerlab::terminal::{SizeKnowledge, StoredImage};
use serde::Serialize;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::engine::{Engine, EngineEvent};
use crate::protocol::WidgetResult;
use params::{parse_params, EmbedParams, View};

/// True when the page should start the widget instead of the playground.
pub fn is_embed_page() -> bool {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return false;
    };
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    path.ends_with("/embed.html")
        || path == "embed.html"
        || web_sys::UrlSearchParams::new_with_str(&search).is_ok_and(|p| p.has("embed"))
}

fn url_pairs() -> Vec<(String, String)> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for name in [
        "dockerfile",
        "example",
        "files",
        "view",
        "readonly",
        "checks",
        "allow",
        "id",
    ] {
        if let Some(v) = params.get(name) {
            out.push((name.to_string(), v));
        }
    }
    out
}

fn example(name: &str) -> Option<(String, BTreeMap<String, String>)> {
    match name {
        "seed" => Some((
            crate::seed::DOCKERFILE.to_string(),
            crate::seed::CONTEXT
                .iter()
                .map(|(p, c)| (p.to_string(), c.to_string()))
                .collect(),
        )),
        _ => None,
    }
}

/// What one evaluation produced (in the engine's worker).
type Evaluation = WidgetResult;

#[derive(Serialize)]
struct DiagnosticOut<'a> {
    severity: &'a str,
    code: &'a str,
    message: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct ImageOut<'a> {
    id: &'a str,
    size: u64,
    size_is_lower_bound: bool,
    layers: usize,
}

#[derive(Serialize)]
struct ResultMessage<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    /// Every check passed (false when there are none or the checks JSON is invalid).
    passed: bool,
    checks: &'a [CheckResult],
    checks_error: Option<&'a str>,
    diagnostics: Vec<DiagnosticOut<'a>>,
    /// Layers the Dockerfile adds to the final image.
    layers: usize,
    image: Option<ImageOut<'a>>,
    build_error: Option<&'a str>,
}

#[derive(Serialize)]
struct SimpleMessage<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    px: Option<i32>,
}

/// The widget.
#[function_component(EmbedApp)]
pub fn embed_app() -> Html {
    let params: Rc<EmbedParams> = use_memo((), |_| parse_params(&url_pairs(), example));
    let text = use_state(|| params.dockerfile.clone());
    let files = use_state(|| params.files.clone());
    let checks = use_state(|| params.checks.clone());
    let notice = use_state(|| params.warnings.join("; "));
    // The read-only lines as they must stay (taken again from a Dockerfile the host sets).
    let locked = use_state(|| locked_lines(&params.dockerfile, params.readonly));
    let root = use_node_ref();

    let inputs = ((*text).clone(), (*files).clone(), (*checks).clone());
    // The latest evaluation asked for, and the one shown (`None` until the engine answers).
    let asked = use_mut_ref(|| 0u64);
    let evaluation = use_state(|| None::<(u64, Rc<Evaluation>)>);
    let engine = {
        let asked = asked.clone();
        let evaluation = evaluation.setter();
        let engine_failed = use_state(|| None::<String>);
        let failed = engine_failed.setter();
        let engine = use_memo((), move |_| {
            let on_event = Callback::from(move |event: EngineEvent| match event {
                // Older evaluations are dropped (typing asked for newer ones).
                EngineEvent::Evaluated { seq, result } if seq == *asked.borrow() => {
                    evaluation.set(Some((seq, Rc::new(*result))))
                }
                EngineEvent::Stopped(reason) => failed.set(Some(reason)),
                _ => {}
            });
            let engine = Engine::start_with(on_event, false);
            // main() fetched the base-image catalog before rendering: the worker gets it
            // before the first evaluation.
            if let Some(bytes) = crate::base_catalog::fetched() {
                engine.catalog(crate::base_catalog::FILE, &bytes);
            }
            engine
        });
        (engine, engine_failed)
    };
    let (engine, engine_failed) = engine;
    {
        let engine = engine.clone();
        let asked = asked.clone();
        use_effect_with(inputs.clone(), move |(t, f, k)| {
            let mut seq = asked.borrow_mut();
            *seq += 1;
            // A bad file list is reported in the notice; the build then sees no files.
            engine.evaluate(*seq, t, f, k.as_ref().map(Vec::as_slice).unwrap_or(&[]));
        });
    }

    // Host → widget: `layerlab:set` from an allowed origin.
    {
        let text = text.clone();
        let files = files.clone();
        let checks = checks.clone();
        let locked = locked.clone();
        let readonly = params.readonly;
        let allow = params.allow.clone();
        let id = params.id.clone();
        use_effect_with((), move |_| {
            let ready_to = allow.clone();
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "message", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                        return;
                    };
                    let Some(msg) = messages::accept(&event.origin(), event.data(), &allow) else {
                        return;
                    };
                    if let Some(d) = msg.dockerfile {
                        locked.set(locked_lines(&d, readonly));
                        text.set(d);
                    }
                    if let Some(f) = msg.files {
                        files.set(f);
                    }
                    if let Some(c) = msg.checks {
                        checks.set(parse_checks_value(&c).map_err(|e| e.to_string()));
                    }
                })
            });
            messages::post(
                &SimpleMessage {
                    kind: "layerlab:ready",
                    id: &id,
                    px: None,
                },
                &ready_to,
            );
            move || drop(listener)
        });
    }

    // Widget → host: results after each evaluation, the height after each render.
    {
        let params = params.clone();
        let checks_state = checks.clone();
        let shown = (*evaluation).clone();
        use_effect_with(shown.as_ref().map(|(seq, _)| *seq), move |_| {
            let Some((_, ev)) = shown else {
                return;
            };
            let image = ev.image.as_ref();
            let checks_error = checks_state.as_ref().err().map(String::as_str);
            let message = ResultMessage {
                kind: "layerlab:result",
                id: &params.id,
                passed: checks_error.is_none()
                    && !ev.checks.is_empty()
                    && ev.checks.iter().all(|c| c.passed),
                checks: &ev.checks,
                checks_error,
                diagnostics: ev
                    .analysis
                    .diagnostics
                    .iter()
                    .map(|d| DiagnosticOut {
                        severity: d.severity.as_str(),
                        code: &d.code,
                        message: &d.message,
                        line: d.line,
                        column: d.column,
                    })
                    .collect(),
                layers: image.map_or(0, |i| {
                    i.layers.iter().filter(|l| l.from_base.is_none()).count()
                }),
                image: image.map(|i| ImageOut {
                    id: &i.id,
                    size: i.size(),
                    size_is_lower_bound: i.size_is_lower_bound(),
                    layers: i.layers.len(),
                }),
                build_error: ev.error.as_deref(),
            };
            messages::post(&message, &params.allow);
        });
    }
    {
        let root = root.clone();
        let params = params.clone();
        use_effect(move || {
            if let Some(el) = root.cast::<web_sys::Element>() {
                let px = el.scroll_height() + 2;
                messages::post(
                    &SimpleMessage {
                        kind: "layerlab:height",
                        id: &params.id,
                        px: Some(px),
                    },
                    &params.allow,
                );
            }
        });
    }

    let oninput = {
        let text = text.clone();
        let notice = notice.clone();
        let readonly = params.readonly;
        let locked = (*locked).clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let value = area.value();
            if let Some((a, _)) = readonly {
                let now: Vec<&str> = value.split('\n').skip(a - 1).take(locked.len()).collect();
                if now != locked.iter().map(String::as_str).collect::<Vec<_>>() {
                    area.set_value(&text);
                    notice.set(format!(
                        "Lines {a}–{} are read-only in this exercise.",
                        a + locked.len() - 1
                    ));
                    return;
                }
            }
            text.set(value);
        })
    };

    let line_count = text.split('\n').count();
    let readonly = params.readonly;
    html! {
        <div class="embed" ref={root}>
            <style>{ EMBED_CSS }</style>
            <div class="embed-editor">
                <div class="gutter" aria-hidden="true">
                    { for (1..=line_count).map(|n| {
                        let ro = readonly.is_some_and(|(a, b)| n >= a && n <= b);
                        html! { <div class={classes!("gutter-line", ro.then_some("readonly"))}>{ n }</div> }
                    }) }
                </div>
                <textarea id="dockerfile" class="code" aria-label="Dockerfile" spellcheck="false"
                    autocomplete="off" autocapitalize="off" wrap="off" rows={(line_count.max(4) + 1).to_string()}
                    value={(*text).clone()} {oninput} />
            </div>
            if !notice.is_empty() {
                <div class="embed-notice" role="status">{ (*notice).clone() }</div>
            }
            { match (&*evaluation, &*engine_failed) {
                (Some((_, ev)), _) => html! { <>
                    { result_view(params.view, ev) }
                    { checklist(&checks, &ev.checks) }
                </> },
                (None, Some(reason)) => html! {
                    <div class="embed-view engine-failed" role="alert">{ format!("The engine could not run ({reason}).") }</div>
                },
                (None, None) => html! { <>
                    <div class="embed-view engine-loading" role="status" aria-busy="true">{ "Loading the engine…" }</div>
                    { checklist(&checks, &[]) }
                </> },
            } }
        </div>
    }
}

/// The lines `readonly` covers in `text`.
fn locked_lines(text: &str, readonly: Option<(usize, usize)>) -> Vec<String> {
    match readonly {
        Some((a, b)) => text
            .split('\n')
            .skip(a - 1)
            .take(b + 1 - a)
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    }
}

fn result_view(view: View, ev: &Evaluation) -> Html {
    match view {
        View::Problems => html! {
            <section class="embed-view problems" aria-label="Problems">
                if ev.analysis.diagnostics.is_empty() {
                    <p class="ok">{ "No problems found." }</p>
                }
                <ul>
                    { for ev.analysis.diagnostics.iter().map(|d| html! {
                        <li class={classes!("problem", d.severity.as_str())}>
                            { format!("{}:{} {} {}", d.line, d.column, d.code, d.message) }
                        </li>
                    }) }
                </ul>
            </section>
        },
        View::Instructions => html! {
            <section class="embed-view" aria-label="Instructions">
                <table class="rows">
                    { for ev.analysis.instructions.iter().map(|r| html! {
                        <tr class="instruction">
                            <td class="line">{ r.start_line }</td>
                            <td class="text">{ format!("{} {}", r.keyword, r.summary) }</td>
                            <td class="effect">{ match r.effect {
                                Effect::NewStage => "new stage",
                                Effect::Layer => "layer",
                                Effect::Metadata => "metadata only",
                                Effect::Invalid => "invalid",
                            } }</td>
                        </tr>
                    }) }
                </table>
            </section>
        },
        View::Layers => match &ev.image {
            Some(image) => layers_table(image),
            None => build_error(ev),
        },
        View::Image => match &ev.inspect {
            Some(inspect) => html! {
                <section class="embed-view" aria-label="Image">
                    <pre class="json">{ inspect.clone() }</pre>
                </section>
            },
            None => build_error(ev),
        },
    }
}

fn build_error(ev: &Evaluation) -> Html {
    html! {
        <section class="embed-view" aria-label="Build">
            <pre class="build-error">{ ev.error.clone().unwrap_or_default() }</pre>
        </section>
    }
}

fn layers_table(image: &StoredImage) -> Html {
    let base_layers: Vec<_> = image
        .layers
        .iter()
        .filter(|l| l.from_base.is_some())
        .collect();
    let base_size: u64 = base_layers.iter().map(|l| l.size).sum();
    let own: Vec<_> = image
        .history
        .iter()
        .filter(|h| h.comment == "buildkit.dockerfile.v0")
        .collect();
    let size_text = |h: &layerlab::terminal::StoredHistory| -> String {
        if h.empty_layer {
            "metadata only".into()
        } else {
            match (h.size, h.size_knowledge) {
                (_, SizeKnowledge::Unknown) => "? (RUN simulated)".into(),
                (Some(s), _) => format!("+{}", layerlab::image::human_size(s)),
                (None, _) => "?".into(),
            }
        }
    };
    html! {
        <section class="embed-view" aria-label="Layers">
            <table class="rows layers">
                if let Some(base) = &image.base {
                    <tr class="layer base">
                        <td class="text">{ format!("{base} (base)") }</td>
                        <td class="size">{ format!("{} layer(s) · {} compressed", base_layers.len(), layerlab::image::human_size(base_size)) }</td>
                    </tr>
                }
                { for own.iter().map(|h| html! {
                    <tr class={classes!("layer", if h.empty_layer { "metadata" } else { "fs" })}>
                        <td class="text">{ h.created_by.trim_end_matches(" # buildkit") }</td>
                        <td class="size">{ size_text(h) }</td>
                    </tr>
                }) }
            </table>
        </section>
    }
}

fn checklist(spec: &Result<Vec<CheckSpec>, String>, results: &[CheckResult]) -> Html {
    match spec {
        Err(e) => html! { <div class="checks-error" role="alert">{ e.clone() }</div> },
        Ok(s) if s.is_empty() => html! {},
        Ok(_) => {
            let all = results.iter().all(|c| c.passed);
            html! {
                <section class={classes!("checklist", all.then_some("all-passed"))} aria-label="Checks">
                    <ul>
                        { for results.iter().map(|c| html! {
                            <li class={classes!("check", match c.status {
                                labcheck::Status::Passed => "passed",
                                labcheck::Status::Failed => "failed",
                                labcheck::Status::Unknown => "unknown",
                            })}>
                                <span class="mark">{ if c.passed { "✓" } else if c.status == labcheck::Status::Unknown { "?" } else { "✗" } }</span>
                                <span class="label">{ &c.label }</span>
                                <span class="detail">{ &c.detail }</span>
                            </li>
                        }) }
                    </ul>
                </section>
            }
        }
    }
}

const EMBED_CSS: &str = r#"
html, body { margin: 0; padding: 0; background: #fff; color: #1b1f24; font: 14px/1.4 system-ui, sans-serif; }
.embed { padding: 6px; }
.embed-editor { display: flex; border: 1px solid #c9d1d9; border-radius: 4px; font: 13px/1.45 ui-monospace, monospace; }
.embed-editor .gutter { padding: 4px 6px; color: #8b949e; text-align: right; user-select: none; background: #f6f8fa; }
.embed-editor .gutter-line.readonly { background: #eaeef2; color: #57606a; }
.embed-editor textarea { flex: 1; border: 0; padding: 4px 6px; font: inherit; resize: vertical; outline: none; white-space: pre; overflow: auto; }
.embed-notice { margin: 4px 0; color: #9a6700; font-size: 12px; }
.embed-view { margin-top: 6px; font-size: 13px; }
.embed-view table { border-collapse: collapse; width: 100%; }
.embed-view td { padding: 2px 6px; border-bottom: 1px solid #eaeef2; font-family: ui-monospace, monospace; }
.embed-view td.size, .embed-view td.effect { white-space: nowrap; text-align: right; color: #57606a; }
.embed-view pre { margin: 0; max-height: 320px; overflow: auto; background: #f6f8fa; padding: 6px; }
.problem.error { color: #cf222e; } .problem.warning { color: #9a6700; }
.checklist ul { list-style: none; margin: 6px 0 0; padding: 0; }
.check { display: flex; gap: 6px; padding: 3px 6px; border-radius: 4px; margin-bottom: 2px; }
.check .detail { color: #57606a; font-size: 12px; margin-left: auto; text-align: right; }
.check.passed { background: #dafbe1; } .check.passed .mark { color: #1a7f37; }
.check.failed { background: #ffebe9; } .check.failed .mark { color: #cf222e; }
.check.unknown { background: #fff8c5; }
.checks-error { color: #cf222e; margin-top: 6px; }
"#;
