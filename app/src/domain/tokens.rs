//! API tokens as administrators see them (never the secret, except once at creation).

use serde::{Deserialize, Serialize};

/// The scopes a token can hold.
pub const SCOPES: [&str; 2] = ["ingest", "read"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenSummary {
    pub token_id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_by: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked: bool,
}

/// A token just created, with the secret shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub token: ApiTokenSummary,
    pub secret: String,
}
