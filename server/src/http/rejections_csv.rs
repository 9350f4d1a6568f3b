//! `GET /api/v1/imports/{import_id}/rejections.csv?file_type=&rule=`: every rejected row of
//! an import matching the filters, as the Imports page lists them (support and admins).

use app::domain::auth::Role;
use app::domain::csv;
use app::i18n::{Lang, Message};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::api_v1::Caller;
use super::error::ApiError;
use super::export::download;
use super::AppState;
use crate::storage::imports::{self, ErrorFilter};

/// Rows read from the database per query while the file is written.
const PAGE: i64 = 1_000;

const HEADER: [&str; 5] = ["file_type", "line", "column", "rule", "message"];

#[derive(Debug, Default, Deserialize)]
pub struct RejectionFilters {
    file_type: Option<String>,
    rule: Option<String>,
    /// The messages' language (`fr` unless `en`).
    lang: Option<String>,
}

pub async fn rejections_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(import_id): Path<String>,
    Query(filters): Query<RejectionFilters>,
) -> Result<Response, ApiError> {
    caller.require(Role::Support)?;
    if imports::find(&state.db, &import_id).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    let lang = filters
        .lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_default();
    let filter = ErrorFilter {
        file_type: filters.file_type.filter(|value| !value.is_empty()),
        rule: filters.rule.filter(|value| !value.is_empty()),
    };
    let mut text = csv::line(&HEADER);
    let mut offset = 0;
    loop {
        let (rows, _) = imports::errors(&state.db, &import_id, &filter, offset, PAGE).await?;
        for row in &rows {
            text.push_str(&csv::line(&[
                row.file_type.clone(),
                row.line.to_string(),
                row.column.clone(),
                row.rule.clone(),
                Message::decode(&row.message).render(lang),
            ]));
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
        offset += PAGE;
    }
    Ok(download(
        text.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("vigie-rejets-{}.csv", file_name_part(&import_id)),
    ))
}

/// The import id as it may appear in a file name (letters, digits, `_` and `-`).
fn file_name_part(import_id: &str) -> String {
    import_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_keeps_only_safe_characters() {
        assert_eq!(
            file_name_part("IMPORT_20260101_010203_001"),
            "IMPORT_20260101_010203_001"
        );
        assert_eq!(file_name_part("a\"; b/../c"), "abc");
    }
}
