//! `vigie bench`: a benchmark program (not a test). It generates probe history at scale
//! into a fresh SQLite file and a fresh PostgreSQL database, times the ingestion and the
//! rollup build, then times a fixed mix of explorer and dashboard queries through the
//! service layer and the same indicators by GROUP BY over the raw tables, checks that
//! both agree (percentiles within 2%), and prints a table and a JSON report. Several
//! scales (`--scale 1y,3y`) are timed side by side, query by query, and the report gives
//! the growth of each query's time from the first scale to the others.

mod dataset;
mod drilldown;
mod import;
mod ingest;
mod queries;
mod raw;
mod report;

use std::path::PathBuf;

use clap::Args;

pub use report::BenchReport;

use crate::storage::{Database, Engine, StorageError};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// How much history: `smoke` (2 days, for CI), `week`, `3m`, `1y` or `3y`; or a number of
    /// days. Several, comma-separated (`1y,3y`), are generated one after the other, then
    /// timed side by side (each query in turn on each), and the growth of each query's time
    /// from the first scale to the others is printed. The import and ingest modes take one.
    #[arg(long, value_delimiter = ',', default_value = "smoke")]
    pub scale: Vec<String>,
    /// Number of probes (the demo catalogue has 20).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub probes: u32,
    /// Engines to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    pub engines: Vec<String>,
    /// Timed repetitions of each query.
    #[arg(long, default_value_t = 15)]
    pub repeat: u32,
    /// Where PostgreSQL databases are created (and dropped afterwards).
    #[arg(
        long,
        env = "VIGIE_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub postgres_url: String,
    /// Folder for the SQLite file (removed afterwards).
    #[arg(long, default_value = "target/bench")]
    pub work_dir: PathBuf,
    /// JSON report path.
    #[arg(long, default_value = "target/bench/bench.json")]
    pub out: PathBuf,
    /// What to measure: indicator queries against raw GROUP BY, an initial file import, or
    /// how soon a run posted to the ingest API is on the status board (`--repeat` runs).
    #[arg(long, value_enum, default_value = "queries")]
    pub mode: BenchMode,
    /// Keep the generated databases (their URLs are printed) instead of removing them.
    #[arg(long)]
    pub keep: bool,
    /// Time the query mix on databases kept by earlier `--keep` runs, without generating
    /// anything (each one's newest run stands for its "now"). Given several times
    /// (`--reuse URL --reuse URL`; a URL may hold commas), they are timed side by side as
    /// several scales are, the growth taken from the first. Replaces `--engines` and
    /// `--scale`.
    #[arg(long, value_name = "DATABASE_URL")]
    pub reuse: Vec<String>,
    /// Time only the queries of the mix whose name contains this text (to profile one).
    #[arg(long, value_name = "TEXT")]
    pub only: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchMode {
    Queries,
    Import,
    Ingest,
}

/// The engine a `--engines` name stands for.
fn engine_of(name: &str) -> Result<Engine, BenchError> {
    match name {
        "sqlite" => Ok(Engine::Sqlite),
        "postgres" => Ok(Engine::Postgres),
        other => Err(BenchError::Engine(other.to_string())),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("--scale: '{0}' is not smoke, week, 3m, 1y, 3y or a number of days")]
    Scale(String),
    #[error("--scale: the {0} mode takes one scale")]
    OneScale(&'static str),
    #[error("--engines: '{0}' is not sqlite or postgres")]
    Engine(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("query failed: {0}")]
    Query(String),
    #[error("cannot remove a benchmark database: {0}")]
    Cleanup(String),
    #[error("the benchmark found answers that differ from raw rows: {0}")]
    Disagreement(String),
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
}

/// One amount of history to generate.
#[derive(Debug, Clone)]
pub struct Scale {
    pub name: String,
    pub days: u32,
}

fn scales_of(names: &[String]) -> Result<Vec<Scale>, BenchError> {
    if names.is_empty() {
        return Err(BenchError::Scale(String::new()));
    }
    names
        .iter()
        .map(|name| {
            Ok(Scale {
                name: name.clone(),
                days: days_of(name)?,
            })
        })
        .collect()
}

/// The one scale of a mode that takes one.
fn one_scale(scales: &[Scale], mode: &'static str) -> Result<u32, BenchError> {
    match scales {
        [scale] => Ok(scale.days),
        _ => Err(BenchError::OneScale(mode)),
    }
}

pub fn days_of(scale: &str) -> Result<u32, BenchError> {
    match scale {
        "smoke" => Ok(2),
        "week" => Ok(7),
        "3m" => Ok(91),
        "1y" => Ok(365),
        "3y" => Ok(1_095),
        other => other
            .parse()
            .map_err(|_| BenchError::Scale(other.to_string())),
    }
}

/// A fresh database of one engine for the benchmark, removed by [`Scratch::remove`].
struct Scratch {
    db: Database,
    sqlite_file: Option<PathBuf>,
    postgres: Option<(String, String)>,
    /// The database's URL, for `--reuse`.
    url: String,
}

impl Scratch {
    async fn create(engine: Engine, args: &BenchArgs, days: u32) -> Result<Scratch, BenchError> {
        let stamp = format!("{days}d_{}", crate::clock::now_ms());
        match engine {
            Engine::Sqlite => {
                std::fs::create_dir_all(&args.work_dir)?;
                let file = args.work_dir.join(format!("bench-{stamp}.db"));
                let url = format!("sqlite://{}", file.display());
                let db = Database::open(&url).await?;
                Ok(Scratch {
                    db,
                    sqlite_file: Some(file),
                    postgres: None,
                    url,
                })
            }
            Engine::Postgres => {
                let name = format!("vigie_bench_{stamp}");
                let admin = Database::connect(&args.postgres_url).await?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(admin.pool())
                    .await
                    .map_err(StorageError::from)?;
                admin.close().await;
                let base = args
                    .postgres_url
                    .rsplit_once('/')
                    .map(|(base, _)| base)
                    .unwrap_or(&args.postgres_url);
                let url = format!("{base}/{name}");
                let db = Database::open(&url).await?;
                Ok(Scratch {
                    db,
                    sqlite_file: None,
                    postgres: Some((args.postgres_url.clone(), name)),
                    url,
                })
            }
        }
    }

    /// Size of the database on disk, in bytes.
    async fn size_bytes(&self) -> Result<i64, BenchError> {
        match (&self.sqlite_file, &self.postgres) {
            (Some(file), _) => {
                let mut total = 0;
                for suffix in ["", "-wal"] {
                    let path = PathBuf::from(format!("{}{suffix}", file.display()));
                    total += std::fs::metadata(path)
                        .map(|meta| meta.len() as i64)
                        .unwrap_or(0);
                }
                Ok(total)
            }
            (_, Some((_, name))) => Ok(sqlx::query_scalar::<_, i64>(&format!(
                "SELECT pg_database_size('{name}')"
            ))
            .fetch_one(self.db.pool())
            .await
            .map_err(StorageError::from)?),
            _ => Ok(0),
        }
    }

    async fn remove(self) -> Result<(), BenchError> {
        self.db.close().await;
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        if let Some((admin_url, name)) = &self.postgres {
            let admin = Database::connect(admin_url).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin.pool())
                .await
                .map_err(StorageError::from)?;
            admin.close().await;
        }
        Ok(())
    }
}

/// Runs the whole benchmark and prints its report.
pub async fn run(args: BenchArgs) -> Result<BenchReport, BenchError> {
    let mut report = BenchReport::new(args.probes);
    match args.mode {
        BenchMode::Import => {
            let days = one_scale(&scales_of(&args.scale)?, "import")?;
            let figures = import::run(&args, days).await?;
            write_figures(&args, &figures, "import")?;
            return Ok(report);
        }
        BenchMode::Ingest => {
            let days = one_scale(&scales_of(&args.scale)?, "ingest")?;
            let figures = ingest::run(&args, days).await?;
            write_figures(&args, &figures, "ingest")?;
            return Ok(report);
        }
        BenchMode::Queries => {}
    }
    if !args.reuse.is_empty() {
        return reuse(&args, report).await;
    }
    let scales = scales_of(&args.scale)?;
    for name in &args.engines {
        let engine = engine_of(name)?;
        // Every database made is removed (or kept) whatever happens after it was made.
        let mut scratches = Vec::new();
        let measured = generate_and_time(&args, engine, &scales, &mut scratches).await;
        let mut cleanup_error = None;
        for (scale, scratch) in scales.iter().zip(scratches) {
            if args.keep {
                println!(
                    "[bench] {name} {}: kept, reuse with --reuse {}",
                    scale.name, scratch.url
                );
                scratch.db.close().await;
            } else if let Err(error) = scratch.remove().await {
                cleanup_error.get_or_insert(error.to_string());
            }
        }
        let measured = measured?;
        if let Some(error) = cleanup_error {
            return Err(BenchError::Cleanup(error));
        }
        for (scale, (load, size, figures)) in scales.iter().zip(measured) {
            report.add_engine(engine, scale, load, size, figures);
        }
    }
    write_report(&args, report)
}

/// Generates each scale into a database of its own (pushed on `scratches` as soon as it
/// exists), then times the query mix on all of them side by side: per scale, its load
/// figures, size and query figures.
async fn generate_and_time(
    args: &BenchArgs,
    engine: Engine,
    scales: &[Scale],
    scratches: &mut Vec<Scratch>,
) -> Result<Vec<(dataset::LoadFigures, i64, Vec<queries::QueryFigures>)>, BenchError> {
    let name = format!("{engine:?}").to_lowercase();
    let mut loads = Vec::new();
    for scale in scales {
        scratches.push(Scratch::create(engine, args, scale.days).await?);
        let Some(scratch) = scratches.last() else {
            break;
        };
        println!(
            "[bench] {name} {}: generating {} days for {} probes",
            scale.name, scale.days, args.probes
        );
        let load = dataset::load(&scratch.db, scale.days, args.probes).await?;
        println!(
            "[bench] {name} {}: {} runs, {} steps in {:.1} s ({:.0} step rows/s), {} journeys; rollups in {:.1} s",
            scale.name,
            load.runs,
            load.steps,
            load.insert_s,
            load.steps as f64 / load.insert_s.max(1e-9),
            load.journeys,
            load.rollup_s
        );
        loads.push((load, scratch.size_bytes().await?));
    }
    for scratch in scratches.iter() {
        settle(&scratch.db).await?;
    }
    let targets: Vec<queries::Target> = scales
        .iter()
        .zip(scratches.iter())
        .zip(&loads)
        .map(|((scale, scratch), (load, _))| queries::Target {
            label: format!("{name} {}", scale.name),
            db: scratch.db.clone(),
            now: load.end_ms,
        })
        .collect();
    let results = queries::run_mix(&targets, args.repeat, args.only.as_deref()).await?;
    Ok(loads
        .into_iter()
        .zip(results)
        .map(|((load, size), figures)| (load, size, figures))
        .collect())
}

/// Puts on disk what a load left in memory, as a database at rest would have it, before
/// queries are timed: PostgreSQL's dirty buffers (`CHECKPOINT` waits until they are
/// written and synced) and SQLite's write-ahead log. Otherwise gigabytes are written back
/// while queries are timed (a 3 y PostgreSQL run saw p95s double, the disk busy).
async fn settle(db: &Database) -> Result<(), BenchError> {
    let sql = match db.engine() {
        Engine::Postgres => "CHECKPOINT",
        Engine::Sqlite => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    sqlx::query(sql)
        .execute(db.pool())
        .await
        .map_err(StorageError::from)?;
    Ok(())
}

/// Writes the figures of a mode other than the query mix as the JSON report.
fn write_figures(
    args: &BenchArgs,
    figures: &impl serde::Serialize,
    mode: &str,
) -> Result<(), BenchError> {
    let json = serde_json::to_string_pretty(figures)
        .map_err(|error| BenchError::Query(error.to_string()))?;
    write_json(args, &json, &format!("[bench {mode}]"))
}

fn write_report(args: &BenchArgs, mut report: BenchReport) -> Result<BenchReport, BenchError> {
    report.compute_growth();
    report.print();
    write_json(args, &report.to_json(), "[bench]")?;
    Ok(report)
}

/// Writes `json` to `--out`, creating its folder.
fn write_json(args: &BenchArgs, json: &str, tag: &str) -> Result<(), BenchError> {
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, json)?;
    println!("{tag} report written to {}", args.out.display());
    Ok(())
}

/// The query mix on kept databases, side by side: no generation, no load figures.
async fn reuse(args: &BenchArgs, mut report: BenchReport) -> Result<BenchReport, BenchError> {
    let mut reused = Vec::new();
    for url in &args.reuse {
        let db = Database::open(url).await?;
        let span: (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT MIN(started_at), MAX(started_at) FROM probe_runs")
                .fetch_one(db.pool())
                .await
                .map_err(StorageError::from)?;
        let (Some(oldest), Some(newest)) = span else {
            db.close().await;
            return Err(BenchError::Query(format!(
                "--reuse: {} holds no probe run (a database kept by --keep?)",
                crate::storage::redact_url(url)
            )));
        };
        let days = u32::try_from((newest - oldest) / 86_400_000 + 1).unwrap_or(u32::MAX);
        // Numbered: two kept databases may hold as many days.
        let scale = Scale {
            name: format!("{days}d#{}", reused.len() + 1),
            days,
        };
        reused.push((scale, db, newest + 1));
    }
    let targets: Vec<queries::Target> = reused
        .iter()
        .map(|(scale, db, now)| queries::Target {
            label: scale.name.clone(),
            db: db.clone(),
            now: *now,
        })
        .collect();
    let results = queries::run_mix(&targets, args.repeat, args.only.as_deref()).await;
    for (_, db, _) in &reused {
        db.close().await;
    }
    for ((scale, db, now), figures) in reused.iter().zip(results?) {
        let load = dataset::LoadFigures {
            end_ms: *now,
            ..dataset::LoadFigures::default()
        };
        report.add_engine(db.engine(), scale, load, 0, figures);
    }
    write_report(args, report)
}
