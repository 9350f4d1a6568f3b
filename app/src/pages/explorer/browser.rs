//! What the explorer asks of the browser: save a file made in the page, copy the page's
//! link. No-ops outside the browser (host builds and tests).

/// Saves `text` as a file named `file_name` (a Blob behind a temporary `<a download>`).
pub fn download_text(file_name: &str, mime: &str, text: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        if let Err(error) = download(file_name, mime, text) {
            leptos::logging::warn!("download {file_name}: {error:?}");
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (file_name, mime, text);
}

#[cfg(target_arch = "wasm32")]
fn download(file_name: &str, mime: &str, text: &str) -> Result<(), web_sys::wasm_bindgen::JsValue> {
    use web_sys::js_sys::Array;
    use web_sys::wasm_bindgen::{JsCast, JsValue};

    let parts = Array::of1(&JsValue::from_str(text));
    let properties = web_sys::BlobPropertyBag::new();
    properties.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &properties)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.set_attribute("hidden", "")?;
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// The address of the page, as the browser shows it.
pub fn current_href() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|window| window.location().href().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

/// Copies `text` to the clipboard, then calls `done` with whether it worked.
pub fn copy_to_clipboard(text: String, done: impl FnOnce(bool) + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        use std::cell::RefCell;
        use std::rc::Rc;
        use web_sys::wasm_bindgen::closure::Closure;
        use web_sys::wasm_bindgen::JsValue;

        let Some(window) = web_sys::window() else {
            done(false);
            return;
        };
        let done = Rc::new(RefCell::new(Some(done)));
        let settle = move |worked: bool| {
            let done = done.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| {
                if let Some(done) = done.borrow_mut().take() {
                    done(worked);
                }
            })
        };
        let (on_ok, on_error) = (settle(true), settle(false));
        let _ = window
            .navigator()
            .clipboard()
            .write_text(&text)
            .then2(&on_ok, &on_error);
        // One click, two small closures that the promise calls once: leave them to the JS GC.
        on_ok.forget();
        on_error.forget();
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        done(false);
    }
}
