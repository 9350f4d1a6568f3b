use serde::Serialize;
use tokio::sync::broadcast;

/// Announced to open status boards each time runs are stored.
#[derive(Debug, Clone, Serialize)]
pub struct RunStored {
    pub probe_code: String,
    pub started_at_ms: i64,
    pub status: app::domain::status::RunStatus,
}

/// Fan-out of [`RunStored`] to every subscriber (Server-Sent Events streams, later alert
/// evaluation). A slow subscriber misses messages rather than slowing writers.
#[derive(Clone, Debug)]
pub struct RunNotifier {
    sender: broadcast::Sender<RunStored>,
}

impl Default for RunNotifier {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(1024);
        RunNotifier { sender }
    }
}

impl RunNotifier {
    pub fn publish(&self, event: RunStored) {
        // No subscriber is not an error: nobody is looking at the board.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RunStored> {
        self.sender.subscribe()
    }
}
