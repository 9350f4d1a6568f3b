use app::domain::auth::SessionUser;
use app::domain::error::AppError;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::password::{hash_password, verify_password};
use crate::clock::now_ms;
use crate::storage::{sessions, users, Database, StorageError};

pub const SESSION_COOKIE: &str = "vigie_session";

/// Logs users in and out and resolves session cookies.
#[derive(Clone, Debug)]
pub struct AuthService {
    db: Database,
    idle_timeout_ms: i64,
    secure_cookie: bool,
}

impl AuthService {
    pub fn new(db: Database, idle_timeout_minutes: u32, secure_cookie: bool) -> AuthService {
        AuthService {
            db,
            idle_timeout_ms: i64::from(idle_timeout_minutes) * 60_000,
            secure_cookie,
        }
    }

    /// Checks the password and opens a new session (a fresh random id: a session id
    /// known before login is never reused). Answers the user and the session token.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(SessionUser, String), AppError> {
        let stored = users::find_by_username(&self.db, username)
            .await
            .map_err(storage_error)?;
        let (hash, found) = match stored {
            Some(stored) => (stored.password_hash.clone(), Some(stored)),
            // Verify against a dummy hash anyway, so that timing does not reveal
            // which usernames exist.
            None => (dummy_hash(), None),
        };
        let password = password.to_string();
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|_| AppError::Internal)?;
        let Some(stored) = found.filter(|_| matches) else {
            tracing::info!("login refused");
            return Err(AppError::InvalidCredentials);
        };
        let token = new_token();
        sessions::create(&self.db, &token_hash(&token), stored.user_id, now_ms())
            .await
            .map_err(storage_error)?;
        tracing::info!(user_id = stored.user_id, "session opened");
        Ok((stored.user, token))
    }

    /// Ends the session: its token stops working at once.
    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        sessions::delete(&self.db, &token_hash(token))
            .await
            .map_err(storage_error)
    }

    /// The user of a live session; an idle session is deleted and answers `None`.
    #[tracing::instrument(name = "resolve_session", level = "debug", skip_all, err)]
    pub async fn resolve(&self, token: &str) -> Result<Option<SessionUser>, StorageError> {
        let hash = token_hash(token);
        let Some((user_id, last_seen)) = sessions::find(&self.db, &hash).await? else {
            return Ok(None);
        };
        let now = now_ms();
        if now - last_seen > self.idle_timeout_ms {
            sessions::delete(&self.db, &hash).await?;
            return Ok(None);
        }
        if now - last_seen > 30_000 {
            sessions::touch(&self.db, &hash, now).await?;
        }
        Ok(users::find_by_id(&self.db, user_id)
            .await?
            .map(|stored| stored.user))
    }

    /// The `Set-Cookie` value that carries a session token.
    pub fn session_cookie(&self, token: &str) -> String {
        format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            self.idle_timeout_ms / 1000 * 24,
            if self.secure_cookie { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn cleared_cookie(&self) -> String {
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
    }

    /// Creates or updates a local account.
    pub async fn upsert_account(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        roles: &[app::domain::auth::Role],
    ) -> Result<(), AuthError> {
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|_| AuthError::Hashing)?
            .map_err(|_| AuthError::Hashing)?;
        users::upsert_user(&self.db, username, display_name, &hash, roles, now_ms()).await?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password hashing failed")]
    Hashing,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn storage_error(error: StorageError) -> AppError {
    tracing::error!(%error, "storage error in authentication");
    if error.is_unavailable() {
        AppError::Unavailable
    } else {
        AppError::Internal
    }
}

pub(super) fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(super) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| hash_password("dummy password").unwrap_or_default())
        .clone()
}
