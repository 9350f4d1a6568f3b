//! Local accounts and their roles.

use app::domain::auth::{Role, SessionUser, UserSummary};

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
    let existing: Option<i64> = sqlx::query_scalar("SELECT user_id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
    let user_id = match existing {
        Some(user_id) => {
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
            let next: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(user_id), 0) + 1 AS BIGINT) AS next FROM users",
            )
            .fetch_one(&mut *tx)
            .await?;
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
    let names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user_id)
            .fetch_all(db.pool())
            .await?;
    names
        .iter()
        .map(|name| {
            name.parse::<Role>()
                .map_err(|error| StorageError::Corrupt(format!("user_roles.role: {error}")))
        })
        .collect()
}

/// A user's row (roles apart).
#[derive(sqlx::FromRow)]
struct UserRow {
    user_id: i64,
    username: String,
    display_name: String,
    password_hash: String,
}

const USER_COLUMNS: &str = "user_id, username, display_name, password_hash";

async fn stored_user(db: &Database, row: UserRow) -> StorageResult<StoredUser> {
    Ok(StoredUser {
        user_id: row.user_id,
        user: SessionUser {
            username: row.username,
            display_name: row.display_name,
            roles: roles_of(db, row.user_id).await?,
        },
        password_hash: row.password_hash,
    })
}

pub async fn find_by_username(db: &Database, username: &str) -> StorageResult<Option<StoredUser>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
    let row: Option<UserRow> = sqlx::query_as(&sql)
        .bind(username)
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => Ok(Some(stored_user(db, row).await?)),
        None => Ok(None),
    }
}

pub async fn find_by_id(db: &Database, user_id: i64) -> StorageResult<Option<StoredUser>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE user_id = $1");
    let row: Option<UserRow> = sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => Ok(Some(stored_user(db, row).await?)),
        None => Ok(None),
    }
}

pub async fn list_users(db: &Database) -> StorageResult<Vec<UserSummary>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
    let rows: Vec<UserRow> = sqlx::query_as(&sql).fetch_all(db.pool()).await?;
    let mut users = Vec::with_capacity(rows.len());
    for row in rows {
        let stored = stored_user(db, row).await?;
        users.push(UserSummary {
            username: stored.user.username,
            display_name: stored.user.display_name,
            roles: stored.user.roles,
        });
    }
    Ok(users)
}
