//! Imports read for the Imports page (server functions) and the API (`imports_api`):
//! storage records turned into the app's types; and the page's actions.

use app::domain::alerts::{AlertState, AlertSummary};
use app::domain::error::AppError;
use app::domain::imports::{
    ImportActivity, ImportDetail, ImportFile, ImportStage, ImportSummary, RejectedPage,
    RejectedQuery, RejectedRow,
};
use app::i18n::Message;

use super::error::ApiError;
use super::AppState;
use crate::clock::now_ms;
use crate::import::PipelineError;
use crate::storage::alerts;
use crate::storage::imports::{self, ErrorFilter, ImportRecord};

fn summary(import: ImportRecord) -> ImportSummary {
    ImportSummary {
        import_id: import.import_id,
        phase: import.phase,
        business_date: import.business_date,
        status: import.status,
        stage: import.stage,
        created_at_ms: import.created_at_ms,
        finished_at_ms: import.finished_at_ms,
        failure: import.failure.as_deref().map(Message::decode),
    }
}

/// The most recent imports, newest first.
pub async fn list(state: &AppState) -> Result<Vec<ImportSummary>, ApiError> {
    let list = imports::list(&state.db, 100).await?;
    Ok(list.into_iter().map(summary).collect())
}

/// One import with its stages, files and broken rules, if it exists.
pub async fn detail(state: &AppState, import_id: &str) -> Result<Option<ImportDetail>, ApiError> {
    let db = &state.db;
    let Some(import) = imports::find(db, import_id).await? else {
        return Ok(None);
    };
    let stages = imports::stages(db, import_id)
        .await?
        .into_iter()
        .map(|stage| ImportStage {
            stage: stage.stage,
            status: stage.status,
            started_at_ms: stage.started_at_ms,
            ended_at_ms: stage.ended_at_ms,
            rows: stage.rows_done,
        })
        .collect();
    let mut files: Vec<ImportFile> = imports::files(db, import_id)
        .await?
        .into_iter()
        .map(|file| ImportFile {
            file_type: file.file_type,
            file_name: file.file_name,
            read_rows: file.read_rows,
            accepted_rows: file.accepted_rows,
            rejected_rows: file.rejected_rows,
        })
        .collect();
    let order = |file_type: &str| {
        crate::import::files::FileType::from_name(file_type)
            .and_then(|file| {
                crate::import::files::FileType::ALL
                    .iter()
                    .position(|f| *f == file)
            })
            .unwrap_or(usize::MAX)
    };
    files.sort_by_key(|file| order(&file.file_type));
    let rules = imports::error_rules(db, import_id).await?;
    Ok(Some(ImportDetail {
        import: summary(import),
        stages,
        files,
        rules,
    }))
}

/// A page of an import's rejected rows (`limit` 1 to `max_page`).
pub async fn rejections(
    state: &AppState,
    query: RejectedQuery,
    max_page: i64,
) -> Result<RejectedPage, ApiError> {
    if !(1..=max_page).contains(&query.limit) {
        return Err(ApiError::bad("limit", format!("must be 1 to {max_page}")));
    }
    if query.offset < 0 {
        return Err(ApiError::bad("offset", "must be at least 0"));
    }
    let filter = ErrorFilter {
        file_type: query.file_type.filter(|value| !value.is_empty()),
        rule: query.rule.filter(|value| !value.is_empty()),
    };
    let (rows, total) = imports::errors(
        &state.db,
        &query.import_id,
        &filter,
        query.offset,
        query.limit,
    )
    .await?;
    Ok(RejectedPage {
        rows: rows
            .into_iter()
            .map(|row| RejectedRow {
                file_type: row.file_type,
                line: row.line,
                column: row.column,
                rule: row.rule,
                message: Message::decode(&row.message),
            })
            .collect(),
        total,
    })
}

pub async fn continue_import(
    state: &AppState,
    import_id: &str,
    restart: bool,
) -> Result<(), AppError> {
    match state.imports.spawn_continue(import_id, restart).await {
        Ok(()) => Ok(()),
        Err(
            error @ (PipelineError::UnknownImport(_)
            | PipelineError::AlreadySucceeded(_)
            | PipelineError::AlreadyRunning(_)),
        ) => Err(AppError::InvalidInput(error.to_string())),
        Err(error) => {
            tracing::error!(error = %error, "cannot continue the import");
            Err(AppError::Internal)
        }
    }
}

pub async fn recent_alerts(state: &AppState) -> Result<Vec<AlertSummary>, AppError> {
    let list = alerts::recent(&state.db, 50)
        .await
        .map_err(ApiError::from)?;
    Ok(list
        .into_iter()
        .map(|alert| AlertSummary {
            raised_at_ms: alert.raised_at_ms,
            kind: alert.kind,
            severity: alert.severity,
            state: match alert.resolved_at_ms {
                Some(_) => AlertState::Resolved,
                None => AlertState::Firing,
            },
            subject: alert.subject,
            message: Message::decode(&alert.message),
        })
        .collect())
}

pub async fn activity(state: &AppState) -> Result<ImportActivity, AppError> {
    let loading = imports::loading_now(&state.db, now_ms())
        .await
        .map_err(ApiError::from)?;
    Ok(ImportActivity { loading })
}
