//! The enrich stage's parts: postal codes looked up through a real HTTP client against a
//! fake geography service on loopback, and sales branches stored per region.

use std::time::Duration;

use crate::support::geography::{generated_codes, FakeGeography, Fault};
use crate::support::TestDatabase;
use vigie::enrich::{GeographyClient, GeographyConfig, Lookup, Place, SalesBranches};
use vigie::storage::branches::{list_branches, upsert_branch, SalesBranch};
use vigie::storage::Engine;

fn place(commune: &str, department_code: &str, region_code: &str) -> Lookup {
    Lookup::Resolved(Place {
        commune: commune.into(),
        department_code: department_code.into(),
        region_code: region_code.into(),
    })
}

#[tokio::test]
async fn a_known_postal_code_resolves_to_its_commune_department_and_region(
) -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    let client = GeographyClient::new(fake.config())?;

    assert_eq!(client.resolve("75001").await, place("Paris", "75", "11"));
    assert_eq!(
        client.resolve("13001").await,
        place("Marseille", "13", "93")
    );
    assert_eq!(fake.calls("75001"), 1);
    Ok(())
}

#[tokio::test]
async fn a_postal_code_shared_by_several_communes_takes_the_first_answered(
) -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    let client = GeographyClient::new(fake.config())?;

    assert_eq!(
        client.resolve("01400").await,
        place("Châtillon-sur-Chalaronne", "01", "84")
    );
    Ok(())
}

#[tokio::test]
async fn an_unknown_postal_code_is_unknown_and_remembered() -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    let client = GeographyClient::new(fake.config())?;

    assert_eq!(client.resolve("99999").await, Lookup::Unknown);
    assert_eq!(client.resolve("99999").await, Lookup::Unknown);
    assert_eq!(fake.calls("99999"), 1);
    Ok(())
}

#[tokio::test]
async fn a_malformed_postal_code_is_unknown_without_a_call() -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    let client = GeographyClient::new(fake.config())?;

    for malformed in ["", "7500", "750011", "75A01", " 7500", "75 001"] {
        assert_eq!(
            client.resolve(malformed).await,
            Lookup::Unknown,
            "{malformed:?}"
        );
    }
    assert_eq!(fake.total_calls(), 0);
    Ok(())
}

#[tokio::test]
async fn answers_are_cached_and_shared_by_clones_of_the_client() -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    let client = GeographyClient::new(fake.config())?;

    client.resolve("69001").await;
    let again = client.clone().resolve("69001").await;

    assert_eq!(again, place("Lyon", "69", "84"));
    assert_eq!(fake.calls("69001"), 1);
    Ok(())
}

#[tokio::test]
async fn resolve_all_looks_distinct_codes_up_in_parallel_within_the_concurrency_limit(
) -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    fake.set_delay(Duration::from_millis(50));
    let client = GeographyClient::new(GeographyConfig {
        concurrency: 4,
        ..fake.config()
    })?;
    let codes = generated_codes(40);
    // Each code twice, and a malformed one.
    let batch: Vec<String> = codes
        .iter()
        .chain(codes.iter())
        .cloned()
        .chain(["ABCDE".to_string()])
        .collect();

    let lookups = client.resolve_all(batch.clone()).await;

    assert_eq!(lookups.len(), 41);
    for code in &codes {
        assert!(
            matches!(&lookups[code], Lookup::Resolved(place) if place.region_code == "28"),
            "{code}: {:?}",
            lookups[code]
        );
        assert_eq!(fake.calls(code), 1, "{code}");
    }
    assert_eq!(lookups["ABCDE"], Lookup::Unknown);
    let max_in_flight = fake.max_in_flight();
    assert!(
        (2..=4).contains(&max_in_flight),
        "{max_in_flight} in flight"
    );

    let again = client.resolve_all(batch).await;

    assert_eq!(again, lookups);
    assert_eq!(fake.total_calls(), 40);
    Ok(())
}

#[tokio::test]
async fn a_code_failing_twice_with_500_then_answering_resolves_on_the_third_call(
) -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    fake.fail_first("75001", 2, Fault::Status(500));
    let client = GeographyClient::new(fake.config())?;

    assert_eq!(client.resolve("75001").await, place("Paris", "75", "11"));
    assert_eq!(fake.calls("75001"), 3);
    Ok(())
}

#[tokio::test]
async fn a_429_is_retried() -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    fake.fail_first("69001", 1, Fault::Status(429));
    let client = GeographyClient::new(fake.config())?;

    assert_eq!(client.resolve("69001").await, place("Lyon", "69", "84"));
    assert_eq!(fake.calls("69001"), 2);
    Ok(())
}

#[tokio::test]
async fn a_code_always_failing_fails_after_every_attempt_and_is_not_remembered(
) -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    fake.fail_always("75001", Fault::Status(503));
    let client = GeographyClient::new(fake.config())?;

    assert_eq!(
        client.resolve("75001").await,
        Lookup::Failed("HTTP 503".into())
    );
    assert_eq!(fake.calls("75001"), 3);

    // A failure is not cached: the next lookup asks again.
    client.resolve("75001").await;
    assert_eq!(fake.calls("75001"), 6);
    Ok(())
}

#[tokio::test]
async fn a_slow_answer_beyond_the_timeout_is_retried_then_failed() -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    fake.fail_always("75001", Fault::Stall(Duration::from_secs(3)));
    let client = GeographyClient::new(GeographyConfig {
        timeout: Duration::from_millis(200),
        attempts: 2,
        ..fake.config()
    })?;

    assert_eq!(
        client.resolve("75001").await,
        Lookup::Failed("timeout".into())
    );
    assert_eq!(fake.calls("75001"), 2);
    Ok(())
}

#[tokio::test]
async fn a_404_is_not_retried() -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    fake.fail_always("75001", Fault::Status(404));
    let client = GeographyClient::new(fake.config())?;

    assert_eq!(
        client.resolve("75001").await,
        Lookup::Failed("HTTP 404".into())
    );
    assert_eq!(fake.calls("75001"), 1);
    Ok(())
}

#[tokio::test]
async fn an_unreachable_service_fails_after_every_attempt() -> crate::support::TestResult {
    // A port that was free a moment ago, now closed.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base_url = url::Url::parse(&format!("http://{}/geo", listener.local_addr()?))?;
    drop(listener);
    let client = GeographyClient::new(GeographyConfig {
        attempts: 2,
        backoff: Duration::from_millis(10),
        ..GeographyConfig::new(base_url)
    })?;

    assert_eq!(
        client.resolve("75001").await,
        Lookup::Failed("connection failed".into())
    );
    Ok(())
}

async fn sales_branches_are_upserted_and_loaded_by_region(
    engine: Engine,
) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    assert!(SalesBranches::load(&test.db).await?.is_empty());

    upsert_branch(&test.db, "84", "Agence Lyon", 1_000).await?;
    upsert_branch(&test.db, "11", "Agence Paris", 1_000).await?;
    upsert_branch(&test.db, "11", "Agence Île-de-France", 2_000).await?;

    assert_eq!(
        list_branches(&test.db).await?,
        vec![
            SalesBranch {
                region_code: "11".into(),
                branch: "Agence Île-de-France".into(),
                updated_at_ms: 2_000,
            },
            SalesBranch {
                region_code: "84".into(),
                branch: "Agence Lyon".into(),
                updated_at_ms: 1_000,
            },
        ]
    );
    let branches = SalesBranches::load(&test.db).await?;
    assert_eq!(branches.len(), 2);
    assert_eq!(branches.branch_for("11"), Some("Agence Île-de-France"));
    assert_eq!(branches.branch_for("84"), Some("Agence Lyon"));
    assert_eq!(branches.branch_for("93"), None);
    Ok(())
}
on_both_engines!(sales_branches_are_upserted_and_loaded_by_region);

/// A writer that keeps what the log says, for one test.
#[derive(Clone, Default)]
struct CapturedLog(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLog {
    fn text(&self) -> String {
        let bytes = self.0.lock().map(|bytes| bytes.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut bytes) = self.0.lock() {
            bytes.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failed_lookup_is_logged_with_only_its_postal_code_and_reason(
) -> crate::support::TestResult {
    let fake = FakeGeography::start().await?;
    fake.fail_always("75001", Fault::Status(404));
    let client = GeographyClient::new(fake.config())?;
    let log = CapturedLog::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    client.resolve("75001").await;

    let text = log.text();
    let warning = text
        .lines()
        .find(|line| line.contains("geography lookup failed"))
        .unwrap_or_default();
    assert!(warning.contains("WARN"), "{text}");
    assert!(warning.contains("postal_code=\"75001\""), "{warning}");
    assert!(warning.contains("reason=HTTP 404"), "{warning}");
    let port = fake.base_url.port().unwrap_or_default().to_string();
    for service in ["127.0.0.1", "/geo", port.as_str()] {
        assert!(!text.contains(service), "the log names the service: {text}");
    }
    Ok(())
}
