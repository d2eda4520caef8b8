//! Sending one file to the server with progress, through `XMLHttpRequest`.
//!
//! fetch() reports no upload progress, and plan sets run to hundreds of MB,
//! so uploads use XHR and hand the `File` itself to `send()`: the browser then
//! streams it from disk instead of reading it into memory. The server takes
//! the raw bytes as the body (not multipart).
//!
//! Documents of the room go up resumably (`send_chunk`, driven by
//! `pages/room/uploads.rs`): the file is sliced, each slice is one request,
//! and a slice is again a `Blob` the browser reads from disk. A statement's
//! attachments, small by nature, go in one request (`send_file`, see
//! `api::attachment_url`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use serde::de::DeserializeOwned;
use shared::{DocumentView, UploadView};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Blob, File, ProgressEvent, XmlHttpRequest};

use crate::api::{ApiError, CSRF_HEADER};

/// How long a request may go without moving a byte before it counts as
/// lost (a dead connection the browser still calls open).
const STALL_MS: f64 = 30_000.0;

/// Why a file was not stored.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadError {
    /// The person cancelled it.
    Cancelled,
    Api(ApiError),
}

/// A request on its way, kept to cancel it.
#[derive(Debug, Clone)]
pub struct Sending(XmlHttpRequest);

impl Sending {
    /// Breaks the request off; the server then stores nothing of it.
    pub fn cancel(&self) {
        let _ = self.0.abort();
    }
}

/// How an XHR ended, before we look at what it answered.
enum Outcome {
    Loaded,
    Failed,
    Aborted,
}

/// Sends `file` to `url`, calling `on_progress(sent_bytes)` as the browser
/// reports it, and answers the stored document. `on_start` receives the
/// request once it is under way, for cancelling.
pub async fn send_file(
    url: &str,
    file: &File,
    on_start: impl FnOnce(Sending),
    on_progress: impl Fn(f64) + 'static,
) -> Result<DocumentView, UploadError> {
    send_blob("POST", url, file, on_start, on_progress).await
}

/// Sends one chunk of a resumable upload (a slice of the file) to `url`
/// (see `api::chunk_url`) and answers where the upload stands now.
pub async fn send_chunk(
    url: &str,
    chunk: &Blob,
    on_start: impl FnOnce(Sending),
    on_progress: impl Fn(f64) + 'static,
) -> Result<UploadView, UploadError> {
    send_blob("PATCH", url, chunk, on_start, on_progress).await
}

async fn send_blob<T: DeserializeOwned>(
    method: &str,
    url: &str,
    blob: &Blob,
    on_start: impl FnOnce(Sending),
    on_progress: impl Fn(f64) + 'static,
) -> Result<T, UploadError> {
    crate::api::ensure_session().await;
    let network = |_| UploadError::Api(ApiError::Network);
    let xhr = XmlHttpRequest::new().map_err(network)?;
    xhr.open_with_async(method, url, true).map_err(network)?;
    let content_type = match blob.type_() {
        kind if kind.is_empty() => "application/octet-stream".to_owned(),
        kind => kind,
    };
    xhr.set_request_header("Content-Type", &content_type)
        .map_err(network)?;
    xhr.set_request_header(CSRF_HEADER.0, CSRF_HEADER.1)
        .map_err(network)?;

    // A connection can die without an error: the request then hangs. It
    // counts as lost when the browser says it went offline, or when no byte
    // moved for `STALL_MS`; it is aborted and answered as a network failure.
    let lost = Rc::new(Cell::new(false));
    let last_moved = Rc::new(Cell::new(js_sys::Date::now()));

    // The closures must outlive the request, so they are held until it ends.
    let moved = last_moved.clone();
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        moved.set(js_sys::Date::now());
        if event.length_computable() {
            on_progress(event.loaded());
        }
    });
    let upload = xhr.upload().map_err(network)?;
    upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));

    let (done, finished) = oneshot::channel::<Outcome>();
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = |outcome: fn() -> Outcome| {
        let done = done.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(done) = done.borrow_mut().take() {
                let _ = done.send(outcome());
            }
        })
    };
    let on_load = finish(|| Outcome::Loaded);
    let on_error = finish(|| Outcome::Failed);
    let on_abort = finish(|| Outcome::Aborted);
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));

    let offline = {
        let (lost, xhr) = (lost.clone(), xhr.clone());
        Closure::<dyn FnMut()>::new(move || {
            lost.set(true);
            let _ = xhr.abort();
        })
    };
    let window = web_sys::window();
    if let Some(window) = &window {
        let _ =
            window.add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
    }

    xhr.send_with_opt_blob(Some(blob)).map_err(network)?;
    on_start(Sending(xhr.clone()));
    {
        let (lost, xhr, done) = (lost.clone(), xhr.clone(), done.clone());
        wasm_bindgen_futures::spawn_local(async move {
            while done.borrow().is_some() {
                gloo_timers::future::TimeoutFuture::new(1_000).await;
                if done.borrow().is_some() && js_sys::Date::now() - last_moved.get() > STALL_MS {
                    lost.set(true);
                    let _ = xhr.abort();
                }
            }
        });
    }
    let outcome = finished.await.unwrap_or(Outcome::Failed);
    upload.set_onprogress(None);
    if let Some(window) = &window {
        let _ =
            window.remove_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
    }

    match outcome {
        Outcome::Loaded => read_answer(&xhr).map_err(UploadError::Api),
        Outcome::Aborted if !lost.get() => Err(UploadError::Cancelled),
        Outcome::Failed | Outcome::Aborted => Err(UploadError::Api(ApiError::Network)),
    }
}

fn read_answer<T: DeserializeOwned>(xhr: &XmlHttpRequest) -> Result<T, ApiError> {
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(ApiError::from_status_and_body(status, &body));
    }
    serde_json::from_str(&body).map_err(|_| ApiError::Unexpected(status))
}
