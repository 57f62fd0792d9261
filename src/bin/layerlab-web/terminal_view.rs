//! The Terminal panel: a prompt over the engine's simulated `docker` CLI
//! (`layerlab::terminal`), which runs in the engine's worker (a `docker build` takes as long
//! as the playground's simulation). Up/Down walk the command history, Tab completes commands
//! and image names, Ctrl+L clears. The worker keeps the live image store; the page saves the
//! JSON it sends after every command to `localStorage` (a worker has none), so built images,
//! tags and pushes survive a reload, and reads its copy for the history and completion.
//!
//! `docker push` to a real registry (`127.0.0.1:5000/app`) is the one command that goes on
//! after it returns: the worker carries the push on and asks the page for each HTTP request,
//! which [`perform`] makes with `fetch` under the page's Content-Security-Policy; what each
//! step gives is printed under the command while the prompt waits, as the Docker CLI does.

use std::rc::Rc;

use layerlab::terminal::{self, ImageStore};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::engine::{Engine, TerminalEvent};
use crate::protocol::HttpResponseWire;

const STORE_KEY: &str = "layerlab.terminal.v1";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The image store as saved (JSON), for the worker, which keeps the live one.
pub fn saved_store() -> Option<String> {
    local_storage().and_then(|s| s.get_item(STORE_KEY).ok().flatten())
}

/// Saves the store the worker sent after a command.
pub fn save_store(json: &str) {
    if let Some(s) = local_storage() {
        // A full or disabled storage only loses persistence.
        let _ = s.set_item(STORE_KEY, json);
    }
}

/// The page's read-only copy of the store: the command history (Up/Down) and the names
/// Tab completes.
fn load_store() -> ImageStore {
    ImageStore::from_json_or_default(saved_store().as_deref())
}

#[derive(Properties)]
pub struct TerminalProps {
    /// The editor's Dockerfile.
    pub dockerfile: AttrValue,
    /// The engine: its worker has the build context (the page keeps it in step).
    pub engine: Engine,
}

impl PartialEq for TerminalProps {
    fn eq(&self, other: &Self) -> bool {
        self.dockerfile == other.dockerfile && self.engine == other.engine
    }
}

/// One block of the screen: the command typed and what it printed.
#[derive(Clone, PartialEq)]
struct Entry {
    command: String,
    stdout: String,
    stderr: String,
    status: i32,
    /// Still running (a push to a real registry): more output may come.
    running: bool,
}

/// The screen: its entries and a counter of changes (scrolls to the bottom on each).
#[derive(Default, PartialEq)]
struct Screen {
    entries: Vec<Entry>,
    version: u64,
}

enum ScreenAction {
    Add(Entry),
    /// More output of the last entry; `status` when it is over.
    Continue {
        stdout: String,
        stderr: String,
        status: Option<i32>,
    },
    Clear,
}

impl Reducible for Screen {
    type Action = ScreenAction;

    fn reduce(self: Rc<Self>, action: ScreenAction) -> Rc<Self> {
        let mut entries = self.entries.clone();
        match action {
            ScreenAction::Add(e) => entries.push(e),
            ScreenAction::Continue {
                stdout,
                stderr,
                status,
            } => {
                if let Some(last) = entries.last_mut() {
                    last.stdout.push_str(&stdout);
                    last.stderr.push_str(&stderr);
                    if let Some(s) = status {
                        last.status = s;
                        last.running = false;
                    }
                }
            }
            ScreenAction::Clear => entries.clear(),
        }
        Rc::new(Screen {
            entries,
            version: self.version + 1,
        })
    }
}

/// How long one request of a push may take before it is given up (a registry that accepts
/// the connection and never answers must not leave the prompt waiting for ever).
const REQUEST_TIMEOUT_MS: u32 = 120_000;

/// Makes one request of a push with `fetch` (the registry must allow the page's origin).
/// `fetch`, its init object, `AbortSignal.timeout` and the response headers are reached
/// through `js_sys::Reflect`: no HTTP library in the bundle for four kinds of request.
pub async fn perform(
    method: &str,
    url: &str,
    request_headers: &[(String, String)],
    body: Option<js_sys::Uint8Array>,
) -> Result<HttpResponseWire, String> {
    use js_sys::{Function, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    let js_err = |e: JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "the request failed".to_string())
    };
    let get = |target: &JsValue, name: &str| Reflect::get(target, &JsValue::from_str(name));
    let global: JsValue = js_sys::global().into();
    let init = Object::new();
    let set = |key: &str, value: &JsValue| Reflect::set(&init, &JsValue::from_str(key), value);
    set("method", &JsValue::from_str(method)).map_err(js_err)?;
    let headers = Object::new();
    for (name, value) in request_headers {
        Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        )
        .map_err(js_err)?;
    }
    set("headers", &headers).map_err(js_err)?;
    if let Some(bytes) = &body {
        set("body", bytes).map_err(js_err)?;
    }
    // A registry that accepts the connection and never answers must not hold the prompt.
    let abort_signal = get(&global, "AbortSignal").map_err(js_err)?;
    if let Ok(timeout) = get(&abort_signal, "timeout") {
        if let Some(timeout) = timeout.dyn_ref::<Function>() {
            let signal = timeout
                .call1(&abort_signal, &JsValue::from(REQUEST_TIMEOUT_MS))
                .map_err(js_err)?;
            set("signal", &signal).map_err(js_err)?;
        }
    }
    let fetch: Function = get(&global, "fetch").map_err(js_err)?.unchecked_into();
    let promise: js_sys::Promise = fetch
        .call2(&global, &JsValue::from_str(url), &init)
        .map_err(js_err)?
        .unchecked_into();
    let response: web_sys::Response = JsFuture::from(promise)
        .await
        .map_err(js_err)?
        .unchecked_into();
    let status = response.status();
    let header = |name: &str| -> Option<String> {
        let headers = get(&response, "headers").ok()?;
        let getter: Function = get(&headers, "get").ok()?.dyn_into().ok()?;
        getter
            .call1(&headers, &JsValue::from_str(name))
            .ok()?
            .as_string()
    };
    let location = header("Location");
    let content_digest = header("Docker-Content-Digest");
    let body = if status >= 300 {
        match response.text() {
            Ok(p) => JsFuture::from(p)
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        }
    } else {
        String::new()
    };
    Ok(HttpResponseWire {
        status,
        location,
        content_digest,
        body,
    })
}

#[function_component(TerminalView)]
pub fn terminal_view(props: &TerminalProps) -> Html {
    let store = use_mut_ref(load_store);
    let screen = use_reducer(Screen::default);
    // A push to a real registry is running: the prompt waits.
    let busy = use_state(|| false);
    let input = use_state(String::new);
    // Position in the history while walking it with Up/Down (None = editing a new line).
    let cursor = use_mut_ref(|| None::<usize>);
    let hint = use_state(String::new);
    let input_ref = use_node_ref();
    let screen_ref = use_node_ref();

    {
        let screen_ref = screen_ref.clone();
        use_effect_with(screen.version, move |_| {
            if let Some(el) = screen_ref.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    {
        // When a push is over, the prompt is enabled again and takes the focus back (once
        // rendered: a disabled input cannot be focused).
        let input_ref = input_ref.clone();
        let was_busy = use_mut_ref(|| false);
        use_effect_with(*busy, move |busy| {
            if !*busy && *was_busy.borrow() {
                if let Some(el) = input_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
            *was_busy.borrow_mut() = *busy;
        });
    }

    let run = {
        let store = store.clone();
        let screen = screen.clone();
        let input = input.clone();
        let cursor = cursor.clone();
        let hint = hint.clone();
        let dockerfile = props.dockerfile.clone();
        let busy = busy.clone();
        let engine = props.engine.clone();
        move |line: String| {
            if *busy {
                return;
            }
            // The prompt waits for the worker's answer (and a push's last step).
            busy.set(true);
            let screen = screen.clone();
            let store = store.clone();
            let busy = busy.clone();
            let command = line.clone();
            let on_event = Callback::from(move |event: TerminalEvent| {
                match event {
                    TerminalEvent::Output {
                        stdout,
                        stderr,
                        status,
                        clear,
                        running,
                    } => {
                        if clear {
                            screen.dispatch(ScreenAction::Clear);
                        } else {
                            screen.dispatch(ScreenAction::Add(Entry {
                                command: command.clone(),
                                stdout,
                                stderr,
                                status,
                                running,
                            }));
                        }
                        if !running {
                            busy.set(false);
                        }
                    }
                    TerminalEvent::Step {
                        stdout,
                        stderr,
                        status,
                    } => {
                        let over = status.is_some();
                        screen.dispatch(ScreenAction::Continue {
                            stdout,
                            stderr,
                            status,
                        });
                        if over {
                            busy.set(false);
                        }
                    }
                }
                // The worker's store was just saved: the history and names follow it.
                *store.borrow_mut() = load_store();
            });
            engine.terminal(&line, &dockerfile, on_event);
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
                    screen.dispatch(ScreenAction::Clear);
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
                if screen.entries.is_empty() {
                    <div class="terminal-banner">
                        { "Simulated docker — no daemon. Try: docker build -t app .   (type help)" }
                    </div>
                }
                { for screen.entries.iter().map(|entry| html! {
                    <div class={classes!("terminal-entry", (entry.status != 0).then_some("failed"), entry.running.then_some("running"))} aria-busy={entry.running.to_string()}>
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
                    disabled={*busy}
                    value={(*input).clone()}
                    {onkeydown}
                    {oninput}
                />
            </div>
        </div>
    }
}
