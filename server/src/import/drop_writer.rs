//! Writes a drop as the contract describes it (the demo's drops, the import benchmark's
//! generated history): the ten files of one business date, streamed row by row.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use chrono::NaiveDate;

use super::files::FileType;
use crate::clock::rfc3339;
use crate::storage::reference::Catalog;
use crate::storage::runs::ProbeRun;

pub struct DropWriter {
    writers: BTreeMap<FileType, csv::Writer<BufWriter<File>>>,
}

fn flag(value: bool) -> String {
    value.to_string()
}

fn optional_number(value: Option<i64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

impl DropWriter {
    /// Creates the folder and the ten files with their headers.
    pub fn create(folder: &Path, date: NaiveDate) -> std::io::Result<DropWriter> {
        std::fs::create_dir_all(folder)?;
        let mut writers = BTreeMap::new();
        for file_type in FileType::ALL {
            let name = format!("{}_{}.csv", file_type.name(), date.format("%Y%m%d"));
            let file = BufWriter::with_capacity(1 << 20, File::create(folder.join(name))?);
            let mut writer = csv::Writer::from_writer(file);
            writer.write_record(file_type.columns())?;
            writers.insert(file_type, writer);
        }
        Ok(DropWriter { writers })
    }

    /// Appends one row of `file_type`, cells in the type's column order.
    pub fn row<S: AsRef<[u8]>>(&mut self, file_type: FileType, cells: &[S]) -> std::io::Result<()> {
        if let Some(writer) = self.writers.get_mut(&file_type) {
            writer.write_record(cells)?;
        }
        Ok(())
    }

    /// The reference files and maintenance windows of `catalog`.
    pub fn catalog(&mut self, catalog: &Catalog) -> std::io::Result<()> {
        for p in &catalog.products {
            self.row(
                FileType::Products,
                &[p.product_code.clone(), p.label.clone(), flag(p.active)],
            )?;
        }
        for s in &catalog.services {
            self.row(
                FileType::Services,
                &[
                    s.service_code.clone(),
                    s.label.clone(),
                    s.kind.to_string(),
                    s.owner_team.clone().unwrap_or_default(),
                ],
            )?;
        }
        for s in &catalog.journey_steps {
            self.row(
                FileType::JourneySteps,
                &[
                    s.product_code.clone(),
                    s.step_code.clone(),
                    s.position.to_string(),
                    s.label.clone(),
                    s.service_code.clone(),
                ],
            )?;
        }
        for p in &catalog.probes {
            self.row(
                FileType::Probes,
                &[
                    p.probe_code.clone(),
                    p.label.clone(),
                    p.product_code.clone(),
                    p.channel.clone(),
                    p.environment.clone(),
                    p.interval_s.to_string(),
                    flag(p.enabled),
                ],
            )?;
        }
        for e in &catalog.error_codes {
            self.row(
                FileType::ErrorCodes,
                &[
                    e.error_code.clone(),
                    e.label.clone(),
                    e.category.to_string(),
                    e.service_code.clone().unwrap_or_default(),
                ],
            )?;
        }
        for w in &catalog.maintenance_windows {
            self.row(
                FileType::MaintenanceWindows,
                &[
                    w.window_id.clone(),
                    w.scope.to_string(),
                    w.scope_code.clone().unwrap_or_default(),
                    rfc3339(w.starts_at_ms),
                    rfc3339(w.ends_at_ms),
                    w.reason.clone().unwrap_or_default(),
                ],
            )?;
        }
        Ok(())
    }

    /// A run in `probe_runs` and its steps in `probe_steps`.
    pub fn run(&mut self, run: &ProbeRun) -> std::io::Result<()> {
        self.row(
            FileType::ProbeRuns,
            &[
                run.run_id.as_str(),
                &run.probe_code,
                &rfc3339(run.started_at_ms),
                &run.duration_ms.to_string(),
                run.status.as_str(),
                run.failed_step_code.as_deref().unwrap_or_default(),
                run.error_code.as_deref().unwrap_or_default(),
                run.error_message.as_deref().unwrap_or_default(),
                run.agent.as_deref().unwrap_or_default(),
            ],
        )?;
        for step in &run.steps {
            self.row(
                FileType::ProbeSteps,
                &[
                    run.run_id.as_str(),
                    &step.step_code,
                    &step.position.to_string(),
                    &rfc3339(step.started_at_ms),
                    &step.duration_ms.to_string(),
                    step.status.as_str(),
                    &optional_number(step.http_status),
                    step.error_code.as_deref().unwrap_or_default(),
                    step.message.as_deref().unwrap_or_default(),
                ],
            )?;
        }
        Ok(())
    }

    /// Flushes every file.
    pub fn finish(mut self) -> std::io::Result<()> {
        for writer in self.writers.values_mut() {
            writer.flush()?;
        }
        Ok(())
    }
}
