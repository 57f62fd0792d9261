//! The Advisor panel: the best-practice advice for the simulated build, numbered, each with
//! the lines concerned (activating one selects it in the editor), the reasoning with its
//! numbers, the saving and how sure it is, an explanation of the kind of advice (what, why,
//! bad → good) and, where the rewrite keeps the build's meaning, an "Apply fix" button.
//!
//! The advice is computed by the app once per simulated build (never while typing); this
//! component only renders it. Applying a fix goes through the app, which edits the textarea
//! as typing would, so Ctrl+Z in the editor undoes it.

use layerlab::advisor::{format_bytes, Advice, AdviceDoc, DOCS};
use layerlab::simulate::Certainty;
use yew::prelude::*;

use crate::shared::Shared;

#[derive(Properties, PartialEq)]
pub struct AdvisorProps {
    pub advice: Shared<Vec<Advice>>,
    /// The advice was computed for an older text (the simulation waits for a typing pause).
    pub stale: bool,
    /// Why the list is empty when it is: `None` when the advice is simply all followed.
    pub unavailable: Option<AttrValue>,
    /// Called with a 1-based line to select in the editor.
    pub on_line: Callback<usize>,
    /// Called with the index of the advice whose fix to apply, and its id (to check that the
    /// advice is still the same after a re-analysis).
    pub on_fix: Callback<(usize, &'static str)>,
}

#[function_component(AdvisorView)]
pub fn advisor_view(props: &AdvisorProps) -> Html {
    let open_doc = use_state(|| None::<usize>);
    if let Some(reason) = &props.unavailable {
        return html! { <p class="empty">{ reason.clone() }</p> };
    }
    if props.advice.is_empty() {
        return html! { <p class="empty">{ "No advice: this build already follows the best practices the advisor checks (minimal base, multi-stage, cache order, few layers, clean apt layers)." }</p> };
    }
    html! {
        <>
        <p class="advisor-summary muted">
            { format!("{} suggestion{} for the final image", props.advice.len(), if props.advice.len() == 1 { "" } else { "s" }) }
            { " (the savings overlap: following one advice changes the others)" }
            if props.stale { { " · computed for the text before your last edits" } }
        </p>
        <ol class="advice-list" aria-label="Advice">
            { for props.advice.iter().enumerate().map(|(i, advice)| {
                let open = *open_doc == Some(i);
                let toggle = {
                    let open_doc = open_doc.clone();
                    Callback::from(move |_: MouseEvent| open_doc.set(if *open_doc == Some(i) { None } else { Some(i) }))
                };
                let doc = DOCS.iter().find(|d| d.id == advice.id);
                html! {
                    <li class="advice" data-id={advice.id} data-number={advice.number.to_string()}>
                        <div class="advice-head">
                            <span class="advice-number" aria-hidden="true">{ advice.number }</span>
                            <h3 class="advice-title">{ &advice.title }</h3>
                        </div>
                        <div class="advice-meta">
                            { lines(&advice.lines, &props.on_line) }
                            { saving(advice) }
                        </div>
                        <p class="advice-detail">{ &advice.detail }</p>
                        <div class="advice-actions">
                            if doc.is_some() {
                                <button class="small explain" aria-expanded={open.to_string()} onclick={toggle}>{ "Explain" }</button>
                            }
                            if let Some(fix) = &advice.fix {
                                { " " }
                                <button class="small apply-fix" title={fix.description.clone()}
                                    onclick={props.on_fix.reform({ let id = advice.id; move |_: MouseEvent| (i, id) })}>{ "Apply fix" }</button>
                                <span class="muted fix-description">{ format!(" {}", fix.description) }</span>
                            }
                        </div>
                        if let (true, Some(doc)) = (open, doc) { { explanation(doc) } }
                    </li>
                }
            }) }
        </ol>
        </>
    }
}

/// The lines concerned, each a button selecting the line in the editor.
fn lines(lines: &[usize], on_line: &Callback<usize>) -> Html {
    if lines.is_empty() {
        return html! {};
    }
    html! {
        <span class="advice-lines">
            { if lines.len() == 1 { "line " } else { "lines " } }
            { for lines.iter().map(|&line| html! {
                <button class="line-link" aria-label={format!("Select line {line} in the editor")}
                    onclick={on_line.reform(move |_: MouseEvent| line)}>{ line }</button>
            }) }
        </span>
    }
}

/// The saving (and before → after) with its certainty.
fn saving(advice: &Advice) -> Html {
    let (mark, certainty, tip) = match advice.certainty {
        Certainty::Exact => ("", "exact", "exact: byte for byte"),
        Certainty::Estimated => (
            "~",
            "estimate",
            "estimated from the package and base-image catalogs",
        ),
        Certainty::Unknown => (
            "~",
            "unknown",
            "the simulator cannot tell these bytes exactly",
        ),
    };
    let sizes = match (advice.estimated_before_bytes, advice.estimated_after_bytes) {
        (Some(b), Some(a)) => format!(" ({mark}{} → {mark}{})", format_bytes(b), format_bytes(a)),
        _ => String::new(),
    };
    match advice.saving_bytes {
        Some(s) => html! {
            <span class={classes!("advice-saving", certainty)} title={tip}>
                { format!("saves {mark}{}{sizes}", format_bytes(s)) }
                <span class="certainty">{ certainty }</span>
            </span>
        },
        None => {
            html! { <span class="advice-saving unknown" title={tip}>{ "saving not measurable" }</span> }
        }
    }
}

/// The documentation of one kind of advice: what, why, bad → good.
fn explanation(doc: &AdviceDoc) -> Html {
    html! {
        <div class="rule-doc" role="region" aria-label={format!("{} explained", doc.id)}>
            <h3>{ doc.title }<span class="muted">{ format!(" ({})", doc.id) }</span></h3>
            <p>{ doc.what }</p>
            <p class="muted">{ doc.why }</p>
            <div class="bad-good">
                <div><strong>{ "Bad" }</strong><pre class="code-view">{ doc.bad }</pre></div>
                <div><strong>{ "Good" }</strong><pre class="code-view">{ doc.good }</pre></div>
            </div>
        </div>
    }
}
