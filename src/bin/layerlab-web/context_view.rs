//! The Context panel: the build context as a tree (ARIA `tree`), with sizes and the
//! `.dockerignore` verdicts (excluded entries greyed, with the pattern and line that excluded
//! them); adding files, a folder (picker or drag and drop, relative paths kept) or a tar
//! archive, plain or compressed with gzip, bzip2, xz or zstd (unpacked by the engine);
//! creating, editing, renaming and deleting small text files. Every change goes through `workspace`, all or nothing: a bad upload shows an
//! error and leaves the context as it was.
//!
//! Uploads are read, unpacked and hashed by the engine's worker, with a progress bar and a
//! Cancel button; a cancelled upload changes nothing. Each change is emitted with the same
//! change for the worker's copy of the context ([`ContextOp`]).

use std::cell::RefCell;
use std::rc::Rc;

use layerlab::context::Context;
use web_sys::{DragEvent, File, FileSystemEntry, HtmlInputElement, HtmlTextAreaElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::shared::Shared;

use crate::dom;
use crate::engine::{into_contents, Engine, Progress, ReadUpload};
use crate::protocol::{with_records, ContextOp};
use crate::workspace::{self, human_size, RowKind};

#[derive(Properties, PartialEq)]
pub struct ContextProps {
    pub context: Shared<Context>,
    pub engine: Engine,
    pub on_change: Callback<(Context, Option<ContextOp>)>,
    /// The upload in progress, and what the panel keeps between its mounts: both held by the
    /// app, so leaving the Context tab keeps an upload's progress bar and Cancel button.
    pub upload: Option<UploadState>,
    pub slot: UploadSlot,
    pub on_upload: Callback<UploadEvent>,
}

/// A change made, the same change for the worker, and what to tell the user.
type Change = Result<(Context, Option<ContextOp>, String), String>;

/// The upload being read: its id in the worker and its progress.
#[derive(Clone, PartialEq)]
pub struct UploadState {
    id: u64,
    label: String,
    progress: Option<Progress>,
}

/// A change of the upload in progress, for the app that keeps it.
pub enum UploadEvent {
    /// A new state, or none when the upload ended.
    Set(Option<UploadState>),
    /// Progress of the upload in progress.
    Progress(Progress),
}

impl UploadEvent {
    /// Applies the event to the app's upload state.
    pub fn apply(self, upload: &mut Option<UploadState>) {
        match self {
            UploadEvent::Set(state) => *upload = state,
            UploadEvent::Progress(p) => {
                if let Some(state) = upload {
                    state.progress = Some(p);
                }
            }
        }
    }
}

/// What outlives the panel's mounts: the upload whose result is awaited (a cancelled one's
/// result is dropped), and the context as last rendered (an upload that ends later joins
/// this one, not the one it started from: the user may have changed the context meanwhile).
#[derive(Clone, Default)]
pub struct UploadSlot(Rc<SlotInner>);

#[derive(Default)]
struct SlotInner {
    active: RefCell<Option<u64>>,
    latest: RefCell<Shared<Context>>,
}

impl PartialEq for UploadSlot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Where an upload read by the worker goes.
#[derive(Clone)]
struct UploadTarget {
    slot: UploadSlot,
    on_upload: Callback<UploadEvent>,
    apply: Callback<Change>,
}

/// Reads `files` in the worker (an archive when `archive`), showing progress, then adds
/// them to the context as it is when they arrive.
fn upload_in_worker(
    engine: &Engine,
    files: Vec<(String, File)>,
    archive: bool,
    label: String,
    target: UploadTarget,
) {
    let UploadTarget {
        slot,
        on_upload,
        apply,
    } = target;
    if let Some(reason) = engine.failure() {
        apply.emit(Err(format!("no engine: {reason}")));
        return;
    }
    let count = files.len();
    let total: f64 = files.iter().map(|(_, f)| f.size()).sum();
    // This upload's id, known once the worker has it.
    let own_id = Rc::new(std::cell::Cell::new(None::<u64>));
    let on_progress = {
        let on_upload = on_upload.clone();
        let slot = slot.clone();
        let own_id = own_id.clone();
        Callback::from(move |p: Progress| {
            if *slot.0.active.borrow() == own_id.get() {
                on_upload.emit(UploadEvent::Progress(p));
            }
        })
    };
    let on_done = {
        let on_upload = on_upload.clone();
        let slot = slot.clone();
        let engine = engine.clone();
        let label = label.clone();
        Callback::from(move |result: Result<ReadUpload, String>| {
            let on_upload = on_upload.clone();
            let slot = slot.clone();
            let engine = engine.clone();
            let apply = apply.clone();
            let label = label.clone();
            let read = match result {
                Ok(read) => read,
                Err(e) => {
                    slot.0.active.borrow_mut().take();
                    on_upload.emit(UploadEvent::Set(None));
                    apply.emit(Err(e));
                    return;
                }
            };
            on_upload.emit(UploadEvent::Set(Some(UploadState {
                id: read.id,
                label: format!("adding {label}…"),
                progress: None,
            })));
            spawn_local(async move {
                let ReadUpload {
                    id,
                    records,
                    buffers,
                } = read;
                let contents = into_contents(buffers).await;
                if *slot.0.active.borrow() != Some(id) {
                    // Cancelled while the bytes were copied in.
                    return;
                }
                slot.0.active.borrow_mut().take();
                on_upload.emit(UploadEvent::Set(None));
                let base = slot.0.latest.borrow().clone();
                match with_records(&base, &records, contents) {
                    Ok((context, n)) => apply.emit(Ok((
                        context,
                        Some(ContextOp::Upload { id }),
                        if archive {
                            format!("unpacked {n} entries from {label}")
                        } else {
                            format!("added {n} {label} ({})", human_size(total as u64))
                        },
                    ))),
                    Err(e) => {
                        engine.cancel(id);
                        apply.emit(Err(e));
                    }
                }
            });
        })
    };
    let id = engine.read(files, archive, on_progress, on_done);
    own_id.set(Some(id));
    *slot.0.active.borrow_mut() = Some(id);
    on_upload.emit(UploadEvent::Set(Some(UploadState {
        id,
        label: if archive {
            format!("unpacking {label}")
        } else {
            format!("reading {count} file(s)")
        },
        progress: None,
    })));
}

#[function_component(ContextView)]
pub fn context_view(props: &ContextProps) -> Html {
    let notice = use_state(|| None::<(bool, String)>);
    let selected = use_state(|| None::<String>);
    let draft = use_state(String::new);
    let renaming = use_state(|| None::<(String, String)>);
    let new_name = use_state(String::new);
    let collapsed = use_state(Vec::<String>::new);
    let dragging = use_state(|| false);
    *props.slot.0.latest.borrow_mut() = props.context.clone();

    let (rows, ignore_problem) = workspace::rows(&props.context);

    // Applies an operation result: a new context, or an error that changes nothing.
    let apply = {
        let on_change = props.on_change.clone();
        let notice = notice.clone();
        Callback::from(move |result: Change| match result {
            Ok((ctx, op, message)) => {
                on_change.emit((ctx, op));
                notice.set(Some((false, message)));
            }
            Err(e) => notice.set(Some((true, format!("{e} — the context was not changed")))),
        })
    };

    let add_files = {
        let engine = props.engine.clone();
        let target = UploadTarget {
            slot: props.slot.clone(),
            on_upload: props.on_upload.clone(),
            apply: apply.clone(),
        };
        move |files: Vec<(String, File)>, label: String| {
            upload_in_worker(&engine, files, false, label, target.clone());
        }
    };

    let on_pick_files = {
        let add_files = add_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files = picked(&input);
            input.set_value("");
            if !files.is_empty() {
                add_files(files, "file(s)".to_string());
            }
        })
    };
    let on_pick_tar = {
        let engine = props.engine.clone();
        let target = UploadTarget {
            slot: props.slot.clone(),
            on_upload: props.on_upload.clone(),
            apply: apply.clone(),
        };
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let name = file.name();
            upload_in_worker(
                &engine,
                vec![(name.clone(), file)],
                true,
                name,
                target.clone(),
            );
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        let apply = apply.clone();
        let add_files = add_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(transfer) = e.data_transfer() else {
                return;
            };
            let items = transfer.items();
            let entries: Vec<FileSystemEntry> = (0..items.length())
                .filter_map(|i| items.get(i))
                .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
                .collect();
            if entries.is_empty() {
                // No file-system entries (data from a page, not from the OS): plain files.
                let files: Vec<(String, File)> = transfer
                    .files()
                    .map(|list| {
                        (0..list.length())
                            .filter_map(|i| list.get(i))
                            .map(|f| (f.name(), f))
                            .collect()
                    })
                    .unwrap_or_default();
                if !files.is_empty() {
                    add_files(files, "dropped file(s)".to_string());
                }
                return;
            }
            let apply = apply.clone();
            let add_files = add_files.clone();
            spawn_local(async move {
                match dom::dropped_files(entries).await {
                    Ok(files) => add_files(files, "dropped file(s)".to_string()),
                    Err(e) => apply.emit(Err(e)),
                }
            });
        })
    };

    let on_new_name = {
        let new_name = new_name.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            new_name.set(input.value());
        })
    };
    let on_create = {
        let context = props.context.clone();
        let apply = apply.clone();
        let new_name = new_name.clone();
        let selected = selected.clone();
        let draft = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = (*new_name).trim().to_string();
            if context.get(&name).is_some() {
                apply.emit(Err(format!("{name} already exists")));
                return;
            }
            let result = workspace::with_text(&context, &name, "");
            if result.is_ok() {
                new_name.set(String::new());
                selected.set(Some(name.clone()));
                draft.set(String::new());
            }
            let op = ContextOp::Text {
                path: name.clone(),
                text: String::new(),
            };
            apply.emit(result.map(|c| (c, Some(op), format!("created {name}"))));
        })
    };

    let on_draft = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            draft.set(area.value());
        })
    };
    let on_save = {
        let context = props.context.clone();
        let apply = apply.clone();
        let selected = selected.clone();
        let draft = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(path) = (*selected).clone() {
                let op = ContextOp::Text {
                    path: path.clone(),
                    text: (*draft).clone(),
                };
                apply.emit(
                    workspace::with_text(&context, &path, &draft)
                        .map(|c| (c, Some(op), format!("saved {path}"))),
                );
            }
        })
    };

    let on_rename_input = {
        let renaming = renaming.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some((from, _)) = (*renaming).clone() {
                renaming.set(Some((from, input.value())));
            }
        })
    };
    let on_rename = {
        let context = props.context.clone();
        let apply = apply.clone();
        let renaming = renaming.clone();
        let selected = selected.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some((from, to)) = (*renaming).clone() {
                let result = workspace::renamed(&context, &from, &to);
                if result.is_ok() {
                    renaming.set(None);
                    if selected.as_deref() == Some(from.as_str()) {
                        selected.set(Some(to.trim().to_string()));
                    }
                }
                let op = ContextOp::Rename {
                    from: from.clone(),
                    to: to.clone(),
                };
                apply.emit(
                    result.map(|c| (c, Some(op), format!("renamed {from} to {}", to.trim()))),
                );
            }
        })
    };

    let hidden_under = |path: &str| {
        collapsed.iter().any(|c| {
            path.len() > c.len() && path.starts_with(c.as_str()) && path.as_bytes()[c.len()] == b'/'
        })
    };
    let total = props.context.total_bytes();

    let tree_rows = rows.iter().filter(|r| !hidden_under(&r.path)).map(|r| {
        let path = r.path.clone();
        let is_dir = r.kind == RowKind::Dir;
        let expanded = is_dir.then(|| !collapsed.contains(&r.path));
        let on_select = {
            let selected = selected.clone();
            let draft = draft.clone();
            let collapsed = collapsed.clone();
            let context = props.context.clone();
            let notice = notice.clone();
            let path = path.clone();
            Callback::from(move |_: MouseEvent| {
                if is_dir {
                    let mut next = (*collapsed).clone();
                    match next.iter().position(|c| *c == path) {
                        Some(i) => {
                            next.remove(i);
                        }
                        None => next.push(path.clone()),
                    }
                    collapsed.set(next);
                    return;
                }
                match workspace::editable_text(&context, &path) {
                    Some(text) => {
                        draft.set(text);
                        selected.set(Some(path.clone()));
                    }
                    None => {
                        selected.set(None);
                        notice.set(Some((false, format!("{path} is binary or larger than 256 KB: not editable here"))));
                    }
                }
            })
        };
        let on_key = {
            let on_select = on_select.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    if let Ok(m) = MouseEvent::new("click") {
                        on_select.emit(m);
                    }
                }
            })
        };
        let on_rename_start = {
            let renaming = renaming.clone();
            let path = path.clone();
            Callback::from(move |_: MouseEvent| renaming.set(Some((path.clone(), path.clone()))))
        };
        let on_delete = {
            let context = props.context.clone();
            let apply = apply.clone();
            let path = path.clone();
            let selected = selected.clone();
            Callback::from(move |_: MouseEvent| {
                if selected.as_deref() == Some(path.as_str()) {
                    selected.set(None);
                }
                let op = ContextOp::Delete { path: path.clone() };
                apply.emit(workspace::without(&context, &path).map(|c| (c, Some(op), format!("deleted {path}"))));
            })
        };
        let icon = match &r.kind {
            RowKind::Dir => if expanded == Some(true) { "▾" } else { "▸" },
            RowKind::Symlink(_) => "↪",
            RowKind::File => "·",
        };
        let why = r.excluded_by.as_ref().map(|(pattern, line)| {
            html! { <span class="excluded-by">{ format!("excluded by {pattern} (.dockerignore:{line})") }</span> }
        }).or_else(|| r.excluded.then(|| html! { <span class="excluded-by">{ "excluded (parent folder)" }</span> }));
        let target = match &r.kind {
            RowKind::Symlink(t) => html! { <span class="link-target">{ format!("→ {t}") }</span> },
            _ => html! {},
        };
        let is_selected = selected.as_deref() == Some(r.path.as_str());
        html! {
            <li role="treeitem" aria-level={(r.depth + 1).to_string()} aria-expanded={expanded.map(|e| e.to_string())}
                aria-selected={is_selected.to_string()}
                class={classes!("ctx-row", r.excluded.then_some("excluded"), is_selected.then_some("selected"))}
                data-path={r.path.clone()}>
                <span class="ctx-name" tabindex="0" onclick={on_select} onkeydown={on_key}
                      style={format!("padding-left: {}em", r.depth as f64 * 1.1)}>
                    <span class="ctx-icon" aria-hidden="true">{ icon }</span>{ &r.name }
                </span>
                { target }
                { why }
                <span class="ctx-size">{ human_size(r.size) }</span>
                <span class="ctx-actions">
                    <button type="button" class="small" aria-label={format!("Rename {}", r.path)} onclick={on_rename_start}>{ "Rename" }</button>
                    <button type="button" class="small" aria-label={format!("Delete {}", r.path)} onclick={on_delete}>{ "Delete" }</button>
                </span>
            </li>
        }
    });

    html! {
        <div class={classes!("context-panel", dragging.then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <div class="ctx-toolbar">
                <label class="button">{ "Add files" }<input type="file" multiple=true class="visually-hidden" id="ctx-files" onchange={on_pick_files.clone()} /></label>
                <label class="button">{ "Add folder" }<input type="file" multiple=true class="visually-hidden" id="ctx-folder" webkitdirectory=true onchange={on_pick_files} /></label>
                <label class="button" title="A tar archive, plain or compressed with gzip, bzip2, xz or zstd (recognised by content)">{ "Unpack .tar / .tar.gz / .bz2 / .xz / .zst" }<input type="file" class="visually-hidden" id="ctx-tar" accept=".tar,.tgz,.tar.gz,.tbz2,.tar.bz2,.txz,.tar.xz,.tzst,.tar.zst,application/x-tar,application/gzip,application/x-bzip2,application/x-xz,application/zstd" onchange={on_pick_tar} /></label>
                <form class="ctx-new" onsubmit={on_create}>
                    <input type="text" id="ctx-new-name" placeholder="new-file.txt" aria-label="New file name" value={(*new_name).clone()} oninput={on_new_name} />
                    <button type="submit">{ "Create" }</button>
                </form>
            </div>
            <p class="ctx-summary">{ format!("{} entries · {} · drop files or a folder here", rows.len(), human_size(total)) }</p>
            if let Some(state) = props.upload.clone() {
                { upload_progress(&state, {
                    let engine = props.engine.clone();
                    let on_upload = props.on_upload.clone();
                    let slot = props.slot.clone();
                    let notice = notice.clone();
                    Callback::from(move |_: MouseEvent| {
                        if let Some(id) = slot.0.active.borrow_mut().take() {
                            engine.cancel(id);
                        }
                        on_upload.emit(UploadEvent::Set(None));
                        notice.set(Some((false, "upload cancelled — the context was not changed".to_string())));
                    })
                }) }
            }
            if let Some((is_error, message)) = (*notice).clone() {
                <p class={classes!("notice", is_error.then_some("error"))} role={if is_error { "alert" } else { "status" }}>{ message }</p>
            }
            if let Some(problem) = ignore_problem {
                <p class="notice error" role="alert">{ problem }</p>
            }
            if let Some((from, to)) = (*renaming).clone() {
                <form class="ctx-rename" onsubmit={on_rename}>
                    <label>{ format!("Rename {from} to ") }
                        <input type="text" id="ctx-rename-input" value={to} oninput={on_rename_input} /></label>
                    <button type="submit">{ "Rename" }</button>
                    <button type="button" onclick={let r = renaming.clone(); Callback::from(move |_| r.set(None))}>{ "Cancel" }</button>
                </form>
            }
            if rows.is_empty() {
                <p class="empty">{ "The context is empty: COPY and ADD will find nothing." }</p>
            } else {
                <ul class="ctx-tree" role="tree" aria-label="Build context">{ for tree_rows }</ul>
            }
            if let Some(path) = (*selected).clone() {
                <form class="ctx-editor" onsubmit={on_save}>
                    <label for="ctx-edit">{ format!("Edit {path}") }</label>
                    <textarea id="ctx-edit" spellcheck="false" value={(*draft).clone()} oninput={on_draft} />
                    <div><button type="submit">{ "Save" }</button>
                    <button type="button" onclick={let s = selected.clone(); Callback::from(move |_| s.set(None))}>{ "Close" }</button></div>
                </form>
            }
        </div>
    }
}

/// The progress bar of an upload (bytes done of total, per phase) and its Cancel button.
fn upload_progress(state: &UploadState, on_cancel: Callback<MouseEvent>) -> Html {
    let (text, bar) = match &state.progress {
        Some(p) if p.total > 0.0 => (
            format!(
                "{} {}: {} of {}",
                state.label,
                p.phase,
                human_size(p.done as u64),
                human_size(p.total as u64)
            ),
            html! { <progress id="upload-progress" aria-label="upload progress" max={p.total.to_string()} value={p.done.to_string()}></progress> },
        ),
        _ => (
            format!("{}…", state.label.trim_end_matches('…')),
            html! { <progress id="upload-progress" aria-label="upload progress"></progress> },
        ),
    };
    html! {
        <p class="notice busy upload" role="status">
            { bar }{ " " }<span class="upload-text">{ text }</span>{ " " }
            <button type="button" class="small" id="upload-cancel" onclick={on_cancel}>{ "Cancel" }</button>
        </p>
    }
}

fn picked(input: &HtmlInputElement) -> Vec<(String, File)> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|f| (dom::picked_path(&f), f))
        .collect()
}
