//! The explorer's streaming series (`/api/indicators_series_stream`): a long range comes
//! in several parts, and the parts put together are exactly the JSON API's answer.

use crate::support::TestApp;
use app::domain::auth::Role;
use app::domain::indicators::{Bucket, Filters, GroupBy, Metric, SeriesQuery, SeriesResponse};
use app::domain::series_parts::{LineBuffer, MergedSeries, SeriesLine, SeriesPart};
use futures::StreamExt;
use reqwest::StatusCode;
use vigie::demo::{catalog, probe_runs, scenario::Scenario};
use vigie::indicators::refresh;
use vigie::storage::reference::upsert_catalog;
use vigie::storage::Engine;

const STREAM_PATH: &str = "/api/indicators_series_stream";
const HOUR: i64 = 3_600_000;
/// 30 March 2026, 10:17:00 UTC: three days of history cross the spring-forward night.
const NOW: i64 = 1_774_865_820_000;

/// The demo's catalogue and three days of its probe runs, with rollups.
async fn three_days_of_history(app: &TestApp) -> crate::support::TestResult {
    let db = &app.database.db;
    let scenario = Scenario::new(NOW);
    upsert_catalog(db, &catalog::catalog(&scenario)).await?;
    let from = NOW - 72 * HOUR;
    probe_runs::fill_history(db, &scenario, 42, from, NOW).await?;
    refresh::rebuild(db, from, NOW + 1).await?;
    Ok(())
}

fn query(
    metric: Metric,
    bucket: Bucket,
    group_by: Option<GroupBy>,
    filters: Filters,
) -> SeriesQuery {
    SeriesQuery {
        metric,
        bucket,
        group_by,
        filters,
        // Ragged edges: neither end on a bucket start.
        from: (NOW - 70 * HOUR - 7 * 60_000 - 12_345).to_string(),
        to: (NOW - 23 * 60_000 - 321).to_string(),
    }
}

/// The same query as a JSON API query string.
fn api_query(query: &SeriesQuery) -> String {
    let mut pairs = vec![
        format!("metric={}", query.metric.as_str()),
        format!("bucket={}", query.bucket.as_str()),
        format!("from={}", query.from),
        format!("to={}", query.to),
    ];
    if let Some(group) = query.group_by {
        pairs.push(format!("group_by={}", group.as_str()));
    }
    for (name, values) in query.filters.named() {
        pairs.extend(values.iter().map(|value| format!("{name}={value}")));
    }
    pairs.join("&")
}

/// Posts `query` to the streaming server function and reads every line as it comes.
async fn read_parts(
    client: &reqwest::Client,
    app: &TestApp,
    query: &SeriesQuery,
) -> Result<Vec<SeriesPart>, Box<dyn std::error::Error>> {
    let response = client
        .post(app.url(STREAM_PATH))
        .header("accept-encoding", "gzip")
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    // Compression would hold the parts back until the end of the answer.
    assert_eq!(response.headers().get("content-encoding"), None);
    let mut body = response.bytes_stream();
    let mut buffer = LineBuffer::default();
    let mut lines = Vec::new();
    while let Some(piece) = body.next().await {
        lines.extend(buffer.push(std::str::from_utf8(&piece?)?));
    }
    assert_eq!(buffer.finish(), None, "the last line ends with a newline");
    let mut parts = Vec::new();
    for line in lines {
        match SeriesLine::parse(&line)? {
            SeriesLine::Part(part) => parts.push(part),
            SeriesLine::Error(error) => return Err(format!("error line: {error:?}").into()),
        }
    }
    Ok(parts)
}

async fn streamed_parts_put_together_equal_the_whole_answer(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    three_days_of_history(&app).await?;
    let client = app.client_as(Role::Viewer).await?;
    let web_only = Filters {
        channel: vec!["web".into()],
        ..Filters::default()
    };
    let queries = [
        query(
            Metric::Availability,
            Bucket::Auto,
            Some(GroupBy::Product),
            Filters::default(),
        ),
        query(
            Metric::DurationP95,
            Bucket::Hour,
            Some(GroupBy::Probe),
            Filters::default(),
        ),
        query(Metric::Runs, Bucket::Day, None, Filters::default()),
        query(
            Metric::SuccessRate,
            Bucket::FifteenMinutes,
            Some(GroupBy::Step),
            web_only,
        ),
        query(
            Metric::Failures,
            Bucket::FiveMinutes,
            Some(GroupBy::ErrorCode),
            Filters::default(),
        ),
    ];
    for query in &queries {
        let whole: SeriesResponse = client
            .get(app.url(&format!("/api/v1/indicators/series?{}", api_query(query))))
            .send()
            .await?
            .json()
            .await?;
        let parts = read_parts(&client, &app, query).await?;
        let label = format!("{:?} {:?} {:?}", query.metric, query.bucket, query.group_by);

        assert!(parts.len() > 1, "{label}: {} part(s)", parts.len());
        for (index, part) in parts.iter().enumerate() {
            assert_eq!((part.index, part.count), (index, parts.len()), "{label}");
            assert_eq!(part.response.metric, whole.metric, "{label}");
            assert_eq!(part.response.bucket, whole.bucket, "{label}");
        }
        // Newest first, each part ending where the next (older) one begins.
        assert_eq!(
            parts.first().map(|p| p.response.to.clone()),
            Some(whole.to.clone())
        );
        assert_eq!(
            parts.last().map(|p| p.response.from.clone()),
            Some(whole.from.clone())
        );
        for pair in parts.windows(2) {
            assert_eq!(pair[0].response.from, pair[1].response.to, "{label}");
        }

        let mut merged = MergedSeries::default();
        for part in parts {
            merged.add(part.response.series);
        }
        let points: usize = whole.series.iter().map(|s| s.points.len()).sum();
        assert!(points > 0, "{label}: the whole answer has points");
        assert_eq!(merged.series(), whole.series, "{label}");
    }
    Ok(())
}
on_both_engines!(streamed_parts_put_together_equal_the_whole_answer);

async fn the_stream_needs_a_session_and_good_parameters(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let body = serde_json::json!({
        "query": query(Metric::Runs, Bucket::Hour, None, Filters::default())
    });
    let anonymous = app
        .client()
        .post(app.url(STREAM_PATH))
        .json(&body)
        .send()
        .await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let client = app.client_as(Role::Viewer).await?;
    let mut backwards = query(Metric::Runs, Bucket::Hour, None, Filters::default());
    std::mem::swap(&mut backwards.from, &mut backwards.to);
    let refused = client
        .post(app.url(STREAM_PATH))
        .json(&serde_json::json!({ "query": backwards }))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    // A short range with nothing in it: still a well-formed answer.
    let empty = read_parts(
        &client,
        &app,
        &query(Metric::Runs, Bucket::Hour, None, Filters::default()),
    )
    .await?;
    assert!(!empty.is_empty());
    assert!(empty.iter().all(|part| part.response.series.is_empty()));
    Ok(())
}
on_both_engines!(the_stream_needs_a_session_and_good_parameters);
