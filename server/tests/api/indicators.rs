//! Indicators from rollups equal the same indicators computed the straightforward way
//! from raw runs — with late and duplicate runs, DST days and maintenance windows — on
//! SQLite and PostgreSQL; and the JSON API's parameters, errors and exports.
//!
//! Each question is asked both through the window of recent facts and through rollups
//! only (`IndicatorService::from_rollups_only`). The window must see what any process
//! writes: another connection pool records late runs and moves a maintenance window,
//! and the window follows the change watch as the server does, polled once a minute on
//! PostgreSQL (so that only announcements bring the other pool's changes in time;
//! ignoring them fails the test) and every 200 ms on SQLite; this process's own writes
//! are seen at once.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::support::{TestApp, TestDatabase};
use app::domain::auth::Role;
use app::domain::catalog::{MaintenanceScope, ServiceKind};
use app::domain::indicators::{
    Bucket, Filters, GroupBy, Metric, SeriesQuery, SeriesResponse, SummaryQuery,
};
use app::domain::status::{EventOutcome, RunStatus, StepStatus};
use calamine::{Reader, Xlsx};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::StatusCode;
use serde_json::Value;
use vigie::board::RunNotifier;
use vigie::indicators::{refresh, IndicatorService};
use vigie::ingest::RunRecorder;
use vigie::storage::journeys::{insert_journeys, JourneyEvent};
use vigie::storage::reference::{
    upsert_catalog, Catalog, ErrorCode, JourneyStep, MaintenanceWindow, Probe, Product, Service,
};
use vigie::storage::runs::{ProbeRun, ProbeStep};
use vigie::storage::Engine;

fn at(text: &str) -> i64 {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .unwrap_or_default()
}

struct Probe3 {
    code: &'static str,
    product: &'static str,
    channel: &'static str,
}

const PROBES: [Probe3; 3] = [
    Probe3 {
        code: "P_CCO_WEB",
        product: "CCO",
        channel: "web",
    },
    Probe3 {
        code: "P_CCO_MOB",
        product: "CCO",
        channel: "mobile",
    },
    Probe3 {
        code: "P_PEA_WEB",
        product: "PEA",
        channel: "web",
    },
];
const STEPS: [(&str, &str); 3] = [("FORM", "FRONT"), ("SIGN", "ESIGN"), ("OPEN", "CORE")];
/// The category of each step's error code (`E_<step>`).
const ERROR_CATEGORIES: [(&str, &str); 3] = [
    ("E_FORM", "functional"),
    ("E_SIGN", "partner"),
    ("E_OPEN", "technical"),
];

fn windows() -> Vec<MaintenanceWindow> {
    vec![
        // Across the spring-forward night, on the e-signature service (both products).
        MaintenanceWindow {
            window_id: "MW_ESIGN".into(),
            scope: MaintenanceScope::Service,
            scope_code: Some("ESIGN".into()),
            starts_at_ms: at("2026-03-29T00:10:00Z"),
            ends_at_ms: at("2026-03-29T03:50:00Z"),
            reason: None,
        },
        MaintenanceWindow {
            window_id: "MW_PROBE".into(),
            scope: MaintenanceScope::Probe,
            scope_code: Some("P_PEA_WEB".into()),
            starts_at_ms: at("2026-10-25T00:30:00Z"),
            ends_at_ms: at("2026-10-25T02:30:00Z"),
            reason: None,
        },
    ]
}

fn catalog() -> Catalog {
    Catalog {
        products: ["CCO", "PEA"]
            .iter()
            .map(|code| Product {
                product_code: code.to_string(),
                label: code.to_string(),
                active: true,
            })
            .collect(),
        services: STEPS
            .iter()
            .map(|(_, service)| Service {
                service_code: service.to_string(),
                label: service.to_string(),
                kind: ServiceKind::Internal,
                owner_team: None,
            })
            .collect(),
        journey_steps: ["CCO", "PEA"]
            .iter()
            .flat_map(|product| {
                STEPS
                    .iter()
                    .enumerate()
                    .map(move |(index, (step, service))| JourneyStep {
                        product_code: product.to_string(),
                        step_code: step.to_string(),
                        position: index as i64 + 1,
                        label: step.to_string(),
                        service_code: service.to_string(),
                    })
            })
            .collect(),
        probes: PROBES
            .iter()
            .map(|probe| Probe {
                probe_code: probe.code.into(),
                label: probe.code.into(),
                product_code: probe.product.into(),
                channel: probe.channel.into(),
                environment: "prod".into(),
                interval_s: 300,
                enabled: true,
            })
            .collect(),
        error_codes: ERROR_CATEGORIES
            .iter()
            .map(|(code, category)| ErrorCode {
                error_code: code.to_string(),
                label: code.to_string(),
                category: category.parse().expect("an error category"),
                service_code: None,
            })
            .collect(),
        maintenance_windows: windows(),
    }
}

/// Random runs around both DST changes of 2026, every ~5 minutes per probe.
fn random_runs(seed: u64) -> Vec<ProbeRun> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut runs = Vec::new();
    // Every 5 minutes around both DST changes, and every ~3 hours over three months
    // (full Paris weeks and months, for week and month rollups).
    for (from, to, interval) in [
        ("2026-03-27T20:00:00Z", "2026-03-30T04:00:00Z", 300_000),
        ("2026-10-24T20:00:00Z", "2026-10-26T04:00:00Z", 300_000),
        ("2026-02-20T00:00:00Z", "2026-05-10T00:00:00Z", 10_800_000),
    ] {
        for probe in &PROBES {
            let mut time = at(from) + rng.gen_range(0..300_000);
            while time < at(to) {
                let failing = rng.gen_bool(0.12);
                let failing_step = rng.gen_range(0..STEPS.len());
                let mut steps = Vec::new();
                let mut total = 0;
                for (index, (step, _)) in STEPS.iter().enumerate() {
                    let duration =
                        (rng.gen_range(200.0_f64..9_000.0) * rng.gen_range(0.5..3.0)) as i64;
                    let status = if failing && index == failing_step {
                        if rng.gen_bool(0.3) {
                            StepStatus::Timeout
                        } else {
                            StepStatus::Ko
                        }
                    } else if failing && index > failing_step {
                        StepStatus::Skipped
                    } else {
                        StepStatus::Ok
                    };
                    let failed = matches!(status, StepStatus::Ko | StepStatus::Timeout);
                    total += duration;
                    steps.push(ProbeStep {
                        step_code: step.to_string(),
                        position: index as i64 + 1,
                        started_at_ms: time,
                        duration_ms: if status == StepStatus::Skipped {
                            0
                        } else {
                            duration
                        },
                        status,
                        http_status: None,
                        error_code: failed.then(|| format!("E_{step}")),
                        message: None,
                    });
                }
                let status = steps.iter().find_map(|s| match s.status {
                    StepStatus::Ko => Some(RunStatus::Ko),
                    StepStatus::Timeout => Some(RunStatus::Timeout),
                    _ => None,
                });
                runs.push(ProbeRun {
                    run_id: format!("{}-{time}", probe.code),
                    probe_code: probe.code.into(),
                    started_at_ms: time,
                    duration_ms: total,
                    status: status.unwrap_or(RunStatus::Ok),
                    failed_step_code: status.as_ref().map(|_| STEPS[failing_step].0.to_string()),
                    error_code: status
                        .as_ref()
                        .map(|_| format!("E_{}", STEPS[failing_step].0)),
                    error_message: None,
                    agent: None,
                    steps,
                });
                time += interval + rng.gen_range(-20_000..20_000);
            }
        }
    }
    runs
}

// ---- The straightforward computation over raw runs -------------------------------------

fn in_maintenance(probe: &str, product: &str, time: i64) -> bool {
    windows().iter().any(|window| {
        window.starts_at_ms <= time
            && time < window.ends_at_ms
            && match window.scope.as_str() {
                "probe" => window.scope_code.as_deref() == Some(probe),
                // Every product's journey uses every service here.
                "service" => true,
                "product" => window.scope_code.as_deref() == Some(product),
                _ => true,
            }
    })
}

fn bucket_start(bucket: Bucket, time: i64) -> i64 {
    let paris_midnight = |first_day: fn(chrono::NaiveDate) -> Option<chrono::NaiveDate>| {
        Utc.timestamp_millis_opt(time)
            .single()
            .map(|t| t.with_timezone(&Paris).date_naive())
            .and_then(first_day)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .and_then(|midnight| Paris.from_local_datetime(&midnight).earliest())
            .map(|t| t.timestamp_millis())
            .unwrap_or(time)
    };
    match bucket {
        Bucket::Day => paris_midnight(Some),
        Bucket::Week => paris_midnight(|day| {
            day.checked_sub_days(chrono::Days::new(u64::from(
                chrono::Datelike::weekday(&day).num_days_from_monday(),
            )))
        }),
        Bucket::Month => paris_midnight(|day| chrono::Datelike::with_day(&day, 1)),
        other => time - time.rem_euclid(other.nominal_ms()),
    }
}

fn nearest_rank(values: &mut [i64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Some(values[rank - 1] as f64)
}

/// Expected series: key -> bucket -> value. Without a bucket, the whole range is one
/// bucket starting at `from` (the summary's totals).
fn expected(
    runs: &[ProbeRun],
    (metric, bucket, group): (Metric, Option<Bucket>, Option<GroupBy>),
    filters: &Filters,
    from: i64,
    to: i64,
) -> BTreeMap<String, BTreeMap<i64, f64>> {
    #[derive(Default)]
    struct Acc {
        total: i64,
        counted: i64,
        ok: i64,
        failed: i64,
        durations: Vec<i64>,
    }
    let steps_level = metric == Metric::SuccessRate
        || matches!(group, Some(GroupBy::Step | GroupBy::Service))
        || !filters.step.is_empty()
        || !filters.service.is_empty();
    let passes =
        |list: &Vec<String>, value: &str| list.is_empty() || list.iter().any(|v| v == value);
    let service_of = |step: &str| {
        STEPS
            .iter()
            .find(|(code, _)| *code == step)
            .map(|(_, service)| *service)
            .unwrap_or_default()
    };
    let mut cells: BTreeMap<String, BTreeMap<i64, Acc>> = BTreeMap::new();
    for run in runs
        .iter()
        .filter(|run| from <= run.started_at_ms && run.started_at_ms < to)
    {
        let probe = PROBES.iter().find(|p| p.code == run.probe_code);
        let (product, channel) = probe.map(|p| (p.product, p.channel)).unwrap_or_default();
        if !(passes(&filters.probe, &run.probe_code)
            && passes(&filters.product, product)
            && passes(&filters.channel, channel)
            && passes(&filters.environment, "prod"))
        {
            continue;
        }
        let maintained = in_maintenance(&run.probe_code, product, run.started_at_ms);
        let facts: Vec<(String, StepStatus, i64, Option<&String>)> = if steps_level {
            run.steps
                .iter()
                .map(|s| {
                    let code = s.error_code.as_ref();
                    (s.step_code.clone(), s.status, s.duration_ms, code)
                })
                .collect()
        } else {
            let code = run.error_code.as_ref();
            let status = match run.status {
                RunStatus::Ok => StepStatus::Ok,
                RunStatus::Ko => StepStatus::Ko,
                RunStatus::Timeout => StepStatus::Timeout,
            };
            vec![(String::new(), status, run.duration_ms, code)]
        };
        for (step, status, duration, error_code) in facts {
            if steps_level
                && !(passes(&filters.step, &step) && passes(&filters.service, service_of(&step)))
            {
                continue;
            }
            if !filters.error_code.is_empty()
                && !error_code.is_some_and(|code| filters.error_code.contains(code))
            {
                continue;
            }
            let key = match group {
                None => String::new(),
                Some(GroupBy::Probe) => run.probe_code.clone(),
                Some(GroupBy::Product) => product.to_string(),
                Some(GroupBy::Channel) => channel.to_string(),
                Some(GroupBy::Environment) => "prod".to_string(),
                Some(GroupBy::Step) => step.clone(),
                Some(GroupBy::Service) => service_of(&step).to_string(),
                // Successful facts belong to no error group.
                Some(GroupBy::ErrorCode) => match error_code {
                    Some(code) => code.clone(),
                    None => continue,
                },
                Some(GroupBy::ErrorCategory) => match error_code
                    .and_then(|code| ERROR_CATEGORIES.iter().find(|(c, _)| c == code))
                {
                    Some((_, category)) => category.to_string(),
                    None => continue,
                },
            };
            let acc = cells
                .entry(key)
                .or_default()
                .entry(bucket.map_or(from, |bucket| bucket_start(bucket, run.started_at_ms)))
                .or_default();
            acc.total += 1;
            if status == StepStatus::Skipped {
                continue;
            }
            acc.durations.push(duration);
            if !maintained {
                acc.counted += 1;
                if status == StepStatus::Ok {
                    acc.ok += 1
                } else {
                    acc.failed += 1
                }
            }
        }
    }
    cells
        .into_iter()
        .map(|(key, buckets)| {
            let points = buckets
                .into_iter()
                .filter_map(|(start, mut acc)| {
                    let value = match metric {
                        Metric::Availability | Metric::SuccessRate => {
                            (acc.counted > 0).then(|| acc.ok as f64 * 100.0 / acc.counted as f64)
                        }
                        Metric::Runs => Some(acc.total as f64),
                        Metric::Failures => Some(acc.failed as f64),
                        other => nearest_rank(&mut acc.durations, other.quantile().unwrap_or(0.5)),
                    };
                    value.map(|value| (start, value))
                })
                .collect();
            (key, points)
        })
        .collect()
}

fn actual(response: &SeriesResponse) -> BTreeMap<String, BTreeMap<i64, f64>> {
    response
        .series
        .iter()
        .map(|series| {
            (
                series.key.values().next().cloned().unwrap_or_default(),
                series.points.iter().copied().collect(),
            )
        })
        .collect()
}

/// Asserts that the service's series equal the raw computation (same series, same
/// buckets; percentiles within 2 %); answers the number of points compared.
fn assert_same_points(
    metric: Metric,
    got: &BTreeMap<String, BTreeMap<i64, f64>>,
    want: &BTreeMap<String, BTreeMap<i64, f64>>,
    context: &str,
) -> usize {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{context}"
    );
    let mut compared = 0;
    for (key, points) in want {
        let got_points = &got[key];
        assert_eq!(
            got_points.keys().collect::<Vec<_>>(),
            points.keys().collect::<Vec<_>>(),
            "{context} {key}"
        );
        for (start, value) in points {
            let actual = got_points[start];
            let tolerance = if metric.quantile().is_some() {
                value.abs() * 0.02
            } else {
                1e-9
            };
            assert!(
                (actual - value).abs() <= tolerance,
                "{context} {key} at {start}: {actual} vs {value}"
            );
            compared += 1;
        }
    }
    compared
}

/// Compares every metric, bucket, group-by and filter set of `service` with the raw
/// runs, each question asked at `now_of(to)`.
async fn compare_with_raw_rows(
    runs: &[ProbeRun],
    service: &IndicatorService,
    now_of: &dyn Fn(&str) -> i64,
) -> crate::support::TestResult {
    let ranges = [
        ("2026-03-27T21:17:13Z", "2026-03-30T02:03:20Z"),
        ("2026-10-24T22:00:00Z", "2026-10-26T03:59:59Z"),
        ("2026-02-23T10:00:00Z", "2026-05-04T12:30:00Z"),
    ];
    let metrics = [
        Metric::Availability,
        Metric::Runs,
        Metric::Failures,
        Metric::DurationP95,
        Metric::DurationP50,
        Metric::SuccessRate,
    ];
    let mut compared = 0;
    for (from, to) in ranges {
        for metric in metrics {
            let long = at(to) - at(from) > 10 * 86_400_000;
            let buckets: &[Bucket] = if long {
                &[Bucket::Day, Bucket::Week, Bucket::Month]
            } else {
                &[Bucket::Hour, Bucket::Day, Bucket::FifteenMinutes]
            };
            for &bucket in buckets {
                for group in [
                    None,
                    Some(GroupBy::Probe),
                    Some(GroupBy::Product),
                    Some(GroupBy::Channel),
                    Some(GroupBy::Environment),
                    Some(GroupBy::Step),
                    Some(GroupBy::Service),
                    Some(GroupBy::ErrorCode),
                    Some(GroupBy::ErrorCategory),
                ] {
                    let by_step = matches!(group, Some(GroupBy::Step | GroupBy::Service));
                    if by_step && !matches!(metric, Metric::SuccessRate | Metric::Failures) {
                        continue;
                    }
                    let query = SeriesQuery {
                        metric,
                        bucket,
                        group_by: group,
                        filters: Filters::default(),
                        from: from.into(),
                        to: to.into(),
                    };
                    let response = service.series(&query, now_of(to)).await?;
                    let got = actual(&response);
                    let want = expected(
                        runs,
                        (metric, Some(bucket), group),
                        &Filters::default(),
                        at(from),
                        at(to),
                    );
                    let context = format!("{metric:?} {bucket:?} {group:?}");
                    compared += assert_same_points(metric, &got, &want, &context);
                }
            }
        }
    }
    assert!(compared > 1_000, "compared {compared} points");
    compared = 0;
    let list = |values: &[&str]| values.iter().map(|v| v.to_string()).collect::<Vec<_>>();
    let filter_sets = [
        Filters {
            product: list(&["PEA"]),
            ..Filters::default()
        },
        Filters {
            probe: list(&["P_CCO_MOB", "P_PEA_WEB"]),
            ..Filters::default()
        },
        Filters {
            channel: list(&["web"]),
            environment: list(&["prod"]),
            ..Filters::default()
        },
        Filters {
            step: list(&["SIGN"]),
            ..Filters::default()
        },
        Filters {
            service: list(&["CORE", "FRONT"]),
            product: list(&["CCO"]),
            ..Filters::default()
        },
        Filters {
            error_code: list(&["E_SIGN"]),
            ..Filters::default()
        },
    ];
    for ((from, to), bucket) in [(ranges[2], Bucket::Week), (ranges[0], Bucket::Hour)] {
        for filters in &filter_sets {
            for metric in [
                Metric::Availability,
                Metric::Runs,
                Metric::Failures,
                Metric::DurationP95,
            ] {
                for group in [None, Some(GroupBy::Probe)] {
                    let query = SeriesQuery {
                        metric,
                        bucket,
                        group_by: group,
                        filters: filters.clone(),
                        from: from.into(),
                        to: to.into(),
                    };
                    let response = service.series(&query, now_of(to)).await?;
                    let got = actual(&response);
                    let want = expected(
                        runs,
                        (metric, Some(bucket), group),
                        filters,
                        at(from),
                        at(to),
                    );
                    let context = format!("{metric:?} {bucket:?} {group:?} {filters:?}");
                    compared += assert_same_points(metric, &got, &want, &context);
                }
            }
        }
    }
    assert!(compared > 500, "compared {compared} filtered points");

    // The summary's totals read whole months, then weeks (one that straddles two months
    // when no whole month fits), days, hours, quarter hours and raw edges.
    compared = 0;
    for (from, to) in [
        ranges[2],
        ("2026-03-24T00:00:00Z", "2026-04-12T00:00:00Z"),
        ranges[0],
    ] {
        let mut incidents_by_group = Vec::new();
        for group in [
            None,
            Some(GroupBy::Probe),
            Some(GroupBy::Service),
            Some(GroupBy::Step),
        ] {
            let query = SummaryQuery {
                group_by: group,
                filters: Filters::default(),
                from: from.into(),
                to: to.into(),
            };
            let summary = service.summary(&query, now_of(to)).await?;
            incidents_by_group.push(summary.rows.iter().map(|row| row.incidents).sum::<i64>());
            for metric in [Metric::Runs, Metric::Availability, Metric::DurationP95] {
                let got: BTreeMap<String, BTreeMap<i64, f64>> = summary
                    .rows
                    .iter()
                    .map(|row| {
                        let value = match metric {
                            Metric::Runs => Some(row.runs as f64),
                            Metric::Availability => row.availability_pct,
                            _ => row.p95_ms,
                        };
                        let key = row.key.values().next().cloned().unwrap_or_default();
                        (
                            key,
                            value.map(|value| (at(from), value)).into_iter().collect(),
                        )
                    })
                    .collect();
                let want = expected(
                    runs,
                    (metric, None, group),
                    &Filters::default(),
                    at(from),
                    at(to),
                );
                let context = format!("summary {metric:?} {group:?} {from}..{to}");
                compared += assert_same_points(metric, &got, &want, &context);
            }
        }
        // Every incident has a failed step, so each lands in a service and a step; those
        // of several probes that overlap make one period (see tests/incidents.rs).
        assert!(
            incidents_by_group[2..]
                .iter()
                .all(|count| *count > 0 && *count <= incidents_by_group[1]),
            "incidents by probe, service, step: {incidents_by_group:?}"
        );
    }
    assert_eq!(
        compared,
        3 * 3 * (1 + PROBES.len() + 2 * STEPS.len()),
        "summary values compared"
    );
    Ok(())
}

async fn rollups_give_the_same_numbers_as_raw_rows(engine: Engine) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &catalog()).await?;
    let mut runs = random_runs(7);
    // Late data: shuffled batches; duplicates: a fifth of the runs recorded twice.
    let mut order = runs.clone();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(11));
    let recorder = RunRecorder::new(test.db.clone(), RunNotifier::default());
    for chunk in order.chunks(400) {
        recorder.record(chunk).await?;
    }
    let duplicates: Vec<ProbeRun> = order.iter().step_by(5).cloned().collect();
    assert_eq!(
        recorder.record(&duplicates).await?,
        0,
        "duplicates are not stored again"
    );
    runs.sort_by_key(|run| run.started_at_ms);

    // Asked long after (rollups and raw edges), then right after each range (the
    // window of recent facts holds every range of less than a month).
    let rollups_only = IndicatorService::from_rollups_only(test.db.clone());
    compare_with_raw_rows(&runs, &rollups_only, &|_| at("2026-11-26T00:00:00Z")).await?;
    assert_eq!(rollups_only.recent().days_held().await, (0, 0));
    let service = IndicatorService::new(test.db.clone());
    compare_with_raw_rows(&runs, &service, &|to| at(to) + 3_600_000).await?;
    let (run_days, step_days) = service.recent().days_held().await;
    assert!(
        run_days > 0 && step_days > 0,
        "the window answered: {run_days} {step_days}"
    );

    for level in ["w", "M"] {
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rollups WHERE resolution = $1")
            .bind(level)
            .fetch_one(test.db.pool())
            .await?;
        assert!(rows > 0, "rollups of level {level} exist");
    }

    // A Paris day bucket on the spring-forward day covers 23 hours of runs.
    let day = service
        .series(
            &SeriesQuery {
                metric: Metric::Runs,
                bucket: Bucket::Day,
                group_by: None,
                filters: Filters::default(),
                from: "2026-03-29T00:00:00+01:00".into(),
                to: "2026-03-30T00:00:00+02:00".into(),
            },
            0,
        )
        .await?;
    let counted: f64 = day
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .sum();
    let raw = runs
        .iter()
        .filter(|r| {
            r.started_at_ms >= at("2026-03-28T23:00:00Z")
                && r.started_at_ms < at("2026-03-29T22:00:00Z")
        })
        .count();
    assert_eq!(counted as usize, raw);
    assert_eq!(day.series.first().map(|s| s.points.len()), Some(1));
    Ok(())
}
on_both_engines!(rollups_give_the_same_numbers_as_raw_rows);

async fn the_window_of_recent_facts_sees_what_any_process_writes(
    engine: Engine,
) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &catalog()).await?;
    let (from, to) = ("2026-03-27T20:00:00Z", "2026-03-30T04:00:00Z");
    let mut runs: Vec<ProbeRun> = random_runs(5)
        .into_iter()
        .filter(|run| run.started_at_ms >= at(from) && run.started_at_ms < at(to))
        .collect();
    runs.shuffle(&mut ChaCha8Rng::seed_from_u64(3));
    let (first, rest) = runs.split_at(runs.len() / 2);
    let (later, last) = rest.split_at(rest.len() * 2 / 3);
    let recorder = RunRecorder::new(test.db.clone(), RunNotifier::default());
    recorder.record(first).await?;

    // As the server runs it: the window reads the change log only when the change watch
    // knows of a change it has not applied. Another process's changes reach the watch
    // through announcements on PostgreSQL (polled once a minute here, so that only
    // announcements can bring them within the test's wait), through polling on SQLite.
    let service = IndicatorService::new(test.db.clone());
    service.recent().follow_changes(match engine {
        Engine::Postgres => std::time::Duration::from_secs(60),
        Engine::Sqlite => std::time::Duration::from_millis(200),
    });
    let waited = std::time::Instant::now();
    while !service.recent().follows_changes() {
        assert!(
            waited.elapsed().as_secs() < 10,
            "the change watch never read"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let rollups_only = IndicatorService::from_rollups_only(test.db.clone());
    let now = at(to) + 3_600_000;
    let questions = [
        (Metric::Availability, Bucket::Hour, Some(GroupBy::Probe)),
        (Metric::DurationP95, Bucket::Day, None),
        (
            Metric::SuccessRate,
            Bucket::FifteenMinutes,
            Some(GroupBy::Step),
        ),
    ];
    let ask = |service: &IndicatorService, (metric, bucket, group_by): (Metric, Bucket, _)| {
        let query = SeriesQuery {
            metric,
            bucket,
            group_by,
            filters: Filters::default(),
            from: from.into(),
            to: to.into(),
        };
        let service = service.clone();
        async move { Ok::<_, Box<dyn std::error::Error>>(actual(&service.series(&query, now).await?)) }
    };
    // Another process's change reaches the window when its announcement arrives, a few
    // milliseconds after its commit: ask until the window answers as the rollups (read
    // from the database at each question) do.
    let settled = |question| {
        let (service, rollups_only) = (&service, &rollups_only);
        async move {
            let waited = std::time::Instant::now();
            loop {
                let got = ask(service, question).await?;
                if got == ask(rollups_only, question).await? || waited.elapsed().as_secs() >= 10 {
                    return Ok::<_, Box<dyn std::error::Error>>(got);
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    };
    let compare = |stored: &[ProbeRun], got: &BTreeMap<String, BTreeMap<i64, f64>>, question| {
        let (metric, bucket, group_by) = question;
        let want = expected(
            stored,
            (metric, Some(bucket), group_by),
            &Filters::default(),
            at(from),
            at(to),
        );
        assert_same_points(metric, got, &want, &format!("{question:?}"))
    };
    for question in questions {
        compare(first, &ask(&service, question).await?, question);
    }
    assert_eq!(
        service.recent().days_held().await,
        (4, 4),
        "Paris days 27 to 30 March"
    );
    // Filters that keep no probe keep nothing, through the window as through rollups.
    let nothing = SeriesQuery {
        metric: Metric::Runs,
        bucket: Bucket::Hour,
        group_by: None,
        filters: Filters {
            probe: vec!["NO_SUCH_PROBE".into()],
            ..Filters::default()
        },
        from: from.into(),
        to: to.into(),
    };
    for answering in [&service, &rollups_only] {
        let runs = answering.series(&nothing, now).await?;
        assert!(runs.series.iter().all(|s| s.points.is_empty()), "{runs:?}");
        let summary = SummaryQuery {
            group_by: Some(GroupBy::Probe),
            filters: nothing.filters.clone(),
            from: from.into(),
            to: to.into(),
        };
        assert_eq!(answering.summary(&summary, now).await?.rows, vec![]);
    }

    // Another process (its own connections) records the rest, late runs included.
    let other = vigie::storage::Database::connect(&test.url).await?;
    RunRecorder::new(other.clone(), RunNotifier::default())
        .record(later)
        .await?;
    settled(questions[0]).await?;
    let stored = [first, later].concat();
    for question in questions {
        assert!(compare(&stored, &ask(&service, question).await?, question) > 0);
    }

    // What this process writes is seen at once.
    recorder.record(last).await?;
    for question in questions {
        assert!(compare(&runs, &ask(&service, question).await?, question) > 0);
    }

    // It moves the end of a maintenance window, and rebuilds the rollups as an import
    // would: the window's availability follows, as the rollups' does.
    let question = questions[0];
    let before = ask(&service, question).await?;
    let mut changed = catalog();
    changed.maintenance_windows[0].ends_at_ms = at("2026-03-29T01:30:00Z");
    upsert_catalog(&other, &changed).await?;
    refresh::rebuild(&other, at(from), at(to)).await?;
    let after = settled(question).await?;
    assert_ne!(after, before);
    assert_eq!(after, ask(&rollups_only, question).await?);
    other.close().await;
    Ok(())
}
on_both_engines!(the_window_of_recent_facts_sees_what_any_process_writes);

async fn rollups_of_an_older_format_are_rebuilt_from_raw_rows(
    engine: Engine,
) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &catalog()).await?;
    let recorder = RunRecorder::new(test.db.clone(), RunNotifier::default());
    recorder.record(&random_runs(3)).await?;
    let service = IndicatorService::new(test.db.clone());
    let query = SeriesQuery {
        metric: Metric::DurationP95,
        bucket: Bucket::FifteenMinutes,
        group_by: Some(GroupBy::Probe),
        filters: Filters::default(),
        from: "2026-03-28T00:00:00Z".into(),
        to: "2026-03-29T00:00:00Z".into(),
    };
    let now = at("2026-11-26T00:00:00Z");
    let before = actual(&service.series(&query, now).await?);
    assert!(!before.is_empty());
    // What a database upgraded from an older rollup format looks like.
    sqlx::query("DELETE FROM rollups")
        .execute(test.db.pool())
        .await?;
    sqlx::query("UPDATE rollup_state SET format = 1")
        .execute(test.db.pool())
        .await?;
    assert!(refresh::ensure_rollups_current(&test.db).await?);
    assert_eq!(actual(&service.series(&query, now).await?), before);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rollups WHERE resolution = 'q'")
        .fetch_one(test.db.pool())
        .await?;
    assert!(stored > 0, "quarter-hour rollups were rebuilt");
    assert!(
        !refresh::ensure_rollups_current(&test.db).await?,
        "a current format is left alone"
    );
    Ok(())
}
on_both_engines!(rollups_of_an_older_format_are_rebuilt_from_raw_rows);

async fn the_api_answers_every_metric_and_names_bad_parameters(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    upsert_catalog(&app.database.db, &catalog()).await?;
    let runs = random_runs(3);
    RunRecorder::new(app.database.db.clone(), app.notifier.clone())
        .record(&runs)
        .await?;
    let client = app.client_as(Role::Viewer).await?;
    let range = "from=2026-03-28T00:00:00Z&to=2026-03-30T00:00:00Z";

    let unauthenticated = app
        .client()
        .get(app.url(&format!("/api/v1/indicators/series?metric=runs&{range}")))
        .send()
        .await?;
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);

    for metric in Metric::ALL {
        for bucket in ["auto", "1h", "1d", "1w", "1M", "15m"] {
            let url = app.url(&format!(
                "/api/v1/indicators/series?metric={}&bucket={bucket}&{range}",
                metric.as_str()
            ));
            let response = client.get(url).send().await?;
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "{} {bucket}",
                metric.as_str()
            );
            let body: Value = response.json().await?;
            assert_eq!(body["metric"], metric.as_str());
            assert!(body["series"].is_array());
        }
    }
    for group in GroupBy::ALL {
        let url = app.url(&format!(
            "/api/v1/indicators/series?metric=failures&group_by={}&{range}",
            group.as_str()
        ));
        assert_eq!(
            client.get(url).send().await?.status(),
            StatusCode::OK,
            "{}",
            group.as_str()
        );
    }
    // Filters narrow the answer: only P_PEA_WEB belongs to PEA.
    let filtered: SeriesResponse = client
        .get(app.url(&format!(
            "/api/v1/indicators/series?metric=runs&group_by=probe&product=PEA&{range}"
        )))
        .send()
        .await?
        .json()
        .await?;
    let keys: HashSet<String> = filtered
        .series
        .iter()
        .filter_map(|s| s.key.get("probe").cloned())
        .collect();
    assert_eq!(keys, HashSet::from(["P_PEA_WEB".to_string()]));
    let by_channel: SeriesResponse = client
        .get(app.url(&format!(
            "/api/v1/indicators/series?metric=runs&group_by=probe&channel=mobile&bucket=1d&{range}"
        )))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(by_channel.series.len(), 1);

    // Relative time grammar.
    for (from, to) in [
        ("now-24h", "now"),
        ("now/d", "now"),
        ("now-1d/d", "now/d"),
        ("now-7d", "now"),
        ("1774742400000", "1774828800000"),
    ] {
        let response = client
            .get(app.url(&format!(
                "/api/v1/indicators/series?metric=runs&from={from}&to={to}"
            )))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK, "{from} {to}");
    }

    let bad = [
        ("bucket=1h", "metric"),
        ("metric=speed", "metric"),
        ("metric=runs&bucket=3h", "bucket"),
        ("metric=runs&group_by=colour", "group_by"),
        ("metric=runs&from=yesterday", "from"),
        ("metric=runs&to=now%2Bx", "to"),
        ("metric=runs&from=now&to=now-1h", "from"),
        ("metric=runs&channel=fax", "channel"),
        ("metric=runs&bucket=1m&from=now-400d", "bucket"),
    ];
    for (query, parameter) in bad {
        let response = client
            .get(app.url(&format!("/api/v1/indicators/series?{query}")))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = response.json().await?;
        assert_eq!(body["error"]["code"], "bad_parameter");
        assert_eq!(
            body["error"]["details"][0]["parameter"], parameter,
            "{query}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains(parameter),
            "{query}"
        );
    }

    let summary: Value = client
        .get(app.url(&format!(
            "/api/v1/indicators/summary?group_by=probe&{range}"
        )))
        .send()
        .await?
        .json()
        .await?;
    let rows = summary["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 3);
    let in_range = |r: &&ProbeRun| {
        r.started_at_ms >= at("2026-03-28T00:00:00Z")
            && r.started_at_ms < at("2026-03-30T00:00:00Z")
    };
    let mut per_probe: HashMap<String, i64> = HashMap::new();
    for run in runs.iter().filter(in_range) {
        *per_probe.entry(run.probe_code.clone()).or_default() += 1;
    }
    for row in &rows {
        let probe = row["key"]["probe"].as_str().unwrap_or_default();
        assert_eq!(
            row["runs"].as_i64(),
            per_probe.get(probe).copied(),
            "{probe}"
        );
    }
    // By service: the executions of each service's steps, skipped ones included.
    let by_service: Value = client
        .get(app.url(&format!(
            "/api/v1/indicators/summary?group_by=service&{range}"
        )))
        .send()
        .await?
        .json()
        .await?;
    let mut per_service: HashMap<&str, i64> = HashMap::new();
    for run in runs.iter().filter(in_range) {
        for step in &run.steps {
            let service = STEPS
                .iter()
                .find(|(code, _)| *code == step.step_code)
                .map(|(_, service)| *service)
                .unwrap_or_default();
            *per_service.entry(service).or_default() += 1;
        }
    }
    let got: HashMap<&str, i64> = by_service["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| Some((row["key"]["service"].as_str()?, row["runs"].as_i64()?)))
        .collect();
    assert_eq!(got, per_service);
    let refused = client
        .get(app.url(&format!(
            "/api/v1/indicators/summary?group_by=error_category&{range}"
        )))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body: Value = refused.json().await?;
    assert_eq!(body["error"]["details"][0]["parameter"], "group_by");
    let openapi: Value = client
        .get(app.url("/api/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(openapi["openapi"], "3.0.3");
    assert!(openapi["paths"]["/indicators/series"]["get"].is_object());
    let group_values = |path: &str| -> Vec<String> {
        openapi["paths"][path]["get"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|parameter| parameter["name"] == "group_by")
            .flat_map(|parameter| parameter["schema"]["enum"].as_array().cloned())
            .flatten()
            .filter_map(|value| value.as_str().map(str::to_string))
            .collect()
    };
    assert!(group_values("/indicators/series").contains(&"error_category".to_string()));
    let summary_groups = group_values("/indicators/summary");
    assert!(summary_groups.contains(&"service".to_string()));
    assert!(!summary_groups.contains(&"error_code".to_string()));
    assert!(openapi["paths"]["/ingest/probe-runs"]["post"]["responses"]["413"].is_object());
    assert!(openapi["components"]["schemas"]["IngestAnswer"].is_object());
    Ok(())
}
on_both_engines!(the_api_answers_every_metric_and_names_bad_parameters);

/// Random journeys on 10 May 2026 (no DST change): each starts on its product's first
/// step, then goes through the steps until it completes on the last one, fails on one
/// (with that step's error code) or is abandoned.
fn random_journeys(seed: u64) -> Vec<JourneyEvent> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let day = at("2026-05-10T00:00:00Z");
    let mut events = Vec::new();
    for journey in 0..300 {
        let product = ["CCO", "PEA"][rng.gen_range(0..2)];
        let channel = ["web", "mobile"][rng.gen_range(0..2)];
        // Early enough that the whole journey (at most 30 minutes) lies on that day.
        let mut time = day + rng.gen_range(0..23 * 3_600_000);
        let mut push = |step: &str, outcome: &str, error: Option<String>, time: i64| {
            events.push(JourneyEvent {
                event_id: format!("E{journey}_{}", events.len()),
                occurred_at_ms: time,
                product_code: product.to_string(),
                step_code: step.to_string(),
                journey_id: format!("J{journey}"),
                prospect_id: None,
                outcome: outcome.parse().expect("an event outcome"),
                error_code: error,
                channel: channel.to_string(),
                application: None,
            });
        };
        push(STEPS[0].0, "STARTED", None, time);
        for (index, (step, _)) in STEPS.iter().enumerate() {
            time += rng.gen_range(10_000..600_000);
            match rng.gen_range(0..10) {
                0 => {
                    push(step, "FAILED", Some(format!("E_{step}")), time);
                    break;
                }
                1 => {
                    push(step, "ABANDONED", None, time);
                    break;
                }
                _ if index == STEPS.len() - 1 => push(step, "COMPLETED", None, time),
                _ => {}
            }
        }
    }
    events
}

/// The value of `group` for an event: its own codes, the service of its product's step
/// and the category of its error code; `None` leaves the event out of a grouped series.
fn event_group(event: &JourneyEvent, group: &str) -> Option<String> {
    let error = event.error_code.clone();
    match group {
        "" => Some(String::new()),
        "product" => Some(event.product_code.clone()),
        "step" => Some(event.step_code.clone()),
        "channel" => Some(event.channel.clone()),
        // In this test, PEA signs through the core system (see `events_catalog`).
        "service" if event.product_code == "PEA" && event.step_code == "SIGN" => {
            Some("CORE".to_string())
        }
        "service" => STEPS
            .iter()
            .find(|(step, _)| *step == event.step_code)
            .map(|(_, service)| service.to_string()),
        "error_code" => error,
        "error_category" => ERROR_CATEGORIES
            .iter()
            .find(|(code, _)| Some(code.to_string()) == error)
            .map(|(_, category)| category.to_string()),
        _ => None,
    }
}

/// The catalogue, except that one step's service depends on the product: PEA signs
/// through the core system, CCO through the e-signature service.
fn events_catalog() -> Catalog {
    let mut catalog = catalog();
    for step in &mut catalog.journey_steps {
        if step.product_code == "PEA" && step.step_code == "SIGN" {
            step.service_code = "CORE".into();
        }
    }
    catalog
}

async fn journey_event_series_equal_a_count_of_the_events(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    upsert_catalog(&app.database.db, &events_catalog()).await?;
    let events = random_journeys(5);
    insert_journeys(&app.database.db, &[], &events).await?;
    let client = app.client_as(Role::Viewer).await?;
    let range = "from=2026-05-10T00:00:00Z&to=2026-05-11T00:00:00Z&bucket=1h";
    let hour = |time: i64| time - time.rem_euclid(3_600_000);

    for (group, filter) in [
        ("", ""),
        ("product", ""),
        ("step", ""),
        ("channel", "&channel=mobile"),
        ("service", ""),
        ("service", "&service=ESIGN"),
        ("error_code", ""),
        ("error_category", "&product=PEA"),
        ("", "&service=FRONT&service=CORE"),
    ] {
        let group_parameter = if group.is_empty() {
            String::new()
        } else {
            format!("&group_by={group}")
        };
        let response: SeriesResponse = client
            .get(app.url(&format!(
                "/api/v1/indicators/series?metric=events{group_parameter}{filter}&{range}"
            )))
            .send()
            .await?
            .json()
            .await?;
        let got: BTreeMap<String, BTreeMap<i64, f64>> = response
            .series
            .iter()
            .map(|series| {
                let value = series.key.get(group).cloned().unwrap_or_default();
                let outcome = series.key.get("outcome").cloned().unwrap_or_default();
                (
                    format!("{value}|{outcome}"),
                    series.points.iter().copied().collect(),
                )
            })
            .collect();
        let kept = |event: &&JourneyEvent| {
            let service = event_group(event, "service").unwrap_or_default();
            (!filter.contains("channel=") || event.channel == "mobile")
                && (!filter.contains("product=") || event.product_code == "PEA")
                && (!filter.contains("service=ESIGN") || service == "ESIGN")
                && (!filter.contains("service=FRONT") || service == "FRONT" || service == "CORE")
        };
        let mut want: BTreeMap<String, BTreeMap<i64, f64>> = BTreeMap::new();
        for event in events.iter().filter(kept) {
            let Some(value) = event_group(event, group) else {
                continue;
            };
            *want
                .entry(format!("{value}|{}", event.outcome))
                .or_default()
                .entry(hour(event.occurred_at_ms))
                .or_default() += 1.0;
        }
        let compared = assert_same_points(Metric::Events, &got, &want, &format!("{group}{filter}"));
        assert!(compared > 10, "{group}{filter}: {compared} points");
    }

    // Conversion: journeys completed over journeys started, per hour of their start.
    let response: SeriesResponse = client
        .get(app.url(&format!(
            "/api/v1/indicators/series?metric=conversion&{range}"
        )))
        .send()
        .await?
        .json()
        .await?;
    let completed: HashSet<&str> = events
        .iter()
        .filter(|event| event.outcome == EventOutcome::Completed)
        .map(|event| event.journey_id.as_str())
        .collect();
    let mut per_hour: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
    for event in events
        .iter()
        .filter(|event| event.outcome == EventOutcome::Started)
    {
        let cell = per_hour.entry(hour(event.occurred_at_ms)).or_default();
        cell.0 += 1.0;
        if completed.contains(event.journey_id.as_str()) {
            cell.1 += 1.0;
        }
    }
    let want = BTreeMap::from([(
        String::new(),
        per_hour
            .into_iter()
            .map(|(start, (started, done))| (start, done * 100.0 / started))
            .collect(),
    )]);
    assert_same_points(Metric::Conversion, &actual(&response), &want, "conversion");

    // Events carry no probe nor environment; conversion counts whole journeys, which
    // have no single step, service or error.
    for (metric, refused_group) in [
        ("events", "probe"),
        ("events", "environment"),
        ("conversion", "step"),
        ("conversion", "service"),
        ("conversion", "error_category"),
    ] {
        let refused = client
            .get(app.url(&format!(
                "/api/v1/indicators/series?metric={metric}&group_by={refused_group}&{range}"
            )))
            .send()
            .await?;
        assert_eq!(
            refused.status(),
            StatusCode::BAD_REQUEST,
            "{metric} {refused_group}"
        );
        let body: Value = refused.json().await?;
        assert_eq!(body["error"]["details"][0]["parameter"], "group_by");
    }
    let refused = client
        .get(app.url(&format!(
            "/api/v1/indicators/series?metric=conversion&service=FRONT&{range}"
        )))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body: Value = refused.json().await?;
    assert_eq!(body["error"]["details"][0]["parameter"], "service");
    Ok(())
}
on_both_engines!(journey_event_series_equal_a_count_of_the_events);

async fn exports_carry_the_points_with_neutralised_cells(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let mut catalog = catalog();
    // A probe code cannot start with '=', but a product label or error code might come
    // from a drop; here an error code that looks like a formula.
    catalog.probes[0].probe_code = "P_CCO_WEB".into();
    upsert_catalog(&app.database.db, &catalog).await?;
    let mut runs = random_runs(5);
    for run in runs.iter_mut().filter(|run| run.status.is_failure()) {
        run.error_code = Some("=HYPERLINK(\"x\")".into());
    }
    RunRecorder::new(app.database.db.clone(), app.notifier.clone())
        .record(&runs)
        .await?;
    let client = app.client_as(Role::Viewer).await?;
    let query = "metric=failures&bucket=1d&group_by=error_code&from=2026-03-28T00:00:00Z&to=2026-03-30T00:00:00Z";
    let csv = client
        .get(app.url(&format!("/api/v1/export/series.csv?{query}")))
        .send()
        .await?;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await?;
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("time,error_code,failures (count)"));
    let body: Vec<&str> = lines.collect();
    assert!(!body.is_empty());
    assert!(
        body.iter()
            .all(|line| line.contains("\"'=HYPERLINK(\"\"x\"\")\"")),
        "{text}"
    );
    let xlsx = client
        .get(app.url(&format!("/api/v1/export/series.xlsx?{query}")))
        .send()
        .await?;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await?;
    let mut workbook: Xlsx<_> = Reader::new(std::io::Cursor::new(bytes))?;
    let sheet = workbook.worksheet_range("Vigie")?;
    let mut rows = sheet.rows();
    let header: Vec<String> = rows
        .next()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    assert_eq!(header, ["time", "error_code", "failures (count)"]);
    // Row for row, the same points as the CSV: a date cell (Paris time), the
    // neutralised code as text, the count as a number.
    let cells: Vec<&[calamine::Data]> = rows.collect();
    assert_eq!(cells.len(), body.len());
    for (row, line) in cells.iter().zip(&body) {
        let (time, rest) = line.split_once(',').ok_or("a CSV line has a time")?;
        let (_, count) = rest.rsplit_once(',').ok_or("a CSV line has a value")?;
        // Day buckets start at midnight in Paris (in UTC they would end in 23:00 or
        // 22:00, on either side of the change of 29 March).
        assert!(time.ends_with(" 00:00"), "{time}");
        let [calamine::Data::DateTime(date), code, value] = row else {
            return Err(format!("a row of a date cell, a text and a number: {row:?}").into());
        };
        let local = date.as_datetime().ok_or("a valid date")?;
        assert_eq!(local.format("%Y-%m-%d %H:%M").to_string(), time);
        assert_eq!(*code, calamine::Data::String("'=HYPERLINK(\"x\")".into()));
        assert_eq!(*value, calamine::Data::Float(count.parse::<f64>()?));
    }
    Ok(())
}
on_both_engines!(exports_carry_the_points_with_neutralised_cells);
