//! The write endpoints: `POST /api/v1/ingest/probe-runs` (runs with their steps) and
//! `POST /api/v1/ingest/journey-events` (events, each optionally embedding its prospect),
//! as a JSON array or NDJSON. Valid items are stored even when others are rejected; an
//! item already stored is a duplicate, not an error. Only API tokens with the `ingest`
//! scope.

use std::collections::HashSet;

use app::i18n::Message;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;

use super::error::ApiError;
use super::AppState;
use crate::auth::{Scope, TokenGrant};
use crate::clock::now_ms;
use crate::ingest::validate::{validate_event, validate_run, FieldError, Record, References, Rule};
use crate::storage::journeys;

/// The largest body the ingest endpoints take.
pub const BODY_LIMIT_BYTES: usize = 10 * 1024 * 1024;
/// The most items one body may hold (so that an answer listing rejected items stays of
/// the order of the request).
pub const MAX_ITEMS: usize = 50_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ingest/probe-runs", post(probe_runs))
        .route("/ingest/journey-events", post(journey_events))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}

/// An API token allowed to ingest (401 without credentials, 403 without the scope).
pub struct Ingester(pub TokenGrant);

impl<S: Send + Sync> FromRequestParts<S> for Ingester {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let signed_in = parts
            .extensions
            .get::<app::api::backend::RequestAuth>()
            .is_some_and(|auth| auth.user.is_some());
        match parts.extensions.get::<TokenGrant>() {
            Some(grant) if grant.allows(Scope::Ingest) => Ok(Ingester(grant.clone())),
            Some(_) => Err(ApiError::Forbidden),
            None if signed_in => Err(ApiError::Forbidden),
            None => Err(ApiError::Unauthenticated),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Rejected {
    pub index: usize,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Serialize)]
pub struct IngestAnswer {
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: Vec<Rejected>,
}

async fn probe_runs(
    State(state): State<AppState>,
    Ingester(grant): Ingester,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestAnswer>, ApiError> {
    let items = parse_items(&read_body(body)?)?;
    let references = References::load(&state.db).await?;
    let now = now_ms();
    let (valid, rejected) = sort_items(items, |object| {
        let run = Record::from_json(object, "");
        let steps = step_records(object)?;
        validate_run(&run, &steps, &references, now)
    });
    let runs: Vec<_> = valid.into_iter().map(|(_, run)| run).collect();
    let accepted = state.recorder.record(&runs).await?;
    Ok(answer("probe runs", &grant, runs.len(), accepted, rejected))
}

async fn journey_events(
    State(state): State<AppState>,
    Ingester(grant): Ingester,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestAnswer>, ApiError> {
    let items = parse_items(&read_body(body)?)?;
    let references = References::load(&state.db).await?;
    let now = now_ms();
    let (valid, mut rejected) = sort_items(items, |object| {
        let event = Record::from_json(object, "");
        let prospect = prospect_record(object)?;
        validate_event(&event, prospect.as_ref(), &references, now)
    });
    // An event may name a prospect without embedding it: one stored before, or embedded
    // by another event of the same body.
    let embedded: HashSet<String> = valid
        .iter()
        .filter_map(|(_, (_, prospect))| prospect.as_ref().map(|p| p.prospect_id.clone()))
        .collect();
    let named: Vec<String> = valid
        .iter()
        .filter_map(|(_, (event, _))| event.prospect_id.clone())
        .filter(|id| !embedded.contains(id))
        .collect();
    let stored = journeys::existing_prospects(&state.db, &named).await?;
    let (mut events, mut prospects) = (Vec::new(), Vec::new());
    for (index, (event, prospect)) in valid {
        let known = event
            .prospect_id
            .as_ref()
            .is_none_or(|id| embedded.contains(id) || stored.contains(id));
        if !known {
            rejected.push(Rejected {
                index,
                errors: vec![FieldError::new(
                    "prospect_id",
                    Rule::UnknownReference,
                    Message::new("rejection.unknown_prospect_embed"),
                )],
            });
            continue;
        }
        if let Some(prospect) = prospect {
            prospects.push(prospect.seal(&state.cipher).map_err(|error| {
                tracing::error!(%error, "cannot seal a prospect");
                ApiError::Internal
            })?);
        }
        events.push(event);
    }
    let accepted = journeys::insert_journeys(&state.db, &prospects, &events).await?;
    Ok(answer(
        "journey events",
        &grant,
        events.len(),
        accepted,
        rejected,
    ))
}

/// Validates each item: the valid ones with their index, and the rejected ones.
fn sort_items<T>(
    items: Vec<Item>,
    validate: impl Fn(&serde_json::Map<String, Value>) -> Result<T, Vec<FieldError>>,
) -> (Vec<(usize, T)>, Vec<Rejected>) {
    let (mut valid, mut rejected) = (Vec::new(), Vec::new());
    for (index, item) in items.into_iter().enumerate() {
        match item.and_then(|object| validate(&object)) {
            Ok(value) => valid.push((index, value)),
            Err(errors) => rejected.push(Rejected { index, errors }),
        }
    }
    (valid, rejected)
}

/// The answer for `stored` valid items of which `accepted` were new, logged.
fn answer(
    what: &str,
    grant: &TokenGrant,
    stored: usize,
    accepted: u64,
    mut rejected: Vec<Rejected>,
) -> Json<IngestAnswer> {
    rejected.sort_by_key(|item| item.index);
    let answer = IngestAnswer {
        accepted,
        duplicates: stored as u64 - accepted,
        rejected,
    };
    tracing::info!(
        token_id = %grant.token_id,
        accepted = answer.accepted,
        duplicates = answer.duplicates,
        rejected = answer.rejected.len(),
        "{what} ingested"
    );
    Json(answer)
}

fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(BODY_LIMIT_BYTES),
        _ => ApiError::bad("body", "cannot be read"),
    })
}

/// The event's embedded `prospect` object, if any.
fn prospect_record(
    event: &serde_json::Map<String, Value>,
) -> Result<Option<Record>, Vec<FieldError>> {
    match event.get("prospect") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(object)) => Ok(Some(Record::from_json(object, "prospect."))),
        Some(_) => Err(vec![FieldError::new(
            "prospect",
            Rule::Type,
            Message::new("rejection.json_object"),
        )]),
    }
}

type Item = Result<serde_json::Map<String, Value>, Vec<FieldError>>;

fn not_an_object() -> Vec<FieldError> {
    vec![FieldError::new(
        "",
        Rule::Type,
        Message::new("rejection.json_object"),
    )]
}

/// The items of a JSON array, or of NDJSON (one object per non-empty line). A line
/// that is not JSON rejects that item only; a body that is neither is a 400.
fn parse_items(body: &[u8]) -> Result<Vec<Item>, ApiError> {
    let items = split_items(body)?;
    if items.len() > MAX_ITEMS {
        return Err(ApiError::bad(
            "body",
            format!("holds {} items, more than {MAX_ITEMS}", items.len()),
        ));
    }
    Ok(items)
}

fn split_items(body: &[u8]) -> Result<Vec<Item>, ApiError> {
    let start = body.iter().position(|byte| !byte.is_ascii_whitespace());
    let Some(start) = start else {
        return Ok(Vec::new());
    };
    let as_item = |value: Value| match value {
        Value::Object(object) => Ok(object),
        _ => Err(not_an_object()),
    };
    if body[start] == b'[' {
        let values: Vec<Value> = serde_json::from_slice(body)
            .map_err(|_| ApiError::bad("body", "is not a JSON array of objects"))?;
        return Ok(values.into_iter().map(as_item).collect());
    }
    let text = std::str::from_utf8(body).map_err(|_| ApiError::bad("body", "is not UTF-8"))?;
    Ok(text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match serde_json::from_str::<Value>(line) {
            Ok(value) => as_item(value),
            Err(_) => Err(vec![FieldError::new(
                "",
                Rule::Type,
                Message::new("rejection.json"),
            )]),
        })
        .collect())
}

/// The run's `steps` array as records (an absent array is no steps).
fn step_records(run: &serde_json::Map<String, Value>) -> Result<Vec<Record>, Vec<FieldError>> {
    match run.get("steps") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(steps)) => steps
            .iter()
            .enumerate()
            .map(|(index, step)| match step {
                Value::Object(object) => Ok(Record::from_json(object, &format!("steps[{index}]."))),
                _ => Err(vec![FieldError::new(
                    &format!("steps[{index}]"),
                    Rule::Type,
                    Message::new("rejection.json_object"),
                )]),
            })
            .collect(),
        Some(_) => Err(vec![FieldError::new(
            "steps",
            Rule::Type,
            Message::new("rejection.json_array"),
        )]),
    }
}
