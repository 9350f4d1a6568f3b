//! `vigie import initial|daily <folder>`, `vigie import status [<import_id>]`,
//! `vigie import resume <import_id>`, `vigie import restart <import_id>`.
//! Exit codes: 0 success, 1 import failed (reason printed), 2 usage error.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::config::{key_provider, DatabaseArgs, GeographyArgs};
use super::CliError;
use crate::clock::rfc3339;
use crate::crypto::PersonalDataCipher;
use crate::import::pipeline::{self, ImportContext};
use crate::import::progress::Console;
use crate::import::{Phase, PipelineError, Stage};
use crate::storage::imports;
use crate::storage::Database;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Load history from a drop (bulk: parallel enrichment of distinct postal codes).
    Initial(StartImport),
    /// Load one day's drop (records enriched one by one).
    Daily(StartImport),
    /// List recent imports, or show one import's stages, files and rejected rows.
    Status(ImportStatus),
    /// Continue a failed or interrupted import from the stage it stopped in.
    Resume(ImportById),
    /// Drop what an import staged and run it again from the check stage.
    Restart(ImportById),
}

/// What every import command needs.
#[derive(Args)]
pub struct ImportSettings {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Base64 of the 32-byte key that encrypts personal data.
    #[arg(long, env = "VIGIE_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,
    #[command(flatten)]
    pub geography: GeographyArgs,
}

#[derive(Debug, Args)]
pub struct StartImport {
    #[command(flatten)]
    settings: ImportSettings,
    /// The folder holding the drop's ten files.
    folder: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportById {
    #[command(flatten)]
    settings: ImportSettings,
    /// `IMPORT_YYYYMMDD_HHMMSS_NNN`, from `vigie import status`.
    import_id: String,
}

#[derive(Debug, Args)]
pub struct ImportStatus {
    #[command(flatten)]
    database: DatabaseArgs,
    /// One import to show in detail.
    import_id: Option<String>,
}

impl std::fmt::Debug for ImportSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportSettings")
            .field("database", &self.database)
            .field("data_key", &self.data_key.as_ref().map(|_| "***"))
            .field("geography", &self.geography)
            .finish()
    }
}

impl ImportSettings {
    /// The pipeline's context: database, cipher, geography client, console progress.
    pub async fn context(&self) -> Result<ImportContext, CliError> {
        let cipher = PersonalDataCipher::new(Arc::new(key_provider(self.data_key.as_deref())?));
        let geography = self.geography.client()?;
        let db = Database::open(&self.database.database_url).await?;
        Ok(ImportContext {
            progress: Arc::new(Console::new()),
            hold_in: hold_in()?,
            ..ImportContext::new(db, cipher, geography)
        })
    }
}

/// The test hook `VIGIE_IMPORT_HOLD_IN=<stage>` (kill tests).
fn hold_in() -> Result<Option<Stage>, CliError> {
    match std::env::var("VIGIE_IMPORT_HOLD_IN") {
        Ok(name) => name
            .parse::<Stage>()
            .map(Some)
            .map_err(|error| CliError::Usage(format!("VIGIE_IMPORT_HOLD_IN: {error}"))),
        Err(_) => Ok(None),
    }
}

pub async fn run(command: ImportCommand) -> Result<(), CliError> {
    match command {
        ImportCommand::Initial(args) => start(args, Phase::Initial).await,
        ImportCommand::Daily(args) => start(args, Phase::Daily).await,
        ImportCommand::Resume(args) => {
            let context = args.settings.context().await?;
            let outcome = pipeline::resume(&context, &args.import_id).await;
            finish(&context, outcome).await
        }
        ImportCommand::Restart(args) => {
            let context = args.settings.context().await?;
            let outcome = pipeline::restart(&context, &args.import_id).await;
            finish(&context, outcome).await
        }
        ImportCommand::Status(args) => status(args).await,
    }
}

async fn start(args: StartImport, phase: Phase) -> Result<(), CliError> {
    if !args.folder.is_dir() {
        return Err(CliError::Usage(format!(
            "{}: not a folder",
            args.folder.display()
        )));
    }
    let context = args.settings.context().await?;
    let outcome = pipeline::start(&context, phase, &args.folder).await;
    finish(&context, outcome).await
}

async fn finish(
    context: &ImportContext,
    outcome: Result<pipeline::ImportOutcome, PipelineError>,
) -> Result<(), CliError> {
    context.db.close().await;
    match outcome {
        Ok(outcome) => {
            println!("{}: succeeded", outcome.import.import_id);
            Ok(())
        }
        Err(error @ (PipelineError::UnknownImport(_) | PipelineError::AlreadySucceeded(_))) => {
            Err(CliError::Usage(error.to_string()))
        }
        Err(error) => Err(CliError::Import(error)),
    }
}

async fn status(args: ImportStatus) -> Result<(), CliError> {
    let db = Database::open(&args.database.database_url).await?;
    let shown = match &args.import_id {
        None => list(&db).await,
        Some(import_id) => detail(&db, import_id).await,
    };
    db.close().await;
    shown
}

fn duration(from: i64, to: Option<i64>) -> String {
    to.map(|to| {
        format!(
            "{:.1} s",
            Duration::from_millis((to - from).max(0) as u64).as_secs_f64()
        )
    })
    .unwrap_or_else(|| "-".to_string())
}

async fn list(db: &Database) -> Result<(), CliError> {
    let all = imports::list(db, 50).await?;
    if all.is_empty() {
        println!("no import yet");
    }
    for import in all {
        println!(
            "{}  {:<7}  {}  {:<9}  {:<8}  {}",
            import.import_id,
            import.phase,
            import.business_date.as_deref().unwrap_or("----------"),
            import.status,
            import.stage,
            duration(import.created_at_ms, import.finished_at_ms),
        );
    }
    Ok(())
}

async fn detail(db: &Database, import_id: &str) -> Result<(), CliError> {
    let import = imports::find(db, import_id)
        .await?
        .ok_or_else(|| CliError::Usage(format!("no import has the id {import_id}")))?;
    println!("import     {}", import.import_id);
    println!("phase      {}", import.phase);
    println!("folder     {}", import.folder);
    println!(
        "date       {}",
        import.business_date.as_deref().unwrap_or("-")
    );
    println!("status     {} (stage {})", import.status, import.stage);
    println!("created    {}", rfc3339(import.created_at_ms));
    if let Some(failure) = &import.failure {
        println!(
            "failure    {}",
            app::i18n::Message::decode(failure).render(app::i18n::Lang::En)
        );
    }
    println!("\nstages:");
    for stage in imports::stages(db, import_id).await? {
        println!(
            "  {:<9} {:<9} {:>12} rows  {}",
            stage.stage,
            stage.status,
            stage.rows_done,
            duration(stage.started_at_ms, stage.ended_at_ms)
        );
    }
    println!("\nfiles:");
    for file in imports::files(db, import_id).await? {
        println!(
            "  {:<34} read {:>10}  accepted {:>10}  rejected {:>8}",
            file.file_name, file.read_rows, file.accepted_rows, file.rejected_rows
        );
    }
    let (errors, total) =
        imports::errors(db, import_id, &imports::ErrorFilter::default(), 0, 20).await?;
    if total > 0 {
        println!("\nrejected rows ({total} errors, first {}):", errors.len());
        for error in errors {
            println!(
                "  {} line {}: {} [{}] {}",
                error.file_type,
                error.line,
                error.column,
                error.rule,
                app::i18n::Message::decode(&error.message).render(app::i18n::Lang::En)
            );
        }
    }
    Ok(())
}
