//! Imports started from the web app (resume and restart buttons) run in the background
//! of `vigie serve`, one at a time per import.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::pipeline::{self, ImportContext};
use super::PipelineError;
use crate::storage::imports;

#[derive(Clone)]
pub struct ImportRunner {
    context: ImportContext,
    running: Arc<Mutex<HashSet<String>>>,
}

impl ImportRunner {
    pub fn new(context: ImportContext) -> ImportRunner {
        ImportRunner {
            context,
            running: Arc::default(),
        }
    }

    /// Checks that the import can continue, then resumes (or restarts) it in the
    /// background. An import this server is already running is refused.
    pub async fn spawn_continue(
        &self,
        import_id: &str,
        restart: bool,
    ) -> Result<(), PipelineError> {
        let import = imports::find(&self.context.db, import_id)
            .await?
            .ok_or_else(|| PipelineError::UnknownImport(import_id.to_string()))?;
        if import.status == "succeeded" {
            return Err(PipelineError::AlreadySucceeded(import_id.to_string()));
        }
        let inserted = self
            .running
            .lock()
            .map(|mut running| running.insert(import_id.to_string()))
            .unwrap_or(false);
        if !inserted {
            return Err(PipelineError::AlreadyRunning(import_id.to_string()));
        }
        let (runner, import_id) = (self.clone(), import_id.to_string());
        tokio::spawn(async move {
            let outcome = if restart {
                pipeline::restart(&runner.context, &import_id).await
            } else {
                pipeline::resume(&runner.context, &import_id).await
            };
            if let Err(error) = outcome {
                tracing::warn!(import_id = %import_id, error = %error, "import from the web app failed");
            }
            if let Ok(mut running) = runner.running.lock() {
                running.remove(&import_id);
            }
        });
        Ok(())
    }
}
