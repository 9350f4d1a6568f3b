//! The benchmark's report: a table on standard output and a JSON document.

use serde::Serialize;

use super::dataset::LoadFigures;
use super::queries::QueryFigures;
use crate::storage::Engine;

#[derive(Debug, Serialize)]
pub struct EngineReport {
    pub engine: String,
    pub runs: u64,
    pub steps: u64,
    pub insert_s: f64,
    pub step_rows_per_s: f64,
    pub rollup_build_s: f64,
    pub database_bytes: i64,
    pub queries: Vec<QueryFigures>,
    pub worst_service_p95_ms: f64,
    pub min_speedup: f64,
    pub all_agree: bool,
}

#[derive(Debug, Serialize)]
pub struct BenchReport {
    pub scale: String,
    pub days: u32,
    pub probes: u32,
    pub engines: Vec<EngineReport>,
}

impl BenchReport {
    pub fn new(scale: &str, days: u32, probes: u32) -> BenchReport {
        BenchReport {
            scale: scale.to_string(),
            days,
            probes,
            engines: Vec::new(),
        }
    }

    pub fn add_engine(
        &mut self,
        engine: Engine,
        load: LoadFigures,
        database_bytes: i64,
        queries: Vec<QueryFigures>,
    ) {
        let worst = queries.iter().map(|q| q.service_p95_ms).fold(0.0, f64::max);
        let min_speedup = queries
            .iter()
            .map(|q| q.speedup)
            .fold(f64::INFINITY, f64::min);
        self.engines.push(EngineReport {
            engine: format!("{engine:?}").to_lowercase(),
            runs: load.runs,
            steps: load.steps,
            insert_s: load.insert_s,
            step_rows_per_s: load.steps as f64 / load.insert_s.max(1e-9),
            rollup_build_s: load.rollup_s,
            database_bytes,
            all_agree: queries.iter().all(|q| q.agrees),
            worst_service_p95_ms: worst,
            min_speedup,
            queries,
        });
    }

    pub fn print(&self) {
        println!();
        println!(
            "Vigie benchmark — {} ({} days, {} probes)",
            self.scale, self.days, self.probes
        );
        println!(
            "{:<10} {:>10} {:>11} {:>12} {:>10} {:>10} {:>14} {:>12} {:>8}",
            "engine",
            "runs",
            "steps",
            "steps/s",
            "rollups s",
            "size MB",
            "worst p95 ms",
            "min speedup",
            "agree"
        );
        for engine in &self.engines {
            println!(
                "{:<10} {:>10} {:>11} {:>12.0} {:>10.1} {:>10.1} {:>14.1} {:>12.1} {:>8}",
                engine.engine,
                engine.runs,
                engine.steps,
                engine.step_rows_per_s,
                engine.rollup_build_s,
                engine.database_bytes as f64 / 1_048_576.0,
                engine.worst_service_p95_ms,
                engine.min_speedup,
                engine.all_agree
            );
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
