//! Both ends of the Web Worker. The worker binary calls `register`; the page
//! uses `JobRunner`.
//!
//! Written on `web_sys::Worker` rather than gloo-worker because cancelling a
//! busy job needs `Worker::terminate()`, which gloo's bridge does not expose:
//! a worker in the middle of a forest fit never reads a "cancel" message.
//! A request crosses as `[json, bytes...]`: the JSON text of `jobs::JobRequest`
//! without its files, and each file as a `Uint8Array` whose buffer is
//! transferred, not copied (as JSON it was a list of numbers three to four
//! times the file's size, built and parsed on both sides). Updates come
//! back as JSON text of `jobs::JobUpdate`.
//!
//! Starting a worker means fetching and instantiating its WebAssembly, so
//! the page keeps one spare worker started ahead: a job takes it, ready, and
//! a new spare starts behind it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::jobs::{self, JobRequest, JobUpdate};

/// Where Trunk puts the worker's loader shim.
const LOADER: &str = "./worker_loader.js";
/// The worker's first message: its handler is in place. A message posted
/// before then would be lost while the worker's WebAssembly still loads, so
/// the page sends the job only after this.
const READY: &str = "ready";
const SEND_FAILED: &str = "the job could not be sent to the background worker; reload the page";

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
            let update = match read_request(&event.data()) {
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

/// `[json, bytes...]` from the page back into a request.
fn read_request(data: &JsValue) -> Option<Result<JobRequest, serde_json::Error>> {
    let message = data.dyn_ref::<js_sys::Array>()?;
    let text = message.get(0).as_string()?;
    let files: Vec<Vec<u8>> = (1..message.length())
        .filter_map(|k| message.get(k).dyn_into::<js_sys::Uint8Array>().ok())
        .map(|array| array.to_vec())
        .collect();
    Some(
        serde_json::from_str::<JobRequest>(&text).map(|mut request| {
            request.put_files(files);
            request
        }),
    )
}

/// A started worker and whether it has said it is ready.
struct Started {
    worker: web_sys::Worker,
    ready: Rc<Cell<bool>>,
    _onmessage: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

thread_local! {
    /// The worker started ahead for the next job.
    static SPARE: RefCell<Option<Started>> = const { RefCell::new(None) };
}

fn spawn() -> Result<Started, String> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Classic);
    let worker = web_sys::Worker::new_with_options(LOADER, &options)
        .map_err(|_| "the background worker could not be started; reload the page".to_string())?;
    let ready = Rc::new(Cell::new(false));
    let flag = ready.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if event.data().as_string().as_deref() == Some(READY) {
                flag.set(true);
            }
        });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    Ok(Started {
        worker,
        ready,
        _onmessage: onmessage,
    })
}

/// The spare worker if there is one (a fresh one otherwise), with a new
/// spare started behind it.
fn take_worker() -> Result<Started, String> {
    let taken = SPARE.with(|spare| spare.borrow_mut().take());
    let started = match taken {
        Some(started) => started,
        None => spawn()?,
    };
    if let Ok(next) = spawn() {
        SPARE.with(|spare| *spare.borrow_mut() = Some(next));
    }
    Ok(started)
}

/// Page side: one worker running one job at a time.
pub struct JobRunner {
    worker: web_sys::Worker,
    _onmessage: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl JobRunner {
    /// Sends `request` to a worker; `on_update` gets every update.
    pub fn start(
        mut request: JobRequest,
        on_update: yew::Callback<JobUpdate>,
    ) -> Result<JobRunner, String> {
        let files = request.take_files();
        let text = serde_json::to_string(&request).map_err(|err| err.to_string())?;
        drop(request);
        let message = js_sys::Array::new();
        message.push(&JsValue::from_str(&text));
        let transfer = js_sys::Array::new();
        for bytes in files {
            let array = js_sys::Uint8Array::from(bytes.as_slice());
            transfer.push(&array.buffer());
            message.push(&array);
        }
        let Started { worker, ready, .. } = take_worker()?;
        let sender = worker.clone();
        let mut pending = Some((message, transfer));
        let mut send = move || {
            let Some((message, transfer)) = pending.take() else {
                return true;
            };
            sender
                .post_message_with_transfer(&message, &transfer)
                .is_ok()
        };
        // A spare that is ready gets the job now; otherwise on its "ready".
        if ready.get() && !send() {
            return Err(SEND_FAILED.into());
        }
        let onmessage = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data().as_string();
                if data.as_deref() == Some(READY) {
                    if !send() {
                        on_update.emit(JobUpdate::Failed(SEND_FAILED.into()));
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
