use std::sync::Arc;

use app::api::backend::{provide_backend, Backend};
use axum::body::Body;
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::{on, MethodFilter};
use axum::Router;

use super::AppState;

/// A route for every server function the `app` crate declares, each calling the
/// backend provided in its context.
pub fn routes(backend: Arc<dyn Backend>) -> Router<AppState> {
    let mut router = Router::new();
    for (path, method) in server_fn::axum::server_fn_paths() {
        let Ok(filter) = MethodFilter::try_from(method) else {
            continue;
        };
        let backend = backend.clone();
        router = router.route(
            path,
            on(filter, move |request: Request<Body>| {
                let backend = backend.clone();
                async move {
                    leptos_axum::handle_server_fns_with_context(
                        move || provide_backend(backend.clone()),
                        request,
                    )
                    .await
                    .into_response()
                }
            }),
        );
    }
    router
}
