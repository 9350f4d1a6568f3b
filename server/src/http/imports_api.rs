//! `GET /api/v1/imports`, `/imports/{import_id}` and `/imports/{import_id}/errors`: the
//! imports the Imports page shows, for support and admins (`docs/api.md`).

use app::domain::auth::Role;
use app::domain::imports::{ImportDetail, ImportStatus, Phase, RejectedQuery, Stage};
use app::domain::runs::{DEFAULT_PAGE, MAX_PAGE};
use app::i18n::Lang;
use axum::extract::{Path, Query, State};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::api_v1::Caller;
use super::error::ApiError;
use super::imports;
use super::AppState;
use crate::clock::rfc3339;

#[derive(Serialize)]
pub struct ImportJson {
    id: String,
    phase: Phase,
    business_date: Option<String>,
    status: ImportStatus,
    stage: Stage,
    created_at: String,
    finished_at: Option<String>,
    /// Why it failed, in English.
    failure: Option<String>,
}

#[derive(Serialize)]
pub struct ImportsJson {
    items: Vec<ImportJson>,
}

fn import_json(import: app::domain::imports::ImportSummary) -> ImportJson {
    ImportJson {
        id: import.import_id,
        phase: import.phase,
        business_date: import.business_date,
        status: import.status,
        stage: import.stage,
        created_at: rfc3339(import.created_at_ms),
        finished_at: import.finished_at_ms.map(rfc3339),
        failure: import.failure.map(|message| message.render(Lang::En)),
    }
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ImportsJson>, ApiError> {
    caller.require(Role::Support)?;
    let items = imports::list(&state).await?;
    Ok(Json(ImportsJson {
        items: items.into_iter().map(import_json).collect(),
    }))
}

#[derive(Serialize)]
pub struct StageJson {
    stage: Stage,
    status: ImportStatus,
    started_at: String,
    ended_at: Option<String>,
    rows: i64,
}

#[derive(Serialize)]
pub struct FileJson {
    file_type: String,
    file_name: String,
    read: i64,
    accepted: i64,
    rejected: i64,
}

#[derive(Serialize)]
pub struct ImportDetailJson {
    #[serde(flatten)]
    import: ImportJson,
    stages: Vec<StageJson>,
    files: Vec<FileJson>,
}

pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(import_id): Path<String>,
) -> Result<Json<ImportDetailJson>, ApiError> {
    caller.require(Role::Support)?;
    let ImportDetail {
        import,
        stages,
        files,
        ..
    } = imports::detail(&state, &import_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(ImportDetailJson {
        import: import_json(import),
        stages: stages
            .into_iter()
            .map(|stage| StageJson {
                stage: stage.stage,
                status: stage.status,
                started_at: rfc3339(stage.started_at_ms),
                ended_at: stage.ended_at_ms.map(rfc3339),
                rows: stage.rows,
            })
            .collect(),
        files: files
            .into_iter()
            .map(|file| FileJson {
                file_type: file.file_type,
                file_name: file.file_name,
                read: file.read_rows,
                accepted: file.accepted_rows,
                rejected: file.rejected_rows,
            })
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct ErrorsParams {
    file_type: Option<String>,
    rule: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
    /// The messages' language (`en` unless `fr`).
    lang: Option<String>,
}

#[derive(Serialize)]
pub struct RejectedJson {
    file: String,
    line: i64,
    column: String,
    rule: String,
    message: String,
}

#[derive(Serialize)]
pub struct ErrorsJson {
    items: Vec<RejectedJson>,
    /// Rejected rows matching the filters, in all.
    total: i64,
    next_cursor: Option<String>,
}

/// Rejected rows are written once, in (file, line) order: a cursor is how many rows of
/// the filtered list come before the next page.
fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("row:")?
        .parse()
        .ok()
}

pub async fn errors(
    State(state): State<AppState>,
    caller: Caller,
    Path(import_id): Path<String>,
    Query(params): Query<ErrorsParams>,
) -> Result<Json<ErrorsJson>, ApiError> {
    caller.require(Role::Support)?;
    if crate::storage::imports::find(&state.db, &import_id)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    let offset = match params.cursor.as_deref().filter(|text| !text.is_empty()) {
        Some(text) => decode_cursor(text)
            .filter(|offset| *offset >= 0)
            .ok_or_else(|| ApiError::bad("cursor", "is not a cursor of this list"))?,
        None => 0,
    };
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    let lang = params
        .lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or(Lang::En);
    let query = RejectedQuery {
        import_id,
        file_type: params.file_type,
        rule: params.rule,
        offset,
        limit,
    };
    let page = imports::rejections(&state, query, MAX_PAGE).await?;
    let next = offset + page.rows.len() as i64;
    Ok(Json(ErrorsJson {
        next_cursor: (next < page.total).then(|| URL_SAFE_NO_PAD.encode(format!("row:{next}"))),
        total: page.total,
        items: page
            .rows
            .into_iter()
            .map(|row| RejectedJson {
                file: row.file_type,
                line: row.line,
                column: row.column,
                rule: row.rule,
                message: row.message.render(lang),
            })
            .collect(),
    }))
}
