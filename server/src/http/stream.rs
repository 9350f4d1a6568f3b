use std::convert::Infallible;
use std::time::Duration;

use app::domain::auth::Role;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::stream::Stream;
use futures::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use super::api_v1::Caller;
use super::error::ApiError;
use super::AppState;

/// Server-Sent Events: an event `run` each time a run is stored. Ends when the server
/// shuts down (the browser's EventSource then reconnects to the next server).
pub async fn board_stream(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    caller.require(Role::Viewer)?;
    let shutting_down =
        WatchStream::new(state.shutdown.clone()).filter(|stop| futures::future::ready(*stop));
    let events = BroadcastStream::new(state.notifier.subscribe())
        .filter_map(|message| async move {
            let run = message.ok()?;
            let data = serde_json::to_string(&run).ok()?;
            Some(Ok(Event::default().event("run").data(data)))
        })
        .take_until(Box::pin(shutting_down.into_future()));
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
