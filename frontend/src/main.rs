//! The WASM entry built by Trunk: mounts the application into the page.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
