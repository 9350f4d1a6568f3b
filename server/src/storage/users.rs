//! Local accounts and their roles.

use app::domain::auth::{Role, SessionUser, UserSummary};
use sqlx::Row;

use super::{Database, StorageError, StorageResult};

/// An account as stored, with its password hash (never leaves the server).
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub user_id: i64,
    pub user: SessionUser,
    pub password_hash: String,
}

/// Creates the account, or updates its name, password hash and roles if it exists.
pub async fn upsert_user(
    db: &Database,
    username: &str,
    display_name: &str,
    password_hash: &str,
    roles: &[Role],
    now_ms: i64,
) -> StorageResult<i64> {
    let mut tx = db.pool().begin().await?;
    let existing = sqlx::query("SELECT user_id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
    let user_id = match existing {
        Some(row) => {
            let user_id: i64 = row.try_get("user_id")?;
            sqlx::query(
                "UPDATE users SET display_name = $1, password_hash = $2 WHERE user_id = $3",
            )
            .bind(display_name)
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            user_id
        }
        None => {
            let next: i64 = sqlx::query(
                "SELECT CAST(COALESCE(MAX(user_id), 0) + 1 AS BIGINT) AS next FROM users",
            )
            .fetch_one(&mut *tx)
            .await?
            .try_get("next")?;
            sqlx::query(
                "INSERT INTO users (user_id, username, display_name, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(next)
            .bind(username)
            .bind(display_name)
            .bind(password_hash)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            next
        }
    };
    for role in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(user_id)
}

async fn roles_of(db: &Database, user_id: i64) -> StorageResult<Vec<Role>> {
    let rows = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let name: String = row.try_get("role")?;
            Role::parse(&name).ok_or_else(|| StorageError::Corrupt(format!("unknown role {name}")))
        })
        .collect()
}

async fn stored_user(db: &Database, row: &sqlx::any::AnyRow) -> StorageResult<StoredUser> {
    let user_id: i64 = row.try_get("user_id")?;
    Ok(StoredUser {
        user_id,
        user: SessionUser {
            username: row.try_get("username")?,
            display_name: row.try_get("display_name")?,
            roles: roles_of(db, user_id).await?,
        },
        password_hash: row.try_get("password_hash")?,
    })
}

pub async fn find_by_username(db: &Database, username: &str) -> StorageResult<Option<StoredUser>> {
    let row = sqlx::query(
        "SELECT user_id, username, display_name, password_hash FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => Ok(Some(stored_user(db, &row).await?)),
        None => Ok(None),
    }
}

pub async fn find_by_id(db: &Database, user_id: i64) -> StorageResult<Option<StoredUser>> {
    let row = sqlx::query(
        "SELECT user_id, username, display_name, password_hash FROM users WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => Ok(Some(stored_user(db, &row).await?)),
        None => Ok(None),
    }
}

pub async fn list_users(db: &Database) -> StorageResult<Vec<UserSummary>> {
    let rows = sqlx::query(
        "SELECT user_id, username, display_name, password_hash FROM users ORDER BY username",
    )
    .fetch_all(db.pool())
    .await?;
    let mut users = Vec::with_capacity(rows.len());
    for row in &rows {
        let stored = stored_user(db, row).await?;
        users.push(UserSummary {
            username: stored.user.username,
            display_name: stored.user.display_name,
            roles: stored.user.roles,
        });
    }
    Ok(users)
}
