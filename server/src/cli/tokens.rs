//! `vigie tokens create|list|revoke`: API tokens from the command line (admins do the
//! same in the web app).

use clap::{Args, Subcommand};

use super::config::DatabaseArgs;
use super::CliError;
use crate::auth::tokens::parse_scopes;
use crate::auth::TokenService;
use crate::clock::rfc3339;
use crate::storage::Database;

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Create a token and print its secret (shown this once).
    Create(CreateToken),
    /// List tokens (never their secrets).
    List(DatabaseOnly),
    /// Revoke a token by id.
    Revoke(RevokeToken),
}

#[derive(Debug, Args)]
pub struct CreateToken {
    #[command(flatten)]
    database: DatabaseArgs,
    /// What the token is for (such as "probes robot").
    #[arg(long)]
    name: String,
    /// Scopes, comma-separated: ingest, read.
    #[arg(long, default_value = "ingest")]
    scopes: String,
}

#[derive(Debug, Args)]
pub struct DatabaseOnly {
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct RevokeToken {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The token's id (`tok_...`, from `vigie tokens list`).
    token_id: String,
}

const CLI_ACTOR: &str = "cli";

pub async fn run(command: TokensCommand) -> Result<(), CliError> {
    match command {
        TokensCommand::Create(args) => {
            let scopes = parse_scopes(&args.scopes)?;
            let db = Database::open(&args.database.database_url).await?;
            let created = TokenService::new(db.clone())
                .create(&args.name, &scopes, CLI_ACTOR)
                .await;
            db.close().await;
            let created = created?;
            println!(
                "token {} created with scopes {}",
                created.token.token_id, created.token.scopes
            );
            println!("secret (shown once, keep it safe): {}", created.secret);
            Ok(())
        }
        TokensCommand::List(args) => {
            let db = Database::open(&args.database.database_url).await?;
            let tokens = TokenService::new(db.clone()).list().await;
            db.close().await;
            println!(
                "{:<18} {:<28} {:<12} {:<21} {:<21} status",
                "id", "name", "scopes", "created", "last used"
            );
            for token in tokens? {
                println!(
                    "{:<18} {:<28} {:<12} {:<21} {:<21} {}",
                    token.token_id,
                    token.name,
                    token.scopes,
                    rfc3339(token.created_at_ms),
                    token
                        .last_used_at_ms
                        .map(rfc3339)
                        .unwrap_or_else(|| "-".into()),
                    if token.revoked_at_ms.is_some() {
                        "revoked"
                    } else {
                        "active"
                    }
                );
            }
            Ok(())
        }
        TokensCommand::Revoke(args) => {
            let db = Database::open(&args.database.database_url).await?;
            let revoked = TokenService::new(db.clone())
                .revoke(&args.token_id, CLI_ACTOR)
                .await;
            db.close().await;
            if revoked? {
                println!("token {} revoked", args.token_id);
                Ok(())
            } else {
                Err(CliError::Usage(format!(
                    "token_id: no active token '{}'",
                    args.token_id
                )))
            }
        }
    }
}
