//! The terminal's engine side: `docker …` lines run in the worker over its image store, and
//! a `docker push` to a real registry carried on request by request.
//!
//! Who keeps the store: the worker keeps the live one (with the session's layer bytes that a
//! push uploads); the page keeps the saved copy in `localStorage` (a worker has none),
//! sends it once at start ([`Request::TerminalStore`]) and saves the JSON each answer
//! carries. The page also makes a push's HTTP requests, so they stay under its
//! Content-Security-Policy (`connect-src`), which a worker loaded from a URL does not inherit.

use std::collections::HashMap;

use layerlab::context::Context;
use layerlab::simulate::Catalogs;
use layerlab::terminal::{self, HttpResponse, ImageStore, RemotePush, Workspace};

use crate::protocol::{HttpResponseWire, Response};

/// A message for the page: the response and, beside it, one buffer of bytes (a request body).
pub type Outgoing = (Response, Option<Vec<u8>>);

/// The store and the pushes in progress.
#[derive(Default)]
pub struct Terminal {
    store: ImageStore,
    pushes: HashMap<u64, RemotePush>,
}

/// Seconds since the epoch from the browser's clock (the engine never reads a clock).
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

impl Terminal {
    /// Takes the store the page saved (a bad or missing one gives an empty store).
    pub fn load(&mut self, json: Option<&str>) {
        self.store = ImageStore::from_json_or_default(json);
    }

    /// Runs `line`; a push to a real registry answers with its first request too.
    pub fn run(
        &mut self,
        id: u64,
        line: &str,
        dockerfile: &str,
        context: &Context,
        catalogs: &Catalogs,
    ) -> Vec<Outgoing> {
        let mut output = terminal::execute(
            line,
            &mut self.store,
            Workspace {
                dockerfile,
                context,
            },
            catalogs,
            now_secs(),
        );
        let push = output.remote_push.take();
        let mut out = vec![(
            Response::Terminal {
                id,
                stdout: output.stdout,
                stderr: output.stderr,
                status: output.status,
                clear: output.clear,
                store: self.store.to_json(),
                running: push.is_some(),
            },
            None,
        )];
        if let Some(mut push) = push {
            let request = push.first_request();
            self.pushes.insert(id, *push);
            out.push(request_message(id, request));
        }
        out
    }

    /// Carries push `id` on with the page's response: what the step printed and the next
    /// request, or the end.
    pub fn advance(
        &mut self,
        id: u64,
        response: Result<HttpResponseWire, String>,
    ) -> Vec<Outgoing> {
        let Some(push) = self.pushes.get_mut(&id) else {
            return Vec::new();
        };
        let step = push.advance(response.map(|r| HttpResponse {
            status: r.status,
            location: r.location,
            content_digest: r.content_digest,
            body: r.body,
        }));
        let store = step.repo_digest.as_ref().map(|digest| {
            terminal::remote::record_push(&mut self.store, &push.local_tag, digest);
            self.store.to_json()
        });
        let mut status = step.status;
        let mut stderr = step.stderr;
        if step.next.is_none() && status.is_none() {
            // The engine always ends with a status; should it not, the push must still end.
            stderr.push_str("layerlab: the push ended without a result\n");
            status = Some(1);
        }
        let mut out = vec![(
            Response::PushStep {
                id,
                stdout: step.stdout,
                stderr,
                status,
                store,
            },
            None,
        )];
        match step.next {
            Some(request) => out.push(request_message(id, request)),
            None => {
                self.pushes.remove(&id);
            }
        }
        out
    }
}

fn request_message(id: u64, request: terminal::HttpRequest) -> Outgoing {
    let body = request.body.map(|b| b.to_vec());
    (
        Response::PushRequest {
            id,
            method: request.method.to_string(),
            url: request.url,
            headers: request
                .headers
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            has_body: body.is_some(),
        },
        body,
    )
}
