//! One folder per page.

pub mod board;
pub mod login;
pub mod users;
