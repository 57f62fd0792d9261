//! The list of instructions: line, keyword, arguments and what each does to the image.

use layerlab::analysis::{Effect, InstructionRow};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InstructionsProps {
    pub rows: Vec<InstructionRow>,
}

#[function_component(InstructionsView)]
pub fn instructions_view(props: &InstructionsProps) -> Html {
    if props.rows.is_empty() {
        return html! { <p class="empty">{ "No instructions yet: start with FROM." }</p> };
    }
    html! {
        <table class="instructions" aria-label="Instructions">
            <thead>
                <tr><th scope="col">{ "Line" }</th><th scope="col">{ "Instruction" }</th><th scope="col">{ "Effect" }</th></tr>
            </thead>
            <tbody>
                { for props.rows.iter().map(row) }
            </tbody>
        </table>
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
