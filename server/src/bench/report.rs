//! The benchmark's report: a table on standard output and a JSON document.

use serde::Serialize;

use super::dataset::LoadFigures;
use super::queries::QueryFigures;
use super::{BenchError, Scale};
use crate::storage::Engine;

#[derive(Debug, Serialize)]
pub struct EngineReport {
    pub engine: String,
    pub scale: String,
    pub days: u32,
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

/// How one query's time grew from one scale to a larger one, on one engine (both timed
/// side by side in the same run).
#[derive(Debug, Serialize)]
pub struct QueryGrowth {
    pub engine: String,
    pub query: String,
    pub from_scale: String,
    pub to_scale: String,
    /// The service's p50 on each scale, and their ratio.
    pub from_p50_ms: f64,
    pub to_p50_ms: f64,
    pub growth: f64,
    /// The same from rollups and raw rows only.
    pub rollups_growth: f64,
}

#[derive(Debug, Serialize)]
pub struct BenchReport {
    pub probes: u32,
    /// One per engine and scale, in the order they were generated.
    pub engines: Vec<EngineReport>,
    /// Per engine, from its first scale to each other one.
    pub growth: Vec<QueryGrowth>,
    /// The largest service growth.
    pub worst_growth: Option<f64>,
}

impl BenchReport {
    pub fn new(probes: u32) -> BenchReport {
        BenchReport {
            probes,
            engines: Vec::new(),
            growth: Vec::new(),
            worst_growth: None,
        }
    }

    pub fn add_engine(
        &mut self,
        engine: Engine,
        scale: &Scale,
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
            scale: scale.name.clone(),
            days: scale.days,
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

    /// An error naming every query whose answers differ from raw rows (engine and scale).
    pub fn check_agreement(&self) -> Result<(), BenchError> {
        let differing: Vec<String> = self
            .engines
            .iter()
            .flat_map(|engine| {
                engine
                    .queries
                    .iter()
                    .filter(|query| !query.agrees)
                    .map(move |query| format!("{} {}: {}", engine.engine, engine.scale, query.name))
            })
            .collect();
        if differing.is_empty() {
            Ok(())
        } else {
            Err(BenchError::Disagreement(differing.join(", ")))
        }
    }

    /// Fills [`BenchReport::growth`]: for each engine, each query's time on every scale
    /// after its first, against its time on the first.
    pub fn compute_growth(&mut self) {
        let mut growth = Vec::new();
        for (index, first) in self.engines.iter().enumerate() {
            if self.engines[..index]
                .iter()
                .any(|earlier| earlier.engine == first.engine)
            {
                continue;
            }
            let later = self.engines[index + 1..]
                .iter()
                .filter(|other| other.engine == first.engine);
            for other in later {
                for query in &other.queries {
                    let Some(base) = first.queries.iter().find(|q| q.name == query.name) else {
                        continue;
                    };
                    growth.push(QueryGrowth {
                        engine: first.engine.clone(),
                        query: query.name.clone(),
                        from_scale: first.scale.clone(),
                        to_scale: other.scale.clone(),
                        from_p50_ms: base.service_p50_ms,
                        to_p50_ms: query.service_p50_ms,
                        growth: query.service_p50_ms / base.service_p50_ms.max(1e-6),
                        rollups_growth: query.rollups_p50_ms / base.rollups_p50_ms.max(1e-6),
                    });
                }
            }
        }
        self.worst_growth = growth.iter().map(|g| g.growth).reduce(f64::max);
        self.growth = growth;
    }

    pub fn print(&self) {
        println!();
        println!("Vigie benchmark — {} probes", self.probes);
        println!(
            "{:<10} {:>6} {:>10} {:>11} {:>12} {:>10} {:>10} {:>14} {:>12} {:>8}",
            "engine",
            "scale",
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
                "{:<10} {:>6} {:>10} {:>11} {:>12.0} {:>10.1} {:>10.1} {:>14.1} {:>12.1} {:>8}",
                engine.engine,
                engine.scale,
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
        if self.growth.is_empty() {
            return;
        }
        println!();
        println!("Growth of the p50 query time between scales (timed side by side)");
        println!(
            "{:<10} {:<36} {:>6} {:>6} {:>11} {:>11} {:>8} {:>15}",
            "engine", "query", "from", "to", "from p50 ms", "to p50 ms", "growth", "rollups growth"
        );
        for growth in &self.growth {
            println!(
                "{:<10} {:<36} {:>6} {:>6} {:>11.2} {:>11.2} {:>8.2} {:>15.2}",
                growth.engine,
                growth.query,
                growth.from_scale,
                growth.to_scale,
                growth.from_p50_ms,
                growth.to_p50_ms,
                growth.growth,
                growth.rollups_growth
            );
        }
        if let Some(worst) = self.worst_growth {
            println!("worst growth: ×{worst:.2}");
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(name: &str, p50: f64, rollups_p50: f64, agrees: bool) -> QueryFigures {
        QueryFigures {
            name: name.to_string(),
            service_p50_ms: p50,
            service_p95_ms: p50,
            rollups_p50_ms: rollups_p50,
            rollups_p95_ms: rollups_p50,
            raw_p50_ms: 100.0,
            speedup: 100.0 / p50,
            points: 1,
            agrees,
            max_percentile_error_pct: 0.0,
        }
    }

    fn scale(name: &str, days: u32) -> Scale {
        Scale {
            name: name.to_string(),
            days,
        }
    }

    fn report() -> BenchReport {
        let mut report = BenchReport::new(20);
        let load = LoadFigures::default();
        report.add_engine(
            Engine::Sqlite,
            &scale("1y", 365),
            load,
            0,
            vec![figures("a", 10.0, 12.0, true), figures("b", 2.0, 4.0, true)],
        );
        report.add_engine(
            Engine::Postgres,
            &scale("1y", 365),
            load,
            0,
            vec![figures("a", 20.0, 20.0, true)],
        );
        report.add_engine(
            Engine::Sqlite,
            &scale("3y", 1_095),
            load,
            0,
            vec![
                figures("a", 12.0, 18.0, true),
                figures("b", 4.0, 4.0, false),
            ],
        );
        report
    }

    #[test]
    fn growth_is_taken_per_engine_from_its_first_scale() {
        let mut report = report();
        report.compute_growth();
        let found: Vec<(&str, &str, &str, &str, f64, f64)> = report
            .growth
            .iter()
            .map(|g| {
                (
                    g.engine.as_str(),
                    g.query.as_str(),
                    g.from_scale.as_str(),
                    g.to_scale.as_str(),
                    g.growth,
                    g.rollups_growth,
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("sqlite", "a", "1y", "3y", 1.2, 1.5),
                ("sqlite", "b", "1y", "3y", 2.0, 1.0),
            ]
        );
        assert_eq!(report.worst_growth, Some(2.0));
    }

    #[test]
    fn a_differing_answer_is_named_with_its_engine_and_scale() {
        let error = report().check_agreement().unwrap_err().to_string();
        assert!(error.ends_with("sqlite 3y: b"), "{error}");
        let mut agreeing = BenchReport::new(20);
        agreeing.add_engine(
            Engine::Sqlite,
            &scale("1y", 365),
            LoadFigures::default(),
            0,
            vec![figures("a", 1.0, 1.0, true)],
        );
        assert!(agreeing.check_agreement().is_ok());
    }
}
