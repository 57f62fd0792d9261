//! The list of instructions: line, keyword, arguments and what each does to the image.

use layerlab::analysis::{Analysis, Effect, InstructionRow};
use yew::prelude::*;

use crate::shared::Shared;

/// Rows rendered at first, and added by each "Show more".
pub const PAGE: usize = 300;

#[derive(Properties, PartialEq)]
pub struct InstructionsProps {
    pub analysis: Shared<Analysis>,
}

#[function_component(InstructionsView)]
pub fn instructions_view(props: &InstructionsProps) -> Html {
    let shown = use_state(|| PAGE);
    let rows = &props.analysis.instructions;
    if rows.is_empty() {
        return html! { <p class="empty">{ "No instructions yet: start with FROM." }</p> };
    }
    html! {
        <>
        <table class="instructions" aria-label="Instructions">
            <thead>
                <tr><th scope="col">{ "Line" }</th><th scope="col">{ "Instruction" }</th><th scope="col">{ "Effect" }</th></tr>
            </thead>
            <tbody>
                { for rows.iter().take(*shown).map(row) }
            </tbody>
        </table>
        if rows.len() > *shown {
            <p class="more">
                { format!("Showing {} of {} instructions. ", *shown, rows.len()) }
                <button class="button" onclick={let s = shown.clone(); Callback::from(move |_| s.set(*s + PAGE))}>{ "Show more" }</button>
            </p>
        }
        </>
    }
}

fn row(r: &InstructionRow) -> Html {
    let lines = if r.end_line > r.start_line {
        format!("{}–{}", r.start_line, r.end_line)
    } else {
        r.start_line.to_string()
    };
    let (class, label) = match r.effect {
        Effect::NewStage => ("effect stage", "new stage"),
        Effect::Layer => ("effect layer", "layer"),
        Effect::Metadata => ("effect meta", "metadata only"),
        Effect::Invalid => ("effect invalid", "invalid"),
    };
    html! {
        <tr class="instruction" data-line={r.start_line.to_string()}>
            <td class="line">{ lines }</td>
            <td class="text"><span class="kw">{ &r.keyword }</span>{ " " }<span class="args">{ &r.summary }</span></td>
            <td class={class}>{ label }</td>
        </tr>
    }
}
