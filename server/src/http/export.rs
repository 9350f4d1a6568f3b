//! CSV and XLSX downloads of a series query (same parameters as
//! `/api/v1/indicators/series`): one row per point, time in Europe/Paris.

use app::domain::auth::Role;
use app::domain::csv;
use app::domain::indicators::SeriesResponse;
use app::domain::time_range::paris_time;
use axum::extract::{RawQuery, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::api_v1::Caller;
use super::error::ApiError;
use super::AppState;
use crate::clock::now_ms;
use crate::indicators::parse_series_query;

/// A table of the points: header and rows of (Paris time, group values, value).
struct PointTable {
    header: Vec<String>,
    rows: Vec<(i64, Vec<String>, f64)>,
}

fn table(response: &SeriesResponse) -> PointTable {
    let groups: Vec<String> = response
        .series
        .first()
        .map(|series| series.key.keys().cloned().collect())
        .unwrap_or_default();
    let mut header = vec!["time".to_string()];
    header.extend(groups.iter().cloned());
    header.push(format!(
        "{} ({})",
        response.metric.as_str(),
        response.metric.unit()
    ));
    let mut rows = Vec::new();
    for series in &response.series {
        let values: Vec<String> = groups
            .iter()
            .map(|group| series.key.get(group).cloned().unwrap_or_default())
            .collect();
        for (time, value) in &series.points {
            rows.push((*time, values.clone(), *value));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    PointTable { header, rows }
}

fn paris_text(time: i64) -> String {
    paris_time(time)
        .map(|time| time.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

async fn points(
    state: &AppState,
    caller: Caller,
    raw: Option<String>,
) -> Result<SeriesResponse, ApiError> {
    caller.require(Role::Viewer)?;
    let query = parse_series_query(raw.as_deref().unwrap_or_default())?;
    Ok(state.indicators.series(&query, now_ms()).await?)
}

pub async fn series_csv(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let response = points(&state, caller, raw).await?;
    let table = table(&response);
    let mut csv = csv::line(&table.header);
    for (time, groups, value) in &table.rows {
        let mut cells = vec![paris_text(*time)];
        cells.extend(groups.iter().cloned());
        cells.push(value.to_string());
        csv.push_str(&csv::line(&cells));
    }
    Ok(download(
        csv.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("vigie-{}.csv", response.metric.as_str()),
    ))
}

pub async fn series_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let response = points(&state, caller, raw).await?;
    let table = table(&response);
    let bytes = workbook(&table).map_err(|error| {
        tracing::error!(%error, "xlsx export failed");
        ApiError::Internal
    })?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("vigie-{}.xlsx", response.metric.as_str()),
    ))
}

fn workbook(table: &PointTable) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Vigie")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (column, title) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, csv::neutralise(title), &bold)?;
    }
    sheet.set_column_width(0, 18)?;
    for (index, (time, groups, value)) in table.rows.iter().enumerate() {
        let row = index as u32 + 1;
        if let Some(local) = paris_time(*time) {
            let cell = ExcelDateTime::from_ymd(
                local.year() as u16,
                local.month() as u8,
                local.day() as u8,
            )?
            .and_hms(
                local.hour() as u16,
                local.minute() as u8,
                local.second() as f64,
            )?;
            sheet.write_datetime_with_format(row, 0, &cell, &date)?;
        }
        for (offset, group) in groups.iter().enumerate() {
            sheet.write_string(row, offset as u16 + 1, csv::neutralise(group))?;
        }
        sheet.write_number(row, groups.len() as u16 + 1, *value)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

pub(super) fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
