//! The Context panel: the build context as a tree (ARIA `tree`), with sizes and the
//! `.dockerignore` verdicts (excluded entries greyed, with the pattern and line that excluded
//! them); adding files, a folder (picker or drag and drop, relative paths kept) or a tar
//! archive, plain or compressed with gzip, bzip2, xz or zstd (unpacked by the engine);
//! creating, editing, renaming and deleting small text files. Every change goes through `workspace`, all or nothing: a bad upload shows an
//! error and leaves the context as it was.

use layerlab::context::Context;
use web_sys::{DragEvent, File, FileSystemEntry, HtmlInputElement, HtmlTextAreaElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::shared::Shared;

use crate::dom;
use crate::workspace::{self, human_size, RowKind};

#[derive(Properties, PartialEq)]
pub struct ContextProps {
    pub context: Shared<Context>,
    pub on_change: Callback<Context>,
}

#[function_component(ContextView)]
pub fn context_view(props: &ContextProps) -> Html {
    let notice = use_state(|| None::<(bool, String)>);
    let selected = use_state(|| None::<String>);
    let draft = use_state(String::new);
    let renaming = use_state(|| None::<(String, String)>);
    let new_name = use_state(String::new);
    let collapsed = use_state(Vec::<String>::new);
    let busy = use_state(|| None::<String>);
    let dragging = use_state(|| false);

    let (rows, ignore_problem) = workspace::rows(&props.context);

    // Applies an operation result: a new context, or an error that changes nothing.
    let apply = {
        let on_change = props.on_change.clone();
        let notice = notice.clone();
        Callback::from(
            move |result: Result<(Context, String), String>| match result {
                Ok((ctx, message)) => {
                    on_change.emit(ctx);
                    notice.set(Some((false, message)));
                }
                Err(e) => notice.set(Some((true, format!("{e} — the context was not changed")))),
            },
        )
    };

    let add_files = {
        let context = props.context.clone();
        let apply = apply.clone();
        let busy = busy.clone();
        move |files: Vec<(String, File)>, label: String| {
            let context = context.clone();
            let apply = apply.clone();
            let busy = busy.clone();
            busy.set(Some(format!("reading {} file(s)…", files.len())));
            spawn_local(async move {
                let mut read = Vec::with_capacity(files.len());
                for (path, file) in files {
                    match dom::file_bytes(&file).await {
                        Ok(bytes) => read.push((path, bytes)),
                        Err(e) => {
                            busy.set(None);
                            apply.emit(Err(e));
                            return;
                        }
                    }
                }
                let count = read.len();
                let bytes: usize = read.iter().map(|(_, b)| b.len()).sum();
                busy.set(None);
                apply.emit(workspace::with_files(&context, read).map(|c| {
                    (
                        c,
                        format!("added {count} {label} ({})", human_size(bytes as u64)),
                    )
                }));
            });
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
        let context = props.context.clone();
        let apply = apply.clone();
        let busy = busy.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let context = context.clone();
            let apply = apply.clone();
            let busy = busy.clone();
            busy.set(Some(format!("unpacking {}…", file.name())));
            spawn_local(async move {
                let result = match dom::file_bytes(&file).await {
                    Ok(bytes) => workspace::with_archive(&context, bytes)
                        .map(|(c, n)| (c, format!("unpacked {n} entries from {}", file.name())))
                        .map_err(|e| format!("{}: {e}", file.name())),
                    Err(e) => Err(e),
                };
                busy.set(None);
                apply.emit(result);
            });
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
            apply.emit(result.map(|c| (c, format!("created {name}"))));
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
                apply.emit(
                    workspace::with_text(&context, &path, &draft)
                        .map(|c| (c, format!("saved {path}"))),
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
                apply.emit(result.map(|c| (c, format!("renamed {from} to {}", to.trim()))));
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
                apply.emit(workspace::without(&context, &path).map(|c| (c, format!("deleted {path}"))));
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
            if let Some(message) = (*busy).clone() {
                <p class="notice busy" role="status"><progress aria-label="loading"></progress>{ " " }{ message }</p>
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

fn picked(input: &HtmlInputElement) -> Vec<(String, File)> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|f| (dom::picked_path(&f), f))
        .collect()
}
