//! The Terminal panel: a prompt over the engine's simulated `docker` CLI
//! (`layerlab::terminal`). Up/Down walk the command history, Tab completes commands and image
//! names, Ctrl+L clears. The image store is saved to `localStorage` after every command, so
//! built images, tags and pushes survive a reload.

use std::cell::RefCell;
use std::rc::Rc;

use layerlab::catalog::base_images::BaseImageCatalog;
use layerlab::context::Context;
use layerlab::simulate::Catalogs;
use layerlab::terminal::{self, ImageStore, Workspace};
use web_sys::HtmlInputElement;
use yew::prelude::*;

const STORE_KEY: &str = "layerlab.terminal.v1";

thread_local! {
    /// The simulation's catalogs (the bundled base images), built once per page.
    static CATALOGS: RefCell<Option<Rc<Catalogs>>> = const { RefCell::new(None) };
}

/// The catalogs the simulated builds use: the base-image catalog the page fetched
/// ([`crate::base_catalog`]; until it is in, or if it failed, every base is unknown) and no
/// package indexes.
pub fn catalogs() -> Rc<Catalogs> {
    CATALOGS.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(ready) = c.as_ref() {
            return ready.clone();
        }
        let shared = BaseImageCatalog::shared();
        let catalogs = Rc::new(Catalogs::new(shared.cloned()));
        // Kept once the catalog is in; before, made afresh so it is picked up when it comes.
        if shared.is_some() {
            *c = Some(catalogs.clone());
        }
        catalogs
    })
}

/// Seconds since the epoch from the browser's clock (the engine never reads a clock).
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load_store() -> ImageStore {
    let json = local_storage().and_then(|s| s.get_item(STORE_KEY).ok().flatten());
    ImageStore::from_json_or_default(json.as_deref())
}

fn save_store(store: &ImageStore) {
    if let Some(s) = local_storage() {
        // A full or disabled storage only loses persistence.
        let _ = s.set_item(STORE_KEY, &store.to_json());
    }
}

#[derive(Properties)]
pub struct TerminalProps {
    /// The editor's Dockerfile.
    pub dockerfile: AttrValue,
    /// The build context.
    pub context: Rc<Context>,
}

impl PartialEq for TerminalProps {
    fn eq(&self, other: &Self) -> bool {
        self.dockerfile == other.dockerfile && Rc::ptr_eq(&self.context, &other.context)
    }
}

/// One block of the screen: the command typed and what it printed.
#[derive(Clone, PartialEq)]
struct Entry {
    command: String,
    stdout: String,
    stderr: String,
    status: i32,
}

#[function_component(TerminalView)]
pub fn terminal_view(props: &TerminalProps) -> Html {
    let store = use_mut_ref(load_store);
    let screen = use_state(Vec::<Entry>::new);
    let input = use_state(String::new);
    // Position in the history while walking it with Up/Down (None = editing a new line).
    let cursor = use_mut_ref(|| None::<usize>);
    let hint = use_state(String::new);
    let input_ref = use_node_ref();
    let screen_ref = use_node_ref();

    {
        let screen_ref = screen_ref.clone();
        use_effect_with(screen.len(), move |_| {
            if let Some(el) = screen_ref.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let run = {
        let store = store.clone();
        let screen = screen.clone();
        let input = input.clone();
        let cursor = cursor.clone();
        let hint = hint.clone();
        let dockerfile = props.dockerfile.clone();
        let context = props.context.clone();
        move |line: String| {
            let catalogs = catalogs();
            let output = {
                let mut store = store.borrow_mut();
                let out = terminal::execute(
                    &line,
                    &mut store,
                    Workspace {
                        dockerfile: &dockerfile,
                        context: &context,
                    },
                    &catalogs,
                    now_secs(),
                );
                save_store(&store);
                out
            };
            if output.clear {
                screen.set(Vec::new());
            } else {
                let mut lines = (*screen).clone();
                lines.push(Entry {
                    command: line,
                    stdout: output.stdout,
                    stderr: output.stderr,
                    status: output.status,
                });
                screen.set(lines);
            }
            input.set(String::new());
            hint.set(String::new());
            *cursor.borrow_mut() = None;
        }
    };

    let onkeydown = {
        let store = store.clone();
        let input = input.clone();
        let cursor = cursor.clone();
        let hint = hint.clone();
        let screen = screen.clone();
        Callback::from(move |e: KeyboardEvent| {
            let field: HtmlInputElement = e.target_unchecked_into();
            let value = field.value();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    run(value);
                }
                "ArrowUp" | "ArrowDown" => {
                    e.prevent_default();
                    let history = store.borrow().history.clone();
                    if history.is_empty() {
                        return;
                    }
                    let mut c = cursor.borrow_mut();
                    let next = match (e.key().as_str(), *c) {
                        ("ArrowUp", None) => Some(history.len() - 1),
                        ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                        ("ArrowDown", Some(i)) if i + 1 < history.len() => Some(i + 1),
                        _ => None,
                    };
                    *c = next;
                    let text = next.map(|i| history[i].clone()).unwrap_or_default();
                    field.set_value(&text);
                    input.set(text);
                }
                "Tab" => {
                    e.prevent_default();
                    let candidates = terminal::complete(&value, &store.borrow());
                    // The word being completed starts after the last white space (which may be
                    // a multi-byte character: step over it by its length, not by one).
                    let partial_start = value
                        .char_indices()
                        .rfind(|(_, c)| c.is_whitespace())
                        .map_or(0, |(i, c)| i + c.len_utf8());
                    let prefix = terminal::common_prefix(&candidates);
                    let mut text = value[..partial_start].to_string();
                    match candidates.len() {
                        0 => return,
                        1 => {
                            text.push_str(&candidates[0]);
                            text.push(' ');
                            hint.set(String::new());
                        }
                        _ => {
                            text.push_str(if prefix.len() > value.len() - partial_start {
                                &prefix
                            } else {
                                &value[partial_start..]
                            });
                            hint.set(candidates.join("  "));
                        }
                    }
                    field.set_value(&text);
                    input.set(text);
                }
                "l" if e.ctrl_key() => {
                    e.prevent_default();
                    screen.set(Vec::new());
                }
                _ => {}
            }
        })
    };
    let oninput = {
        let input = input.clone();
        Callback::from(move |e: InputEvent| {
            let field: HtmlInputElement = e.target_unchecked_into();
            input.set(field.value());
        })
    };
    let focus = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = input_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        })
    };

    html! {
        <div class="terminal" onclick={focus}>
            <div class="terminal-screen" ref={screen_ref} role="log" aria-live="polite">
                if screen.is_empty() {
                    <div class="terminal-banner">
                        { "Simulated docker — no daemon. Try: docker build -t app .   (type help)" }
                    </div>
                }
                { for screen.iter().map(|entry| html! {
                    <div class={classes!("terminal-entry", (entry.status != 0).then_some("failed"))}>
                        <div class="terminal-command"><span class="prompt">{ "$ " }</span>{ &entry.command }</div>
                        if !entry.stdout.is_empty() {
                            <pre class="terminal-stdout">{ &entry.stdout }</pre>
                        }
                        if !entry.stderr.is_empty() {
                            <pre class="terminal-stderr">{ &entry.stderr }</pre>
                        }
                    </div>
                }) }
            </div>
            if !hint.is_empty() {
                <div class="terminal-hint">{ (*hint).clone() }</div>
            }
            <div class="terminal-prompt">
                <label for="terminal-input" class="prompt">{ "$ " }</label>
                <input
                    id="terminal-input"
                    class="terminal-input"
                    ref={input_ref}
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    aria-label="docker command"
                    value={(*input).clone()}
                    {onkeydown}
                    {oninput}
                />
            </div>
        </div>
    }
}
