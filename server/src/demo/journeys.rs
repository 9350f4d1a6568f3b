//! Real-prospect journeys (clearly fake people with `example.test` e-mails): started,
//! completed step by step, abandoned, or failed when a service is down.

use app::domain::status::EventOutcome;
use chrono::{Datelike, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Paris;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::catalog::{ProductDef, PRODUCTS};
use super::scenario::Scenario;
use super::DemoError;
use crate::crypto::PersonalDataCipher;
use crate::ingest::prospects::PlainProspect;
use crate::storage::journeys::{insert_journeys, EncryptedProspect, JourneyEvent};
use crate::storage::Database;

const HOUR_MS: i64 = 3_600_000;
const FIRST_NAMES: &[&str] = &[
    "Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Jules", "Inès", "Nathan",
    "Sarah", "Théo", "Emma", "Raphaël", "Zoé", "Adam",
];
const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Fournier",
];
const POSTAL_CODES: &[&str] = &[
    "75011", "69003", "13008", "31000", "44000", "59000", "33000", "67000", "35000", "06000",
];

/// Generates the journeys of every hour in `[from, to)` not yet stored. Answers how many.
pub async fn fill_history(
    db: &Database,
    cipher: &PersonalDataCipher,
    scenario: &Scenario,
    seed: u64,
    from: i64,
    to: i64,
) -> Result<u64, DemoError> {
    let latest = crate::storage::journeys::latest_occurred_at(db).await?;
    let first_hour = latest
        .map_or(from, |latest| from.max(latest + 1))
        .div_euclid(HOUR_MS)
        + 1;
    let mut count = 0;
    let (mut prospects, mut events) = (Vec::new(), Vec::new());
    for hour in first_hour..to.div_euclid(HOUR_MS) {
        for (index, product) in PRODUCTS.iter().enumerate() {
            let mut rng = ChaCha8Rng::seed_from_u64(
                seed ^ (hour as u64).wrapping_mul(0x2545_F491_4F6C_DD1D) ^ (index as u64 + 1) << 56,
            );
            let expected = hourly_journeys(product, hour * HOUR_MS);
            let journeys = (expected + rng.gen::<f64>()).floor() as u32;
            for number in 0..journeys {
                let start = hour * HOUR_MS + rng.gen_range(0..HOUR_MS);
                let id = format!("J{}-{}-{number}", product.code, hour);
                let (prospect, journey) = journey(&mut rng, cipher, scenario, product, &id, start)?;
                prospects.extend(prospect);
                events.extend(
                    journey
                        .into_iter()
                        .filter(|event| event.occurred_at_ms < to),
                );
                count += 1;
            }
        }
        if events.len() > 5_000 {
            insert_journeys(db, &prospects, &events).await?;
            prospects.clear();
            events.clear();
        }
    }
    insert_journeys(db, &prospects, &events).await?;
    Ok(count)
}

/// Expected journeys of a product in the hour starting at `at_ms` (Paris working hours
/// busier, weekends quieter).
fn hourly_journeys(product: &ProductDef, at_ms: i64) -> f64 {
    let Some(local) = Utc
        .timestamp_millis_opt(at_ms)
        .single()
        .map(|at| at.with_timezone(&Paris))
    else {
        return 0.0;
    };
    let hour_weight = match local.hour() {
        0..=6 => 0.1,
        7..=8 => 0.6,
        9..=12 => 1.6,
        13..=17 => 1.4,
        18..=21 => 1.2,
        _ => 0.4,
    };
    let day_weight = if local.weekday().number_from_monday() >= 6 {
        0.6
    } else {
        1.0
    };
    f64::from(product.daily_journeys) / 24.0 * hour_weight * day_weight
}

/// One prospect's journey through `product`, starting at `start`.
pub fn journey(
    rng: &mut ChaCha8Rng,
    cipher: &PersonalDataCipher,
    scenario: &Scenario,
    product: &ProductDef,
    journey_id: &str,
    start: i64,
) -> Result<(Option<EncryptedProspect>, Vec<JourneyEvent>), DemoError> {
    let channel = if rng.gen::<f64>() < 0.68 {
        "web"
    } else {
        "mobile"
    };
    let mut events = Vec::new();
    let mut clock = start;
    let mut prospect = None;
    let prospect_id = format!("P{journey_id}");
    for (index, step) in product.steps.iter().enumerate() {
        let event =
            |outcome: EventOutcome, error: Option<&str>, at: i64, known: bool| JourneyEvent {
                event_id: format!("E{journey_id}-{}-{outcome}", step.code),
                occurred_at_ms: at,
                product_code: product.code.into(),
                step_code: step.code.into(),
                journey_id: journey_id.into(),
                prospect_id: known.then(|| prospect_id.clone()),
                outcome,
                error_code: error.map(str::to_string),
                channel: channel.into(),
                application: Some(format!("souscription-{channel}")),
            };
        let known = prospect.is_some();
        if index == 0 {
            events.push(event(EventOutcome::Started, None, clock, known));
        }
        clock += rng.gen_range(20_000..180_000);
        if let Some(error) = scenario.service_down(step.service, clock) {
            events.push(event(EventOutcome::Failed, Some(error), clock, known));
            break;
        }
        let abandon = 0.05 + 0.02 * index as f64 + scenario.extra_abandon(step.service, clock);
        if rng.gen::<f64>() < abandon {
            events.push(event(EventOutcome::Abandoned, None, clock, known));
            break;
        }
        if step.code == "FORM" {
            prospect = Some(new_prospect(rng, cipher, &prospect_id, clock)?);
        }
        let known = prospect.is_some();
        events.push(event(EventOutcome::Completed, None, clock, known));
    }
    Ok((prospect, events))
}

fn new_prospect(
    rng: &mut ChaCha8Rng,
    cipher: &PersonalDataCipher,
    prospect_id: &str,
    at: i64,
) -> Result<EncryptedProspect, DemoError> {
    let first = FIRST_NAMES.choose(rng).copied().unwrap_or("Camille");
    let last = LAST_NAMES.choose(rng).copied().unwrap_or("Martin");
    let email = format!(
        "{}.{}.{}@example.test",
        ascii(first),
        ascii(last),
        rng.gen_range(1..9999)
    );
    let phone = format!("+3360000{:04}", rng.gen_range(0..10_000));
    let birth = format!(
        "{}-{:02}-{:02}",
        rng.gen_range(1950..2006),
        rng.gen_range(1..13),
        rng.gen_range(1..29)
    );
    let prospect = PlainProspect {
        prospect_id: prospect_id.into(),
        first_name: first.into(),
        last_name: last.into(),
        email,
        phone: Some(phone),
        birth_date: Some(birth),
        postal_code: POSTAL_CODES.choose(rng).map(|code| code.to_string()),
        created_at_ms: at,
        contact_consent: rng.gen::<f64>() < 0.8,
    };
    Ok(prospect.seal(cipher)?)
}

fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' => 'e',
            'ï' | 'î' => 'i',
            'ç' => 'c',
            other => other,
        })
        .collect::<String>()
        .to_lowercase()
}
