//! The validate stage: every rule of `docs/import-files.md` over the staged rows,
//! file by file in import order, so that each file is checked against the references
//! of the same drop. Rejected rows go to the import-error table (column, rule, message;
//! never a personal value); the load stage skips them. Besides the shared rules of
//! `ingest::validate`, [`DropState::check`] refuses a key seen twice in its file, a step
//! whose run is neither in the drop nor stored, and an event whose prospect is neither
//! in the drop nor stored.
//!
//! Memory stays bounded on an initial load: keys are kept as 64-bit hashes, and a run's
//! steps as a bit set over its product's journey.
//!
//! On PostgreSQL an initial load's accepted runs and steps are also copied, typed, into
//! the import's work tables (`storage::bulk_load`), which the load stage moves into the
//! final tables.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use app::i18n::Message;
use sqlx::AnyConnection;

use super::files::FileType;
use super::pipeline::ImportContext;
use super::staged::{spawn_opened_chunks, OpenedChunk};
use super::Phase;
use super::PipelineError;
use super::Stage;
use crate::hashing::FastBuildHasher;
use crate::ingest::validate::{
    validate_error_code, validate_event, validate_file_step, validate_journey_step,
    validate_maintenance_window, validate_probe, validate_product, validate_prospect, validate_run,
    validate_service, FieldError, Record, References, Rule,
};
use crate::storage::bulk_load::BulkLoad;
use crate::storage::imports::{self, ImportRecord, RejectedRow, WorkTable};
use crate::storage::reference::Catalog;
use crate::storage::runs::{ProbeRun, ProbeStep};
use crate::storage::{journeys, runs};

pub async fn validate(
    context: &ImportContext,
    import: &ImportRecord,
) -> Result<u64, PipelineError> {
    let db = &context.db;
    imports::clear(db, &import.import_id, WorkTable::Errors).await?;
    let mut state = DropState::new(import.reference_ms);
    // An initial load on PostgreSQL keeps its accepted runs and steps, typed, in work
    // tables that the load stage moves into the final tables (see `storage::bulk_load`).
    let mut bulk = match db.pg_pool().filter(|_| uses_work_tables(db, import)) {
        Some(pool) => Some(BulkLoad::start(pool, &import.import_id).await?),
        None => None,
    };
    let mut total = 0;
    for file_type in FileType::ALL {
        let (accepted, rejected) =
            validate_file(context, import, file_type, &mut state, bulk.as_mut()).await?;
        total += accepted + rejected;
        context.progress.rows(total);
        tracing::info!(
            file = file_type.name(),
            accepted,
            rejected,
            "file validated"
        );
        if file_type == FileType::ProbeRuns {
            context.hold_point(Stage::Validate).await;
        }
    }
    if let Some(bulk) = bulk {
        bulk.finish().await?;
    }
    Ok(total)
}

/// Whether an import bulk-loads (an initial load).
pub fn bulk_loads(import: &ImportRecord) -> bool {
    import.phase == Phase::Initial
}

/// Whether an import's runs and steps go through work tables (an initial load on
/// PostgreSQL; see `storage::bulk_load`).
pub fn uses_work_tables(db: &crate::storage::Database, import: &ImportRecord) -> bool {
    bulk_loads(import) && db.pg_pool().is_some()
}

/// Validates one file's staged rows; answers (accepted, rejected).
async fn validate_file(
    context: &ImportContext,
    import: &ImportRecord,
    file_type: FileType,
    state: &mut DropState,
    mut bulk: Option<&mut BulkLoad>,
) -> Result<(u64, u64), PipelineError> {
    let db = &context.db;
    let mut chunks = spawn_opened_chunks(
        db.clone(),
        context.cipher.clone(),
        import.import_id.clone(),
        file_type,
    );
    let mut connection = db.pool().acquire().await?;
    let (mut accepted, mut rejected) = (0u64, 0u64);
    while let Some(chunk) = chunks.recv().await {
        let OpenedChunk {
            rows,
            records,
            unreadable,
        } = chunk?;
        let mut errors: Vec<(RejectedRow, i64)> = Vec::new();
        for (line, message) in unreadable {
            let error = FieldError::new("", Rule::Format, Message::decode(&message));
            push_errors(&mut errors, file_type, line, vec![error]);
        }
        state
            .look_up_stored(&mut connection, file_type, &records)
            .await?;
        let (mut runs, mut steps) = (Vec::new(), Vec::new());
        for (line, record) in &records {
            match state.check(file_type, record) {
                Err(broken) => push_errors(&mut errors, file_type, *line, broken),
                Ok(Some(Accepted::Run(run))) => runs.push(run),
                Ok(Some(Accepted::Step(run_id, step))) => steps.push((run_id, step)),
                Ok(None) => {}
            }
        }
        if let Some(bulk) = bulk.as_deref_mut() {
            bulk.copy_runs(&runs, import.reference_ms).await?;
            bulk.copy_steps(&steps).await?;
        }
        let chunk_rejected = errors
            .iter()
            .map(|(error, _)| error.line)
            .collect::<HashSet<_>>()
            .len() as u64;
        rejected += chunk_rejected;
        accepted += rows as u64 - chunk_rejected;
        imports::insert_errors(&mut connection, db.engine(), &import.import_id, &errors).await?;
    }
    imports::file_validated(
        &mut connection,
        &import.import_id,
        file_type.name(),
        accepted as i64,
        rejected as i64,
    )
    .await?;
    Ok((accepted, rejected))
}

fn push_errors(
    errors: &mut Vec<(RejectedRow, i64)>,
    file_type: FileType,
    line: i64,
    broken: Vec<FieldError>,
) {
    for (seq, error) in broken.into_iter().enumerate() {
        errors.push((
            RejectedRow {
                file_type: file_type.name().to_string(),
                line,
                column: error.column,
                rule: error.rule.as_str().to_string(),
                message: error.detail.encode(),
            },
            seq as i64,
        ));
    }
}

/// Hashes a key to the 64 bits the drop's state keeps of it.
fn key_hash(parts: &[&str]) -> u64 {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

// Sets and maps of [`key_hash`]es: hashing them again with SipHash (a few times per
// step row) was a tenth of an initial load's validation.
type HashedKeys = HashSet<u64, FastBuildHasher>;
type ByHashedKey<V> = HashMap<u64, V, FastBuildHasher>;

/// A run the drop's steps may belong to: its product, and which of the product's
/// journey steps were seen for it.
#[derive(Debug, Clone, Copy)]
struct RunSlot {
    product: u16,
    steps_seen: u64,
}

/// What the rows read so far tell about the drop: its references, the keys seen per
/// file, the runs and prospects accepted.
pub(super) struct DropState {
    now_ms: i64,
    pub references: References,
    pub catalog: Catalog,
    keys: HashMap<FileType, HashedKeys>,
    step_positions: HashSet<(String, i64)>,
    products: Vec<String>,
    product_index: HashMap<String, u16>,
    /// (product index, step code) → bit of that step in a run's `steps_seen`.
    step_bits: HashMap<u16, HashMap<String, u8>>,
    steps_per_product: HashMap<u16, usize>,
    runs: ByHashedKey<RunSlot>,
    /// Steps beyond a product's 64th, as hashes of (run, step).
    wide_steps: HashedKeys,
    prospects: HashedKeys,
}

impl DropState {
    pub fn new(now_ms: i64) -> DropState {
        DropState {
            now_ms,
            references: References::default(),
            catalog: Catalog::default(),
            keys: HashMap::new(),
            step_positions: HashSet::new(),
            products: Vec::new(),
            product_index: HashMap::new(),
            step_bits: HashMap::new(),
            steps_per_product: HashMap::new(),
            runs: ByHashedKey::default(),
            wide_steps: HashedKeys::default(),
            prospects: HashedKeys::default(),
        }
    }

    /// Whether `key` is new in `file_type` (a later duplicate is rejected).
    fn first_time(&mut self, file_type: FileType, key: &[&str]) -> bool {
        self.keys
            .entry(file_type)
            .or_default()
            .insert(key_hash(key))
    }

    fn product_index(&mut self, product: &str) -> u16 {
        if let Some(index) = self.product_index.get(product) {
            return *index;
        }
        let index = self.products.len() as u16;
        self.products.push(product.to_string());
        self.product_index.insert(product.to_string(), index);
        index
    }

    /// Before a chunk of steps or events is checked: the runs and prospects its rows
    /// name that this drop does not hold, looked up among those stored.
    async fn look_up_stored(
        &mut self,
        connection: &mut AnyConnection,
        file_type: FileType,
        records: &[(i64, Record)],
    ) -> Result<(), PipelineError> {
        let column = match file_type {
            FileType::ProbeSteps => "run_id",
            FileType::JourneyEvents => "prospect_id",
            _ => return Ok(()),
        };
        let mut missing: Vec<String> = Vec::new();
        for (_, record) in records {
            let Some(id) = record.raw(column) else {
                continue;
            };
            let hash = key_hash(&[id]);
            let known = match file_type {
                FileType::ProbeSteps => self.runs.contains_key(&hash),
                _ => self.prospects.contains(&hash),
            };
            if !known {
                missing.push(id.to_string());
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        missing.sort();
        missing.dedup();
        if file_type == FileType::ProbeSteps {
            for (run_id, probe) in runs::stored_run_probes(connection, &missing).await? {
                if let Some(product) = self.references.probe_products.get(&probe).cloned() {
                    let product = self.product_index(&product);
                    self.runs.insert(
                        key_hash(&[&run_id]),
                        RunSlot {
                            product,
                            steps_seen: 0,
                        },
                    );
                }
            }
        } else {
            for prospect in journeys::stored_prospects(connection, &missing).await? {
                self.prospects.insert(key_hash(&[&prospect]));
            }
        }
        Ok(())
    }

    /// Checks one row of `file_type`; on success remembers what later files refer to,
    /// and answers a run or a step typed.
    pub fn check(
        &mut self,
        file_type: FileType,
        record: &Record,
    ) -> Result<Option<Accepted>, Vec<FieldError>> {
        let now = self.now_ms;
        match file_type {
            FileType::Products => {
                let product = validate_product(record)?;
                self.unique(file_type, record, "product_code", &[&product.product_code])?;
                self.references
                    .products
                    .insert(product.product_code.clone());
                self.catalog.products.push(product);
            }
            FileType::Services => {
                let service = validate_service(record)?;
                self.unique(file_type, record, "service_code", &[&service.service_code])?;
                self.references
                    .services
                    .insert(service.service_code.clone());
                self.catalog.services.push(service);
            }
            FileType::JourneySteps => self.check_journey_step(record)?,
            FileType::Probes => {
                let probe = validate_probe(record, &self.references)?;
                self.unique(file_type, record, "probe_code", &[&probe.probe_code])?;
                self.references
                    .probe_products
                    .insert(probe.probe_code.clone(), probe.product_code.clone());
                self.catalog.probes.push(probe);
            }
            FileType::ErrorCodes => {
                let error = validate_error_code(record, &self.references)?;
                self.unique(file_type, record, "error_code", &[&error.error_code])?;
                self.references.error_codes.insert(error.error_code.clone());
                self.catalog.error_codes.push(error);
            }
            FileType::MaintenanceWindows => {
                let window = validate_maintenance_window(record, &self.references)?;
                self.unique(file_type, record, "window_id", &[&window.window_id])?;
                self.catalog.maintenance_windows.push(window);
            }
            FileType::ProbeRuns => return self.check_run(record).map(Some),
            FileType::ProbeSteps => {
                let (run_id, step) = self.check_step(record)?;
                return Ok(Some(Accepted::Step(run_id, step)));
            }
            FileType::Prospects => {
                let prospect = validate_prospect(record, now)?;
                self.unique(file_type, record, "prospect_id", &[&prospect.prospect_id])?;
                self.prospects.insert(key_hash(&[&prospect.prospect_id]));
            }
            FileType::JourneyEvents => self.check_event(record)?,
        }
        Ok(None)
    }

    /// A journey step: unique per product, at a free position; remembered with its bit
    /// in the product's step set (a run's steps are checked against it).
    fn check_journey_step(&mut self, record: &Record) -> Result<(), Vec<FieldError>> {
        let file_type = FileType::JourneySteps;
        let step = validate_journey_step(record, &self.references)?;
        self.unique(
            file_type,
            record,
            "step_code",
            &[&step.product_code, &step.step_code],
        )?;
        if !self
            .step_positions
            .insert((step.product_code.clone(), step.position))
        {
            return Err(vec![record.error(
                "position",
                Rule::DuplicateKey,
                Message::new("rejection.position_taken").arg(&step.product_code),
            )]);
        }
        let product = self.product_index(&step.product_code);
        let count = self.steps_per_product.entry(product).or_insert(0);
        self.step_bits
            .entry(product)
            .or_default()
            .insert(step.step_code.clone(), (*count).min(255) as u8);
        *count += 1;
        self.references
            .journey_steps
            .insert((step.product_code.clone(), step.step_code.clone()));
        self.catalog.journey_steps.push(step);
        Ok(())
    }

    /// A run: unique, remembered with its product for its steps.
    fn check_run(&mut self, record: &Record) -> Result<Accepted, Vec<FieldError>> {
        let run = validate_run(record, &[], &self.references, self.now_ms)?;
        self.unique(FileType::ProbeRuns, record, "run_id", &[&run.run_id])?;
        let product = self
            .references
            .probe_products
            .get(&run.probe_code)
            .cloned()
            .unwrap_or_default();
        let product = self.product_index(&product);
        self.runs.insert(
            key_hash(&[&run.run_id]),
            RunSlot {
                product,
                steps_seen: 0,
            },
        );
        Ok(Accepted::Run(run))
    }

    /// A journey event: unique, and its prospect (if any) in the drop or stored.
    fn check_event(&mut self, record: &Record) -> Result<(), Vec<FieldError>> {
        let (event, _) = validate_event(record, None, &self.references, self.now_ms)?;
        self.unique(
            FileType::JourneyEvents,
            record,
            "event_id",
            &[&event.event_id],
        )?;
        if let Some(prospect) = &event.prospect_id {
            if !self.prospects.contains(&key_hash(&[prospect])) {
                return Err(vec![record.error(
                    "prospect_id",
                    Rule::UnknownReference,
                    Message::new("rejection.unknown_drop_prospect"),
                )]);
            }
        }
        Ok(())
    }

    fn unique(
        &mut self,
        file_type: FileType,
        record: &Record,
        column: &str,
        key: &[&str],
    ) -> Result<(), Vec<FieldError>> {
        if self.first_time(file_type, key) {
            Ok(())
        } else {
            Err(vec![record.error(
                column,
                Rule::DuplicateKey,
                Message::new("rejection.repeated_key"),
            )])
        }
    }

    fn check_step(&mut self, record: &Record) -> Result<(String, ProbeStep), Vec<FieldError>> {
        let run_hash = key_hash(&[record.raw("run_id").unwrap_or_default()]);
        let slot = self.runs.get(&run_hash).copied();
        let product = slot.and_then(|slot| self.products.get(slot.product as usize));
        let known_product = product.is_some();
        let (run_id, step) = validate_file_step(record, product, &self.references, self.now_ms)?;
        let (Some(slot), true) = (slot, known_product) else {
            return Err(vec![record.error(
                "run_id",
                Rule::UnknownReference,
                Message::new("rejection.unknown_drop_run"),
            )]);
        };
        let bit = self
            .step_bits
            .get(&slot.product)
            .and_then(|bits| bits.get(&step.step_code));
        let duplicate = match bit {
            Some(bit) if *bit < 64 => {
                let mask = 1u64 << bit;
                let seen = slot.steps_seen & mask != 0;
                if let Some(stored) = self.runs.get_mut(&run_hash) {
                    stored.steps_seen |= mask;
                }
                seen
            }
            _ => !self
                .wide_steps
                .insert(key_hash(&[&run_id, &step.step_code])),
        };
        if duplicate {
            return Err(vec![record.error(
                "step_code",
                Rule::DuplicateKey,
                Message::new("rejection.repeated_key"),
            )]);
        }
        Ok((run_id, step))
    }
}

/// A run or a step that passed its rules.
pub enum Accepted {
    Run(ProbeRun),
    Step(String, ProbeStep),
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// Values that break parsers: empty, huge, signed, malformed dates and times, NUL,
    /// long text, codes of every shape, and a few valid ones so that deeper rules run.
    const NASTY: &[&str] = &[
        "",
        " ",
        "0",
        "-1",
        "1",
        "3600000",
        "3600001",
        "99999999999999999999",
        "1e9",
        "NaN",
        "true",
        "TRUE",
        "false",
        "2026-02-30",
        "2026-11-20",
        "1900-01-01",
        "2026-11-20T25:00:00Z",
        "2026-11-20T10:00:00+14:00",
        "2026-11-20T10:00:00+01:00",
        "9999-12-31T23:59:59Z",
        "-0001-01-01T00:00:00Z",
        "\u{0}",
        "OK",
        "KO",
        "TIMEOUT",
        "SKIPPED",
        "STARTED",
        "FAILED",
        "web",
        "prod",
        "all",
        "probe",
        "internal",
        "partner",
        "technical",
        "P1",
        "PROD_A",
        "STEP_1",
        "E1",
        "SVC",
        "a@b.c",
        "@",
        "+33612345678",
        "0612345678",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "ÉÉÉ",
        "lower_case",
        "A-B",
    ];

    fn random_cell(rng: &mut ChaCha8Rng) -> String {
        match rng.gen_range(0..10) {
            0 => "x".repeat(rng.gen_range(0..3_000)),
            1 => {
                let bytes: Vec<u8> = (0..rng.gen_range(0..40)).map(|_| rng.gen()).collect();
                String::from_utf8_lossy(&bytes).to_string()
            }
            _ => NASTY[rng.gen_range(0..NASTY.len())].to_string(),
        }
    }

    #[test]
    fn arbitrary_rows_never_panic_any_rule() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..20 {
            let mut state = DropState::new(1_795_000_000_000);
            for file_type in FileType::ALL {
                for _ in 0..300 {
                    let cells: Vec<String> = file_type
                        .columns()
                        .iter()
                        .map(|_| random_cell(&mut rng))
                        .collect();
                    let record = Record::from_cells(
                        file_type
                            .columns()
                            .iter()
                            .copied()
                            .zip(cells.iter().map(String::as_str)),
                    );
                    if let Err(errors) = state.check(file_type, &record) {
                        assert!(!errors.is_empty(), "a rejection names no rule");
                    }
                }
            }
        }
    }
}
