//! API tokens as administrators see them (never the secret, except once at creation).

use serde::{Deserialize, Serialize};

use crate::text_enum;

text_enum! {
    /// What a token may do.
    pub enum Scope("token scope") {
        /// Post probe runs and journey events.
        Ingest = "ingest",
        /// Read what the viewer role reads.
        Read = "read",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenSummary {
    pub token_id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
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
