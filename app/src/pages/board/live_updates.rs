use leptos::prelude::*;

/// Where the server announces each stored run.
pub const RUN_STREAM_URL: &str = "/api/v1/board/stream";

/// Calls `on_change` whenever the server announces a new run, and again after each
/// reconnection (a restarted server may have stored runs meanwhile). `live` tells
/// whether the stream is connected; the browser reconnects by itself.
pub fn subscribe_to_runs(on_change: impl Fn() + Clone + 'static, live: RwSignal<bool>) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let Ok(source) = web_sys::EventSource::new(RUN_STREAM_URL) else {
            return;
        };
        let on_open = {
            let on_change = on_change.clone();
            Closure::<dyn Fn()>::new(move || {
                live.set(true);
                on_change();
            })
        };
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_event| on_change());
        let on_error = Closure::<dyn Fn()>::new(move || live.set(false));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let _ = source.add_event_listener_with_callback("run", on_message.as_ref().unchecked_ref());
        let held = StoredValue::new_local((source, on_open, on_message, on_error));
        on_cleanup(move || held.with_value(|(source, ..)| source.close()));
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (on_change, live, RUN_STREAM_URL);
    }
}
