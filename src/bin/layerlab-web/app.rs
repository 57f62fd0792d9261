//! The playground's top-level component: holds the workspace and lays out the panels.

use layerlab::analysis::{analyze, Analysis};
use yew::prelude::*;

use crate::editor::Editor;
use crate::instructions_view::InstructionsView;
use crate::terminal_view::TerminalView;
use crate::{seed, storage};

#[function_component(App)]
pub fn app() -> Html {
    let text =
        use_state(|| storage::load_dockerfile().unwrap_or_else(|| seed::DOCKERFILE.to_string()));
    let analysis: Analysis = {
        let text = (*text).clone();
        use_memo(text, |t| analyze(t)).as_ref().clone()
    };

    // The terminal builds with the seed's files until the context panel provides them.
    let context = use_memo((), |_| {
        let files = seed::CONTEXT
            .iter()
            .map(|(p, c)| (*p, c.as_bytes().to_vec()));
        std::rc::Rc::new(layerlab::context::Context::from_files(files).unwrap_or_default())
    });
    let on_change = {
        let text = text.clone();
        Callback::from(move |t: String| {
            storage::save_dockerfile(&t);
            text.set(t);
        })
    };

    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == layerlab::diagnostic::Severity::Error)
        .count();
    html! {
        <div class="app">
            <header class="topbar">
                <h1>{ "layerlab" }</h1>
                <span class="tagline">{ "what docker build would do — simulated in your browser, no daemon" }</span>
            </header>
            <main class="panes">
                <section class="pane editor-pane" aria-label="Dockerfile editor">
                    <Editor text={AttrValue::from((*text).clone())} {on_change} />
                </section>
                <section class="pane result-pane" aria-label="Instructions">
                    <h2>{ "Instructions" }</h2>
                    <InstructionsView rows={analysis.instructions.clone()} />
                    <ul class="problems" aria-label="Problems">
                        { for analysis.diagnostics.iter().map(|d| html! {
                            <li class={classes!("problem", d.severity.as_str())}>
                                <span class="where">{ format!("{}:{}", d.line, d.column) }</span>
                                { " " }<span class="code">{ &d.code }</span>
                                { " " }<span class="message">{ &d.message }</span>
                            </li>
                        }) }
                    </ul>
                </section>
                <section class="pane terminal-pane" aria-label="Terminal">
                    <h2>{ "Terminal" }</h2>
                    <TerminalView dockerfile={AttrValue::from((*text).clone())} context={(*context).clone()} />
                </section>
            </main>
            <footer class="status" role="status">
                { format!("{} instructions · {} layers · {} errors · simulated build, no daemon",
                    analysis.instructions.len(), analysis.layer_count(), errors) }
            </footer>
        </div>
    }
}
