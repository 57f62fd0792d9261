//! The Dockerfile editor: a native textarea (native undo, IME, selection, accessibility)
//! whose text is transparent, over a highlighted mirror of the same text. Only the lines in
//! view are rendered (fixed line height), so a 5,000-line Dockerfile costs the same per
//! keystroke as a 20-line one. Diagnostics are underlined at their exact columns in the
//! mirror, marked in the gutter (with the message as its tooltip) and shown on hover.
//!
//! Tab / Shift-Tab indent and outdent through `insertText`, which keeps the browser's undo
//! stack; Escape then Tab moves the focus out of the editor as usual.

use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlTextAreaElement};
use yew::prelude::*;

use crate::highlight::Token;
use crate::shared::Shared;
use crate::textops::line_starts;

/// Line height of the editor, in CSS pixels (the stylesheet uses the same value).
pub const LINE_PX: f64 = 20.0;
/// Top padding of the text inside the textarea and the mirror.
const PAD_PX: f64 = 8.0;
/// Lines rendered above and below the viewport.
const OVERSCAN: usize = 10;
/// One indentation step.
const INDENT: &str = "    ";

/// A diagnostic as the editor shows it: a byte range of the current text.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    pub message: String,
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The current text (what the textarea holds).
    pub text: Shared<String>,
    pub tokens: Shared<Vec<Token>>,
    pub marks: Shared<Vec<Mark>>,
    /// Bumped when the text is replaced from outside (an example, a share link): the
    /// textarea's value is then set from `text`.
    pub load_version: u64,
    pub area: NodeRef,
    pub on_input: Callback<String>,
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let scroll = use_state(|| (0.0_f64, 0.0_f64));
    let height = use_state(|| 600.0_f64);
    let tooltip = use_state(|| None::<(f64, f64, String)>);
    let escape_pressed = use_mut_ref(|| false);

    // Replace the textarea's value when the text comes from outside.
    {
        let area = props.area.clone();
        let text = props.text.clone();
        use_effect_with(props.load_version, move |_| {
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                if a.value() != *text {
                    a.set_value(&text);
                }
            }
        });
    }
    // Track the viewport height (the number of lines to render).
    {
        let area = props.area.clone();
        let height = height.clone();
        use_effect_with((), move |_| {
            let measure = move || {
                if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                    let h = f64::from(a.client_height());
                    if h > 0.0 {
                        height.set(h);
                    }
                }
            };
            measure();
            let listener = web_sys::window()
                .map(|w| gloo::events::EventListener::new(&w, "resize", move |_| measure()));
            move || drop(listener)
        });
    }

    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_input.emit(area.value());
        })
    };
    let onscroll = {
        let scroll = scroll.clone();
        let height = height.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            scroll.set((f64::from(area.scroll_top()), f64::from(area.scroll_left())));
            let h = f64::from(area.client_height());
            if h > 0.0 && (h - *height).abs() > 1.0 {
                height.set(h);
            }
        })
    };
    let onkeydown = {
        let escape_pressed = escape_pressed.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                *escape_pressed.borrow_mut() = true;
                return;
            }
            if e.key() != "Tab" {
                *escape_pressed.borrow_mut() = false;
                return;
            }
            if *escape_pressed.borrow() || e.ctrl_key() || e.alt_key() || e.meta_key() {
                // Let Tab move the focus (keyboard users must be able to leave).
                return;
            }
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if indent(&area, e.shift_key()) {
                e.prevent_default();
            }
        })
    };
    let onmousemove = {
        let tooltip = tooltip.clone();
        Callback::from(move |e: MouseEvent| {
            let found = message_at(e.client_x(), e.client_y());
            let next = found.map(|m| (f64::from(e.offset_x()), f64::from(e.offset_y()), m));
            if next.as_ref().map(|t| &t.2) != tooltip.as_ref().map(|t| &t.2) {
                tooltip.set(next);
            }
        })
    };
    let onmouseleave = {
        let tooltip = tooltip.clone();
        Callback::from(move |_: MouseEvent| tooltip.set(None))
    };

    let text = props.text.as_str();
    let starts = line_starts(text);
    let line_count = starts.len();
    let (scroll_top, scroll_left) = *scroll;
    let first = ((scroll_top - PAD_PX) / LINE_PX).floor().max(0.0) as usize;
    let first = first
        .saturating_sub(OVERSCAN)
        .min(line_count.saturating_sub(1));
    let visible = (*height / LINE_PX).ceil() as usize + 2 * OVERSCAN + 1;
    let last = (first + visible).min(line_count);
    let offset_y = PAD_PX + first as f64 * LINE_PX - scroll_top;

    let line_end = |i: usize| -> usize { starts.get(i + 1).map_or(text.len(), |&next| next - 1) };
    let mut token_index = props.tokens.partition_point(|t| t.end <= starts[first]);
    let window_marks: Vec<&Mark> = props
        .marks
        .iter()
        .filter(|m| m.end >= starts[first] && m.start <= line_end(last.saturating_sub(1)))
        .collect();

    let mut mirror_lines = Vec::with_capacity(last - first);
    let mut gutter_lines = Vec::with_capacity(last - first);
    for (i, &ls) in starts.iter().enumerate().take(last).skip(first) {
        let le = line_end(i);
        let line_marks: Vec<&Mark> = window_marks
            .iter()
            .copied()
            .filter(|m| m.start <= le && (m.end > ls || (m.end == ls && m.start == ls)))
            .collect();
        mirror_lines.push(render_line(
            text,
            ls,
            le,
            &props.tokens,
            &mut token_index,
            &line_marks,
        ));
        let worst = line_marks.iter().map(|m| rank(m.severity)).max();
        let marker = worst.map(|w| {
            let title = line_marks
                .iter()
                .map(|m| m.message.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let class = ["info", "warning", "error"][w];
            html! { <span class={classes!("gutter-marker", class)} title={title.clone()} aria-label={format!("{class}: {title}")}>{ if w == 2 { "●" } else { "▲" } }</span> }
        });
        gutter_lines.push(html! {
            <div class="gutter-line" key={i}>{ marker }<span class="num">{ i + 1 }</span></div>
        });
    }

    let transform = format!("transform: translate({}px, {}px)", -scroll_left, offset_y);
    let gutter_transform = format!("transform: translateY({offset_y}px)");

    html! {
        <div class="editor">
            <div class="gutter" aria-hidden="true">
                <div class="gutter-inner" style={gutter_transform}>{ gutter_lines }</div>
            </div>
            <div class="text-layer">
                <div class="mirror" aria-hidden="true" data-lines={line_count.to_string()}>
                    <div class="mirror-inner" style={transform}>{ mirror_lines }</div>
                </div>
                <textarea
                    id="dockerfile"
                    ref={props.area.clone()}
                    class="code"
                    aria-label="Dockerfile"
                    aria-multiline="true"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    {oninput}
                    {onscroll}
                    {onkeydown}
                    {onmousemove}
                    {onmouseleave}
                />
                if let Some((x, y, message)) = (*tooltip).clone() {
                    <div class="editor-tooltip" role="tooltip" style={format!("left: {}px; top: {}px", x + 12.0, y + 16.0)}>{ message }</div>
                }
            </div>
        </div>
    }
}

fn rank(severity: &str) -> usize {
    match severity {
        "error" => 2,
        "warning" => 1,
        _ => 0,
    }
}

/// One mirror line: segments split at token and mark boundaries.
fn render_line(
    text: &str,
    ls: usize,
    le: usize,
    tokens: &[Token],
    token_index: &mut usize,
    marks: &[&Mark],
) -> Html {
    let mut cuts = vec![ls, le];
    let mut i = *token_index;
    while i < tokens.len() && tokens[i].start < le {
        cuts.push(tokens[i].start.clamp(ls, le));
        cuts.push(tokens[i].end.clamp(ls, le));
        i += 1;
    }
    for m in marks {
        cuts.push(m.start.clamp(ls, le));
        cuts.push(m.end.clamp(ls, le));
    }
    cuts.retain(|&c| text.is_char_boundary(c));
    layerlab::sort::sort(&mut cuts);
    cuts.dedup();

    let mut parts: Vec<Html> = Vec::new();
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        while *token_index < tokens.len() && tokens[*token_index].end <= a {
            *token_index += 1;
        }
        let class = tokens
            .get(*token_index)
            .filter(|t| t.start <= a && a < t.end)
            .map(|t| t.kind.class());
        let covering: Vec<&&Mark> = marks.iter().filter(|m| m.start <= a && a < m.end).collect();
        let segment = &text[a..b];
        if covering.is_empty() {
            match class {
                Some(c) => parts.push(html! { <span class={c}>{ segment }</span> }),
                None => parts.push(html! { { segment } }),
            }
        } else {
            let worst = covering.iter().map(|m| rank(m.severity)).max().unwrap_or(0);
            let message = covering
                .iter()
                .map(|m| m.message.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let sev = ["info", "warning", "error"][worst];
            parts.push(html! {
                <span class={classes!(class, "squiggle", sev)} data-msg={message}>{ segment }</span>
            });
        }
    }
    // Empty marks, and marks that start at the end of the line (a missing argument),
    // get a visible point.
    for m in marks {
        if m.start == m.end || m.start >= le {
            let at = m.start.clamp(ls, le);
            if at == le || m.start == m.end {
                parts.push(html! {
                    <span class={classes!("mark-point", m.severity)} data-msg={m.message.clone()}>{ " " }</span>
                });
            }
        }
    }
    html! { <div class="line">{ parts }</div> }
}

/// The diagnostic message of the mirror element under the pointer (the textarea covers the
/// mirror; `elementsFromPoint` sees through it).
fn message_at(x: i32, y: i32) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let hits = document.elements_from_point(x as f32, y as f32);
    hits.iter()
        .filter_map(|e| e.dyn_into::<web_sys::Element>().ok())
        .find_map(|e| e.get_attribute("data-msg"))
}

/// Tab: indent (insert spaces, or indent every selected line); Shift-Tab: outdent the
/// selected lines. Returns whether the key was handled.
fn indent(area: &HtmlTextAreaElement, outdent: bool) -> bool {
    let value = area.value();
    let (Ok(Some(s)), Ok(Some(e))) = (area.selection_start(), area.selection_end()) else {
        return false;
    };
    let units: Vec<u16> = value.encode_utf16().collect();
    let (s, e) = (s as usize, e as usize);
    let multi_line = units[s.min(units.len())..e.min(units.len())].contains(&(b'\n' as u16));
    if !outdent && !multi_line {
        return insert_text(INDENT);
    }
    // Whole lines from the start of the first to the end of the last selected line.
    let line_start = units[..s.min(units.len())]
        .iter()
        .rposition(|&c| c == b'\n' as u16)
        .map_or(0, |p| p + 1);
    let last = if e > s && units.get(e - 1) == Some(&(b'\n' as u16)) {
        e - 1
    } else {
        e
    };
    let line_end = units[last.min(units.len())..]
        .iter()
        .position(|&c| c == b'\n' as u16)
        .map_or(units.len(), |p| last + p);
    let block = String::from_utf16_lossy(&units[line_start..line_end]);
    let changed: Vec<String> = block
        .split('\n')
        .map(|line| {
            if outdent {
                let remove = if line.starts_with('\t') {
                    1
                } else {
                    line.len() - line.trim_start_matches(' ').len()
                }
                .min(INDENT.len());
                line[remove..].to_string()
            } else if line.is_empty() {
                String::new()
            } else {
                format!("{INDENT}{line}")
            }
        })
        .collect();
    let replacement = changed.join("\n");
    if replacement == block {
        return true;
    }
    let _ = area.set_selection_range(line_start as u32, line_end as u32);
    if !insert_text(&replacement) {
        return false;
    }
    let new_end = line_start + replacement.encode_utf16().count();
    let _ = area.set_selection_range(line_start as u32, new_end as u32);
    true
}

/// Inserts text at the selection as if typed (undoable).
pub fn insert_text(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<HtmlDocument>().ok())
        .and_then(|d| {
            d.exec_command_with_show_ui_and_value("insertText", false, text)
                .ok()
        })
        .unwrap_or(false)
}
