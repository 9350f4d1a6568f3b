//! The enrich stage of the daily import: each prospect's postal code becomes a commune,
//! a department and a region through an external geography service ([`geography`]),
//! and the region names the sales branch that calls the prospect back ([`branches`]).

pub mod branches;
pub mod geography;

pub use branches::SalesBranches;
pub use geography::{GeographyClient, GeographyConfig, Lookup, Place};

/// Why the enrich stage cannot start at all (a failed lookup is a [`Lookup::Failed`],
/// not an error).
#[derive(Debug, thiserror::Error)]
pub enum EnrichError {
    #[error("geography service: the base URL '{0}' cannot take a path")]
    BaseUrl(String),
    #[error("geography service: cannot build the HTTP client: {0}")]
    Client(String),
}
