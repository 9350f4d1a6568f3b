//! Imports started from the web app (resume and restart buttons) run in the background
//! of `vigie serve`, one run at a time per import (see [`super::claim::ImportClaim`]).

use super::pipeline::{self, ImportContext};
use super::PipelineError;

#[derive(Clone)]
pub struct ImportRunner {
    context: ImportContext,
}

impl ImportRunner {
    pub fn new(context: ImportContext) -> ImportRunner {
        ImportRunner { context }
    }

    /// Checks that the import can continue, claims it, then resumes (or restarts) it in
    /// the background. An import that this server or another process is running is
    /// refused.
    pub async fn spawn_continue(
        &self,
        import_id: &str,
        restart: bool,
    ) -> Result<(), PipelineError> {
        let claim = pipeline::claim_resumable(&self.context.db, import_id).await?;
        let (context, import_id) = (self.context.clone(), import_id.to_string());
        tokio::spawn(async move {
            let outcome = if restart {
                pipeline::restart_claimed(&context, claim).await
            } else {
                pipeline::resume_claimed(&context, claim).await
            };
            if let Err(error) = outcome {
                tracing::warn!(import_id = %import_id, error = %error, "import from the web app failed");
            }
        });
        Ok(())
    }
}
