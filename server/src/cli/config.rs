use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

use crate::crypto::{CryptoError, LocalKeyProvider};

#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// Database: `sqlite://path` (created on first run) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://vigie.db")]
    pub database_url: String,
}

impl fmt::Debug for DatabaseArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseArgs")
            .field(
                "database_url",
                &crate::storage::redact_url(&self.database_url),
            )
            .finish()
    }
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Address to listen on.
    #[arg(long, env = "VIGIE_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on (1-65535; 0 picks a free port).
    #[arg(long, env = "VIGIE_PORT", default_value_t = 3000)]
    pub port: u16,

    /// Folder of the built front end (Trunk's output).
    #[arg(long, env = "VIGIE_DIST_DIR", default_value = "dist")]
    pub dist_dir: PathBuf,

    /// Key that encrypts personal data at rest: 32 bytes in base64 (`openssl rand -base64 32`).
    #[arg(long, env = "VIGIE_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,

    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "VIGIE_SESSION_IDLE_MINUTES", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..=10_080))]
    pub session_idle_minutes: u32,

    /// Mark the session cookie `Secure` (set it when served over HTTPS).
    #[arg(long, env = "VIGIE_SECURE_COOKIE", default_value_t = false)]
    pub secure_cookie: bool,

    #[command(flatten)]
    pub geography: GeographyArgs,

    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

impl fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeArgs")
            .field("database", &self.database)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dist_dir", &self.dist_dir)
            .field("data_key", &self.data_key.as_ref().map(|_| "***"))
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("secure_cookie", &self.secure_cookie)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "VIGIE_DATA_KEY is missing: set it to 32 random bytes in base64 (openssl rand -base64 32)"
    )]
    MissingDataKey,
    #[error("VIGIE_DATA_KEY is invalid: {0}")]
    InvalidDataKey(CryptoError),
    #[error("VIGIE_IMPORT_INBOX: '{0}' is not a folder")]
    Inbox(String),
    #[error("VIGIE_GEOGRAPHY_URL: {0}")]
    Geography(String),
    #[error("VIGIE_DIST_DIR: '{0}' has no index.html (build the front end with `trunk build --release`)")]
    MissingFrontEnd(String),
}

impl ServeArgs {
    /// The personal-data key provider, from `VIGIE_DATA_KEY`.
    pub fn key_provider(&self) -> Result<LocalKeyProvider, ConfigError> {
        key_provider(self.data_key.as_deref())
    }

    pub fn check_front_end(&self) -> Result<(), ConfigError> {
        if self.dist_dir.join("index.html").is_file() {
            Ok(())
        } else {
            Err(ConfigError::MissingFrontEnd(
                self.dist_dir.display().to_string(),
            ))
        }
    }
}

/// The personal-data key provider from the `VIGIE_DATA_KEY` value.
pub fn key_provider(data_key: Option<&str>) -> Result<LocalKeyProvider, ConfigError> {
    let key = data_key.ok_or(ConfigError::MissingDataKey)?;
    LocalKeyProvider::from_base64(key).map_err(ConfigError::InvalidDataKey)
}

/// The geography service imports enrich prospects with.
#[derive(Debug, Clone, clap::Args)]
pub struct GeographyArgs {
    /// Base URL of the geography service (communes by postal code, such as
    /// https://geo.api.gouv.fr); without it, prospects are loaded without a place.
    #[arg(long, env = "VIGIE_GEOGRAPHY_URL")]
    pub geography_url: Option<url::Url>,
    /// Geography requests in flight at once during an initial load.
    #[arg(long, env = "VIGIE_GEOGRAPHY_CONCURRENCY", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub geography_concurrency: u16,
}

impl GeographyArgs {
    pub fn client(&self) -> Result<Option<crate::enrich::GeographyClient>, ConfigError> {
        let Some(url) = &self.geography_url else {
            return Ok(None);
        };
        let mut config = crate::enrich::GeographyConfig::new(url.clone());
        config.concurrency = usize::from(self.geography_concurrency);
        crate::enrich::GeographyClient::new(config)
            .map(Some)
            .map_err(|error| ConfigError::Geography(error.to_string()))
    }
}

/// The daily import of `vigie serve` (off unless an inbox is set).
#[derive(Debug, Clone, clap::Args)]
pub struct ScheduleArgs {
    /// Folder where the nightly drop arrives; without it no import is scheduled.
    #[arg(long, env = "VIGIE_IMPORT_INBOX")]
    pub import_inbox: Option<PathBuf>,
    /// Where imported drops are moved (default: `archive` inside the inbox).
    #[arg(long, env = "VIGIE_IMPORT_ARCHIVE")]
    pub import_archive: Option<PathBuf>,
    /// Europe/Paris time (HH:MM) from which the day's drop is imported.
    #[arg(long, env = "VIGIE_IMPORT_AT", default_value = "05:00", value_parser = parse_time)]
    pub import_at: chrono::NaiveTime,
    /// Europe/Paris time (HH:MM) by which yesterday's drop must be in, or an alert is raised.
    #[arg(long, env = "VIGIE_IMPORT_CUTOFF", default_value = "06:00", value_parser = parse_time)]
    pub import_cutoff: chrono::NaiveTime,
    /// Seconds between two looks at the inbox.
    #[arg(long, env = "VIGIE_IMPORT_POLL_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub import_poll_seconds: u64,
}

fn parse_time(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| format!("'{text}' is not a time HH:MM"))
}

impl ScheduleArgs {
    /// The schedule, when an inbox is set; the inbox must be a folder.
    pub fn config(&self) -> Result<Option<crate::import::scheduler::ScheduleConfig>, ConfigError> {
        let Some(inbox) = &self.import_inbox else {
            return Ok(None);
        };
        if !inbox.is_dir() {
            return Err(ConfigError::Inbox(inbox.display().to_string()));
        }
        Ok(Some(crate::import::scheduler::ScheduleConfig {
            inbox: inbox.clone(),
            archive: self
                .import_archive
                .clone()
                .unwrap_or_else(|| inbox.join("archive")),
            import_at: self.import_at,
            cutoff: self.import_cutoff,
            poll: std::time::Duration::from_secs(self.import_poll_seconds),
        }))
    }
}
