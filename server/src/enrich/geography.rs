//! Postal code → commune, department and region, through an HTTP geography service
//! shaped like the French public "communes by postal code" one:
//! `GET {base_url}/communes?codePostal=75001&fields=nom,code,codeDepartement,codeRegion&format=json`
//! answers a JSON array of communes; an empty array means an unknown postal code.
//!
//! A lookup retries timeouts, connection errors, 5xx and 429 with exponential backoff;
//! other 4xx fail at once. Answers (resolved or unknown) are cached for the life of the
//! client; failures are not, so a later lookup tries again. A reason for a failure names
//! only a status code or an error kind, and logs name only the postal code besides it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use serde::Deserialize;
use url::Url;

use super::EnrichError;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_ATTEMPTS: u32 = 3;
pub const DEFAULT_BACKOFF: Duration = Duration::from_millis(200);
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The fields asked of the service, in its own names.
const FIELDS: &str = "nom,code,codeDepartement,codeRegion";

/// Where the geography service is and how hard to try it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeographyConfig {
    /// The service's root: lookups go to `{base_url}/communes`.
    pub base_url: Url,
    /// The longest one request may take, connecting and reading the answer included.
    pub timeout: Duration,
    /// How many requests one lookup may make (0 counts as 1).
    pub attempts: u32,
    /// The wait before a lookup's second request; it doubles before each next one.
    pub backoff: Duration,
    /// The most requests in flight at once during a batch (0 counts as 1).
    pub concurrency: usize,
}

impl GeographyConfig {
    /// The service at `base_url`, with a 5 s timeout, 3 attempts, 200 ms backoff doubling,
    /// and 8 requests in flight at most.
    pub fn new(base_url: Url) -> GeographyConfig {
        GeographyConfig {
            base_url,
            timeout: DEFAULT_TIMEOUT,
            attempts: DEFAULT_ATTEMPTS,
            backoff: DEFAULT_BACKOFF,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// Where a postal code lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub commune: String,
    pub department_code: String,
    pub region_code: String,
}

/// The outcome of looking a postal code up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Resolved(Place),
    /// Not a postal code, or one the service does not know.
    Unknown,
    /// No answer after every attempt; the reason is a status code or an error kind.
    Failed(String),
}

/// A client of the geography service, with a cache shared by its clones.
#[derive(Debug, Clone)]
pub struct GeographyClient {
    http: reqwest::Client,
    communes_url: Url,
    attempts: u32,
    backoff: Duration,
    concurrency: usize,
    cache: Arc<Mutex<HashMap<String, Lookup>>>,
}

/// What one request gave.
enum Outcome {
    Answer(Lookup),
    /// Worth another attempt (timeout, connection, 5xx, 429).
    Transient(String),
    /// Another attempt would get the same (other 4xx, an unreadable answer).
    Final(String),
}

/// One commune of an answer. Every field is optional so that one odd commune does not
/// make the whole answer unreadable.
#[derive(Deserialize)]
struct Commune {
    nom: Option<String>,
    #[serde(rename = "codeDepartement")]
    department_code: Option<String>,
    #[serde(rename = "codeRegion")]
    region_code: Option<String>,
}

impl Commune {
    fn place(self) -> Option<Place> {
        Some(Place {
            commune: self.nom?,
            department_code: self.department_code?,
            region_code: self.region_code?,
        })
    }
}

impl GeographyClient {
    pub fn new(config: GeographyConfig) -> Result<GeographyClient, EnrichError> {
        let mut communes_url = config.base_url.clone();
        communes_url.set_query(None);
        communes_url
            .path_segments_mut()
            .map_err(|()| EnrichError::BaseUrl(config.base_url.to_string()))?
            .pop_if_empty()
            .push("communes");
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("vigie/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| EnrichError::Client(error.to_string()))?;
        Ok(GeographyClient {
            http,
            communes_url,
            attempts: config.attempts.max(1),
            backoff: config.backoff,
            concurrency: config.concurrency.max(1),
            cache: Arc::default(),
        })
    }

    /// Looks one postal code up: from the cache, or from the service. A code that is not
    /// five digits is `Unknown` without asking.
    pub async fn resolve(&self, postal_code: &str) -> Lookup {
        if !is_postal_code(postal_code) {
            return Lookup::Unknown;
        }
        if let Some(known) = self.cached(postal_code) {
            return known;
        }
        let lookup = self.fetch(postal_code).await;
        match &lookup {
            Lookup::Failed(reason) => {
                tracing::warn!(postal_code, %reason, "geography lookup failed");
            }
            Lookup::Resolved(_) | Lookup::Unknown => self.remember(postal_code, &lookup),
        }
        lookup
    }

    /// Looks every distinct code up, at most `concurrency` requests in flight, and
    /// answers each code's lookup.
    pub async fn resolve_all(
        &self,
        codes: impl IntoIterator<Item = String>,
    ) -> HashMap<String, Lookup> {
        let distinct: HashSet<String> = codes.into_iter().collect();
        let lookups: HashMap<String, Lookup> = futures::stream::iter(distinct)
            .map(|code| async move {
                let lookup = self.resolve(&code).await;
                (code, lookup)
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let count = |wanted: fn(&Lookup) -> bool| lookups.values().filter(|l| wanted(l)).count();
        tracing::info!(
            resolved = count(|l| matches!(l, Lookup::Resolved(_))),
            unknown = count(|l| matches!(l, Lookup::Unknown)),
            failed = count(|l| matches!(l, Lookup::Failed(_))),
            "postal codes looked up"
        );
        lookups
    }

    fn cached(&self, postal_code: &str) -> Option<Lookup> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.get(postal_code).cloned()
    }

    fn remember(&self, postal_code: &str, lookup: &Lookup) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.insert(postal_code.to_string(), lookup.clone());
    }

    /// Asks the service until it answers, an attempt fails for good, or attempts run out.
    async fn fetch(&self, postal_code: &str) -> Lookup {
        let mut wait = self.backoff;
        let mut attempt = 1;
        loop {
            match self.ask(postal_code).await {
                Outcome::Answer(lookup) => return lookup,
                Outcome::Final(reason) => return Lookup::Failed(reason),
                Outcome::Transient(reason) if attempt >= self.attempts => {
                    return Lookup::Failed(reason)
                }
                Outcome::Transient(reason) => {
                    tracing::debug!(postal_code, attempt, %reason, "geography lookup retried");
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                    attempt += 1;
                }
            }
        }
    }

    /// One request.
    async fn ask(&self, postal_code: &str) -> Outcome {
        let request = self.http.get(self.communes_url.clone()).query(&[
            ("codePostal", postal_code),
            ("fields", FIELDS),
            ("format", "json"),
        ]);
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return transport_failure(&error),
        };
        let status = response.status();
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Outcome::Transient(format!("HTTP {}", status.as_u16()));
        }
        if !status.is_success() {
            return Outcome::Final(format!("HTTP {}", status.as_u16()));
        }
        // Read, then parse: a body cut short is worth a retry, a malformed one is not.
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => return transport_failure(&error),
        };
        match serde_json::from_slice::<Vec<Commune>>(&body) {
            Ok(communes) => Outcome::Answer(first_place(communes)),
            Err(_) => Outcome::Final("unreadable answer".to_string()),
        }
    }
}

/// Five ASCII digits.
fn is_postal_code(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|byte| byte.is_ascii_digit())
}

/// Several communes may share a postal code: the first complete one, in the service's
/// order, stands for it. An answer without a complete commune is `Unknown`.
fn first_place(communes: Vec<Commune>) -> Lookup {
    communes
        .into_iter()
        .find_map(Commune::place)
        .map_or(Lookup::Unknown, Lookup::Resolved)
}

/// A request that got no status: the error's kind, never its text (which holds the URL).
fn transport_failure(error: &reqwest::Error) -> Outcome {
    if error.is_timeout() {
        Outcome::Transient("timeout".to_string())
    } else if error.is_connect() {
        Outcome::Transient("connection failed".to_string())
    } else if error.is_request() || error.is_body() || error.is_decode() {
        Outcome::Transient("connection lost".to_string())
    } else {
        Outcome::Final("request failed".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_five_digits_make_a_postal_code() {
        assert!(is_postal_code("75001"));
        assert!(is_postal_code("01400"));
        for malformed in ["", "7500", "750011", "75A01", " 7500", "７５００１"] {
            assert!(!is_postal_code(malformed), "{malformed:?}");
        }
    }

    #[test]
    fn the_first_complete_commune_stands_for_a_shared_postal_code() {
        let answer = r#"[{"nom":"Saint-Pierre","code":"97502","codeDepartement":"975"},
            {"nom":"Chatillon","code":"01092","codeDepartement":"01","codeRegion":"84"},
            {"nom":"Abergement","code":"01002","codeDepartement":"01","codeRegion":"84"}]"#;
        let communes: Vec<Commune> = serde_json::from_str(answer).unwrap_or_default();
        assert_eq!(
            first_place(communes),
            Lookup::Resolved(Place {
                commune: "Chatillon".into(),
                department_code: "01".into(),
                region_code: "84".into(),
            })
        );
        assert_eq!(first_place(Vec::new()), Lookup::Unknown);
    }
}
