//! Sending one file to the server with progress, through `XMLHttpRequest`.
//!
//! fetch() reports no upload progress, and plan sets run to hundreds of MB,
//! so uploads use XHR and hand the `File` itself to `send()`: the browser then
//! streams it from disk instead of reading it into memory. The server takes
//! the raw bytes as the body (not multipart); category and name go in the
//! query (see `api::upload_url`).

use futures::channel::oneshot;
use shared::DocumentView;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{File, ProgressEvent, XmlHttpRequest};

use crate::api::{ApiError, ApiResult, CSRF_HEADER};

/// How an XHR ended, before we look at what it answered.
enum Outcome {
    Loaded,
    Failed,
}

/// Sends `file` to `url`, calling `on_progress(sent_bytes, total_bytes)` as
/// the browser reports it, and answers the stored document.
pub async fn send_file(
    url: &str,
    file: &File,
    on_progress: impl Fn(f64, f64) + 'static,
) -> ApiResult<DocumentView> {
    let xhr = XmlHttpRequest::new().map_err(|_| ApiError::Network)?;
    xhr.open_with_async("POST", url, true)
        .map_err(|_| ApiError::Network)?;
    let content_type = match file.type_() {
        kind if kind.is_empty() => "application/octet-stream".to_owned(),
        kind => kind,
    };
    xhr.set_request_header("Content-Type", &content_type)
        .map_err(|_| ApiError::Network)?;
    xhr.set_request_header(CSRF_HEADER.0, CSRF_HEADER.1)
        .map_err(|_| ApiError::Network)?;

    // The closures must outlive the request, so they are held until it ends.
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() {
            on_progress(event.loaded(), event.total());
        }
    });
    let upload = xhr.upload().map_err(|_| ApiError::Network)?;
    upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));

    let (done, finished) = oneshot::channel::<Outcome>();
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let finish = |outcome_of: fn() -> Outcome| {
        let done = done.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(done) = done.borrow_mut().take() {
                let _ = done.send(outcome_of());
            }
        })
    };
    let on_load = finish(|| Outcome::Loaded);
    let on_error = finish(|| Outcome::Failed);
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(on_error.as_ref().unchecked_ref()));

    xhr.send_with_opt_blob(Some(file))
        .map_err(|_| ApiError::Network)?;
    let outcome = finished.await.unwrap_or(Outcome::Failed);
    upload.set_onprogress(None);

    match outcome {
        Outcome::Failed => Err(ApiError::Network),
        Outcome::Loaded => read_answer(&xhr),
    }
}

fn read_answer(xhr: &XmlHttpRequest) -> ApiResult<DocumentView> {
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(ApiError::from_status_and_body(status, &body));
    }
    serde_json::from_str(&body).map_err(|_| ApiError::Unexpected(status))
}
