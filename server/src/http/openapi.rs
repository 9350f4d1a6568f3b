//! `GET /api/openapi.json`: the OpenAPI 3 description of the JSON API, built from the
//! same enumerations the API parses, so that the document cannot drift from the code.

use app::domain::indicators::{Bucket, GroupBy, Metric};
use axum::Json;
use serde_json::{json, Value};

fn names<T: Copy>(items: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    items.iter().map(|item| name(*item)).collect()
}

fn filter_parameters() -> Vec<Value> {
    [
        "probe",
        "product",
        "service",
        "step",
        "channel",
        "environment",
        "error_code",
    ]
    .iter()
    .map(|name| {
        json!({
            "name": name, "in": "query", "required": false, "style": "form", "explode": true,
            "description": "Codes to keep, repeated or comma-separated.",
            "schema": { "type": "array", "items": { "type": "string" } }
        })
    })
    .collect()
}

fn time_parameters() -> Vec<Value> {
    vec![
        json!({ "name": "from", "in": "query", "schema": { "type": "string", "default": "now-24h" },
                "description": "RFC 3339, epoch milliseconds, or now, now-15m, now-24h, now-7d, now/d, now-1d/d, now/w, now/M (Europe/Paris calendar). Inclusive." }),
        json!({ "name": "to", "in": "query", "schema": { "type": "string", "default": "now" },
                "description": "Same grammar as from. Exclusive." }),
    ]
}

fn error_responses() -> Value {
    let error = json!({ "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    json!({
        "400": { "description": "A bad parameter, named in error.details", "content": error["content"] },
        "401": { "description": "No session or token", "content": error["content"] },
        "403": { "description": "The role lacks the right", "content": error["content"] },
        "503": { "description": "Database unavailable", "content": error["content"] }
    })
}

// Over 80 lines: the OpenAPI document as one JSON literal, read like the document.
pub fn document() -> Value {
    let metrics = names(&Metric::ALL, Metric::as_str);
    let mut buckets = vec![Bucket::Auto.as_str()];
    buckets.extend(names(&Bucket::FIXED, Bucket::as_str));
    let group_parameter = |groups: Vec<&str>| json!({ "name": "group_by", "in": "query", "schema": { "type": "string", "enum": groups } });
    let summary_groups: Vec<GroupBy> = GroupBy::ALL
        .into_iter()
        .filter(|group| group.splits_rates())
        .collect();
    let mut series_parameters = vec![
        json!({ "name": "metric", "in": "query", "required": true, "schema": { "type": "string", "enum": metrics } }),
        json!({ "name": "bucket", "in": "query", "schema": { "type": "string", "enum": buckets, "default": "auto" } }),
        group_parameter(names(&GroupBy::ALL, GroupBy::as_str)),
    ];
    series_parameters.extend(time_parameters());
    series_parameters.extend(filter_parameters());
    let mut runs_parameters = vec![
        json!({ "name": "status", "in": "query", "description": "OK, KO, TIMEOUT (repeated or comma-separated)", "schema": { "type": "string" } }),
        json!({ "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } }),
        json!({ "name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": { "type": "string" } }),
    ];
    runs_parameters.extend(time_parameters());
    runs_parameters.extend(filter_parameters());
    let mut incidents_parameters = vec![runs_parameters[1].clone(), runs_parameters[2].clone()];
    incidents_parameters.extend(time_parameters());
    incidents_parameters.extend(filter_parameters());
    let mut summary_parameters = vec![group_parameter(names(&summary_groups, GroupBy::as_str))];
    summary_parameters.extend(time_parameters());
    summary_parameters.extend(filter_parameters());
    let ok = |schema: &str| json!({ "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    let with_errors = |ok_response: Value| {
        let mut responses = error_responses();
        responses["200"] = ok_response;
        responses
    };
    let ingest = |summary: &str| {
        let mut responses = with_errors(ok("IngestAnswer"));
        responses["413"] = json!({ "description": "The body is larger than 10 MB" });
        json!({
            "summary": summary,
            "description": "API token with the ingest scope. Valid items are stored even when others are rejected; an item whose natural key is already stored counts as a duplicate.",
            "requestBody": { "required": true, "content": {
                "application/json": { "schema": { "type": "array", "items": { "type": "object" } } },
                "application/x-ndjson": { "schema": { "type": "string" } } } },
            "responses": responses
        })
    };
    let run_schemas = json!({
            "Run": { "type": "object", "properties": {
                "run_id": { "type": "string" }, "probe_code": { "type": "string" },
                "started_at": { "type": "string", "format": "date-time" }, "duration_ms": { "type": "integer" },
                "status": { "type": "string", "enum": ["OK", "KO", "TIMEOUT"] },
                "failed_step_code": { "type": "string", "nullable": true }, "error_code": { "type": "string", "nullable": true } } },
            "RunPage": { "type": "object", "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/Run" } },
                "next_cursor": { "type": "string", "nullable": true },
                "counts": { "type": "object", "properties": { "OK": { "type": "integer" }, "KO": { "type": "integer" }, "TIMEOUT": { "type": "integer" } } } } },
            "RunDetail": { "allOf": [{ "$ref": "#/components/schemas/Run" }, { "type": "object", "properties": {
                "error_label": { "type": "string", "nullable": true },
                "error_category": { "type": "string", "nullable": true, "enum": ["technical", "functional", "partner"] },
                "error_message": { "type": "string", "nullable": true }, "agent": { "type": "string", "nullable": true },
                "steps": { "type": "array", "items": { "type": "object", "properties": {
                    "step_code": { "type": "string" }, "position": { "type": "integer" },
                    "started_at": { "type": "string", "format": "date-time" }, "offset_ms": { "type": "integer" }, "duration_ms": { "type": "integer" },
                    "status": { "type": "string", "enum": ["OK", "KO", "TIMEOUT", "SKIPPED"] },
                    "http_status": { "type": "integer", "nullable": true }, "error_code": { "type": "string", "nullable": true },
                    "error_label": { "type": "string", "nullable": true }, "message": { "type": "string", "nullable": true } } } },
                "previous_run_id": { "type": "string", "nullable": true }, "next_run_id": { "type": "string", "nullable": true },
                "incident_id": { "type": "string", "nullable": true },
                "step_events": { "type": "object", "nullable": true, "description": "Real prospects' events at the failed step within 15 minutes of the run's start", "properties": {
                    "product_code": { "type": "string" }, "step_code": { "type": "string" },
                    "from": { "type": "string", "format": "date-time" }, "to": { "type": "string", "format": "date-time" },
                    "started": { "type": "integer" }, "completed": { "type": "integer" }, "failed": { "type": "integer" }, "abandoned": { "type": "integer" } } } } }] },
            "Incident": { "type": "object", "properties": {
                "id": { "type": "string" }, "probe_code": { "type": "string" },
                "product_code": { "type": "string", "nullable": true }, "environment": { "type": "string", "nullable": true },
                "started_at": { "type": "string", "format": "date-time" },
                "ended_at": { "type": "string", "format": "date-time", "nullable": true },
                "duration_s": { "type": "integer" }, "failed_runs": { "type": "integer" },
                "failed_step_code": { "type": "string", "nullable": true }, "service_code": { "type": "string", "nullable": true },
                "error_code": { "type": "string", "nullable": true }, "error_label": { "type": "string", "nullable": true },
                "cause": { "type": "string", "enum": ["internal", "partner"] },
                "impacted_prospects": { "type": "integer" } } },
            "IncidentPage": { "type": "object", "properties": {
                "from": { "type": "string", "format": "date-time" }, "to": { "type": "string", "format": "date-time" },
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/Incident" } },
                "next_cursor": { "type": "string", "nullable": true },
                "maintenance": { "type": "array", "items": { "type": "object", "properties": {
                    "scope": { "type": "string", "enum": ["all", "product", "service", "probe"] },
                    "scope_code": { "type": "string", "nullable": true },
                    "starts_at": { "type": "string", "format": "date-time" }, "ends_at": { "type": "string", "format": "date-time" },
                    "reason": { "type": "string", "nullable": true } } } } } },
            "IncidentDetail": { "allOf": [{ "$ref": "#/components/schemas/Incident" }, { "type": "object", "properties": {
                "runs": { "type": "array", "items": { "$ref": "#/components/schemas/Run" } },
                "step_errors": { "type": "array", "items": { "type": "object", "properties": {
                    "step_code": { "type": "string" }, "error_code": { "type": "string", "nullable": true },
                    "error_label": { "type": "string", "nullable": true }, "count": { "type": "integer" } } } },
                "recovery_run_id": { "type": "string", "nullable": true } } }] }
    });
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Vigie API", "version": "1", "description": "Indicators of the online subscription chain. Authentication: the session cookie, or Authorization: Bearer <token>." },
        "servers": [{ "url": "/api/v1" }],
        "paths": {
            "/probes": { "get": { "summary": "Probes with their product, channel, environment and last run", "responses": with_errors(ok("ProbePage")) } },
            "/board": { "get": { "summary": "The live status board", "responses": with_errors(json!({ "description": "OK" })) } },
            "/board/stream": { "get": { "summary": "Server-Sent Events: an event `run` per stored run", "responses": with_errors(json!({ "description": "text/event-stream" })) } },
            "/indicators/series": { "get": { "summary": "Series of one metric", "parameters": series_parameters.clone(), "responses": with_errors(ok("SeriesResponse")) } },
            "/indicators/summary": { "get": { "summary": "Summary per group", "parameters": summary_parameters, "responses": with_errors(ok("SummaryResponse")) } },
            "/export/series.csv": { "get": { "summary": "The series' points as CSV", "parameters": series_parameters.clone(), "responses": with_errors(json!({ "description": "text/csv" })) } },
            "/export/series.xlsx": { "get": { "summary": "The series' points as XLSX", "parameters": series_parameters, "responses": with_errors(json!({ "description": "XLSX workbook" })) } },
            "/imports/{import_id}/rejections.csv": { "get": { "summary": "An import's rejected rows as CSV (support, admin): file type, line, column, rule, message; never a personal value", "parameters": [
                { "name": "import_id", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "file_type", "in": "query", "schema": { "type": "string" } },
                { "name": "rule", "in": "query", "schema": { "type": "string" } }
            ], "responses": with_errors(json!({ "description": "text/csv" })) } },
            "/runs": { "get": { "summary": "Runs newest first, a page at a time, with the counts per status of the range", "parameters": runs_parameters, "responses": with_errors(ok("RunPage")) } },
            "/runs/{run_id}": { "get": { "summary": "One run with its steps, its neighbours and its incident", "parameters": [
                { "name": "run_id", "in": "path", "required": true, "schema": { "type": "string" } }
            ], "responses": with_errors(ok("RunDetail")) } },
            "/incidents": { "get": { "summary": "Incidents that overlap the range, newest first, a page at a time, with the range's maintenance windows", "parameters": incidents_parameters, "responses": with_errors(ok("IncidentPage")) } },
            "/incidents/{incident_id}": { "get": { "summary": "One incident with its failed runs, its steps' errors and its impact", "parameters": [
                { "name": "incident_id", "in": "path", "required": true, "schema": { "type": "string" } }
            ], "responses": with_errors(ok("IncidentDetail")) } },
            "/users": { "get": { "summary": "Local accounts and roles (admin)", "responses": with_errors(json!({ "description": "OK" })) } },
            "/ingest/probe-runs": { "post": ingest("Probe runs, each with its `steps` array (fields of the probe_runs and probe_steps files)") },
            "/ingest/journey-events": { "post": ingest("Journey events (fields of the journey_events file), each optionally with an embedded `prospect` object") }
        },
        "components": { "schemas": {
            "Error": { "type": "object", "properties": { "error": { "type": "object", "properties": {
                "code": { "type": "string" }, "message": { "type": "string" }, "details": { "type": "array", "items": { "type": "object" } } } } } },
            "SeriesResponse": { "type": "object", "properties": {
                "metric": { "type": "string", "enum": metrics }, "bucket": { "type": "string" }, "bucket_ms": { "type": "integer" },
                "from": { "type": "string", "format": "date-time" }, "to": { "type": "string", "format": "date-time" },
                "series": { "type": "array", "items": { "type": "object", "properties": {
                    "key": { "type": "object", "additionalProperties": { "type": "string" } },
                    "points": { "type": "array", "items": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 } } } } } } },
            "SummaryResponse": { "type": "object", "properties": {
                "from": { "type": "string" }, "to": { "type": "string" },
                "rows": { "type": "array", "items": { "type": "object", "properties": {
                    "key": { "type": "object", "additionalProperties": { "type": "string" } },
                    "runs": { "type": "integer" }, "ok": { "type": "integer" }, "failed": { "type": "integer" },
                    "availability_pct": { "type": "number", "nullable": true },
                    "p50_ms": { "type": "number", "nullable": true }, "p95_ms": { "type": "number", "nullable": true }, "p99_ms": { "type": "number", "nullable": true },
                    "incidents": { "type": "integer" }, "downtime_s": { "type": "integer" },
                    "mttr_s": { "type": "integer", "nullable": true }, "mtbf_s": { "type": "integer", "nullable": true } } } } } },
            "IngestAnswer": { "type": "object", "properties": {
                "accepted": { "type": "integer" }, "duplicates": { "type": "integer" },
                "rejected": { "type": "array", "items": { "type": "object", "properties": {
                    "index": { "type": "integer" },
                    "errors": { "type": "array", "items": { "type": "object", "properties": {
                        "column": { "type": "string" }, "rule": { "type": "string" }, "message": { "type": "string" } } } } } } } } },
            "Run": run_schemas["Run"],
            "RunPage": run_schemas["RunPage"],
            "RunDetail": run_schemas["RunDetail"],
            "Incident": run_schemas["Incident"],
            "IncidentPage": run_schemas["IncidentPage"],
            "IncidentDetail": run_schemas["IncidentDetail"],
            "ProbePage": { "type": "object", "properties": { "items": { "type": "array", "items": { "type": "object" } }, "next_cursor": { "type": "string", "nullable": true } } }
        } }
    })
}

pub async fn openapi_json() -> Json<Value> {
    Json(document())
}
