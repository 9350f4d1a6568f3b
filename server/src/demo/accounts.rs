use app::domain::auth::Role;

use crate::auth::{AuthError, AuthService};

/// A demo account, printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: &'static str,
    pub password: &'static str,
    pub roles: &'static str,
}

const ACCOUNTS: [(&str, &str, &str, &[Role]); 4] = [
    (
        "viewer",
        "Valérie Moreau (MOA)",
        "demo-viewer",
        &[Role::Viewer],
    ),
    (
        "sales",
        "Sami Benali (commercial)",
        "demo-sales",
        &[Role::Sales],
    ),
    (
        "support",
        "Sophie Martin (assistance)",
        "demo-support",
        &[Role::Support],
    ),
    ("admin", "Antoine Leroy (QS)", "demo-admin", &[Role::Admin]),
];

pub async fn create(auth: &AuthService) -> Result<Vec<DemoAccount>, AuthError> {
    let mut created = Vec::new();
    for (username, display_name, password, roles) in ACCOUNTS {
        auth.upsert_account(username, display_name, password, roles)
            .await?;
        created.push(DemoAccount {
            username,
            password,
            roles: roles.first().map(|role| role.as_str()).unwrap_or_default(),
        });
    }
    Ok(created)
}
