//! Getting data in. Every path that stores probe runs (live simulation, the ingest API,
//! the file import) goes through [`RunRecorder`], so that open status boards hear about
//! each stored run; every path that accepts items from outside validates them with the
//! same rules ([`validate`]).

pub mod prospects;
mod recorder;
pub mod validate;

pub use recorder::RunRecorder;
