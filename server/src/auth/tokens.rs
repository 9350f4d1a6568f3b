//! API tokens for scripts, probes and the event consumer: created and revoked by admins,
//! stored hashed, shown once, each with scopes (`ingest`, `read`).

use rand::RngCore;

pub use app::domain::tokens::Scope;
use app::domain::vocabulary::NameList;

use super::service::{new_token, token_hash};
use crate::clock::now_ms;
use crate::storage::tokens::{self, StoredToken};
use crate::storage::{Database, StorageError};

/// The token behind a request, once its secret matched an active token.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenGrant {
    pub token_id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl TokenGrant {
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// A token just created, with the secret that is shown this once.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub token: StoredToken,
    pub secret: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("name: a token needs a name of 1 to 100 characters")]
    Name,
    #[error("scopes: '{0}' is not a scope (use ingest, read)")]
    UnknownScope(String),
    #[error("scopes: a token needs at least one scope (ingest, read)")]
    NoScope,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Parses a comma-separated scope list.
pub fn parse_scopes(text: &str) -> Result<Vec<Scope>, TokenError> {
    let mut scopes = Vec::new();
    for part in text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let scope: Scope = part
            .parse()
            .map_err(|_| TokenError::UnknownScope(part.to_string()))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err(TokenError::NoScope);
    }
    Ok(scopes)
}

/// Secrets begin with this, so that a leaked one is easy to recognise.
const SECRET_PREFIX: &str = "vigie_";
/// Writing `last_used_at` at most this often per token.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Clone, Debug)]
pub struct TokenService {
    db: Database,
}

impl TokenService {
    pub fn new(db: Database) -> TokenService {
        TokenService { db }
    }

    pub async fn create(
        &self,
        name: &str,
        scopes: &[Scope],
        created_by: &str,
    ) -> Result<CreatedToken, TokenError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(TokenError::Name);
        }
        if scopes.is_empty() {
            return Err(TokenError::NoScope);
        }
        let mut id = [0_u8; 6];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let token = StoredToken {
            token_id: format!(
                "tok_{}",
                id.iter().map(|b| format!("{b:02x}")).collect::<String>()
            ),
            name: name.to_string(),
            scopes: NameList(scopes.to_vec()),
            created_by: created_by.to_string(),
            created_at_ms: now_ms(),
            last_used_at_ms: None,
            revoked_at_ms: None,
        };
        let secret = format!("{SECRET_PREFIX}{}", new_token());
        tokens::insert(&self.db, &token, &token_hash(&secret)).await?;
        tracing::info!(token_id = %token.token_id, scopes = %token.scopes, by = %created_by, "API token created");
        Ok(CreatedToken { token, secret })
    }

    /// The active token a secret belongs to, if any.
    #[tracing::instrument(name = "resolve_token", level = "debug", skip_all, err)]
    pub async fn resolve(&self, secret: &str) -> Result<Option<TokenGrant>, StorageError> {
        if !secret.starts_with(SECRET_PREFIX) {
            return Ok(None);
        }
        let Some(token) = tokens::find_by_hash(&self.db, &token_hash(secret)).await? else {
            return Ok(None);
        };
        if token.revoked_at_ms.is_some() {
            return Ok(None);
        }
        let now = now_ms();
        if token
            .last_used_at_ms
            .is_none_or(|used| now - used >= TOUCH_EVERY_MS)
        {
            tokens::touch(&self.db, &token.token_id, now).await?;
        }
        Ok(Some(TokenGrant {
            scopes: token.scopes.0,
            token_id: token.token_id,
            name: token.name,
        }))
    }

    pub async fn list(&self) -> Result<Vec<StoredToken>, StorageError> {
        tokens::list(&self.db).await
    }

    /// Answers whether an active token was revoked.
    pub async fn revoke(&self, token_id: &str, by: &str) -> Result<bool, StorageError> {
        let revoked = tokens::revoke(&self.db, token_id, now_ms()).await?;
        if revoked {
            tracing::info!(%token_id, %by, "API token revoked");
        }
        Ok(revoked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_parsed_and_named() {
        assert_eq!(
            parse_scopes("ingest, read,ingest").ok(),
            Some(vec![Scope::Ingest, Scope::Read])
        );
        assert!(matches!(parse_scopes(""), Err(TokenError::NoScope)));
        let error = parse_scopes("ingest,write").err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("scopes: 'write' is not a scope (use ingest, read)")
        );
    }
}
