//! The playground's top-level component: holds the workspace (Dockerfile text, build context,
//! analysis) and lays out the top bar, the editor, the tabbed result panes and the status bar.
//!
//! The engine runs in its worker (`engine.rs`; the engine module, `layerlab-engine`): the
//! checks (parse, instructions, lint) in a checks worker, the build simulation and advice,
//! uploads, exports and the terminal in the main one. This page only parses for the colours
//! and the stage graph, and renders. Until the engine module has loaded, the result panels
//! say so (the editor, the tabs and the text are there at once).
//!
//! Typing never waits for the engine: each keystroke only updates the text (colours and
//! underlines computed for the previous text are carried over the edit), and the analysis
//! runs on a short timer once typing pauses (at most every `MAX_WAIT_MS` while it goes on).

use gloo::timers::callback::Timeout;
use std::rc::Rc;

use layerlab::advisor::{self, Advice};
use layerlab::analysis::{Analysis, SharedBuild};
use layerlab::catalog::distro_data::PackageDataset;
use layerlab::context::Context;
use layerlab::diagnostic::Severity;
use layerlab::syntax;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::advisor_view::AdvisorView;
use crate::context_view::{ContextView, UploadEvent, UploadSlot, UploadState};
use crate::editor::{insert_text, Editor, Mark, LINE_PX};
use crate::engine::{self, into_contents, Engine, EngineEvent, ReadUpload};
use crate::gallery::EXAMPLES;
use crate::highlight::{self, Token};
use crate::image_view::ImageView;
use crate::layers_view::LayersView;
use crate::problems_view::ProblemsView;
use crate::protocol::share_limits::{MAX_FILE_BYTES, MAX_URL_CHARS, PREFIX, WARN_URL_CHARS};
use crate::protocol::{from_records, ContextOp, ImageFacts};
use crate::shared::Shared;
use crate::stages::{self, Graph};
use crate::stages_view::StagesView;
use crate::terminal_view::TerminalView;
use crate::textops::{byte_to_utf16, Edit};
use crate::{dom, storage, workspace};

/// Quiet time after a keystroke before the analysis runs.
const DEBOUNCE_MS: u32 = 90;
/// Longest delay of an analysis while the user keeps typing.
const MAX_WAIT_MS: u32 = 400;
/// A full analysis (with the build simulation) slower than this is deferred while typing:
/// the checks run at each pause, the simulation once typing has stopped for `SIMULATE_IDLE_MS`.
const SLOW_SIMULATION_MS: f64 = 120.0;
const SIMULATE_IDLE_MS: u32 = 1200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Layers,
    Image,
    Problems,
    Advisor,
    Stages,
    Context,
    Terminal,
}

impl Tab {
    const ALL: [Tab; 7] = [
        Tab::Layers,
        Tab::Image,
        Tab::Problems,
        Tab::Advisor,
        Tab::Stages,
        Tab::Terminal,
        Tab::Context,
    ];

    fn id(self) -> &'static str {
        match self {
            Tab::Layers => "layers",
            Tab::Image => "image",
            Tab::Problems => "problems",
            Tab::Advisor => "advisor",
            Tab::Stages => "stages",
            Tab::Context => "context",
            Tab::Terminal => "terminal",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    Examples,
    Export,
    Share,
    Help,
}

pub enum Msg {
    Input(String),
    Analyze,
    /// Colours for the analysed text, computed in a task of their own after the checks.
    Highlight,
    Simulate,
    SelectTab(Tab),
    TabKey(KeyboardEvent),
    ToggleMenu(Menu),
    CloseMenus,
    ToggleTheme,
    LoadExample(usize),
    CopyShare,
    Export(&'static str),
    Jump(usize),
    /// A new context, and the same change for the worker's copy (`None`: send it whole).
    ContextChanged((Context, Option<ContextOp>)),
    /// The Context panel's upload changed (kept here so it outlives the panel).
    Upload(UploadEvent),
    /// The worker read the context saved in IndexedDB (or there is none).
    SavedRead(Result<ReadUpload, String>),
    /// The saved context, as the page's copy, and its id in the worker.
    ContextLoaded(u64, Result<Context, String>),
    SetTarget(Option<usize>),
    SetEpoch(i64),
    SetBuildArg((String, String)),
    /// The base-image catalog's bytes (fetched here, parsed by the workers).
    CatalogLoaded(Result<Rc<[u8]>, String>),
    PackagesLoaded(PackageDataset, Result<Vec<u8>, String>),
    JumpLine(usize),
    /// Apply the fix of the advice at this index (with this id).
    ApplyFix((usize, &'static str)),
    /// News from the engine's worker.
    Engine(EngineEvent),
    /// An image archive exported by the worker.
    Exported(engine::Exported),
}

/// The share link offered in the Share popover.
struct ShareLink {
    url: String,
    skipped: Vec<String>,
}

pub struct App {
    text: Shared<String>,
    /// The text the analysis, tokens and graph were computed for.
    analysed: Shared<String>,
    analysis: Shared<Analysis>,
    /// What the Layers and Image panels get: they read only the build, so this changes when
    /// the build does (or, without a build, with the analysis), not at every check.
    build_view: Shared<Analysis>,
    /// The Image panel's content for the build in `build_view` (computed in the worker).
    image: Shared<Option<ImageFacts>>,
    tokens: Shared<Vec<Token>>,
    marks: Shared<Vec<Mark>>,
    graph: Shared<Graph>,
    /// The graph was computed for an older text.
    graph_stale: bool,
    parse_ms: f64,
    load_version: u64,
    area: NodeRef,
    tab: Tab,
    menu: Option<Menu>,
    dark: bool,
    context: Shared<Context>,
    /// The context was set by the user (or a link) before IndexedDB answered.
    context_touched: bool,
    /// The Context panel's upload in progress, and what the panel keeps between mounts.
    upload: Option<UploadState>,
    upload_slot: UploadSlot,
    target: Option<usize>,
    build_args: Vec<(String, String)>,
    /// The build epoch (SOURCE_DATE_EPOCH): every layer entry's and history's time.
    epoch: i64,
    share: Option<ShareLink>,
    /// The share link asked of the worker last.
    share_id: u64,
    banner: Option<(bool, String)>,
    debounce: Option<Timeout>,
    max_wait: Option<Timeout>,
    /// How long the last full analysis took, and whether the shown build is older than the
    /// text (the simulation was deferred).
    full_ms: f64,
    simulation_pending: bool,
    simulate_timer: Option<Timeout>,
    highlight_timer: Option<Timeout>,
    /// The Debian package indexes were requested (they are fetched when a RUN uses apt).
    packages_requested: bool,
    /// The base-image catalog is in (the package indexes are asked for after it).
    base_images_loaded: bool,
    /// The advisor's advice, computed once per simulated build.
    advice: Shared<Vec<Advice>>,
    /// The build and the text the advice was computed for.
    advice_build: Option<SharedBuild>,
    advice_text: Shared<String>,
    /// The engine's worker.
    engine: Engine,
    /// The simulation asked of the worker: its number and text.
    in_flight: Option<(u64, Shared<String>)>,
    sim_seq: u64,
    /// Another simulation is wanted once the one in flight is back.
    sim_wanted: bool,
    /// Time to decode the worker's last result on this thread.
    decode_ms: f64,
    /// The checks asked of the checks worker: their number and text.
    check_in_flight: Option<(u64, Shared<String>)>,
    check_seq: u64,
    check_wanted: bool,
    /// How long the last checks took (here or in the worker).
    checks_ms: f64,
    /// The engine has sent results (until then the result panels say it is loading).
    has_results: bool,
    /// The parse of the text last shown (the same `Shared` text).
    parsed: Option<(Shared<String>, Rc<syntax::Parsed>)>,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &yew::Context<Self>) -> Self {
        let seed = &EXAMPLES[0];
        let text = storage::load_dockerfile().unwrap_or_else(|| seed.dockerfile.to_string());
        let context = workspace::seed(seed.files);
        let mut banner = None;
        let context_touched = false;
        // A share link wins over the saved work once the worker has read it (the page has no
        // deflate); it is removed from the address bar at once, so a reload keeps the edits
        // made since.
        let share_link = location_hash().filter(|h| h.starts_with(&format!("#{}", PREFIX)));
        if share_link.is_some() {
            clear_hash();
            banner = Some((false, "Opening the shared link…".to_string()));
        }
        let engine = Engine::start(ctx.link().callback(Msg::Engine));
        engine.replace_context(&context, context_touched);
        // The worker reads the saved context (megabytes, perhaps) off this thread.
        engine.load_saved(ctx.link().callback(Msg::SavedRead));
        if let Some(fragment) = share_link {
            engine.open_share(&fragment);
        }
        let dark = match storage::load_theme().as_deref() {
            Some("dark") => true,
            Some(_) => false,
            None => prefers_dark(),
        };
        apply_theme(dark);
        let text = Shared::new(text);
        let mut app = App {
            advice: Shared::default(),
            advice_build: None,
            advice_text: text.clone(),
            analysed: text.clone(),
            text,
            analysis: Shared::default(),
            build_view: Shared::default(),
            image: Shared::default(),
            tokens: Shared::default(),
            marks: Shared::default(),
            graph: Shared::default(),
            graph_stale: true,
            parse_ms: 0.0,
            load_version: 0,
            area: NodeRef::default(),
            tab: Tab::Layers,
            menu: None,
            dark,
            context: Shared::new(context),
            context_touched,
            upload: None,
            upload_slot: UploadSlot::default(),
            target: None,
            build_args: Vec::new(),
            epoch: 0,
            share: None,
            share_id: 0,
            banner,
            debounce: None,
            max_wait: None,
            base_images_loaded: false,
            full_ms: 0.0,
            simulation_pending: false,
            simulate_timer: None,
            highlight_timer: None,
            packages_requested: false,
            engine,
            in_flight: None,
            sim_seq: 0,
            sim_wanted: false,
            decode_ms: 0.0,
            check_in_flight: None,
            check_seq: 0,
            check_wanted: false,
            checks_ms: 0.0,
            parsed: None,
            has_results: false,
        };
        if let Some(reason) = app.engine.failure() {
            app.banner = Some((true, no_engine(&reason)));
        }
        // The colours come from this page's parser, before the engine has loaded.
        app.colour();
        // The base-image catalog is data, not code: fetched once the page is up.
        let link = ctx.link().clone();
        yew::platform::spawn_local(async move {
            link.send_message(Msg::CatalogLoaded(crate::base_catalog::load().await));
        });
        app.run_analysis();
        app
    }

    fn update(&mut self, ctx: &yew::Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Input(new_text) => {
                let edit = Edit::between(&self.text, &new_text);
                self.tokens = Shared::new(
                    self.tokens
                        .iter()
                        .filter_map(|t| {
                            edit.map_range(t.start, t.end).map(|(start, end)| Token {
                                start,
                                end,
                                ..*t
                            })
                        })
                        .collect(),
                );
                self.marks = Shared::new(
                    self.marks
                        .iter()
                        .filter_map(|m| {
                            edit.map_range(m.start, m.end).map(|(start, end)| Mark {
                                start,
                                end,
                                ..m.clone()
                            })
                        })
                        .collect(),
                );
                // Small texts are saved at once (a reload right after typing keeps them); big
                // ones when the analysis runs.
                if new_text.len() < 64 * 1024 {
                    storage::save_dockerfile(&new_text);
                }
                self.text = Shared::new(new_text);
                let link = ctx.link().clone();
                self.debounce = Some(Timeout::new(DEBOUNCE_MS, move || {
                    link.send_message(Msg::Analyze)
                }));
                if self.max_wait.is_none() {
                    let link = ctx.link().clone();
                    self.max_wait = Some(Timeout::new(MAX_WAIT_MS, move || {
                        link.send_message(Msg::Analyze)
                    }));
                }
                true
            }
            Msg::Analyze => {
                if self.text == self.analysed {
                    self.debounce = None;
                    self.max_wait = None;
                    return false;
                }
                if self.full_ms > SLOW_SIMULATION_MS {
                    // A long Dockerfile: the checks, then the colours and the save in a task
                    // of their own, so no task while typing does all of it.
                    self.run_checks();
                    let link = ctx.link().clone();
                    self.highlight_timer =
                        Some(Timeout::new(0, move || link.send_message(Msg::Highlight)));
                    let link = ctx.link().clone();
                    self.simulate_timer = Some(Timeout::new(SIMULATE_IDLE_MS, move || {
                        link.send_message(Msg::Simulate)
                    }));
                } else {
                    // The colours at once, from this page's parser (the checks come from the
                    // worker a moment later).
                    self.run_analysis();
                    storage::save_dockerfile(&self.text);
                }
                self.request_packages(ctx);
                true
            }
            Msg::Highlight => {
                self.highlight_timer = None;
                storage::save_dockerfile(&self.text);
                // Unless the checks' result already coloured this text.
                self.colour()
            }
            Msg::Simulate => {
                self.simulate_timer = None;
                if !self.simulation_pending || self.text != self.analysed {
                    return false;
                }
                self.request_simulation();
                true
            }
            Msg::SelectTab(tab) => {
                self.tab = tab;
                if tab == Tab::Stages && self.graph_stale {
                    self.update_graph(&syntax::parse(&self.analysed));
                }
                true
            }
            Msg::TabKey(e) => {
                let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
                let next = match e.key().as_str() {
                    "ArrowRight" => (i + 1) % Tab::ALL.len(),
                    "ArrowLeft" => (i + Tab::ALL.len() - 1) % Tab::ALL.len(),
                    "Home" => 0,
                    "End" => Tab::ALL.len() - 1,
                    _ => return false,
                };
                e.prevent_default();
                self.tab = Tab::ALL[next];
                if self.tab == Tab::Stages && self.graph_stale {
                    self.update_graph(&syntax::parse(&self.analysed));
                }
                focus(&format!("tab-{}", self.tab.id()));
                true
            }
            Msg::ToggleMenu(menu) => {
                self.menu = if self.menu == Some(menu) {
                    None
                } else {
                    Some(menu)
                };
                if self.menu == Some(Menu::Share) {
                    // The worker makes the link (from its copy of the context).
                    self.share = None;
                    self.share_id = self.engine.share(&self.text);
                }
                true
            }
            Msg::CloseMenus => {
                let changed = self.menu.is_some();
                self.menu = None;
                changed
            }
            Msg::ToggleTheme => {
                self.dark = !self.dark;
                apply_theme(self.dark);
                storage::save_theme(if self.dark { "dark" } else { "light" });
                true
            }
            Msg::LoadExample(i) => {
                let Some(example) = EXAMPLES.get(i) else {
                    return false;
                };
                self.text = Shared::new(example.dockerfile.to_string());
                self.load_version += 1;
                self.context = Shared::new(workspace::seed(example.files));
                self.context_touched = true;
                self.target = None;
                self.build_args.clear();
                self.menu = None;
                self.banner = Some((false, format!("Loaded the example “{}”.", example.title)));
                self.save_context(None);
                self.run_analysis();
                storage::save_dockerfile(&self.text);
                true
            }
            Msg::CopyShare => {
                if let Some(link) = &self.share {
                    dom::copy_text(&link.url);
                }
                false
            }
            Msg::Export(kind) => {
                self.menu = None;
                let result = match kind {
                    "dockerfile" => dom::download("Dockerfile", self.text.as_bytes(), "text/plain"),
                    "oci" | "docker" => {
                        self.engine.export(kind, ctx.link().callback(Msg::Exported));
                        Ok(())
                    }
                    _ => self.export_json(kind),
                };
                if let Err(e) = result {
                    self.banner = Some((true, e));
                }
                true
            }
            Msg::Jump(i) => {
                if self.text != self.analysed {
                    self.run_analysis();
                }
                if let Some(d) = self.analysis.diagnostics.get(i) {
                    self.select_span(d.span.start, d.span.end, d.line);
                }
                true
            }
            Msg::Upload(event) => {
                event.apply(&mut self.upload);
                self.tab == Tab::Context
            }
            Msg::ContextChanged((context, op)) => {
                self.context = Shared::new(context);
                self.context_touched = true;
                self.save_context(op);
                self.run_analysis();
                true
            }
            Msg::SavedRead(result) => {
                match result {
                    Ok(read) if !self.context_touched => {
                        let link = ctx.link().clone();
                        yew::platform::spawn_local(async move {
                            let ReadUpload {
                                id,
                                records,
                                buffers,
                            } = read;
                            let contents = into_contents(buffers).await;
                            let context = from_records(&records, contents);
                            link.send_message(Msg::ContextLoaded(id, context));
                        });
                    }
                    // The user (or a link) set the context first: theirs stays.
                    Ok(read) => self.engine.cancel(read.id),
                    // Nothing saved (or no engine): the context stays as it is.
                    Err(_) => {}
                }
                false
            }
            Msg::ContextLoaded(id, loaded) => match loaded {
                Ok(context) if !self.context_touched => {
                    self.context = Shared::new(context);
                    self.engine.context_op(ContextOp::Saved { id }, false);
                    self.run_analysis();
                    true
                }
                _ => {
                    self.engine.cancel(id);
                    false
                }
            },
            Msg::Engine(event) => self.engine_event(event),
            Msg::Exported(result) => {
                if let Err(e) = result
                    .and_then(|(name, bytes)| dom::download_js(&name, &bytes, "application/x-tar"))
                {
                    self.banner = Some((true, e));
                    return true;
                }
                false
            }
            Msg::SetTarget(target) => {
                self.target = target;
                self.run_analysis();
                true
            }
            Msg::CatalogLoaded(result) => {
                match result {
                    Ok(bytes) => {
                        // The workers parse their own copy (the bytes travel, not the tree).
                        self.engine.catalog(crate::base_catalog::FILE, &bytes);
                        self.base_images_loaded = true;
                        self.packages_requested = false;
                        self.run_analysis();
                        self.request_packages(ctx);
                    }
                    Err(e) => self.banner = Some((true, format!("The base-image catalog could not be loaded ({e}): base image layers are shown as unknown."))),
                }
                true
            }
            Msg::PackagesLoaded(dataset, Ok(bytes)) => {
                // Parsed in the worker (a long task anywhere).
                self.engine.catalog(dataset.file_name(), &bytes);
                self.run_analysis();
                true
            }
            Msg::PackagesLoaded(dataset, Err(e)) => {
                self.banner = Some((true, format!("The package index {} could not be loaded ({e}): apt-get sizes stay unknown.", dataset.file_name())));
                true
            }
            Msg::JumpLine(line) => {
                let start = layerlab::span::LineIndex::new(&self.text).line_start(line);
                let end = self.text[start..]
                    .find('\n')
                    .map_or(self.text.len(), |e| start + e);
                self.select_span(start, end, line);
                false
            }
            Msg::ApplyFix((index, id)) => {
                self.apply_fix(index, id);
                true
            }
            Msg::SetEpoch(epoch) => {
                self.epoch = epoch;
                self.run_analysis();
                true
            }
            Msg::SetBuildArg((name, value)) => {
                self.build_args.retain(|(k, _)| *k != name);
                if !value.is_empty() {
                    self.build_args.push((name, value));
                }
                self.update_graph(&syntax::parse(&self.analysed));
                self.run_analysis();
                true
            }
        }
    }

    fn rendered(&mut self, _ctx: &yew::Context<Self>, first_render: bool) {
        // The view and the DOM update of the whole page (children included).
        measure("layerlab:render", "layerlab:render-start");
        if first_render {
            // For the first-render measurement of the end-to-end tests (and anyone profiling).
            if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                let _ = p.mark("layerlab:first-render");
            }
        }
    }

    fn view(&self, ctx: &yew::Context<Self>) -> Html {
        mark("layerlab:render-start");
        let link = ctx.link();
        let a = &self.analysis;
        let errors = a
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = a.diagnostics.len() - errors;
        let problems = a.diagnostics.len();
        // Behind the text: the checks, or a simulation that is fast enough not to be deferred
        // while typing (it used to come with the checks, and still counts as part of them).
        // Nothing is behind when there is no engine to bring it.
        let pending = self.engine.failure().is_none()
            && (self.text != self.analysed
                || (self.simulation_pending && self.full_ms <= SLOW_SIMULATION_MS));

        let tab_button = |tab: Tab, label: Html| {
            let selected = self.tab == tab;
            html! {
                <button role="tab" id={format!("tab-{}", tab.id())} aria-selected={selected.to_string()}
                        aria-controls={format!("panel-{}", tab.id())} tabindex={if selected { "0" } else { "-1" }}
                        class={classes!("tab", selected.then_some("active"))}
                        onclick={link.callback(move |_| Msg::SelectTab(tab))}>{ label }</button>
            }
        };
        // Until the engine module has loaded (and sent its first result), the panels that show
        // its results say so rather than look empty.
        let waiting = !self.has_results;
        let loading = |what: &str| match self.engine.failure() {
            Some(reason) => {
                html! { <p class="empty engine-failed" role="alert">{ no_engine(&reason) }</p> }
            }
            None => {
                html! { <p class="empty engine-loading" role="status" aria-busy="true">{ format!("Loading the engine… ({what} appear once it runs)") }</p> }
            }
        };
        let panel = match self.tab {
            Tab::Layers if waiting => loading("the layers"),
            Tab::Image if waiting => loading("the image"),
            Tab::Problems if waiting && self.analysis.diagnostics.is_empty() => {
                loading("the problems")
            }
            Tab::Advisor if waiting => loading("the advice"),
            Tab::Layers => {
                html! { <LayersView analysis={self.build_view.clone()} on_line={link.callback(Msg::JumpLine)} /> }
            }
            Tab::Image => {
                html! { <ImageView analysis={self.build_view.clone()} image={self.image.clone()} /> }
            }
            Tab::Problems => {
                html! { <ProblemsView analysis={self.analysis.clone()} on_jump={link.callback(Msg::Jump)} /> }
            }
            Tab::Advisor => html! {
                <AdvisorView advice={self.advice.clone()} stale={self.advice_text != self.text}
                    unavailable={self.advice_unavailable()} on_line={link.callback(Msg::JumpLine)}
                    on_fix={link.callback(Msg::ApplyFix)} />
            },
            Tab::Stages => html! {
                <StagesView graph={self.graph.clone()} target={self.target} build_args={self.build_args.clone()}
                    epoch={self.epoch} on_epoch={link.callback(Msg::SetEpoch)}
                    on_target={link.callback(Msg::SetTarget)} on_build_arg={link.callback(Msg::SetBuildArg)} />
            },
            Tab::Terminal => html! {
                <TerminalView dockerfile={AttrValue::from((*self.text).clone())} engine={self.engine.clone()} />
            },
            Tab::Context => {
                html! { <ContextView context={self.context.clone()} engine={self.engine.clone()} on_change={link.callback(Msg::ContextChanged)}
                upload={self.upload.clone()} slot={self.upload_slot.clone()} on_upload={link.callback(Msg::Upload)} /> }
            }
        };
        let problems_badge = html! {
            <>{ "Problems " }<span class={classes!("badge", (errors > 0).then_some("error"), (errors == 0 && warnings > 0).then_some("warning"))}>{ problems }</span></>
        };

        html! {
            <div class="app" onkeydown={link.batch_callback(|e: KeyboardEvent| (e.key() == "Escape").then_some(Msg::CloseMenus))}>
                <a class="skip-link" href="#dockerfile">{ "Skip to the editor" }</a>
                <header class="topbar" role="banner">
                    <h1 class="brand">{ "layerlab" }</h1>
                    <div class="menu-wrap">
                        <button class="button" aria-haspopup="true" aria-expanded={(self.menu == Some(Menu::Examples)).to_string()}
                                aria-controls="examples-menu" id="examples-button"
                                onclick={link.callback(|_| Msg::ToggleMenu(Menu::Examples))}>{ "Examples ▾" }</button>
                        if self.menu == Some(Menu::Examples) {
                            <ul class="menu" role="menu" id="examples-menu" aria-labelledby="examples-button">
                                { for EXAMPLES.iter().enumerate().map(|(i, ex)| html! {
                                    <li role="none"><button role="menuitem" class="menu-item" data-example={ex.id}
                                        onclick={link.callback(move |_| Msg::LoadExample(i))}>
                                        <strong>{ ex.title }</strong><span class="muted">{ ex.description }</span></button></li>
                                }) }
                            </ul>
                        }
                    </div>
                    <span class="spacer"></span>
                    <div class="menu-wrap">
                        <button class="button" id="share-button" aria-haspopup="dialog" aria-expanded={(self.menu == Some(Menu::Share)).to_string()}
                                onclick={link.callback(|_| Msg::ToggleMenu(Menu::Share))}>{ "Share" }</button>
                        if self.menu == Some(Menu::Share) {
                            { self.share_popover(ctx) }
                        }
                    </div>
                    <div class="menu-wrap">
                        <button class="button" id="export-button" aria-haspopup="true" aria-expanded={(self.menu == Some(Menu::Export)).to_string()}
                                onclick={link.callback(|_| Msg::ToggleMenu(Menu::Export))}>{ "Export ▾" }</button>
                        if self.menu == Some(Menu::Export) {
                            <ul class="menu right" role="menu" aria-labelledby="export-button">
                                <li role="none"><button role="menuitem" class="menu-item" onclick={link.callback(|_| Msg::Export("dockerfile"))}>{ "Dockerfile" }</button></li>
                                <li role="none"><button role="menuitem" class="menu-item" id="export-oci" onclick={link.callback(|_| Msg::Export("oci"))}>{ "OCI image layout (.tar)" }</button></li>
                                <li role="none"><button role="menuitem" class="menu-item" id="export-docker" onclick={link.callback(|_| Msg::Export("docker"))}>{ "docker load archive (.tar)" }</button></li>
                                <li role="none"><button role="menuitem" class="menu-item" id="export-config" onclick={link.callback(|_| Msg::Export("config"))}>{ "Image config (JSON)" }</button></li>
                                <li role="none"><button role="menuitem" class="menu-item" id="export-manifest" onclick={link.callback(|_| Msg::Export("manifest"))}>{ "Image manifest (JSON)" }</button></li>
                            </ul>
                        }
                    </div>
                    <button class="button icon" id="theme-toggle" aria-pressed={self.dark.to_string()}
                            aria-label={if self.dark { "Switch to the light theme" } else { "Switch to the dark theme" }}
                            title="Light / dark theme" onclick={link.callback(|_| Msg::ToggleTheme)}>{ "◐" }</button>
                    <button class="button icon" id="help-button" aria-haspopup="dialog" aria-expanded={(self.menu == Some(Menu::Help)).to_string()}
                            aria-label="Help" title="Help" onclick={link.callback(|_| Msg::ToggleMenu(Menu::Help))}>{ "?" }</button>
                    if self.menu == Some(Menu::Help) {
                        { help_dialog(link.callback(|_| Msg::CloseMenus)) }
                    }
                </header>
                if let Some((is_error, message)) = &self.banner {
                    <p class={classes!("banner", is_error.then_some("error"))} role={if *is_error { "alert" } else { "status" }}>{ message }</p>
                }
                <main class="panes">
                    <section class="pane editor-pane" aria-labelledby="editor-title">
                        <h2 class="pane-title" id="editor-title">{ "Dockerfile" }</h2>
                        <Editor text={self.text.clone()} tokens={self.tokens.clone()} marks={self.marks.clone()}
                            load_version={self.load_version} area={self.area.clone()} on_input={link.callback(Msg::Input)} />
                    </section>
                    <section class="pane result-pane" aria-label="Results">
                        <div class="tabs" role="tablist" aria-label="Results" onkeydown={link.callback(Msg::TabKey)}>
                            { tab_button(Tab::Layers, html! { "Layers" }) }
                            { tab_button(Tab::Image, html! { "Image" }) }
                            { tab_button(Tab::Problems, problems_badge) }
                            { tab_button(Tab::Advisor, html! { <>{ "Advisor " }<span class={classes!("badge", (!self.advice.is_empty()).then_some("advisor-count"))}>{ self.advice.len() }</span></> }) }
                            { tab_button(Tab::Stages, html! { "Stages" }) }
                            { tab_button(Tab::Terminal, html! { "Terminal" }) }
                            { tab_button(Tab::Context, html! { "Context" }) }
                        </div>
                        <div class="tab-panel" role="tabpanel" id={format!("panel-{}", self.tab.id())}
                             aria-labelledby={format!("tab-{}", self.tab.id())} tabindex="0">
                            { panel }
                        </div>
                    </section>
                </main>
                <footer class="status" data-pending={pending.then_some("1")}>
                    <span class="timing">{ format!("parsed {:.1} ms", self.parse_ms) }</span>
                    if self.in_flight.is_some() {
                        <span class="simulating">{ "simulating in the worker…" }</span>
                    } else if self.simulation_pending {
                        <span class="pending">{ format!("simulation paused while typing (it takes {:.0} ms)", self.full_ms) }</span>
                    } else {
                        <span class="sim-timing">{ format!("simulated {:.1} ms", self.full_ms) }</span>
                    }
                    if self.has_results {
                        <span class="counts" role="status">{ format!("{} instructions · {} layers · {} errors · {} warnings",
                            a.instructions.len(), a.layer_count(), errors, warnings) }</span>
                    } else {
                        <span class="counts" role="status">{ "no results yet" }</span>
                    }
                    <span class="muted">{ "simulated build, no daemon" }</span>
                    if let Some(reason) = self.engine.failure() {
                        <span class="engine-failed" title={reason}>{ "engine: not running" }</span>
                    } else if self.engine.is_ready() {
                        <span class="engine-worker muted" data-decode-ms={format!("{:.1}", self.decode_ms)}
                              title={format!("The engine runs in a Web Worker; its last result took {:.1} ms to decode on the page.", self.decode_ms)}>{ "engine: worker" }</span>
                    } else {
                        <span class="engine-loading muted" title="The engine module is loading in its Web Worker.">{ "engine: loading…" }</span>
                    }
                </footer>
            </div>
        }
    }
}

impl App {
    /// Analyses the current text: diagnostics, highlighting, stage graph.
    /// The checks only (parse, instructions, lints), keeping the last simulated build: what
    /// runs at each typing pause when the simulation is slow.
    fn run_checks(&mut self) {
        self.debounce = None;
        self.max_wait = None;
        self.simulation_pending = true;
        self.request_checks();
    }

    /// Asks the checks worker for the checks of the current text (after the ones in flight).
    fn request_checks(&mut self) {
        if self.engine.failure().is_some() {
            self.simulation_pending = false;
            return;
        }
        if self.check_in_flight.is_some() {
            self.check_wanted = true;
            return;
        }
        self.check_seq += 1;
        self.check_in_flight = Some((self.check_seq, self.text.clone()));
        self.engine.check(self.check_seq, &self.text);
    }

    /// The checks (in the checks worker) and the simulation (in the main one).
    /// Also colours the text (if not yet): the callers cancel the debounce that would have.
    fn run_analysis(&mut self) {
        self.simulate_timer = None;
        self.colour();
        self.run_checks();
        self.request_simulation();
    }

    /// Asks the worker to simulate the current text (after the one in flight, if any).
    fn request_simulation(&mut self) {
        self.simulate_timer = None;
        if self.engine.failure().is_some() {
            return;
        }
        if self.in_flight.is_some() {
            self.sim_wanted = true;
            return;
        }
        self.sim_seq += 1;
        self.in_flight = Some((self.sim_seq, self.text.clone()));
        self.engine.analyze(
            self.sim_seq,
            &self.text,
            self.target,
            &self.build_args,
            self.epoch,
        );
    }

    fn engine_event(&mut self, event: EngineEvent) -> bool {
        match event {
            EngineEvent::Analyzed {
                seq,
                analysis,
                image,
                advice,
                ms,
                decode_ms,
            } => {
                let Some((wanted, text)) = self.in_flight.take() else {
                    return false;
                };
                if seq != wanted {
                    self.in_flight = Some((wanted, text));
                    return false;
                }
                self.full_ms = ms;
                self.decode_ms = decode_ms;
                if text == self.text && !self.sim_wanted {
                    self.simulation_pending = false;
                    // The worker's advice for this build (so `finish` does not compute it).
                    self.advice = Shared::new(advice);
                    self.advice_build = analysis.build.clone();
                    self.advice_text = self.text.clone();
                    self.image = Shared::new(image);
                    self.finish(*analysis);
                    measure("layerlab:result", "layerlab:result-start");
                } else if std::mem::take(&mut self.sim_wanted) {
                    // Simulated for an older text or older options: ask again.
                    self.request_simulation();
                }
                true
            }
            EngineEvent::Checked { seq, analysis, ms } => {
                let Some((wanted, text)) = self.check_in_flight.take() else {
                    return false;
                };
                if seq != wanted {
                    self.check_in_flight = Some((wanted, text));
                    return false;
                }
                self.checks_ms = ms;
                // Unless a simulation of this text (whose diagnostics include the checks')
                // already arrived.
                let current = text == self.text && self.analysed != self.text;
                if current {
                    let mut analysis = *analysis;
                    analysis.build = self.analysis.build.clone();
                    self.finish(analysis);
                }
                if std::mem::take(&mut self.check_wanted) && self.text != self.analysed {
                    self.request_checks();
                }
                current
            }
            EngineEvent::CheckerStopped => {
                // The main worker does the checks from now on.
                if self.check_in_flight.take().is_some() {
                    self.check_wanted = false;
                    self.run_checks();
                    return true;
                }
                false
            }
            EngineEvent::Ready => true,
            EngineEvent::Shared {
                id,
                fragment,
                skipped,
            } => {
                if id != self.share_id {
                    return false;
                }
                self.share = Some(ShareLink {
                    url: format!("{}#{}", page_url(), fragment),
                    skipped,
                });
                true
            }
            EngineEvent::Opened(Ok((dockerfile, files))) => {
                self.text = Shared::new(dockerfile);
                self.load_version += 1;
                let files = files
                    .into_iter()
                    .map(|(p, t)| (p, t.into_bytes()))
                    .collect();
                self.banner = Some(match workspace::with_files(&Context::new(), files) {
                    Ok(context) => {
                        self.context = Shared::new(context);
                        (false, "Loaded the shared Dockerfile.".to_string())
                    }
                    Err(e) => (true, format!("The shared files could not be loaded: {e}")),
                });
                self.context_touched = true;
                self.save_context(None);
                storage::save_dockerfile(&self.text);
                self.marks = Shared::default();
                self.run_analysis();
                true
            }
            EngineEvent::Opened(Err(e)) => {
                self.banner = Some((
                    true,
                    format!("This share link cannot be opened: {e}. Your saved work is unchanged."),
                ));
                true
            }
            // The widget's; the playground never asks for one.
            EngineEvent::Evaluated { .. } => false,
            EngineEvent::ContextFailed => {
                // The worker's copy is out of step: it gets the whole context again.
                self.engine
                    .replace_context(&self.context, self.context_touched);
                false
            }
            EngineEvent::Stopped(reason) => {
                self.in_flight = None;
                self.check_in_flight = None;
                self.simulation_pending = false;
                self.banner = Some((true, no_engine(&reason)));
                true
            }
        }
    }

    /// Saves the context: the worker saves its copy after making `op` (or after receiving
    /// the whole context).
    fn save_context(&self, op: Option<ContextOp>) {
        if let Some(op) = op {
            self.engine.context_op(op, true);
        } else {
            self.engine.replace_context(&self.context, true);
        }
    }

    /// Highlighting, underlines and (when shown) the stage graph for a new analysis.
    fn finish(&mut self, analysis: Analysis) {
        self.has_results = true;
        mark("layerlab:finish-start");
        // The checks of this text were shown already (the simulation's result follows them):
        // its parse, colours and graph are current.
        self.colour();
        self.update_advice(analysis.build.as_ref());
        self.set_analysis(analysis);
    }

    /// The colours (and, when shown, the stage graph) of the current text from this page's
    /// parser, unless they are current; the time it took is the status bar's "parsed".
    /// Returns whether anything changed.
    fn colour(&mut self) -> bool {
        if matches!(&self.parsed, Some((text, _)) if *text == self.text) {
            return false;
        }
        let start = dom::now_ms();
        let parsed = Rc::new(syntax::parse(&self.text));
        self.tokens = Shared::new(highlight::tokens_of(&parsed));
        // The stage graph is only computed while its tab is open.
        self.graph_stale = true;
        if self.tab == Tab::Stages {
            self.update_graph(&parsed);
        }
        self.parsed = Some((self.text.clone(), parsed));
        self.parse_ms = dom::now_ms() - start;
        true
    }

    /// Underlines from a new analysis of the current text.
    fn set_analysis(&mut self, analysis: Analysis) {
        self.marks = Shared::new(
            analysis
                .diagnostics
                .iter()
                .map(|d| Mark {
                    start: d.span.start.min(self.text.len()),
                    end: d.span.end.min(self.text.len()),
                    severity: d.severity.as_str(),
                    message: format!("{} [{}]", d.message, d.code),
                })
                .collect(),
        );
        self.analysis = Shared::new(analysis);
        if self.analysis.build.is_none() || self.analysis.build != self.build_view.build {
            self.build_view = self.analysis.clone();
        }
        self.analysed = self.text.clone();
        measure("layerlab:finish", "layerlab:finish-start");
    }

    /// Forgets the advice when the build it was for is gone (the worker sends the advice
    /// with each simulated build; the checks-only analysis run while typing keeps the
    /// previous build, and so the previous advice).
    fn update_advice(&mut self, build: Option<&SharedBuild>) {
        if build == self.advice_build.as_ref() {
            return;
        }
        if build.is_none() {
            self.advice = Shared::default();
        }
        self.advice_build = build.cloned();
        self.advice_text = self.text.clone();
    }

    /// Why the Advisor has nothing to show, when it is not because all advice is followed.
    fn advice_unavailable(&self) -> Option<AttrValue> {
        if self.advice_build.is_none() {
            Some(AttrValue::from(
                "No advice yet: it needs a simulated build of this Dockerfile.",
            ))
        } else if self.advice.is_empty()
            && self
                .analysis
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
        {
            Some(AttrValue::from(
                "No advice while the Dockerfile has errors: fix the errors in Problems first.",
            ))
        } else {
            None
        }
    }

    /// Applies the fix of advice `index` as one edit of the textarea (as if typed, so the
    /// editor's Ctrl+Z undoes it). Advice computed for an older text is recomputed first.
    fn apply_fix(&mut self, index: usize, id: &str) {
        if self.advice_text != self.text {
            self.run_analysis();
        }
        let Some(fix) = self
            .advice
            .get(index)
            .filter(|a| a.id == id && self.advice_text == self.text)
            .and_then(|a| a.fix.clone())
        else {
            self.banner = Some((
                true,
                "This advice changed with your last edits: review the Advisor again.".to_string(),
            ));
            return;
        };
        let old = (*self.text).clone();
        let Some(new) = advisor::apply_fix(&old, &fix) else {
            self.banner = Some((
                true,
                "The fix does not apply to the current text.".to_string(),
            ));
            return;
        };
        if !self.replace_as_typed(&old, &new) {
            // No execCommand: replace the text as loading an example does (not undoable).
            self.text = Shared::new(new);
            self.load_version += 1;
            self.run_analysis();
            storage::save_dockerfile(&self.text);
        }
        self.banner = Some((
            false,
            format!(
                "Applied: {} (Ctrl+Z in the editor undoes it).",
                fix.description
            ),
        ));
    }

    /// Turns the textarea's `old` text into `new` with one `insertText` over the changed
    /// range: the browser records it on its undo stack and fires the input event the editor
    /// listens to. Returns false when the browser did not make the edit.
    fn replace_as_typed(&self, old: &str, new: &str) -> bool {
        let Some(area) = self.area.cast::<HtmlTextAreaElement>() else {
            return false;
        };
        if area.value() != old {
            return false;
        }
        let edit = Edit::between(old, new);
        let (s, e) = (
            byte_to_utf16(old, edit.start),
            byte_to_utf16(old, edit.old_end),
        );
        let _ = area.focus();
        let _ = area.set_selection_range(s as u32, e as u32);
        let inserted = &new[edit.start..edit.new_end];
        let done = if inserted.is_empty() {
            delete_selection()
        } else {
            insert_text(inserted)
        };
        done && area.value() == new
    }

    /// Fetches the Debian package indexes (a few MB, data not code) the first time a
    /// Dockerfile installs packages with apt, so RUN apt-get gets size estimates.
    fn request_packages(&mut self, ctx: &yew::Context<Self>) {
        if self.packages_requested
            || !self.base_images_loaded
            || !(self.text.contains("apt-get") || self.text.contains("apt "))
        {
            return;
        }
        self.packages_requested = true;
        for dataset in [
            PackageDataset::DebianBookwormAmd64,
            PackageDataset::DebianTrixieAmd64,
        ] {
            let link = ctx.link().clone();
            yew::platform::spawn_local(async move {
                let url = format!("data/{}", dataset.file_name());
                link.send_message(Msg::PackagesLoaded(
                    dataset,
                    crate::fetch::fetch_bytes(&url).await,
                ));
            });
        }
    }

    /// Downloads the config or manifest JSON exactly as written (by the worker).
    fn export_json(&self, kind: &str) -> Result<(), String> {
        let image = (*self.image).as_ref().ok_or("no build to export")?;
        if let Some(why) = &image.unknown {
            return Err(format!("Cannot export the image {kind}: {why}"));
        }
        if kind == "config" {
            dom::download(
                "config.json",
                image.config_json.as_bytes(),
                "application/json",
            )
        } else {
            dom::download(
                "manifest.json",
                image.manifest_json.as_bytes(),
                "application/json",
            )
        }
    }

    fn update_graph(&mut self, parsed: &syntax::Parsed) {
        self.graph = Shared::new(stages::graph(parsed, &self.build_args));
        self.graph_stale = false;
        if self.target.is_some_and(|t| t >= self.graph.stages.len()) {
            self.target = None;
        }
    }

    /// Selects bytes `start..end` in the editor and scrolls them into view.
    fn select_span(&self, start: usize, end: usize, line: usize) {
        let Some(area) = self.area.cast::<HtmlTextAreaElement>() else {
            return;
        };
        let (s, e) = (
            byte_to_utf16(&self.text, start),
            byte_to_utf16(&self.text, end),
        );
        let _ = area.focus();
        let _ = area.set_selection_range(s as u32, e as u32);
        let view = f64::from(area.client_height());
        let top = ((line.saturating_sub(1)) as f64 * LINE_PX - view / 3.0).max(0.0);
        area.set_scroll_top(top as i32);
    }

    fn share_popover(&self, ctx: &yew::Context<Self>) -> Html {
        let Some(link) = &self.share else {
            return html! {
                <div class="popover right" role="dialog" aria-label="Share link" id="share-dialog" aria-busy="true">
                    <p class="notice" role="status">{ if self.engine.failure().is_some() { "No share link: the engine could not run." } else { "Preparing the link…" } }</p>
                </div>
            };
        };
        let len = link.url.len();
        let too_big = len > MAX_URL_CHARS;
        html! {
            <div class="popover right" role="dialog" aria-label="Share link" id="share-dialog">
                if too_big {
                    <p class="notice error" role="alert">{ format!("The link would be {len} characters: too big to share. Remove large context files and try again.") }</p>
                } else {
                    <label for="share-url">{ "Link with the Dockerfile and the small text files:" }</label>
                    <input id="share-url" type="text" readonly=true value={link.url.clone()} />
                    <button class="button" onclick={ctx.link().callback(|_| Msg::CopyShare)}>{ "Copy link" }</button>
                    if len > WARN_URL_CHARS {
                        <p class="notice warning" role="status">{ format!("This link is {len} characters long: some chat tools and browsers cut links over {} characters.", WARN_URL_CHARS) }</p>
                    }
                }
                if !link.skipped.is_empty() {
                    <p class="notice" id="share-skipped">{ format!("Not included (binary or over {} KB): {}", MAX_FILE_BYTES / 1024, link.skipped.join(", ")) }</p>
                }
                <p class="muted">{ "The link's data is in the fragment (after #): it never reaches a server." }</p>
            </div>
        }
    }
}

/// What the page says when the engine's worker cannot run.
fn no_engine(reason: &str) -> String {
    format!("The engine could not run ({reason}): the editor works, but nothing is analysed. layerlab needs a browser with module Web Workers and WebAssembly.")
}

fn help_dialog(close: Callback<MouseEvent>) -> Html {
    html! {
        <div class="popover right help" role="dialog" aria-label="Help" id="help-dialog">
            <h2>{ "layerlab" }</h2>
            <p>{ "Write a Dockerfile on the left; the right side shows what docker build would do, computed in your browser — no Docker daemon, nothing uploaded." }</p>
            <h3>{ "Keyboard" }</h3>
            <ul>
                <li><kbd>{ "Tab" }</kbd>{ " / " }<kbd>{ "Shift" }</kbd>{ "+" }<kbd>{ "Tab" }</kbd>{ " indent / outdent the selected lines" }</li>
                <li><kbd>{ "Esc" }</kbd>{ " then " }<kbd>{ "Tab" }</kbd>{ " leave the editor" }</li>
                <li><kbd>{ "←" }</kbd>{ " " }<kbd>{ "→" }</kbd>{ " switch result tabs; " }<kbd>{ "Enter" }</kbd>{ " on a problem selects it in the editor" }</li>
                <li><kbd>{ "Ctrl" }</kbd>{ "+" }<kbd>{ "Z" }</kbd>{ " undo works as usual" }</li>
            </ul>
            <h3>{ "Your data" }</h3>
            <p>{ "Your Dockerfile and build context are kept in this browser (localStorage and IndexedDB). Share links carry them in the URL fragment." }</p>
            <button class="button" onclick={close}>{ "Close" }</button>
        </div>
    }
}

/// A performance mark, and a measure from one (for the end-to-end tests' attribution of long
/// tasks, and anyone profiling).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

pub fn measure(name: &str, start_mark: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, start_mark);
    }
}

fn location_hash() -> Option<String> {
    web_sys::window()?
        .location()
        .hash()
        .ok()
        .filter(|h| !h.is_empty())
}

fn page_url() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

fn clear_hash() {
    if let Some(w) = web_sys::window() {
        if let Ok(history) = w.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&page_url()));
        }
    }
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

fn apply_theme(dark: bool) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// Deletes the editor's selection as the Delete key would (undoable).
fn delete_selection() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.exec_command("delete").ok())
        .unwrap_or(false)
}

fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
