//! Local accounts, argon2 password hashes and server-side sessions.

mod middleware;
pub mod password;
mod service;

pub use middleware::resolve_session;
pub use service::{AuthError, AuthService, SESSION_COOKIE};
