use std::io::BufRead;

use app::domain::auth::Role;
use clap::{Args, Subcommand};

use super::config::DatabaseArgs;
use super::CliError;
use crate::auth::AuthService;
use crate::storage::Database;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account or update it (password read from standard input).
    Add(AddUser),
}

#[derive(Debug, Args)]
pub struct AddUser {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Login name.
    username: String,
    /// Name shown in the application.
    #[arg(long)]
    display_name: Option<String>,
    /// Roles, comma-separated: viewer, sales, support, admin.
    #[arg(long, value_delimiter = ',', value_parser = parse_role, required = true)]
    roles: Vec<Role>,
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse()
        .map_err(|_| format!("unknown role '{text}' (viewer, sales, support, admin)"))
}

pub async fn run(command: UsersCommand) -> Result<(), CliError> {
    match command {
        UsersCommand::Add(add) => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(CliError::Server)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let db = Database::open(&add.database.database_url).await?;
            let auth = AuthService::new(db.clone(), 60, false);
            let display_name = add.display_name.as_deref().unwrap_or(&add.username);
            auth.upsert_account(&add.username, display_name, password, &add.roles)
                .await?;
            db.close().await;
            println!("account '{}' saved", add.username);
            Ok(())
        }
    }
}
