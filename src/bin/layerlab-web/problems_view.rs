//! The Problems panel: every diagnostic with its severity, code, position and message.
//! Activating one (click or Enter) selects its exact span in the editor.

use layerlab::analysis::Analysis;
use layerlab::lint::{rule_doc, RuleDoc};
use yew::prelude::*;

use crate::instructions_view::PAGE;
use crate::shared::Shared;

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    pub analysis: Shared<Analysis>,
    /// Called with the index of the activated diagnostic.
    pub on_jump: Callback<usize>,
}

#[function_component(ProblemsView)]
pub fn problems_view(props: &ProblemsProps) -> Html {
    let shown = use_state(|| PAGE);
    let open_doc = use_state(|| None::<usize>);
    let diagnostics = &props.analysis.diagnostics;
    if diagnostics.is_empty() {
        return html! { <p class="empty">{ "No problems: the Dockerfile parses and every instruction is valid." }</p> };
    }
    html! {
        <>
        <ul class="problems" aria-label="Problems">
            { for diagnostics.iter().take(*shown).enumerate().map(|(i, d)| {
                let jump = props.on_jump.reform(move |_: MouseEvent| i);
                let key = props.on_jump.reform(move |_: KeyboardEvent| i);
                let onkeydown = Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        key.emit(e);
                    }
                });
                let severity = d.severity.as_str();
                html! {
                    <li class={classes!("problem", severity)} tabindex="0" role="button"
                        aria-label={format!("{severity} {} at line {}, column {}: {}", d.code, d.line, d.column, d.message)}
                        onclick={jump} {onkeydown} data-line={d.line.to_string()}>
                        <span class={classes!("sev", severity)} aria-hidden="true">{ if severity == "error" { "●" } else { "▲" } }</span>
                        <span class="where">{ format!("{}:{}", d.line, d.column) }</span>
                        { " " }<span class="code">{ &d.code }</span>
                        { " " }<span class="message">{ &d.message }</span>
                        if let Some(doc) = rule_doc(&d.code) {
                            { " " }
                            <button class="small explain" aria-expanded={(*open_doc == Some(i)).to_string()}
                                onclick={let o = open_doc.clone(); Callback::from(move |e: MouseEvent| { e.stop_propagation(); o.set(if *o == Some(i) { None } else { Some(i) }); })}
                                onkeydown={Callback::from(|e: KeyboardEvent| e.stop_propagation())}>{ "Explain" }</button>
                            if *open_doc == Some(i) { { explanation(doc) } }
                        }
                    </li>
                }
            }) }
        </ul>
        if diagnostics.len() > *shown {
            <p class="more">
                { format!("Showing {} of {} problems. ", *shown, diagnostics.len()) }
                <button class="button" onclick={let s = shown.clone(); Callback::from(move |_| s.set(*s + PAGE))}>{ "Show more" }</button>
            </p>
        }
        </>
    }
}

/// A rule's page: what, why, bad → good, and the upstream documentation.
fn explanation(doc: &RuleDoc) -> Html {
    html! {
        <div class="rule-doc" role="region" aria-label={format!("{} explained", doc.code)}
             onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}
             onkeydown={Callback::from(|e: KeyboardEvent| e.stop_propagation())}>
            <h3>{ format!("{} · {}", doc.code, doc.name) }<span class="muted">{ format!(" ({})", doc.set.as_str()) }</span></h3>
            <p>{ doc.summary }</p>
            <p class="muted">{ doc.rationale }</p>
            <div class="bad-good">
                <div><strong>{ "Bad" }</strong><pre class="code-view">{ doc.bad }</pre></div>
                <div><strong>{ "Good" }</strong><pre class="code-view">{ doc.good }</pre></div>
            </div>
            if !doc.url.is_empty() {
                <p><a href={doc.url} target="_blank" rel="noopener noreferrer">{ "Upstream documentation" }</a></p>
            }
        </div>
    }
}
