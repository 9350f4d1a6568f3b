//! The live status board: state rules, the snapshot service, and the notifier that
//! tells open boards a run was stored.

mod notifier;
mod service;
pub mod state;

pub use notifier::{RunNotifier, RunStored};
pub use service::BoardService;
