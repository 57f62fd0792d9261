//! The Stages panel: the multi-stage graph as SVG (external images on the left, stages in
//! columns by dependency depth, FROM / COPY --from / RUN --mount edges), the target selector
//! (stages a build of the target does not need are dimmed, as BuildKit skips them) and the
//! build-args form for the global ARGs (base images are expanded with them).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::shared::Shared;

use crate::stages::{Graph, Source};

#[derive(Properties, PartialEq)]
pub struct StagesProps {
    pub graph: Shared<Graph>,
    pub target: Option<usize>,
    pub build_args: Vec<(String, String)>,
    pub on_target: Callback<Option<usize>>,
    pub on_build_arg: Callback<(String, String)>,
    /// The build epoch (SOURCE_DATE_EPOCH, seconds).
    pub epoch: i64,
    pub on_epoch: Callback<i64>,
}

const NODE_W: f64 = 190.0;
const NODE_H: f64 = 44.0;
const GAP_X: f64 = 70.0;
const GAP_Y: f64 = 22.0;

#[function_component(StagesView)]
pub fn stages_view(props: &StagesProps) -> Html {
    let g = &props.graph;
    if g.stages.is_empty() {
        return html! { <p class="empty">{ "No stages yet: a Dockerfile starts with FROM." }</p> };
    }
    let needed = g.needed(props.target);

    // Columns: external images at 0, a stage one column right of everything it uses.
    let mut images: Vec<String> = Vec::new();
    for e in &g.edges {
        if let Source::Image(name) = &e.from {
            if !images.contains(name) {
                images.push(name.clone());
            }
        }
    }
    let mut column = vec![1usize; g.stages.len()];
    for (i, _) in g.stages.iter().enumerate() {
        for e in g.edges.iter().filter(|e| e.to == i) {
            if let Source::Stage(from) = e.from {
                if from < i {
                    column[i] = column[i].max(column[from] + 1);
                }
            }
        }
    }
    let columns = column.iter().copied().max().unwrap_or(1) + 1;
    let mut rows_in = vec![0usize; columns];
    let mut stage_pos = vec![(0.0, 0.0); g.stages.len()];
    let mut image_pos = Vec::with_capacity(images.len());
    for _ in &images {
        image_pos.push(place(0, &mut rows_in));
    }
    for (i, c) in column.iter().enumerate() {
        stage_pos[i] = place(*c, &mut rows_in);
    }
    let height = rows_in.iter().copied().max().unwrap_or(1) as f64 * (NODE_H + GAP_Y) + GAP_Y;
    let width = columns as f64 * (NODE_W + GAP_X) + GAP_X;

    let edges = g.edges.iter().filter_map(|e| {
        let (x1, y1) = match &e.from {
            Source::Stage(s) => stage_pos[*s],
            Source::Image(name) => image_pos[images.iter().position(|n| n == name)?],
        };
        let (x2, y2) = stage_pos.get(e.to).copied()?;
        let (sx, sy, tx, ty) = (x1 + NODE_W, y1 + NODE_H / 2.0, x2, y2 + NODE_H / 2.0);
        let mid = (sx + tx) / 2.0;
        let class = classes!("edge", if e.via == "FROM" { "from" } else { "copy" }, (!needed[e.to]).then_some("unused"));
        Some(html! {
            <g class={class}>
                <title>{ format!("{} (line {})", e.via, e.line) }</title>
                <path d={format!("M{sx},{sy} C{mid},{sy} {mid},{ty} {tx},{ty}")} marker-end="url(#arrow)" />
            </g>
        })
    });
    let image_nodes = images.iter().zip(&image_pos).map(|(name, (x, y))| {
        html! {
            <g class="node image" transform={format!("translate({x},{y})")}>
                <title>{ format!("image {name}") }</title>
                <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="6" />
                <text x="10" y="27">{ clip(name, 24) }</text>
            </g>
        }
    });
    let stage_nodes = g.stages.iter().zip(&stage_pos).map(|(s, (x, y))| {
        let label = s.name.clone().unwrap_or_else(|| format!("stage {}", s.index));
        let is_target = props.target.unwrap_or(g.stages.len() - 1) == s.index;
        let class = classes!("node", "stage", (!needed[s.index]).then_some("unused"), is_target.then_some("target"));
        html! {
            <g class={class} transform={format!("translate({x},{y})")} data-stage={s.index.to_string()}>
                <title>{ format!("{label}: FROM {} (line {})", s.base, s.line) }</title>
                <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="6" />
                <text x="10" y="18" class="stage-name">{ clip(&label, 24) }</text>
                <text x="10" y="35" class="stage-base">{ clip(&format!("FROM {}", s.base), 28) }</text>
            </g>
        }
    });

    let on_target = {
        let cb = props.on_target.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            cb.emit(select.value().parse::<usize>().ok());
        })
    };
    let selected_target = props.target.map_or(String::new(), |t| t.to_string());

    html! {
        <div class="stages-panel">
            <div class="stages-controls">
                <label for="target">{ "Target " }</label>
                <select id="target" onchange={on_target}>
                    <option value="" selected={props.target.is_none()}>{ "(last stage)" }</option>
                    { for g.stages.iter().map(|s| {
                        let label = s.name.clone().unwrap_or_else(|| format!("stage {}", s.index));
                        html! { <option value={s.index.to_string()} selected={selected_target == s.index.to_string()}>{ label }</option> }
                    }) }
                </select>
                <span class="muted">{ format!("{} of {} stages built", needed.iter().filter(|n| **n).count(), g.stages.len()) }</span>
            </div>
            <svg class="stage-graph" role="img" aria-label={format!("Stage graph: {} stages", g.stages.len())}
                 viewBox={format!("0 0 {width} {height}")} width={width.to_string()} height={height.to_string()}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                    </marker>
                </defs>
                { for edges }
                { for image_nodes }
                { for stage_nodes }
            </svg>
            { epoch_field(props.epoch, props.on_epoch.clone()) }
            if !g.meta_args.is_empty() {
                <fieldset class="build-args">
                    <legend>{ "Build args (global ARGs)" }</legend>
                    { for g.meta_args.iter().map(|a| {
                        let name = a.name.clone();
                        let value = props.build_args.iter().find(|(k, _)| *k == a.name).map(|(_, v)| v.clone()).unwrap_or_default();
                        let cb = props.on_build_arg.clone();
                        let oninput = Callback::from(move |e: InputEvent| {
                            let input: HtmlInputElement = e.target_unchecked_into();
                            cb.emit((name.clone(), input.value()));
                        });
                        let id = format!("build-arg-{}", a.name);
                        html! {
                            <div class="build-arg">
                                <label for={id.clone()}><code>{ &a.name }</code></label>
                                <input id={id} type="text" {value} placeholder={a.default.clone().unwrap_or_else(|| "(no default)".into())} {oninput} />
                            </div>
                        }
                    }) }
                </fieldset>
            }
        </div>
    }
}

/// The build epoch: the time written into every layer entry and history entry (BuildKit's
/// SOURCE_DATE_EPOCH). Fixed (0) by default, so the same input always gives the same digests.
fn epoch_field(epoch: i64, on_epoch: Callback<i64>) -> Html {
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        // A half-typed or invalid number keeps the current epoch.
        if let Ok(v) = input.value().trim().parse::<i64>() {
            if (0..=253_402_300_799).contains(&v) {
                on_epoch.emit(v);
            }
        }
    });
    html! {
        <fieldset class="build-args build-epoch">
            <legend>{ "Build epoch (SOURCE_DATE_EPOCH)" }</legend>
            <div class="build-arg">
                <label for="build-epoch">{ "seconds" }</label>
                <input id="build-epoch" type="number" min="0" step="1" value={epoch.to_string()} {oninput} />
            </div>
            <p class="muted">{ "The time of every layer entry and history entry. The same input with the same epoch always gives the same digests." }</p>
        </fieldset>
    }
}

fn place(column: usize, rows_in: &mut [usize]) -> (f64, f64) {
    let row = rows_in[column];
    rows_in[column] += 1;
    (
        GAP_X / 2.0 + column as f64 * (NODE_W + GAP_X),
        GAP_Y + row as f64 * (NODE_H + GAP_Y),
    )
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}
