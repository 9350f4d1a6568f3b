//! Local accounts, argon2 password hashes, server-side sessions and API tokens.

mod middleware;
pub mod password;
mod service;
pub mod tokens;

pub use middleware::resolve_session;
pub use service::{AuthError, AuthService, SESSION_COOKIE};
pub use tokens::{Scope, TokenGrant, TokenService};
