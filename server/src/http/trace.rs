//! Every HTTP request in a `request` span named by its matched route, so that a log line
//! (and, as JSON, its span fields) says which endpoint it belongs to: the method, the
//! route pattern (`/api/v1/runs/{run_id}`, never the path with its values), then, once
//! known, the caller (`user`: an account name; `token`: an API token's id; never a
//! personal value), the status and the latency. The span's close line (see `telemetry`)
//! is the access log; a 5xx answer also logs a warning.
//!
//! The caller is recorded by `auth::resolve_session`, which runs inside the span.

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The trace layer with this module's span and answer.
pub type RequestTrace = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request) -> Span,
    (),
    fn(&Response, Duration, &Span),
>;

/// The layer that opens the span and logs the answer.
pub fn layer() -> RequestTrace {
    TraceLayer::new_for_http()
        .make_span_with(request_span as fn(&Request) -> Span)
        .on_request(())
        .on_response(answered as fn(&Response, Duration, &Span))
}

fn request_span(request: &Request) -> Span {
    // Unmatched paths (the front end's files and deep links) are named as a group.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("static", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        user = tracing::field::Empty,
        token = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

fn answered(response: &Response, latency: Duration, span: &Span) {
    let status = response.status().as_u16();
    span.record("status", status);
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    if status >= 500 {
        tracing::warn!(status, "answered with a server error");
    }
}

/// Records who made the current request (called once the caller is resolved).
pub fn record_caller(user: Option<&str>, token: Option<&str>) {
    let span = Span::current();
    if let Some(user) = user {
        span.record("user", user);
    }
    if let Some(token) = token {
        span.record("token", token);
    }
}
