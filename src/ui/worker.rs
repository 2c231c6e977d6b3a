//! Both ends of the Web Worker. The worker binary calls `register`; the page
//! uses `JobRunner`.
//!
//! Written on `web_sys::Worker` rather than gloo-worker because cancelling a
//! busy job needs `Worker::terminate()`, which gloo's bridge does not expose:
//! a worker in the middle of a forest fit never reads a "cancel" message.
//! Messages are JSON text of `jobs::JobRequest` / `jobs::JobUpdate`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::jobs::{self, JobRequest, JobUpdate};

/// Where Trunk puts the worker's loader shim.
const LOADER: &str = "./worker_loader.js";
/// The worker's first message: its handler is in place. A message posted
/// before then would be lost while the worker's WebAssembly still loads, so
/// the page sends the job only after this.
const READY: &str = "ready";

/// Worker side: answer every request message with progress and a result.
pub fn register() {
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply_scope = scope.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let post = |update: &JobUpdate| {
                if let Ok(text) = serde_json::to_string(update) {
                    let _ = reply_scope.post_message(&JsValue::from_str(&text));
                }
            };
            let update = match event
                .data()
                .as_string()
                .map(|t| serde_json::from_str::<JobRequest>(&t))
            {
                Some(Ok(request)) => jobs::run(request, &mut |u| post(&u)),
                _ => JobUpdate::Failed(
                    "the page sent the worker a message it does not understand; reload the page"
                        .into(),
                ),
            };
            post(&update);
        });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// Page side: one worker running one job at a time.
pub struct JobRunner {
    worker: web_sys::Worker,
    _onmessage: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl JobRunner {
    /// Starts a worker and sends it `request`; `on_update` gets every update.
    pub fn start(
        request: &JobRequest,
        on_update: yew::Callback<JobUpdate>,
    ) -> Result<JobRunner, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Classic);
        let worker = web_sys::Worker::new_with_options(LOADER, &options).map_err(|_| {
            "the background worker could not be started; reload the page".to_string()
        })?;
        let text = serde_json::to_string(request).map_err(|err| err.to_string())?;
        let sender = worker.clone();
        let onmessage = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data().as_string();
                if data.as_deref() == Some(READY) {
                    if sender.post_message(&JsValue::from_str(&text)).is_err() {
                        on_update.emit(JobUpdate::Failed(
                            "the job could not be sent to the background worker; reload the page"
                                .into(),
                        ));
                    }
                    return;
                }
                let update = match data.map(|t| serde_json::from_str::<JobUpdate>(&t)) {
                    Some(Ok(update)) => update,
                    _ => JobUpdate::Failed(
                        "the background worker sent something unreadable; reload the page".into(),
                    ),
                };
                on_update.emit(update);
            },
        );
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        Ok(JobRunner {
            worker,
            _onmessage: onmessage,
        })
    }

    /// Stops the job at once (the worker is thrown away).
    pub fn cancel(&self) {
        self.worker.terminate();
    }
}

impl Drop for JobRunner {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
