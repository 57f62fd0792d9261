//! The Problems panel: every diagnostic with its severity, code, position and message.
//! Activating one (click or Enter) selects its exact span in the editor.

use layerlab::analysis::Analysis;
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
